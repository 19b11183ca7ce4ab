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

import codecs
import datetime as dt
import errno
import glob
import io
import os
import re
import stat
import statistics
import struct
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from kg.errors import InputError
from kg.ingest import pdf_limits
from kg.model import Document, display_path, text_hash
from kg.registry import READERS, reader, stage

TEXT_SUFFIXES = {".txt", ".text"}
PDF_SUFFIXES = {".pdf"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES | HTML_SUFFIXES
_SUPPORTED_LIST = ", ".join(sorted(SUPPORTED_SUFFIXES))
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
Line = tuple[float, float, float, float, str]  # a PDF text line: x0, y0, x1, y1 (y grows upwards), text
# Times its size a PDF's streams may decompress to (at least pdf_limits.DEFAULT_LIMIT).
PDF_EXPANSION = 32
# Lines the reading-order cuts of a page may look at, per line of the page (real pages need a few).
XY_CUT_WORK = 50
MIN_MAIN_TEXT = 25  # characters of main text below which a web page counts as having none
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]+)", re.I)


def detect_encoding(data: bytes, name: str, complete: bool = True) -> str:
    """The encoding of text bytes: from a byte order mark (UTF-8, UTF-16); else UTF-8 when they decode as UTF-8; else
    GB18030 (a superset of GBK and GB2312, the usual encoding of Chinese text that is not UTF-8); else what
    charset_normalizer finds. With ``complete`` False, ``data`` is the head of a longer file and may end inside a
    character. :class:`InputError` for binary data or when no encoding fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if _decodes(data, "utf-8", complete):
        return "utf-8"
    if b"\x00" in data[:4096]:
        raise InputError(f"{name}: looks like a binary file, not text")
    if _decodes(data, "gb18030", complete):
        return "gb18030"
    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{name}: cannot detect the text encoding (not UTF-8 or GB18030; binary?)")
    return str(best.encoding)


def _decodes(data: bytes, encoding: str, complete: bool) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(data, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def decode_text(data: bytes, name: str) -> str:
    """Decode the bytes of a text file, detecting its encoding; raise :class:`InputError` for empty or binary data."""
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    encoding = detect_encoding(data, name)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        label = encoding.upper().removesuffix("-SIG")
        raise InputError(f"{name}: not valid {label} text ({error.reason} at byte {error.start})") from None
    check_text(text, name)
    return text


def check_text(text: str, name: str) -> None:
    """:class:`InputError` when decoded text looks binary or holds nothing but white space."""
    if _looks_binary(text):
        raise InputError(f"{name}: looks like a binary file, not text")
    if not text.strip():
        raise InputError(f"{name}: the file is empty")


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    control = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t\f\v") or 0xE000 <= ord(ch) <= 0xF8FF)
    return "\x00" in sample or control / len(sample) > 0.05 or sample.count("\ufffd") / len(sample) > 0.05


def _walk(root: Path, problems: list[InputError], pattern: re.Pattern[str] | None = None) -> list[Path]:
    """The supported files under ``root`` (with ``pattern``: the files whose path it matches), hidden names left out,
    sorted. Each folder is visited once, however many symbolic links lead to it (a link to a parent folder would
    otherwise be followed forever). A subfolder that cannot be listed, a supported name that is not a regular file (a
    FIFO, a socket, a device) or a link that cannot be followed is recorded in ``problems``, never passed over."""
    found: list[Path] = []
    visited: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in visited:
                continue
            visited.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            problems.append(InputError(f"{display_path(folder)}: cannot read the folder ({_reason(error)})"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            wanted = pattern.fullmatch(entry.path) is not None if pattern else path.suffix.lower() in SUPPORTED_SUFFIXES
            try:
                if entry.is_dir():
                    stack.append(path)
                elif entry.is_file():
                    if wanted:
                        found.append(path)
                elif wanted:
                    problems.append(InputError(f"{display_path(path)}: {_not_a_file(path)}"))
            except OSError as error:
                if wanted:
                    problems.append(InputError(f"{display_path(path)}: cannot read ({_reason(error)})"))
    return sorted(found)


def _not_a_file(path: Path) -> str:
    """Why ``path``, which exists or is a link, is not a file kg can read."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        return f"cannot read ({_reason(error)})"
    if stat.S_ISFIFO(mode):
        return "is a FIFO (named pipe), not a file; kg reads regular files only"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file; kg reads regular files only"
    return "is a device or other special file, not a regular file; kg reads regular files only"


