"""/forget: state, case data and both sides of the chat go; the confirmation says nothing more."""

from __future__ import annotations

from aiogram.methods import DeleteMessages, SendMessage

from tests.bot.conftest import Harness
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
