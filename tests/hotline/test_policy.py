"""The dialogue policy, one behaviour per test, on a scripted NLU."""

from __future__ import annotations

import pytest

from hotline.escalation import EscalationRequest, RecordingEscalator
from hotline.policy import DialoguePolicy
from hotline.safety_texts import CASE_NEXT, ESSENTIALS_DANGER, IF_DANGER_GROWS, STAY_SAFE
from hotline.state import MAX_TURNS, MemoryConversationStore
from hotline.turns import (
    AnsweredWhileWaiting,
    AskLanguage,
    Escalate,
    OfferOptions,
    Reply,
    SayText,
    ShowAnswer,
    ShowEmergencyNumbers,
    ShowMissions,
    Turn,
)
from tests.hotline.fakes import FakeContent, FakeUnderstanding, Scripted

USER = "tg:1"

SCRIPT = {
    "салам": Scripted("greet", language="ky"),
    "здравствуйте": Scripted("greet", language="ru"),
    "сколько дней на регистрацию": Scripted("registration_russia", language="ru"),
    "каттоого канча күн бар": Scripted("registration_russia", language="ky"),
    "ok": Scripted("thanks_goodbye", 0.7, clear=False),
    "непонятно": Scripted(
        "out_of_scope", 0.3, ranking=("stay_duration", "greet", "entry_ban", "pension", "pension")
    ),
    "не платят": Scripted("wages_unpaid", level="concern", indicators=("withholding_of_wages",)),
    "забрали паспорт": Scripted(
        "report_exploitation", level="high", indicators=("retention_of_documents",)
    ),
    "меня бьют": Scripted("emergency", level="emergency", indicators=("physical_sexual_violence",)),
    "оператор": Scripted("ask_operator"),
    "на русском пожалуйста": Scripted("change_language", language="ru"),
    "кыргызча жазгыла": Scripted("change_language", language="ky"),
    "мен Алматыдамын элчиликтин номери": Scripted("contacts", language="ky"),
    "элчиликтин номери": Scripted("contacts", language="ky"),
    "Алматыда паспортумду жоготтум": Scripted("lost_documents", language="ky"),
}


class FailingEscalator(RecordingEscalator):
    fail = True

    async def escalate(self, request: EscalationRequest):  # type: ignore[no-untyped-def]
        if self.fail:
            raise ConnectionError("case store down")
        return await super().escalate(request)


@pytest.fixture
def escalator() -> RecordingEscalator:
    return RecordingEscalator()


@pytest.fixture
def policy(escalator: RecordingEscalator) -> DialoguePolicy:
    return DialoguePolicy(
        FakeUnderstanding(SCRIPT), FakeContent(), MemoryConversationStore(), escalator
    )


async def say(policy: DialoguePolicy, text: str) -> Reply:
    return await policy.handle(Turn(USER, "telegram", text=text))


async def pick(policy: DialoguePolicy, option: str) -> Reply:
    return await policy.handle(Turn(USER, "telegram", option=option))


def kinds(reply: Reply) -> list[str]:
    return [type(a).__name__ for a in reply.actions]


def option_ids(reply: Reply) -> list[str]:
    return [o.id for a in reply.actions if isinstance(a, OfferOptions) for o in a.options]


async def test_greeting_offers_a_short_menu_of_topic_groups(policy: DialoguePolicy) -> None:
    reply = await say(policy, "салам")
    assert reply.language == "ky"
    assert kinds(reply) == ["SayText", "OfferOptions"]
    assert option_ids(reply) == [
        "menu:work",
        "menu:documents",
        "menu:trafficking",
        "menu:police",
        "menu:family",
        "intent:contacts",
        "intent:emergency",
        "operator",
    ]


async def test_confident_intent_answers_and_offers_related_and_feedback(
    policy: DialoguePolicy,
) -> None:
    reply = await say(policy, "сколько дней на регистрацию")
    assert reply.actions[0] == ShowAnswer("registration_russia")
    assert option_ids(reply) == [
        "intent:stay_duration",
        "intent:medical_exam_fingerprinting",
        "helpful:yes",
        "helpful:no",
    ]


async def test_unsure_offers_three_likeliest_topics_and_an_operator(policy: DialoguePolicy) -> None:
    reply = await say(policy, "непонятно")
    assert isinstance(reply.actions[0], SayText)
    assert option_ids(reply) == [
        "intent:stay_duration",
        "intent:entry_ban",
        "intent:pension",
        "operator",
    ]


async def test_concern_answers_and_offers_an_operator(
    policy: DialoguePolicy, escalator: RecordingEscalator
) -> None:
    reply = await say(policy, "не платят")
    assert reply.actions[0] == ShowAnswer("wages_unpaid")
    assert "operator" in option_ids(reply)
    assert escalator.requests == []


