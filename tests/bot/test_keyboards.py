"""Every option the core can offer fits Telegram's 64-byte callback data."""

from __future__ import annotations

from bot.keyboards import CALLBACK_DATA_LIMIT, option_rows
from hotline import options as opt
from hotline.content import ContentStore
from hotline.settings import get_settings
from hotline.turns import Option


def every_option() -> list[Option]:
    options = [*opt.top_menu(), *opt.helpful(), opt.back_to_menu(), opt.operator()]
    options += [opt.language(lang) for lang in ("ky", "ru")]
    options += [option for group in opt.GROUPS for option in opt.group_menu(group)]
    options += [opt.topic(intent) for intent in opt.TOPICS]
    return options


def test_all_option_ids_fit_callback_data() -> None:
    for option in every_option():
        assert len(option.id.encode()) <= CALLBACK_DATA_LIMIT, option.id
        assert option.id.isascii()


def test_labels_are_content_titles_or_translations_and_too_long_ids_are_dropped() -> None:
    content = ContentStore.load(get_settings().content_dir)
    rows = option_rows(
        [opt.topic("work_permit"), Option("x" * 65, "Yes"), *opt.helpful()], "ru", content
    )
    assert rows[0][0].text == content.answer("ru", "work_permit").title
    assert [b.callback_data for b in rows[1]] == ["helpful:yes", "helpful:no"]  # side by side
    assert len(rows) == 2
