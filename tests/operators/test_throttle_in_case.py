"""A person in a case who writes fast: every message and file reaches the topic."""

from __future__ import annotations

import pytest

from bot.middlewares.admission import AdmitUpdates
from tests.operators.conftest import OPERATORS_CHAT, Hotline, person, photo, private_message, voice


@pytest.mark.postgres
async def test_a_flood_during_a_case_is_relayed_whole(hotline: Hotline) -> None:
    [limit] = [m.limit for m in hotline.dp.update.outer_middleware if isinstance(m, AdmitUpdates)]
    user = person()
    await hotline.person_says("работодатель забрал паспорт и не отпускает", user)
    await hotline.pump()
    case = await hotline.case_of(user)
    assert case.topic_id is not None
    await hotline.operator_says("/claim", case.topic_id)  # the bot is quiet from now on
    await hotline.pump()
    hotline.telegram.clear()

    # Plainly harmless on purpose: this tests the relay, not risk. («сообщение номер 15» is
    # a risk false alarm, an age of a child to the model: docs/nlu.md, "Known gaps".)
    texts = [f"понял, спасибо {n}" for n in range(limit + 5)]
    for n, text in enumerate(texts):
        await hotline.person_says(text, user)
        if n % 5 == 0:
            await hotline.feed(private_message(user, photo=photo()))
    await hotline.feed(private_message(user, voice=voice()))
    await hotline.pump()

    relayed = "\n".join(hotline.telegram.texts_to(OPERATORS_CHAT, case.topic_id))
    assert all(text in relayed for text in texts)
    assert len(hotline.telegram.copies_to(OPERATORS_CHAT)) == len(range(0, len(texts), 5)) + 1
    transcript = await hotline.store.transcript(case.id)
    said = [line for who, line in transcript if who == "person"]
    assert [line for line in said if not line.startswith("[")] == texts
    assert said[-1] == "[voice]"
    # Nothing said "too many messages": everything went to the operator.
    assert hotline.telegram.texts_to(user.id) == []


@pytest.mark.postgres
async def test_with_the_case_index_open_and_close_are_seen_at_once(hotline: Hotline) -> None:
    """As build_services wires it: the escalator answers "no case" from its index."""
    from hotline.cases.index import MemoryCaseIndex
    from hotline.cases.service import CaseService

    escalator = CaseService(hotline.store, MemoryCaseIndex())
    hotline.services.escalator = hotline.services.policy.escalator = escalator
    user = person()
    await hotline.person_says("Здравствуйте", user)  # "no case" noted
    await hotline.person_says("работодатель забрал паспорт и не отпускает", user)
    await hotline.pump()
    case = await hotline.case_of(user)
    assert case.topic_id is not None
    await hotline.person_says("мы на складе", user)
    assert ("person", "мы на складе") in await hotline.store.transcript(case.id)

    await hotline.operator_says("/close", case.topic_id)
    await hotline.pump()
    hotline.telegram.clear()
    await hotline.person_says("Здравствуйте", user)  # the bot answers again at once
    assert hotline.telegram.texts_to(user.id)
    assert await escalator.open_case(f"tg:{user.id}") is None
