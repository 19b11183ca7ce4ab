"""Read input files into :class:`~kg.model.Document` objects.

The encoding of a text file is detected from its bytes (UTF-8 with or without BOM, GB18030/GBK, UTF-16), never guessed
from its name. Binary and empty files are refused with an error that names the file.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from kg.errors import InputError
from kg.model import Document, text_hash
from kg.pipeline import stage

TEXT_SUFFIXES = {".txt", ".text", ""}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES


def decode_text(data: bytes, name: str) -> str:
    """Decode the bytes of a text file, detecting its encoding; raise :class:`InputError` for binary data."""
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _decode_detected(data, name)
    if _looks_binary(text):
        raise InputError(f"{name}: looks like a binary file, not text")
    return text


def _decode_detected(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{name}: looks like a binary file, not text")
    # GB18030 is a superset of GBK and GB2312 and the usual encoding of Chinese text that is not UTF-8.
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{name}: cannot detect the text encoding (not UTF-8 or GB18030; binary?)")
    return str(best)


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return control / len(sample) > 0.05 or "\x00" in sample


@stage("ingest.read.expand")
def expand(inputs: Iterable[str | Path]) -> list[Path]:
    """Expand files, directories (recursively, supported types only) and glob patterns into a sorted file list."""
    paths: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            found = [p for p in found if not any(part.startswith(".") for part in p.relative_to(path).parts)]
            if not found:
                raise InputError(f"{path}: the directory holds no text files")
            paths.extend(found)
        elif path.is_file():
            paths.append(path)
        elif any(ch in str(item) for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(str(item), recursive=True) if Path(p).is_file())
            if not matches:
                raise InputError(f"{item}: the pattern matches no file")
            paths.extend(matches)
        else:
            raise InputError(f"{path}: no such file or directory")
    return paths


@stage("ingest.read.auto")
def read(path: Path, settings: Any = None) -> Document:
    """Read one file into a Document, choosing the reader by its content."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InputError(f"{path}: unsupported file type {path.suffix!r} (supported: .txt)")
    text = decode_text(data, str(path))
    return Document(id=text_hash(text), path=str(path), source=text)


def read_text(text: str, name: str = "<stdin>") -> Document:
    """Wrap text that is already in memory (standard input, one line of a file) as a Document."""
    return Document(id=text_hash(text), path=name, source=text)
