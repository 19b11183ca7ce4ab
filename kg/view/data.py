"""What the view shows, read from RDF in kg's shape (see RDF_SHAPE): entities, the relations between them with
their evidence sentences, the articles that mention them, and their quantities.

Everything here is plain data (sorted, hashable keys) so the page built from it is byte-stable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import unquote

from rdflib import OWL, RDF, RDFS
from rdflib.namespace import SKOS

from kg.graph.quads import Data, Term, Triple, as_quads, is_iri, is_literal, literal, literal_parts, value
from kg.graph.quads import iri as iri_term
from kg.graph.vocab import GEO, KG, KG_NS, NIF, declared_terms, is_subclass, ontology_graph

# Structural properties between an article, its spans and its entities: they are not relations between entities.
STRUCTURAL_PROPERTIES = frozenset(
    {
        "mentions",
        "mentionOf",
        "inArticle",
        "hasSentence",
        "evidence",
        "quantityOf",
        "datelinePlace",
        "reporter",
        "intern",
        "photographer",
        "publication",
    }
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
        name
        for name in declared_terms()
        if name[:1].isupper() and (is_subclass(name, "Entity") or name in EXTRA_NODE_CLASSES)
    )


@cache
def class_depth(name: str) -> int:
    """Length of the longest rdfs:subClassOf chain above kg class ``name`` (more specific classes are deeper)."""
    parents = [
        str(parent)[len(KG_NS) :]
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
            str(term)[len(KG_NS) :]
            for term in graph.subjects(RDF.type, OWL.ObjectProperty)
            if str(term).startswith(KG_NS) and str(term)[len(KG_NS) :] not in STRUCTURAL_PROPERTIES
        )
    )


def _local(term: Term) -> str:
    """The local name of a kg: IRI term, '' for any other term."""
    return term[len(KG_NS) + 1 : -1] if term.startswith("<" + KG_NS) else ""


@cache
def _kg(name: str) -> Term:
    return iri_term(str(KG[name]))


TYPE, LABEL, ALT_LABEL = iri_term(str(RDF.type)), iri_term(str(RDFS.label)), iri_term(str(SKOS.altLabel))
SUBJECT, OBJECT, ANCHOR = iri_term(str(RDF.subject)), iri_term(str(RDF.object)), iri_term(str(NIF.anchorOf))
HAS_GEOMETRY, AS_WKT = iri_term(str(GEO.hasGeometry)), iri_term(str(GEO.asWKT))


@cache
def _read_predicates() -> frozenset[Term]:
    """The predicates the view reads: it leaves out offsets, scores, extractors and sentence lists."""
    kg = (
        "postTitle",
        "divisionCode",
        "adminLevel",
        "headline",
        "datePublished",
        "sourceFile",
        "text",
        "mentions",
        "mentionOf",
        "inArticle",
        "sentenceText",
        "evidence",
        "quantityOf",
        "measuredThing",
        "originalText",
        "refTime",
        *relation_properties(),
    )
    return frozenset([*map(_kg, kg), TYPE, LABEL, ALT_LABEL, HAS_GEOMETRY, AS_WKT, ANCHOR, SUBJECT, OBJECT])


@cache
def _read_types() -> frozenset[Term]:
    """The classes whose rdf:type triples the view reads: node classes, articles, statements and quantities."""
    return frozenset(map(_kg, [*node_classes(), "Article", "PhotoStory", "Statement", "Quantity"]))


def view_triples(triples: Iterable[Triple], evidence: Iterable[Triple] | None = None) -> Iterator[Triple]:
    """The triples of ``triples`` that the view reads, for a large dataset streamed from disk, in less memory than
    the triples themselves: the view made from them is the same as from all of ``triples``.

    ``triples`` is read twice (a stream that starts again on each iteration) and must give each subject's triples
    one after another (a spill's sorted triples do). The first reading finds the evidence nodes, whose anchor text
    and article the view looks up; in the second, every other node that is a mention of an entity becomes one
    ``(article, kg:mentions, entity)`` triple (all the view takes from it), an article's text only its opening
    sentence, and equal terms one object (in a stream read from disk every occurrence is a string of its own).
    ``evidence``, the ``kg:evidence`` triples of ``triples``, spares the first reading when the caller can find them
    without it (:meth:`kg.graph.spill.QuadSpill.matching`).
    """
    predicate = _kg("evidence")
    quoted: set[str] = set()  # evidence nodes (by value, as the view looks them up)
    for _s, p, o in triples if evidence is None else evidence:
        if p == predicate:
            quoted.add(value(o))
    terms: dict[Term, Term] = {}
    intern = terms.setdefault
    for group in _subject_groups(triples):
        for s, p, o in _view_group(group, quoted):
            yield intern(s, s), intern(p, p), intern(o, o)


def _subject_groups(triples: Iterable[Triple]) -> Iterator[list[Triple]]:
    group: list[Triple] = []
    for triple in triples:
        if group and triple[0] != group[0][0]:
            yield group
            group = []
        group.append(triple)
    if group:
        yield group


def _view_group(group: list[Triple], quoted: set[str]) -> Iterator[Triple]:
    """What the view reads of one subject's triples (see :func:`view_triples`)."""
    wanted, types = _read_predicates(), _read_types()
    mention_of, in_article, text = _kg("mentionOf"), _kg("inArticle"), _kg("text")
    subject = group[0][0]
    if value(subject) in quoted:
        yield from ((s, p, o) for s, p, o in group if p in wanted and (p != TYPE or o in types))
        return
    entities = [o for _, p, o in group if p == mention_of]
    articles = [o for _, p, o in group if p == in_article]
    texts = [o for _, p, o in group if p == text]
    for s, p, o in group:
        if p not in wanted or (p == TYPE and o not in types) or p in (ANCHOR, in_article, mention_of):
            continue
        if p == text and len(texts) == 1 and is_literal(o):
            body, language, datatype = literal_parts(o)
            o = literal(_opening(body), language, datatype)
        yield s, p, o
    if entities and articles:
        # the view counts the article of a mention (the smallest, if there were several) among the entity's
        article = min(articles, key=value)
        yield from ((article, _kg("mentions"), entity) for entity in entities)


class _Index:
    """The (subject, object) pairs of each predicate the view reads, and the objects of a predicate per subject
    (keyed by the subject's IRI), built on first use."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        wanted, types = _read_predicates(), _read_types()
        self.pairs: dict[Term, list[tuple[Term, Term]]] = {}
        for s, p, o in triples:
            if p in wanted and (p != TYPE or o in types):
                pairs = self.pairs.get(p)
                if pairs is None:
                    self.pairs[p] = [(s, o)]
                else:
                    pairs.append((s, o))
        self.tables: dict[Term, dict[str, list[Term]]] = {}

    def subject_objects(self, predicate: Term) -> list[tuple[Term, Term]]:
        return self.pairs.get(predicate, [])

    def subjects(self, predicate: Term, obj: Term) -> list[Term]:
        return [s for s, o in self.subject_objects(predicate) if o == obj]

    def table(self, predicate: Term) -> dict[str, list[Term]]:
        table = self.tables.get(predicate)
        if table is None:
            table = self.tables[predicate] = {}
            for subject, obj in self.pairs.get(predicate, []):
                table.setdefault(value(subject), []).append(obj)
        return table

    def objects(self, node: str, predicate: Term) -> list[Term]:
        return self.table(predicate).get(node, [])

    def value(self, node: str, predicate: Term) -> str:
        """One object as a string (the smallest, for stability), '' if none."""
        values = self.objects(node, predicate)
        return min(value(v) for v in values) if values else ""

    def text(self, node: str, predicate: Term, lang: str = "zh") -> str:
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
    return read_view_triples(as_quads(data).union())


def read_view_triples(triples: Iterable[Triple]) -> ViewGraph:
    """The view of the distinct ``triples`` of all graphs together (see :func:`read_view_graph`)."""
    index = _Index(triples)
    classes = node_classes()
    typed: dict[str, list[str]] = {}
    for subject, cls in index.subject_objects(TYPE):
        name = _local(cls)
        if name in classes and is_iri(subject):
            typed.setdefault(value(subject), []).append(name)
    entities: dict[str, Entity] = {}
    for iri, names in typed.items():
        cls = min(names, key=lambda n: (-class_depth(n), n))
        label = index.text(iri, LABEL) or index.text(iri, _kg("postTitle")) or _fallback_label(iri)
        alt_labels = {literal_parts(v)[0] for v in index.objects(iri, ALT_LABEL) if is_literal(v)}
        aliases = sorted(alt_labels - {label})
        entity = Entity(iri=iri, cls=cls, label=label, aliases=aliases, code=index.text(iri, _kg("divisionCode")))
        level = index.value(iri, _kg("adminLevel"))
        if level.isdigit():
            entity.level = int(level)
        for geometry in sorted(value(g) for g in index.objects(iri, HAS_GEOMETRY)):
            for wkt in sorted(value(w) for w in index.objects(geometry, AS_WKT)):
                entity.point = entity.point or parse_point(wkt)
        entities[iri] = entity

    articles: dict[str, Article] = {}
    for cls in (_kg("Article"), _kg("PhotoStory")):
        for node in index.subjects(TYPE, cls):
            if is_iri(node):
                key = value(node)
                articles[key] = Article(
                    iri=key,
                    headline=index.text(key, _kg("headline")),
                    date=index.text(key, _kg("datePublished")),
                    file=index.text(key, _kg("sourceFile")),
                    opening=_opening(index.text(key, _kg("text"))),
                )
    for article, entity_node in index.subject_objects(_kg("mentions")):
        if value(entity_node) in entities:
            entities[value(entity_node)].articles.add(value(article))
    for mention, entity_node in index.subject_objects(_kg("mentionOf")):
        article = index.value(value(mention), _kg("inArticle"))
        if value(entity_node) in entities and article:
            entities[value(entity_node)].articles.add(article)

    evidence_cache: dict[str, Evidence | None] = {}

    def evidence(node: Term) -> Evidence | None:
        key = value(node)
        if key not in evidence_cache:
            text = index.text(key, _kg("sentenceText")) or index.text(key, ANCHOR)
            article = index.value(key, _kg("inArticle"))
            evidence_cache[key] = Evidence(text=text, article=article, span=key) if text else None
        return evidence_cache[key]

    links: dict[tuple[str, str], Link] = {}
    for name in relation_properties():
        for subject, obj in index.subject_objects(_kg(name)):
            pair = (value(subject), value(obj))
            if pair[0] in entities and pair[1] in entities and pair[0] != pair[1]:
                links.setdefault(pair, Link(*pair)).predicates.add(name)
    for statement in index.subjects(TYPE, _kg("Statement")):
        key = value(statement)
        link = links.get((index.value(key, SUBJECT), index.value(key, OBJECT)))
        if link is not None:
            link.evidence.extend(e for e in map(evidence, index.objects(key, _kg("evidence"))) if e)
    for subject, nodes in index.table(_kg("evidence")).items():
        if subject in entities:
            entities[subject].evidence.extend(e for e in map(evidence, nodes) if e)
    for quantity in index.subjects(TYPE, _kg("Quantity")):
        key = value(quantity)
        subject = index.value(key, _kg("quantityOf"))
        if subject not in entities:
            continue
        found = sorted((e for e in map(evidence, index.objects(key, _kg("evidence"))) if e), key=lambda e: e.span)
        entities[subject].quantities.append(
            {
                "thing": index.text(key, _kg("measuredThing")),
                "text": index.text(key, _kg("originalText")),
                "time": index.text(key, _kg("refTime")),
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
        entity.quantities.sort(key=lambda q: (q["thing"], q["text"], q["span"], q["time"]))  # time: one text, two dates
    return ViewGraph(entities=entities, links=links, articles=articles)


def _unique_evidence(items: list[Evidence]) -> list[Evidence]:
    seen = {(e.span, e.text): e for e in items}
    return [seen[key] for key in sorted(seen)]
