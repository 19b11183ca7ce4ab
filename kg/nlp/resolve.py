"""Resolution: merge mentions into entities, one per real thing across the articles of a run.

Keys (from which IRIs are made):

* a linked administrative area is ``place/<code>`` (6 digits, 9 for a town), whatever its surface (赤峰, 赤峰市, 首府
  for 呼和浩特市); its ancestors become entities too, so that 乌达区 ⊂ 乌海市 ⊂ 内蒙古自治区 is in the graph;
* anything else is ``<Family>/<normalised name>``: Person, Place, Organization, Work, Product, Project or Event, the
  name being the mention's full form (``attrs["name"]``, e.g. 阿日哈沙特边境派出所 for an elliptic 阿日哈沙特, or
  呼和浩特市政府 for 市政府) in NFKC and simplified characters.

Within an article, abbreviations and anaphora marked by the rules (``attrs["ref"]``: 二连站 → 二连浩特站, 该公司,
《条例》) take the entity of the mention they point at. Across articles, a place name left unlinked in one article joins
the linked place that has exactly that surface form elsewhere in the run (a town only if no other town in the country
bears its name).

Every entity keeps all its surface forms (``alt_labels``) except anaphora (该市, 公司), role words (首府) and elliptic
forms (the A of ``A、B派出所``), which are references rather than names; every mention stays attached with its
offsets and extractor.

Same-name persons. Chinese names repeat, so a name alone is weak evidence. Policy: persons with the same normalised
name in different articles of one run are the same entity unless the articles give them posts in different
organizations; then each distinct organization set opens a new entity keyed ``Person/<name>/<n>`` (n = 2, 3 … in
article order). A mention without a post joins the first entity of that name. Bylines are matched by name the same way,
so a reporter credited on several articles of one newspaper is one person.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from typing import Any

from kg.model import ArticleExtraction, Corpus, Entity, Mention
from kg.nlp.gazetteer import Division, gazetteer, lookup, simplified
from kg.pipeline import stage
from kg.rdf.vocab import is_subclass

FAMILIES = ("Person", "Place", "Organization", "Work", "Event", "Product", "Project")
# Mention attributes that mark a reference rather than a name: not kept as a surface form of the entity.
NOT_A_NAME = ("anaphor", "elliptic")


def surface(text: str) -> str:
    """A surface form as printed, tidied: NFKC, no whitespace (traditional characters are kept)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def normalise_name(text: str) -> str:
    """The comparison form of a name: NFKC, simplified characters, no whitespace."""
    return simplified(surface(text))


def family(cls: str) -> str:
    """The top-level family of a class (Person, Place, Organization, Work …), used to keep homonyms apart."""
    for top in FAMILIES:
        if is_subclass(cls, top):
            return top
    return cls


class _Resolver:
    """Builds the entity table while keys are assigned."""

    def __init__(self) -> None:
        self.entities: dict[str, Entity] = {}
        self.people: dict[str, list[tuple[str, set[str]]]] = {}  # name → [(key, organization keys)]

    def entity(self, key: str, cls: str, label: str) -> Entity:
        entity = self.entities.get(key)
        if entity is None:
            entity = self.entities[key] = Entity(key=key, type=cls, label=label)
        elif entity.type != cls and is_subclass(cls, entity.type):
            entity.type = cls  # keep the most specific class seen
        return entity

    def place(self, division: Division) -> str:
        """The key of a linked division, creating it and its ancestors with code, level and coordinates."""
        gaz = gazetteer()
        entity = self.entity(division.key, division.cls, division.name)
        entity.attrs.update({"code": division.code, "level": str(division.level)})
        if division.lat and division.lon:
            entity.attrs.update({"lat": division.lat, "lon": division.lon})
        if division.parent:
            entity.attrs["parent"] = self.place(gaz.divisions[division.parent])
        return division.key

    def person(self, name: str, organizations: set[str]) -> str:
        """The key of the person called ``name`` who holds posts in ``organizations`` (see the module docstring)."""
        variants = self.people.setdefault(name, [])
        for key, known in variants:
            if not organizations or not known or known & organizations:
                known.update(organizations)
                return key
        key = f"Person/{name}" if not variants else f"Person/{name}/{len(variants) + 1}"
        variants.append((key, set(organizations)))
        return key

    def attach(self, key: str, mention: Mention) -> None:
        entity = self.entities[key]
        entity.mentions.append(mention)
        mention.entity = key
        if not any(mention.attrs.get(flag) for flag in NOT_A_NAME) and mention.attrs.get("alias") != "role":
            entity.alt_labels.add(surface(mention.text))


def _name(mention: Mention) -> str:
    return normalise_name(mention.attrs.get("name") or mention.text)


def _ref(mention: Mention) -> tuple[int, int] | None:
    ref = mention.attrs.get("ref", "")
    start, _, end = ref.partition(":")
    return (int(start), int(end)) if start.isdigit() and end.isdigit() else None


def _key_of(resolver: _Resolver, mention: Mention) -> str:
    code = mention.attrs.get("code")
    gaz = gazetteer()
    if code and code in gaz.divisions:
        return resolver.place(gaz.divisions[code])
    name = _name(mention)
    key = f"{family(mention.type)}/{name}"
    resolver.entity(key, mention.type, name)
    return key


