"""The shared core: settings, content, dialogue policy, escalation, storage.

Never imports `aiogram` or `twilio`: adapters translate transport events into
`Turn`s and render the `Reply` the core returns.
"""
