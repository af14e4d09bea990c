"""The case's topic and card in the operators' group, and posting there within the budget."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup

from bot.operators import cards
from bot.outbox.budget import GroupBudget
from hotline.cases.outbox import OutboxQueue
from hotline.cases.views import CaseView

log = logging.getLogger(__name__)


@dataclass
class TopicDesk:
    bot: Bot
    chat_id: int
    queue: OutboxQueue
    budget: GroupBudget
    credit: int = 0  # messages already taken from the budget for the item under way

    async def take(self) -> bool:
        """Take the budget for an item's first message; False when there is none now."""
        self.credit = 0
        if not await self.budget.try_take():
            return False
        self.credit = 1
        return True

    async def spend(self) -> None:
        if self.credit:
            self.credit -= 1
        else:
            await self.budget.spend()

    async def ensure(self, case: CaseView, item_id: int) -> tuple[int, int | None]:
        """The case's topic (created with its card if need be); and the card's message id.

        The topic's id is stored the moment Telegram returns it, with the item's step, so a
        retry never opens a second topic; the card likewise.
        """
        topic = case.topic_id
        if topic is None:
            created = await self.call(
                self.bot.create_forum_topic(
                    self.chat_id, cards.topic_name(case), icon_color=cards.topic_colour(case)
                )
            )
            topic = int(created.message_thread_id)
            await self.queue.topic_created(case.id, topic, item_id, 1)
            log.info("topic opened for case %s", case.number)
        card = case.card_message_id
        if card is None:
            text = cards.card_html(case, self.queue.store.now())
            card = await self.post(topic, text, cards.card_keyboard(case))
            await self.queue.card_posted(case.id, card)
        return topic, card

    async def show_card(self, case: CaseView, topic: int) -> int | None:
        """Edit the card in place; post a new one if it was deleted by hand."""
        text = cards.card_html(case, self.queue.store.now())
        markup = cards.card_keyboard(case)
        if case.card_message_id is not None:
            try:
                await self.spend()
                await self.bot.edit_message_text(
                    text,
                    chat_id=self.chat_id,
                    message_id=case.card_message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    disable_web_page_preview=True,
                )
                return case.card_message_id
            except TelegramBadRequest as exc:
                if "not modified" in exc.message.lower():
                    return case.card_message_id
                if "not found" not in exc.message.lower():
                    raise
        message_id = await self.post(topic, text, markup)
        await self.queue.card_posted(case.id, message_id)
        return message_id

    async def post(
        self, topic: int | None, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> int:
        """Post in a topic; with `topic` None, in the group's main thread."""
        await self.spend()
        sent = await self.bot.send_message(
            self.chat_id,
            text,
            message_thread_id=topic,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            disable_web_page_preview=True,
        )
        return sent.message_id

    async def call(self, call: Any, *, not_modified_ok: bool = False) -> Any:
        await self.spend()
        try:
            return await call
        except TelegramBadRequest as exc:
            text = exc.message.lower()
            if not_modified_ok and ("not_modified" in text or "not modified" in text):
                return None
            raise
