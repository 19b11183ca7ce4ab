"""Cost per article for the plan on paper (docs/scaling.md, "10^8 articles"): CPU seconds, N-Quads bytes and quads.

Slices of the People's Daily of January 1998 (every k-th article, one file per article, as bench/run.py writes them)
are built with one worker and N-Quads only (what an archive-sized build keeps), each in a fresh interpreter. CPU time
(user + system of the build and its children, from ``getrusage``) is measured rather than wall time: the machine is
shared, and under load the wall time says more about the neighbours than about kg. The marginal cost between the
smallest and largest slice removes the fixed cost of a process (interpreter, models, ontology).

    python bench/cost_per_article.py --every 20 10 5 --markdown bench/results/cost_per_article.md
"""

from __future__ import annotations

import argparse
import json
import os
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


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished children of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build_slice(every: int, work: Path, ner: str) -> dict[str, float | int]:
    """Build every ``every``-th article of the month; CPU seconds, wall seconds and what the N-Quads hold."""
    files = write_archive(CORPUS, work / f"in{every}", every=every)
    characters = sum(len(path.read_text(encoding="utf-8")) for path in files)
    out = work / f"out{every}"
    argv = [sys.executable, "-m", "kg", "build", str(work / f"in{every}"), "-o", str(out), "--workers", "1",
            "--no-cache", "--format", "nq", "--ner", ner, "--date", "1998-01-01", "--quiet"]  # fmt: skip
    before, started, load = children_cpu(), time.monotonic(), load_average()
    subprocess.run(argv, check=True, cwd=ROOT)
    cpu, wall = children_cpu() - before, time.monotonic() - started
    nq = out / "graph.nq"
    with nq.open("rb") as handle:
        quads = sum(1 for _ in handle)
    return {"every": every, "articles": len(files), "characters": characters, "cpu_seconds": round(cpu, 2),
            "wall_seconds": round(wall, 2), "load_average": load, "quads": quads, "nq_bytes": nq.stat().st_size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, nargs="+", default=[20, 10, 5])
    parser.add_argument("--ner", default="lac")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "cost_per_article.json")
    parser.add_argument("--markdown", type=Path, default=ROOT / "bench" / "results" / "cost_per_article.md")
    args = parser.parse_args()
    if not CORPUS.is_file():
        sys.exit(f"skipped: {CORPUS} is absent")
    with tempfile.TemporaryDirectory(prefix="kg-cost-") as folder:
        rows = [build_slice(every, Path(folder), args.ner) for every in sorted(args.every, reverse=True)]
    small, large = rows[0], rows[-1]
    articles = large["articles"] - small["articles"]
    characters = large["characters"] - small["characters"]
    cpu = large["cpu_seconds"] - small["cpu_seconds"]
    marginal = {"ms_per_article": round(1000 * cpu / articles, 2), "us_per_character": round(1e6 * cpu / characters, 2),
                "characters_per_cpu_second": round(characters / cpu), "fixed_cpu_seconds":
                round(small["cpu_seconds"] - cpu / characters * small["characters"], 2),
                "quads_per_article": round(large["quads"] / large["articles"], 1),
                "nq_bytes_per_quad": round(large["nq_bytes"] / large["quads"], 1)}  # fmt: skip
    result = {"ner": args.ner, "cores": os.cpu_count(), "slices": rows, "marginal": marginal}
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    lines = [
        "# Cost per article (bench/cost_per_article.py)",
        "",
        f"One worker, N-Quads only, tagger {args.ner}, on this project's shared 2-core machine; CPU seconds of the "
        "build process and its children (wall time is not comparable under the neighbours' load).",
        "",
        "| slice | articles | characters | CPU s | wall s | load average | quads | N-Quads bytes |",
        "|---|---|---|---|---|---|---|---|",
        *(f"| every {r['every']}th | {r['articles']:,} | {r['characters']:,} | {r['cpu_seconds']} | {r['wall_seconds']} "
          f"| {r['load_average']} | {r['quads']:,} | {r['nq_bytes']:,} |" for r in rows),
        "",
        f"Marginal cost: **{marginal['ms_per_article']} ms CPU per article**, {marginal['us_per_character']} µs per "
        f"character ({marginal['characters_per_cpu_second']:,} characters per CPU second); fixed cost of a process "
        f"{marginal['fixed_cpu_seconds']} CPU s; {marginal['quads_per_article']} quads per article, "
        f"{marginal['nq_bytes_per_quad']} bytes of N-Quads per quad.",
        "",
    ]
    args.markdown.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
