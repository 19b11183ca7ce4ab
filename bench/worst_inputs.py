"""The worst shapes of input against a normal file of the same size: what a build costs in time and memory.

A hostile or unlucky file (one line of a megabyte, one character per line, a run of digits, a byline of a thousand
names, a PDF page of thousands of scattered text runs, a PDF that decompresses a thousandfold) should cost at most a
small constant times a normal news file of the same number of characters. Each case is built by ``kg.build`` in a
fresh process (one worker, no cache); the table gives seconds, peak memory and the ratio to the normal file.

The normal text is People's Daily articles from ``../shared/data`` (headline, paragraphs, a blank line between
articles), or, without that folder, the sample page with a running number in each copy. The worst shapes are made of
the same characters where they can be. Run::

    python bench/worst_inputs.py                # 64,000 characters, bench/results/worst_inputs.md
    python bench/worst_inputs.py --chars 250000 --ner lac
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.peoples_daily import articles  # noqa: E402
from tests.ingest_pdf import make_bomb_pdf, make_pdf  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "peoples_daily_199801" / "199801.utf8.txt"
SAMPLE = ROOT / "kg" / "data" / "sample" / "inner_mongolia_daily_2021-02-22_p3.txt"
RESULTS = ROOT / "bench" / "results" / "worst_inputs.md"
TIMEOUT = 900  # seconds a case may take before it counts as a hang


def normal_text(chars: int) -> tuple[str, str]:
    """About ``chars`` characters of ordinary news text and where they come from."""
    parts: list[str] = []
    size = 0
    if CORPUS.is_file():
        for _, paragraphs in articles(CORPUS):
            text = paragraphs[0] + "\n\n" + "\n".join(paragraphs[1:]) + "\n\n"
            parts.append(text)
            size += len(text)
            if size >= chars:
                break
        return "".join(parts)[:chars], "People's Daily, January 1998 (../shared/data)"
    sample = SAMPLE.read_text(encoding="utf-8")
    copy = 0
    while size < chars:
        copy += 1
        parts.append(sample.replace("。", f"（{copy}）。", 1))
        size += len(parts[-1])
    return "".join(parts)[:chars], "the sample page, copies numbered"


def text_cases(normal: str) -> dict[str, tuple[str, Callable[[], bytes]]]:
    """Case name → (what it is, bytes of the file), each of about as many characters as ``normal``."""
    n = len(normal)
    rng = random.Random(1)
    flat = "".join(ch for ch in normal if ch not in "\n。！？；")
    names = "".join(rng.choice("张王李刘陈杨赵黄周吴") + rng.choice("伟芳强洋静磊敏勇杰刚明华") for _ in range(n // 2))
    return {
        "normal": ("ordinary news text", lambda: normal.encode()),
        "one line": ("the same text as one line: no line break and no sentence end", lambda: flat.encode()),
        "one line of clauses": ("the same text as one sentence of clauses (line breaks and sentence ends become ，)",
                                lambda: "".join("，" if ch in "\n。！？；" else ch for ch in normal).encode()),
        "one character per line": ("the same characters, one per line",
                                   lambda: "\n".join(ch for ch in normal if not ch.isspace()).encode()),
        "open brackets per line": ("（ alone on every line", lambda: ("（\n" * (n // 2)).encode()),
        "digits": ("one line of digits", lambda: ("1234567890" * (n // 10)).encode()),
        "Chinese numerals": ("one line of Chinese numerals", lambda: ("一二三四五六七八九十" * (n // 10)).encode()),
        "figures": ("one line of counted figures (1个1个…)", lambda: ("1个" * (n // 2)).encode()),
        "dates, names, figures": ("one line of a date, a place and a figure again and again (2021年乌海市1个…)",
                                  lambda: ("2021年乌海市1个" * (n // 10)).encode()),
        "byline of names": ("本报记者 followed by names written together, one line",
                            lambda: ("本报乌海2月21日电 本报记者" + names[: n - 14] + "\n").encode()),
    }


def _pdf_pages(text: str, per_line: int = 30, per_page: int = 40) -> list[list[tuple[float, float, str, float]]]:
    chars = [ch for ch in text if not ch.isspace()]
    lines = ["".join(chars[at : at + per_line]) for at in range(0, len(chars), per_line)]
    return [
        [(40, 760 - 18 * row, line, 12) for row, line in enumerate(lines[at : at + per_page])]
        for at in range(0, len(lines), per_page)
    ]


def _scattered_pages(text: str, per_page: int = 4000) -> list[list[tuple[float, float, str, float]]]:
    rng = random.Random(0)
    chars = [ch for ch in text if not ch.isspace()]
    return [
        [(rng.uniform(0, 580), rng.uniform(0, 790), ch, 6) for ch in chars[at : at + per_page]]
        for at in range(0, len(chars), per_page)
    ]


def pdf_cases(normal: str) -> dict[str, tuple[str, Callable[[], bytes]]]:
    """PDF cases: a normal layout, the same characters scattered as single runs, and a decompression bomb."""
    return {
        "PDF normal": ("the text in lines of 30, 40 lines a page", lambda: make_pdf(_pdf_pages(normal))),
        "PDF scattered runs": ("the same characters as single runs at random places, 4,000 a page",
                               lambda: make_pdf(_scattered_pages(normal))),
        "PDF bomb": ("a page whose content stream decompresses to 1 GiB", lambda: make_bomb_pdf(1024)),
    }


def measure_one(path: Path, ner: str) -> dict[str, object]:
    """Build ``path`` in this process; seconds for the build, peak memory, outcome (run in a fresh process)."""
    import kg
    from kg.errors import KGError

    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        try:
            kg.build([path], Path(out), settings=kg.Settings(ner=ner), workers=1, incremental=False)
            outcome = "graph"
        except KGError as error:
            outcome = f"error: {str(error).removeprefix(str(path) + ': ')}"
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": round(seconds, 2), "peak_mib": round(peak), "outcome": outcome}


def run_case(path: Path, ner: str) -> dict[str, object]:
    """:func:`measure_one` in a child process, with a time limit."""
    try:
        done = subprocess.run([sys.executable, __file__, "--one", str(path), "--ner", ner], capture_output=True,
                              text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return {"seconds": None, "peak_mib": None, "outcome": f"no result in {TIMEOUT} s"}
    if done.returncode != 0 or not done.stdout.strip():
        return {"seconds": None, "peak_mib": None, "outcome": f"crashed: {done.stderr.strip().splitlines()[-1:]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chars", type=int, default=64_000, help="characters per text case (default 64,000)")
    parser.add_argument("--pdf-chars", type=int, default=16_000, help="characters per PDF case (default 16,000)")
    parser.add_argument("--ner", default="crf", help="tagger (default crf)")
    parser.add_argument("--only", nargs="*", help="run only these cases")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure_one(args.one, args.ner)))
        return
    normal, source = normal_text(args.chars)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for group, cases, suffix in (("text", text_cases(normal), ".txt"),
                                     ("pdf", pdf_cases(normal[: args.pdf_chars]), ".pdf")):
            baseline = None
            for number, (name, (what, make)) in enumerate(cases.items()):
                if args.only and name not in args.only and number:
                    continue
                path = Path(folder) / f"{group}{number}{suffix}"
                data = make()
                path.write_bytes(data)
                result = run_case(path, args.ner)
                if number == 0:
                    baseline = result["seconds"]
                ratio = (result["seconds"] / baseline) if result["seconds"] is not None and baseline else None
                rows.append((name, what, len(data), result, ratio))
                print(f"{name:28} {result['seconds']!s:>8} s  {result['peak_mib']!s:>6} MiB  "
                      f"x{ratio:.1f}  {result['outcome']}" if ratio is not None else f"{name:28} {result}", flush=True)
    write_report(rows, source, args)


def write_report(rows: list[tuple[str, str, int, dict[str, object], float | None]], source: str,
                 args: argparse.Namespace) -> None:
    lines = [
        "# Worst input shapes against a normal file of the same size",
        "",
        f"Written by `python bench/worst_inputs.py --chars {args.chars} --pdf-chars {args.pdf_chars} --ner {args.ner}`"
        f" on {time.strftime('%Y-%m-%d')}. Each case is one file built by `kg.build` in a fresh process (one worker,"
        " no cache); seconds are the build's, peak memory the process's (the models included). Normal text: "
        f"{source}; text cases have {args.chars:,} characters, PDF cases {args.pdf_chars:,}. The ratio is to the "
        "normal file of the same group. A shared 2-core machine: timings vary by some tens of percent.",
        "",
        "| case | what | bytes | seconds | peak MiB | × normal | outcome |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for name, what, size, result, ratio in rows:
        seconds = "—" if result["seconds"] is None else f"{result['seconds']:.1f}"
        peak = "—" if result["peak_mib"] is None else f"{result['peak_mib']:,}"
        times = "—" if ratio is None else f"{ratio:.1f}"
        lines.append(f"| {name} | {what} | {size:,} | {seconds} | {peak} | {times} | {result['outcome']} |")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
