"""Bulk loading (`kg load --bulk`): kg's N-Quads handed to a store's own loader — Virtuoso's bulk loader on loopback,
an Oxigraph store, a Qleverfile for QLever — must leave the store answering exactly what `kg query` answers on the
same output: the same quads in each named graph, and the same competency-query rows."""

from __future__ import annotations

import configparser
import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import GraphParseError, InputError, StoreError
from kg.store.bulk import bulk_load, nquads_files, qleverfile_text
from kg.publish.export import write_exports
from kg.store.query import named_query, run
from kg.graph.vocab import ONTOLOGY_IRI, ontology_graph
from tests.stores.gold import gold_dataset
from tests.stores.servers import sparql_select

# quads per named graph of kg's own graphs (a server store holds system graphs of its own besides)
PER_GRAPH = """SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o }
  FILTER(STRSTARTS(STR(?g), "https://w3id.org/kgnews/")) } GROUP BY ?g ORDER BY ?g"""
QUERIES = ("posts", "organizations-in-place", "quantities-by-year", "sources-of-facts")


@pytest.fixture(scope="module")
def gold_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gold")
    write_exports(gold_dataset(), out)
    return out


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _rows(result) -> list[tuple[str, ...]]:
    return [tuple("" if t is None else str(t) for t in row) for row in result.rows]


def _split(nq: Path, first: Path, second: Path) -> None:
    """Write the lines of ``nq`` into two files, as two shards would hold them."""
    lines = nq.read_text(encoding="utf-8").splitlines(keepends=True)
    for folder in (first.parent, second.parent):
        folder.mkdir(parents=True, exist_ok=True)
    first.write_text("".join(lines[0::2]), encoding="utf-8")
    second.write_text("".join(lines[1::2]), encoding="utf-8")


# ------------------------------------------------------------------------------------------------- inputs


