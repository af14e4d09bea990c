"""Twilio voice adapter: the phone menu of the hotline, on the same core as the Telegram bot."""