async def test_high_risk_escalates_and_says_what_happens_next(
    policy: DialoguePolicy, escalator: RecordingEscalator
) -> None:
    await say(policy, "здравствуйте")
    reply = await say(policy, "забрали паспорт")
    # The scripted NLU names no situation: the general high-risk response.
    assert kinds(reply) == ["SayText", "Escalate", "SayText", "SayText", "SayText"]
    said = [a.msgid for a in reply.actions if isinstance(a, SayText)]
    assert said == [ESSENTIALS_DANGER, CASE_NEXT, STAY_SAFE, IF_DANGER_GROWS]
    escalate = reply.actions[1]
    assert isinstance(escalate, Escalate) and escalate.level == "high"
    assert escalate.case_number is not None
    assert dict(reply.actions[2].params)["case"] == escalate.case_number  # type: ignore[union-attr]
    [request] = escalator.requests
    assert request.level == "high" and request.indicators == ("retention_of_documents",)
    assert request.excerpt == ("здравствуйте", "забрали паспорт")
    assert request.language == "ru"


async def test_emergency_shows_numbers_first_then_escalates(
    policy: DialoguePolicy, escalator: RecordingEscalator
) -> None:
    reply = await say(policy, "меня бьют")
    assert isinstance(reply.actions[0], ShowEmergencyNumbers)
    assert kinds(reply) == ["ShowEmergencyNumbers", "SayText", "Escalate", "SayText"]
    assert isinstance(reply.actions[2], Escalate) and reply.actions[2].level == "emergency"
    assert escalator.requests[0].reason == "emergency"


async def test_until_an_operator_takes_the_case_questions_get_automatic_answers(
    policy: DialoguePolicy, escalator: RecordingEscalator
) -> None:
    first = await say(policy, "забрали паспорт")
    reply = await say(policy, "сколько дней на регистрацию")
    case_number = first.actions[1].case_number  # type: ignore[union-attr]
    assert reply.actions[:2] == (
        AnsweredWhileWaiting(case_number),
        ShowAnswer("registration_russia"),
    )
    assert escalator.relayed == [(USER, "сколько дней на регистрацию")]
    by_button = await pick(policy, "intent:stay_duration")
    assert kinds(by_button)[:2] == ["AnsweredWhileWaiting", "ShowAnswer"]


async def test_once_an_operator_has_taken_the_case_the_bot_is_silent_and_relays(
    policy: DialoguePolicy, escalator: RecordingEscalator
) -> None:
    await say(policy, "забрали паспорт")
    escalator.take_case(USER)
    reply = await say(policy, "сколько дней на регистрацию")
    assert kinds(reply) == ["PauseForOperator"]
    assert escalator.relayed == [(USER, "сколько дней на регистрацию")]
    assert kinds(await pick(policy, "intent:stay_duration")) == ["SayText", "PauseForOperator"]


async def test_emergency_during_a_taken_case_shows_only_the_numbers_and_raises_priority(
    policy: DialoguePolicy, escalator: RecordingEscalator
) -> None:
    first = await say(policy, "забрали паспорт")
    escalator.take_case(USER)
    reply = await say(policy, "меня бьют")
    assert kinds(reply) == ["ShowEmergencyNumbers", "Escalate", "PauseForOperator"]
    escalate = reply.actions[1]
    assert isinstance(escalate, Escalate) and escalate.next_msgid is None
    case = await escalator.open_case(USER)
    assert case is not None and case.level == "emergency" and case.taken
    assert case.number == first.actions[1].case_number  # type: ignore[union-attr]


async def test_emergency_while_waiting_gives_the_full_response_on_the_same_case(
    policy: DialoguePolicy, escalator: RecordingEscalator
) -> None:
    first = await say(policy, "забрали паспорт")
    reply = await say(policy, "меня бьют")
    assert kinds(reply)[:2] == ["ShowEmergencyNumbers", "AnsweredWhileWaiting"]
    assert "Escalate" in kinds(reply)
    case = await escalator.open_case(USER)
    assert case is not None and case.level == "emergency"
    assert case.number == first.actions[1].case_number  # type: ignore[union-attr]


async def test_same_level_is_not_escalated_twice(
    policy: DialoguePolicy, escalator: RecordingEscalator
) -> None:
    await say(policy, "забрали паспорт")
    await say(policy, "забрали паспорт")
    assert len(escalator.requests) == 1


async def test_a_new_red_flag_after_the_case_closed_escalates_again(
    policy: DialoguePolicy, escalator: RecordingEscalator
) -> None:
    await say(policy, "забрали паспорт")
    escalator.close_case(USER)
    answered = await say(policy, "сколько дней на регистрацию")
    assert answered.actions[0] == ShowAnswer("registration_russia")
    again = await say(policy, "забрали паспорт")
    assert "Escalate" in kinds(again)
    assert len(escalator.requests) == 2


async def test_ask_operator_escalates(
    policy: DialoguePolicy, escalator: RecordingEscalator
) -> None:
    reply = await say(policy, "оператор")
    assert "Escalate" in kinds(reply)
    assert escalator.requests[0].reason == "ask_operator"
    by_button = await pick(policy, "operator")  # a case is open already: no second one
    assert kinds(by_button) == ["AnsweredWhileWaiting", "SayText"]
    assert len(escalator.requests) == 1


