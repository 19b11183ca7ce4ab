"""Exports: every RDF format parses back (rdflib and Oxigraph) to the same dataset; bytes are deterministic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import XSD, Dataset, Graph, Literal
from rdflib.compare import isomorphic

from kg.errors import OutputError
from kg.publish.export import FORMATS, context_file_text, context_path, entity_network, write_exports
from tests.stores.servers import quads_of
from tests.stores.gold import ENTITIES, gold_dataset

ROOT = Path(__file__).resolve().parents[1]


def _norm(term):
    # RDF 1.1: a plain literal is an xsd:string; rdflib keeps the difference, Oxigraph does not
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def _quads(dataset: Dataset) -> set:
    out = set()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        name = None if name is None or str(name) == "urn:x-rdflib:default" else name
        out.add((s, p, _norm(o), name))
    return out


@pytest.fixture(scope="module")
def gold() -> Dataset:
    return gold_dataset()


@pytest.fixture(scope="module")
def exported(gold: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("exports")
    write_exports(gold, out)
    return out


def test_all_formats_written(exported: Path) -> None:
    assert sorted(p.name for p in exported.iterdir()) == sorted(FORMATS.values())


@pytest.mark.parametrize("name,fmt", [("graph.nq", "nquads"), ("graph.trig", "trig"), ("graph.jsonld", "json-ld")])
def test_quad_formats_round_trip_rdflib(exported: Path, gold: Dataset, name: str, fmt: str) -> None:
    back = Dataset()
    back.parse(exported / name, format=fmt)
    assert _quads(back) == _quads(gold)


@pytest.mark.parametrize("name", ["graph.nq", "graph.trig", "graph.jsonld"])
def test_quad_formats_round_trip_oxigraph(exported: Path, gold: Dataset, name: str) -> None:
    parsed = quads_of(ox.parse(path=str(exported / name)))
    assert parsed == _quads(gold)


@pytest.mark.parametrize("name,fmt", [("graph.ttl", "turtle"), ("graph.nt", "nt")])
def test_triple_formats_are_the_union(exported: Path, gold: Dataset, name: str, fmt: str) -> None:
    union = Graph()
    for s, p, o, _ in gold.quads((None, None, None, None)):
        union.add((s, p, _norm(o)))
    back = Graph().parse(exported / name, format=fmt)
    normalised = Graph()
    for s, p, o in back:
        normalised.add((s, p, _norm(o)))
    assert isomorphic(normalised, union)
    ox_triples = {(s, p, o) for s, p, o, _ in quads_of(ox.parse(path=str(exported / name)))}
    assert ox_triples == set(union)


def test_one_named_graph_per_article_plus_entities(exported: Path) -> None:
    graphs = {q.graph_name.value for q in ox.parse(path=str(exported / "graph.nq"))}
    articles = [g for g in graphs if "/graph/article/" in g]
    assert str(ENTITIES) in graphs
    assert len(articles) == 6
    assert len(graphs) == 7


def test_turtle_is_readable(exported: Path) -> None:
    text = (exported / "graph.ttl").read_text(encoding="utf-8")
    assert text.startswith("@base <https://w3id.org/kgnews/id/> .\n@prefix dcterms:")
    assert '"鸿达兴业股份有限公司"@zh' in text
    assert "kg:adminLevel 2 ;" in text
    assert '"2021-03-01"^^xsd:date' in text


def test_jsonld_uses_compact_keys_and_published_context(exported: Path) -> None:
    document = json.loads((exported / "graph.jsonld").read_text(encoding="utf-8"))
    context = json.loads(context_path().read_text(encoding="utf-8"))["@context"]
    assert document["@context"][0] == context
    entities = next(g for g in document["@graph"] if g["@id"] == "graph/entities")
    wuhai = next(n for n in entities["@graph"] if n["@id"] == "place/150300")
    assert wuhai["@type"] == "kg:City"
    assert wuhai["label"] == "乌海市"
    assert wuhai["containedIn"] == "place/150000"
    assert wuhai["divisionCode"] == "150300"


def test_committed_context_is_up_to_date() -> None:
    assert context_path().read_text(encoding="utf-8") == context_file_text(), (
        "ontology/context.jsonld is stale: regenerate it with "
        "python -c 'from kg.publish.export import *; context_path().write_text(context_file_text())'"
    )


def test_same_bytes_across_processes(tmp_path: Path) -> None:
    script = (
        "import sys; from tests.stores.gold import gold_dataset; from kg.publish.export import write_exports; "
        "write_exports(gold_dataset(), sys.argv[1])"
    )
    outputs = []
    for seed in ("1", "4242"):
        out = tmp_path / seed
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT))
        subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env, cwd=ROOT)
        outputs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) == len(FORMATS)


def test_entity_network_for_gephi(exported: Path) -> None:
    graphml = nx.read_graphml(exported / "graph.graphml")
    gexf = nx.read_gexf(exported / "graph.gexf")
    wuhai = "https://w3id.org/kgnews/id/place/150300"
    assert graphml.nodes[wuhai]["label"] == "乌海市"
    assert graphml.nodes[wuhai]["kgclass"] == "City"
    assert gexf.nodes[wuhai]["label"] == "乌海市"
    relations = {d["relation"] for _, _, d in graphml.edges(data=True)}
    assert {"builds", "locatedIn", "containedIn", "holdsPost"} <= relations
    assert "coMentionedWith" not in relations
    # GraphML is plain XML with declared keys, which Cytoscape and Gephi read
    root = ET.parse(exported / "graph.graphml").getroot()
    assert root.tag.endswith("graphml")
    edge_ids = [e.get("id") for e in root.iter("{http://graphml.graphdrawing.org/xmlns}edge")]
    assert len(edge_ids) == len(set(edge_ids)) == graphml.number_of_edges()
    # readable UTF-8, and no date stamp that would change the bytes from one day to the next
    assert "乌海市" in (exported / "graph.graphml").read_text(encoding="utf-8")
    assert "lastmodifieddate" not in (exported / "graph.gexf").read_text(encoding="utf-8")


def test_entity_network_keeps_parallel_relations(gold: Dataset) -> None:
    network = entity_network(gold)
    company = "https://w3id.org/kgnews/id/Company/" + "%E9%B8%BF%E8%BE%BE%E5%85%B4%E4%B8%9A%E8%82%A1%E4%BB%BD%E6%9C%89%E9%99%90%E5%85%AC%E5%8F%B8"
    kinds = sorted(d["relation"] for _, _, d in network.out_edges(company, data=True))
    assert kinds == ["builds", "investsIn", "operates"]


def test_unknown_format_rejected(gold: Dataset, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="unknown export format"):
        write_exports(gold, tmp_path, ["ttl", "docx"])
    assert not any(tmp_path.iterdir())


def test_export_into_a_file_path_fails_cleanly(gold: Dataset, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError):
        write_exports(gold, blocker, ["nt"])
