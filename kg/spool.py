"""Spools: files that hold a run of pickled objects (documents and article extractions) written and read one at a time.

A spool is what lets a build keep its articles on disk instead of in memory: the incremental cache stores each input
file's extractions as a spool, and every build (see :func:`kg.api.build`) passes articles from extraction to
resolution and from resolution to RDF through spools, holding one article at a time.

Layout: a magic line, the pickled objects one after another, then a trailer of two counts (articles, characters) and
the SHA-256 of everything before the digest. The file is written under a temporary name and renamed when complete, so
a spool is either whole or absent; the digest catches damage after the fact (a disk error, a truncated copy), and a
damaged spool is refused before any object is read from it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from kg.errors import KGError, OutputError

MAGIC = b"kg-spool 1\n"
_COUNTS = struct.Struct(">QQ")
_DIGEST = 32
_TRAILER = _COUNTS.size + _DIGEST
_BLOCK = 1 << 20


class SpoolError(KGError):
    """A spool that is not one, or is damaged."""


class SpoolWriter:
    """Writes one spool atomically: ``write`` each object, then ``commit`` (or leave the ``with`` block normally).

    ``articles`` and ``characters`` are counts the caller keeps up to date; they go into the trailer, where
    :func:`spool_counts` reads them without unpickling anything.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        except OSError as error:
            raise self._error(error) from None
        self._handle = os.fdopen(fd, "wb")
        self._digest = hashlib.sha256()
        self.articles = 0
        self.characters = 0
        self._put(MAGIC)

    def _error(self, error: OSError) -> OutputError:
        """The error to raise when the disk refuses the spool (full, read-only): a build error, not a traceback."""
        return OutputError(f"{self.path}: cannot write ({error.strerror or error})")

    def _put(self, data: bytes) -> None:
        try:
            self._handle.write(data)
        except OSError as error:
            self.abort()
            raise self._error(error) from None
        self._digest.update(data)

    def write(self, item: object) -> None:
        """Append one object."""
        self._put(pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))

    def extend(self, other: Path) -> None:
        """Append every object of the spool ``other`` (checked first) and add its counts, copying its bytes."""
        articles, characters = check_spool(other)
        left = os.path.getsize(other) - len(MAGIC) - _TRAILER
        with open(other, "rb") as handle:
            handle.seek(len(MAGIC))
            while left > 0:
                block = handle.read(min(_BLOCK, left))
                self._put(block)
                left -= len(block)
        self.articles += articles
        self.characters += characters

    def commit(self) -> Path:
        """Write the trailer and move the spool into place; returns its path."""
        self._put(_COUNTS.pack(self.articles, self.characters))
        try:
            self._handle.write(self._digest.digest())
            self._handle.close()
            os.replace(self._tmp, self.path)
        except OSError as error:
            self.abort()
            raise self._error(error) from None
        return self.path

    def abort(self) -> None:
        """Drop the unfinished spool."""
        try:
            self._handle.close()
        except OSError:
            pass  # the spool is dropped anyway
        Path(self._tmp).unlink(missing_ok=True)

    def __enter__(self) -> SpoolWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()


def check_spool(path: Path) -> tuple[int, int]:
    """Verify a spool's magic line and digest (reading it through once, not unpickling); return its counts
    (articles, characters). :class:`SpoolError` says what is wrong; OSError passes through."""
    size = os.path.getsize(path)
    if size < len(MAGIC) + _TRAILER:
        raise SpoolError("too short to be a spool")
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        if handle.read(len(MAGIC)) != MAGIC:
            raise SpoolError("not a kg spool")
        digest.update(MAGIC)
        left = size - len(MAGIC) - _DIGEST
        while left > 0:
            block = handle.read(min(_BLOCK, left))
            if not block:
                raise SpoolError("truncated")
            digest.update(block)
            left -= len(block)
        handle.seek(size - _TRAILER)
        counts = handle.read(_COUNTS.size)
        if handle.read(_DIGEST) != digest.digest():
            raise SpoolError("damaged (digest mismatch)")
    articles, characters = _COUNTS.unpack(counts)
    return articles, characters


def read_spool(path: Path) -> Iterator[object]:
    """The objects of a spool, in the order they were written (the spool should have passed :func:`check_spool`)."""
    end = os.path.getsize(path) - _TRAILER
    with open(path, "rb") as handle:
        if handle.read(len(MAGIC)) != MAGIC:
            raise SpoolError(f"{path}: not a kg spool")
        while handle.tell() < end:
            yield pickle.load(handle)
