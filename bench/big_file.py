"""Benchmark: one very large text file built in bounded memory (issue 8: "a 100 MB input file is processed in bounded
memory, streamed by article").

The file is made from the People's Daily January 1998 corpus in ../shared/data: its articles, each with a dateline
(本报北京1月D日电) so that the reader can cut the file between articles, written again and again until the file has the
size asked for. Every copy ends each article with its own line (（资料汇编第N辑）), so no two articles of the file have
the same text (an article's id is a hash of its text). The entity table therefore stays that of one month of news,
which a real archive of this size would exceed: the result reports the entities too.

Each size is built in a fresh interpreter (``kg build FILE``), by the local process pool (``--engine local``) or by a
Dask LocalCluster that the build starts (``--engine dask``). The proportional set size (PSS: pages shared by several
processes counted once, shared out between them) of every process of the build's tree is read from
/proc/PID/smaps_rollup every ``--interval`` seconds; the result gives the peak of the whole tree (the sum at one
sample) and each process's own peak: the client (the ``kg build`` process: with Dask it also runs the scheduler and
the nannies) and each of its descendants (the pool's or Dask's worker processes, Python's resource tracker), named
by their command line. The per-process peaks need not fall at the same moment, so they may add up to more than the
tree's peak.

    python bench/big_file.py --sizes 25 100 --ner crf --engine local --json bench/results/big_file.json
    python bench/big_file.py --sizes 25 100 --ner crf --engine dask --json bench/results/big_file.json

``--json`` keeps the runs of other engines and sizes already in the file.
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
from bench.run import CORPUS, _field, load_average, tree  # noqa: E402

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


def role(pid: int, root: int) -> str:
    """A short name for a process of the build's tree: the client; a fork of it (the pool's workers, and the writers
    forked at the end of either engine's build); a Dask worker (spawned); Python's resource tracker."""
    if pid == root:
        return "client"
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "gone"
    if b"resource_tracker" in command:
        return "resource-tracker"
    return "dask-worker" if b"spawn_main" in command else "fork"


def each_mib(each: dict[int, list]) -> str:
    return ", ".join(f"{name} {peak / MIB:.0f}" for name, peak, *_ in each.values() if peak > 0)


def peaks_by_process(process: subprocess.Popen, interval: float) -> dict[str, object]:
    """Wait for ``process``; the peak PSS (MiB) of its whole tree and of each of its processes, sampled from /proc."""
    total, started = 0, time.monotonic()
    each: dict[int, list] = {}  # pid -> [role, peak bytes, first seen, last seen]
    while process.poll() is None:
        now, sample = time.monotonic() - started, 0
        for pid in tree(process.pid):
            pss = _field(f"/proc/{pid}/smaps_rollup", "Pss:")
            sample += pss
            seen = each.setdefault(pid, [role(pid, process.pid), 0, now, now])
            seen[1], seen[3] = max(seen[1], pss), now
        total = max(total, sample)
        if int(now / 60) != int((now - interval) / 60):  # a line a minute, so that a stopped run still tells
            print(f"{now:.0f} s: tree {total / MIB:.0f} MiB, {each_mib(each)}", file=sys.stderr, flush=True)
        time.sleep(interval)
    listed = [{"pid": pid, "role": name, "peak_pss_mib": round(peak / MIB), "seen_s": [round(first), round(last)]}
              for pid, (name, peak, first, last) in each.items() if peak > 0]
    return {"peak_pss_mib": round(total / MIB), "processes": listed}


def measure(path: Path, out: Path, ner: str, workers: int, engine: str, interval: float) -> dict[str, object]:
    """Build ``path`` in a subprocess; wall time, peak PSS of the tree and of each process, and kg's summary."""
    argv = [sys.executable, "-m", "kg", "build", str(path), "-o", str(out), "--ner", ner,
            "--workers", str(workers), "--engine", "dask" if engine == "dask" else "pool", "--no-cache", "--verbose"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stderr:
        process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=stderr, text=True)
        peaks = peaks_by_process(process, interval)
        elapsed = time.perf_counter() - started
        stderr.seek(0)
        summary = stderr.read()
    if process.returncode != 0:
        raise SystemExit(f"build of {path} failed:\n{summary}")
    sizes = {file.name: file.stat().st_size for file in sorted(out.glob("graph.*"))}
    with (out / "graph.nq").open("rb") as handle:
        quads = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
    return {"seconds": round(elapsed, 1), **peaks, "quads": quads, "outputs": sizes, "summary": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[25.0, 100.0], help="file sizes in MiB")
    parser.add_argument("--ner", default="crf", help="tagger (crf is the fastest; lac is the default of kg)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engine", choices=("local", "dask"), default="local", help="local process pool or Dask")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between memory samples")
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
        load = load_average()
        figures = measure(path, out, args.ner, args.workers, args.engine, args.interval)
        figures.update(made, size_mib=size, ner=args.ner, workers=args.workers, engine=args.engine, load=load)
        runs.append(figures)
        each = ", ".join(f"{p['role']} {p['peak_pss_mib']:,}" for p in figures["processes"])
        print(f"{args.engine} {size:g} MiB ({made['articles_written']:,} articles): {figures['seconds']} s, "
              f"peak PSS {figures['peak_pss_mib']:,} MiB (per process: {each})", flush=True)
        print(figures["summary"], flush=True)
        shutil.rmtree(out, ignore_errors=True)
        path.unlink()
    if args.json:  # runs of the same engine and size already in the file are replaced, others kept
        kept = json.loads(args.json.read_text(encoding="utf-8")) if args.json.is_file() else []
        done = {(run["engine"], run["size_mib"]) for run in runs}
        kept = [run for run in kept if (run.get("engine", "local"), run["size_mib"]) not in done]
        args.json.write_text(json.dumps(kept + runs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
