"""Telegram adapter (aiogram 3): turns updates into core turns and renders the replies.

Telegram users are known to the core as `tg:<user id>` (`bot.identity.user_key`).
"""
