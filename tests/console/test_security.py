"""The console's guards, through plain HTTP: sessions, CSRF, roles, lockout, no leaks."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest
from yarl import URL

from console.accounts import MAX_FAILURES, Role
from tests.console.conftest import ConsoleWorld, csrf_of, post_login

SECRET = "нас заперли на складе в Подольске"


async def test_without_a_session_every_page_sends_to_the_login(world: ConsoleWorld) -> None:
    case = await world.open_case()
    client = await world.client()
    for path in ("/console/", "/console/callbacks", "/console/numbers", f"/console/cases/{case}"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303, path
        assert response.headers["Location"].startswith("/console/login"), path
    response = await client.get(f"/console/cases/{case}", allow_redirects=False)
    location = URL(response.headers["Location"])
    assert location.path == "/console/login" and location.query["next"] == f"/console/cases/{case}"
    assert (await client.get("/console/events")).status == 401
    assert (await client.get("/console", allow_redirects=False)).status == 301


async def test_the_transcript_never_appears_without_a_session(world: ConsoleWorld) -> None:
    case = await world.open_case(excerpt=(SECRET,))
    await world.cases.relay_from_person("tg:1001", SECRET + " ещё")
    client = await world.client()
    client.session.cookie_jar.update_cookies({"hotline_console": "made-up-token"})
    paths = [
        "/console/",
        "/console/queue",
        f"/console/cases/{case}",
        f"/console/cases/{case}/transcript",
        f"/console/cases/{case}/voicemail",
        "/console/callbacks",
        "/console/numbers.csv",
        "/console/audit",
        "/console/login",
    ]
    for path in paths:
        response = await client.get(path)  # redirects followed: what would a browser show?
        body = await response.text()
        assert SECRET not in body and "Подольск" not in body, path
    # Signed in, it is there.
    creds = await world.account("alice")
    signed_in = await world.signed_in(creds)
    page = await (await signed_in.get(f"/console/cases/{case}")).text()
    assert SECRET in page and SECRET + " ещё" in page


async def test_a_form_without_its_csrf_token_is_refused(world: ConsoleWorld) -> None:
    case = await world.open_case()
    creds = await world.account("alice")
    client = await world.signed_in(creds)
    for path in (f"/console/cases/{case}/claim", f"/console/cases/{case}/reply", "/console/logout"):
        response = await client.post(path, data={"text": "hello"})
        assert response.status == 403, path
        response = await client.post(path, data={"text": "hello", "csrf": "wrong"})
        assert response.status == 403, path
    assert (await world.store.get(case)).status == "open"
    # The login form has its token too.
    fresh = await world.client()
    await fresh.get("/console/login")
    response = await fresh.post(
        "/console/login",
        data={"username": "alice", "password": creds.password, "totp": world.code(creds.secret)},
    )
    assert response.status == 403


async def test_with_the_token_the_action_is_done_and_audited_with_the_account(
    world: ConsoleWorld,
) -> None:
    case = await world.open_case()
    client = await world.signed_in(await world.account("alice"))
    page = await (await client.get(f"/console/cases/{case}")).text()
    token = csrf_of(page)
    response = await client.post(
        f"/console/cases/{case}/claim", data={"csrf": token}, allow_redirects=False
    )
    assert response.status == 303
    await client.post(f"/console/cases/{case}/note", data={"csrf": token, "text": "позвонить"})
    await client.post(f"/console/cases/{case}/reply", data={"csrf": token, "text": "Мы рядом"})
    await client.post(f"/console/cases/{case}/close", data={"csrf": token})
    view = await world.store.get(case)
    assert view.status == "closed" and view.claimed_by_name == "alice"
    actions = await world.store.audit_actions(case)
    mine = [action for actor, action in actions if actor == "console:alice"]
    assert mine[0] == "viewed"  # each page shown is audited too
    assert [a for a in mine if a != "viewed"] == ["claimed", "note", "replied", "closed"]


async def test_an_operator_cannot_open_supervisor_pages(world: ConsoleWorld) -> None:
    operator = await world.signed_in(await world.account("olga"))
    supervisor = await world.signed_in(await world.account("sveta", Role.SUPERVISOR))
    for path in ("/console/numbers", "/console/numbers.csv", "/console/audit", "/console/accounts"):
        assert (await operator.get(path)).status == 403, path
        assert (await supervisor.get(path)).status == 200, path
    page = await (await operator.get("/console/accounts")).text()
    token = csrf_of(page)
    response = await operator.post("/console/accounts/sveta/disable", data={"csrf": token})
    assert response.status == 403
    assert not any(a.disabled for a in await world.accounts.list())


async def test_login_refuses_a_wrong_password_and_a_wrong_code(world: ConsoleWorld) -> None:
    creds = await world.account("alice")
    client = await world.client()

    async def attempt(password: str, code: str) -> int:
        return (await post_login(client, "alice", password, code)).status

    assert await attempt("not-the-password", world.code(creds.secret)) == 401
    assert await attempt(creds.password, "000000") == 401
    good = world.code(creds.secret)
    assert await attempt(creds.password, good) == 303
    # The same code again (seen over a shoulder) does not work twice.
    again = await post_login(await world.client(), "alice", creds.password, good)
    assert again.status == 401


async def test_repeated_failures_lock_the_account(world: ConsoleWorld) -> None:
    creds = await world.account("alice")
    for _ in range(MAX_FAILURES):
        outcome = await world.accounts.login("alice", "wrong", world.code(creds.secret))
        assert outcome.result.value == "refused"
    locked = await world.accounts.login("alice", creds.password, world.code(creds.secret))
    assert locked.result.value == "locked"
    world.clock.advance(minutes=16)
    assert (await world.accounts.login("alice", creds.password, world.code(creds.secret))).account
    actions = [line.action for line in await world.deps.desk.audit(limit=50)]
    assert "locked" in actions and actions.count("login_failed") == MAX_FAILURES + 1


async def test_the_cookie_is_httponly_strict_and_secure_behind_https(world: ConsoleWorld) -> None:
    creds = await world.account("alice")
    code = world.code(creds.secret)
    https = {"X-Forwarded-Proto": "https"}
    response = await post_login(await world.client(), "alice", creds.password, code, headers=https)
    cookie = SimpleCookie(response.headers.getall("Set-Cookie")[0])["hotline_console"]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Strict"
    assert cookie["path"] == "/console/"
    assert "no-store" in response.headers["Cache-Control"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


async def test_an_idle_session_ends_and_logout_ends_it_at_once(world: ConsoleWorld) -> None:
    creds = await world.account("alice")
    client = await world.signed_in(creds)
    assert (await client.get("/console/", allow_redirects=False)).status == 200
    world.session_clock.now += 31 * 60
    assert (await client.get("/console/", allow_redirects=False)).status == 303
    client = await world.signed_in(creds)
    token = csrf_of(await (await client.get("/console/")).text())
    await client.post("/console/logout", data={"csrf": token})
    assert (await client.get("/console/", allow_redirects=False)).status == 303


async def test_the_first_login_asks_for_a_new_password(world: ConsoleWorld) -> None:
    created = await world.accounts.create("newbie", Role.OPERATOR)
    client = await world.client()
    code = world.code(created.totp_secret)
    response = await post_login(client, "newbie", created.password, code)
    assert response.headers["Location"] == "/console/password"
    assert (await client.get("/console/", allow_redirects=False)).headers["Location"] == (
        "/console/password"
    )
    page = await (await client.get("/console/password")).text()
    form = {"csrf": csrf_of(page), "current": created.password}
    short = await client.post("/console/password", data={**form, "new": "short", "again": "short"})
    assert short.status == 400
    good = "my own long passphrase"
    response = await client.post(
        "/console/password", data={**form, "new": good, "again": good}, allow_redirects=False
    )
    assert response.headers["Location"] == "/console/"
    assert (await client.get("/console/", allow_redirects=False)).status == 200


async def test_a_disabled_account_is_signed_out_at_its_next_request(world: ConsoleWorld) -> None:
    client = await world.signed_in(await world.account("alice"))
    await world.accounts.set_disabled("alice", True, by="cli")
    assert (await client.get("/console/", allow_redirects=False)).status == 303


async def test_voicemail_is_proxied_and_its_address_never_shown(world: ConsoleWorld) -> None:
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"
    world.recordings.audio[url] = b"ID3-audio"
    case = await world.open_case(
        "ph:abc",
        channel="phone",
        reason="voicemail",
        recording_url=url,
        callback_number="+996555000111",
    )
    client = await world.signed_in(await world.account("alice"))
    page = await (await client.get(f"/console/cases/{case}")).text()
    assert "api.twilio.com" not in page and "+996555000111" in page
    assert f'src="/console/cases/{case}/voicemail"' in page
    audio = await client.get(f"/console/cases/{case}/voicemail")
    assert audio.status == 200 and await audio.read() == b"ID3-audio"
    assert "listened" in [a for _, a in await world.store.audit_actions(case)]
    callbacks = await (await client.get("/console/callbacks")).text()
    assert f"#{case:06d}" in callbacks
    await client.post(f"/console/cases/{case}/callback-done", data={"csrf": csrf_of(page)})
    callbacks = await (await client.get("/console/callbacks")).text()
    assert f"#{case:06d}" not in callbacks


@pytest.mark.parametrize(("language", "word"), [("ru", "Очередь"), ("ky", "Кезек")])
async def test_the_console_speaks_russian_and_kyrgyz(
    world: ConsoleWorld, language: str, word: str
) -> None:
    client = await world.signed_in(await world.account("alice"))
    await client.get(f"/console/language?to={language}&next=/console/")
    page = await (await client.get("/console/")).text()
    assert word in page and f'<html lang="{language}">' in page


async def test_the_csv_export_is_the_command_s_csv(world: ConsoleWorld) -> None:
    from hotline.cases.reports import stats_csv

    await world.open_case()
    client = await world.signed_in(await world.account("sveta", Role.SUPERVISOR))
    response = await client.get("/console/numbers.csv")
    assert await response.text() == stats_csv(await world.store.stats())
    assert "exported_stats" in [line.action for line in await world.deps.desk.audit(limit=10)]
    page = await (await client.get("/console/numbers")).text()
    assert "<svg" in page


def test_percentiles_are_nearest_rank() -> None:
    from hotline.cases.reports import percentile

    assert percentile([], 0.9) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([float(n) for n in range(1, 11)], 0.9) == 9.0
    assert percentile([float(n) for n in range(1, 11)], 0.5) == 5.0
