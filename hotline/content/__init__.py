"""Answers in Kyrgyz and Russian: loading, contacts, Telegram rendering and the check."""

from hotline.content.contacts import Contact, fill_placeholders, load_contacts
from hotline.content.errors import AnswerNotFound, ContentError
from hotline.content.render import TELEGRAM_MAX_CHARS, render_answer_html, render_telegram_html
from hotline.content.store import Answer, ContentStore

__all__ = [
    "TELEGRAM_MAX_CHARS",
    "Answer",
    "AnswerNotFound",
    "Contact",
    "ContentError",
    "ContentStore",
    "fill_placeholders",
    "load_contacts",
    "render_answer_html",
    "render_telegram_html",
]
