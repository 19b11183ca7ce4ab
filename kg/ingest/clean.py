"""Clean PDF-extracted newspaper text while keeping a map from every cleaned character to the source.

Repairs: full-width ASCII to half-width, lines broken inside a paragraph joined without a space, spaces between CJK
characters and digits removed, blank lines kept as paragraph breaks where the previous line ends a sentence.
"""

from __future__ import annotations

import re
from typing import Any

from kg.model import Document
from kg.pipeline import stage

SENTENCE_END = "。！？!?；;…⋯”」』）)"


def is_cjk(ch: str) -> bool:
    """Whether ``ch`` is a CJK ideograph or CJK punctuation (full-width forms included)."""
    code = ord(ch)
    return (
        0x3000 <= code <= 0x303F
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x2FA1F
        or ch in "“”‘’—…⋯·"
    )


def to_halfwidth(ch: str) -> str:
    """Full-width ASCII letters, digits and the ideographic space to their ASCII forms; other characters unchanged.

    Chinese punctuation (，。：；（）) is kept full-width: it is the normal form in Chinese text.
    """
    code = ord(ch)
    if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A or ch in "％．＋－／":
        return chr(code - 0xFEE0)
    if ch == "\u3000":
        return " "
    return ch


_LINE = re.compile(r"[^\n]*\n?")


def clean_text(source: str) -> tuple[str, list[int]]:
    """Return the cleaned text and, for each of its characters, the index of the source character it came from.

    The offset list has one extra entry, the source length, so that the end of a span maps as well.
    """
    chars: list[str] = []
    offsets: list[int] = []
    text = source.replace("\r\n", "\n").replace("\r", "\n") if "\r" in source else source
    # Keep offsets exact when \r\n was collapsed: rebuild the index map against the original.
    index_map = _crlf_map(source) if text is not source else None

    def emit(ch: str, at: int) -> None:
        chars.append(ch)
        offsets.append(index_map[at] if index_map else at)

    lines = [(m.start(), m.group()) for m in _LINE.finditer(text) if m.group()]
    widths = sorted(len(raw.strip()) for _, raw in lines if raw.strip())
    # PDF columns have a steady line width; a line much shorter than it ends a paragraph or is a headline.
    short = widths[len(widths) // 2] * 0.7 if widths else 0
    pending_break = False
    for start, raw in lines:
        body = raw.rstrip("\n")
        stripped = body.strip(" \t\u3000")
        if not stripped:
            if chars and chars[-1] in SENTENCE_END:
                pending_break = True
            continue
        lead = len(body) - len(body.lstrip(" \t\u3000"))
        if chars:
            if pending_break or _ends_paragraph(chars):
                if chars[-1] != "\n":
                    emit("\n", start - 1 if start else 0)
                pending_break = False
        if chars and chars[-1] != "\n" and stripped[0] in "■□●◆▲★":
            emit("\n", start)
        _emit_line(stripped, start + lead, emit, chars)
        if len(stripped) < short:
            pending_break = True
    offsets.append(len(source))
    return "".join(chars), offsets


def _ends_paragraph(chars: list[str]) -> bool:
    return False if not chars else chars[-1] == "\n"


def _emit_line(line: str, base: int, emit: Any, chars: list[str]) -> None:
    for i, raw in enumerate(line):
        ch = to_halfwidth(raw)
        if ch in " \t":
            prev = chars[-1] if chars else "\n"
            nxt = to_halfwidth(line[i + 1]) if i + 1 < len(line) else "\n"
            # A space next to a CJK character is a PDF artifact; between two Latin words it is real.
            if prev in " \n" or is_cjk(prev) or is_cjk(nxt) or nxt in " \t":
                continue
            ch = " "
        emit(ch, base + i)


def _crlf_map(source: str) -> list[int]:
    mapping = []
    i = 0
    while i < len(source):
        mapping.append(i)
        i += 2 if source.startswith("\r\n", i) else 1
    return mapping


@stage("ingest.clean.newspaper")
def clean(doc: Document, settings: Any = None) -> Document:
    """Clean a document's source text and record the offset map."""
    doc.clean, doc.source_offsets = clean_text(doc.source)
    return doc
