"""Benchmark: one very large text file built in bounded memory (issue 8: "a 100 MB input file is processed in bounded
memory, streamed by article").

The file is made from the People's Daily January 1998 corpus in ../shared/data: its articles, each with a dateline
(本报北京1月D日电) so that the reader can cut the file between articles, written again and again until the file has the
size asked for. Every copy ends each article with its own line (（资料汇编第N辑）), so no two articles of the file have
the same text (an article's id is a hash of its text). The entity table therefore stays that of one month of news,
which a real archive of this size would exceed: the result reports the entities too.

Each size is built in a fresh interpreter (``kg build FILE``); the peak proportional set size of the
build and all its processes is sampled every second, as in bench/run.py.

    python bench/big_file.py --sizes 25 100 --ner crf --json bench/results/big_file.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.peoples_daily import articles  # noqa: E402
from bench.run import CORPUS, load_average, peak_pss  # noqa: E402

MIB = 1024 * 1024


def write_big_file(path: Path, size_mib: float) -> dict[str, int]:
    """Write the People's Daily articles over and over into ``path`` until it holds ``size_mib`` MiB."""
    month = list(articles(CORPUS))
    target = int(size_mib * MIB)
    written = copies = count = 0
    with path.open("w", encoding="utf-8") as handle:
        while written < target:
            copies += 1
            for number, (_, paragraphs) in enumerate(month):
                day = number % 28 + 1
                text = (f"{paragraphs[0]}\n\n本报北京1月{day}日电　" + "\n".join(paragraphs[1:] or [""])
                        + f"\n（资料汇编第{copies}辑）\n\n")
                data = text.encode("utf-8")
                handle.write(text)
                written += len(data)
                count += 1
                if written >= target:
                    break
    return {"bytes": written, "articles_written": count, "copies": copies}


def measure(path: Path, out: Path, ner: str, workers: int) -> dict[str, object]:
    """Build ``path`` in a subprocess; wall time, peak PSS of the process tree and kg's summary."""
    argv = [sys.executable, "-m", "kg", "build", str(path), "-o", str(out), "--ner", ner,
            "--workers", str(workers), "--no-cache", "--verbose"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stderr:
        process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=stderr, text=True)
        peak = peak_pss(process, interval=1.0)
        elapsed = time.perf_counter() - started
        stderr.seek(0)
        summary = stderr.read()
    if process.returncode != 0:
        raise SystemExit(f"build of {path} failed:\n{summary}")
    sizes = {file.name: file.stat().st_size for file in sorted(out.glob("graph.*"))}
    with (out / "graph.nq").open("rb") as handle:
        quads = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
    return {"seconds": round(elapsed, 1), "peak_pss_mib": round(peak / MIB), "quads": quads, "outputs": sizes,
            "summary": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[25.0, 100.0], help="file sizes in MiB")
    parser.add_argument("--ner", default="crf", help="tagger (crf is the fastest; lac is the default of kg)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work", type=Path, default=None, help="folder for the file and outputs (default: temp)")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args()
    if not CORPUS.is_file():
        raise SystemExit(f"{CORPUS} is missing: this benchmark needs ../shared/data")
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-big-"))
    work.mkdir(parents=True, exist_ok=True)
    runs = []
    for size in args.sizes:
        path = work / f"big_{size:g}.txt"
        made = write_big_file(path, size)
        out = work / f"out_{size:g}"
        figures = measure(path, out, args.ner, args.workers)
        figures.update(made, size_mib=size, ner=args.ner, workers=args.workers, load=load_average())
        runs.append(figures)
        print(f"{size:g} MiB ({made['articles_written']:,} articles): {figures['seconds']} s, "
              f"peak PSS {figures['peak_pss_mib']:,} MiB", flush=True)
        print(figures["summary"], flush=True)
        shutil.rmtree(out, ignore_errors=True)
        path.unlink()
    if args.json:
        args.json.write_text(json.dumps(runs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
