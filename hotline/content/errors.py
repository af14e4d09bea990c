"""Errors raised when content cannot be used."""

from __future__ import annotations


class ContentError(Exception):
    """Content files are broken; `problems` lists each one for an editor to fix."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class AnswerNotFound(KeyError):
    """No answer file for this language and intent."""
