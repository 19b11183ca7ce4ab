"""Benchmark kg on a real archive: the People's Daily of January 1998 (3,148 articles, 1.84 M characters).

``python bench/run.py`` (what ``make bench`` runs) turns the segmented corpus in ../shared/data back into one plain
text file per article (plus the sample page), builds the archive at 25 %, 50 % and 100 % with 2 workers and at 50 %
with 1 worker, each in a fresh process with all outputs, and writes bench/results.json and bench/results.md:
time, characters per second and share of the work per stage, peak memory and the run's totals.

The machine is shared, so every configuration is built ``--repeat`` times, in rounds that run each configuration once
(the 1- and 2-worker builds of a round see about the same neighbours). Times are read as the fastest of the repeats,
as ``timeit`` does: a slower repeat measures the other users of the machine, not kg. The median and every repeat are
reported too. Nothing samples memory during the timed rounds (a sampler takes CPU from a 2-worker build, which has
no idle core to spare, and none from a 1-worker build, which has); a last round builds each configuration once more
with the memory of its process tree sampled every 0.2 s, and its time is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "peoples_daily_199801" / "199801.utf8.txt"
SAMPLE = ROOT / "kg" / "data" / "sample" / "inner_mongolia_daily_2021-02-22_p3.txt"

# The stages of the issue, and which runner timings (stage names and phases) each one adds up.
GROUPS = (
    ("read/clean", ("ingest.read", "ingest.clean")),
    ("segment", ("ingest.segment",)),
    ("recognise", ("nlp.tag", "nlp.rules", "nlp.link", "nlp.gazetteer")),
    ("relate", ("nlp.",)),
    ("resolve", ("resolve",)),
    ("RDF", ("rdf",)),
    ("serialize", ("serialize",)),
    ("view", ("view",)),
)

EXTRACTION = ("read/clean", "segment", "recognise", "relate")
# What limits each stage on this kind of machine (from profiling; see docs/scaling.md).
BOUNDS = {
    "recognise": "the tagger's model inference, CPU-bound in each worker; it scales with the number of workers",
    "relate": "Python regular expressions over each sentence, CPU-bound in each worker",
    "serialize": "grouping and sorting the N-Triples terms in Python; the files are split over the workers' processes",
    "RDF": "making the N-Triples terms of each quad, single-threaded in the main process",
    "view": "layout and page payload of the entity network, single-threaded",
    "resolve": "one pass over all mentions in the main process",
    "read/clean": "character-level Python loops in each worker",
    "segment": "regular expressions over each document in each worker",
}


# A section of bench/results.md written by hand (A/B figures measured on a shared machine): kept when the file is made.
KEPT_HEADING = "## Measured on a shared machine"
# The round that samples memory (its time is not counted).
MEMORY_ROUND = "memory"


def group_of(name: str) -> str:
    """The benchmark stage a runner timing belongs to (first matching prefix; other nlp.* steps are 'relate')."""
    for group, prefixes in GROUPS:
        if any(name == p or name.startswith(p if p.endswith(".") else p + ".") for p in prefixes):
            return group
    return "other"


def quad_count(files: list[Path]) -> int:
    """The number of quads the build wrote: the lines of its N-Quads file (one quad per line)."""
    with next(path for path in files if path.name == "graph.nq").open("rb") as lines:
        return sum(1 for _ in lines)


def measure_one(inputs: Path, workers: int, out: Path, ner: str | None = None) -> dict[str, object]:
    """Build ``inputs`` into ``out`` in this process and return the figures (called in a fresh subprocess)."""
    import kg

    start = time.perf_counter()
    result = kg.build([inputs], out, workers=workers, incremental=False, keep_going=True, ner=ner)
    wall = time.perf_counter() - start
    stats = result.stats
    stages: dict[str, float] = {}
    for name, seconds in stats.timings.seconds.items():
        stages[group_of(name)] = stages.get(group_of(name), 0.0) + seconds
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {
        "workers": stats.workers,
        "files": stats.documents + len(stats.skipped),
        "skipped": len(stats.skipped),
        "articles": stats.articles,
        "characters": stats.characters,
        "entities": len(result.corpus.entities),
        "relations": stats.relations,
        "facts": stats.quantities + stats.events,
        "quads": quad_count(result.files),
        "output_bytes": {p.name: p.stat().st_size for p in result.files},
        "wall_seconds": wall,
        "stage_seconds": stages,
        "step_seconds": stats.timings.seconds,
        "peak_rss_parent": own,
        "peak_rss_worker": children,
    }


def prepare(work: Path, fractions: list[float]) -> dict[float, Path]:
    """One archive folder per fraction: the first share of the corpus's articles plus the sample page."""
    sys.path.insert(0, str(ROOT))
    from bench.peoples_daily import write_archive

    folders = {}
    for fraction in fractions:
        folder = work / f"archive_{fraction * 100:g}"
        write_archive(CORPUS, folder, fraction)
        shutil.copy(SAMPLE, folder / SAMPLE.name)
        folders[fraction] = folder
    return folders


