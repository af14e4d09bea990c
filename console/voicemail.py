"""Voicemail recordings, fetched by the server for a signed-in operator: never a public link.

Twilio keeps a recording at an api.twilio.com URL under the account that took the call;
the server fetches it with the account's credentials and passes the audio on. Only that
host is ever fetched, so a stored URL cannot make the server call anywhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Protocol

import aiohttp

TWILIO_API: Final = "https://api.twilio.com/"
ACCOUNT_SID_RE: Final = re.compile(r"/Accounts/(AC[0-9a-fA-F]{32})/")
MAX_BYTES: Final = 20 * 1024 * 1024
TIMEOUT_SECONDS: Final = 20.0


@dataclass(frozen=True, slots=True)
class Recording:
    audio: bytes
    content_type: str


class RecordingFetcher(Protocol):
    async def fetch(self, url: str) -> Recording | None:
        """The audio at `url`, or None when it cannot or may not be fetched."""
        ...


class TwilioRecordings:
    def __init__(self, auth_token: str | None, api_base: str = TWILIO_API) -> None:
        self.auth_token = auth_token
        self.api_base = api_base

    async def fetch(self, url: str) -> Recording | None:
        if not url.startswith(self.api_base) or self.auth_token is None:
            return None
        sid = ACCOUNT_SID_RE.search(url)
        auth = aiohttp.BasicAuth(sid.group(1), self.auth_token) if sid else None
        address = url if url.endswith(".mp3") else url + ".mp3"
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as client,
                client.get(address, auth=auth, allow_redirects=False) as response,
            ):
                if response.status != 200:
                    return None
                audio = await response.content.read(MAX_BYTES + 1)
        except (aiohttp.ClientError, TimeoutError):
            return None
        if len(audio) > MAX_BYTES:
            return None
        return Recording(audio, "audio/mpeg")
