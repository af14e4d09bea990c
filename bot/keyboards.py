"""Options as inline keyboards: one button per row for topics, pairs for short choices."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import Final

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from hotline.content import ContentStore
from hotline.turns import Option
from hotline.wording import option_label
from nlu.catalogue import Language

log = logging.getLogger(__name__)

CALLBACK_DATA_LIMIT: Final = 64  # bytes, Telegram's limit
SHORT_KINDS: Final = ("helpful", "lang")  # short labels that sit side by side


def option_rows(
    options: Sequence[Option], language: Language, content: ContentStore
) -> list[list[InlineKeyboardButton]]:
    """Buttons for `options`, dropping any whose id Telegram would reject."""
    return [list(row) for row in _rows(tuple(options), language, content)]


@lru_cache(maxsize=1024)
def _rows(
    options: tuple[Option, ...], language: Language, content: ContentStore
) -> tuple[tuple[InlineKeyboardButton, ...], ...]:
    # The same few menus recur all the time; building buttons (pydantic models) does not
    # need repeating. Buttons are never modified after this, so sharing them is safe.
    rows: list[list[InlineKeyboardButton]] = []
    for option in options:
        if len(option.id.encode()) > CALLBACK_DATA_LIMIT:
            log.error("option id longer than %d bytes dropped", CALLBACK_DATA_LIMIT)
            continue
        button = InlineKeyboardButton(
            text=option_label(option, language, content), callback_data=option.id
        )
        previous = rows[-1] if rows else None
        kind = option.id.split(":")[0]
        if (
            previous
            and len(previous) == 1
            and kind in SHORT_KINDS
            and ((previous[0].callback_data or "").split(":")[0] == kind)
        ):
            previous.append(button)
        else:
            rows.append([button])
    return tuple(tuple(row) for row in rows)


def keyboard(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
