"""Delivering the case outbox to Telegram, split by job.

`runner` claims and delivers, `budget` keeps within Telegram's group limit, `failures`
judges what a failed call means, `topics` keeps each case's topic and card, and
`handlers` has one handler per outbox event kind.
"""

from bot.outbox.budget import GroupBudget, LocalBudget, RedisBudget
from bot.outbox.runner import OutboxWorker

__all__ = ["GroupBudget", "LocalBudget", "OutboxWorker", "RedisBudget"]
