"""X-Twilio-Signature on every /ivr/ route but the audio files: 403 for anything else.

Twilio posts `application/x-www-form-urlencoded` UTF-8 forms of a few hundred bytes, and
signs the URL and those parameters. The body is read here, as exactly that and nothing
more: any other content type (a multipart body), another charset, invalid UTF-8 or an
oversized body is answered 400 before anything trusts it. Nothing of a rejected request
but its method and a clipped path is logged (the form carries the caller's number).
"""

from __future__ import annotations

import hmac
import logging
from typing import Final
from urllib.parse import parse_qsl

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.typedefs import Handler, Middleware
from multidict import MultiDict, MultiDictProxy
from twilio.request_validator import RequestValidator, get_signature_algorithm

from hotline.log_safety import clip

log = logging.getLogger(__name__)

FORM_KEY: Final = web.RequestKey("ivr_form", MultiDictProxy[str])
UNSIGNED_PREFIX: Final = "/ivr/audio/"  # Twilio fetches <Play> files with a plain GET
FORM_TYPE: Final = "application/x-www-form-urlencoded"
MAX_FORM_BYTES: Final = 64 * 1024
MAX_FORM_FIELDS: Final = 200
_UTF8: Final = frozenset({"utf-8", "utf8"})


class MalformedForm(ValueError):
    """The body is not a form Twilio could have sent; `reason` names how (no content)."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def signed_url(base_url: str, request: web.Request) -> str:
    """The URL Twilio signed: the public base URL, then the path and query as requested."""
    return base_url.rstrip("/") + request.raw_path


async def read_form(request: web.Request) -> MultiDictProxy[str]:
    """The POSTed form as Twilio sends it; MalformedForm for anything else."""
    if request.method != "POST" or not request.body_exists:
        return MultiDictProxy(MultiDict())
    if request.content_type != FORM_TYPE:
        raise MalformedForm("content type")
    charset = request.charset
    if charset is not None and charset.lower() not in _UTF8:
        raise MalformedForm("charset")
    length = request.content_length
    if length is not None and length > MAX_FORM_BYTES:
        raise MalformedForm("size", 413)
    body = bytearray()
    try:
        async for chunk in request.content.iter_chunked(16 * 1024):
            body += chunk
            if len(body) > MAX_FORM_BYTES:
                raise MalformedForm("size", 413)
    except HttpProcessingError:  # e.g. a Content-Encoding the body does not have
        raise MalformedForm("body") from None
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FORM_FIELDS,
        )
    except ValueError:  # invalid UTF-8 (UnicodeDecodeError), too many fields
        raise MalformedForm("encoding") from None
    return MultiDictProxy(MultiDict(pairs))


def signature_middleware(auth_token: str, base_url: str) -> Middleware:
    """Check each request's signature with twilio's RequestValidator; keep the form for handlers."""
    validator = RequestValidator(auth_token)

    @web.middleware
    async def require_twilio_signature(
        request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        if request.path.startswith(UNSIGNED_PREFIX):
            response: web.StreamResponse = await handler(request)
            return response
        try:
            form = await read_form(request)
        except MalformedForm as malformed:
            log.warning(
                "rejected %s %s: malformed form (%s)",
                clip(request.method, 16),
                clip(request.path),
                malformed.reason,
            )
            return web.Response(status=malformed.status, text="Bad Request")
        signature = request.headers.get("X-Twilio-Signature", "")
        try:
            algorithm = get_signature_algorithm(
                request.headers.get("X-Twilio-Webhooks-Signature-Settings")
            )
            url = signed_url(base_url, request)
            # The URL exactly as configured signs almost every request: one HMAC. Only
            # a mismatch pays for twilio's full check, which also tries the URL with and
            # without an explicit default port.
            valid = bool(signature) and (
                hmac.compare_digest(validator.compute_signature(url, form, algorithm), signature)
                or validator.validate(url, form, signature, algorithm)
            )
        except (ValueError, TypeError, UnicodeError, LookupError):
            valid = False  # e.g. a signature with non-ASCII characters
        if not valid:
            # The path is enough to investigate; the form would carry the caller's number.
            log.warning(
                "rejected %s %s: %s Twilio signature",
                clip(request.method, 16),
                clip(request.path),
                "invalid" if signature else "missing",
            )
            return web.Response(status=403, text="Forbidden")
        request[FORM_KEY] = form
        answered: web.StreamResponse = await handler(request)
        return answered

    return require_twilio_signature
