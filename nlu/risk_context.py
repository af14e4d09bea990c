"""Context cues of a message: what the linear n-gram heads cannot weigh on their own.

Most false alarms of the first stage are long harmless messages whose alarming words
are neutralised by their context: a story that is over ("в прошлом году…, сейчас всё
хорошо", "былтыр…, азыр баары жакшы"), a hypothetical ("если…", "эгер…"), someone
else's situation or a rumour ("говорят", "досум", "деп угдум"), a question about the
law ("по закону", "мыйзам боюнча"). Each cue is a short list of markers over the folded
text (`nlu.normalize`: ё/э → е, й → и, ь dropped, ө/ү/ң → о/у/н, Latin already
transliterated), so the markers are written folded ("сеичас", "егер", "мыизам").
A cue decides nothing by itself: the second stage of the risk model
(`nlu.risk_model`) learns from out-of-fold predictions how much each one lowers (or
raises) the alarm of a risky-looking message.
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np
import numpy.typing as npt


def _cue(*markers: str) -> re.Pattern[str]:
    # Markers start at a word boundary; most are stems, so they may end anywhere.
    return re.compile(r"(?<![^\W_])(?:" + "|".join(markers) + ")")


# Order matters: it is the order of the second stage's cue features.
CUES: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    (
        "past",  # a story that happened, and is over
        _cue(
            r"в прошлом (?:году|месяце|сезоне)",
            r"(?:год|года|лет|месяц\w*) назад",
            r"раньше",
            r"когда-?то",
            r"давно",
            r"тогда",
            r"в итоге",
            r"в конце концов",
            r"былтыр",
            r"мурун",
            r"илгери",
            r"(?:жыл|ай) мурда",
            r"ошондо",
            r"акыры",
            r"бир кезде",
        ),
    ),
    (
        "resolved",  # ... and now it is fine
        _cue(
            r"(?:сеичас|теперь) (?:вс[её] |уже )?(?:хорошо|нормально|в порядке|дома)",
            r"вс[её] (?:закончилось|обошлось|хорошо закончилось|позади)",
            r"обошлось",
            r"разобрались",
            r"(?:вернули|отдали) (?:паспорт|документ|деньги|зарплат)",
            r"уже дома",
            r"слава богу",
            r"(?:азыр|еми) (?:баары |баары еле )?(?:жакшы|тынч|уидомун|уиго)",
            r"баары жакшы",
            r"чечилди",
            r"кудаига шукур",
            r"кайтарып (?:беришти|берди)",
            r"уиго (?:келдим|кеттим|каитып)",
        ),
    ),
    (
        "hypothetical",  # "what if", "can they", conditionals
        _cue(
            r"если",
            r"а вдруг",
            r"допустим",
            r"предположим",
            r"(?:может|могут|бывает|бывают|вправе) ли",
            r"что будет",
            r"что делать, если",
            r"на случаи",
            r"егер",
            r"\w+(?:са|се|со) (?:емне|кантип|болобу|болот)",
            r"мумкунбу",
            r"деилик",
            r"боло калса",
        ),
    ),
    (
        "others",  # someone else's situation, hearsay, news and films
        _cue(
            r"говорят",
            r"слышал\w*",
            r"рассказыва\w+",
            r"рассказал\w*",
            r"пишут",
            r"(?:в )?новост\w+",
            r"по телевизору",
            r"телевизор\w*",
            r"теленин",
            r"фильм\w*",
            r"сериал\w*",
            r"стат(?:я|и|ю)",
            r"знаком\w+",
            r"(?:друг|подруг\w*|сосед\w*|брат\w*|сестр\w*|земляк\w*)",
            r"у (?:него|нее|них)",
            r"дешет",
            r"дептир",
            r"угуп\w*",
            r"угдум",
            r"кабар\w*",
            r"жанылык\w*",
            r"кино\w*",
            r"тааныш\w*",
            r"дос(?:ум|тор|у|ун|ту)\w*",
            r"кошуна\w*",
            r"анын",
            r"алардын",
        ),
    ),
    (
        "law",  # a question about the law or one's rights
        _cue(
            r"закон\w*",
            r"по закону",
            r"(?:имеет|имеют|имею) ли (?:он |они |я )?прав\w*",
            r"кодекс\w*",
            r"штраф\w*",
            r"наказан\w*",
            r"ответственност\w*",
            r"мыизам\w*",
            r"укугу\w*",
            r"укуг\w*",
            r"жаза\w*",
            r"аиып\w*",
        ),
    ),
    (
        "question",  # a question rather than a report
        _cue(
            r"как\w* ",
            r"что ",
            r"можно ли",
            r"где ",
            r"куда ",
            r"кантип",
            r"емне",
            r"кандаи",
            r"каида",
            r"\w+(?:бы|би|бу|пы|пи|пу)\b",
        ),
    ),
    (
        "now",  # the writer's own present trouble: the opposite of the cues above
        _cue(
            r"сеичас",
            r"прямо сеичас",
            r"помогите",
            r"срочно",
            r"спасите",
            r"азыр",
            r"жардам (?:бергиле|бериниз|керек)",
            r"тез",
            r"куткаргыла",
        ),
    ),
)
CUE_NAMES: Final = tuple(name for name, _ in CUES)
_QUESTION_MARK: Final = "?"
_QUESTION: Final = CUE_NAMES.index("question")


def cue_values(folded: str, within: list[float] | None = None) -> list[float]:
    """One 0/1 value per cue of `CUES` (the question cue is 1 for a "?" too).

    `within`: the values of a text that contains `folded` (a piece of a message, or the
    text before or after it). A cue that text lacks, a part of it lacks too, so it is
    not searched for again: the risk model asks for the cues of up to four texts of a
    message, and most cues are absent.
    """
    if within is None:
        values = [1.0 if pattern.search(folded) else 0.0 for _, pattern in CUES]
    else:
        values = [
            1.0 if present and pattern.search(folded) else 0.0
            for present, (_, pattern) in zip(within, CUES, strict=True)
        ]
    if _QUESTION_MARK in folded:
        values[_QUESTION] = 1.0
    return values


def context_cues(folded: str) -> npt.NDArray[np.float32]:
    """`cue_values` as an array."""
    return np.array(cue_values(folded), dtype=np.float32)
