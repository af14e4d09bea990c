"""A case erased by /forget: the console says so and offers no way to write to the person."""

from __future__ import annotations

from hotline.cases.events import OutboxEvent
from hotline.cases.outbox import OutboxQueue
from tests.console.conftest import ConsoleWorld, csrf_of


async def test_an_erased_case_is_marked_and_offers_no_reply(world: ConsoleWorld) -> None:
    case = await world.open_case()
    client = await world.signed_in(await world.account("alice"))
    page = await (await client.get(f"/console/cases/{case}")).text()
    assert 'id="reply"' in page and "личные данные стёрты" not in page
    token = csrf_of(page)

    await world.cases.forget("tg:1001")

    page = await (await client.get(f"/console/cases/{case}")).text()
    assert "Личные данные стёрты" in page and "личные данные стёрты" in page
    assert 'id="reply"' not in page and "/note" not in page and "/claim" not in page
    assert "паспорт" not in page
    # A reply posted from a page opened before /forget changes nothing and reaches nobody.
    response = await client.post(
        f"/console/cases/{case}/reply", data={"csrf": token, "text": "Мы рядом"}
    )
    assert "outcome=case_closed" in str(response.url)
    kinds = {item.kind for item in await OutboxQueue(world.store, "test").items()}
    assert OutboxEvent.FORGOTTEN in kinds and OutboxEvent.OPERATOR_TO_PERSON not in kinds
