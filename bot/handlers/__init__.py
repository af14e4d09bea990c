"""One Router per module; `bot.dispatcher` includes them in order."""
