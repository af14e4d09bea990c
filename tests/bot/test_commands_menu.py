"""The command menu is published in Kyrgyz and in Russian at startup."""

from __future__ import annotations

from aiogram.methods import SetMyCommands

from tests.bot.conftest import Harness


async def test_commands_are_described_per_language(harness: Harness) -> None:
    await harness.dp.emit_startup(bot=harness.bot)
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
