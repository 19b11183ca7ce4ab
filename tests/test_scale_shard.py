"""Archives beyond one machine: shards extracted by separate processes, merged into the graph of a single build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import kg
from kg.errors import InputError
from kg.graph.vocab import KG
from kg.shard import SHARD_FILE, SHARD_FORMAT, SHARD_NQUADS, parse_shard, shard_of

from .conftest import SAMPLE_DATE
from .scale_helpers import run_kg, write_archive


def test_parse_shard() -> None:
    assert parse_shard("0/2") == (0, 2) and parse_shard("3/4") == (3, 4)
    for bad in ("2/2", "-1/2", "a/b", "1", "1/0"):
        with pytest.raises(ValueError):
            parse_shard(bad)


def test_shards_partition_the_inputs_stably(tmp_path: Path) -> None:
    files = write_archive(tmp_path / "a", copies=4)
    assignment = [shard_of(path, 3) for path in files]
    assert assignment == [shard_of(path, 3) for path in files]  # no salted hash(): same answer every run
    assert set(assignment) == {0, 1, 2}


@pytest.mark.slow
def test_two_shard_processes_merge_to_the_single_build(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    write_archive(archive, copies=2)
    single = run_kg("build", str(archive), "-o", str(tmp_path / "single"), "--date", "2021-02-22", "--quiet")
    assert single.returncode == 0, single.stderr
    for index in (0, 1):
        shard = run_kg("build", str(archive), "--shard", f"{index}/2", "-o", str(tmp_path / f"shard{index}"),
                       "--date", "2021-02-22", "--workers", "1")
        assert shard.returncode == 0, shard.stderr
        assert (tmp_path / f"shard{index}" / SHARD_FILE).is_file()
    sizes = [len((tmp_path / f"shard{i}" / SHARD_NQUADS).read_text(encoding="utf-8").splitlines()) for i in (0, 1)]
    assert all(size > 100 for size in sizes)
    merged = run_kg("merge", str(tmp_path / "shard1"), str(tmp_path / "shard0"), "-o", str(tmp_path / "merged"))
    assert merged.returncode == 0, merged.stderr
    single_files = sorted(p.name for p in (tmp_path / "single").iterdir() if p.is_file() and p.name != ".kg-lock")
    assert "graph.ttl" in single_files and "graph.nq" in single_files and "graph.html" in single_files
    for name in single_files:
        assert (tmp_path / "merged" / name).read_bytes() == (tmp_path / "single" / name).read_bytes(), name
    assert not (tmp_path / "merged" / ".kg-work").exists()
    # The shards' N-Quads hold every article graph of the archive, ready for a store's bulk loader: here the
    # oxigraph server's own loader (`oxigraph load`), then the store is opened as the server would open it.
    oxigraph = Path(sys.executable).with_name("oxigraph")
    if not oxigraph.exists():
        pytest.skip("the oxigraph command is not installed")
    store_dir = tmp_path / "store"
    loaded = subprocess.run([str(oxigraph), "load", "--location", str(store_dir), "--file",
                             *(str(tmp_path / f"shard{i}" / SHARD_NQUADS) for i in (0, 1))],
                            capture_output=True, text=True, timeout=300, check=False)
    assert loaded.returncode == 0, loaded.stderr
    import pyoxigraph

    store = pyoxigraph.Store(str(store_dir))
    graphs = {str(row[0]) for row in store.query(
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?a a <{KG.Article}> }} }}")}
    assert len(graphs) == merged_articles(tmp_path / "merged")


def merged_articles(out: Path) -> int:
    """How many article nodes the merged graph has."""
    from rdflib import Graph
    from rdflib.namespace import RDF

    graph = Graph().parse(out / "graph.ttl", format="turtle")
    return len(set(graph.subjects(RDF.type, KG.Article)))


def test_merge_refuses_an_incomplete_or_mixed_set(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    files = write_archive(archive)
    kg.api.build_shard([archive], tmp_path / "s0", (0, 2), settings=kg.Settings(date=SAMPLE_DATE))
    with pytest.raises(InputError, match="missing shard"):
        kg.api.merge([tmp_path / "s0"], tmp_path / "out")
    kg.api.build_shard(files[:3], tmp_path / "other", (1, 2), settings=kg.Settings(date=SAMPLE_DATE))
    with pytest.raises(InputError, match="other inputs"):
        kg.api.merge([tmp_path / "s0", tmp_path / "other"], tmp_path / "out")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / SHARD_FILE).write_bytes(f"kg-shard {SHARD_FORMAT}\n".encode() + b"\x80garbage")
    with pytest.raises(InputError, match="damaged shard"):
        kg.api.merge([tmp_path / "broken"], tmp_path / "out")
    (tmp_path / "broken" / SHARD_FILE).write_bytes(b"kg-shard\n\x80an older kg's shard")
    with pytest.raises(InputError, match="another version of kg"):
        kg.api.merge([tmp_path / "broken"], tmp_path / "out")
    result = run_kg("merge", str(tmp_path / "nothing"), "-o", str(tmp_path / "out"))
    assert result.returncode == 1 and "Traceback" not in result.stderr and "kg build --shard" in result.stderr
    assert not (tmp_path / "out").exists()
