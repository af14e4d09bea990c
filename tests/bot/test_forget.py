"""/forget: state, case data and both sides of the chat go; the confirmation says nothing more."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.methods import DeleteMessages, SendMessage

from bot.handlers.errors import SOMETHING_WENT_WRONG
from hotline.i18n import translate
from hotline.ui_strings import TOO_MANY_MESSAGES
from tests.bot.conftest import Harness, make_harness, make_services
from tests.support.updates import command, message


async def test_forget_erases_everything_and_deletes_messages(harness: Harness) -> None:
    first = message("Здравствуйте")
    second = message("Забрали паспорт и не отпускают")
    await harness.feed(first)
    await harness.feed(second)
    sent_count = len(harness.session.of(SendMessage))
    assert sent_count >= 2 and harness.escalator.requests
    forget = command("/forget")
    harness.session.clear()
    await harness.feed(forget)

    [delete] = harness.session.of(DeleteMessages)
    assert first.message is not None and second.message is not None and forget.message is not None
    for incoming in (first.message, second.message, forget.message):
        assert incoming.message_id in delete.message_ids
    # The bot's own replies (ids 1000 and up from the mocked session) are deleted too.
    assert len([i for i in delete.message_ids if i >= 1000]) == sent_count

    assert await harness.services.store.get("tg:1001") is None
    assert harness.escalator.requests == []
    assert await harness.escalator.open_case("tg:1001") is None

    [confirmation] = harness.session.of(SendMessage)
    assert "паспорт" not in confirmation.text.lower()
    assert "регистрац" not in confirmation.text.lower()


async def test_after_forget_the_conversation_starts_afresh(harness: Harness) -> None:
    await harness.feed(message("Забрали паспорт и не отпускают"))
    await harness.feed(command("/forget"))
    harness.session.clear()
    await harness.feed(message("Сколько дней на регистрацию?"))
    assert harness.texts()[0].startswith("<b>")  # answered, not paused for a forgotten case


async def test_every_path_into_the_chat_is_deleted(
    understanding: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The error notice, the throttling note and the unknown command's reply too."""
    async for harness in make_harness(make_services(understanding), throttle_limit=2):
        incoming = []
        for update in (
            message("Здравствуйте"),
            command("/whatisthis"),
            message("раз"),  # over the limit: the polite note
            message("два"),
        ):
            assert update.message is not None
            incoming.append(update.message.message_id)
            await harness.feed(update)
        policy = harness.services.policy
        original = policy.handle

        async def broken(turn: object) -> None:
            raise RuntimeError("store failed")

        monkeypatch.setattr(policy, "handle", broken)
        failing = message("три")
        assert failing.message is not None
        incoming.append(failing.message.message_id)
        await harness.feed(failing)  # "something went wrong"
        monkeypatch.setattr(policy, "handle", original)
        world = harness.session.world
        texts = harness.texts()
        assert any("/whatisthis" in t for t in texts)
        assert translate("ru", TOO_MANY_MESSAGES) in texts
        assert translate("ru", SOMETHING_WENT_WRONG) in texts
        sent = set(world.message_ids_sent_to(1001))

        harness.session.clear()
        await harness.feed(command("/forget"))
        [delete] = harness.session.of(DeleteMessages)
        assert {*incoming, *sent} <= set(delete.message_ids)
        [confirmation] = harness.texts()  # sent even over the flood limit
        assert "Очистить историю" not in confirmation
