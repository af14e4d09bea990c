"""What the console shows of a case beyond its level: the person's situation in words (Russian
and Kyrgyz), the caller's answer about a call back, and the numbers by situation; through
plain HTTP on the console's own application."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from console.accounts import Role
from hotline.cases.crypto import Sealer
from hotline.escalation import CallbackPreference
from tests.console.conftest import ConsoleWorld, csrf_of

KEY = Fernet.generate_key().decode()
DOMESTIC = ("муж бьёт меня каждый день и угрожает убить",)
VOICEMAIL = "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE7"


@pytest.fixture
def sealer() -> Sealer:
    """The world's key, known here so that the `hotline` command can open the same file."""
    return Sealer(KEY)


async def domestic_violence_case(world: ConsoleWorld) -> int:
    return await world.open_case(
        level="high",
        indicators=("physical_sexual_violence", "intimidation_threats"),
        situations=("domestic_violence", "violence"),
        intent="violence_support",
        excerpt=DOMESTIC,
    )


async def phone_case(world: ConsoleWorld, caller: str, **answer: object) -> int:
    return await world.open_case(
        user=caller,
        channel="phone",
        reason="voicemail",
        indicators=(),
        situations=("domestic_violence",),
        excerpt=(),
        recording_url=VOICEMAIL,
        callback_number="+996555010203",
        **answer,
    )


@pytest.mark.parametrize(
    ("language", "situation", "other"),
    [
        ("ru", "домашнее насилие", "насилие или угрозы"),
        ("ky", "үй-бүлөдөгү зомбулук", "зомбулук же коркутуу"),
    ],
)
async def test_the_situation_is_in_the_queue_and_the_case_in_words(
    world: ConsoleWorld, language: str, situation: str, other: str
) -> None:
    case = await domestic_violence_case(world)
    client = await world.signed_in(await world.account("alice"))
    await client.get(f"/console/language?to={language}&next=/console/")
    queue = await (await client.get("/console/queue")).text()
    assert situation in queue and other in queue
    assert queue.index(situation) < queue.index(other)  # the most serious first
    assert "domestic_violence" not in queue  # words, never the code
    page = await (await client.get(f"/console/cases/{case}")).text()
    assert situation in page and "domestic_violence" not in page


async def test_do_not_call_shows_a_warning_and_no_callback_button(world: ConsoleWorld) -> None:
    case = await phone_case(world, "phone:1", callback_preference=CallbackPreference.UNSAFE)
    client = await world.signed_in(await world.account("alice"))
    page = await (await client.get(f"/console/cases/{case}")).text()
    assert "Не перезванивать." in page
    assert "callback-done" not in page and "Перезвонили" not in page
    # The button's address, posted anyway: refused, and the operator is told why.
    response = await client.post(
        f"/console/cases/{case}/callback-done", data={"csrf": csrf_of(page)}
    )
    assert "перезванивать небезопасно: звонить нельзя никому" in await response.text()
    assert not (await world.store.get(case)).callback_done


async def test_the_callbacks_list_shows_each_caller_s_answer(world: ConsoleWorld) -> None:
    safe = await phone_case(world, "phone:1", callback_preference=CallbackPreference.SAFE)
    world.clock.advance(minutes=5)
    when = await phone_case(
        world,
        "phone:2",
        callback_preference=CallbackPreference.WHEN,
        callback_when="после восьми вечера, когда муж уйдёт",
    )
    world.clock.advance(minutes=5)
    unsafe = await phone_case(world, "phone:3", callback_preference=CallbackPreference.UNSAFE)
    client = await world.signed_in(await world.account("alice"))
    page = await (await client.get("/console/callbacks")).text()
    calls, do_not_call = page.split('id="do-not-call-title"')
    assert calls.index(f"#{safe:06d}") < calls.index(f"#{when:06d}")  # oldest first
    assert "да, перезвонить" in calls
    assert "звонить: после восьми вечера, когда муж уйдёт" in calls
    assert f"#{unsafe:06d}" not in calls and f"#{unsafe:06d}" in do_not_call
    assert "не звонить" in do_not_call
    # The caller's own words were decrypted for this viewer: audited, like a case view.
    assert ("console:alice", "viewed_callback") in await world.store.audit_actions(when)
    assert ("console:alice", "viewed_callback") not in await world.store.audit_actions(safe)
    # A case page shows the same answer, next to the button.
    case_page = await (await client.get(f"/console/cases/{when}")).text()
    assert "после восьми вечера" in case_page and "callback-done" in case_page


async def test_the_csv_export_equals_the_command_and_counts_situations(
    world: ConsoleWorld, tmp_path: Path
) -> None:
    await domestic_violence_case(world)
    await world.open_case(user="tg:1002", situations=("forced_labour",))
    await world.open_case(user="tg:1003", level="concern", indicators=(), situations=())
    client = await world.signed_in(await world.account("sveta", Role.SUPERVISOR))
    exported = await (await client.get("/console/numbers.csv")).text()

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")},
        "HOTLINE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/console.sqlite3",
        "HOTLINE_ENCRYPTION_KEY": KEY,
        "HOTLINE_PHONE_SALT": "test-phone-salt",
        "HOTLINE_VAR_DIR": str(tmp_path / "var"),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hotline", "cases", "stats", "--csv",
        env=env, cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    assert out.decode() == exported
    header, *rows = exported.splitlines()
    assert header == "day,channel,language,intent,level,situation,cases"
    situations = sorted(row.split(",")[5] for row in rows)
    assert situations == ["-", "domestic_violence", "forced_labour"]

    numbers = await (await client.get("/console/numbers")).text()
    assert "По ситуации" in numbers and "домашнее насилие" in numbers
