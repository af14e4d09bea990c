"""The command menu is published in Kyrgyz and in Russian at startup."""

from __future__ import annotations

from aiogram.methods import SetMyCommands

from tests.bot.conftest import Harness


async def test_commands_are_described_per_language(harness: Harness) -> None:
    import asyncio

    await harness.dp.emit_startup(bot=harness.bot)  # published in the background
    for _ in range(100):
        if len(harness.session.of(SetMyCommands)) == 3:
            break
        await asyncio.sleep(0.01)
    requests = harness.session.of(SetMyCommands)
    by_language = {r.language_code: r for r in requests}
    assert set(by_language) == {"ky", "ru", None}
    for request in requests:
        assert [c.command for c in request.commands] == [
            "start",
            "help",
            "language",
            "operator",
            "forget",
        ]
        assert request.scope is not None and request.scope.type == "all_private_chats"
    ky = [c.description for c in by_language["ky"].commands]
    ru = [c.description for c in by_language["ru"].commands]
    assert ky != ru
    assert [c.description for c in by_language[None].commands] == ky


async def test_telegram_unreachable_at_start_does_not_stop_the_server(
    harness: Harness, monkeypatch: object
) -> None:
    import asyncio

    from aiogram.exceptions import TelegramNetworkError
    from aiogram.methods import SetMyCommands as Method

    import bot.commands_menu as menu

    monkeypatch.setattr(menu, "RETRY_DELAYS", (0.01,))  # type: ignore[attr-defined]
    harness.session.errors.append(TelegramNetworkError(Method(commands=[]), "no route"))
    await harness.dp.emit_startup(bot=harness.bot)  # must not raise
    for _ in range(100):
        if len(harness.session.of(SetMyCommands)) == 3:
            break
        await asyncio.sleep(0.01)
    assert {r.language_code for r in harness.session.of(SetMyCommands)} == {"ky", "ru", None}
    await harness.dp.emit_shutdown(bot=harness.bot)
