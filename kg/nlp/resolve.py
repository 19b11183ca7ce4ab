"""Resolution: merge mentions into entities, one per real thing across the articles of a run."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from typing import Any

from kg.model import ArticleExtraction, Corpus, Entity, Mention
from kg.pipeline import stage
from kg.rdf.vocab import is_subclass


def normalise_name(text: str) -> str:
    """The comparison form of a name: NFKC, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def family(cls: str) -> str:
    """The top-level family of a class (Person, Place, Organization, Work …), used to keep homonyms apart."""
    for top in ("Person", "Place", "Organization", "Work", "Event", "Product", "Project"):
        if is_subclass(cls, top):
            return top
    return cls


@stage("resolve.default")
def resolve(extractions: list[ArticleExtraction], settings: Any = None) -> Corpus:
    """Group mentions with the same normalised name and class family into one entity."""
    entities: dict[str, Entity] = {}

    def add(name: str, cls: str, key: str | None = None, mention: Mention | None = None) -> str:
        key = key or f"{family(cls)}/{normalise_name(name)}"
        entity = entities.get(key)
        if entity is None:
            entity = entities[key] = Entity(key=key, type=cls, label=normalise_name(name))
        elif entity.type != cls and is_subclass(cls, entity.type):
            entity.type = cls  # keep the most specific class seen
        entity.alt_labels.add(name)
        if mention is not None:
            entity.mentions.append(mention)
            mention.entity = key
        return key

    for extraction in extractions:
        article = extraction.article
        for mention in extraction.mentions:
            add(mention.text, mention.type, mention.entity, mention)
        article.bylines = [replace(b, entity=add(b.name, "Person", b.entity)) for b in article.bylines]
        if article.place and not article.place_entity:
            article.place_entity = add(article.place, "Place")
        if article.publication and not article.publication_entity:
            article.publication_entity = add(article.publication, "NewsMedia")
    for entity in entities.values():
        entity.alt_labels.discard(entity.label)
    corpus = Corpus(extractions=extractions, entities=dict(sorted(entities.items())))
    for extraction in extractions:
        corpus.relations.extend(extraction.relations)
        corpus.quantities.extend(extraction.quantities)
        corpus.events.extend(extraction.events)
    # relations, quantities and events carry mentions; now that mentions have entities, give them entity keys
    from kg.nlp.relate import attach_keys

    attach_keys(corpus)
    return corpus
