"""The disk-backed dataset (kg/graph/spill.py): the files written from it do not depend on how its quads were cut into
sorted runs (a tiny buffer, many runs merged, against one run) nor on the number of writing processes, its buffer
never holds more than it is allowed, and a store filled from it holds the same quads as one filled from memory."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from bench.peoples_daily import write_archive
from kg.errors import OutputError
from kg.publish.outputs import write_files, write_spilled
from kg.run import run
from kg.publish import export as export_module
from kg.publish.export import FORMATS
from kg.graph.mapping import to_rdf
from kg.graph.quads import Quads, iri, literal
from kg.graph.spill import QuadSpill
from kg.store.store import add_to_store
from tests.stores.servers import quads_of

from .conftest import SAMPLE, SAMPLE_DATE, SAMPLE_PUBLICATION, SHARED_DATA

CORPUS = SHARED_DATA / "peoples_daily_199801" / "199801.utf8.txt"
TINY_BUFFER = 257  # far below the size of the datasets: many runs are merged, large graphs span several runs
BASE = "https://w3id.org/kgnews/id/"
KG = "https://w3id.org/kgnews/ontology#"
RDF_TYPE = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = iri("http://www.w3.org/2000/01/rdf-schema#label")
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def spilled(quads: Quads, folder: Path, buffer_quads: int = TINY_BUFFER) -> QuadSpill:
    """The quads put into a new spill graph by graph, checking the buffer after every graph."""
    spill = QuadSpill(folder, buffer_quads=buffer_quads)
    for name, triples in quads.graphs.items():
        spill.add_graph(name, triples)
        assert spill.buffered <= buffer_quads
    return spill


def assert_same_files(quads: Quads, tmp_path: Path, workers: int, buffer_quads: int = TINY_BUFFER) -> None:
    expected = write_files(quads, tmp_path / "memory", workers=workers)
    with spilled(quads, tmp_path / "spill", buffer_quads) as spill:
        assert len(spill) == len(quads)
        written = write_spilled(spill, tmp_path / "spilled", workers=workers)
    assert [path.name for path in written] == [path.name for path in expected] == [*FORMATS.values(), "graph.html"]
    for mine, theirs in zip(written, expected):
        assert mine.read_bytes() == theirs.read_bytes(), mine.name
    assert not any((tmp_path / "spill").iterdir())  # the spill removed its files


# ------------------------------------------------------------------------------------------------- real builds


@pytest.fixture(scope="module")
def peoples_daily(tmp_path_factory: pytest.TempPathFactory) -> Quads:
    """40 People's Daily articles (every 80th of January 1998) built in memory."""
    if not CORPUS.is_file():
        pytest.skip("../shared/data is not present")
    folder = tmp_path_factory.mktemp("pd")
    write_archive(CORPUS, folder / "archive", every=80)
    return memory_quads([folder / "archive"], kg.Settings())


@pytest.fixture(scope="module")
def sample_quads() -> Quads:
    """The sample page's quads, mapped in memory."""
    return memory_quads([SAMPLE], kg.Settings(date=SAMPLE_DATE, publication=SAMPLE_PUBLICATION))


def memory_quads(inputs: list[Path], settings: kg.Settings) -> Quads:
    """The quads of ``inputs`` held in memory (the corpus of kg.run.run mapped by kg.graph.mapping.to_rdf)."""
    return to_rdf(run(inputs, settings), settings.base_iri)


@pytest.mark.parametrize("workers", [1, 2])
def test_sample_files_are_byte_identical(sample_quads, tmp_path: Path, workers: int) -> None:
    assert len(sample_quads) > 1000
    assert_same_files(sample_quads, tmp_path, workers)


@pytest.mark.data
@pytest.mark.parametrize("workers", [1, 2])
def test_peoples_daily_files_are_byte_identical(peoples_daily: Quads, tmp_path: Path, workers: int) -> None:
    entities = max(peoples_daily.graphs.values(), key=len)
    assert len(entities) > 4 * TINY_BUFFER  # the entities graph is read back from several sorted runs
    assert_same_files(peoples_daily, tmp_path, workers)


