"""A cap on what a PDF's streams may decompress to, so that a small hostile file cannot take the machine's memory.

pdfminer decodes a stream (Flate, LZW, RunLength …) in one piece and keeps the result; two fuzzed PDFs of a few
kilobytes expanded to more than 5 GB that way. Within :func:`limited` the decoders pdfminer looks up in
``pdfminer.pdftypes`` are replaced by ones that stop as soon as the PDF's streams together would pass the limit, and
the PDF is then refused with :class:`StreamLimitExceeded`. Outside it (another user of pdfminer in the same process)
they behave as pdfminer's own.

The replacement is done once, by assigning the module's names, because pdfminer offers no setting for it; the
decoders' results are otherwise the same (a Flate stream with a bad checksum is read without the checksum, as
pdfminer's own fallback does, but in one pass instead of a byte at a time).
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import zlib
from collections.abc import Callable, Iterator
from io import BytesIO
from types import SimpleNamespace
from typing import Any

DEFAULT_LIMIT = 256 * 2**20  # bytes of decoded stream data per PDF; a newspaper page needs a few MB


class StreamLimitExceeded(Exception):
    """The streams of a PDF decompress to more than the limit."""


class Budget:
    """Bytes of decoded stream data one PDF may still use; ``exceeded`` once it asked for more."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self.limit = limit
        self.remaining = limit
        self.exceeded = False

    def allow(self, size: int) -> int:
        """Bytes a decoder may still produce; raises once the limit has been passed (and ever after)."""
        if self.exceeded or size > self.remaining:
            self.exceeded = True
            raise StreamLimitExceeded(f"the PDF's streams decompress to more than {self.limit // 2**20} MiB")
        return self.remaining

    def spend(self, size: int) -> None:
        self.allow(size)
        self.remaining -= size


_BUDGET: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("kg_pdf_budget", default=None)
_INSTALLED = threading.Lock()
_installed = False


@contextlib.contextmanager
def limited(budget: Budget) -> Iterator[None]:
    """Within the block, the PDF streams pdfminer decodes are charged to ``budget`` (:class:`StreamLimitExceeded`
    when it runs out; its ``exceeded`` flag tells so even where pdfminer caught the error and went on)."""
    _install()
    token = _BUDGET.set(budget)
    try:
        yield
    finally:
        _BUDGET.reset(token)


def _install() -> None:
    global _installed
    with _INSTALLED:
        if _installed:
            return
        from pdfminer import pdftypes

        # Patching pdfminer's module globals and a method: the replacements have the same call signatures, but mypy
        # types a module's functions and a module as fixed, hence the ignores.
        original_decode = pdftypes.PDFStream.decode
        pdftypes.zlib = SimpleNamespace(  # type: ignore[assignment]
            decompress=_bounded(_inflate, zlib.decompress), error=zlib.error, decompressobj=zlib.decompressobj
        )
        pdftypes.decompress_corrupted = _bounded(_inflate_unchecked, pdftypes.decompress_corrupted)  # type: ignore[assignment]
        pdftypes.lzwdecode = _bounded(_lzw, pdftypes.lzwdecode)  # type: ignore[assignment]
        pdftypes.rldecode = _bounded(_run_length, pdftypes.rldecode)  # type: ignore[assignment]

        def decode(stream: Any) -> None:
            original_decode(stream)
            budget = _BUDGET.get()
            if budget is not None:
                budget.spend(len(stream.data or b""))  # every filter's output counts, predictors included

        pdftypes.PDFStream.decode = decode  # type: ignore[method-assign, assignment]
        _installed = True


def _bounded(limited: Callable[[bytes, Budget], bytes], original: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    """A decoder that runs ``limited`` under the current budget, or ``original`` outside one."""

    def decoder(data: bytes) -> bytes:
        budget = _BUDGET.get()
        return original(data) if budget is None else limited(data, budget)

    return decoder


def _inflate(data: bytes, budget: Budget) -> bytes:
    """zlib.decompress that stops past the budget (raises zlib.error on damaged data, as zlib.decompress does)."""
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, budget.allow(0) + 1)
    budget.allow(len(out))
    if not inflater.eof and not inflater.unconsumed_tail:
        raise zlib.error("incomplete or truncated stream")
    return out


def _inflate_unchecked(data: bytes, budget: Budget) -> bytes:
    """A damaged Flate stream: what it holds, and when its checksum is what is wrong, all but the checksum."""
    for end in (len(data), len(data) - 4):
        inflater = zlib.decompressobj()
        try:
            out = inflater.decompress(data[:end], budget.allow(0) + 1)
        except zlib.error:
            continue
        budget.allow(len(out))
        return out
    raise zlib.error("damaged Flate stream")


def _lzw(data: bytes, budget: Budget) -> bytes:
    from pdfminer.lzw import LZWDecoder

    out = bytearray()
    for piece in LZWDecoder(BytesIO(data)).run():
        out += piece
        budget.allow(len(out))
    return bytes(out)


def _run_length(data: bytes, budget: Budget) -> bytes:
    """RunLengthDecode (PDF 32000-1, 7.4.5): a length byte n, then n+1 literal bytes (n < 128) or one byte repeated
    257-n times (n > 128); 128 ends the data. Truncated data ends where it stops."""
    out = bytearray()
    at = 0
    while at < len(data) and data[at] != 128:
        length = data[at]
        if length < 128:
            out += data[at + 1 : at + 2 + length]
            at += 2 + length
        else:
            out += data[at + 1 : at + 2] * (257 - length)
            at += 2
        budget.allow(len(out))
    return bytes(out)
