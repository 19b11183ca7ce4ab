"""What the view shows, read from RDF in kg's shape (see RDF_SHAPE): entities, the relations between them with
their evidence sentences, the articles that mention them, and their quantities.

Everything here is plain data (sorted, hashable keys) so the page built from it is byte-stable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import unquote

from rdflib import OWL, RDF, RDFS, URIRef
from rdflib.namespace import SKOS

from kg.rdf.quads import Data, Term, Triple, as_quads, is_iri, is_literal, literal_parts, value
from kg.rdf.quads import iri as iri_term
from kg.rdf.vocab import GEO, KG, KG_NS, NIF, declared_terms, is_subclass, ontology_graph

# Structural properties between an article, its spans and its entities: they are not relations between entities.
STRUCTURAL_PROPERTIES = frozenset(
    {"mentions", "mentionOf", "inArticle", "hasSentence", "evidence", "quantityOf", "datelinePlace", "reporter",
     "intern", "photographer", "publication"}
)
WEAK_PROPERTY = "coMentionedWith"
# Posts are not kg:Entity subclasses (they are org:Post) but a person's post is worth seeing between person and body.
EXTRA_NODE_CLASSES = ("Post",)
_POINT = re.compile(r"^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\)\s*$", re.IGNORECASE)


@dataclass
class Evidence:
    """A sentence a fact was read from and where it sits."""

    text: str
    article: str
    span: str


@dataclass
class Entity:
    """One node of the view."""

    iri: str
    cls: str
    label: str
    aliases: list[str] = field(default_factory=list)
    code: str = ""
    level: int | None = None
    point: tuple[float, float] | None = None  # (lon, lat)
    articles: set[str] = field(default_factory=set)
    quantities: list[dict[str, str]] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Link:
    """All relations from one entity to another (one drawn edge), with their evidence."""

    source: str
    target: str
    predicates: set[str] = field(default_factory=set)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def weak(self) -> bool:
        """Only a co-mention: no stated relation."""
        return self.predicates == {WEAK_PROPERTY}


@dataclass
class Article:
    """An article as the view lists it."""

    iri: str
    headline: str
    date: str
    file: str
    opening: str = ""  # the first words of the text, to tell articles without a headline apart


@dataclass
class ViewGraph:
    """Entities, links and articles of a graph."""

    entities: dict[str, Entity]
    links: dict[tuple[str, str], Link]
    articles: dict[str, Article]


@cache
def node_classes() -> frozenset[str]:
    """kg classes drawn as nodes: every kg:Entity subclass and kg:Post."""
    return frozenset(
        name for name in declared_terms() if name[:1].isupper() and (is_subclass(name, "Entity") or
                                                                     name in EXTRA_NODE_CLASSES)
    )


@cache
def class_depth(name: str) -> int:
    """Length of the longest rdfs:subClassOf chain above kg class ``name`` (more specific classes are deeper)."""
    parents = [
        str(parent)[len(KG_NS):]
        for parent in ontology_graph().objects(KG[name], RDFS.subClassOf)
        if str(parent).startswith(KG_NS)
    ]
    return 1 + max((class_depth(parent) for parent in parents), default=0)


@cache
def relation_properties() -> tuple[str, ...]:
    """kg object properties that relate two entities."""
    graph = ontology_graph()
    return tuple(
        sorted(
            str(term)[len(KG_NS):]
            for term in graph.subjects(RDF.type, OWL.ObjectProperty)
            if str(term).startswith(KG_NS) and str(term)[len(KG_NS):] not in STRUCTURAL_PROPERTIES
        )
    )


def _local(term: Term) -> str:
    """The local name of a kg: IRI term, '' for any other term."""
    return term[len(KG_NS) + 1 : -1] if term.startswith("<" + KG_NS) else ""


def _term(node: URIRef) -> Term:
    return iri_term(str(node))


@cache
def _read_predicates() -> frozenset[Term]:
    """The predicates the view reads: it leaves out offsets, scores, extractors and sentence lists."""
    kg = ("postTitle", "divisionCode", "adminLevel", "headline", "datePublished", "sourceFile", "text", "mentions",
          "mentionOf", "inArticle", "sentenceText", "evidence", "quantityOf", "measuredThing", "originalText",
          "refTime", *relation_properties())
    others = (RDF.type, RDFS.label, SKOS.altLabel, GEO.hasGeometry, GEO.asWKT, NIF.anchorOf, RDF.subject, RDF.object)
    return frozenset([*(_term(KG[name]) for name in kg), *(_term(node) for node in others)])


class _Index:
    """The (subject, object) pairs of each predicate the view reads, and the objects of a predicate per subject
    (keyed by the subject's IRI), built on first use."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        wanted = _read_predicates()
        self.pairs: dict[Term, list[tuple[Term, Term]]] = {}
        for s, p, o in triples:
            if p in wanted:
                pairs = self.pairs.get(p)
                if pairs is None:
                    self.pairs[p] = [(s, o)]
                else:
                    pairs.append((s, o))
        self.tables: dict[Term, dict[str, list[Term]]] = {}

    def subject_objects(self, predicate: URIRef) -> list[tuple[Term, Term]]:
        return self.pairs.get(_term(predicate), [])

    def subjects(self, predicate: URIRef, obj: URIRef) -> list[Term]:
        wanted = _term(obj)
        return [s for s, o in self.subject_objects(predicate) if o == wanted]

    def table(self, predicate: URIRef) -> dict[str, list[Term]]:
        key = _term(predicate)
        if key not in self.tables:
            table: dict[str, list[Term]] = {}
            for subject, obj in self.pairs.get(key, []):
                table.setdefault(value(subject), []).append(obj)
            self.tables[key] = table
        return self.tables[key]

    def objects(self, node: str, predicate: URIRef) -> list[Term]:
        return self.table(predicate).get(node, [])

    def value(self, node: str, predicate: URIRef) -> str:
        """One object as a string (the smallest, for stability), '' if none."""
        values = self.objects(node, predicate)
        return min(value(v) for v in values) if values else ""

    def text(self, node: str, predicate: URIRef, lang: str = "zh") -> str:
        """The literal in ``lang`` if there is one, else the smallest other literal ('' if none)."""
        values = [literal_parts(v) for v in self.objects(node, predicate) if is_literal(v)]
        preferred = [text for text, language, _ in values if language == lang]
        others = [text for text, _, _ in values]
        return min(preferred or others or [""])


def _fallback_label(iri: str) -> str:
    return unquote(iri.rstrip("/").rsplit("/", 1)[-1]) or iri


def _opening(text: str, limit: int = 30) -> str:
    """The first sentence of ``text`` (at most ``limit`` characters), whitespace collapsed."""
    first = re.split(r"(?<=[。！？!?])", " ".join(text.split()), maxsplit=1)[0]
    return first if len(first) <= limit else first[: limit - 1] + "…"


def parse_point(wkt: str) -> tuple[float, float] | None:
    """(lon, lat) of a WKT ``POINT(lon lat)`` (optionally with a CRS IRI in front); None if it is not a valid point."""
    match = _POINT.match(wkt)
    if not match:
        return None
    lon, lat = float(match.group(1)), float(match.group(2))
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        return None
    return lon, lat


def read_view_graph(data: Data) -> ViewGraph:
    """Collect the entities, relations (with evidence), articles and quantities of ``data`` (all graphs together)."""
    index = _Index(as_quads(data).union())
    classes = node_classes()
    typed: dict[str, list[str]] = {}
    for subject, cls in index.subject_objects(RDF.type):
        name = _local(cls)
        if name in classes and is_iri(subject):
            typed.setdefault(value(subject), []).append(name)
    entities: dict[str, Entity] = {}
    for iri, names in typed.items():
        cls = min(names, key=lambda n: (-class_depth(n), n))
        label = index.text(iri, RDFS.label) or index.text(iri, KG.postTitle) or _fallback_label(iri)
        alt_labels = {literal_parts(v)[0] for v in index.objects(iri, SKOS.altLabel) if is_literal(v)}
        aliases = sorted(alt_labels - {label})
        entity = Entity(iri=iri, cls=cls, label=label, aliases=aliases, code=index.text(iri, KG.divisionCode))
        level = index.value(iri, KG.adminLevel)
        if level.isdigit():
            entity.level = int(level)
        for geometry in sorted(value(g) for g in index.objects(iri, GEO.hasGeometry)):
            for wkt in sorted(value(w) for w in index.objects(geometry, GEO.asWKT)):
                entity.point = entity.point or parse_point(wkt)
        entities[iri] = entity

    articles: dict[str, Article] = {}
    for cls in (KG.Article, KG.PhotoStory):
        for node in index.subjects(RDF.type, cls):
            if is_iri(node):
                key = value(node)
                articles[key] = Article(
                    iri=key,
                    headline=index.text(key, KG.headline),
                    date=index.text(key, KG.datePublished),
                    file=index.text(key, KG.sourceFile),
                    opening=_opening(index.text(key, KG.text)),
                )
    for article, entity_node in index.subject_objects(KG.mentions):
        if value(entity_node) in entities:
            entities[value(entity_node)].articles.add(value(article))
    for mention, entity_node in index.subject_objects(KG.mentionOf):
        article = index.value(value(mention), KG.inArticle)
        if value(entity_node) in entities and article:
            entities[value(entity_node)].articles.add(article)

    evidence_cache: dict[str, Evidence | None] = {}

    def evidence(node: Term) -> Evidence | None:
        key = value(node)
        if key not in evidence_cache:
            text = index.text(key, KG.sentenceText) or index.text(key, NIF.anchorOf)
            article = index.value(key, KG.inArticle)
            evidence_cache[key] = Evidence(text=text, article=article, span=key) if text else None
        return evidence_cache[key]

    links: dict[tuple[str, str], Link] = {}
    for name in relation_properties():
        for subject, obj in index.subject_objects(KG[name]):
            key = (value(subject), value(obj))
            if key[0] in entities and key[1] in entities and key[0] != key[1]:
                links.setdefault(key, Link(*key)).predicates.add(name)
    for statement in index.subjects(RDF.type, KG.Statement):
        key = value(statement)
        link = links.get((index.value(key, RDF.subject), index.value(key, RDF.object)))
        if link is not None:
            link.evidence.extend(e for e in map(evidence, index.objects(key, KG.evidence)) if e)
    for subject, nodes in index.table(KG.evidence).items():
        if subject in entities:
            entities[subject].evidence.extend(e for e in map(evidence, nodes) if e)
    for quantity in index.subjects(RDF.type, KG.Quantity):
        key = value(quantity)
        subject = index.value(key, KG.quantityOf)
        if subject not in entities:
            continue
        found = sorted((e for e in map(evidence, index.objects(key, KG.evidence)) if e), key=lambda e: e.span)
        entities[subject].quantities.append(
            {
                "thing": index.text(key, KG.measuredThing),
                "text": index.text(key, KG.originalText),
                "time": index.text(key, KG.refTime),
                "sentence": found[0].text if found else "",
                "article": found[0].article if found else "",
                "span": found[0].span if found else "",
            }
        )
    for link in links.values():
        link.evidence = _unique_evidence(link.evidence)
        # an entity stated about in an article belongs to it even when no mention node says so (posts, events)
        for end in (link.source, link.target):
            entities[end].articles.update(e.article for e in link.evidence if e.article)
    for entity in entities.values():
        entity.evidence = _unique_evidence(entity.evidence)
        entity.articles.update(e.article for e in entity.evidence if e.article)
        entity.quantities.sort(key=lambda q: (q["thing"], q["text"], q["span"]))
    return ViewGraph(entities=entities, links=links, articles=articles)


def _unique_evidence(items: list[Evidence]) -> list[Evidence]:
    seen = {(e.span, e.text): e for e in items}
    return [seen[key] for key in sorted(seen)]
