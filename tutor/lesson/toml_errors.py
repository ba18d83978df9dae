"""A TOML syntax error said where it is: tomllib reports where it noticed the problem, which
for a bracket or a multi-line string left open is lines after where it was opened."""

from __future__ import annotations

import re
import tomllib

_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)|\(at end of document\)")


def toml_problem(text: str, error: tomllib.TOMLDecodeError) -> str:
    """tomllib's sentence with "noticed at line 7, column 1", and where the bracket or
    string still open there was opened, when that is an earlier line."""
    message = str(error)
    found = _WHERE.search(message)
    if found is None:
        return message
    if found.group(1):
        line, column = int(found.group(1)), int(found.group(2))
        noticed = f"(noticed at line {line}, column {column})"
    else:
        lines = text.split("\n")
        line, column = len(lines), len(lines[-1]) + 1
        noticed = "(noticed at the end of the file)"
    opened = _open_at(text, line, column)
    if opened is not None and opened[1] < line:
        what, at = opened
        noticed += f"; the {what} opened at line {at} is not closed"
    return message[:found.start()] + noticed + message[found.end():]


def _open_at(text: str, line: int, column: int) -> tuple[str, int] | None:
    """What is still open just before (line, column): ("[", line) for the innermost bracket,
    or ('\"\"\"', line) for a multi-line string; None when nothing is."""
    opened: list[tuple[str, int]] = []
    string: tuple[str, int] | None = None  # the open string's quotes and line
    i, here, col = 0, 1, 1
    while i < len(text) and (here, col) < (line, column):
        c = text[i]
        step = 1
        if string is not None:
            quote = string[0]
            if text.startswith(quote, i):
                string, step = None, len(quote)
            elif c == "\\" and quote in ('"', '"""'):
                step = 2
            elif c == "\n" and len(quote) == 1:
                string = None  # a one-line string ends at the line's end (tomllib says so there)
        elif c == "#":
            end = text.find("\n", i)
            step = (end if end >= 0 else len(text)) - i
        elif text.startswith('"""', i) or text.startswith("'''", i):
            string, step = (text[i:i + 3], here), 3
        elif c in "\"'":
            string = (c, here)
        elif c in "[{":
            opened.append((c, here))
        elif c in "]}" and opened:
            opened.pop()
        for ch in text[i:i + step]:
            here, col = (here + 1, 1) if ch == "\n" else (here, col + 1)
        i += step
    if string is not None and len(string[0]) == 3:
        return string
    return opened[-1] if opened else None
