"""Cutting text into the short pieces taggers work on, keeping every piece's offset."""

from __future__ import annotations

CLAUSE_ENDS = "。！？；，"


def pieces(text: str, limit: int) -> list[tuple[int, str]]:
    """(offset, piece) cuts of ``text``: at line breaks, long lines at the last clause end within ``limit``
    characters (or at ``limit`` when there is none). Blank pieces are left out; offsets index ``text``."""
    cuts = []
    line_start = 0
    for line in text.split("\n"):
        start = 0
        while start < len(line):
            end = min(len(line), start + limit)
            if end < len(line):
                cut = max(line.rfind(mark, start, end) for mark in CLAUSE_ENDS)
                if cut > start:
                    end = cut + 1
            if line[start:end].strip():
                cuts.append((line_start + start, line[start:end]))
            start = end
        line_start += len(line) + 1
    return cuts
