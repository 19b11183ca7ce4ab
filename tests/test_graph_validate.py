"""SHACL validation: kg's graphs conform, broken ones are reported with the node and the reason; the ontology is sane."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, XSD, Dataset, Literal, URIRef

from kg.errors import GraphParseError
from kg.publish.export import write_exports
from kg.store.validate import check_ontology, validate
from kg.graph.vocab import KG, NIF
from tests.stores.gold import ENTITIES, B, gold_dataset


def _write(dataset: Dataset, folder: Path) -> Path:
    write_exports(dataset, folder, ["nq"])
    return folder / "graph.nq"


def test_gold_graph_conforms(tmp_path: Path) -> None:
    report = validate(_write(gold_dataset(), tmp_path))
    assert report.conforms, report.text()
    assert report.findings == []
    assert "conforms to the kg shapes" in report.text()


def test_turtle_and_jsonld_exports_conform_too(tmp_path: Path) -> None:
    write_exports(gold_dataset(), tmp_path, ["ttl", "jsonld"])
    assert validate(tmp_path / "graph.ttl").conforms
    assert validate(tmp_path / "graph.jsonld").conforms


def _first(dataset: Dataset, kind: URIRef) -> tuple[URIRef, object]:
    for s, _, _, g in dataset.quads((None, RDF.type, kind, None)):
        return s, g
    raise AssertionError(f"no {kind}")


def test_broken_graph_reports_each_problem(tmp_path: Path) -> None:
    dataset = gold_dataset()
    mention, graph = _first(dataset, KG.Mention)
    g = dataset.graph(graph)
    g.set((mention, NIF.anchorOf, Literal("不对的文字")))  # anchor no longer matches the article text
    statement, sgraph = _first(dataset, KG.Statement)
    dataset.graph(sgraph).remove((statement, KG.evidence, None))
    dataset.graph(sgraph).set((statement, KG.confidence, Literal("1.5", datatype=XSD.decimal)))
    ents = dataset.graph(ENTITIES)
    ents.set((B["place/150300"], KG.divisionCode, Literal("1503")))
    ents.remove((B["place/152900"], RDFS.label, None))
    report = validate(_write(dataset, tmp_path))
    assert not report.conforms
    messages = {f.message for f in report.violations}
    assert "nif:anchorOf is not the article text between nif:beginIndex and nif:endIndex" in messages
    assert "a statement points at the evidence it was read from" in messages
    assert "a confidence is one xsd:decimal between 0 and 1" in messages
    assert "a division code is one 6-digit string (GB/T 2260)" in messages
    assert "an entity has a label" in messages
    assert len(report.violations) == 5
    text = report.text()
    assert "does NOT conform" in text and "place/152900" in text and "5 violation(s)" in text


def test_dangling_entity_reference_is_caught(tmp_path: Path) -> None:
    # an article that mentions an entity nobody describes: RDFS inference makes it a kg:Entity, which needs a label
    dataset = gold_dataset()
    article, graph = _first(dataset, KG.Article)
    dataset.graph(graph).add((article, KG.mentions, B["Company/ghost"]))
    report = validate(_write(dataset, tmp_path))
    assert [(f.focus, f.message) for f in report.violations] == [("Company/ghost", "an entity has a label")]


def test_missing_headline_is_only_a_warning(tmp_path: Path) -> None:
    dataset = gold_dataset()
    article, graph = _first(dataset, KG.Article)
    dataset.graph(graph).remove((article, KG.headline, None))
    report = validate(_write(dataset, tmp_path))
    assert report.conforms
    assert [f.message for f in report.warnings] == ["the article has no headline"]


def test_containment_loop_is_a_violation(tmp_path: Path) -> None:
    dataset = gold_dataset()
    dataset.graph(ENTITIES).add((B["place/150000"], KG.containedIn, B["place/150300"]))
    report = validate(_write(dataset, tmp_path))
    assert "kg:containedIn loops back to the place itself" in {f.message for f in report.violations}


def test_malformed_input_names_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text("<http://e/a> <http://e/b> <http://e/c> <http://e/g> .\n<http://e/a> <http://e/b> .\n")
    with pytest.raises(GraphParseError, match=r"bad\.nq:2:"):
        validate(bad)


def test_sample_build_conforms(sample_build) -> None:
    report = validate(next(f for f in sample_build.files if f.name == "graph.ttl"))
    assert report.conforms, report.text()


def test_ontology_is_sane() -> None:
    assert check_ontology() == []
