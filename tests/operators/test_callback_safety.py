"""The case card says whether a caller may be called back, and "callback done" respects it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage

from bot.operators import notices
from bot.operators.cards import CALLBACK_UNANSWERED_LINE, CALLBACK_UNSAFE_LINE, CallbackDone
from hotline.escalation import CallbackPreference, EscalationRequest
from tests.operators.conftest import OPERATOR, OPERATORS_CHAT, Hotline, button_press

CALLER = "phone:7e11"
NUMBER = "+996555765432"
VOICEMAIL = EscalationRequest(
    user_key=CALLER,
    channel="phone",
    language="ru",
    level="high",
    indicators=("restriction_of_movement",),
    reason="voicemail",
    callback_number=NUMBER,
)


async def card_with_button(hotline: Hotline) -> tuple[int, str]:
    """The voicemail as reported at the tone: a card with the number and the button."""
    await hotline.services.escalator.escalate(VOICEMAIL)
    await hotline.pump()
    case = await hotline.store.open_case_for(CALLER)
    assert case is not None and case.topic_id is not None
    [card] = hotline.telegram.texts_to(OPERATORS_CHAT, case.topic_id)
    assert NUMBER in card and "не сказал" in card  # not asked yet: call carefully
    markup = hotline.telegram.of(SendMessage)[0].reply_markup
    [[button]] = markup.inline_keyboard
    assert button.callback_data == CallbackDone(case_id=case.id).pack()
    hotline.telegram.clear()
    return case.topic_id, button.callback_data


@pytest.mark.postgres
async def test_do_not_call_hides_the_number_and_the_button_and_refuses_the_old_one(
    hotline: Hotline,
) -> None:
    topic, old_button = await card_with_button(hotline)
    # The caller pressed 2: no call back. The phone line sends no number with it.
    unsafe = replace(VOICEMAIL, callback_number=None, callback_preference=CallbackPreference.UNSAFE)
    await hotline.services.escalator.escalate(unsafe)
    await hotline.pump()
    [edited] = hotline.telegram.of(EditMessageText)
    assert CALLBACK_UNSAFE_LINE in edited.text and NUMBER not in edited.text
    assert edited.reply_markup is None

    # The old card's button, pressed anyway: refused, with the reason, and nothing marked.
    hotline.telegram.clear()
    await hotline.feed(button_press(OPERATOR, old_button, thread=topic))
    await hotline.pump()
    [alert] = hotline.telegram.of(AnswerCallbackQuery)
    assert alert.show_alert and alert.text == notices.CALLBACK_UNSAFE
    case = await hotline.store.open_case_for(CALLER)
    assert case is not None and not case.callback_done and case.callback_number is None
    assert any(notices.CALLBACK_UNSAFE in t for t in hotline.telegram.texts_to(OPERATORS_CHAT))


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("preference", "when", "shown"),
    [
        (CallbackPreference.SAFE, None, "перезвонить на этот номер можно"),
        (CallbackPreference.WHEN, "после восьми вечера", "«после восьми вечера»"),
    ],
)
async def test_a_safe_call_back_shows_the_number_with_what_the_caller_said(
    hotline: Hotline, preference: CallbackPreference, when: str | None, shown: str
) -> None:
    topic, _ = await card_with_button(hotline)
    await hotline.services.escalator.escalate(
        replace(VOICEMAIL, callback_preference=preference, callback_when=when)
    )
    await hotline.pump()
    [edited] = hotline.telegram.of(EditMessageText)
    assert NUMBER in edited.text and shown in edited.text
    assert edited.reply_markup is not None  # "callback done" is still there
    [[button]] = edited.reply_markup.inline_keyboard
    await hotline.feed(button_press(OPERATOR, button.callback_data or "", thread=topic))
    case = await hotline.store.open_case_for(CALLER)
    assert case is not None and case.callback_done


@pytest.mark.postgres
async def test_an_unanswered_question_says_why_there_is_no_number_and_offers_no_button(
    hotline: Hotline,
) -> None:
    # The phone line reports the voicemail before the question: no number, no answer yet;
    # a caller who hangs up there leaves it so.
    unanswered = replace(
        VOICEMAIL, callback_number=None, callback_preference=CallbackPreference.UNANSWERED
    )
    await hotline.services.escalator.escalate(unanswered)
    await hotline.pump()
    case = await hotline.store.open_case_for(CALLER)
    assert case is not None and case.topic_id is not None
    [card] = hotline.telegram.texts_to(OPERATORS_CHAT, case.topic_id)
    assert CALLBACK_UNANSWERED_LINE in card and NUMBER not in card
    assert hotline.telegram.of(SendMessage)[0].reply_markup is None
