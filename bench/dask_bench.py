"""Benchmark: the Dask engine against the local process pool (issue 22: "the PD-1998 month on Dask LocalCluster (2
workers) against the local pool (ratio; Dask overhead <= 15 %)").

People's Daily of January 1998 (one file per article, as bench/run.py writes it) is built with every output, 2
workers, no cache, once with ``--engine pool`` and once with ``--engine dask`` (a LocalCluster of 2 worker processes
started by the build), alternating, each in a fresh interpreter. The machine is shared, so besides the wall time the
CPU seconds of the build and all its processes are reported, and the rounds are repeated: read the fastest repeat of
each engine, as bench/run.py does. The outputs of the two engines are compared byte for byte.

    python bench/dask_bench.py --rounds 2 --fraction 1.0 --markdown bench/results/dask.md
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.peoples_daily import write_archive  # noqa: E402
from bench.run import CORPUS, load_average  # noqa: E402

ENGINES = ("pool", "dask")


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children and the processes they waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def digests(out: Path) -> dict[str, str]:
    """SHA-256 of every output file."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir()) if p.is_file()}


def build(engine: str, archive: Path, out: Path, workers: int) -> dict[str, object]:
    """One build in a fresh interpreter: wall and CPU seconds, load average before it, the outputs' digests."""
    argv = [sys.executable, "-m", "kg", "build", str(archive), "-o", str(out), "--workers", str(workers),
            "--engine", engine, "--no-cache", "--date", "1998-01-01", "--quiet"]  # fmt: skip
    load = load_average()
    before, started = children_cpu(), time.monotonic()
    subprocess.run(argv, check=True, cwd=ROOT)
    return {"engine": engine, "wall_seconds": round(time.monotonic() - started, 2),
            "cpu_seconds": round(children_cpu() - before, 2), "load_average": load, "digests": digests(out)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--fraction", type=float, default=1.0, help="share of the month's articles")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "dask.json")
    parser.add_argument("--markdown", type=Path, default=ROOT / "bench" / "results" / "dask.md")
    args = parser.parse_args()
    if not CORPUS.is_file():
        sys.exit(f"skipped: {CORPUS} is absent")
    runs: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="kg-dask-bench-") as folder:
        archive = Path(folder) / "archive"
        files = write_archive(CORPUS, archive, fraction=args.fraction)
        characters = sum(len(path.read_text(encoding="utf-8")) for path in files)
        for number in range(args.rounds):
            order = ENGINES if number % 2 == 0 else tuple(reversed(ENGINES))
            for engine in order:
                run = build(engine, archive, Path(folder) / f"out-{engine}", args.workers)
                run["round"] = number + 1
                runs.append(run)
                print(json.dumps({k: v for k, v in run.items() if k != "digests"}), flush=True)
    same = all(run["digests"] == runs[0]["digests"] for run in runs)
    best = {engine: min((r for r in runs if r["engine"] == engine), key=lambda r: r["wall_seconds"])
            for engine in ENGINES}  # fmt: skip
    ratio = best["dask"]["wall_seconds"] / best["pool"]["wall_seconds"]
    cpu_ratio = best["dask"]["cpu_seconds"] / best["pool"]["cpu_seconds"]
    result = {"files": len(files), "characters": characters, "workers": args.workers, "rounds": args.rounds,
              "same_bytes": same, "ratio_wall": round(ratio, 3), "ratio_cpu": round(cpu_ratio, 3),
              "runs": [{k: v for k, v in r.items() if k != "digests"} for r in runs]}  # fmt: skip
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    lines = [
        "# Dask engine against the local pool (bench/dask_bench.py)",
        "",
        f"People's Daily, January 1998: {len(files):,} files, {characters:,} characters; every output, "
        f"{args.workers} workers, no cache, each build in a fresh interpreter; engines alternated over "
        f"{args.rounds} round(s) on this project's shared 2-core machine (CPU seconds: the build and all its "
        "processes).",
        "",
        "| round | engine | wall s | CPU s | load average before |",
        "|---|---|---|---|---|",
        *(f"| {r['round']} | {r['engine']} | {r['wall_seconds']} | {r['cpu_seconds']} | {r['load_average']} |"
          for r in runs),
        "",
        f"Fastest repeat: dask {best['dask']['wall_seconds']} s against pool {best['pool']['wall_seconds']} s, "
        f"**ratio {ratio:.3f}** (Dask overhead {100 * (ratio - 1):+.1f} %); CPU seconds ratio {cpu_ratio:.3f}. "
        f"Outputs byte-identical across engines and rounds: {'yes' if same else 'NO'}.",
        "",
    ]
    args.markdown.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
