"""`setup_ivr(app, services)`: mount the Twilio voice routes under /ivr/ on the server's app."""

from __future__ import annotations

import gc
import logging

from aiohttp import web

from hotline.content import ContentError
from hotline.operator_hours import OperatorHours
from ivr import routes
from ivr.audio import AUDIO_ROUTE, AudioLibrary, audio_file_name, audio_handler
from ivr.context import IVR_CONTEXT, IvrContext
from ivr.ports import IvrServices
from ivr.prompts import load_prompts
from ivr.rescue import answer_with_a_human, last_resort_twiml
from ivr.signature import signature_middleware
from ivr.state import CallStore
from ivr.twiml import Links, Speaker

log = logging.getLogger(__name__)


def build_ivr_app(services: IvrServices) -> web.Application:
    """The /ivr/ sub-application; raise ContentError when the prompts are broken."""
    settings = services.settings
    if settings.twilio_auth_token is None:
        raise ValueError("HOTLINE_TWILIO_AUTH_TOKEN is needed to check Twilio's signatures")
    if services.keys is None:
        raise ValueError("the phone line needs the keys (hotline.keys.load_keys)")
    prompts = load_prompts(settings.content_dir, services.content.contacts)
    library = AudioLibrary(settings.content_dir)
    links = Links(settings.public_base_url)
    ctx = IvrContext(
        services=services,
        settings=settings,
        prompts=prompts,
        speaker=Speaker(prompts, library, links, settings.ivr_voice_ru),
        links=links,
        store=CallStore.from_url(
            settings.redis_url,
            call_ttl_seconds=settings.ivr_call_ttl_seconds,
            language_ttl_seconds=settings.retention_days * 24 * 3600,
        ),
        hours=OperatorHours.from_settings(settings.operator_hours, settings.operator_days),
        phone_salt=services.keys.phone_salt,
    )
    ctx.last_resort = last_resort_twiml(ctx)
    _warn_missing_recordings(ctx, library)

    # The signature check is outermost: an unsigned request gets 403, never TwiML.
    ivr = web.Application(
        middlewares=[
            signature_middleware(
                settings.twilio_auth_token.get_secret_value(), settings.public_base_url
            ),
            answer_with_a_human,
        ]
    )
    ivr[IVR_CONTEXT] = ctx
    ivr.router.add_post("/voice", routes.call_start)
    ivr.router.add_post("/language", routes.choose_language)
    ivr.router.add_post("/menu", routes.menu)
    ivr.router.add_post("/answer", routes.answer)
    ivr.router.add_post("/dial", routes.dial_result)
    ivr.router.add_post("/callback", routes.callback_answer)
    ivr.router.add_post("/recorded", routes.recorded)
    ivr.router.add_post("/recording", routes.recording_status)
    ivr.router.add_post("/status", routes.call_status)
    ivr.router.add_get(AUDIO_ROUTE, audio_handler(library))

    async def close_store(_: web.Application) -> None:
        await ctx.store.close()

    ivr.on_startup.append(freeze_startup_objects)
    ivr.on_cleanup.append(close_store)
    return ivr


def setup_ivr(app: web.Application, services: IvrServices) -> bool:
    """Add the /ivr/ routes to `app`; return False (and say why) when the phone line is off."""
    if services.settings.twilio_auth_token is None:
        log.warning("HOTLINE_TWILIO_AUTH_TOKEN is not set: the phone line (/ivr/) is off")
        return False
    try:
        ivr = build_ivr_app(services)
    except ContentError as exc:
        log.error("phone prompts are broken, the phone line (/ivr/) is off:\n%s", exc)
        return False
    app.add_subapp("/ivr", ivr)
    log.info(
        "phone line on: POST %s/ivr/voice; operator %s",
        services.settings.public_base_url.rstrip("/"),
        "configured" if services.settings.operator_phone else "not configured (voicemail only)",
    )
    return True


async def freeze_startup_objects(_: web.Application) -> None:
    """Keep what start-up loaded (NLU model, content) out of garbage collection.

    A full collection over those objects takes about 50 ms, during which no call in
    progress is answered; frozen, it takes well under a millisecond. Process-wide, and
    harmless to repeat if `hotline serve` freezes too.
    """
    gc.collect()
    gc.freeze()


def _warn_missing_recordings(ctx: IvrContext, library: AudioLibrary) -> None:
    missing = [
        name
        for name in ctx.prompts.names()
        if library.find("ky", audio_file_name(name, ctx.prompts.text("ky", name))) is None
    ]
    if missing:
        log.warning("%d Kyrgyz prompts have no recording; run `hotline voice build`", len(missing))
