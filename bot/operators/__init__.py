"""The operators' side of the hotline: one forum topic per case in the operators' supergroup.

Direction of travel is in the module names: `pm_talk` (the person's private chat → topic),
`group_talk` (the operators' topic → person, and case commands), `cards` (what operators
read about a case). Every Telegram call about a case goes through the durable outbox
(`bot.outbox`), so nothing is lost when Telegram fails.
"""
