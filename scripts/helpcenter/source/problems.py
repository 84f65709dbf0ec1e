"""A problem found in the content, reported with its file, line and what to do."""
from __future__ import annotations

from dataclasses import dataclass

LANG_NAMES = {"fr": "French", "en": "English"}     # a language as the problem messages name it


@dataclass(frozen=True, order=True)
class Problem:
    file: str            # path as the writer knows it, e.g. docs/fr/settings/x.md
    line: int | None     # 1-based line in that file, when known
    message: str         # what is wrong
    hint: str = ""       # what to do about it

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.message}"
        return f"{text} (fix: {self.hint})" if self.hint else text


class ContentError(Exception):
    """Raised with every problem found, so that one run reports them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.message))
        lines = [f"{len(self.problems)} content problem(s):"] + [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))
