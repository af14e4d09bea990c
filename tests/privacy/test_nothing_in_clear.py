"""After a scripted Telegram conversation that becomes a case, an operator's reply, and a
signed phone call that ends in a voicemail, nothing the person said, their phone number
or their Telegram id is readable in clear: not in any log line, not in any Redis key or
value, not in any database column, not in any file under var/.

Everything runs as `hotline serve` builds it: `build_services` with Redis (database 6,
flushed by this test only), the SQLite case store, the real NLU, the fake Bot API for the
bot and the outbox worker, and Twilio-signed requests for the phone line.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiohttp.test_utils import TestClient
from pydantic import SecretStr
from redis.asyncio import Redis
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from app.container import build_services
from app.storage import prepare_storage
from app.web import build_app
from bot.dispatcher import build_bot, build_dispatcher
from bot.outbox import LocalBudget, OutboxWorker
from hotline.services import Services
from hotline.settings import REPO_ROOT, Settings
from tests.ivr.conftest import AUTH_TOKEN, BASE_URL, Call, understanding
from tests.privacy.conftest import REDIS_URL
from tests.support.telegram import TOKEN, TelegramWorld
from tests.support.updates import OPERATOR, OPERATORS_CHAT, group_message, private_message
from tests.support.web import HotlineTestServer

TELEGRAM_ID = 7_700_123_456
PHONE = "+996555701234"
WORDS = "Жумабек-склад-4417"  # in every message of the person: must never be seen in clear
OPERATOR_WORDS = "Ташкентская-улица-91"
RISKY = f"работодатель забрал паспорт и не отпускает, мы на складе {WORDS}"
NEEDLES = (WORDS, OPERATOR_WORDS, str(TELEGRAM_ID), PHONE, PHONE[1:], PHONE[4:])


@pytest.fixture
async def hotline(tmp_path: Path, redis: Redis) -> AsyncIterator[tuple[Services, Path]]:
    var_dir = tmp_path / "var"
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=SecretStr(TOKEN),
        operators_chat_id=OPERATORS_CHAT,
        operator_hours="00:00-24:00",
        operator_days="1-7",
        twilio_auth_token=SecretStr(AUTH_TOKEN),
        public_base_url=BASE_URL,
        operator_phone=None,  # the call ends in a voicemail: its number is kept for a callback
        redis_url=REDIS_URL,
        var_dir=var_dir,
        content_dir=REPO_ROOT / "content",
    )
    services = build_services(settings, understanding=understanding())
    await prepare_storage(services)
    yield services, var_dir
    await services.close()


async def test_nothing_personal_is_kept_or_logged_in_clear(
    hotline: tuple[Services, Path], redis: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    services, var_dir = hotline
    cases = services.cases
    assert cases is not None
    world = TelegramWorld(members={OPERATOR.id})
    bot = build_bot(services, session=world.session())
    dp = build_dispatcher(services)
    worker = OutboxWorker(
        Bot(TOKEN, session=world.session()),
        cases.store,
        OPERATORS_CHAT,
        budget=LocalBudget(per_minute=10_000),
    )
    person = _person()

    # Telegram: a red flag opens a case; more words are relayed; an operator answers.
    await dp.feed_update(bot, private_message(person, "Здравствуйте"))
    await dp.feed_update(bot, private_message(person, RISKY))
    await worker.drain()
    case = await cases.store.open_case_for(f"tg:{TELEGRAM_ID}")
    assert case is not None and case.topic_id is not None
    await dp.feed_update(bot, private_message(person, f"адрес {WORDS}, приезжайте"))
    await dp.feed_update(bot, group_message(OPERATOR, OPERATOR_WORDS, thread=case.topic_id))
    await worker.drain()
    assert any(WORDS in t for t in world.texts_to(OPERATORS_CHAT))  # it did reach operators
    assert world.copies_to(TELEGRAM_ID)  # the operator's message reached the person

    # The phone: a signed call, speech with the same words, then a voicemail, whose
    # question about a call back is answered with when, in the same words again.
    app = build_app(services, bot=bot, dispatcher=dp, telegram_webhook=False)
    async with TestClient(HotlineTestServer(app)) as client:
        call = Call(client, "CAprivacy0001", caller=PHONE)
        twiml = await call.press(await call.start(), "2")
        twiml = await call.say(twiml, f"хозяин отобрал паспорт, мы на складе {WORDS}")
        assert twiml.find("Gather") is not None  # no operator phone: voicemail, asked first
        twiml = await call.say(twiml, f"звоните после восьми, спросите {WORDS}")
        record = twiml.find("Record")
        assert record is not None
        await call.post(record.attrib["action"], RecordingUrl=f"https://api.twilio.com/RE{WORDS}")
    await worker.drain()
    phone_case = next(c for c in await cases.list_open() if c.channel == "phone")
    assert phone_case.callback_number == PHONE  # kept, encrypted, for the callback
    assert phone_case.callback_when is not None and WORDS in phone_case.callback_when

    # The data is there (decrypted through the store), so the scan below is not vacuous.
    transcript = " ".join(t for _, t in (await cases.detail(case.id)).transcript)
    assert WORDS in transcript and OPERATOR_WORDS in transcript

    places = {
        "log": caplog.text + "\n".join(r.getMessage() for r in caplog.records),
        "redis": await _redis_dump(redis),
        "database": await _database_dump(services.settings.database_url),
        "var": _files_dump(var_dir),
    }
    assert "hotline:conv:" in places["redis"] and "cases" in places["database"]
    for place, content in places.items():
        for needle in NEEDLES:
            assert needle not in content, f"{needle!r} in clear in the {place}"


def _person() -> Any:
    from tests.support.updates import person

    return person(TELEGRAM_ID)


async def _redis_dump(redis: Redis) -> str:
    """Every key and every value of the database, whatever its type."""
    parts: list[str] = []
    async for key in redis.scan_iter(count=1000):
        parts.append(key.decode("utf-8", "replace"))
        kind = (await redis.type(key)).decode()
        values: list[Any]
        if kind == "string":
            values = [await redis.get(key)]
        elif kind == "hash":
            values = [v for pair in (await redis.hgetall(key)).items() for v in pair]
        elif kind == "list":
            values = await redis.lrange(key, 0, -1)
        elif kind == "set":
            values = list(await redis.smembers(key))
        elif kind == "zset":
            values = [m for m, _ in await redis.zrange(key, 0, -1, withscores=True)]
        else:
            values = [f"<{kind}>"]
        parts += [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in values]
    return "\n".join(parts)


async def _database_dump(url: str) -> str:
    """Every column of every row of every table, as stored (nothing decrypted)."""
    engine = create_async_engine(url)
    parts: list[str] = []
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
            parts += tables
            for table in tables:
                for row in await connection.execute(text(f'SELECT * FROM "{table}"')):
                    for value in row:
                        if isinstance(value, bytes | memoryview):
                            parts.append(bytes(value).decode("utf-8", "replace"))
                        else:
                            parts.append(str(value))
    finally:
        await engine.dispose()
    return "\n".join(parts)


def _files_dump(var_dir: Path) -> str:
    return "\n".join(
        path.read_bytes().decode("utf-8", "replace")
        for path in var_dir.rglob("*")
        if path.is_file()
    )
