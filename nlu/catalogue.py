"""The fixed intent names and risk levels of shared/domain/INTENTS.md."""

from __future__ import annotations

from typing import Final, Literal, get_args

Language = Literal["ky", "ru"]
LANGUAGES: Final[tuple[Language, ...]] = get_args(Language)

RiskLevel = Literal["none", "concern", "high", "emergency"]
RISK_LEVELS: Final[tuple[RiskLevel, ...]] = get_args(RiskLevel)

INTENTS: Final[tuple[str, ...]] = (
    "work_permit",
    "employment_contract",
    "wages_unpaid",
    "stay_duration",
    "medical_care",
    "pension",
    "children_education",
    "diploma_recognition",
    "medical_exam_fingerprinting",
    "registration_russia",
    "registration_kazakhstan",
    "consular_registration",
    "entry_ban",
    "lost_documents",
    "trafficking_signs",
    "job_offer_check",
    "report_exploitation",
    "emergency",
    "contacts",
    "ask_operator",
    "greet",
    "thanks_goodbye",
    "change_language",
    "out_of_scope",
    # Added in the second wave.
    "deportation",
    "police_stop",
    "return_home",
    "controlled_persons_register",
    "taxes",
    "remittances",
    "work_outside_eaeu",
    "violence_support",
    "family_documents",
    "workplace_injury",
)

# The ILO's eleven indicators of forced labour, in the order the ILO lists them.
INDICATORS: Final[tuple[str, ...]] = (
    "abuse_of_vulnerability",
    "deception",
    "restriction_of_movement",
    "isolation",
    "physical_sexual_violence",
    "intimidation_threats",
    "retention_of_documents",
    "withholding_of_wages",
    "debt_bondage",
    "abusive_conditions",
    "excessive_overtime",
)


# The intents INTENTS.md added in the second wave (the ten after out_of_scope).
SECOND_WAVE_INTENTS: Final[tuple[str, ...]] = INTENTS[INTENTS.index("out_of_scope") + 1 :]

# The situations of shared/domain/INTENTS.md: what the person lives through, so that an
# answer names it rightly (domestic violence is never called forced labour).
SITUATIONS: Final[tuple[str, ...]] = (
    "forced_labour",
    "sexual_exploitation",
    "forced_criminality",
    "child_at_risk",
    "domestic_violence",
    "violence",
    "suicide_risk",
    "medical_emergency",
    "missing_person",
    "stranded",
    "labour_rights",
)


def risk_rank(level: RiskLevel) -> int:
    """Order risk levels so that max() picks the most serious."""
    return RISK_LEVELS.index(level)
