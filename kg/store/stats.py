"""Counts that describe a kg graph: instances per class, triples per property, articles, mentions, facts with and
without provenance. Computed with SPARQL on Oxigraph, so they work on files, output folders and stores alike."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox
from rdflib.term import Node

from kg.graph.quads import Triple, iri
from kg.graph.vocab import KG_NS, ONTOLOGY_IRI, declared_terms, entity_count, is_subclass
from kg.store.query import display
from kg.store.store import open_source, to_rdflib

# Links between entities that are structure rather than stated facts (the same list as the
# facts-without-provenance competency query).
STRUCTURAL = (
    "mentions", "mentionOf", "inArticle", "hasSentence", "evidence", "furtherEvidence", "quantityOf", "reporter",
    "intern", "photographer", "publication", "datelinePlace", "participant", "eventPlace", "origin", "destination",
    "postIn", "coMentionedWith",
)  # fmt: skip

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_TYPE, _STATEMENT = iri(f"{_RDF}type"), iri(f"{KG_NS}Statement")
_SUPPORTED = (
    f"""EXISTS {{ ?st a <{KG_NS}Statement> ; <{_RDF}subject> ?s ; <{_RDF}predicate> ?p ; <{_RDF}object> ?o }}"""
)


@dataclass
class GraphStats:
    """What ``stats`` counts."""

    source: str
    triples: int = 0
    graphs: int = 0
    articles: int = 0
    sentences: int = 0
    mentions: int = 0
    entities: int = 0
    statements: int = 0
    facts: int = 0
    facts_with_provenance: int = 0
    facts_without_provenance: int = 0
    quantities: int = 0
    quantities_with_evidence: int = 0
    events: int = 0
    classes: dict[str, int] = field(default_factory=dict)
    properties: dict[str, int] = field(default_factory=dict)

    def text(self) -> str:
        """A readable summary with the per-class and per-property tables."""
        lines = [
            f"{self.source}",
            f"  triples {self.triples} in {self.graphs} named graph(s)",
            f"  articles {self.articles}, sentences {self.sentences}, mentions {self.mentions}, "
            f"entities {self.entities}, events {self.events}",
            f"  facts {self.facts}: {self.facts_with_provenance} with provenance (a kg:Statement with evidence), "
            f"{self.facts_without_provenance} without",
            f"  relations {self.statements} stated with their evidence (kg:Statement); quantities {self.quantities} "
            f"({self.quantities_with_evidence} with evidence)",
            "  instances per class:",
        ]
        width = max((len(k) for k in [*self.classes, *self.properties]), default=0)
        lines += [f"    {name.ljust(width)}  {count}" for name, count in self.classes.items()]
        lines.append("  triples per property:")
        lines += [f"    {name.ljust(width)}  {count}" for name, count in self.properties.items()]
        return "\n".join(lines) + "\n"

    def json(self) -> str:
        """The counts as JSON."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=1) + "\n"


def statement_count(triples: Iterable[Triple]) -> int:
    """How many kg:Statement nodes ``triples`` type: the relations stated with their evidence, as ``stats`` counts
    them (the build summary counts the graphs it writes with this)."""
    return sum(1 for _, p, o in triples if p == _TYPE and o == _STATEMENT)


def _classes_under(root: str) -> str:
    """A VALUES list of ``root`` and every kg class below it."""
    return " ".join(f"<{KG_NS}{name}>" for name in declared_terms() if name[0].isupper() and is_subclass(name, root))


class _Data:
    """Queries over the data graphs only: the ontology graph a store carries is left out of the default graph."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.named = [g for g in store.named_graphs() if not (isinstance(g, ox.NamedNode) and g.value == ONTOLOGY_IRI)]
        self.default = [*self.named, ox.DefaultGraph()]

    def rows(self, text: str) -> list[tuple[Node | None, ...]]:
        """The rows of a SELECT over the data graphs, as rdflib terms."""
        result = self.store.query(text, default_graph=self.default, named_graphs=self.named)
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError(f"rows() takes a SELECT query, not {text!r}")
        return [tuple(to_rdflib(solution[v]) for v in result.variables) for solution in result]

    def count(self, select: str) -> int:
        """How many solutions ``select`` (a group graph pattern or a sub-SELECT) has."""
        return int(str(self.rows(f"SELECT (COUNT(*) AS ?n) WHERE {{ {select} }}")[0][0]))


def stats(source: str | os.PathLike[str]) -> GraphStats:
    """Count classes, properties, articles, mentions and facts (with and without provenance) in SOURCE.

    A fact is a kg: relation between two IRIs that is not structure (mentions, bylines, spans, event roles); it has
    provenance when a kg:Statement states it. With named graphs (N-Quads, TriG, a store) only the article graphs
    count as stated facts; the entities graph holds gazetteer data such as kg:containedIn.
    """
    data = _Data(open_source(source))
    out = GraphStats(source=str(source))
    out.triples = data.count("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }")
    out.graphs = len(data.named)
    per_class = data.rows("SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c")
    out.classes = {display(c): int(str(n)) for c, n in per_class}
    per_property = data.rows("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n) ?p")
    out.properties = {display(p): int(str(n)) for p, n in per_property}

    def instances(root: str) -> int:
        return data.count(f"SELECT DISTINCT ?x WHERE {{ VALUES ?c {{ {_classes_under(root)} }} ?x a ?c }}")

    out.articles = instances("Article")
    out.sentences = instances("Sentence")
    out.mentions = instances("Mention")
    out.statements = instances("Statement")
    out.quantities = instances("Quantity")
    out.entities = entity_count({str(c)[len(KG_NS) :]: int(str(n)) for c, n in per_class if str(c).startswith(KG_NS)})
    out.events = instances("Event")
    structural = ", ".join(f"<{KG_NS}{name}>" for name in STRUCTURAL)
    where = 'GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), "/graph/article/"))' if data.named else "?s ?p ?o"
    fact = f"""{where} FILTER(STRSTARTS(STR(?p), "{KG_NS}") && isIRI(?o) && ?p NOT IN ({structural}))"""
    out.facts = data.count(f"SELECT DISTINCT ?s ?p ?o WHERE {{ {fact} }}")
    out.facts_with_provenance = data.count(f"SELECT DISTINCT ?s ?p ?o WHERE {{ {fact} FILTER {_SUPPORTED} }}")
    out.facts_without_provenance = out.facts - out.facts_with_provenance
    out.quantities_with_evidence = data.count(
        f"SELECT DISTINCT ?q WHERE {{ ?q a <{KG_NS}Quantity> ; <{KG_NS}evidence> ?e }}"
    )
    return out