def run_config(
    folder: Path, workers: int, work: Path, ner: str | None = None, memory: bool = False
) -> dict[str, object]:
    """Measure one build in a fresh interpreter, so peak memory belongs to that build alone; with ``memory``, sample
    the peak PSS of its process tree (``peak_pss_tree``, None otherwise)."""
    out = work / f"out_{folder.name}_{workers}"
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); from bench.run import measure_one; "
            "from pathlib import Path; print(json.dumps(measure_one(Path(sys.argv[2]), int(sys.argv[3]), "
            "Path(sys.argv[4]), sys.argv[5] or None)))")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        argv = [sys.executable, "-c", code, str(ROOT), str(folder), str(workers), str(out), ner or ""]
        process = subprocess.Popen(argv, env=env, stdout=stdout, stderr=stderr, text=True)
        peak = peak_pss(process) if memory else None
        process.wait()
        stdout.seek(0)
        stderr.seek(0)
        if process.returncode != 0:
            raise SystemExit(f"benchmark build failed ({folder.name}, {workers} workers):\n{stderr.read()}")
        figures = json.loads(stdout.read().strip().splitlines()[-1])
    figures["peak_pss_tree"] = peak
    shutil.rmtree(out, ignore_errors=True)
    return figures


def tree(root: int) -> list[int]:
    """``root`` and all its descendants (read from /proc's child lists, which costs far less than a scan of /proc)."""
    found, frontier = [root], [root]
    while frontier:
        pid = frontier.pop()
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                new = [int(child) for child in children.read_text().split()]
            except (OSError, ValueError):
                continue
            found.extend(new)
            frontier.extend(new)
    return found


