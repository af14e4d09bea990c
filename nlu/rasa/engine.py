"""The `rasa` intent engine: `POST /model/parse` on a Rasa server, with a short timeout."""

from __future__ import annotations

from typing import Any

import aiohttp

from nlu.catalogue import INTENTS, Language
from nlu.types import IntentScore, NormalizedText


class RasaUnavailable(RuntimeError):
    """The Rasa server did not answer in time or answered something unusable."""


class RasaEngine:
    name = "rasa"

    def __init__(self, url: str, timeout: float = 0.5) -> None:
        self._url = url.rstrip("/") + "/model/parse"
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def rank(self, message: NormalizedText, language: Language) -> list[IntentScore]:
        # Rasa was trained on the same normalised text (nlu.rasa.train), so send that.
        payload = {"text": message.folded}
        try:
            session = self._get_session()
            async with session.post(self._url, json=payload) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"Rasa answered HTTP {response.status}")
                body: dict[str, Any] = await response.json()
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
        return parse_ranking(body)

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def parse_ranking(body: dict[str, Any]) -> list[IntentScore]:
    """Map Rasa's parse answer to our ranking, dropping names we do not know."""
    entries = body.get("intent_ranking") or ([body["intent"]] if body.get("intent") else [])
    ranking = [
        IntentScore(intent=str(e["name"]), confidence=float(e.get("confidence", 0.0)))
        for e in entries
        if e.get("name") in INTENTS
    ]
    if not ranking:
        raise RasaUnavailable("Rasa returned no known intent")
    ranking.sort(key=lambda s: s.confidence, reverse=True)
    return ranking
