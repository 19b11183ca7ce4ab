"""Golden cases: the sample page (kg/data/sample, built once per session) against tests/cases/sample_page/expected.ttl,
and each other folder of tests/cases (input.txt, args.json, expected.ttl).

The built graph must be isomorphic (rdflib.compare) to the expected one. On a difference the test prints the triples
only in the expected graph and only in the built one. After an intended change, rebuild the expected graph
(`make sample` and copy output/graph.ttl to tests/cases/sample_page/expected.ttl, or `kg build
tests/cases/NAME/input.txt -o OUT --date DATE` and copy OUT/graph.ttl to expected.ttl) and review its diff before committing.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

import kg
from kg.publish.export import union_graph


CASES = Path(__file__).parent / "cases"
SAMPLE_CASE = "sample_page"


def _readable(graph: Graph, limit: int = 40) -> str:
    lines = sorted(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in graph)
    more = f"\n… and {len(lines) - limit} more" if len(lines) > limit else ""
    return "\n".join(lines[:limit]) + more


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_golden_case(case: str, tmp_path: Path, sample_build: kg.BuildResult) -> None:
    if case == SAMPLE_CASE:
        result, expected_path = sample_build, CASES / SAMPLE_CASE / "expected.ttl"
    else:
        folder = CASES / case
        args = json.loads((folder / "args.json").read_text(encoding="utf-8"))
        settings = kg.Settings(date=dt.date.fromisoformat(args["date"]), publication=args.get("publication"))
        result = kg.build([folder / "input.txt"], tmp_path, settings=settings)
        expected_path = folder / "expected.ttl"
    built = union_graph(result.dataset)
    expected = Graph().parse(expected_path, format="turtle")
    if not isomorphic(built, expected):
        _, only_expected, only_built = graph_diff(to_isomorphic(expected), to_isomorphic(built))
        pytest.fail(
            f"graph of case {case!r} differs from {expected_path.name}\n"
            f"--- only in expected ({len(only_expected)}):\n{_readable(only_expected)}\n"
            f"+++ only in built ({len(only_built)}):\n{_readable(only_built)}",
            pytrace=False,
        )
