"""The graph commands end to end through the CLI: build exports and store, query, validate, stats, load, serve."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.publish.export import FORMATS
from kg.store.query import list_queries
from tests.stores.servers import oxigraph_server, sparql_select, stop

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "kg" / "data" / "sample" / "inner_mongolia_daily_2021-02-22_p3.txt"


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample page built through the CLI into an output folder and a store."""
    tmp = tmp_path_factory.mktemp("built")
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "-o", str(tmp / "out"), "--date", "2021-02-22",
                                       "--store", str(tmp / "db"), "-q"])  # fmt: skip
    assert result.exit_code == 0, result.output
    return tmp


def test_build_writes_every_export_and_the_store(built: Path) -> None:
    names = {p.name for p in (built / "out").iterdir()}
    assert set(FORMATS.values()) | {"graph.html"} <= names
    store = ox.Store.read_only(str(built / "db"))
    graphs = {g.value for g in store.named_graphs()}
    exported = {q.graph_name.value for q in ox.parse(path=str(built / "out" / "graph.nq"))}
    assert sum("/graph/article/" in g for g in exported) >= 6
    assert exported <= graphs


def test_build_format_option_limits_exports(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["build", str(SAMPLE), "-o", str(tmp_path), "--date", "2021-02-22",
                                  "--format", "nq", "--format", "jsonld", "-q"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "graph.html", "graph.jsonld", "graph.nq"]  # .kg-cache holds the incremental cache


def test_rebuilding_into_the_store_is_idempotent(runner: CliRunner, built: Path) -> None:
    before = len(ox.Store.read_only(str(built / "db")))
    result = runner.invoke(main, ["build", str(SAMPLE), "-o", str(built / "again"), "--date", "2021-02-22",
                                  "--store", str(built / "db"), "-q", "--format", "nq"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(ox.Store.read_only(str(built / "db"))) == before


def test_sample_build_validates(runner: CliRunner, built: Path) -> None:
    for source in (built / "out", built / "out" / "graph.jsonld", built / "db"):
        result = runner.invoke(main, ["validate", str(source)])
        assert result.exit_code == 0, result.output
        assert "conforms to the kg shapes" in result.output


def test_every_competency_query_runs_on_the_sample_build(runner: CliRunner, built: Path) -> None:
    for item in list_queries():
        for source in (built / "out", built / "db"):
            fmt = "turtle" if "CONSTRUCT" in item.text else "json"
            result = runner.invoke(main, ["query", str(source), item.name, "--format", fmt])
            assert result.exit_code == 0, f"{item.name} on {source.name}: {result.output}"


def test_query_list_and_sources(runner: CliRunner, gold_dir: Path) -> None:
    listing = runner.invoke(main, ["query", "--list"])
    assert listing.exit_code == 0 and "posts" in listing.output and "Who holds which post where" in listing.output
    by_name = runner.invoke(main, ["query", str(gold_dir), "posts", "--format", "csv"])
    by_file = runner.invoke(main, ["query", str(gold_dir / "graph.trig"), "-f",
                                   str(ROOT / "ontology" / "queries" / "posts.rq"), "--format", "csv"])  # fmt: skip
    by_stdin = runner.invoke(main, ["query", str(gold_dir / "graph.jsonld"), "-", "--format", "csv"],
                             input=(ROOT / "ontology" / "queries" / "posts.rq").read_text(encoding="utf-8"))
    assert by_name.exit_code == by_file.exit_code == by_stdin.exit_code == 0
    assert by_name.output == by_file.output == by_stdin.output
    assert by_name.output.startswith("personName,title,orgName\n李炯,组织部长,赤峰市委\n")  # CliRunner folds CRLF


def test_query_errors_exit_1_with_position(runner: CliRunner, gold_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(main, ["query", str(gold_dir), "SELECT * WHERE {\n ?s ?p \n}"])
    assert result.exit_code == 1
    assert "at line 3, column " in result.output and "Traceback" not in result.output
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://e/a> <http://e/b> .\n", encoding="utf-8")
    result = runner.invoke(main, ["query", str(bad), "ASK {}"])
    assert result.exit_code == 1 and "bad.ttl:1:" in result.output
    result = runner.invoke(main, ["query", str(gold_dir / "graph.nq"), "--timeout", "1",
                                  "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"])
    assert result.exit_code == 1 and "--timeout" in result.output


def test_validate_fails_on_violations(runner: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "@prefix kg: <https://w3id.org/kgnews/ontology#> .\n"
        "<https://w3id.org/kgnews/id/place/1> a kg:City ; kg:divisionCode \"12\" .\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["validate", str(broken)])
    assert result.exit_code == 1
    assert "an entity has a label" in result.output and "6-digit" in result.output
    assert "2 violation(s)" in result.output
    assert runner.invoke(main, ["validate", str(tmp_path / "missing.ttl")]).exit_code == 1
    assert runner.invoke(main, ["validate", "--check-ontology", str(broken)]).output.count("ontology:") == 0


def test_stats(runner: CliRunner, gold_dir: Path) -> None:
    result = runner.invoke(main, ["stats", str(gold_dir / "graph.nq"), "--format", "json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    assert counts["articles"] == 6 and counts["mentions"] == 28 and counts["graphs"] == 7
    assert counts["facts_with_provenance"] == 23 and counts["facts_without_provenance"] == 1
    assert counts["classes"]["kg:City"] == 6 and counts["properties"]["kg:builds"] == 2
    text = runner.invoke(main, ["stats", str(gold_dir)]).output
    assert "facts 24: 23 with provenance" in text


def test_load_command(runner: CliRunner, gold_dir: Path, tmp_path: Path) -> None:
    with oxigraph_server(tmp_path) as url:
        result = runner.invoke(main, ["load", str(gold_dir), "--endpoint", f"{url}/store"])
        assert result.exit_code == 0, result.output
        rows = sparql_select(f"{url}/query", "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert rows[0]["n"]["value"] == "8"  # six articles, the entities and the ontology
    result = runner.invoke(main, ["load", str(gold_dir), "--endpoint", f"{url}/store"])
    assert result.exit_code == 1 and "cannot talk to" in result.output and "nothing had been written" in result.output


def _assert_port_closes(port: int) -> None:
    """The server stops with kg: within a few seconds its port refuses connections."""
    deadline = time.monotonic() + 10
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", timeout=2).close()
        except OSError:
            return
        assert time.monotonic() < deadline, "the SPARQL server outlived kg serve"
        time.sleep(0.2)


def test_serve_command_answers_over_http(gold_dir: Path) -> None:
    from tests.stores.servers import free_port

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", str(gold_dir), "--port", str(port)],
                               stderr=subprocess.PIPE, env=env, cwd=ROOT)  # fmt: skip
    try:
        assert process.stderr is not None
        line = process.stderr.readline().decode()
        assert f"http://127.0.0.1:{port}/query" in line
        query = urllib.parse.quote("ASK { ?x <http://www.w3.org/2000/01/rdf-schema#label> \"乌海市\"@zh }")
        request = urllib.request.Request(f"http://127.0.0.1:{port}/query?query={query}",
                                         headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            assert json.loads(reply.read())["boolean"] is True
    finally:
        stop(process, signal.SIGINT)
    _assert_port_closes(port)


def test_sample_exports_parse_back_to_the_same_dataset(built: Path) -> None:
    from rdflib import Dataset

    from tests.stores.servers import quads_of
    from tests.test_graph_export import _quads

    out = built / "out"
    reference = quads_of(ox.parse(path=str(out / "graph.nq")))
    assert len(reference) > 1000
    for name in ("graph.trig", "graph.jsonld"):
        assert quads_of(ox.parse(path=str(out / name))) == reference, name
        back = Dataset()
        back.parse(out / name, format="trig" if name.endswith("trig") else "json-ld")
        assert _quads(back) == reference, name
    union = {(s, p, o) for s, p, o, _ in reference}
    for name, fmt in (("graph.ttl", "turtle"), ("graph.nt", "nt")):
        assert {q[:3] for q in quads_of(ox.parse(path=str(out / name)))} == union, name
        assert {q[:3] for q in _quads(Dataset().parse(out / name, format=fmt))} == union, name


def test_load_malformed_input_names_line_and_column(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonld"
    bad.write_text('{"@id": "http://e/a",\n "http://e/p": }\n', encoding="utf-8")
    result = runner.invoke(main, ["load", str(bad), "--endpoint", "http://127.0.0.1:9/store"])
    assert result.exit_code == 1
    assert "bad.jsonld:2:16:" in result.output and "Unexpected closing curly bracket" in result.output


def test_a_killed_kg_serve_leaves_no_server_behind(gold_dir: Path) -> None:
    from tests.stores.servers import free_port

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", str(gold_dir), "--port", str(port)],
                               stderr=subprocess.PIPE, env=env, cwd=ROOT)  # fmt: skip
    assert process.stderr is not None
    assert "/query" in process.stderr.readline().decode()
    process.kill()
    process.wait()
    _assert_port_closes(port)
