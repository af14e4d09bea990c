"""Markdown answers to the HTML subset that Telegram's Bot API accepts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING, Final

from markdown_it import MarkdownIt
from markdown_it.token import Token

if TYPE_CHECKING:
    from hotline.content.store import Answer

TELEGRAM_MAX_CHARS: Final = 4096
# Telegram rejects links with other schemes (javascript:, tel:, file:...).
_LINK_SCHEMES: Final = ("http://", "https://", "tg://", "mailto:")
_INLINE_TAGS: Final = {"strong": "b", "em": "i", "s": "s"}
_BULLET: Final = "• "


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # Raw HTML off: an editor's "<" is shown as text, never passed to Telegram as a tag.
    return MarkdownIt("commonmark", {"html": False}).enable("strikethrough")


def render_telegram_html(markdown: str) -> str:
    """Render Markdown to Telegram HTML: b, i, s, a, code, pre, blockquote; all else escaped."""
    out = _Output()
    lists: list[list[int]] = []  # per open list: [is_ordered, next number]
    for token in _parser().parse(markdown):
        kind = token.type
        if kind == "inline":
            out.write(_render_inline(token.children or []))
        elif kind == "paragraph_close":
            if not token.hidden:  # hidden: a paragraph in a tight list item
                out.end_block()
        elif kind == "heading_open":
            out.write("<b>")
        elif kind == "heading_close":
            out.write("</b>")
            out.end_block()
        elif kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrGet("start") or 1)
            lists.append([kind == "ordered_list_open", start])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            if lists:
                out.end_line()
            else:
                out.end_block()
        elif kind == "list_item_open":
            out.end_line()
            ordered, number = lists[-1]
            marker = f"{number}. " if ordered else _BULLET
            lists[-1][1] = number + 1
            out.write("   " * (len(lists) - 1) + marker)
        elif kind == "list_item_close":
            out.end_line()
        elif kind == "blockquote_open":
            out.write("<blockquote>")
        elif kind == "blockquote_close":
            out.trim()
            out.write("</blockquote>")
            out.end_block()
        elif kind in ("fence", "code_block"):
            out.write(f"<pre>{escape(token.content.rstrip(chr(10)), quote=False)}</pre>")
            out.end_block()
        elif kind == "hr":
            out.write("———")
            out.end_block()
        elif kind == "html_block":
            out.write(escape(token.content, quote=False))
            out.end_block()
    return out.text()


def render_answer_html(answer: Answer) -> str:
    """Render a whole answer as one Telegram message: its title in bold, then the body."""
    title = escape(answer.title, quote=False)
    return f"<b>{title}</b>\n\n{render_telegram_html(answer.body_markdown)}"


def _render_inline(children: Sequence[Token]) -> str:
    parts: list[str] = []
    open_links: list[bool] = []  # whether each open link became an <a>
    for child in children:
        kind = child.type
        if kind == "text":
            parts.append(escape(child.content, quote=False))
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "code_inline":
            parts.append(f"<code>{escape(child.content, quote=False)}</code>")
        elif kind.endswith("_open") and kind[: -len("_open")] in _INLINE_TAGS:
            parts.append(f"<{_INLINE_TAGS[kind[: -len('_open')]]}>")
        elif kind.endswith("_close") and kind[: -len("_close")] in _INLINE_TAGS:
            parts.append(f"</{_INLINE_TAGS[kind[: -len('_close')]]}>")
        elif kind == "link_open":
            href = str(child.attrGet("href") or "")
            allowed = href.lower().startswith(_LINK_SCHEMES)
            open_links.append(allowed)
            if allowed:
                parts.append(f'<a href="{escape(href, quote=True)}">')
        elif kind == "link_close":
            if open_links.pop():
                parts.append("</a>")
        elif kind == "image":
            alt = escape(child.content, quote=False)
            src = str(child.attrGet("src") or "")
            if src.lower().startswith(_LINK_SCHEMES):
                parts.append(f'<a href="{escape(src, quote=True)}">{alt or escape(src)}</a>')
            else:
                parts.append(alt)
        elif kind == "html_inline":
            parts.append(escape(child.content, quote=False))
    return "".join(parts)


class _Output:
    """Text being built, with the few whitespace rules Telegram messages need."""

    def __init__(self) -> None:
        self._parts: list[str] = []

    def write(self, text: str) -> None:
        if text:
            self._parts.append(text)

    def trim(self) -> None:
        """Drop trailing whitespace, so that a closing tag sits right after the text."""
        while self._parts and not self._parts[-1].strip():
            self._parts.pop()
        if self._parts:
            self._parts[-1] = self._parts[-1].rstrip()

    def end_line(self) -> None:
        if self._parts and not self._parts[-1].endswith("\n"):
            self._parts.append("\n")

    def end_block(self) -> None:
        self.trim()
        if self._parts:
            self._parts.append("\n\n")

    def text(self) -> str:
        return re.sub(r"\n{3,}", "\n\n", "".join(self._parts)).strip()
