"""Hand turns to the core and deliver its replies: what every private-chat handler needs.

One `Talk` per Dispatcher, passed to handlers as workflow data (`talk`).
"""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot
from aiogram.types import User

from bot.identity import language_hint, user_key
from bot.message_log import MessageLog
from bot.middlewares.admission import throttled
from bot.replies import Outgoing, Unreachable, render_reply, send_all
from hotline.content import ContentStore
from hotline.metrics import Metrics
from hotline.policy import DialoguePolicy
from hotline.turns import Escalate, Reply, ShowEmergencyNumbers, Turn
from nlu.catalogue import Language


def is_urgent(reply: Reply) -> bool:
    """A reply about safety: emergency numbers or an escalation. Never withheld."""
    return any(isinstance(a, ShowEmergencyNumbers | Escalate) for a in reply.actions)


def quiet_reply(reply: Reply | None = None) -> bool:
    """Withhold this reply: its update is over the sender's limit and it is not urgent.

    The update itself was still handled (see `bot.middlewares.admission`).
    """
    return throttled() is not None and (reply is None or not is_urgent(reply))


@dataclass
class Talk:
    policy: DialoguePolicy
    content: ContentStore
    metrics: Metrics
    log: MessageLog

    def turn(
        self,
        user: User,
        *,
        text: str | None = None,
        option: str | None = None,
        hint: Language | None = None,
    ) -> Turn:
        return Turn(
            user_key(user),
            "telegram",
            text=text,
            option=option,
            language_hint=hint or language_hint(user),
        )

    async def language_of(self, user: User) -> Language:
        return await self.policy.language_of(user_key(user), language_hint(user))

    async def deliver(
        self,
        bot: Bot,
        chat_id: int,
        user: User | str,
        reply: Reply | list[Outgoing],
        incoming_id: int | None = None,
        *,
        urgent: Reply | None = None,
        always: bool = False,
    ) -> list[int]:
        """Send the reply; log message ids for /forget; note when the person blocked us.

        Over the person's limit only an urgent reply is sent (`quiet_reply`); `urgent` is the
        core's reply behind a pre-rendered list, which decides for the list; `always` sends
        it regardless (what /forget did, and what it could not do).
        """
        key = user if isinstance(user, str) else user_key(user)
        messages = render_reply(reply, self.content) if isinstance(reply, Reply) else reply
        if not always and quiet_reply(reply if isinstance(reply, Reply) else urgent):
            self.metrics.inc("telegram_replies_withheld_total")
            messages = []
        try:
            sent = await send_all(bot, chat_id, messages)
        except Unreachable:
            self.metrics.inc("telegram_blocked_total")
            await self.policy.mark_unreachable(key)
            sent = []
        await self.log.remember(bot.id, chat_id, [incoming_id, *sent])
        return sent