@stage("resolve.default")
def resolve(extractions: list[ArticleExtraction], settings: Any = None) -> Corpus:
    """Group mentions into entities (see the module docstring for keys, references and the same-name policy)."""
    resolver = _Resolver()
    for extraction in extractions:
        _resolve_article(resolver, extraction)
    moved = _join_unlinked_places(resolver)
    for extraction in extractions:
        article = extraction.article
        if article.place_entity in moved:
            article.place_entity = moved[article.place_entity]
    for entity in resolver.entities.values():
        entity.alt_labels.discard(entity.label)
        entity.mentions.sort(key=lambda m: (m.article_id, m.start, m.end))
    corpus = Corpus(extractions=extractions, entities=dict(sorted(resolver.entities.items())))
    for extraction in extractions:
        corpus.relations.extend(extraction.relations)
        corpus.quantities.extend(extraction.quantities)
        corpus.events.extend(extraction.events)
    # relations, quantities and events carry mentions; now that mentions have entities, give them entity keys
    from kg.nlp.relate import attach_keys

    attach_keys(corpus)
    return corpus


def _resolve_article(resolver: _Resolver, extraction: ArticleExtraction) -> None:
    article = extraction.article
    spans = {(m.start, m.end): m for m in extraction.mentions}
    keys: dict[tuple[int, int], str] = {}
    persons = [m for m in extraction.mentions if m.type == "Person" and not _ref(m)]
    for mention in extraction.mentions:
        if mention.type != "Person" and not _ref(mention):
            keys[(mention.start, mention.end)] = _key_of(resolver, mention)

    def follow(mention: Mention, depth: int = 0) -> str | None:
        target = _ref(mention)
        if target is None:
            return keys.get((mention.start, mention.end))
        antecedent = spans.get(target)
        if antecedent is None or depth > 8:
            return None
        return follow(antecedent, depth + 1)

    for mention in extraction.mentions:
        if _ref(mention) and mention.type != "Person":
            keys[(mention.start, mention.end)] = follow(mention) or _key_of(resolver, mention)
    for mention in persons:
        organizations = set()
        post_org = _ref(Mention("", 0, 0, "", "", attrs={"ref": mention.attrs.get("post_org", "")}))
        if post_org is not None and post_org in keys:
            organizations.add(keys[post_org])
        name = _name(mention)
        key = resolver.person(name, organizations)
        resolver.entity(key, "Person", name)
        keys[(mention.start, mention.end)] = key
    for mention in extraction.mentions:
        key = keys.get((mention.start, mention.end))
        if key is not None:
            resolver.attach(key, mention)
    bylines = []
    for byline in article.bylines:
        name = normalise_name(byline.name)
        key = byline.entity or resolver.person(name, set())
        resolver.entity(key, "Person", name).alt_labels.add(name)
        bylines.append(replace(byline, entity=key))
    article.bylines = bylines
    if article.place and not article.place_entity:
        context = [m.attrs["name"] for m in extraction.mentions if m.attrs.get("code") and m.attrs.get("name")]
        division = lookup(article.place, context)
        if division is not None:
            article.place_entity = resolver.place(division)
        else:
            name = normalise_name(article.place)
            article.place_entity = f"Place/{name}"
            resolver.entity(article.place_entity, "Place", name)
        resolver.entities[article.place_entity].alt_labels.add(surface(article.place))
    if article.publication and not article.publication_entity:
        name = normalise_name(article.publication)
        article.publication_entity = f"Organization/{name}"
        resolver.entity(article.publication_entity, "NewsMedia", name)


def _join_unlinked_places(resolver: _Resolver) -> dict[str, str]:
    """An unlinked place whose name is a surface form of exactly one linked place joins that place; returns the moves."""
    moved: dict[str, str] = {}
    linked: dict[str, set[str]] = {}
    for key, entity in resolver.entities.items():
        if key.startswith("place/"):
            for form in (entity.label, *entity.alt_labels):
                linked.setdefault(form, set()).add(key)
    for key, entity in list(resolver.entities.items()):
        if not key.startswith("Place/") or entity.type not in {"Place", *LINKABLE}:
            continue
        targets = linked.get(entity.label, set())
        if len(targets) != 1:
            continue
        if entity.type == "TownshipLevelArea" and len([c for c in gazetteer().forms.get(entity.label, ()) if c.code]) > 1:
            continue  # 城关镇 linked in one article says nothing about the 城关镇 of another
        target = resolver.entities[next(iter(targets))]
        for mention in entity.mentions:
            mention.entity = target.key
            target.mentions.append(mention)
        target.alt_labels.update(entity.alt_labels | {entity.label})
        del resolver.entities[key]
        moved[key] = target.key
    return moved


LINKABLE = {"AdministrativeArea", "ProvinceLevelArea", "PrefectureLevelArea", "City", "League", "CountyLevelArea",
            "County", "District", "Banner", "CountyLevelCity", "TownshipLevelArea"}
