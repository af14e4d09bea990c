"""What the case service keeps for the person's safety: whether a call back is safe, and
whether an operator has taken the case (the assistant then stops answering by itself)."""

from __future__ import annotations

import pytest

from hotline.cases.events import OperatorNotice
from hotline.cases.outbox import OutboxQueue
from hotline.cases.service import CaseService
from hotline.cases.store import CaseStore
from hotline.cases.views import Actor, Outcome
from hotline.escalation import CallbackPreference, EscalationRequest

CALLER = "phone:abc"
NUMBER = "+996555123456"
OPERATOR = Actor("operator:77", "Operator A")


def voicemail(**extra: object) -> EscalationRequest:
    fields: dict[str, object] = {
        "user_key": CALLER,
        "channel": "phone",
        "language": "ru",
        "level": "high",
        "indicators": (),
        "reason": "voicemail",
        "callback_number": NUMBER,
    }
    fields.update(extra)
    return EscalationRequest(**fields)  # type: ignore[arg-type]


async def notices(store: CaseStore) -> list[str]:
    items = await OutboxQueue(store, "t").items("pending")
    return [str(item.payload.get("notice")) for item in items if item.payload.get("notice")]


@pytest.mark.parametrize(
    ("preference", "when"),
    [(CallbackPreference.SAFE, None), (CallbackPreference.WHEN, "после восьми вечера")],
)
async def test_a_safe_call_back_is_kept_with_the_number(
    store: CaseStore, preference: CallbackPreference, when: str | None
) -> None:
    cases = CaseService(store)
    await cases.escalate(voicemail())
    await cases.escalate(voicemail(callback_preference=preference, callback_when=when))
    case = await store.open_case_for(CALLER)
    assert case is not None
    assert case.callback_number == NUMBER
    assert case.callback_preference == preference
    assert case.callback_when == when
    assert [c.id for c in await cases.callbacks_waiting()] == [case.id]
    assert await cases.callback_done(case.id, OPERATOR) is Outcome.DONE


async def test_do_not_call_drops_the_number_and_refuses_callback_done(store: CaseStore) -> None:
    cases = CaseService(store)
    await cases.escalate(voicemail())
    await cases.escalate(voicemail(callback_number=None, callback_preference="unsafe"))
    case = await store.open_case_for(CALLER)
    assert case is not None
    assert case.callback_preference == CallbackPreference.UNSAFE
    assert case.callback_number is None  # a number nobody may call is not kept
    assert await cases.callbacks_waiting() == []
    # An old card's button, pressed anyway: refused, and the operators are told why.
    assert await cases.callback_done(case.id, OPERATOR) is Outcome.CALLBACK_UNSAFE
    assert not (await store.get(case.id)).callback_done
    assert OperatorNotice.CALLBACK_UNSAFE.value in await notices(store)
    assert ("operator:77", "callback_refused") in await store.audit_actions(case.id)


async def test_the_answer_when_is_erased_with_the_case(store: CaseStore) -> None:
    cases = CaseService(store)
    await cases.escalate(voicemail(callback_preference="when", callback_when="утром"))
    case = await store.open_case_for(CALLER)
    assert case is not None and case.callback_when == "утром"
    await cases.forget(CALLER)
    erased = await store.get(case.id)
    assert erased.callback_when is None and erased.callback_number is None


@pytest.mark.parametrize("takes", ["claim", "reply"])
async def test_a_case_is_taken_once_an_operator_claims_it_or_writes(
    store: CaseStore, takes: str
) -> None:
    cases = CaseService(store)
    person = "tg:1001"
    await cases.escalate(voicemail(user_key=person, channel="telegram", callback_number=None))
    ref = await cases.open_case(person)
    assert ref is not None and not ref.taken
    case = await store.open_case_for(person)
    assert case is not None
    if takes == "claim":
        assert await cases.claim(case.id, OPERATOR) is Outcome.DONE
    else:
        assert await cases.reply_to_person(case.id, OPERATOR, "Здравствуйте") is Outcome.DONE
    ref = await cases.open_case(person)
    assert ref is not None and ref.taken
    # Raising the case later keeps it taken.
    raised = await cases.escalate(
        voicemail(user_key=person, channel="telegram", level="emergency", callback_number=None)
    )
    assert raised.taken and raised.level == "emergency"
