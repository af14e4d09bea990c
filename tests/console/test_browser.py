"""An operator works a whole case in the console, in a real browser (Debian's chromium).

Telegram is the shared fake Bot API of tests/support: a real Dispatcher is fed the person's
updates, the real outbox worker delivers to the double, and the console is the web role's
own application (`app.web.build_app`) on a real port, over PostgreSQL. Screenshots of the
queue, a case and the numbers go to var/test-artifacts/console/.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, Page, async_playwright, expect
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from app.container import build_services
from app.web import build_app
from bot.dispatcher import build_bot, build_dispatcher
from bot.operators import notices
from bot.operators.hours import operator_hours
from bot.outbox import LocalBudget, OutboxWorker
from console import totp
from console.accounts import AccountStore, NewAccount, Role
from hotline.cases.crypto import Sealer
from hotline.cases.database import session_factory
from hotline.cases.service import CaseService
from hotline.cases.store import CaseStore
from hotline.cases.views import Actor
from hotline.escalation import CallbackPreference, EscalationRequest
from hotline.i18n import translate
from hotline.settings import REPO_ROOT, Settings
from tests.operators.conftest import engine, make_worker, understanding
from tests.support.db import PSEUDONYMS, FakeClock
from tests.support.telegram import TOKEN, TelegramWorld
from tests.support.updates import OPERATORS_CHAT, person, private_message

__all__ = ["engine", "understanding"]  # fixtures of tests/operators, used here

CHROMIUM = Path("/usr/bin/chromium")
HAVE_CHROMIUM = CHROMIUM.exists()
ARTIFACTS = REPO_ROOT / "var" / "test-artifacts" / "console"
RISKY = "работодатель забрал паспорт и не отпускает"
DOMESTIC = "муж бьёт меня каждый день и угрожает убить, я боюсь"
PHONE_WHEN, PHONE_UNSAFE = 4, 5  # the voicemails of `_more_cases`, by case id

pytestmark = pytest.mark.postgres


@dataclass
class Stack:
    """The bot, its outbox worker and the console's server, sharing one case database."""

    dp: Dispatcher
    bot: Bot
    telegram: TelegramWorld
    cases: CaseService
    store: CaseStore
    worker: OutboxWorker
    clock: FakeClock
    server: TestServer

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    async def person_says(self, text: str, user_id: int = 1001) -> None:
        await self.dp.feed_update(self.bot, private_message(person(user_id), text))

    def code(self, secret: str, *, off_by: int = 0) -> str:
        self.clock.advance(seconds=30)  # a code is good once: the next login needs the next
        return totp.code_at(secret, totp.step_of(self.clock.now.timestamp()) + off_by)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not HAVE_CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it with apt-get")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    async with async_playwright() as playwright:
        args = ["--no-sandbox"] if os.geteuid() == 0 else []  # root in CI containers
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        yield launched
        await launched.close()


@pytest.fixture
async def stack(understanding: Any, engine: AsyncEngine) -> AsyncIterator[Stack]:
    from cryptography.fernet import Fernet

    clock = FakeClock()  # Wednesday 25 November 2026, 15:00 in Bishkek: operators at work
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, bot_token=SecretStr(TOKEN), redis_url=None, operators_chat_id=OPERATORS_CHAT
    )
    store = CaseStore(
        session_factory(engine),
        Sealer(Fernet.generate_key().decode()),
        clock=clock,
        pseudonyms=PSEUDONYMS,
    )
    cases = CaseService(store, hours=operator_hours(settings))
    services = build_services(settings, understanding=understanding, escalator=cases)
    telegram = TelegramWorld()
    bot = build_bot(services, session=telegram.session())
    dp = build_dispatcher(services)
    budget = LocalBudget(per_minute=10_000, clock=lambda: clock.now.timestamp())
    worker = make_worker(store, telegram, settings, budget=budget)
    server = TestServer(build_app(services), host="127.0.0.1")
    await server.start_server()
    yield Stack(dp, bot, telegram, cases, store, worker, clock, server)
    await server.close()
    await dp.storage.close()


