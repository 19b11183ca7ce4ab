"""Shipped queries with parameters (issue 21 item 5): each declares its parameters and defaults in its header,
`kg query NAME --param KEY=VALUE` binds them safely, mistakes are one-line usage errors that list what exists, and the
four queries that were wrong on the sample (organizations-in-place, mentions-of-entity, reporters, money-by-place)
give the rows that the graph's own triples say they should, counted here without SPARQL."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import UsageError
from kg.store.query import Parameter, display, list_queries, named_query, query, run
from kg.store.store import to_rdflib
from kg.graph.vocab import KG_NS, PREFIXES

ROOT = Path(__file__).resolve().parents[1]
RDFS_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"


def kg_term(name: str) -> ox.NamedNode:
    return ox.NamedNode(KG_NS + name)


@pytest.fixture(scope="module")
def sample_graph(sample_build) -> Path:
    """The sample page's N-Quads, as `make run` builds them."""
    return next(path for path in sample_build.files if path.name == "graph.nq")


@pytest.fixture(scope="module")
def sample(sample_graph: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(sample_graph), format=ox.RdfFormat.N_QUADS)
    return store


def _rows(result) -> list[tuple[str, ...]]:
    return [tuple(display(t) for t in row) for row in result.rows]


def _objects(store: ox.Store, subject: object, predicate: ox.NamedNode) -> list[object]:
    return [q.object for q in store.quads_for_pattern(subject, predicate, None)]


def _labelled(store: ox.Store, label: str) -> set[object]:
    return {q.subject for q in store.quads_for_pattern(None, RDFS_LABEL, ox.Literal(label, language="zh"))}


# ------------------------------------------------------------------------------------------------- declarations


def test_parameters_are_declared_and_match_a_values_line() -> None:
    with_parameters = [q for q in list_queries() if q.parameters]
    assert {"organizations-in-place", "mentions-of-entity", "reporters", "money-by-place", "events-timeline"} <= {
        q.name for q in with_parameters}  # fmt: skip
    for item in with_parameters:
        for parameter in item.parameters:
            assert parameter.description, f"{item.name}: --param {parameter.name} needs a description"
            line = f"VALUES ?{parameter.variable} {{ {parameter.default} }}"
            assert line in item.text, f"{item.name}.rq declares {parameter.name} but has no line {line}"
            if parameter.default.startswith('"'):
                # binding the default's own value gives the query back unchanged
                value = parameter.default[1:].rsplit('"', 1)[0]
                assert item.bind({parameter.name: value}) == item.text


def test_list_shows_descriptions_and_parameters() -> None:
    result = CliRunner().invoke(main, ["query", "--list"])
    assert result.exit_code == 0
    assert "organizations-in-place: Organizations in a place" in result.output
    assert "--param place=...  the place, by its Chinese name or an alias" in result.output
    assert "--param month=..." in result.output


def test_a_parameter_changes_the_answer(gold_dir: Path) -> None:
    default = _rows(query(gold_dir, "organizations-in-place"))
    district = _rows(query(gold_dir, "organizations-in-place", params={"place": "海南区"}))
    assert district and set(district) < set(default)
    assert {row[3] for row in district} == {"海南区"}


def test_a_value_cannot_leave_its_literal(gold_dir: Path) -> None:
    attack = '乌海市"@zh } ?org ?link ?where . } #'
    text = named_query("organizations-in-place").bind({"place": attack})
    assert 'VALUES ?placeName { "乌海市\\"@zh } ?org ?link ?where . } #"@zh }' in text
    assert run(gold_dir, text).rows == []
    with pytest.raises(UsageError, match="absolute IRI"):
        Parameter("x", "x", "<http://e/a>", "an IRI").term("http://e/a> . ?s ?p ?o")


def test_parameter_mistakes_are_usage_errors(gold_dir: Path) -> None:
    runner = CliRunner()
    unknown = runner.invoke(main, ["query", str(gold_dir), "organizations-in-place", "--param", "city=乌海市"])
    assert unknown.exit_code == 2 and "no parameter city (its parameters: place)" in unknown.output
    no_name = runner.invoke(main, ["query", str(gold_dir), "no-such-query"])
    assert no_name.exit_code == 2 and "the shipped queries are: administrative-areas" in no_name.output
    assert no_name.output.count("\n") == 1
    sparql = runner.invoke(main, ["query", str(gold_dir), "SELECT * { ?s ?p ?o }", "--param", "a=b"])
    assert sparql.exit_code == 2
    prefix = runner.invoke(main, ["query", str(gold_dir), "SELECT * { ?s foo:bar ?o }"])
    assert prefix.exit_code == 2 and "undeclared prefix foo:" in prefix.output and "kg:, schema:" in prefix.output
    assert prefix.output.count("\n") == 1
    bad = runner.invoke(main, ["query", str(gold_dir), "posts", "--param", "novalue"])
    assert bad.exit_code == 2


