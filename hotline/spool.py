"""Case changes kept while the database is away, and made when it is back.

When the case service cannot be reached, an escalation or a message to relay is not
lost: it is appended to this spool (a file under `var/spool/`, each entry encrypted with
the case key), and replayed in order once the database answers again. While anything is
spooled, new changes are appended behind it, so a person's messages keep their order.

Kept: what the policy decided to escalate (the request, with its excerpt) and the texts
to relay. How long: until replayed, at most `MAX_AGE` (7 days) and `MAX_ENTRIES`; older
or surplus entries are dropped with an error in the log (counts only, never the text).
The spool is per process: a web process's spool is replayed by that process, also after
a restart (hence the file); a process whose disk is lost loses its spool.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final, Protocol

from hotline.cases.crypto import Sealer
from hotline.escalation import CallbackPreference, EscalationRequest

log = logging.getLogger(__name__)

MAX_ENTRIES: Final = 10_000
MAX_AGE: Final = timedelta(days=7)
REPLAY_EVERY_SECONDS: Final = 2.0


class CaseChanges(Protocol):
    async def escalate(self, request: EscalationRequest) -> object: ...

    async def relay_from_person(self, user_key: str, text: str) -> object: ...


@dataclass(frozen=True, slots=True)
class SpoolEntry:
    op: str  # "escalate" | "relay"
    at: str  # ISO time it was kept
    user_key: str
    text: str = ""
    request: dict[str, Any] | None = None

    def age(self, now: datetime) -> timedelta:
        return now - datetime.fromisoformat(self.at)


class Spool:
    def __init__(self, path: Path | None, sealer: Sealer | None) -> None:
        self.path = path
        self._sealer = sealer
        self._entries: list[SpoolEntry] = []
        self._lock = asyncio.Lock()
        if path is not None and path.exists():
            self._entries = [e for e in (self._decode(line) for line in _lines(path)) if e]
            if self._entries:
                log.warning("%d spooled case changes found: replaying", len(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    async def keep_escalation(self, request: EscalationRequest) -> None:
        data = asdict(request)
        await self._keep(SpoolEntry("escalate", _now(), request.user_key, request=data))

    async def keep_relay(self, user_key: str, text: str) -> None:
        await self._keep(SpoolEntry("relay", _now(), user_key, text=text))

    async def _keep(self, entry: SpoolEntry) -> None:
        async with self._lock:
            self._entries.append(entry)
            if len(self._entries) > MAX_ENTRIES:
                dropped = len(self._entries) - MAX_ENTRIES
                log.error("case spool full: %d oldest entries dropped", dropped)
                del self._entries[:dropped]
            self._save()

    async def replay(self, changes: CaseChanges) -> int:
        """Make the kept changes, oldest first; stop at the first that fails. Return the count."""
        done = 0
        async with self._lock:
            now = datetime.now(UTC)
            fresh = [e for e in self._entries if e.age(now) <= MAX_AGE]
            if len(fresh) < len(self._entries):
                log.error(
                    "case spool: %d entries too old, dropped", len(self._entries) - len(fresh)
                )
            self._entries = fresh
            while self._entries:
                entry = self._entries[0]
                try:
                    await _apply(entry, changes)
                except Exception as exc:  # noqa: BLE001 - still away: try again later
                    log.info("case spool replay paused: %s", type(exc).__name__)
                    break
                self._entries.pop(0)
                done += 1
            if done:
                self._save()
                log.info("case spool: %d changes made, %d left", done, len(self._entries))
        return done

    async def replay_forever(
        self, changes: CaseChanges, every: float = REPLAY_EVERY_SECONDS
    ) -> None:
        while True:
            if self._entries:
                await self.replay(changes)
            await asyncio.sleep(every)

    def _save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text("".join(self._encode(e) + "\n" for e in self._entries))
        temporary.chmod(0o600)
        temporary.replace(self.path)

    def _encode(self, entry: SpoolEntry) -> str:
        raw = json.dumps(asdict(entry), ensure_ascii=False)
        sealed = self._sealer.seal(raw) if self._sealer else raw.encode()
        return base64.b64encode(sealed).decode("ascii")

    def _decode(self, line: str) -> SpoolEntry | None:
        try:
            raw = base64.b64decode(line)
            text = self._sealer.open(raw) if self._sealer else raw.decode()
            return SpoolEntry(**json.loads(text or "null"))
        except (ValueError, TypeError) as exc:
            log.error("unreadable case spool entry dropped: %s", type(exc).__name__)
            return None


async def _apply(entry: SpoolEntry, changes: CaseChanges) -> None:
    if entry.op == "escalate" and entry.request is not None:
        data = dict(entry.request)
        data["indicators"] = tuple(data.get("indicators", ()))
        data["excerpt"] = tuple(data.get("excerpt", ()))
        data["situations"] = tuple(data.get("situations", ()))  # none in older spools
        if data.get("callback_preference") is not None:
            data["callback_preference"] = CallbackPreference(data["callback_preference"])
        await changes.escalate(EscalationRequest(**data))
    elif entry.op == "relay":
        await changes.relay_from_person(entry.user_key, entry.text)


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line.strip()]


def _now() -> str:
    return datetime.now(UTC).isoformat()
