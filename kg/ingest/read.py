"""Read input files into :class:`~kg.model.Document` objects: plain text, PDF pages and news web pages.

The kind of a file is recognised from its content (a ``%PDF-`` header, an HTML document) and its name; the encoding
of a text file is detected from its bytes (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK), never guessed
from the name. Every failure raises :class:`~kg.errors.InputError` with a message that names the file: missing,
unreadable, empty, binary, of an unknown type, a PDF that is truncated, encrypted or has no text layer (scanned
pages; OCR is not done), a web page without main text.

``Document.source`` is the text the later stages see and the offsets map to: the file's text for .txt, the text
layer in reading order for .pdf, the main text that the extractor kept for .html (the page's markup has no stable
character positions worth keeping).
"""

from __future__ import annotations

import datetime as dt
import glob
import io
import re
import statistics
import struct
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from kg.errors import InputError
from kg.model import Document, text_hash
from kg.registry import READERS, reader, stage

TEXT_SUFFIXES = {".txt", ".text"}
PDF_SUFFIXES = {".pdf"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES | HTML_SUFFIXES
_SUPPORTED_LIST = ", ".join(sorted(SUPPORTED_SUFFIXES))
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
Line = tuple[float, float, float, float, str]  # a PDF text line: x0, y0, x1, y1 (y grows upwards), text
MIN_MAIN_TEXT = 25  # characters of main text below which a web page counts as having none
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", re.I)


def decode_text(data: bytes, name: str) -> str:
    """Decode the bytes of a text file, detecting its encoding; raise :class:`InputError` for empty or binary data."""
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        text = _strict(data[3:], "utf-8", name)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _strict(data, "utf-16", name)
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_detected(data, name)
    if _looks_binary(text):
        raise InputError(f"{name}: looks like a binary file, not text")
    if not text.strip():
        raise InputError(f"{name}: the file is empty")
    return text


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(f"{name}: not valid {encoding.upper()} text ({error.reason} at byte {error.start})") from None


def _decode_detected(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096]:
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
    control = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t\f\v") or 0xE000 <= ord(ch) <= 0xF8FF)
    return "\x00" in sample or control / len(sample) > 0.05 or sample.count("\ufffd") / len(sample) > 0.05


def _expand_one(item: str | Path) -> list[Path]:
    path = Path(item)
    if path.is_dir():
        found = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix.lower() in SUPPORTED_SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not found:
            raise InputError(f"{path}: the directory holds no text files (none of {_SUPPORTED_LIST})")
        return found
    if path.is_file():
        return [path]
    if any(ch in str(item) for ch in "*?["):
        matches = sorted(Path(p) for p in glob.glob(str(item), recursive=True) if Path(p).is_file())
        if not matches:
            raise InputError(f"{item}: the pattern matches no file")
        return matches
    raise InputError(f"{path}: no such file or directory")


@stage("ingest.read.expand")
def expand(inputs: Iterable[str | Path], skipped: list[tuple[str, str]] | None = None) -> list[Path]:
    """Expand files, directories (recursively, supported types only) and glob patterns into a file list.

    Order follows the inputs, each directory or pattern sorted; a file named twice is kept once. When ``skipped`` is
    given (``--keep-going``), an input that names nothing is recorded there as ``(input, reason)`` instead of raising.
    """
    paths: list[Path] = []
    seen: set[Path] = set()
    for item in inputs:
        try:
            found = _expand_one(item)
        except InputError as error:
            if skipped is None:
                raise
            skipped.append((str(item), str(error)))
            continue
        for path in found:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                paths.append(path)
    return paths


def _kind(path: Path, data: bytes) -> str:
    """'pdf', 'html' or 'text', from the content first and the name second."""
    head = data[:2048]
    suffix = path.suffix.lower()
    if head.lstrip().startswith(b"%PDF-"):
        return "pdf"
    if suffix in PDF_SUFFIXES:
        raise InputError(f"{path}: not a PDF file (no %PDF- header), although it is named .pdf")
    sniff = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    if suffix in HTML_SUFFIXES or _HTML_START.match(sniff):
        return "html"
    if suffix in TEXT_SUFFIXES or suffix == "":
        return "text"
    raise InputError(f"{path}: unsupported file type {suffix!r} (supported: {_SUPPORTED_LIST})")


@stage("ingest.read.auto")
def read(path: Path, settings: Any = None) -> Document:
    """Read one file into a Document with the reader registered for its kind (:data:`kg.registry.READERS`), judged
    from the file's content and name."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    return READERS.get(_kind(path, data))(data, str(path))


@reader("text")
def read_text_bytes(data: bytes, name: str) -> Document:
    """A plain-text file's bytes (encoding detected) as a Document."""
    text = decode_text(data, name)
    return Document(id=text_hash(text), path=name, source=text)


def read_text(text: str, name: str = "<stdin>") -> Document:
    """Wrap text that is already in memory (standard input, one line of a file) as a Document."""
    return Document(id=text_hash(text), path=name, source=text)


# --- PDF -----------------------------------------------------------------------------------------------------------


@reader("pdf")
def read_pdf_bytes(data: bytes, name: str) -> Document:
    """The text layer of a PDF, page by page, each page in reading order (columns left to right).

    Raises :class:`InputError` for a truncated file (no ``%%EOF``), an encrypted one that needs a password, a damaged
    one, and one without any text (scanned pages: kg does no OCR).
    """
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfexceptions import PDFException
    from pdfminer.psexceptions import PSException

    if b"%%EOF" not in data[-2048:]:
        raise InputError(f"{name}: the PDF is truncated or damaged (no %%EOF end marker)")
    # Newspaper gutters are about one character wide: a smaller char_margin keeps columns in separate lines.
    params = LAParams(char_margin=1.0, line_margin=0.5, word_margin=0.1)
    pages: list[str] = []
    try:
        for page in extract_pages(io.BytesIO(data), laparams=params):
            pages.append(_page_text(page))
    except (PDFPasswordIncorrect, PDFEncryptionError) as error:
        raise InputError(f"{name}: the PDF is encrypted and needs a password ({type(error).__name__})") from None
    except (PDFException, PSException, ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError,
            EOFError, OverflowError, zlib.error, struct.error) as error:
        # pdfminer signals damaged files with its own exceptions and, deeper in the parser, with built-in ones
        # (a fuzzed file raised AssertionError from an internal check).
        raise InputError(f"{name}: the PDF cannot be parsed ({type(error).__name__}: {error})") from None
    if not pages:
        raise InputError(f"{name}: the PDF has no pages (truncated or damaged?)")
    text = "\n\n".join(page for page in pages if page.strip())
    if not text.strip():
        raise InputError(f"{name}: the PDF has no text layer (a scanned image?); kg does not do OCR")
    return Document(id=text_hash(text), path=name, source=text)


def _page_text(page: Any) -> str:
    from pdfminer.layout import LTTextLine

    lines: list[Line] = []

    def collect(item: Any) -> None:
        if isinstance(item, LTTextLine):
            text = item.get_text().rstrip("\n")
            if text.strip():
                lines.append((item.x0, item.y0, item.x1, item.y1, text))
        elif hasattr(item, "__iter__"):  # text boxes, figures and the page itself hold lines
            for child in item:
                collect(child)

    collect(page)
    if not lines:
        return ""
    height = statistics.median(y1 - y0 for _, y0, _, y1, _ in lines) or 1.0
    ordered = order_lines(lines, column_gap=0.3 * height, block_gap=0.8 * height)
    return "\n".join(chunk for chunk in ordered)


def order_lines(
    lines: list[Line], column_gap: float, block_gap: float
) -> list[str]:
    """Order text lines (x0, y0, x1, y1, text; PDF coordinates, y upwards) for reading: recursive XY-cut.

    A region is cut at its widest gap: a vertical gutter (columns, read left to right) or a wide horizontal gap
    (blocks, read top to bottom); a region that is one row becomes one line, and one that cannot be cut is read line
    by line from the top. Separate regions are joined with a blank line, which the cleaner does not take for a
    paragraph break by itself.
    """
    out: list[str] = []
    stack: list[list[Line]] = [lines]
    while stack:
        region = stack.pop()
        if _one_row(region):
            # One row (a page header with the paper's name left and the date right): a single line.
            _emit(out, " ".join(line[4] for line in sorted(region, key=lambda line: line[0])), separate=True)
            continue
        columns, blocks = _cut(region, 0, column_gap), _cut(region, 1, block_gap)
        if blocks is not None and (_one_row(blocks[1][0]) or _one_row(blocks[1][-1])):
            best: tuple[float, list[list[Line]]] | None = blocks  # a page header or footer band goes first
        else:
            # Otherwise the widest gap is cut first: a headline above columns, a gutter between aligned columns.
            best = max((cut for cut in (columns, blocks) if cut is not None), key=lambda cut: cut[0], default=None)
        if best is not None:
            stack.extend(reversed(best[1]))
            continue
        for index, line in enumerate(sorted(region, key=lambda item: (-item[3], item[0]))):
            _emit(out, line[4], separate=index == 0)
    return out


def _one_row(region: list[Line]) -> bool:
    """Whether all lines of a region share a row (every one overlaps every other vertically)."""
    return max(line[1] for line in region) < min(line[3] for line in region)


def _emit(out: list[str], text: str, separate: bool) -> None:
    if separate and out:
        out.append("")
    out.append(text)


def _cut(
    region: list[Line], axis: int, gap: float
) -> tuple[float, list[list[Line]]] | None:
    """Split ``region`` at gaps wider than ``gap`` in its projection on ``axis`` (0: x, columns; 1: y, blocks).

    Returns the widest gap and the pieces in reading order, or None when there is no such gap.
    """
    low, high = (0, 2) if axis == 0 else (1, 3)
    items = sorted(region, key=lambda item: item[low])
    groups: list[list[Line]] = [[items[0]]]
    reach = items[0][high]
    widest = 0.0
    for item in items[1:]:
        if item[low] - reach > gap:
            widest = max(widest, item[low] - reach)
            groups.append([item])
        else:
            groups[-1].append(item)
        reach = max(reach, item[high])
    if len(groups) < 2:
        return None
    # Columns are read left to right; blocks top to bottom (PDF y grows upwards).
    return widest, groups if axis == 0 else groups[::-1]


# --- HTML ----------------------------------------------------------------------------------------------------------


def _decode_html(data: bytes, name: str) -> str:
    declared = _META_CHARSET.search(data[:4096])
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        encoding = declared.group(1).decode("ascii").lower()
        if encoding in ("gbk", "gb2312", "gb_2312-80", "x-gbk", "cp936"):
            encoding = "gb18030"  # the superset: pages labelled GBK often contain GB18030-only characters
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data, name)


