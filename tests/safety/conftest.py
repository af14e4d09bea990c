"""Every row of the safety-response table (docs/safety_responses.md), with a message that
leads to it in each language.

Each message goes through the REAL understanding layer (the embedded engine). Where the
real NLU does not give that row's situation and level for any wording we tried, the row's
risk is injected into the real parse result (`injected`), and the case says so: the
intent, language and everything else still come from the real NLU.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from typing import Any

from hotline.content import ContentStore
from hotline.i18n import translate
from hotline.policy import EMERGENCY_NEXT
from hotline.safety_response import ROWS, Part, SafetyRow
from hotline.safety_texts import (
    CASE_NEXT,
    HELP_LINES_HEADER,
    IF_DANGER_GROWS,
    STAY_SAFE,
    SUPPORT_SUICIDE,
)
from hotline.turns import SayText
from hotline.wording import EMERGENCY_HEADER, say_text
from nlu.catalogue import Language, RiskLevel
from nlu.pipeline import Understanding
from nlu.types import ParseResult, RiskAssessment


@dataclass(frozen=True)
class RowCase:
    situation: str | None
    level: RiskLevel
    texts: dict[Language, str]
    injected: frozenset[Language] = frozenset()  # the real NLU does not reach this row here

    @property
    def row(self) -> SafetyRow:
        [row] = [r for r in ROWS if (r.situation, r.level) == (self.situation, self.level)]
        return row

    @property
    def id(self) -> str:
        return f"{self.situation or 'general'}-{self.level}"

    def risk(self) -> RiskAssessment:
        situations = (self.situation,) if self.situation else ()
        return RiskAssessment(self.level, (), situations)


BOTH: frozenset[Language] = frozenset({"ru", "ky"})
CASES: tuple[RowCase, ...] = (
    RowCase(
        "suicide_risk",
        "emergency",
        {"ru": "хочу покончить с собой", "ky": "мен өзүмдү өлтүргүм келет"},
    ),
    RowCase(
        "medical_emergency",
        "emergency",
        {
            "ru": "мне очень плохо, сильное кровотечение, не могу дышать",
            "ky": "жүрөгүм ооруп, дем ала албай жатам, тез жардам керек",
        },
    ),
    RowCase(
        "child_at_risk",
        "emergency",
        {
            # "продали замуж в 15 лет" alone reads as done, not as danger now: high.
            "ru": "мою 15-летнюю дочь силой увозят замуж прямо сейчас",
            "ky": "кызымды алып кетишти кайда экенин билбейм телефону очук",
        },
        injected=frozenset({"ky"}),  # the real NLU says emergency, `missing_person`
    ),
    RowCase(
        "missing_person",
        "emergency",
        {
            "ru": "брат уехал в Москву и пропал, телефон выключен",
            "ky": "агам Москвага кетип дайынсыз жоголуп кетти телефону өчүк",
        },
        # The real NLU says high (a missing adult, INTENTS.md); round 6's said emergency in
        # Kyrgyz, round 7's says high there too.
        injected=BOTH,
    ),
    RowCase(
        "sexual_exploitation",
        "emergency",
        {
            "ru": "меня заставляют спать с клиентами и заперли в квартире",
            "ky": "мени кардарлар менен жатууга мажбурлап, батирге камап коюшту",
        },
    ),
    RowCase(
        "forced_criminality",
        "emergency",
        {
            "ru": "меня заставляют воровать, заперли и бьют",
            "ky": "мени уурулук кылууга мажбурлап, камап уруп жатышат",
        },
        injected=frozenset({"ky"}),  # the real NLU says `violence`
    ),
    RowCase(
        "forced_labour",
        "emergency",
        {
            "ru": "меня заперли на складе и бьют, паспорт забрали",
            "ky": "мени складка камап уруп жатышат паспортумду алып коюшту",
        },
    ),
    RowCase(
        "domestic_violence",
        "emergency",
        {"ru": "муж бьет меня прямо сейчас, заперся со мной", "ky": "күйөөм азыр мени уруп жатат"},
    ),
    RowCase(
        "violence",
        "emergency",
        # Beaten now; "меня избили", "сабап кетишти" (they beat me and left) are high.
        {"ru": "меня избивают на улице прямо сейчас", "ky": "мени азыр көчөдө сабап жатышат"},
    ),
    RowCase(
        None,
        "emergency",
        {
            "ru": "мне страшно, помогите, я в опасности",
            "ky": "мен коркуп жатам, жардам бергиле, коркунучта турам",
        },
        injected=BOTH,  # the real NLU never gives an emergency without a situation
    ),
    RowCase(
        "child_at_risk",
        "high",
        {
            "ru": "на работе держат ребенка, не пускают в школу",
            "ky": "кызымды 15 жашында күйөөгө сатып жиберишти",
        },
    ),
    RowCase(
        "missing_person",
        "high",
        {
            "ru": "сестра уехала на работу в Турцию и не выходит на связь месяц",
            "ky": "эжем Түркияга жумушка кетип, бир айдан бери байланышка чыкпай жатат",
        },
    ),
    RowCase(
        "sexual_exploitation",
        "high",
        {
            "ru": "меня заставляют работать в сауне и спать с клиентами",
            "ky": "кожоюн мени аны менен жатууга мажбурлап жатат",
        },
    ),
    RowCase(
        "forced_criminality",
        "high",
        {"ru": "заставляют возить наркотики", "ky": "мени баңгизат ташууга мажбурлап жатышат"},
    ),
    RowCase(
        "forced_labour",
        "high",
        {"ru": "забрали паспорт и не отпускают", "ky": "паспортумду алып, чыгарбай жатат"},
    ),
    RowCase(
        "domestic_violence",
        "high",
        {"ru": "муж избивает в съёмной квартире в москве", "ky": "күйөөм урат"},
    ),
    RowCase(
        "violence",
        "high",
        {"ru": "сосед угрожает что убьет меня", "ky": "кошунам мени коркутуп жүрөт"},
        # The real NLU names `violence` first but adds `domestic_violence` (ru) or
        # `forced_labour` (ky), which the response's precedence puts before it.
        injected=BOTH,
    ),
    RowCase(
        None,
        "high",
        {
            "ru": "работодатель следит за каждым моим шагом",
            "ky": "кожоюн ар бир кадамымды аңдып турат",
        },
        injected=BOTH,  # the real NLU names a situation, or no risk
    ),
    RowCase(
        "stranded",
        "concern",
        {
            "ru": "хочу вернуться домой денег нет на билет помогите",
            "ky": "үйгө кетким келет, билетке акча жок",
        },
    ),
    RowCase(
        "labour_rights",
        "concern",
        {"ru": "не платят зарплату 2 месяца", "ky": "айлыгымды бербей жатат"},
    ),
    RowCase(
        None,
        "concern",
        {"ru": "работаю по 12 часов без выходных", "ky": "күнүнө 12 сааттан дем алышсыз иштейм"},
        injected=BOTH,  # a concern from the real NLU always names its situation
    ),
)
PARAMS = [(case, language) for case in CASES for language in ("ru", "ky")]
IDS = [f"{case.id}-{language}" for case, language in PARAMS]


@dataclass
class RealUnderstanding:
    """The real NLU; for the texts of `injected`, its parse with the row's risk put in."""

    real: Understanding
    injected: dict[str, RiskAssessment]

    @property
    def counters(self) -> dict[str, int]:
        return self.real.counters

    async def parse(self, text: str, language_hint: Language | None = None) -> ParseResult:
        parsed = await self.real.parse(text, language_hint=language_hint)
        risk = self.injected.get(text)
        return parsed if risk is None else replace(parsed, risk=risk)