async def test_failed_escalation_tells_the_person_to_call_and_retries_next_turn() -> None:
    escalator = FailingEscalator()
    policy = DialoguePolicy(
        FakeUnderstanding(SCRIPT), FakeContent(), MemoryConversationStore(), escalator
    )
    reply = await say(policy, "меня бьют")
    assert isinstance(reply.actions[0], ShowEmergencyNumbers)
    assert "Escalate" not in kinds(reply)
    assert policy.metrics.value("escalation_failures_total", level="emergency") == 1
    escalator.fail = False
    retried = await say(policy, "ok")
    assert "Escalate" in kinds(retried)
    assert escalator.requests[0].level == "emergency"


async def test_clear_message_in_the_other_language_switches_and_offers_switch_back(
    policy: DialoguePolicy,
) -> None:
    await say(policy, "салам")
    reply = await say(policy, "сколько дней на регистрацию")
    assert reply.language == "ru" and reply.switched_language
    assert option_ids(reply)[-1] == "lang:ky"
    back = await pick(policy, "lang:ky")
    assert back.language == "ky"


async def test_short_ambiguous_message_never_switches_language(policy: DialoguePolicy) -> None:
    await say(policy, "салам")
    reply = await say(policy, "ok")
    assert reply.language == "ky" and not reply.switched_language


async def test_change_language_request_switches(policy: DialoguePolicy) -> None:
    await say(policy, "здравствуйте")
    reply = await say(policy, "кыргызча жазгыла")
    assert reply.language == "ky"
    assert (await say(policy, "ok")).language == "ky"


async def test_menu_options(policy: DialoguePolicy) -> None:
    group = await pick(policy, "menu:trafficking")
    assert option_ids(group) == [
        "intent:trafficking_signs",
        "intent:job_offer_check",
        "intent:report_exploitation",
        "intent:work_outside_eaeu",
        "menu",
    ]
    answer = await pick(policy, "intent:registration_russia")
    assert answer.actions[0] == ShowAnswer("registration_russia")
    assert kinds(await pick(policy, "language")) == ["AskLanguage"]
    assert kinds(await pick(policy, "nonsense:x")) == ["OfferOptions"]


async def test_help_now_button_shows_emergency_numbers_and_an_operator(
    policy: DialoguePolicy,
) -> None:
    reply = await pick(policy, "intent:emergency")
    assert isinstance(reply.actions[0], ShowEmergencyNumbers)
    assert "operator" in option_ids(reply)


async def test_feedback(policy: DialoguePolicy) -> None:
    yes = await pick(policy, "helpful:yes")
    no = await pick(policy, "helpful:no")
    assert option_ids(yes)[0] == "menu:work"
    assert option_ids(no) == ["operator", "menu"]
    assert policy.metrics.value("helpful_total", answer="no") == 1


async def test_start_asks_language_preselecting_the_hint(policy: DialoguePolicy) -> None:
    reply = await policy.start(Turn(USER, "telegram", language_hint="ru"))
    assert reply.actions == (AskLanguage(),) and reply.language == "ru"


async def test_state_keeps_at_most_six_turns_and_risk_never_decays(
    policy: DialoguePolicy,
) -> None:
    await say(policy, "не платят")
    for _ in range(10):
        await say(policy, "ok")
    state = await policy.store.get(USER)
    assert state is not None
    assert len(state.turns) == MAX_TURNS
    assert state.risk.level == "concern"


async def test_forget_erases_state_and_case(
    policy: DialoguePolicy, escalator: RecordingEscalator
) -> None:
    await say(policy, "забрали паспорт")
    await policy.forget(USER)
    assert await policy.store.get(USER) is None
    assert await escalator.open_case(USER) is None
    assert escalator.requests == []


async def test_menus_before_choosing_do_not_fix_the_language(policy: DialoguePolicy) -> None:
    await pick(policy, "language")
    await pick(policy, "menu:work")
    reply = await say(policy, "сколько дней на регистрацию")
    assert reply.language == "ru" and not reply.switched_language
    assert "lang:ky" not in option_ids(reply)


async def test_contacts_naming_a_place_shows_its_missions_before_the_answer(
    policy: DialoguePolicy,
) -> None:
    reply = await say(policy, "мен Алматыдамын элчиликтин номери")
    assert kinds(reply)[:2] == ["ShowMissions", "ShowAnswer"]
    assert reply.actions[0] == ShowMissions(("consulate_almaty", "embassy_astana"))


async def test_contacts_without_a_place_shows_only_the_answer(policy: DialoguePolicy) -> None:
    reply = await say(policy, "элчиликтин номери")
    assert "ShowMissions" not in kinds(reply)
    assert ShowAnswer("contacts") in reply.actions


async def test_other_answers_naming_a_place_show_no_missions(policy: DialoguePolicy) -> None:
    reply = await say(policy, "Алматыда паспортумду жоготтум")
    assert "ShowMissions" not in kinds(reply)
