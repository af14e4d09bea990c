"""aiogram runs synchronous filters in a thread each: every filter of ours is a coroutine."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter

from bot.dispatcher import build_dispatcher
from tests.bot.conftest import make_services
from tests.hotline.fakes import FakeUnderstanding


def _routers(router: Router) -> list[Router]:
    return [router, *(r for child in router.sub_routers for r in _routers(child))]


def test_no_filter_runs_in_a_thread() -> None:
    dp = build_dispatcher(make_services(FakeUnderstanding()))
    checked = 0
    for router in _routers(dp):
        for observer in router.observers.values():
            filters = list(observer._handler.filters or ())  # router-level filters
            for handler in observer.handlers:
                filters += handler.filters or ()
            for flt in filters:
                assert flt.awaitable, f"{router.name}: {flt.callback!r} is synchronous"
                # bot.middlewares.fsm does not load FSM states: none may be filtered on.
                assert not isinstance(flt.callback, StateFilter), router.name
                checked += 1
    assert checked > 20