def injected_risks() -> dict[str, RiskAssessment]:
    return {case.texts[language]: case.risk() for case in CASES for language in case.injected}


def understanding_for_rows(real: Understanding) -> Any:
    return RealUnderstanding(real, injected_risks())


def escaped(text: str) -> str:
    return html.escape(text, quote=False)


def expected_chat(
    row: SafetyRow, language: Language, content: ContentStore, case_number: str
) -> list[str]:
    """What Telegram must show of the row, in this order (HTML-escaped fragments)."""
    said: list[str] = []
    for part in row.parts:
        match part:
            case Part.SUPPORT:
                said.append(translate(language, SUPPORT_SUICIDE))
            case Part.NUMBERS:
                said.append(translate(language, EMERGENCY_HEADER))
            case Part.HELP_LINES:
                said.append(translate(language, HELP_LINES_HEADER))
                said += [content.contacts[key].number for key in row.help_lines]
            case Part.STEPS | Part.OFFER:
                assert row.text is not None
                said.append(translate(language, row.text))
            case Part.CASE:
                msgid = EMERGENCY_NEXT if row.level == "emergency" else CASE_NEXT
                said.append(translate(language, msgid, case=case_number))
            case Part.STAY_SAFE:
                said.append(translate(language, STAY_SAFE))
            case Part.IF_WORSE:
                numbers = (("emergency_ru", "emergency_ru"), ("emergency_kz", "emergency_kz"))
                action = SayText(IF_DANGER_GROWS, contacts=numbers)
                said.append(say_text(language, action, content.contacts))
            case Part.ANSWER:
                assert row.answer is not None
                said.append(content.answer(language, row.answer).title)
    return [escaped(s) for s in said]


def in_order(haystack: str, needles: list[str]) -> str | None:
    """None when every needle is found in this order; else the first one missing."""
    at = 0
    for needle in needles:
        found = haystack.find(needle, at)
        if found < 0:
            return needle
        at = found + len(needle)
    return None


def other_rows_texts(row: SafetyRow, language: Language) -> list[str]:
    """The situation wording of every other row: none of it may be shown for this one."""
    own = {row.text}
    return [
        escaped(translate(language, other.text))
        for other in ROWS
        if other.text and other.text not in own
    ]
