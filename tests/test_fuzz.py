"""Fuzzing ``kg build`` and ``kg extract`` with generated text, bytes, file names and folder shapes.

Whatever the input, a command must exit 0 with a graph that passes the kg shapes, or 1 with a one-line error; never a
traceback, never a hang. Hypothesis generates the inputs from a fixed seed (``derandomize``), so a failure is
reproducible and ``make test`` stays deterministic; the examples are few enough to keep the whole module near a
minute. Run more with ``KG_FUZZ_EXAMPLES=200 pytest -m fuzz``.
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.cli import main
from kg.store.validate import validate

from .ingest_pdf import make_pdf

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "12"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
HANG_SECONDS = 60  # an example taking longer counts as a hang

# Characters that drive kg's rules: ideographs of names, places and units, numerals, punctuation, brackets, markers,
# line breaks of every kind, spaces, zero-width and private-use characters, surrogates' neighbours.
NEWS = "本报乌海市呼和浩特区县政府委员会记者张王李摄电讯月日年元万亿千百十个吨米公里%％第一二三四五六七八九〇零两点由到提高"
PUNCT = "，。、；：！？“”‘’（）()《》【】—…·■□●◆▲★"
SPACES = " \t\n\n\n\r\u3000\u00a0\u200b\ufeff\x0c\u2028\x85"
DIGITS = "0123456789０１２３４５６７８９.,-~"
news_text = st.text(alphabet=st.sampled_from(NEWS + PUNCT + SPACES + DIGITS), max_size=400)
any_text = st.text(max_size=200)
texts = st.one_of(news_text, any_text, st.builds(lambda a, b: a + b, news_text, any_text))


class Hang(Exception):
    """An example ran past HANG_SECONDS."""


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def alarm(signum: int, frame: object) -> None:
        raise Hang(f"no result in {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def invoke(*args: str, stdin: bytes | None = None) -> Result:
    with time_limit(HANG_SECONDS):
        return CliRunner().invoke(main, list(args), input=stdin)


def assert_clean(result: Result, out: Path | None = None) -> None:
    """Exit 0 (with a graph that passes the kg shapes) or 1 with one line on stderr; no exception, no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
        assert len(errors) == 1, result.output
    elif out is not None:
        report = validate(out)
        assert report.conforms, report.text()


def build(folder: Path, *extra: str) -> tuple[Result, Path]:
    out = Path(tempfile.mkdtemp(prefix="kg-fuzz-out-"))
    result = invoke("build", str(folder), "-o", str(out / "o"), "-q", "--workers", "1", "--no-cache",
                    "--ner", "crf", *extra)
    return result, out / "o"


def fresh_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="kg-fuzz-"))


@FUZZ
@given(st.lists(texts, min_size=1, max_size=3), st.booleans())
def test_build_any_text(contents: list[str], keep_going: bool) -> None:
    folder = fresh_folder()
    for number, text in enumerate(contents):
        (folder / f"in{number}.txt").write_bytes(text.encode("utf-8", "surrogatepass"))
    result, out = build(folder, *(["--keep-going"] if keep_going else []))
    assert_clean(result, out)


@FUZZ
@given(st.one_of(
    st.binary(max_size=600),
    st.builds(lambda body: b"%PDF-1.7\n" + body + b"\n%%EOF\n", st.binary(max_size=600)),
    st.builds(lambda body: b"<html><body><p>" + body + b"</p></body></html>", st.binary(max_size=600)),
    st.builds(lambda text, cut, flip: _damaged_pdf(text, cut, flip), news_text, st.integers(0, 4000),
              st.integers(0, 255)),
), st.sampled_from([".txt", ".pdf", ".html", ""]))
def test_build_any_bytes(data: bytes, suffix: str) -> None:
    folder = fresh_folder()
    (folder / f"in{suffix}").write_bytes(data)
    result, out = build(folder / f"in{suffix}")
    assert_clean(result, out)


def _damaged_pdf(text: str, cut: int, flip: int) -> bytes:
    """A small real PDF of ``text`` with one byte changed at ``cut`` (a damaged file rather than noise)."""
    pdf = bytearray(make_pdf([[(40, 700, text.replace("\n", " ")[:60] or "乌海", 12)]]))
    pdf[cut % len(pdf)] = flip
    return bytes(pdf)


# A file name: any text without "/" and NUL, or bytes that are not UTF-8 (kept as escapes).
names = st.one_of(
    st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1, max_size=40),
    st.binary(min_size=1, max_size=20).map(lambda raw: os.fsdecode(raw.replace(b"/", b"_").replace(b"\x00", b"_"))),
).filter(lambda name: name not in (".", ".."))


@FUZZ
@given(st.lists(st.tuples(names, st.sampled_from([".txt", ".TXT", ".html", ".pdf", ""])), min_size=1, max_size=3))
def test_build_and_extract_any_file_names(files: list[tuple[str, str]]) -> None:
    folder = fresh_folder()
    for name, suffix in files:
        try:
            (folder / (name + suffix)).write_bytes("本报乌海2月21日电 乌海市建成3座加氢站。\n".encode())
        except OSError:  # a name longer than the file system allows
            continue
    result, out = build(folder, "--keep-going")
    assert_clean(result, out)
    extracted = invoke("extract", str(folder), "--ner", "crf")
    assert_clean(extracted)
    extracted.output.encode("utf-8")  # valid UTF-8: no lone surrogates from the names


# Folder shapes: each step adds a folder, a file, a link to an ancestor folder or to itself, a FIFO or a dangling link
# somewhere in the tree built so far.
steps = st.lists(st.tuples(st.sampled_from(["dir", "file", "up-link", "self-link", "fifo", "dangling", "hidden"]),
                           st.integers(0, 10)), min_size=1, max_size=12)


def make_tree(root: Path, plan: list[tuple[str, int]]) -> None:
    folders = [root]
    for number, (kind, where) in enumerate(plan):
        parent = folders[where % len(folders)]
        path = parent / f"n{number}.txt" if kind not in ("dir", "hidden") else parent / f"d{number}"
        if kind == "dir":
            path.mkdir()
            folders.append(path)
        elif kind == "hidden":
            (parent / f".h{number}").mkdir()
            (parent / f".h{number}" / "x.txt").write_bytes("乌海市。".encode())
        elif kind == "file":
            path.write_bytes("本报乌海2月21日电 乌海市建成3座加氢站。\n".encode())
        elif kind == "up-link":
            (parent / f"up{number}").symlink_to(os.path.relpath(root, parent))
        elif kind == "self-link":
            path.symlink_to(path.name)
        elif kind == "fifo":
            os.mkfifo(path)
        else:
            path.symlink_to("missing-target.txt")


@FUZZ
@given(steps, st.booleans())
def test_build_any_folder_shape(plan: list[tuple[str, int]], keep_going: bool) -> None:
    folder = fresh_folder()
    make_tree(folder, plan)
    result, out = build(folder, *(["--keep-going"] if keep_going else []))
    assert_clean(result, out)
    pattern = invoke("extract", str(folder / "**" / "*.txt"), "--ner", "crf")
    assert_clean(pattern)


@FUZZ
@given(texts, st.booleans())
def test_extract_any_standard_input(text: str, lines: bool) -> None:
    result = invoke("extract", "-", "--ner", "crf", *(["--lines"] if lines else []),
                    stdin=text.encode("utf-8", "surrogatepass"))
    assert_clean(result)
    result.output.encode("utf-8")
