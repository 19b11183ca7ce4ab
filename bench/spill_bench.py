"""Benchmark of the disk-backed dataset (kg/graph/spill.py) against the quads in memory: peak RSS and wall time of
writing every export and the view for millions of synthetic-but-realistic quads.

The quads are copies of a real build of People's Daily articles (every ``--every``-th article of January 1998): copy
``k`` renames every IRI under kg's base (articles, mentions, entities) with a suffix ``-k``, so each copy is a
disjoint dataset with kg's exact shape; the entities graphs of all copies are one entities graph. Each mode runs in
a process of its own, so its peak RSS is its own:

    python bench/spill_bench.py --quads 5000000 --mode spill      # prints one JSON line
    python bench/spill_bench.py --quads 2000000 --mode memory
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import kg  # noqa: E402
from bench.peoples_daily import write_archive  # noqa: E402
from kg.publish.outputs import write_files, write_spilled  # noqa: E402
from kg.run import run  # noqa: E402
from kg.graph.mapping import to_rdf  # noqa: E402
from kg.graph.quads import Quads, Term, Triple  # noqa: E402
from kg.graph.spill import QuadSpill  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "peoples_daily_199801" / "199801.utf8.txt"
BASE = "https://w3id.org/kgnews/id/"
ENTITIES = f"<{BASE}graph/entities>"
_RENAMED = re.compile(r"^(<" + re.escape(BASE) + r"(?!graph/entities>)[^#>]*)")


def base_quads(folder: Path, every: int) -> Quads:
    """A real build of every ``every``-th article of the corpus."""
    write_archive(CORPUS, folder / "archive", every=every)
    return to_rdf(run([folder / "archive"], kg.Settings()), kg.Settings().base_iri)


def copies(quads: Quads, count: int) -> Iterator[tuple[Term | None, list[Triple]]]:
    """The graphs of ``count`` renamed copies of ``quads``, article graphs first, the merged entities graph last."""
    entities: list[Triple] = []
    for k in range(count):
        renamed: dict[Term, Term] = {}

        def rename(term: Term) -> Term:
            found = renamed.get(term)
            if found is None:
                found = renamed[term] = _RENAMED.sub(rf"\g<1>-{k}", term) if term.startswith("<") else term
            return found

        for name, triples in quads.graphs.items():
            copied = [(rename(s), rename(p), rename(o)) for s, p, o in triples]
            if name == ENTITIES:
                entities.extend(copied)
            else:
                yield (None if name is None else rename(name)), copied
    yield ENTITIES, entities


def main() -> None:
    """Run one mode and print its figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quads", type=int, default=5_000_000, help="about how many quads to write")
    parser.add_argument("--mode", choices=("spill", "memory"), required=True)
    parser.add_argument("--every", type=int, default=80, help="build every N-th article as the base")
    parser.add_argument("--buffer", type=int, default=500_000, help="buffer_quads of the spill")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-spill-bench-") as tmp:
        folder = Path(tmp)
        base = base_quads(folder, args.every)
        base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        count = max(1, round(args.quads / len(base)))
        started = time.perf_counter()
        if args.mode == "memory":
            quads = Quads()
            for name, triples in copies(base, count):
                quads.graph(name).update(triples)
            total = len(quads)
            filled = time.perf_counter()
            write_files(quads, folder / "written", workers=args.workers)
        else:
            with QuadSpill(folder, buffer_quads=args.buffer) as spill:
                for name, triples in copies(base, count):
                    spill.add_graph(name, triples)
                total = len(spill)
                filled = time.perf_counter()
                write_spilled(spill, folder / "written", workers=args.workers)
        done = time.perf_counter()
        sizes = {path.name: path.stat().st_size for path in sorted((folder / "written").iterdir())}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({
        "mode": args.mode, "quads": total, "copies": count, "buffer": args.buffer, "workers": args.workers,
        "fill_s": round(filled - started, 1), "write_s": round(done - filled, 1), "base_rss_mib": round(base_rss),
        "peak_rss_mib": round(peak), "peak_child_rss_mib": round(children), "bytes": sum(sizes.values()),
    }))


if __name__ == "__main__":
    main()
