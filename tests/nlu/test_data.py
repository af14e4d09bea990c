from __future__ import annotations

from pathlib import Path

from nlu.data import Example, load_examples


def test_reads_rasa_yaml_with_language_from_the_folder(tmp_path: Path) -> None:
    (tmp_path / "ky").mkdir()
    (tmp_path / "ru").mkdir()
    (tmp_path / "ky" / "a.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - саламатсызбы\n    - салам\n',
        encoding="utf-8",
    )
    (tmp_path / "ru" / "b.yml").write_text(
        'version: "3.1"\n'
        "nlu:\n"
        "- intent: registration_russia\n"
        "  examples: |\n"
        "    - регистрация в [Москве](city)\n"
        "- synonym: москва\n"
        "  examples: |\n"
        "    - мск\n",
        encoding="utf-8",
    )
    (tmp_path / "ru" / "broken.yml").write_text("nlu: [unclosed", encoding="utf-8")
    assert load_examples(tmp_path) == [
        Example("саламатсызбы", "greet", "ky"),
        Example("салам", "greet", "ky"),
        Example("регистрация в Москве", "registration_russia", "ru"),
    ]


def test_the_repository_data_uses_only_catalogue_intents() -> None:
    from nlu.catalogue import INTENTS

    examples = load_examples()
    assert {e.intent for e in examples} <= set(INTENTS)