def test_the_ontology_is_added_only_as_the_help_says(gold_dir: Path) -> None:
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    with_ontology = int(query(gold_dir, count).rows[0][0])
    data_only = int(query(gold_dir, count, with_ontology=False).rows[0][0])
    assert with_ontology > data_only > 0
    assert query(gold_dir, "ASK { GRAPH <https://w3id.org/kgnews/ontology> { ?s ?p ?o } }").boolean is True
    assert "ontology" in CliRunner().invoke(main, ["query", "--help"]).output


# ------------------------------------------------------------------------------------------------- the sample page


def test_mentions_of_entity_keeps_articles_without_a_headline(sample: ox.Store, sample_graph: Path) -> None:
    rows = _rows(query(sample_graph, "mentions-of-entity"))
    # every mention of an entity labelled 乌海市, found by walking the triples
    expected = Counter()
    for entity in _labelled(sample, "乌海市"):
        for quad in sample.quads_for_pattern(None, kg_term("mentionOf"), entity):
            begin = _objects(sample, quad.subject, ox.NamedNode(NIF + "beginIndex"))[0]
            expected[begin.value] += 1
    assert len(rows) == sum(expected.values()) >= 9
    assert any(row[1] == "" for row in rows), "the article without a headline must be there"


def test_reporters_keeps_articles_without_a_headline(sample: ox.Store, sample_graph: Path) -> None:
    rows = _rows(query(sample_graph, "reporters"))
    bylines = {(q.subject, q.object) for p in ("reporter", "intern", "photographer")
               for q in sample.quads_for_pattern(None, kg_term(p), None)}  # fmt: skip
    assert len(rows) == len(bylines) > 0
    without = {article for article, _ in bylines if not _objects(sample, article, kg_term("headline"))}
    assert without and any(row[3] == "" for row in rows)
    only = _rows(query(sample_graph, "reporters", params={"person": rows[0][0]}))
    assert only and {row[0] for row in only} == {rows[0][0]}


def test_money_by_place_never_adds_amounts_up(sample: ox.Store, sample_graph: Path) -> None:
    rows = _rows(query(sample_graph, "money-by-place"))
    stated = set()
    for quad in sample.quads_for_pattern(None, ox.NamedNode("http://schema.org/unitCode"), ox.Literal("CNY")):
        q = quad.subject
        subject = _objects(sample, q, kg_term("quantityOf"))
        values = _objects(sample, q, ox.NamedNode("http://schema.org/value"))
        times = _objects(sample, q, kg_term("refTime"))
        if subject and values and times:
            for label in _objects(sample, subject[0], RDFS_LABEL):
                thing = _objects(sample, q, kg_term("measuredThing"))
                stated.add((label.value, times[0].value, thing[0].value if thing else "", display(to_rdflib(values[0]))))
    assert {row[:4] for row in rows} == stated
    assert len(stated) > 3


def test_organizations_in_place_finds_the_companies_with_sites_there(sample: ox.Store, sample_graph: Path) -> None:
    rows = _rows(query(sample_graph, "organizations-in-place"))
    assert rows
    assert {row[2] for row in rows} <= {"kg:locatedIn", "kg:owns", "kg:operates", "kg:builds", "kg:investsIn"}
    # every organization with a site located in 乌海市 or in an area contained in it is there
    places = _labelled(sample, "乌海市")
    inside = set(places) | {q.subject for p in places for q in sample.quads_for_pattern(None, kg_term("containedIn"), p)}
    expected = set()
    for link in ("owns", "operates", "builds", "investsIn"):
        for quad in sample.quads_for_pattern(None, kg_term(link), None):
            if inside & set(_objects(sample, quad.object, kg_term("locatedIn"))):
                expected |= {label.value for label in _objects(sample, quad.subject, RDFS_LABEL)}
    assert expected and expected <= {row[0] for row in rows}


def test_posts_lists_each_holding_once_on_the_sample(sample_graph: Path) -> None:
    """A person's and a newspaper's names are stated in every article graph that mentions them; the union default
    graph must not turn that into one row per copy (422 rows for 14 holdings before DISTINCT)."""
    rows = [tuple(display(t) for t in row) for row in run(sample_graph, named_query("posts").text).rows]
    assert rows and len(rows) == len(set(rows)), Counter(rows).most_common(3)
