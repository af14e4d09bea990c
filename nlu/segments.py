"""Cut a message into the pieces the risk model reads besides the whole.

A red flag is often one sentence after an ordinary question ("Сколько дней на
регистрацию? Бригадир забрал паспорт."), or one clause of a long run-on phone
transcript. Read whole, the question dilutes the flag; read alone, the flag
stands out. The model scores the whole message and every piece, and a flag in
any of them counts.
"""

from __future__ import annotations

import re
from typing import Final

_SENTENCE: Final = re.compile(r"[.!?;\n…]+")
# Clause boundaries inside a sentence: a comma before a new subject or verb is common
# in reports ("работаю на складе, паспорт забрали"); "но/а/бирок" turn the story.
_CLAUSE: Final = re.compile(r",|\s(?:но|однако|бирок|а еще|анан|потом)\s")
_WORD: Final = re.compile(r"[^\W_]+")
MIN_WORDS: Final = 2  # a lone word ("алло") says nothing alone
# Speech-to-text arrives without punctuation: long stretches are read in overlapping
# word windows so that a flag at the end of a long transcript is not diluted.
WINDOW_WORDS: Final = 14
WINDOW_STEP: Final = 7
LONG_STRETCH: Final = 24
MAX_PIECES: Final = 40  # bounds the work on a very long message (its windows cover it)


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _windows(stretch: str) -> list[str]:
    words = stretch.split()
    last = max(len(words) - WINDOW_WORDS, 0)
    starts = list(range(0, last + 1, WINDOW_STEP))
    if starts[-1] != last:
        starts.append(last)
    return [" ".join(words[s : s + WINDOW_WORDS]) for s in starts]


def risk_pieces(folded: str) -> list[str]:
    """Sentences, clauses and windows of `folded` worth scoring apart from the whole.

    Empty for a short single-clause message: the whole is then the only piece.
    """
    pieces: list[str] = []
    sentences = [s.strip() for s in _SENTENCE.split(folded) if s.strip()]
    for sentence in sentences:
        # Each stretch's words are counted once: this runs on every message.
        counted = [(c.strip(), n) for c in _CLAUSE.split(sentence) if (n := _words(c)) >= MIN_WORDS]
        if len(sentences) > 1 and _words(sentence) >= MIN_WORDS:
            pieces.append(sentence)
        if len(counted) > 1:
            pieces.extend(clause for clause, _ in counted)
        for stretch, words in counted or [(sentence, _words(sentence))]:
            if words > LONG_STRETCH:
                pieces.extend(_windows(stretch))
    unique = list(dict.fromkeys(p for p in pieces if p != folded.strip()))
    if len(unique) > MAX_PIECES:
        # Keep an even spread over the message, the last piece included.
        step = len(unique) / MAX_PIECES
        unique = [unique[min(int(i * step), len(unique) - 1)] for i in range(MAX_PIECES - 1)]
        unique.append(pieces[-1])
    return unique
