"""Fenced code blocks of a Markdown text: what the content checks must skip (one rule for all of them).

A fence opens with ``` or ~~~ (three or more, after optional indentation or a '>' quote) and closes with
a line of the same character, at least as long, and nothing after it.
"""
from __future__ import annotations

import re
from typing import Iterator

FENCE = re.compile(r"^[ \t>]*(`{3,}|~{3,})")


def lines(text: str, first_line: int = 1, keepends: bool = False) -> Iterator[tuple[int, str, bool]]:
    """(line number, line, in code) for every line; fence lines themselves count as code."""
    fence = None
    for n, line in enumerate(text.splitlines(keepends), first_line):
        m = FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line[m.end():].strip():
                fence = None
            yield n, line, True
        elif m:
            fence = m.group(1)
            yield n, line, True
        else:
            yield n, line, False
