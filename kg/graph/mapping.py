"""Map a resolved :class:`~kg.model.Corpus` to RDF under ontology/kg.ttl.

The result is a dataset of quads (:class:`~kg.graph.quads.Quads`): one named graph per article (its text, sentences,
mentions, statements, quantities and events, so one article's facts can be dropped or replaced) and one graph for the
resolved entities. Every statement is emitted twice: as the plain triple (easy SPARQL) and as a ``kg:Statement`` node
pointing at its evidence span.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from rdflib import RDF, RDFS, XSD, Literal
from rdflib.namespace import SKOS

from kg.graph.iri import IRIs
from kg.graph.quads import Quads, Term, Triple, iri, literal, nt_term, value
from kg.graph.vocab import GEO, KG, NIF, SCHEMA
from kg.model import Article, Corpus, Entity, Evidence, Quantity, Relation

ZH = "zh"
DATED_DATELINE = re.compile(r"\d{1,2}月\d{1,2}日")

TYPE = iri(str(RDF.type))
LABEL = iri(str(RDFS.label))
COMMENT = iri(str(RDFS.comment))
ALT_LABEL = iri(str(SKOS.altLabel))
BEGIN = iri(str(NIF.beginIndex))
END = iri(str(NIF.endIndex))
ANCHOR = iri(str(NIF.anchorOf))
_NON_NEGATIVE = str(XSD.nonNegativeInteger)
# The role a participant plays in an event (kg.nlp.events) → the kg property that states it.
_ROLE_PROPERTIES = {
    "organizer": "organizer",
    "attendee": "attendee",
    "signatory": "signatory",
    "donor": "donor",
    "recipient": "recipient",
    "agent": "agent",
    "project": "concernsProject",
}


@cache
def _kg(name: str) -> Term:
    """The IRI term of a kg: class or property (declared in the ontology, or OntologyError)."""
    return iri(str(KG[name]))


def _int(number: int) -> Term:
    return literal(str(number), datatype=_NON_NEGATIVE)


@cache
def _score(score: float) -> Term:
    return nt_term(Literal(Decimal(str(round(score, 3)))))


def _zh(text: str) -> Term:
    return literal(text, ZH)


class Mapper:
    """Builds the quads of one corpus under one IRI base."""

    def __init__(self, corpus: Corpus, base_iri: str) -> None:
        self.corpus = corpus
        self.iris = IRIs(base_iri)
        self.quads = Quads()
        self.entities = self.quads.graph(iri(self.iris.entities_graph()))
        self.articles = {extraction.article.id: extraction.article for extraction in corpus.extractions}
        self.documents = {document.id: document for document in corpus.documents}
        self.entity_terms: dict[str, Term] = {}
        self.stated: set[Term] = set()
        self.quantities_by_article: dict[str, list[Quantity]] = {}  # filled as facts are mapped (see map_facts)

    def graph_for(self, article_id: str) -> set[Triple]:
        return self.quads.graph(iri(self.iris.article_graph(article_id)))

    def entity_iri(self, key: str) -> Term:
        term = self.entity_terms.get(key)
        if term is None:
            term = self.entity_terms[key] = iri(self.iris.entity(key))
        return term

    def map(self) -> Quads:
        """Map the whole corpus and return its quads."""
        self.map_entities()
        self.map_facts(self.corpus)
        self.drop_restated_entity_facts(self.corpus)
        return self.quads

    def map_entities(self) -> None:
        """The entities graph: every entity of the corpus."""
        for entity in self.corpus.entities.values():
            self.map_entity(entity)

    def article_graphs(self, settled: Corpus) -> dict[Term | None, set[Triple]]:
        """The graphs of the articles of ``settled`` (one article's corpus from
        :meth:`kg.graph.resolve.Resolution.settle`), mapped after :meth:`map_entities` and given back instead of
        kept: a low-memory build maps one article at a time."""
        self.articles = {extraction.article.id: extraction.article for extraction in settled.extractions}
        self.quads.graphs = {name: triples for name, triples in self.quads.graphs.items() if triples is self.entities}
        self.map_facts(settled)
        self.drop_restated_entity_facts(settled)
        return {name: triples for name, triples in self.quads.graphs.items() if triples is not self.entities}

    def map_facts(self, corpus: Corpus) -> None:
        """The article graphs of ``corpus``: articles, sentences, mentions, relations, quantities and events."""
        mention_type, in_article, mention_of = _kg("Mention"), _kg("inArticle"), _kg("mentionOf")
        entity_type, extractor, confidence, mentions = (
            _kg("entityType"),
            _kg("extractor"),
            _kg("confidence"),
            _kg("mentions"),
        )
        for extraction in corpus.extractions:
            self.map_article(extraction.article)
            add = self.graph_for(extraction.article.id).add
            for mention in extraction.mentions:
                if mention.entity is None:
                    continue
                node = iri(self.iris.span(mention.article_id, mention.start, mention.end))
                article = iri(self.iris.article(mention.article_id))
                entity = self.entity_iri(mention.entity)
                add((node, TYPE, mention_type))
                add((node, BEGIN, _int(mention.start)))
                add((node, END, _int(mention.end)))
                add((node, ANCHOR, literal(mention.text)))
                add((node, in_article, article))
                add((node, mention_of, entity))
                add((node, entity_type, literal(mention.type)))
                add((node, extractor, literal(mention.source)))
                add((node, confidence, _score(mention.score)))
                add((article, mentions, entity))
        for quantity in corpus.quantities:  # the sums relations state are found among the corpus's quantities
            self.quantities_by_article.setdefault(quantity.evidence.article_id, []).append(quantity)
        for relation in corpus.relations:
            self.map_relation(relation)
        for quantity in corpus.quantities:
            self.map_quantity(quantity)
        for event in corpus.events:
            add = self.graph_for(event.evidence.article_id).add
            node = iri(self.iris.hashed("event", event.key))
            add((node, TYPE, _kg(event.type)))
            add((node, LABEL, _zh(event.label)))
            if event.date:
                add((node, _kg("eventDate"), _date_literal(event.date)))
            for place in ([event.place] if event.place else []) + event.places:
                add((node, _kg("eventPlace"), self.entity_iri(place)))
            for participant in event.participants:
                add((node, _kg("participant"), self.entity_iri(participant)))
            if event.origin:
                add((node, _kg("origin"), self.entity_iri(event.origin)))
            if event.destination:
                add((node, _kg("destination"), self.entity_iri(event.destination)))
            for role, key in event.roles:
                add((node, _kg(_ROLE_PROPERTIES[role]), self.entity_iri(key)))
            if event.trigger:
                add((node, _kg("trigger"), _zh(event.trigger)))
            for amount in event.amounts:
                add((node, _kg("amount"), self.quantity_iri(amount)))
            if event.description:
                add((node, COMMENT, _zh(event.description)))
            add((node, _kg("extractor"), literal(event.extractor)))
            add((node, _kg("evidence"), self.map_evidence(event.evidence)))
            for further in event.more_evidence:
                add((node, _kg("furtherEvidence"), self.map_evidence(further)))

    def drop_restated_entity_facts(self, corpus: Corpus) -> None:
        """Keep a triple that the entities graph already asserts (a containment the gazetteer knows) out of the
        article graphs, so that a union of all graphs does not hold it twice; the article keeps its kg:Statement."""
        for extraction in corpus.extractions:
            graph = self.graph_for(extraction.article.id)
            graph -= graph & self.entities  # the intersection walks the smaller set: the article's

    def map_entity(self, entity: Entity) -> None:
        """Type, labels, official code, coordinates and containment of one entity."""
        add = self.entities.add
        node = self.entity_iri(entity.key)
        add((node, TYPE, _kg(entity.type)))
        add((node, LABEL, _zh(entity.label)))
        for alt in sorted(entity.alt_labels):
            add((node, ALT_LABEL, _zh(alt)))
        attrs = entity.attrs
        if attrs.get("code"):
            # a township's 9-digit code is not a GB/T 2260 code: it has a property of its own
            code_property = "townshipCode" if len(attrs["code"]) == 9 else "divisionCode"
            add((node, _kg(code_property), literal(attrs["code"])))
        if attrs.get("level"):
            add((node, _kg("adminLevel"), nt_term(Literal(int(attrs["level"])))))
        if attrs.get("parent"):
            add((node, _kg("containedIn"), self.entity_iri(attrs["parent"])))
        if attrs.get("lat") and attrs.get("lon"):
            geometry = iri(f"{value(node)}/geometry")
            add((node, iri(str(GEO.hasGeometry)), geometry))
            add((geometry, TYPE, iri(str(GEO.Geometry))))
            wkt = f"POINT({attrs['lon']} {attrs['lat']})"
            add((geometry, iri(str(GEO.asWKT)), literal(wkt, datatype=str(GEO.wktLiteral))))

    def map_article(self, article: Article) -> None:
        """The article node: text, metadata, bylines and sentences."""
        add = self.graph_for(article.id).add
        node = iri(self.iris.article(article.id))
        add((node, TYPE, _kg("PhotoStory" if article.kind == "photo" else "Article")))
        add((node, _kg("text"), literal(article.text)))
        if article.headline:
            add((node, _kg("headline"), _zh(article.headline)))
        published = article.published or article.date
        if published:
            add((node, _kg("datePublished"), literal(published.isoformat(), datatype=str(XSD.date))))
        if article.date and article.dateline and DATED_DATELINE.search(article.dateline):
            add((node, _kg("datelineDate"), literal(article.date.isoformat(), datatype=str(XSD.date))))
        if article.page:
            add((node, _kg("page"), literal(article.page)))
        document = self.documents.get(article.document_id)
        if document is not None:
            add((node, _kg("sourceFile"), literal(document.path.rsplit("/", 1)[-1])))
        if article.place_entity:
            add((node, _kg("datelinePlace"), self.entity_iri(article.place_entity)))
        if article.publication_entity:
            add((node, _kg("publication"), self.entity_iri(article.publication_entity)))
        for byline in article.bylines:
            if byline.entity:
                add((node, _kg(byline.role), self.entity_iri(byline.entity)))
        has_sentence, sentence_type, in_article = _kg("hasSentence"), _kg("Sentence"), _kg("inArticle")
        for sentence in article.sentences:
            sentence_node = iri(self.iris.sentence(article.id, sentence.index))
            add((node, has_sentence, sentence_node))
            add((sentence_node, TYPE, sentence_type))
            add((sentence_node, BEGIN, _int(sentence.span.start)))
            add((sentence_node, END, _int(sentence.span.end)))
            add((sentence_node, ANCHOR, literal(article.text[sentence.span.start : sentence.span.end])))
            add((sentence_node, in_article, node))

    def map_evidence(self, evidence: Evidence) -> Term:
        """The evidence span node; returns its IRI term."""
        graph = self.graph_for(evidence.article_id)
        add = graph.add
        node = iri(self.iris.span(evidence.article_id, evidence.start, evidence.end))
        if (node, TYPE, _kg("Evidence")) in graph:
            return node  # one sentence is the evidence of all its statements: its long text is escaped once
        add((node, TYPE, _kg("Evidence")))
        add((node, BEGIN, _int(evidence.start)))
        add((node, END, _int(evidence.end)))
        article = self.articles.get(evidence.article_id)
        anchor = article.text[evidence.start : evidence.end] if article else evidence.text
        add((node, ANCHOR, literal(anchor)))
        add((node, _kg("inArticle"), iri(self.iris.article(evidence.article_id))))
        add((node, _kg("sentenceText"), literal(evidence.text)))
        return node

    def map_relation(self, relation: Relation) -> None:
        """The plain triple plus its statement node with evidence, extractor and score."""
        graph = self.graph_for(relation.evidence.article_id)
        subject = self.entity_iri(relation.subject)
        evidence = self.map_evidence(relation.evidence)
        if relation.predicate == "holdsPost":
            obj = self.map_post(relation, graph)
            if not relation.literal and not relation.attrs.get("place"):
                # Holding a post in an organization states that the person works for it, from the same evidence.
                self.state(graph, subject, _kg("worksFor"), self.entity_iri(relation.object), evidence, relation)
        elif relation.literal:
            obj = _date_literal(relation.object) if relation.datatype == "date" else _zh(relation.object)
        else:
            obj = self.entity_iri(relation.object)
        self.state(graph, subject, _kg(relation.predicate), obj, evidence, relation)

    def state(
        self, graph: set[Triple], subject: Term, predicate: Term, obj: Term, evidence: Term, relation: Relation
    ) -> None:
        """Add the plain triple and the kg:Statement node that carries its evidence, extractor and score."""
        add = graph.add
        add((subject, predicate, obj))
        node = iri(self.iris.hashed("statement", *(value(term) for term in (subject, predicate, obj, evidence))))
        if node in self.stated:
            return  # two extractors read the same fact from the same sentence: one statement, the first one's
        self.stated.add(node)
        add((node, TYPE, _kg("Statement")))
        add((node, iri(str(RDF.subject)), subject))
        add((node, iri(str(RDF.predicate)), predicate))
        add((node, iri(str(RDF.object)), obj))
        add((node, _kg("evidence"), evidence))
        add((node, _kg("extractor"), literal(relation.extractor)))
        add((node, _kg("confidence"), _score(relation.score)))
        if relation.attrs.get("tenure"):
            add((node, _kg("tenure"), _zh(relation.attrs["tenure"])))
        amount = self.amount_of(relation)
        if amount is not None:
            add((node, _kg("amount"), self.quantity_iri(amount)))

    def map_post(self, relation: Relation, graph: set[Triple]) -> Term:
        """A post held by a person in an organization or place: ``Post/<org>/<title>`` with its title and postIn; a
        post whose organization the text does not name is the person's own (``Post/<person>/<title>``, no postIn)."""
        title = relation.attrs.get("title", "")
        organization = None if relation.literal else relation.object
        owner = organization if organization else f"of/{relation.subject}"
        post = iri(self.iris.entity(f"Post/{owner.replace('/', '_')}/{title}"))
        add = graph.add
        add((post, TYPE, _kg("Post")))
        add((post, _kg("postTitle"), _zh(title)))
        add((post, LABEL, _zh(title)))
        if organization:
            add((post, _kg("postIn"), self.entity_iri(organization)))
        return post

    def amount_of(self, relation: Relation) -> Quantity | None:
        """The quantity node of the sum a relation states (投资12亿元建设…), read from the same sentence."""
        text = relation.attrs.get("amount")
        if not text:
            return None
        evidence = relation.evidence
        for quantity in self.quantities_by_article.get(evidence.article_id, ()):
            if quantity.text == text and quantity.evidence.start == evidence.start and quantity.value is not None:
                return quantity
        return None

    def quantity_iri(self, quantity: Quantity) -> Term:
        """The IRI of a quantity's node (an event refers to the sums its sentence states by it)."""
        evidence = iri(self.iris.span(quantity.evidence.article_id, quantity.evidence.start, quantity.evidence.end))
        # the same text twice in a sentence is one node unless the two say different things (another time, value)
        return iri(
            self.iris.hashed(
                "quantity",
                quantity.subject,
                quantity.measured,
                quantity.text,
                value(evidence),
                quantity.time,
                str(quantity.value),
                quantity.qualifier,
            )
        )

    def map_quantity(self, quantity: Quantity) -> None:
        """A quantity as an n-ary node: subject, measured thing, value, unit, time, original text, evidence."""
        add = self.graph_for(quantity.evidence.article_id).add
        evidence = self.map_evidence(quantity.evidence)
        node = self.quantity_iri(quantity)
        add((node, TYPE, _kg("Quantity")))
        if quantity.subject:
            add((node, _kg("quantityOf"), self.entity_iri(quantity.subject)))
        add((node, _kg("measuredThing"), _zh(quantity.measured)))
        if quantity.value is not None:
            add((node, iri(str(SCHEMA.value)), nt_term(Literal(quantity.value, datatype=XSD.decimal))))
        for bound, end in (("minValue", quantity.value_min), ("maxValue", quantity.value_max)):
            if end is not None:
                add((node, iri(str(SCHEMA[bound])), nt_term(Literal(end, datatype=XSD.decimal))))
        if quantity.unit:
            add((node, iri(str(SCHEMA.unitCode)), literal(quantity.unit)))
        if quantity.unit_text:
            add((node, iri(str(SCHEMA.unitText)), _zh(quantity.unit_text)))
        if quantity.approximate:
            add((node, _kg("approximate"), nt_term(Literal(True))))
        if quantity.qualifier:
            add((node, _kg("qualifier"), literal(quantity.qualifier)))
        if quantity.time:
            add((node, _kg("refTime"), literal(quantity.time)))
        add((node, _kg("originalText"), literal(quantity.text)))
        add((node, _kg("extractor"), literal(quantity.extractor)))
        add((node, _kg("evidence"), evidence))


def _date_literal(text: str) -> Term:
    """xsd:date for YYYY-MM-DD, xsd:gYear for YYYY, xsd:gYearMonth for YYYY-MM, else a plain string."""
    if len(text) == 10 and text[4] == "-":
        return literal(text, datatype=str(XSD.date))
    if len(text) == 7 and text[4] == "-":
        return literal(text, datatype=str(XSD.gYearMonth))
    if len(text) == 4 and text.isdigit():
        return literal(text, datatype=str(XSD.gYear))
    return literal(text)


def to_rdf(corpus: Corpus, base_iri: str) -> Quads:
    """Map a resolved corpus to quads (one named graph per article plus the entities graph)."""
    return Mapper(corpus, base_iri).map()
