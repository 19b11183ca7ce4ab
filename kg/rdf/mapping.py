"""Map a resolved :class:`~kg.model.Corpus` to RDF under ontology/kg.ttl.

The result is a Dataset: one named graph per article (its text, sentences, mentions, statements, quantities and
events, so one article's facts can be dropped or replaced) and one graph for the resolved entities. Every statement is
emitted twice: as the plain triple (easy SPARQL) and as a ``kg:Statement`` node pointing at its evidence span.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg.model import Article, Corpus, Entity, Evidence, Quantity, Relation
from kg.rdf.iri import IRIs
from kg.rdf.vocab import GEO, KG, NIF, PREFIXES, SCHEMA

ZH = "zh"
DATED_DATELINE = re.compile(r"\d{1,2}月\d{1,2}日")


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.nonNegativeInteger)


class Mapper:
    """Builds the Dataset for one corpus under one IRI base."""

    def __init__(self, corpus: Corpus, base_iri: str) -> None:
        self.corpus = corpus
        self.iris = IRIs(base_iri)
        self.dataset = Dataset()
        for prefix, namespace in PREFIXES.items():
            self.dataset.bind(prefix, namespace)
        self.entities = self.dataset.graph(self.iris.entities_graph())
        self.articles = {extraction.article.id: extraction.article for extraction in corpus.extractions}
        self.documents = {document.id: document for document in corpus.documents}

    def graph_for(self, article_id: str) -> Graph:
        return self.dataset.graph(self.iris.article_graph(article_id))

    def entity_iri(self, key: str) -> URIRef:
        return self.iris.entity(key)

    def map(self) -> Dataset:
        """Map the whole corpus and return the Dataset."""
        for entity in self.corpus.entities.values():
            self.map_entity(entity)
        for extraction in self.corpus.extractions:
            self.map_article(extraction.article)
            graph = self.graph_for(extraction.article.id)
            for mention in extraction.mentions:
                if mention.entity is None:
                    continue
                node = self.iris.span(mention.article_id, mention.start, mention.end)
                graph.add((node, RDF.type, KG.Mention))
                graph.add((node, NIF.beginIndex, _int(mention.start)))
                graph.add((node, NIF.endIndex, _int(mention.end)))
                graph.add((node, NIF.anchorOf, Literal(mention.text)))
                graph.add((node, KG.inArticle, self.iris.article(mention.article_id)))
                graph.add((node, KG.mentionOf, self.entity_iri(mention.entity)))
                graph.add((node, KG.entityType, Literal(mention.type)))
                graph.add((node, KG.extractor, Literal(mention.source)))
                graph.add((node, KG.confidence, Literal(Decimal(str(round(mention.score, 3))))))
                graph.add((self.iris.article(mention.article_id), KG.mentions, self.entity_iri(mention.entity)))
        for relation in self.corpus.relations:
            self.map_relation(relation)
        for quantity in self.corpus.quantities:
            self.map_quantity(quantity)
        for event in self.corpus.events:
            graph = self.graph_for(event.evidence.article_id)
            node = self.iris.hashed("event", event.key)
            graph.add((node, RDF.type, KG[event.type]))
            graph.add((node, RDFS.label, Literal(event.label, lang=ZH)))
            if event.date:
                graph.add((node, KG.eventDate, _date_literal(event.date)))
            for place in ([event.place] if event.place else []) + event.places:
                graph.add((node, KG.eventPlace, self.entity_iri(place)))
            for participant in event.participants:
                graph.add((node, KG.participant, self.entity_iri(participant)))
            if event.origin:
                graph.add((node, KG.origin, self.entity_iri(event.origin)))
            if event.destination:
                graph.add((node, KG.destination, self.entity_iri(event.destination)))
            if event.description:
                graph.add((node, RDFS.comment, Literal(event.description, lang=ZH)))
            graph.add((node, KG.extractor, Literal(event.extractor)))
            graph.add((node, KG.evidence, self.map_evidence(event.evidence)))
        self.drop_restated_entity_facts()
        return self.dataset

    def drop_restated_entity_facts(self) -> None:
        """Keep a triple that the entities graph already asserts (a containment the gazetteer knows) out of the
        article graphs, so that a union of all graphs does not hold it twice; the article keeps its kg:Statement."""
        entity_graph = self.entities
        for extraction in self.corpus.extractions:
            graph = self.graph_for(extraction.article.id)
            for triple in [t for t in graph if t in entity_graph]:
                graph.remove(triple)

    def map_entity(self, entity: Entity) -> None:
        """Type, labels, official code, coordinates and containment of one entity."""
        graph = self.entities
        node = self.entity_iri(entity.key)
        graph.add((node, RDF.type, KG[entity.type]))
        graph.add((node, RDFS.label, Literal(entity.label, lang=ZH)))
        for alt in sorted(entity.alt_labels):
            graph.add((node, SKOS.altLabel, Literal(alt, lang=ZH)))
        attrs = entity.attrs
        if attrs.get("code"):
            # a township's 9-digit code is not a GB/T 2260 code: it has a property of its own
            code_property = KG.townshipCode if len(attrs["code"]) == 9 else KG.divisionCode
            graph.add((node, code_property, Literal(attrs["code"])))
        if attrs.get("level"):
            graph.add((node, KG.adminLevel, Literal(int(attrs["level"]))))
        if attrs.get("parent"):
            graph.add((node, KG.containedIn, self.entity_iri(attrs["parent"])))
        if attrs.get("lat") and attrs.get("lon"):
            geometry = URIRef(f"{node}/geometry")
            graph.add((node, GEO.hasGeometry, geometry))
            graph.add((geometry, RDF.type, GEO.Geometry))
            wkt = f"POINT({attrs['lon']} {attrs['lat']})"
            graph.add((geometry, GEO.asWKT, Literal(wkt, datatype=GEO.wktLiteral)))

    def map_article(self, article: Article) -> None:
        """The article node: text, metadata, bylines and sentences."""
        graph = self.graph_for(article.id)
        node = self.iris.article(article.id)
        graph.add((node, RDF.type, KG.PhotoStory if article.kind == "photo" else KG.Article))
        graph.add((node, KG.text, Literal(article.text)))
        if article.headline:
            graph.add((node, KG.headline, Literal(article.headline, lang=ZH)))
        published = article.published or article.date
        if published:
            graph.add((node, KG.datePublished, Literal(published.isoformat(), datatype=XSD.date)))
        if article.date and article.dateline and DATED_DATELINE.search(article.dateline):
            graph.add((node, KG.datelineDate, Literal(article.date.isoformat(), datatype=XSD.date)))
        if article.page:
            graph.add((node, KG.page, Literal(article.page)))
        document = self.documents.get(article.document_id)
        if document is not None:
            graph.add((node, KG.sourceFile, Literal(document.path.rsplit("/", 1)[-1])))
        if article.place_entity:
            graph.add((node, KG.datelinePlace, self.entity_iri(article.place_entity)))
        if article.publication_entity:
            graph.add((node, KG.publication, self.entity_iri(article.publication_entity)))
        for byline in article.bylines:
            if byline.entity:
                graph.add((node, KG[byline.role], self.entity_iri(byline.entity)))
        for sentence in article.sentences:
            sentence_node = self.iris.sentence(article.id, sentence.index)
            graph.add((node, KG.hasSentence, sentence_node))
            graph.add((sentence_node, RDF.type, KG.Sentence))
            graph.add((sentence_node, NIF.beginIndex, _int(sentence.span.start)))
            graph.add((sentence_node, NIF.endIndex, _int(sentence.span.end)))
            graph.add((sentence_node, NIF.anchorOf, Literal(article.text[sentence.span.start : sentence.span.end])))
            graph.add((sentence_node, KG.inArticle, node))

    def map_evidence(self, evidence: Evidence) -> URIRef:
        """The evidence span node; returns its IRI."""
        graph = self.graph_for(evidence.article_id)
        node = self.iris.span(evidence.article_id, evidence.start, evidence.end)
        graph.add((node, RDF.type, KG.Evidence))
        graph.add((node, NIF.beginIndex, _int(evidence.start)))
        graph.add((node, NIF.endIndex, _int(evidence.end)))
        article = self.articles.get(evidence.article_id)
        anchor = article.text[evidence.start : evidence.end] if article else evidence.text
        graph.add((node, NIF.anchorOf, Literal(anchor)))
        graph.add((node, KG.inArticle, self.iris.article(evidence.article_id)))
        graph.add((node, KG.sentenceText, Literal(evidence.text)))
        return node

    def map_relation(self, relation: Relation) -> None:
        """The plain triple plus its statement node with evidence, extractor and score."""
        graph = self.graph_for(relation.evidence.article_id)
        subject = self.entity_iri(relation.subject)
        evidence = self.map_evidence(relation.evidence)
        if relation.literal:
            obj: URIRef | Literal = (
                _date_literal(relation.object)
                if relation.datatype == "date"
                else Literal(relation.object, lang=ZH)
            )
        elif relation.predicate == "holdsPost":
            obj = self.map_post(relation, graph)
            # Holding a post in an organization states that the person works for it, from the same evidence.
            self.state(graph, subject, KG.worksFor, self.entity_iri(relation.object), evidence, relation)
        else:
            obj = self.entity_iri(relation.object)
        self.state(graph, subject, KG[relation.predicate], obj, evidence, relation)

    def state(
        self, graph: Graph, subject: URIRef, predicate: URIRef, obj: URIRef | Literal, evidence: URIRef,
        relation: Relation,
    ) -> None:
        """Add the plain triple and the kg:Statement node that carries its evidence, extractor and score."""
        graph.add((subject, predicate, obj))
        node = self.iris.hashed("statement", subject, predicate, obj, evidence)
        graph.add((node, RDF.type, KG.Statement))
        graph.add((node, RDF.subject, subject))
        graph.add((node, RDF.predicate, predicate))
        graph.add((node, RDF.object, obj))
        graph.add((node, KG.evidence, evidence))
        graph.add((node, KG.extractor, Literal(relation.extractor)))
        graph.add((node, KG.confidence, Literal(Decimal(str(round(relation.score, 3))))))

    def map_post(self, relation: Relation, graph: Graph) -> URIRef:
        """A post held by a person in an organization: ``Post/<org>/<title>`` with its title and postIn."""
        title = relation.attrs.get("title", "")
        organization = relation.object
        post = self.iris.entity(f"Post/{organization.replace('/', '_')}/{title}")
        graph.add((post, RDF.type, KG.Post))
        graph.add((post, KG.postTitle, Literal(title, lang=ZH)))
        graph.add((post, RDFS.label, Literal(title, lang=ZH)))
        graph.add((post, KG.postIn, self.entity_iri(organization)))
        return post

    def map_quantity(self, quantity: Quantity) -> None:
        """A quantity as an n-ary node: subject, measured thing, value, unit, time, original text, evidence."""
        graph = self.graph_for(quantity.evidence.article_id)
        evidence = self.map_evidence(quantity.evidence)
        node = self.iris.hashed("quantity", quantity.subject, quantity.measured, quantity.text, evidence)
        graph.add((node, RDF.type, KG.Quantity))
        if quantity.subject:
            graph.add((node, KG.quantityOf, self.entity_iri(quantity.subject)))
        graph.add((node, KG.measuredThing, Literal(quantity.measured, lang=ZH)))
        if quantity.value is not None:
            graph.add((node, SCHEMA.value, Literal(quantity.value, datatype=XSD.decimal)))
        if quantity.unit:
            graph.add((node, SCHEMA.unitCode, Literal(quantity.unit)))
        if quantity.unit_text:
            graph.add((node, SCHEMA.unitText, Literal(quantity.unit_text, lang=ZH)))
        if quantity.approximate:
            graph.add((node, KG.approximate, Literal(True)))
        if quantity.qualifier:
            graph.add((node, KG.qualifier, Literal(quantity.qualifier)))
        if quantity.time:
            graph.add((node, KG.refTime, Literal(quantity.time)))
        graph.add((node, KG.originalText, Literal(quantity.text)))
        graph.add((node, KG.extractor, Literal(quantity.extractor)))
        graph.add((node, KG.evidence, evidence))


def _date_literal(value: str) -> Literal:
    """xsd:date for YYYY-MM-DD, xsd:gYear for YYYY, xsd:gYearMonth for YYYY-MM, else a plain string."""
    if len(value) == 10 and value[4] == "-":
        return Literal(value, datatype=XSD.date)
    if len(value) == 7 and value[4] == "-":
        return Literal(value, datatype=XSD.gYearMonth)
    if len(value) == 4 and value.isdigit():
        return Literal(value, datatype=XSD.gYear)
    return Literal(value)


def to_rdf(corpus: Corpus, base_iri: str) -> Dataset:
    """Map a resolved corpus to an RDF Dataset (one named graph per article plus the entities graph)."""
    return Mapper(corpus, base_iri).map()
