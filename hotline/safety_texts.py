"""The words of the safety response (`hotline.safety_response`): gettext msgids, one per part.

Each text names a situation only where it is that situation ("a sign of forced labour" is
said for forced labour alone). No text carries a phone number: the emergency list above
them, or a %(...)s parameter filled in from content/contacts.yml, gives it. A text that
mentions the police also says that a person afraid of the police can write «оператор» here.
The phone says the short prompts of ivr.yml instead (`safety_*`, `crisis_line`).
"""

from __future__ import annotations

from typing import Final

from hotline.i18n import N_

# suicide_risk: before anything else, even the numbers.
SUPPORT_SUICIDE: Final = N_(
    "Thank you for writing to me. You are not alone, and what you feel matters. Below are "
    "numbers where people will help you now, and I am calling an operator of Hotline 189."
)
HELP_LINES_HEADER: Final = N_("You can also call a helpline and talk to someone:")

# emergency: two or three steps, after the emergency numbers.
STEPS_SUICIDE: Final = N_(
    "If you can, do not stay alone right now: be with someone you trust, or where there are "
    "people. Put away anything you could hurt yourself with. Keep writing to me here."
)
STEPS_MEDICAL: Final = N_(
    "Call an ambulance on the emergency number and say where you are. Emergency medical care "
    "is free for workers from EAEU countries, even without a medical policy. If you can, ask "
    "people nearby to help you."
)
STEPS_CHILD: Final = N_(
    "Call the emergency number or the police now (the numbers are above) and tell them: the "
    "child's name and age, what the child looks like and is wearing, where and when the child "
    "was last seen, and with whom. Keep a photo ready if you have one. If you are afraid of "
    'the police, write "operator" here: Hotline 189 will help you choose a safe way.'
)
STEPS_MISSING: Final = N_(
    "If you think the person was taken or is in danger, call the emergency number or the "
    "police (the numbers are above) and tell them: the person's name and age, the city, their "
    "address or workplace, their phone number, and when and where they were last in touch. "
    "Write the same here: an operator of Hotline 189 will help even if you are afraid of the "
    "police."
)
STEPS_HELD_NOW: Final = N_(
    "If you are locked in or being hurt right now, call the emergency number. If you can, get "
    "to a place with people around. Do not tell the people holding you that you asked for help."
)
STEPS_SEXUAL_NOW: Final = N_(
    "If you are being hurt or held right now, call the emergency number. If you can, get to a "
    "place with people around. After sexual violence, see a doctor as soon as you can: some "
    "medicines help only if they are started within 72 hours."
)
STEPS_DOMESTIC_NOW: Final = N_(
    "If you can, leave now for a place with people: neighbours, a shop, a pharmacy. If you "
    "cannot leave, lock yourself in a room with your phone. Call the emergency number as soon "
    "as you can."
)
STEPS_VIOLENCE_NOW: Final = N_(
    "If you can, get away to a safe place with people around. If you are hurt, call an "
    "ambulance on the emergency number: emergency care is free for workers from EAEU "
    "countries. Do not go back there alone."
)
STEPS_DANGER_NOW: Final = N_(
    "If you can, get to a safe place with people around. When it is safe, write to me what is "
    "happening and where you are."
)

# high: the safety essentials of the situation, naming it where it is that situation.
ESSENTIALS_FORCED_LABOUR: Final = N_(
    "What you describe may be a sign of forced labour. It is not your fault, and help does not "
    "depend on your papers. Do not tell the people holding you that you asked for help, do not "
    "argue with them, and do not sign papers you do not understand."
)
ESSENTIALS_SEXUAL: Final = N_(
    "Being forced into sex, or sexually abused by an employer or a recruiter, is a sign of "
    "sexual exploitation. It is not your fault, and help does not depend on your papers. Do "
    "not tell the people who control you that you asked for help. After sexual violence, see a "
    "doctor as soon as you can."
)
ESSENTIALS_CRIMINALITY: Final = N_(
    "Being made to carry drugs, steal or beg under pressure is a sign of forced criminality, a "
    "form of human trafficking. It is not your fault. Do not tell the people who control you "
    "that you asked for help. When it is safe, write to the operator what you are made to do "
    "and where."
)
ESSENTIALS_DOMESTIC: Final = N_(
    "Violence or threats from a husband, a partner or a relative are not your fault, and you "
    "can get help even without papers. Agree on a code word with someone you trust. Keep your "
    "passport or a copy, some money and important numbers where the abuser cannot find them. "
    "If it starts again, leave for a place with people."
)
ESSENTIALS_VIOLENCE: Final = N_(
    "An attack on you, or threats, are not your fault. Stay where there are people, and tell "
    "someone you trust where you are. If you are hurt, see a doctor: emergency care is free "
    "for workers from EAEU countries. When it is safe, write to the operator what happened and "
    "who threatens you."
)
ESSENTIALS_DANGER: Final = N_(
    "What you describe may put you in danger. It is not your fault, and help does not depend "
    "on your papers. When it is safe to write, tell the operator what is happening and where "
    "you are."
)

# high: what happens next (the case), how to stay safe meanwhile, help at once.
CASE_NEXT: Final = N_(
    "I have passed your conversation to Hotline 189 (case %(case)s). An operator will write to "
    "you here, in this chat. Until an operator takes up your case, I keep answering your "
    "questions; those answers are marked as automatic."
)
STAY_SAFE: Final = N_(
    "While you wait: if someone may check your phone, turn off notifications for this chat and "
    "delete the messages after reading them. /forget erases this conversation (your request to "
    "the operator is then closed too; you can write again at any time)."
)
IF_DANGER_GROWS: Final = N_(
    "If the danger grows, call %(emergency_ru)s in Russia or %(emergency_kz)s in Kazakhstan at "
    'once. If you are afraid of the police, write "operator" here: Hotline 189 will help you '
    "choose a safe way."
)

# concern: after the answer, the offer of an operator.
CONCERN_STRANDED: Final = N_(
    "Being left without money, a place to stay or a way home is hard, and you are not alone. "
    "An operator of Hotline 189 can tell you where to turn for help with getting home. If you "
    'want that, press the button or write "operator".'
)
CONCERN_LABOUR_RIGHTS: Final = N_(
    "Unpaid wages, work without a contract or an unfair dismissal are problems with your rights "
    "as a worker, and they can become serious. An operator of Hotline 189 can help you decide "
    'what to do. If you want that, press the button or write "operator".'
)
CONCERN: Final = N_(
    "This can become serious. If you want, an operator of Hotline 189 will help you."
)

# While a case is open and nobody has taken it: the label on each automatic answer.
AUTOMATIC_ANSWER: Final = N_("Automatic answer")
