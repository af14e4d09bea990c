"""Risk through the real understanding layer: the trained model over the phrase floor.

The wordings here were written by hand in the styles of the hotline, never copied from
the training data or the evaluation sets; each stands for a general pattern. A trained
model is judged on its share of each list, a little under the targets; the exact phrases
of `nlu/risk_phrases.yml` are guaranteed one by one (test_risk_floor.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from nlu.catalogue import SITUATIONS
from nlu.normalize import normalize
from nlu.pipeline import Understanding, build_understanding
from nlu.risk import accumulate_risk
from nlu.risk_context import CUE_NAMES, context_cues, cue_values
from nlu.risk_model import (
    HEADS,
    LEVEL_HEADS,
    STACK_FEATURES,
    STACKED_HEADS,
    RiskModel,
    read_risk_model,
    save_risk_model,
    stack_features,
)
from nlu.segments import risk_pieces
from nlu.types import RiskAssessment


@lru_cache(maxsize=1)
def _understanding() -> Understanding:
    return build_understanding("embedded")  # loads the cached models


def risk(text: str) -> RiskAssessment:
    return _understanding().parse_sync(text).risk


def share(texts: Sequence[str], good: Callable[[RiskAssessment], bool]) -> tuple[float, list[str]]:
    """The share of `texts` whose assessment is good, and the others (for the message)."""
    bad = [t for t in texts if not good(risk(t))]
    return 1 - len(bad) / len(texts), bad


REPORTS = [
    ("забрали паспорт и не отпускают", "retention_of_documents"),
    ("zabrali pasport ne otpuskayut", "retention_of_documents"),
    ("работодатель держит мой паспорт в сейфе и не отдает", "retention_of_documents"),
    (
        "Сколько дней на регистрацию? Работодатель забрал паспорт и не отдает.",
        "retention_of_documents",
    ),
    ("нас держат на складе выходить нельзя", "restriction_of_movement"),
    ("говорят что я должен за дорогу и не отпускают", "debt_bondage"),
    ("угрожают депортацией если пожалуюсь", "intimidation_threats"),
    ("телефоны забрали звонить домой не дают", "isolation"),
    ("обещали работу в кафе а привезли на ферму", "deception"),
    ("заставляют работать в сауне с клиентами, проституция", "physical_sexual_violence"),
    ("на рынке работают дети 13 лет", "abuse_of_vulnerability"),
    ("паспортумду алып коюшту", "retention_of_documents"),
    ("pasportumdu alyp koyushtu", "retention_of_documents"),
    ("кожоюн паспортторду алып калышкан", "retention_of_documents"),
    ("паспортту алып, чыгарбай жатат", "restriction_of_movement"),
    ("эч кайда кача албайсың дейт", "restriction_of_movement"),
    ("чыгымдарды төлө деп коё бербей жатат", "debt_bondage"),
    ("chygymdardy tolo dep koyo berbei jatat", "debt_bondage"),
    ("качсаң табам дейт", "intimidation_threats"),
    ("кул катары иштеп жатабыз", "abuse_of_vulnerability"),
    ("Каттоо канча турат? Анан кожоюн паспортумду алып бербей жатат.", "retention_of_documents"),
]

EMERGENCIES = [
    "меня бьют помогите",
    "menya byut pomogite",
    "нас заперли в подвале без еды и воды",
    "у друга кровь течет не останавливается",
    "хочу покончить с собой",
    "hochu pokonchit s soboy",
    "ребенка бьют прямо сейчас",
    "мени уруп жатат жардам бергиле",
    "meni urup jatat jardam bergile",
    "бизди камап коюшту тамак жок суу жок",
    "жашагым келбейт",
    "агам жыгылып калды, дем ала албай жатат",
    "спасите",
]

LABOUR_RIGHTS = [
    ("не платят зарплату 2 месяца", ("withholding_of_wages",)),
    ("айлыгымды бербей жатат", ("withholding_of_wages",)),
    ("работаю без договора", ()),
    ("работодатель забрал паспорт на один день", ("retention_of_documents",)),
]

QUESTIONS = [
    "какие признаки торговли людьми",
    "как понять что это торговля людьми",
    "я потерял паспорт",
    "украли паспорт в метро",
    "может ли работодатель забрать паспорт?",
    "Может ли работодатель забрать паспорт? Это уже признак торговли людьми?",
    "имеет ли право работодатель держать мой паспорт у себя",
    "как не попасть в рабство",
    "kak ne popast v rabstvo",
    "что делать, если не платят",
    "если забирают документы это торговля людьми",
    "посоветуйте фильм про рабство",
    "паспортумду жоготуп алдым",
    "адам сатуунун белгилери",
    "паспортту кожоюнга берсе болобу",
    "кожоюн телефонумду тартып алууга укуктуубу",
    "сколько дней на регистрацию",
    "где хранить паспорт",
    "долго жду регистрацию, паспорт у меня",
    "патент керекпи",
    "здравствуйте",
]

OTHER_REPORTS = [
    "хозяйка собрала у нас паспорта и спрятала",
    "работодатель взял мой паспорт якобы для регистрации и пропал",
    "хозяин не хочет отдавать документы",
    "паспорт отдадут только когда отработаю сезон",
    "дочь устроилась в кафе, хозяин оставил её паспорт себе",
    "бригадир баарыбыздын паспортторубузду чогултуп алды",
    "паспортторду тапшырдык, кайра беришпей жатат",
    "кызымдын паспортун кафенин ээси өзүнө калтырды",
    "кожоюн айтты кетсең паспортуңду көрбөйсүң",
    "паспортум теплицанын ээсинде, консулдук эсепке кантип турсам болот?",
    "мы не можем покинуть ферму, хозяин не разрешает",
    "уволиться не дают, говорят отработай до конца года",
    "ворота на замке, выйти можно только в магазин с охраной",
    "жатаканадан кожоюнсуз чыкканга болбойт",
    "бригадир бизди подвалга камады",
    "бригадир сказал, что убьет, если кому-то расскажу",
    "hozyain skazal chto esli pojaluyus to vsyu semyu najdet",
    "работодатель сказал, если не буду работать ночью, позвонит в миграционную",
    "кетсең полицияга тапшырам дейт",
    "туугандарга чалууга тыюу салышты",
    "обещали работу продавцом, а заставили работать на стройке",
    "иш жеңил дешкен, келсек күнүнө 16 саат кирпич заводунда",
    "уже год работаю бесплатно, говорят что я им ещё должен",
    "хочу уйти, но мне говорят сначала верни деньги за билет и квартиру",
    "меня заставили подписать бумагу что я должна 400 тысяч",
    "хозяин поднимает на нас руку",
    "кожоюн бизге кол көтөрөт",
    "девушек из нашего села возят по саунам, одна из них моя сестра",
    "уулум 13тө, кожоюндун дүкөнүндө иштеп жатат",
]

OTHER_EMERGENCIES = [
    "хочу умереть, больше не могу",
    "я выпил много таблеток",
    "ал мени муунтуп жатат жардам",
    "нас грузят в фуру ночью, везут неизвестно куда, мы не хотим",
    "кечээтен бери температура 40, жатаканада жалгыз жатам",
    "жашынып турам табышса өлтүрөт",
]

HARMLESS = [
    "паспорт готов, когда можно забрать",
    "где держать паспорт чтобы не потерять",
    "хочу забрать трудовую книжку при увольнении",
    "паспорт на продлении в консульстве, когда заберу?",
    "у меня долг по налогам, пустят ли в Россию",
    "мен карызга акча алдым досумдан",
    "кожоюн паспорттун көчүрмөсүн алып калды, бул туурабы",
    "друг говорит надо купить патент иначе депортируют правда",
    "эгер мени жумушта камап коюшса кайда чалам?",
    "иш берүүчү депортация менен коркутса кайда чалыш керек?",
    "я раньше работал на ферме где паспорта забирали, сейчас всё хорошо, я дома",
    "Моего земляка в новостях показали, его избили полицейские на рынке",
]


def test_reports_of_exploitation_are_high() -> None:
    texts = [t for t, _ in REPORTS] + OTHER_REPORTS
    rate, missed = share(texts, lambda r: r.is_at_least("high"))
    assert rate >= 0.9, missed


def test_reports_mostly_name_their_indicator() -> None:
    named = [indicator in risk(text).indicators for text, indicator in REPORTS]
    assert sum(named) / len(named) >= 0.6


def test_immediate_danger_is_an_emergency() -> None:
    texts = EMERGENCIES + OTHER_EMERGENCIES
    rate, missed = share(texts, lambda r: r.level == "emergency")
    assert rate >= 0.8, missed
    rate, missed = share(texts, lambda r: r.is_at_least("high"))
    assert rate >= 0.9, missed


def test_labour_rights_problems_alone_are_a_concern_not_an_alarm() -> None:
    texts = [t for t, _ in LABOUR_RIGHTS]
    assert share(texts, lambda r: not r.is_at_least("high"))[0] >= 0.75
    concerns = [risk(t) for t in texts if risk(t).level == "concern"]
    assert all("labour_rights" in r.situations for r in concerns)


def test_questions_and_harmless_messages_are_mostly_not_alarms() -> None:
    rate, alarms = share(QUESTIONS + HARMLESS, lambda r: not r.is_at_least("high"))
    assert rate >= 0.85, alarms


def test_accumulation_keeps_the_worst_level_and_all_indicators() -> None:
    turns = [
        RiskAssessment("high", ("retention_of_documents",)),
        RiskAssessment("none", ()),
        RiskAssessment("concern", ("withholding_of_wages",)),
    ]
    total = accumulate_risk(turns)
    assert total.level == "high"
    assert total.indicators == ("retention_of_documents", "withholding_of_wages")


def test_several_indicators_across_turns_raise_concern_to_high() -> None:
    turns = [
        RiskAssessment("concern", ("withholding_of_wages",)),
        RiskAssessment("none", ()),
        RiskAssessment("concern", ("excessive_overtime",)),
    ]
    assert accumulate_risk(turns).level == "high"


def test_one_turn_with_two_labour_indicators_stays_a_concern() -> None:
    # The shared labelling: long shifts with unpaid overtime, said once, are a concern.
    turn = RiskAssessment("concern", ("withholding_of_wages", "excessive_overtime"))
    assert accumulate_risk([turn]).level == "concern"
    assert accumulate_risk([turn, RiskAssessment()]).level == "concern"


def test_accumulation_never_lowers_and_handles_nothing() -> None:
    assert accumulate_risk([]) == RiskAssessment()
    turns = [RiskAssessment("emergency", ()), RiskAssessment("none", ())]
    assert accumulate_risk(turns).level == "emergency"


def test_the_pipeline_keeps_questions_about_risk_quiet(understanding: Understanding) -> None:
    # "если бы меня заперли" asks; "нас заперли" reports: the model learnt the difference.
    question = understanding.parse_sync("а если бы меня заперли на работе, куда звонить?")
    assert not question.risk.is_at_least("high")
    assert understanding.parse_sync("нас заперли на складе, помогите").risk.level == "emergency"


def _model_with(situation_thresholds: float) -> RiskModel:
    """A tiny model whose decisions depend only on the probabilities handed to `decide`."""
    heads = len(HEADS)
    thresholds = np.full(heads, 0.5, dtype=np.float32)
    thresholds[-len(SITUATIONS) :] = situation_thresholds
    return RiskModel(
        {"a": 0},
        np.ones(1, dtype=np.float32),
        np.zeros((1, heads), dtype=np.float32),
        np.zeros(heads, dtype=np.float32),
        HEADS,
        thresholds,
        {"piece_margin": 2.0},
    )


def _probabilities(high: float, **situations: float) -> npt.NDArray[np.float32]:
    probabilities = np.zeros(len(HEADS), dtype=np.float32)
    probabilities[:2] = high
    for name, value in situations.items():
        probabilities[HEADS.index(f"situation:{name}")] = value
    return probabilities


def test_the_most_likely_situation_is_named_and_a_second_only_when_sure() -> None:
    model = _model_with(0.95)
    # Below its strict threshold, the runner-up is not named, even though it is "likely".
    read = model.decide(_probabilities(0.9, domestic_violence=0.9, forced_labour=0.8))
    assert read.situations == ("domestic_violence",)
    # Sure enough: named second, after the most likely.
    read = model.decide(_probabilities(0.9, child_at_risk=0.99, missing_person=0.97))
    assert read.situations == ("child_at_risk", "missing_person")
    # The most likely is named even when no head passes its threshold.
    read = model.decide(_probabilities(0.9, violence=0.4, forced_labour=0.3))
    assert read.situations == ("violence",)
    assert model.decide(_probabilities(0.1, violence=0.99)).situations == ()


def test_situations_come_from_the_whole_message_and_indicators_from_its_pieces() -> None:
    """A piece counts for the indicators (less the margin), never for the situations."""
    model = _understanding().risk_model
    text = normalize("Сколько стоит патент? Муж бьёт меня каждый день и забрал паспорт").folded
    probabilities, _ = model.message_probabilities(text)
    whole = model.head_probabilities(text)
    first = len(HEADS) - len(SITUATIONS)
    levels = len(LEVEL_HEADS)
    assert np.allclose(probabilities[first:], whole[first:], atol=1e-6)
    assert (probabilities[levels:first] >= whole[levels:first] - 1e-6).all()
    assert model.meta["piece_margin"] == 2.0


def test_the_second_stage_decides_the_level_from_whole_pieces_and_context() -> None:
    """The cached model carries its second stage, and the level heads are its output."""
    model = _understanding().risk_model
    assert model.stack.shape == (len(STACK_FEATURES) + 1, STACKED_HEADS)
    text = normalize("Сколько стоит патент? Муж бьёт меня каждый день и забрал паспорт").folded
    _, whole, pieces, _, flag = model.first_stage(text)
    assert flag.startswith("муж бет")  # the most alarming piece (folded: ь dropped)
    features = stack_features(whole[: len(LEVEL_HEADS)], pieces, text, flag=flag)
    expected = 1 / (1 + np.exp(-(features @ model.stack[:-1] + model.stack[-1])))
    probabilities, _ = model.message_probabilities(text)
    assert np.allclose(probabilities[:STACKED_HEADS], expected, atol=1e-5)
    assert len(pieces) >= 2  # the question and the report at least


def test_the_second_stage_sees_which_side_of_the_flag_the_context_stands() -> None:
    """A past story before the flag and its end after the flag are different inputs."""
    earlier = normalize("В прошлом году всё было честно. Сейчас бригадир забрал паспорт").folded
    ended = normalize("Бригадир забрал паспорт. Потом отдал, сейчас всё хорошо").folded
    whole = np.zeros(len(LEVEL_HEADS), dtype=np.float32)
    pieces = np.array([[0.0, 4.0, 0.0], [0.0, -3.0, 0.0]], dtype=np.float32)

    def named(folded: str, flag: str) -> dict[str, float]:
        values = stack_features(whole, pieces, folded, flag=flag)
        return dict(zip(STACK_FEATURES, values.tolist(), strict=True))

    before = named(earlier, "сеичас бригадир забрал паспорт")
    assert before["before_cue:past*pieces_max:high"] == 4.0
    assert before["after_cue:past*pieces_max:high"] == 0.0
    after = named(ended, "бригадир забрал паспорт")
    assert after["after_cue:resolved*pieces_max:high"] == 4.0
    assert after["before_cue:resolved*pieces_max:high"] == 0.0
    # The whole message as its own flag has nothing around it.
    alone = named(earlier, earlier)
    assert not any(v for k, v in alone.items() if k.startswith(("before_cue", "after_cue")))


def test_the_cues_of_a_part_are_the_same_when_bounded_by_the_whole() -> None:
    """`cue_values(part, whole)` skips the searches the whole rules out, and only those."""
    text = normalize(
        "Раньше работал в кафе, всё было хорошо. Если честно, сейчас хозяин держит паспорт? "
        "Мурун жакшы эле, азыр жардам керек"
    ).folded
    whole = cue_values(text)
    for piece in risk_pieces(text):
        start = text.find(piece)
        for part in (piece, text[:start].strip(), text[start + len(piece) :].strip()):
            assert cue_values(part, whole) == cue_values(part), part
    assert cue_values("говорят если", [0.0] * len(CUE_NAMES))[0:5] == [0.0] * 5


def test_context_cues_are_found_in_both_languages_and_latin() -> None:
    def cues(text: str) -> set[str]:
        values = context_cues(normalize(text).folded)
        return {name for name, value in zip(CUE_NAMES, values, strict=True) if value}

    assert {"past", "resolved"} <= cues("В прошлом году забрали паспорт, сейчас всё хорошо")
    assert {"past", "resolved"} <= cues("Былтыр паспортту алышкан, азыр баары жакшы")
    assert "hypothetical" in cues("А если хозяин не отдаст паспорт?")
    assert "hypothetical" in cues("eger kojoyun pasportty berbese emne kylam")
    assert "others" in cues("Говорят, на заводе отбирают паспорта")
    assert "others" in cues("Досум айтып берди, ал жакта паспортту алышат дешет")
    assert "law" in cues("Мыйзам боюнча иш берүүчү паспортту алганга укугу барбы?")
    assert "now" in cues("помогите, нас заперли")
    assert cues("") == set()


def test_the_second_stage_survives_the_cache(tmp_path: Path) -> None:
    model = _understanding().risk_model
    save_risk_model(model, tmp_path / "risk.npz")
    again = read_risk_model(tmp_path / "risk.npz")
    assert np.array_equal(again.stack, model.stack) and len(again.stack)
    text = normalize("В прошлом году бригадир забрал паспорт, сейчас всё хорошо").folded
    assert np.allclose(again.message_probabilities(text)[0], model.message_probabilities(text)[0])
