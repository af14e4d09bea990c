"""Updates that are not plain questions: attachments, edits, groups, duplicates, floods."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import Chat, Location, PhotoSize, Voice

from bot.handlers.unsupported import ATTACHMENT, EDITED, LOCATION, VOICE
from hotline.i18n import translate
from hotline.ui_strings import TOO_MANY_MESSAGES
from tests.bot.conftest import Harness, make_harness, make_services
from tests.hotline.fakes import FakeUnderstanding
from tests.support.updates import message, person, press, sticker

KY = person(user_id=2002, language_code="ky")


async def test_voice_gets_a_polite_note_in_the_persons_language(harness: Harness) -> None:
    await harness.feed(message(user=KY, voice=Voice(file_id="v", file_unique_id="v", duration=3)))
    assert harness.texts() == [translate("ky", VOICE)]


async def test_photo_sticker_location_and_edits(harness: Harness) -> None:
    photo = [PhotoSize(file_id="p", file_unique_id="p", width=1, height=1)]
    await harness.feed(message(photo=photo))
    await harness.feed(message(sticker=sticker()))
    await harness.feed(message(location=Location(latitude=55.7, longitude=37.6)))
    await harness.feed(message("исправлено", edited=True))
    assert harness.texts() == [
        translate("ru", ATTACHMENT),
        translate("ru", ATTACHMENT),
        translate("ru", LOCATION),
        translate("ru", EDITED),
    ]


async def test_a_caption_is_read_like_a_message(harness: Harness) -> None:
    photo = [PhotoSize(file_id="p", file_unique_id="p", width=1, height=1)]
    await harness.feed(message(photo=photo, caption="Забрали паспорт и не отпускают"))
    assert harness.escalator.requests[0].level == "high"
    assert harness.texts()[0] == translate("ru", ATTACHMENT)


async def test_group_chats_and_channels_are_ignored(harness: Harness) -> None:
    group = Chat(id=-100123, type="supergroup", title="g")
    channel = Chat(id=-100456, type="channel", title="c")
    await harness.feed(message("Здравствуйте", chat=group))
    await harness.feed(message("Здравствуйте", chat=channel))
    assert harness.session.requests == []


async def test_the_same_update_is_processed_once(harness: Harness) -> None:
    update = message("Забрали паспорт и не отпускают", update_id=777_000)
    await harness.feed(update)
    await harness.feed(update)
    assert len(harness.escalator.requests) == 1
    assert harness.services.metrics.value("telegram_duplicate_updates_total") == 1


async def test_flood_is_throttled_with_one_polite_note() -> None:
    services = make_services(FakeUnderstanding())
    async for harness in make_harness(services, throttle_limit=3):
        for _ in range(6):
            await harness.feed(message("спам"))
        await harness.feed(press("menu"))
        texts = harness.texts()
        note = translate("ru", TOO_MANY_MESSAGES)
        assert texts.count(note) == 1
        assert len(texts) == 4  # three answers, one note, nothing for the rest
        [answered] = harness.session.of(AnswerCallbackQuery)
        assert answered.text is None  # the note went once, as a message
        assert harness.services.metrics.value("telegram_throttled_total") == 4


async def test_throttling_is_per_person() -> None:
    services = make_services(FakeUnderstanding())
    async for harness in make_harness(services, throttle_limit=1):
        await harness.feed(message("а", user=person(1)))
        await harness.feed(message("б", user=person(2)))
        assert len(harness.session.of(SendMessage)) == 2


async def test_only_private_chats_and_the_operators_chat_pass() -> None:
    from bot.middlewares.chats import PrivateChatsOnly

    seen: list[int] = []

    async def handler(event: object, data: dict[str, object]) -> None:
        seen.append(data["event_chat"].id)  # type: ignore[attr-defined]

    gate = PrivateChatsOnly(operators_chat_id=-100999)
    for chat in (
        Chat(id=7, type="private"),
        Chat(id=-100999, type="supergroup", title="operators"),
        Chat(id=-100123, type="supergroup", title="someone else's group"),
        Chat(id=-100456, type="channel", title="a channel"),
    ):
        await gate(handler, message("x"), {"event_chat": chat})  # type: ignore[arg-type]
    await gate(handler, message("x"), {})  # type: ignore[arg-type]
    assert seen == [7, -100999]
