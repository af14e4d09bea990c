"""Which parts of a Telegram message are relayed between a person and a case topic."""

from __future__ import annotations

from typing import Final

# What copyMessage can copy besides text; service messages (topic created, pinned, …) are not.
MEDIA_FIELDS: Final = (
    "photo",
    "document",
    "voice",
    "audio",
    "video",
    "video_note",
    "sticker",
    "animation",
    "location",
    "venue",
    "contact",
)
RELAYABLE_FIELDS: Final = ("text", *MEDIA_FIELDS)
