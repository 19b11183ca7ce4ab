"""Read text files in parts, so memory stays bounded by the part size rather than the file size.

Every plain-text file is decoded incrementally and cut into parts of about ``PART_CHARS`` characters (a file shorter
than that is one part, its whole text). A cut goes where an article starts (a dateline such as 本报北京1月1日电),
failing that at a blank line, failing that at a line end, and only for a line longer than twice the part size inside
the line (after a sentence end when there is one). Each part is then cleaned, segmented and extracted as a document of
its own (a task of its own for the build's workers: see :mod:`kg.run`), and only its extractions are kept.
"""

from __future__ import annotations

import codecs
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError
from kg.ingest.read import check_text, detect_encoding
from kg.model import display_path

PART_CHARS = 500_000
_BLOCK = 1 << 16
# The start of an article in a plain-text news archive: an agency or paper dateline at the start of a line.
ARTICLE_START = re.compile(
    r"^(?:本报|新华社|中新社|人民日报)[\u4e00-\u9fff]{0,8}\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:电|讯)"
)
_SENTENCE_END = "。！？!?；"


def file_encoding(path: Path) -> str:
    """The encoding of a text file, judged from its first 64 KiB (:func:`kg.ingest.read.detect_encoding`);
    :class:`InputError` for a binary or empty file."""
    name = display_path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(_BLOCK + 1)
    except OSError as error:
        raise InputError(f"{name}: cannot read ({error.strerror or error})") from None
    if not head.strip():
        raise InputError(f"{name}: the file is empty")
    complete = len(head) <= _BLOCK
    head = head[:_BLOCK]
    encoding = detect_encoding(head, name, complete)
    # the reader's own checks on the head (binary, empty); final=False accepts a character cut at the sample's end
    check_text(codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=complete), name)
    return encoding


def iter_parts(path: Path, part_chars: int = PART_CHARS) -> Iterator[str]:
    """The text of ``path`` in consecutive parts of about ``part_chars`` characters, cut between articles."""
    encoding = file_encoding(path)
    pending: list[str] = []  # whole lines of the part being built
    size = 0
    for line in _lines(path, encoding, part_chars):
        boundary = size > 0 and (
            size + len(line) > part_chars * 2
            or (
                size >= part_chars
                and (ARTICLE_START.match(line) is not None or (size >= part_chars * 3 // 2 and not line.strip()))
            )
        )
        if boundary:
            yield "".join(pending)
            pending, size = [], 0
        pending.append(line)
        size += len(line)
    if pending:
        yield "".join(pending)


def _lines(path: Path, encoding: str, part_chars: int) -> Iterator[str]:
    """Lines of the file with their line ends; a line longer than twice ``part_chars`` comes in pieces."""
    limit = part_chars * 2
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    buffer = ""
    consumed = 0
    try:
        with path.open("rb") as handle:
            # A None after the last block flushes the decoder (final=True).
            for block in itertools.chain(iter(lambda: handle.read(_BLOCK), b""), [None]):
                buffer += decoder.decode(block, final=False) if block is not None else decoder.decode(b"", final=True)
                consumed += len(block or b"")
                *lines, buffer = buffer.split("\n")
                yield from (line + "\n" for line in lines)
                while len(buffer) > limit:
                    cut = max(buffer.rfind(mark, 0, limit) for mark in _SENTENCE_END) + 1 or limit
                    yield buffer[:cut]
                    buffer = buffer[cut:]
    except UnicodeDecodeError:
        raise InputError(f"{path}: not valid {encoding} text (in the 64 KiB before byte {consumed})") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    if buffer:
        yield buffer