async def sign_in(page: Page, stack: Stack, account: NewAccount, password: str) -> None:
    await page.fill("#username", account.username)
    await page.fill("#password", password)
    await page.fill("#totp", stack.code(account.totp_secret))
    await page.click("button[type=submit].primary")


async def test_an_operator_works_a_whole_case_in_the_console(
    stack: Stack, browser: Browser
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    account = await AccountStore(stack.store).create("aigul", Role.SUPERVISOR)
    context = await browser.new_context(viewport={"width": 1280, "height": 860}, locale="ru-RU")
    page = await context.new_page()
    await page.goto(stack.url("/console/"))
    assert page.url.endswith("/console/login")

    # A wrong password, then a wrong code: refused, and the page says why in general terms.
    await sign_in(page, stack, account, "not-my-password")
    await expect(page.get_by_role("alert")).to_contain_text("Войти не удалось")
    await page.fill("#password", account.password)
    await page.fill("#totp", stack.code(account.totp_secret, off_by=7))
    await page.click("button[type=submit].primary")
    await expect(page.get_by_role("alert")).to_contain_text("Войти не удалось")

    # The right ones: the one-time password must be replaced first.
    await sign_in(page, stack, account, account.password)
    await expect(page.locator("h1")).to_have_text("Придумайте свой пароль")
    await page.fill("#current", account.password)
    await page.fill("#new", "тихий-берег-Иссык-Куля")
    await page.fill("#again", "тихий-берег-Иссык-Куля")
    await page.click("button[type=submit].primary")
    await expect(page.locator("h1")).to_have_text("Открытые дела")
    await expect(page.locator(".empty-title")).to_have_text("Открытых дел нет")

    # A person writes to the bot; the case is in the open queue within 2 seconds.
    await stack.person_says(RISKY)
    case = await stack.store.open_case_for("tg:1001")
    assert case is not None
    started = time.monotonic()
    await expect(page.locator(".case-number", has_text=f"#{case.number}")).to_be_visible(
        timeout=2000
    )
    assert time.monotonic() - started < 2.0
    row = page.locator(".case-row", has_text=f"#{case.number}")
    await expect(row).to_contain_text("Высокий риск")
    await expect(row).to_contain_text("ограничение свободы передвижения")
    await expect(row).to_contain_text("никто не взял")

    # More of a working day, so that the queue shows its order; an emergency is announced.
    await _more_cases(stack)
    await expect(page.locator("#alert")).to_be_visible(timeout=3000)
    await expect(page.locator("#alert-link")).to_have_text("#000003")
    await expect(page.locator(".case-row").first).to_contain_text("#000003")

    # Domestic violence, written to the bot: the queue names the situation, in words, in
    # Russian and in Kyrgyz, and so does the case page.
    await stack.person_says(DOMESTIC, user_id=1004)
    violence = await stack.store.open_case_for("tg:1004")
    assert violence is not None and violence.situations[0] == "domestic_violence"
    violence_row = page.locator(".case-row", has_text=f"#{violence.number}")
    await expect(violence_row.locator(".chip.situation").first).to_have_text(
        "Ситуация: домашнее насилие", timeout=3000
    )
    await page.click("a[lang=ky]")
    await expect(violence_row.locator(".chip.situation").first).to_contain_text(
        "үй-бүлөдөгү зомбулук"
    )
    await page.click(f"a.case-link[href$='/cases/{violence.id}']")
    await expect(page.locator(".facts")).to_contain_text("үй-бүлөдөгү зомбулук")
    await page.click("a[lang=ru]")
    await expect(page.locator(".facts")).to_contain_text("домашнее насилие")
    await page.goto(stack.url("/console/"))
    await page.screenshot(path=str(ARTIFACTS / "queue.png"), full_page=True)

    # The case: card and transcript; a reply reaches the person's chat and the topic.
    await page.click(f"a.case-link[href$='/cases/{case.id}']")
    await expect(page.locator("#case-title")).to_contain_text(f"#{case.number}")
    await expect(page.locator("#transcript")).to_contain_text(RISKY)
    await page.click("text=Взять дело")
    await expect(page.locator(".notice.ok")).to_have_text("Готово.")
    reply = "Здравствуйте! Я оператор линии 189. Вы сейчас в безопасности? Где вы находитесь?"
    await page.fill("#reply-text", reply)
    await page.click("#reply button[type=submit]")
    await expect(page.locator(".notice.ok")).to_have_text("Готово.")
    await expect(page.locator(".msg-operator")).to_contain_text(reply)
    await stack.worker.drain()
    assert reply in "\n".join(stack.telegram.texts_to(1001))
    topic = (await stack.store.get(case.id)).topic_id
    assert any(reply in text for text in stack.telegram.texts_to(OPERATORS_CHAT, topic))

    # The person answers: the transcript grows by itself.
    await stack.person_says("Я в Подольске, на складе, дверь закрыта снаружи")
    await expect(page.locator("#transcript")).to_contain_text("дверь закрыта", timeout=3000)
    await page.fill("#note-text", "Связаться с посольством в Москве, если не выйдет на связь")
    await page.click(".composer.note button[type=submit]")
    await expect(page.locator(".msg-note")).to_be_visible()
    await page.evaluate("window.scrollTo(0, 0)")
    await page.screenshot(path=str(ARTIFACTS / "case.png"), full_page=True)

    # Close: the person is told, the case leaves the queue.
    page.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await page.click("text=Закрыть дело")
    await expect(page.locator("h1")).to_have_text("Открытые дела")
    await expect(page.locator(".case-number", has_text=f"#{case.number}")).to_have_count(0)
    await stack.worker.drain()
    closed = translate("ru", notices.CLOSED)
    assert stack.telegram.texts_to(1001)[-1] == closed
    assert (await stack.store.get(case.id)).status == "closed"
    actions = [a for actor, a in await stack.store.audit_actions(case.id) if "aigul" in actor]
    assert {"viewed", "claimed", "replied", "note", "closed"} <= set(actions)

    # Phone cases: the caller's answer about a call back, and no button where they said
    # not to call.
    await page.goto(stack.url(f"/console/cases/{PHONE_WHEN}"))
    answer = page.locator(".phone .callback-answer")
    await expect(answer).to_contain_text("звонить: после восьми вечера, когда хозяина не будет")
    await expect(page.get_by_role("button", name="Перезвонили")).to_be_visible()
    await page.screenshot(path=str(ARTIFACTS / "case-phone.png"), full_page=True)
    await page.goto(stack.url(f"/console/cases/{PHONE_UNSAFE}"))
    await expect(page.locator(".callback-warning")).to_contain_text("Не перезванивать.")
    await expect(page.get_by_role("button", name="Перезвонили")).to_have_count(0)
    await page.goto(stack.url("/console/callbacks"))
    waiting = page.locator("ol.cases").first
    await expect(waiting).to_contain_text("звонить: после восьми вечера")
    await expect(page.locator(".do-not-call")).to_contain_text(f"#{PHONE_UNSAFE:06d}")
    await expect(page.locator(".do-not-call")).to_contain_text("не звонить")
    await page.screenshot(path=str(ARTIFACTS / "callbacks.png"), full_page=True)
    seen = await stack.store.audit_actions(PHONE_WHEN)
    assert ("console:aigul", "viewed_callback") in seen

    # The supervisors' numbers (over two weeks of earlier cases), and a phone screen.
    await _history(stack)
    await page.goto(stack.url("/console/numbers?days=30"))
    await expect(page.locator(".chart-svg").first).to_be_visible()
    situation_chart = page.locator(".chart", has_text="По ситуации")
    await expect(situation_chart.locator(".legend")).to_contain_text("домашнее насилие")
    await page.screenshot(path=str(ARTIFACTS / "numbers.png"), full_page=True)
    phone = await browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    await phone.add_cookies(await context.cookies())
    mobile = await phone.new_page()
    await mobile.goto(stack.url("/console/"))
    await expect(mobile.locator(".case-row").first).to_be_visible()
    await mobile.screenshot(path=str(ARTIFACTS / "queue-phone.png"), full_page=True)
    await phone.close()
    await context.close()


async def _more_cases(stack: Stack) -> None:
    """A claimed case, a phone voicemail, then an emergency: the queue as on a busy day."""
    stack.clock.advance(minutes=4)
    await stack.cases.escalate(
        _request(
            "tg:1002", "concern", ("withholding_of_wages",), "ky", situations=("labour_rights",)
        )
    )
    await stack.cases.claim(2, Actor("operator:501", "Гульнара"))
    stack.clock.advance(minutes=9)
    await stack.cases.escalate(
        _request(
            "tg:1003",
            "emergency",
            ("physical_sexual_violence", "restriction_of_movement"),
            "ky",
            reason="emergency",
            situations=("forced_labour", "violence"),
        )
    )
    stack.clock.advance(minutes=2)
    await stack.cases.escalate(
        _request(
            "ph:caller",
            "high",
            ("retention_of_documents",),
            "ru",
            channel="phone",
            reason="voicemail",
            recording_url="https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE0",
            callback_number="+996555010203",
            situations=("forced_labour",),
            callback_preference=CallbackPreference.WHEN,
            callback_when="после восьми вечера, когда хозяина не будет",
        )
    )
    stack.clock.advance(minutes=1)
    await stack.cases.escalate(
        _request(
            "ph:other",
            "high",
            (),
            "ky",
            channel="phone",
            reason="voicemail",
            recording_url="https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE1",
            situations=("domestic_violence",),
            callback_preference=CallbackPreference.UNSAFE,
        )
    )
    stack.clock.advance(minutes=3)


async def _history(stack: Stack) -> None:
    """Two weeks of answered and closed cases, as the numbers page would show them."""
    today = stack.clock.now
    operator = Actor("operator:501", "Гульнара")
    levels = ("high", "concern", "high", "emergency", "concern", "high", "concern")
    intents = ("report_exploitation", "wages_unpaid", "lost_documents", "emergency", "work_permit")
    situations = (
        ("forced_labour",),
        ("labour_rights",),
        ("domestic_violence", "violence"),
        ("violence",),
        ("stranded",),
        ("forced_labour", "sexual_exploitation"),
        (),
    )
    for n in range(30):
        stack.clock.now = today - timedelta(days=14 - n // 2, hours=n % 6)
        phone = n % 4 == 3
        user = f"ph:{n}" if phone else f"tg:{3000 + n}"
        await stack.cases.escalate(
            _request(
                user,
                levels[n % len(levels)],
                ("withholding_of_wages",),
                "ru" if n % 3 else "ky",
                channel="phone" if phone else "telegram",
                intent=intents[n % len(intents)],
                callback_number="+996555000000" if phone else None,
                situations=situations[n % len(situations)],
            )
        )
        case = await stack.store.open_case_for(user)
        assert case is not None
        stack.clock.advance(minutes=2 + (n * 7) % 45)
        if phone:
            await stack.cases.callback_done(case.id, operator)
        else:
            await stack.cases.reply_to_person(case.id, operator, "…")
        await stack.cases.close(case.id, operator)
    stack.clock.now = today


def _request(
    user: str, level: str, indicators: tuple[str, ...], language: str, **extra: Any
) -> EscalationRequest:
    fields: dict[str, Any] = {
        "user_key": user,
        "channel": "telegram",
        "language": language,
        "level": level,
        "indicators": indicators,
        "reason": "risk",
        "intent": "report_exploitation",
        "excerpt": ("…",),
    }
    fields.update(extra)
    return EscalationRequest(**fields)