@reader("html")
def read_html_bytes(data: bytes, name: str) -> Document:
    """The main text of a news web page (navigation, ads and comments removed) with its title, date and site name.

    Title and date come from the page's metadata (``<title>``, Open Graph, ``article:published_time``, JSON-LD …)
    where present; the date is never guessed from the current day.
    """
    import trafilatura

    html = _decode_html(data, name)
    try:
        result = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (ValueError, TypeError) as error:
        raise InputError(f"{name}: the web page cannot be parsed ({error})") from None
    text = (getattr(result, "text", None) or "").strip() if result is not None else ""
    # The extractor falls back to whatever text it finds; a few words (a menu item) are not an article.
    if sum(1 for ch in text if not ch.isspace()) < MIN_MAIN_TEXT:
        raise InputError(f"{name}: the web page has no main text (nothing but navigation or markup?)")
    doc = Document(id=text_hash(text), path=name, source=text)
    doc.title = (getattr(result, "title", None) or "").strip() or None
    doc.publication = (getattr(result, "sitename", None) or "").strip() or None
    date_text = getattr(result, "date", None)
    if date_text:
        try:
            doc.date = dt.date.fromisoformat(str(date_text)[:10])
            doc.date_source = "metadata"
        except ValueError:
            doc.date = None
    return doc