def test_sources_resolve_to_nquads_files(tmp_path: Path, gold_dir: Path) -> None:
    shard = tmp_path / "shard0"
    shard.mkdir()
    (shard / "shard.nq").write_text("", encoding="utf-8")
    files = nquads_files([gold_dir, shard, gold_dir / "graph.nq"])
    # a build's graph.nq, a shard's shard.nq; a file named twice is loaded once
    assert files == [(gold_dir / "graph.nq").resolve(), (shard / "shard.nq").resolve()]
    with pytest.raises(InputError, match="reads N-Quads"):
        nquads_files([gold_dir / "graph.ttl"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no graph.nq or shard.nq"):
        nquads_files([tmp_path / "empty"])
    with pytest.raises(InputError, match="no such file"):
        nquads_files([tmp_path / "missing.nq"])


def test_cli_bulk_usage_errors(runner: CliRunner, gold_dir: Path) -> None:
    result = runner.invoke(main, ["load", str(gold_dir), "--bulk", "oxigraph"])
    assert result.exit_code == 2 and "--location" in result.output
    result = runner.invoke(main, ["load", str(gold_dir), "--bulk", "virtuoso", "--endpoint", "http://x/sparql"])
    assert result.exit_code == 2 and "do not apply to --bulk" in result.output
    result = runner.invoke(main, ["load", str(gold_dir), str(gold_dir)])
    assert result.exit_code == 2 and "--endpoint" in result.output


# ------------------------------------------------------------------------------------------------- Oxigraph


def test_oxigraph_bulk_load_answers_as_kg_query(runner: CliRunner, tmp_path: Path, gold_dir: Path) -> None:
    _split(gold_dir / "graph.nq", tmp_path / "a" / "graph.nq", tmp_path / "b" / "shard.nq")
    store = tmp_path / "store"
    result = runner.invoke(main, ["load", str(tmp_path / "a"), str(tmp_path / "b"), "--bulk", "oxigraph",
                                  "--location", str(store)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "bulk-loaded 2 N-Quads file(s) into oxigraph" in result.output
    expected = _rows(run(gold_dir, PER_GRAPH))
    assert len(expected) > 3 and (ONTOLOGY_IRI, str(len(ontology_graph()))) in expected
    assert _rows(run(store, PER_GRAPH)) == expected
    for name in QUERIES:
        assert _rows(run(store, named_query(name).text)) == _rows(run(gold_dir, named_query(name).text)), name
    # loading again adds nothing
    bulk_load([tmp_path / "a", tmp_path / "b"], "oxigraph", location=store)
    assert _rows(run(store, PER_GRAPH)) == expected


def test_oxigraph_bad_syntax_leaves_no_store(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text('<http://e/a> <http://e/p> "x" <http://e/g> .\n<http://e/a> <http://e/p> .\n', encoding="utf-8")
    with pytest.raises(GraphParseError, match="bad.nq:2"):
        bulk_load([bad], "oxigraph", location=tmp_path / "store")
    assert not (tmp_path / "store").exists()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(StoreError, match="neither an Oxigraph store nor an empty folder"):
        bulk_load([bad], "oxigraph", location=tmp_path / "other")


# ------------------------------------------------------------------------------------------------- QLever


def test_qlever_folder_names_every_file_as_nquads(tmp_path: Path, gold_dir: Path) -> None:
    folder = tmp_path / "ql"
    result = bulk_load([gold_dir, gold_dir / "graph.nq"], "qlever", location=folder)
    assert result.command and "qlever index" in result.command
    config = configparser.ConfigParser(interpolation=None)
    config.read(folder / "Qleverfile", encoding="utf-8")
    assert config["data"]["FORMAT"] == "nq"
    # the control script globs INPUT_FILES relative to the Qleverfile: links in input/ to the absolute files
    assert shlex.split(config["index"]["INPUT_FILES"]) == ["input/00000.nq", "kg-ontology.ttl"]
    assert (folder / "input" / "00000.nq").resolve() == (gold_dir / "graph.nq").resolve()
    inputs = json.loads(config["index"]["MULTI_INPUT_JSON"])
    assert [(i["cmd"], i["format"]) for i in inputs] == [("cat input/00000.nq", "nq"), ("cat kg-ontology.ttl", "ttl")]
    assert inputs[1]["graph"] == ONTOLOGY_IRI and (folder / "kg-ontology.ttl").is_file()
    assert "kg-ontology" not in qleverfile_text(["input/00000.nq"], "kg", with_ontology=False)


# the control script comes with the dev extra into the venv, whose bin/ `make test` does not put on PATH
QLEVER = shutil.which("qlever") or shutil.which("qlever", path=str(Path(sys.executable).parent))


@pytest.mark.skipif(QLEVER is None, reason="the qlever control script (pip install qlever) is absent")
def test_qlever_control_script_reads_the_qleverfile(tmp_path: Path, gold_dir: Path) -> None:
    folder = tmp_path / "ql"
    bulk_load([gold_dir], "qlever", location=folder)
    shown = subprocess.run([str(QLEVER), "index", "--show"], cwd=folder, capture_output=True, text=True, timeout=60)
    assert "-f <(cat input/00000.nq) -g - -F nq" in shown.stdout + shown.stderr, shown.stdout + shown.stderr


# ------------------------------------------------------------------------------------------------- Virtuoso


@pytest.mark.slow
def test_virtuoso_bulk_load_answers_as_kg_query(virtuoso, runner: CliRunner, gold_dir: Path) -> None:
    shards = virtuoso.data / "shards"
    _split(gold_dir / "graph.nq", shards / "0" / "shard.nq", shards / "1" / "shard.nq")
    args = ["load", str(shards / "0"), str(shards / "1"), "--bulk", "virtuoso", "--isql",
            f"127.0.0.1:{virtuoso.sql_port}", "--password", "dba", "--loaders", "2"]  # fmt: skip
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    expected = _rows(run(gold_dir, PER_GRAPH))
    got = [(b["g"]["value"], b["n"]["value"]) for b in sparql_select(virtuoso.sparql, PER_GRAPH)]
    assert got == expected
    # the ontology copy Virtuoso read is gone again
    assert sorted(p.name for p in (shards / "0").iterdir()) == ["shard.nq"]
    for name in ("posts", "quantities-by-year"):
        text = named_query(name).text
        want = run(gold_dir, text)
        rows = [tuple(b.get(v, {}).get("value", "") for v in want.variables) for b in sparql_select(virtuoso.sparql,
                                                                                                   text)]  # fmt: skip
        assert rows == _rows(want), name
    # loading again adds nothing
    assert runner.invoke(main, args).exit_code == 0
    assert [(b["g"]["value"], b["n"]["value"]) for b in sparql_select(virtuoso.sparql, PER_GRAPH)] == expected


@pytest.mark.slow
def test_virtuoso_bulk_load_errors_are_one_line(virtuoso, runner: CliRunner, gold_dir: Path, tmp_path: Path) -> None:
    address = f"127.0.0.1:{virtuoso.sql_port}"
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(gold_dir / "graph.nq", outside / "graph.nq")
    cases = [
        (["--isql", address, "--password", "dba"], "add it to DirsAllowed"),  # a folder the server may not read
        (["--isql", address, "--password", "wrong"], "refused the login of user 'dba'"),
        (["--isql", "127.0.0.1:9", "--password", "dba"], "cannot reach Virtuoso at 127.0.0.1:9"),
        (["--isql", address, "--isql-program", "no-such-isql"], "no-such-isql: no such program"),
    ]
    for options, message in cases:
        result = runner.invoke(main, ["load", str(outside), "--bulk", "virtuoso", *options])
        assert result.exit_code == 1, options
        assert message in result.output and "Traceback" not in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1, result.output
