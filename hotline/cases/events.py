"""What the case outbox carries: one enum of event kinds, shared by the store and the worker.

An event is written in the same transaction as the case change it follows, and carries
no rendered text of ours: operator notices and person notices are enum members that the
Telegram adapter renders (`bot.operators.notices`), so the core decides *what* is said
and the adapter *how*.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class OutboxEvent(StrEnum):
    """A kind of outbox item; the values are what the `outbox.kind` column holds."""

    TOPIC_CREATE = "topic_create"  # open the case's topic and post its card
    CARD_UPDATE = "card_update"  # edit the card; rename the topic when the level rose
    PERSON_TEXT = "person_text"  # what the person wrote, to the topic
    PERSON_MEDIA = "person_media"  # a photo, file, voice note … copied to the topic
    TOPIC_NOTICE = "topic_notice"  # an `OperatorNotice` in the topic
    TOPIC_CLOSE = "topic_close"  # the case was closed: say so and close the topic
    FORGOTTEN = "forgotten"  # /forget: delete the topic, tell operators what was erased
    TOPIC_DELETE = "topic_delete"  # retention: delete an old case's topic
    OPERATOR_TO_PERSON = "operator_to_person"  # an operator's message, copied to the person
    PERSON_NOTICE = "person_notice"  # a `PersonNotice` to the person's private chat


class Lane(StrEnum):
    """Items of one case go out in order within a lane; lanes of a case are independent."""

    GROUP = "group"  # the operators' topic: under Telegram's per-group budget
    PERSON = "person"  # the person's private chat


PERSON_LANE_EVENTS: Final = frozenset({OutboxEvent.OPERATOR_TO_PERSON, OutboxEvent.PERSON_NOTICE})


def lane_of(event: OutboxEvent) -> Lane:
    return Lane.PERSON if event in PERSON_LANE_EVENTS else Lane.GROUP


def lane_key(case_id: int | None, event: OutboxEvent) -> str:
    """The `outbox.lane` column: items with the same key are delivered strictly in order."""
    return f"{case_id if case_id is not None else '-'}:{lane_of(event)}"


class PersonNotice(StrEnum):
    """What the person is told about their case, in their language."""

    CLAIMED = "claimed"
    CLOSED = "closed"
    AFTER_HOURS = "after_hours"  # params: when (Bishkek time)


class OperatorNotice(StrEnum):
    """What the operators are told in the case's topic (never personal data)."""

    RAISED = "raised"
    UPDATED = "updated"
    RECORDING = "recording"
    CLAIMED_BY = "claimed_by"  # params: name
    NOTE_SAVED = "note_saved"
    NOTE_USAGE = "note_usage"
    CLOSED = "closed"
    CALLBACK_DONE = "callback_done"  # params: name
    CALLBACK_UNSAFE = "callback_unsafe"  # "callback done" refused: the caller said not to call
    AFTER_HOURS_SENT = "after_hours_sent"  # params: when
    CASE_CLOSED_ALREADY = "case_closed_already"
    PHONE_CASE = "phone_case"
    UNKNOWN_COMMAND = "unknown_command"
    UNVERIFIED = "unverified"
    BLOCKED = "blocked"
    NOT_DELIVERED = "not_delivered"
    NOT_SHOWN = "not_shown"
    DEAD_LETTER = "dead_letter"  # params: what
