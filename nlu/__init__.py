"""Understanding layer shared by the Telegram bot and the phone line.

Imports nothing of ours: the `hotline` core depends on it, never the reverse.
"""