def _reason(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "a loop of symbolic links"
    return error.strerror or type(error).__name__


def _expand_one(item: str | Path, problems: list[InputError]) -> list[Path]:
    path = Path(item)
    name = display_path(path)
    if path.is_dir():
        found = _walk(path, problems)
        if not found and not problems:
            raise InputError(f"{name}: the directory holds no text files (none of {_SUPPORTED_LIST})")
        return found
    if path.is_file():
        return [path]
    if any(ch in str(item) for ch in "*?["):
        if "**" in str(item):
            matches = _glob_recursive(str(item), problems)
        else:  # without ** a pattern has a fixed depth: glob cannot go round a loop of links
            matches = sorted(Path(p) for p in glob.glob(str(item)) if Path(p).is_file())
        if not matches and not problems:
            raise InputError(f"{name}: the pattern matches no file")
        return matches
    if os.path.lexists(path):
        raise InputError(f"{name}: {_not_a_file(path)}")
    raise InputError(f"{name}: no such file or directory")


def _glob_recursive(pattern: str, problems: list[InputError]) -> list[Path]:
    """Files matching a pattern with ``**`` (any number of folders): the folder before the first ``**`` is walked
    once with :func:`_walk`; glob's own ``**`` follows links to parent folders round and round (two such links: no
    end in a minute)."""
    head = pattern[: pattern.index("**")]
    root = Path(head) if head else Path(".")
    prefix = "" if head else "./"
    return [
        Path(str(path).removeprefix(prefix)) if prefix else path
        for path in _walk(root, problems, _glob_regex(prefix + pattern if prefix else pattern))
    ]


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A regular expression for a glob pattern: ``*`` and ``?`` within a name, ``[…]`` a class, ``**/`` any folders."""
    out = []
    at = 0
    while at < len(pattern):
        if pattern.startswith("**/", at):
            out.append("(?:[^/]+/)*")
            at += 3
        elif pattern.startswith("**", at):
            out.append(".*")
            at += 2
        elif pattern[at] == "*":
            out.append("[^/]*")
            at += 1
        elif pattern[at] == "?":
            out.append("[^/]")
            at += 1
        elif pattern[at] == "[" and "]" in pattern[at + 2 :]:
            end = pattern.index("]", at + 2)
            body = pattern[at + 1 : end]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
            at = end + 1
        else:
            out.append(re.escape(pattern[at]))
            at += 1
    return re.compile("".join(out), re.S)


@stage("ingest.read.expand")
def expand(inputs: Iterable[str | Path], skipped: list[tuple[str, str]] | None = None) -> list[Path]:
    """Expand files, directories (recursively, supported types only) and glob patterns into a file list.

    Order follows the inputs, each directory or pattern sorted; a file named twice is kept once; a folder reached
    again through a symbolic link is not walked again. An input that names nothing, a subfolder that cannot be read
    and a file of a supported name that is not a regular file (a FIFO …) raise :class:`InputError`, or when
    ``skipped`` is given (``--keep-going``) are recorded there as ``(name, reason)`` and left out.
    """
    paths: list[Path] = []
    seen: set[Path] = set()
    reported: set[str] = set()
    for item in inputs:
        problems: list[InputError] = []
        try:
            found = _expand_one(item, problems)
        except InputError as error:
            found = []
            problems.append(error)
        if problems:
            if skipped is None:
                raise problems[0]
            for problem in problems:
                if str(problem) not in reported:  # a name met through two inputs is reported once
                    reported.add(str(problem))
                    skipped.append((display_path(item), str(problem)))
        for path in found:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                paths.append(path)
    return paths


def _kind(path: Path, data: bytes, name: str) -> str:
    """'pdf', 'html' or 'text', from the content first and the name second."""
    head = data[:2048]
    suffix = path.suffix.lower()
    if head.lstrip().startswith(b"%PDF-"):
        return "pdf"
    if suffix in PDF_SUFFIXES:
        raise InputError(f"{name}: not a PDF file (no %PDF- header), although it is named .pdf")
    sniff = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    if suffix in HTML_SUFFIXES or _HTML_START.match(sniff):
        return "html"
    if suffix in TEXT_SUFFIXES or suffix == "":
        return "text"
    raise InputError(f"{name}: unsupported file type {display_path(suffix)!r} (supported: {_SUPPORTED_LIST})")


def is_plain_text(path: Path) -> bool:
    """Whether :func:`read` would read ``path`` as plain text (a regular file whose content and name say text): such
    a file is read in parts (:mod:`kg.ingest.parts`). False too when it cannot be read: :func:`read` reports that."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return False
        with path.open("rb") as handle:
            head = handle.read(2048)
        return _kind(path, head, display_path(path)) == "text"
    except (OSError, InputError):
        return False


@stage("ingest.read.auto")
def read(path: Path, settings: Any = None) -> Document:
    """Read one file into a Document with the reader registered for its kind (:data:`kg.registry.READERS`), judged
    from the file's content and name."""
    path = Path(path)
    name = display_path(path)  # the file is opened by its real name; its name is kept as valid text
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise InputError(f"{name}: is a directory, not a file")
        if not stat.S_ISREG(mode):
            raise InputError(f"{name}: {_not_a_file(path)}")  # opening a FIFO would wait for a writer forever
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{name}: cannot read ({_reason(error)})") from None
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    return READERS.get(_kind(path, data, name))(data, name)


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
def read_pdf_bytes(data: bytes, name: str, decoded_limit: int | None = None) -> Document:
    """The text layer of a PDF, page by page, each page in reading order (columns left to right).

    Raises :class:`InputError` for a truncated file (no ``%%EOF``), an encrypted one that needs a password, a damaged
    one, one whose streams decompress to more than ``decoded_limit`` bytes (default: 256 MiB or 32 times the file's
    size, whichever is more; real PDFs expand a few times, hostile ones a thousandfold), and one without any text
    (scanned pages: kg does no OCR).
    """
    if decoded_limit is None:
        decoded_limit = max(pdf_limits.DEFAULT_LIMIT, PDF_EXPANSION * len(data))
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfexceptions import PDFException
    from pdfminer.psexceptions import PSException

    if b"%%EOF" not in data[-2048:]:
        raise InputError(f"{name}: the PDF is truncated or damaged (no %%EOF end marker)")
    # Newspaper gutters are about one character wide: a smaller char_margin keeps columns in separate lines. Lines are
    # put in reading order by order_lines, so pdfminer's ordering of text boxes (boxes_flow) is not asked for: it is
    # quadratic in the text runs of a page (4,000 runs: 154 s and 2.7 GB), the lines without it are the same.
    params = LAParams(char_margin=1.0, line_margin=0.5, word_margin=0.1, boxes_flow=None)
    pages: list[str] = []
    too_large = (
        f"{name}: the PDF's streams decompress to more than {decoded_limit // 2**20} MiB (a decompression bomb?)"
    )
    budget = pdf_limits.Budget(decoded_limit)
    try:
        with pdf_limits.limited(budget):
            for page in extract_pages(io.BytesIO(data), laparams=params):
                pages.append(_page_text(page))
    except (PDFPasswordIncorrect, PDFEncryptionError) as error:
        raise InputError(f"{name}: the PDF is encrypted and needs a password ({type(error).__name__})") from None
    except pdf_limits.StreamLimitExceeded:
        raise InputError(too_large) from None
    except RecursionError:
        raise InputError(f"{name}: the PDF cannot be parsed (its objects are nested too deeply)") from None
    except (
        PDFException,
        PSException,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        AssertionError,
        EOFError,
        OverflowError,
        RuntimeError,
        zlib.error,
        struct.error,
    ) as error:
        # pdfminer signals damaged files with its own exceptions and, deeper in the parser, with built-in ones
        # (a fuzzed file raised AssertionError from an internal check).
        if budget.exceeded:
            raise InputError(too_large) from None
        raise InputError(f"{name}: the PDF cannot be parsed ({type(error).__name__}: {error})") from None
    if budget.exceeded:  # pdfminer caught the error itself and went on
        raise InputError(too_large)
    if not pages:
        raise InputError(f"{name}: the PDF has no pages (truncated or damaged?)")
    text = "\n\n".join(page for page in pages if page.strip())
    if not text.strip():
        raise InputError(f"{name}: the PDF has no text layer (a scanned image?); kg does not do OCR")
    return Document(id=text_hash(text), path=name, source=text)


def _page_text(page: Any) -> str:
    from pdfminer.layout import LTTextLine

    lines: list[Line] = []
    # Depth first, in document order, with a stack: figures inside figures can nest deeper than Python recurses.
    stack: list[Any] = [page]
    while stack:
        item = stack.pop()
        if isinstance(item, LTTextLine):
            text = item.get_text().rstrip("\n")
            if text.strip():
                lines.append((item.x0, item.y0, item.x1, item.y1, text))
        elif hasattr(item, "__iter__"):  # text boxes, figures and the page itself hold lines
            stack.extend(reversed(list(item)))
    if not lines:
        return ""
    height = statistics.median(y1 - y0 for _, y0, _, y1, _ in lines) or 1.0
    ordered = order_lines(lines, column_gap=0.3 * height, block_gap=0.8 * height)
    return "\n".join(chunk for chunk in ordered)


def order_lines(lines: list[Line], column_gap: float, block_gap: float) -> list[str]:
    """Order text lines (x0, y0, x1, y1, text; PDF coordinates, y upwards) for reading: recursive XY-cut.

    A region is cut at its widest gap: a vertical gutter (columns, read left to right) or a wide horizontal gap
    (blocks, read top to bottom); a region that is one row becomes one line, and one that cannot be cut is read line
    by line from the top. Separate regions are joined with a blank line, which the cleaner does not take for a
    paragraph break by itself.
    """
    out: list[str] = []
    stack: list[list[Line]] = [lines]
    work, budget = 0, XY_CUT_WORK * len(lines)
    while stack:
        region = stack.pop()
        work += len(region)
        if work > budget and not _one_row(region):
            # Regions nested so deep that cutting them again and again would be quadratic (a hostile page, never a
            # newspaper's): the rest is read line by line from the top.
            for index, line in enumerate(sorted(region, key=lambda item: (-item[3], item[0]))):
                _emit(out, line[4], separate=index == 0)
            continue
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


def _extent(line: Line, axis: int) -> tuple[float, float]:
    """Where ``line`` starts and ends on ``axis`` (0: x, 1: y)."""
    return (line[0], line[2]) if axis == 0 else (line[1], line[3])


def _cut(region: list[Line], axis: int, gap: float) -> tuple[float, list[list[Line]]] | None:
    """Split ``region`` at gaps wider than ``gap`` in its projection on ``axis`` (0: x, columns; 1: y, blocks).

    Returns the widest gap and the pieces in reading order, or None when there is no such gap.
    """
    items = sorted(region, key=lambda item: _extent(item, axis)[0])
    groups: list[list[Line]] = [[items[0]]]
    reach = _extent(items[0], axis)[1]
    widest = 0.0
    for item in items[1:]:
        low, high = _extent(item, axis)
        if low - reach > gap:
            widest = max(widest, low - reach)
            groups.append([item])
        else:
            groups[-1].append(item)
        reach = max(reach, high)
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