@pytest.mark.data
def test_bounded_term_caches_give_the_same_bytes(
    peoples_daily: Quads, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # caches emptied every few terms: the Turtle, TriG and JSON-LD text must not depend on what is cached
    monkeypatch.setattr(export_module, "_CACHE_TERMS", 3)
    formats = ["ttl", "trig", "jsonld"]
    expected = write_files(peoples_daily, tmp_path / "memory", formats)
    with spilled(peoples_daily, tmp_path / "spill") as spill:
        written = write_spilled(spill, tmp_path / "spilled", formats)
    for mine, theirs in zip(written, expected):
        assert mine.read_bytes() == theirs.read_bytes(), mine.name


def test_one_big_buffer_gives_the_same_bytes(sample_quads, tmp_path: Path) -> None:
    # everything in one run, nothing merged
    assert_same_files(sample_quads, tmp_path, 1, buffer_quads=1_000_000)


# ------------------------------------------------------------------------------------------------- edge cases


def _entity(name: str) -> str:
    return iri(f"{BASE}Person/{name}")


def edge_quads(default: bool) -> Quads:
    """A small dataset with the awkward cases of term order: literal prefixes, blank nodes, a triple in two graphs,
    a subject described in several graphs, characters str.splitlines would split at."""
    quads = Quads()
    entities = quads.graph(iri(BASE + "graph/entities"))
    article = quads.graph(iri(BASE + "graph/article/a1"))
    other = quads.graph(iri(BASE + "graph/article/a10"))
    quads.graph(None)  # the default graph exists but is empty unless ``default``
    person, friend = _entity("张三"), _entity("李四")
    for node, name in ((person, "张三"), (friend, "李四")):
        entities.add((node, RDF_TYPE, iri(KG + "Person")))
        entities.add((node, LABEL, literal(name, "zh")))
    entities.add((person, LABEL, literal(f"{'张三'}")))  # a plain literal that is a prefix of the @zh one
    entities.add((person, LABEL, literal("张三 ", "en")))
    entities.add((person, iri(KG + "knows"), friend))
    subject = iri(BASE + "article/a1")
    for text in ("ab", "ab c", "ab\"", "abc", "a\u2028b", "a\x1cb\x85", "line\nbreak", "tab\there"):
        article.add((subject, iri(KG + "text"), literal(text)))
    article.add((subject, iri(KG + "text"), literal("ab", "zh")))
    article.add((subject, iri(KG + "count"), literal("12", datatype=XSD_INTEGER)))
    article.add((subject, iri(KG + "count"), literal("12")))
    article.add((subject, iri(KG + "mentions"), person))
    article.add((subject, iri(KG + "mentions"), "_:b"))
    article.add(("_:b", LABEL, literal("空白", "zh")))
    article.add(("_:b1", LABEL, literal("空白", "zh")))
    article.add(("_:b1", iri(KG + "next"), "_:b"))
    article.add((person, iri(KG + "knows"), friend))  # also in the entities graph: once in the union
    other.add((subject, iri(KG + "text"), literal("ab")))  # the same triple in a third graph
    other.add((iri(BASE + "article/a10"), RDF_TYPE, iri(KG + "Article")))
    other.add((iri(BASE + "article/a10"), iri(KG + "headline"), literal("标题", "zh")))
    if default:
        quads.graph(None).update({(person, iri(KG + "age"), literal("30", datatype=XSD_INTEGER)),
                                  ("_:d", LABEL, literal("默认"))})
    return quads


@pytest.mark.parametrize("default", [False, True], ids=["empty-default-graph", "default-graph"])
def test_edge_cases_are_byte_identical(tmp_path: Path, default: bool) -> None:
    quads = edge_quads(default)
    for buffer_quads in (1, 2, 5, 1000):
        assert_same_files(quads, tmp_path / str(buffer_quads), 1, buffer_quads)


def test_one_graph_only(tmp_path: Path) -> None:
    quads = Quads()
    quads.graph(iri(BASE + "graph/entities")).update(edge_quads(False).graph(iri(BASE + "graph/entities")))
    assert_same_files(quads, tmp_path, 1, 3)


def test_default_graph_only_and_a_blank_graph_name(tmp_path: Path) -> None:
    quads = Quads()
    quads.graph(None).update(edge_quads(False).graph(iri(BASE + "graph/article/a1")))
    quads.graph("_:g").add((_entity("王五"), LABEL, literal("王五", "zh")))
    assert_same_files(quads, tmp_path, 1, 4)


def test_zero_quads(tmp_path: Path) -> None:
    empty = Quads()
    empty.graph(None)
    assert_same_files(empty, tmp_path / "empty", 1)
    assert_same_files(Quads(), tmp_path / "none", 2)
    assert (tmp_path / "none" / "spilled" / "graph.nq").read_bytes() == b""


def test_graph_order_and_reading_back(tmp_path: Path) -> None:
    quads = edge_quads(True)
    with spilled(quads, tmp_path, 2) as spill:
        # by N-Triples text: "a10>" before "a1>" ("0" < ">")
        assert spill.graph_names() == [None, iri(BASE + "graph/article/a10"), iri(BASE + "graph/article/a1"),
                                       iri(BASE + "graph/entities")]
        for name, triples in spill.graphs():
            read = list(triples)
            assert set(read) == quads.graph(name) and len(read) == len(quads.graph(name))
        assert set(spill.triples()) == quads.union()
        assert len(list(spill.triples())) == len(quads.union())
        assert len(list(spill.records())) == len(quads)


# ------------------------------------------------------------------------------------------------- the buffer


def test_buffer_never_exceeds_its_bound(tmp_path: Path) -> None:
    quads = edge_quads(True)
    with QuadSpill(tmp_path, buffer_quads=4) as spill:
        sizes = []
        for name, triples in quads.graphs.items():
            spill.add_graph(name, triples)
            sizes.append(spill.buffered)
        assert max(sizes) <= 4 and len(spill) == len(quads) > 4
        runs = list(spill.folder.glob("run-*"))
        assert len(runs) >= len(quads) // 4  # everything past the buffer is on disk
        spill.prepare()
        assert len(list(spill.folder.glob("run-*"))) == 1 and spill.buffered == 0
        folder = spill.folder
    assert not folder.exists()


def test_adding_a_graph_twice_or_a_literal_subject_fails(tmp_path: Path) -> None:
    with QuadSpill(tmp_path) as spill:
        spill.add_graph(iri(BASE + "graph/article/a1"), [(_entity("甲"), LABEL, literal("甲"))])
        with pytest.raises(OutputError, match="twice"):
            spill.add_graph(iri(BASE + "graph/article/a1"), [])
        with pytest.raises(OutputError, match="literal cannot be the subject"):
            spill.add_graph(None, [(literal("x"), LABEL, literal("甲"))])


# ------------------------------------------------------------------------------------------------- stores


def test_store_from_a_spill_holds_the_same_quads(sample_quads, tmp_path: Path) -> None:
    quads = sample_quads
    expected = add_to_store(quads, tmp_path / "memory")
    with spilled(quads, tmp_path / "spill") as spill:
        counts = add_to_store(spill, tmp_path / "spilled")
    assert counts == expected and counts["quads"] == len(quads)
    stores = [ox.Store.read_only(str(tmp_path / name)) for name in ("memory", "spilled")]
    mine, theirs = (quads_of(store) for store in stores)
    assert mine == theirs and len(mine) > len(quads) // 2


# ------------------------------------------------------------------------------------------------- reading in blocks


@pytest.fixture()
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of a few records, so that records run across the blocks read."""
    from kg.graph import spill as spill_module

    monkeypatch.setattr(spill_module, "_READ_BLOCK", 97)


def test_lines_made_from_blocks(tmp_path: Path, small_blocks: None) -> None:
    quads = edge_quads(True)
    with spilled(quads, tmp_path, 5) as spill:
        rendering = export_module.Rendering(spill)
        records = sorted(f"{s}\t{p}\t{o}\t{g or ''}\n" for s, p, o, g in quads)
        assert list(spill.records()) == records
        assert rendering.text("nq") == "".join(
            " ".join(r[:-1].split("\t")[: 4 if r[-2] != "\t" else 3]) + " .\n" for r in records)
        union = sorted(quads.union(), key="\t".join)
        assert rendering.text("nt") == "".join(f"{s} {p} {o} .\n" for s, p, o in union)


def test_matching_finds_the_triples_of_predicates(tmp_path: Path, small_blocks: None) -> None:
    quads = edge_quads(True)
    knows = iri(KG + "knows")
    # the predicate's IRI as an object: found by the search, not a triple of the predicate
    quads.graph(iri(BASE + "graph/article/a1")).add((iri(BASE + "article/a1"), iri(KG + "about"), knows))
    with spilled(quads, tmp_path, 5) as spill:
        for predicates in ([knows], [LABEL], [LABEL, RDF_TYPE, knows], [iri(KG + "absent")]):
            assert list(spill.matching(predicates)) == [t for t in spill.triples() if t[1] in predicates]
        assert list(spill.matching([knows])) == [(_entity("张三"), knows, _entity("李四"))]  # in two graphs, once
