"""Literal anchors of regular expressions, found in one pass over a message.

Most lexicon probes are alternations of spellings (`пасп?орт\\w*|документ\\w*|…`). For
each we derive a set of literal strings one of which every match must contain; an
Aho-Corasick automaton finds all of them in a message at once, so a probe whose anchors
are all absent is skipped without running its regular expression. Exact: a probe with
any anchor present, or with no derivable anchors, is still decided by its expression.
"""

from __future__ import annotations

from collections.abc import Iterable
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, Final

import ahocorasick

MIN_ANCHOR: Final = 2  # shorter literals are in almost every message: no use as a filter


def required_anchors(pattern: str) -> frozenset[str] | None:
    """Strings one of which every match of `pattern` contains; None when none can be told."""
    return _sequence(sre_parse.parse(pattern))


def _sequence(items: Iterable[tuple[Any, Any]]) -> frozenset[str] | None:
    run = ""
    for op, argument in items:
        if op is sre_constants.LITERAL:
            run += chr(argument)
            continue
        if len(run) >= MIN_ANCHOR:
            return frozenset({run})
        run = ""
        found: frozenset[str] | None
        if op is sre_constants.SUBPATTERN:
            found = _sequence(argument[-1])
        elif op is sre_constants.BRANCH:
            found = _branch(argument[1])
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and argument[0] >= 1:
            found = _sequence(argument[2])
        else:
            found = None  # zero-width, character classes, optional parts: nothing required
        if found is not None:
            return found
    return frozenset({run}) if len(run) >= MIN_ANCHOR else None


def _branch(alternatives: Iterable[Any]) -> frozenset[str] | None:
    anchors: set[str] = set()
    for alternative in alternatives:
        found = _sequence(alternative)
        if found is None:
            return None  # one alternative without an anchor: the branch has none
        anchors |= found
    return frozenset(anchors)


class AnchorIndex:
    """All anchors of a lexicon in one automaton."""

    def __init__(self, anchors: Iterable[str]) -> None:
        self._automaton = ahocorasick.Automaton()
        for anchor in set(anchors):
            self._automaton.add_word(anchor, anchor)
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def present(self, text: str) -> frozenset[str]:
        """The anchors that occur in `text`."""
        if self._empty:
            return frozenset()
        return frozenset(anchor for _, anchor in self._automaton.iter(text))
