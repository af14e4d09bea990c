"""X-Twilio-Signature on every /ivr/ route but the audio files: 403 for anything else."""

from __future__ import annotations

import hmac
import logging
from typing import Final

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from multidict import MultiDict, MultiDictProxy
from twilio.request_validator import RequestValidator, get_signature_algorithm

log = logging.getLogger(__name__)

FORM_KEY: Final = web.RequestKey("ivr_form", MultiDictProxy[str])
UNSIGNED_PREFIX: Final = "/ivr/audio/"  # Twilio fetches <Play> files with a plain GET


def signed_url(base_url: str, request: web.Request) -> str:
    """The URL Twilio signed: the public base URL, then the path and query as requested."""
    return base_url.rstrip("/") + request.raw_path


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
        signature = request.headers.get("X-Twilio-Signature", "")
        try:
            posted = await request.post() if request.method == "POST" else None
            pairs = posted.items() if posted is not None else ()
            form = MultiDictProxy(MultiDict((k, v) for k, v in pairs if isinstance(v, str)))
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
        except (ValueError, TypeError, UnicodeError, web.HTTPException):
            valid = False
        if not valid:
            # The path is enough to investigate; the form would carry the caller's number.
            log.warning(
                "rejected %s %s: %s Twilio signature",
                request.method,
                request.path,
                "invalid" if signature else "missing",
            )
            return web.Response(status=403, text="Forbidden")
        request[FORM_KEY] = form
        answered: web.StreamResponse = await handler(request)
        return answered

    return require_twilio_signature