def _field(path: str, name: str) -> int:
    """A ``Name:  N kB`` field of a /proc file, in bytes (0 when the process has gone)."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return 0
    return 0


def peak_pss(process: subprocess.Popen, interval: float = 0.2) -> int:
    """Wait for ``process`` and return the peak proportional set size (bytes) of its process tree: memory shared by
    forked workers is counted once, unlike adding up their RSS.

    The resident size (cheap to read) is sampled every ``interval`` seconds, and the PSS (which makes the kernel walk
    every page table) only near the largest resident size seen so far. Sampling once a second missed the short peak
    of the outputs being written (figures: bench/results/design_figures.md).
    """
    peak = top_rss = 0
    while process.poll() is None:
        pids = tree(process.pid)
        rss = sum(_field(f"/proc/{pid}/status", "VmRSS:") for pid in pids)
        if rss >= 0.9 * top_rss:
            top_rss = max(top_rss, rss)
            peak = max(peak, sum(_field(f"/proc/{pid}/smaps_rollup", "Pss:") for pid in pids))
        time.sleep(interval)
    return peak


def share(fraction: float) -> str:
    """A fraction as a percentage label: 0.25 → '25 %', 0.005 → '0.5 %'."""
    return f"{fraction * 100:g} %"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: the machine is shared, so figures are read against them."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def markdown(results: dict[str, object]) -> str:
    """The short table committed as bench/results.md."""
    runs = results["summary"]
    assert isinstance(runs, list)
    mib = 1024 * 1024
    lines = [
        "# kg benchmark: People's Daily, January 1998",
        "",
        f"Archive: {results['archive']}. Machine: {results['machine']}. Produced by `python bench/run.py` at kg "
        f"commit {results['commit']}.",
        "",
        "## Runs",
        "",
        f"Times are the fastest of {results['repeat']} repeats (median and all repeats in brackets); memory was "
        "sampled in one more build of each configuration, not timed; the load averages are those around the fastest "
        "repeat.",
        "",
        "| archive | workers | files | articles | characters | quads | wall time | chars/s | peak memory (PSS, all "
        "processes) | peak RSS parent | peak RSS worker | load before → after |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        lines.append(
            f"| {share(run['fraction'])} | {run['workers']} | {run['files']:,} | {run['articles']:,} | "
            f"{run['characters']:,} | {run['quads']:,} | {run['wall_seconds']:.1f} s ({run['wall_median']:.1f}; "
            f"{' / '.join(f'{x:.1f}' for x in run['wall_all'])}) | "
            f"{run['characters'] / run['wall_seconds']:,.0f} | {run['peak_pss_tree'] / mib:,.0f} MiB | "
            f"{run['peak_rss_parent'] / mib:,.0f} MiB | "
            f"{run['peak_rss_worker'] / mib:,.0f} MiB | {run['load_before']} → {run['load_after']} |"
        )
    full = max((r for r in runs if r["workers"] == max(x["workers"] for x in runs)), key=lambda r: r["fraction"])
    total = sum(full["stage_seconds"].values())
    lines += [
        "",
        f"## Stages ({share(full['fraction'])} of the archive, {full['workers']} workers)",
        "",
        "Seconds are summed over the worker processes for the extraction stages (read/clean … relate), so their sum "
        "exceeds the wall time when workers run in parallel.",
        "",
        "| stage | seconds | chars/s | share |",
        "|---|---|---|---|",
    ]
    for group, _ in GROUPS:
        seconds = full["stage_seconds"].get(group, 0.0)
        rate = f"{full['characters'] / seconds:,.0f}" if seconds > 0 else "–"
        lines.append(f"| {group} | {seconds:.1f} | {rate} | {seconds / total:.0%} |")
    lines += ["", "## Targets", ""]
    lines += [f"- {line}" for line in results["verdicts"]]
    lines += ["", "What bounds each stage and what would meet the targets: docs/scaling.md, section Measured."]
    return "\n".join(lines) + "\n"


def summarise(runs: list[dict[str, object]]) -> list[dict[str, object]]:
    """One entry per configuration (fraction, workers): its fastest timed repeat, with the median and every wall time
    of the timed repeats, and the peak memory of its memory round."""
    configs: dict[tuple[float, int], list[dict[str, object]]] = {}
    for run in runs:
        configs.setdefault((run["fraction"], run["workers_asked"]), []).append(run)
    summary = []
    for key in sorted(configs, key=lambda k: (-k[1], k[0])):
        timed = [r for r in configs[key] if r["round"] != MEMORY_ROUND] or configs[key]
        best = dict(min(timed, key=lambda r: r["wall_seconds"]))
        best["wall_all"] = [r["wall_seconds"] for r in timed]
        best["wall_median"] = statistics.median(best["wall_all"])
        best["peak_pss_tree"] = max((r["peak_pss_tree"] or 0) for r in configs[key])
        best["peak_rss_parent"] = max(r["peak_rss_parent"] for r in configs[key])
        best["peak_rss_worker"] = max(r["peak_rss_worker"] for r in configs[key])
        summary.append(best)
    return summary


def verdicts(summary: list[dict[str, object]], runs: list[dict[str, object]]) -> list[str]:
    """The issue's targets checked against the figures (fastest repeats; for the worker speed-up also the ratio
    within each round)."""
    by = {(r["fraction"], r["workers_asked"]): r for r in summary}
    out = []
    if (1.0, 2) in by:
        full = by[(1.0, 2)]
        out.append(f"whole archive, 2 workers, all outputs: {full['wall_seconds']:.0f} s (target < 120 s: "
                   f"{'met' if full['wall_seconds'] < 120 else 'not met'})")
    for fraction in sorted({f for f, w in by if w == 1 and (f, 2) in by}):
        one, two = by[(fraction, 1)], by[(fraction, 2)]
        speedup = one["wall_seconds"] / two["wall_seconds"]
        rounds = {}
        for run in runs:
            if run["fraction"] == fraction and run["round"] != MEMORY_ROUND:
                rounds.setdefault(run["round"], {})[run["workers_asked"]] = run["wall_seconds"]
        paired = sorted(r[1] / r[2] for r in rounds.values() if 1 in r and 2 in r)
        extract_one = sum(v for k, v in one["stage_seconds"].items() if k in EXTRACTION)
        out.append(f"2 workers vs 1 at {share(fraction)}: {speedup:.2f}× end to end, fastest against fastest "
                   f"(target ≥ 1.7×: {'met' if speedup >= 1.7 else 'not met'}); within each round "
                   f"{' / '.join(f'{x:.2f}×' for x in paired)} (median {statistics.median(paired):.2f}×); extraction is "
                   f"{extract_one / one['wall_seconds']:.0%} of the 1-worker run, the rest runs in the main process")
    if (0.5, 2) in by and (1.0, 2) in by:
        growth = by[(1.0, 2)]["wall_seconds"] / by[(0.5, 2)]["wall_seconds"]
        out.append(f"time 100 % / 50 %: {growth:.2f} (target ≤ 2.2: {'met' if growth <= 2.2 else 'not met'})")
        memory = (by[(1.0, 2)]["peak_pss_tree"] / by[(0.5, 2)]["peak_pss_tree"])
        quads = by[(1.0, 2)]["quads"] / by[(0.5, 2)]["quads"]
        out.append(f"peak memory 100 % / 50 %: {memory:.2f}, graph size (quads) 100 % / 50 %: {quads:.2f} "
                   f"({'memory grows no faster than the graph' if memory <= quads * 1.05 else 'memory grows faster'})")
    biggest = max(summary, key=lambda r: (r["fraction"], r["workers_asked"]))
    slowest = max(biggest["stage_seconds"].items(), key=lambda kv: kv[1])[0]
    out.append(f"slowest stage at {share(biggest['fraction'])}: {slowest} — {BOUNDS.get(slowest, '')}")
    peak = max(r["peak_pss_tree"] for r in summary)
    out.append(f"peak memory of all processes (PSS): {peak / 2**30:.2f} GiB (target < 2 GiB: "
               f"{'met' if peak < 2 * 2**30 else 'not met'})")
    return out


def main() -> None:
    """Parse the options, run every configuration and write the JSON and Markdown results."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fractions", default="0.25,0.5,1.0", help="shares of the archive to build with 2 workers")
    parser.add_argument("--single", default="0.5", help="shares to build with 1 worker as well ('' for none)")
    parser.add_argument("--ner", default=None, help="tagger to build with (default: kg build's default)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of builds; times are the fastest round's")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--md", type=Path, default=ROOT / "bench" / "results.md")
    args = parser.parse_args()
    if not CORPUS.is_file():
        raise SystemExit(f"{CORPUS} not found: the benchmark needs ../shared/data next to the repository")
    fractions = [float(x) for x in args.fractions.split(",") if x]
    single = [float(x) for x in args.single.split(",") if x]
    runs = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        work = Path(tmp)
        folders = prepare(work, sorted(set(fractions) | set(single)))
        plan = [(f, 2) for f in fractions] + [(f, 1) for f in single]
        for number in [*range(1, max(1, args.repeat) + 1), MEMORY_ROUND]:
            for fraction, workers in plan:
                before = load_average()
                print(f"round {number}: building {share(fraction)} with {workers} worker(s) (load {before}) …",
                      file=sys.stderr, flush=True)
                figures = run_config(folders[fraction], workers, work, args.ner, memory=number == MEMORY_ROUND)
                figures.update(fraction=fraction, workers_asked=workers, round=number, load_before=before,
                               load_after=load_average())
                print(f"  {figures['wall_seconds']:.1f} s, {figures['articles']} articles", file=sys.stderr,
                      flush=True)
                runs.append(figures)
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip() or "unknown"
    results = {
        "archive": f"{CORPUS.name} as one file per article + the sample page",
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
                   "shared with other users (see the load averages)",
        "commit": commit,
        "ner": args.ner or "default",
        "repeat": max(1, args.repeat),
        "runs": runs,
        "summary": summarise(runs),
    }
    results["verdicts"] = verdicts(results["summary"], runs)
    args.json.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    args.md.write_text(markdown(results) + kept_section(args.md), encoding="utf-8")
    print(markdown(results))


def kept_section(path: Path) -> str:
    """The hand-written section that closes ``path`` (from :data:`KEPT_HEADING` on), kept when the tables above it are
    written again; '' when there is none."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    at = text.find("\n" + KEPT_HEADING)
    return text[at:] if at >= 0 else ""


if __name__ == "__main__":
    main()
