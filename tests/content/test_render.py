"""Markdown to the HTML subset Telegram accepts."""

from __future__ import annotations

import re

import pytest

from hotline.content import ContentStore, render_answer_html, render_telegram_html
from tests.content.conftest import REAL_CONTENT

TELEGRAM_TAG_RE = re.compile(r"</?([a-z]+)[^>]*>")
ALLOWED_TAGS = {"b", "i", "u", "s", "a", "code", "pre", "blockquote"}


def test_special_characters_are_escaped() -> None:
    assert render_telegram_html("1 < 2 & 3 > 2") == "1 &lt; 2 &amp; 3 &gt; 2"


def test_raw_html_is_shown_as_text_not_passed_through() -> None:
    html = render_telegram_html("Hi <script>alert(1)</script> <b>x</b>")
    assert "<script>" not in html and "<b>x</b>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_bold_italic_and_strikethrough() -> None:
    assert render_telegram_html("**bold** *it* ~~old~~") == "<b>bold</b> <i>it</i> <s>old</s>"


def test_links_keep_their_url_escaped() -> None:
    html = render_telegram_html('[site](https://example.org/?a=1&b="2")')
    assert html == '<a href="https://example.org/?a=1&amp;b=%222%22">site</a>'


def test_links_with_unsupported_schemes_become_text() -> None:
    assert render_telegram_html("[x](javascript:alert(1))") == "[x](javascript:alert(1))"
    assert render_telegram_html("[call](tel:112)") == "call"


def test_bullet_lists_become_bullet_lines() -> None:
    html = render_telegram_html("Before:\n\n- one\n- **two**\n  - nested\n\nAfter")
    assert html == "Before:\n\n• one\n• <b>two</b>\n   • nested\n\nAfter"


def test_ordered_lists_keep_their_numbers() -> None:
    assert render_telegram_html("3. c\n4. d") == "3. c\n4. d"


def test_headings_become_bold_lines() -> None:
    assert render_telegram_html("# Title\n\n## Sub & co\ntext") == (
        "<b>Title</b>\n\n<b>Sub &amp; co</b>\n\ntext"
    )


def test_code_quotes_and_rules() -> None:
    html = render_telegram_html("`a<b`\n\n```\nx < y\n```\n\n> said\n\n---")
    assert (
        html == "<code>a&lt;b</code>\n\n<pre>x &lt; y</pre>\n\n<blockquote>said</blockquote>\n\n———"
    )


def test_an_answer_message_starts_with_its_title_in_bold() -> None:
    answer = ContentStore.load(REAL_CONTENT).answer("ru", "emergency")
    html = render_answer_html(answer)
    assert html.startswith("<b>Опасность — звоните сейчас</b>\n\n<b>")
    assert "• 112 — единый номер экстренных служб" in html


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_every_real_answer_uses_only_telegram_tags(language: str) -> None:
    store = ContentStore.load(REAL_CONTENT)
    for intent in store.intents():
        html = render_answer_html(store.answer(language, intent))  # type: ignore[arg-type]
        assert set(TELEGRAM_TAG_RE.findall(html)) <= ALLOWED_TAGS, intent
        assert len(html) <= 4096, intent
