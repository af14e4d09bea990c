"""What the scripted NLU understands in bot tests (the real NLU has its own tests)."""

from tests.hotline.fakes import Scripted

SCRIPT = {
    "Здравствуйте": Scripted("greet", language="ru"),
    "Саламатсызбы": Scripted("greet", language="ky"),
    "Сколько дней на регистрацию?": Scripted("registration_russia", language="ru"),
    "Каттоого канча күн бар?": Scripted("registration_russia", language="ky"),
    "Забрали паспорт и не отпускают": Scripted(
        "report_exploitation",
        language="ru",
        level="high",
        indicators=("retention_of_documents", "restriction_of_movement"),
    ),
    "Мени уруп жатат, жардам бергиле": Scripted(
        "emergency", language="ky", level="emergency", indicators=("physical_sexual_violence",)
    ),
    "<b>ok</b>": Scripted("thanks_goodbye", 0.6, clear=False),
    "Консульство в Екатеринбурге, номер?": Scripted("contacts", language="ru"),
}
