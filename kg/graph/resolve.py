"""Resolution: merge mentions into entities, one per real thing across the articles of a run.

Keys (from which IRIs are made):

* a linked administrative area is ``place/<code>`` (6 digits, 9 for a town), whatever its surface (赤峰, 赤峰市, 首府
  for 呼和浩特市); its ancestors become entities too, so that 乌达区 ⊂ 乌海市 ⊂ 内蒙古自治区 is in the graph;
* anything else is ``<Family>/<normalised name>``: Person, Place, Organization, Work, Product, Project or Event, the
  name being the mention's full form (``attrs["name"]``, e.g. 阿日哈沙特边境派出所 for an elliptic 阿日哈沙特, or
  呼和浩特市政府 for 市政府) in NFKC and simplified characters; a bare body the article does not place (县委 with no
  county named, ``attrs["scope"] == "article"``) is ``Organization/<name>/<article id>``;

Within an article, abbreviations and anaphora marked by the rules (``attrs["ref"]``: 二连站 → 二连浩特站, 该公司,
《条例》, a given name before a title: 亚明区长 → 王亚明) take the entity of the mention they point at. Across
articles, a place name left unlinked in one article joins the linked place that has exactly that surface form
elsewhere in the run (a town only if no other town in the country bears its name).

Every entity keeps all its surface forms (``alt_labels``) except anaphora (该市, 公司), role words (首府) and elliptic
forms (the A of ``A、B派出所``), which are references rather than names; every mention stays attached with its
offsets and extractor.

Same-name persons. Chinese names repeat (张伟 is several hundred thousand people), so a name alone is no evidence.
Policy (docs/entities.md): within one article a name is one person. Across the articles of a run, a person joins an
earlier entity of the same normalised name only when something besides the name overlaps: an organization the posts
are held in, or the article's *context* — the organizations and the prefecture-, county- or township-level divisions it
mentions (a province or a country is too wide to tell two people apart). Posts in different organizations keep them
apart even when the context overlaps. Otherwise the person is a new entity keyed ``Person/<name>/<n>`` (n = 2, 3 … in
run order). Bylines are matched the same way with the publication as their context, so a reporter credited on several
articles of one newspaper is one person.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import replace
from typing import Any

from kg.graph.vocab import is_subclass
from kg.model import ArticleExtraction, Corpus, Entity, Mention
from kg.nlp.gazetteer import Division, gazetteer, lookup
from kg.registry import stage
from kg.text.normalise import simplified

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

    def __init__(self, keep_mentions: bool = True) -> None:
        self.entities: dict[str, Entity] = {}
        # name → [(key, organization keys of posts, context keys)], see the module docstring
        self.people: dict[str, list[tuple[str, set[str], set[str]]]] = {}
        self.keep_mentions = keep_mentions
        self.coded: set[str] = set()  # keys of entities with a mention linked to a country or a division
        # article ids of the unlinked places' and organizations' mentions: an abbreviation next to its full name in
        # one article may be looser than one across the run (达茂旗 for 达尔罕茂明安联合旗)
        self.articles: dict[str, set[str]] = {}

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

    def person(self, name: str, organizations: set[str], context: set[str]) -> str:
        """The key of the person called ``name`` who holds posts in ``organizations``, named in an article whose
        context is ``context`` (see the module docstring for the policy)."""
        variants = self.people.setdefault(name, [])
        for key, known, seen in variants:
            if organizations and known and not known & organizations:
                continue  # posts in different organizations: two people
            if known & organizations or seen & context:
                known.update(organizations)
                seen.update(context)
                return key
        key = f"Person/{name}" if not variants else f"Person/{name}/{len(variants) + 1}"
        variants.append((key, set(organizations), set(context)))
        return key

    def attach(self, key: str, mention: Mention) -> None:
        entity = self.entities[key]
        if self.keep_mentions:
            entity.mentions.append(mention)
        mention.entity = key
        if mention.attrs.get("iso") or mention.attrs.get("code"):
            self.coded.add(key)
        if _abbreviation_family(key):
            self.articles.setdefault(key, set()).add(mention.article_id)
        if not any(mention.attrs.get(flag) for flag in NOT_A_NAME) and mention.attrs.get("alias") != "role":
            entity.alt_labels.add(surface(mention.attrs.get("surface") or mention.text))
            if mention.attrs.get("analysis"):
                entity.alt_labels.add(surface(mention.attrs["analysis"]))  # the simplified form of another script

    def move(self, source: Entity, target: Entity) -> None:
        """Merge entity ``source`` into ``target`` (mentions, surface forms) and drop it."""
        for mention in source.mentions:
            mention.entity = target.key
            target.mentions.append(mention)
        target.alt_labels.update(source.alt_labels | {source.label})
        if source.key in self.coded:
            self.coded.add(target.key)
        del self.entities[source.key]


def _name(mention: Mention) -> str:
    """The comparison form of a mention's name (keys are made of it): simplified, whatever the article's script."""
    return normalise_name(mention.attrs.get("name") or mention.attrs.get("analysis") or mention.text)


def _label(mention: Mention) -> str:
    """A mention's full name in the article's own script, without pinyin glosses (kg.text.normalise)."""
    return surface(mention.attrs.get("name") or mention.attrs.get("surface") or mention.text)


def _ref(mention: Mention) -> tuple[int, int] | None:
    ref = mention.attrs.get("ref", "")
    start, _, end = ref.partition(":")
    return (int(start), int(end)) if start.isdigit() and end.isdigit() else None


def _key_of(resolver: _Resolver, mention: Mention) -> str:
    code = mention.attrs.get("code")
    gaz = gazetteer()
    if code and code in gaz.divisions:
        return resolver.place(gaz.divisions[code])
    key = f"{family(mention.type)}/{_name(mention)}"
    if mention.attrs.get("scope") == "article":
        key += f"/{mention.article_id}"  # a body the article does not place (县委): this article's, not every one's
    resolver.entity(key, mention.type, _label(mention))
    return key


class Resolution:
    """Resolution one article at a time: :meth:`add` each extraction in run order, :meth:`finish`, then
    :meth:`settle` each extraction again (in any order) to give its mentions, relations, quantities and events their
    final entity keys.

    With ``keep_mentions`` (what :func:`resolve` does) every entity also lists its mentions. Without it, memory holds
    only the entity table, so the extractions can wait on disk between the two passes (a low-memory build).
    """

    def __init__(self, keep_mentions: bool = True) -> None:
        self.resolver = _Resolver(keep_mentions)
        self.moved: dict[str, str] = {}

    def add(self, extraction: ArticleExtraction) -> None:
        """Assign the mentions of one article to entities (before the joins across articles)."""
        _resolve_article(self.resolver, extraction)

    def finish(self) -> dict[str, Entity]:
        """Join entities across the run (unlinked places, abbreviations); return the entities in key order."""
        self.moved = _join_unlinked_places(self.resolver)
        self.moved.update(_join_abbreviations(self.resolver))
        entities = self.resolver.entities
        for entity in entities.values():
            entity.alt_labels.discard(entity.label)
            entity.mentions.sort(key=lambda m: (m.article_id, m.start, m.end))
        return dict(sorted(entities.items()))

    def settle(self, extraction: ArticleExtraction) -> Corpus:
        """Final entity keys for one article after :meth:`finish`; returns its relations (those still stateable),
        quantities and events with entity keys filled in, as a corpus of that article."""
        moved = self.moved
        for mention in extraction.mentions:
            if mention.entity in moved:
                mention.entity = moved[mention.entity]
        article = extraction.article
        if article.place_entity in moved:
            article.place_entity = moved[article.place_entity]
        if article.publication_entity in moved:
            article.publication_entity = moved[article.publication_entity]
        # relations, quantities and events carry mentions; now that mentions have entities, give them entity keys
        from kg.nlp.relate import attach_keys

        corpus = Corpus(
            extractions=[extraction],
            relations=list(extraction.relations),
            quantities=list(extraction.quantities),
            events=list(extraction.events),
        )
        attach_keys(corpus, self.resolver.entities)
        return corpus


@stage("resolve.default")
def resolve(extractions: list[ArticleExtraction], settings: Any = None) -> Corpus:
    """Group mentions into entities (see the module docstring for keys, references and the same-name policy)."""
    resolution = Resolution()
    for extraction in extractions:
        resolution.add(extraction)
    corpus = Corpus(extractions=extractions, entities=resolution.finish())
    for extraction in extractions:
        settled = resolution.settle(extraction)
        corpus.relations.extend(settled.relations)
        corpus.quantities.extend(settled.quantities)
        corpus.events.extend(settled.events)
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
    context = {key for key in keys.values() if _telling(resolver, key)}
    in_article: dict[str, str] = {}  # within one article a name is one person
    for mention in persons:
        organizations = set()
        post_org = _ref(Mention("", 0, 0, "", "", attrs={"ref": mention.attrs.get("post_org", "")}))
        if post_org is not None and post_org in keys:
            organizations.add(keys[post_org])
        name = _name(mention)
        key = in_article.get(name) or resolver.person(name, organizations, context)
        in_article[name] = key
        resolver.entity(key, "Person", _label(mention))
        keys[(mention.start, mention.end)] = key
    for mention in extraction.mentions:
        if mention.type == "Person" and _ref(mention):  # a given name for the person named in full (亚明区长)
            person = follow(mention)
            if person is not None:
                keys[(mention.start, mention.end)] = person
    for mention in extraction.mentions:
        found = keys.get((mention.start, mention.end))
        if found is not None:
            resolver.attach(found, mention)
    bylines = []
    byline_context = {f"publication:{normalise_name(article.publication)}"} if article.publication else set()
    for byline in article.bylines:
        name = normalise_name(byline.name)
        key = byline.entity or in_article.get(name) or resolver.person(name, set(), byline_context | context)
        resolver.entity(key, "Person", name).alt_labels.add(name)
        bylines.append(replace(byline, entity=key))
    article.bylines = bylines
    if article.place and not article.place_entity:
        place_names = [m.attrs["name"] for m in extraction.mentions if m.attrs.get("code") and m.attrs.get("name")]
        division = lookup(article.place, place_names)
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


def _telling(resolver: _Resolver, key: str) -> bool:
    """Whether an entity in an article's context tells same-name persons apart: an organization, or a division below
    the province (see the module docstring)."""
    if key.startswith("Organization/"):
        return True
    return key.startswith("place/") and resolver.entities[key].attrs.get("level", "1") not in {"", "1"}


def _join_unlinked_places(resolver: _Resolver) -> dict[str, str]:
    """An unlinked place whose name is a surface form of exactly one linked place joins that place; returns the
    moves."""
    moved: dict[str, str] = {}
    linked: dict[str, set[str]] = {}
    for key, entity in resolver.entities.items():
        if key.startswith("place/"):
            for form in (entity.label, *entity.alt_labels):
                linked.setdefault(normalise_name(form), set()).add(key)
    for key, entity in list(resolver.entities.items()):
        if not key.startswith("Place/") or entity.type not in {"Place", *LINKABLE}:
            continue
        name = normalise_name(entity.label)
        targets = linked.get(name, set())
        if len(targets) != 1:
            continue
        if entity.type == "TownshipLevelArea" and len([c for c in gazetteer().forms.get(name, ()) if c.code]) > 1:
            continue  # 城关镇 linked in one article says nothing about the 城关镇 of another
        target = resolver.entities[next(iter(targets))]
        resolver.move(entity, target)
        moved[key] = target.key
    return moved


LINKABLE = {
    "AdministrativeArea",
    "ProvinceLevelArea",
    "PrefectureLevelArea",
    "City",
    "League",
    "CountyLevelArea",
    "County",
    "District",
    "Banner",
    "CountyLevelCity",
    "TownshipLevelArea",
}


# Legal-form words a company drops in its short name (中国石油天然气股份有限公司 → 中国石油天然气公司).
LEGAL_FORMS = ("股份有限", "有限责任", "有限", "股份")
# Heads whose names are shortened by dropping words at the end of their body (华为技术有限公司 → 华为公司).
LOOSE_HEADS = ("公司", "集团")
DIVISION_HEADS = ("市", "县", "区", "旗", "盟", "省")
COUNTING_CHARS = set("一二三四五六七八九十两几各全本该每某诸")
# Class words that are abbreviations themselves (全国人大 for 全国人民代表大会).
ABBREVIATED_HEADS = ("人大", "政协")


def abbreviates(short: str, full: str, place: bool = False, together: bool = False) -> bool:
    """Whether ``short`` is a usual abbreviation of ``full`` (both normalised names; ``place``: names of places).

    Always: the first character kept, the others taken in order, and not the start of the full name (中国 is not
    short for 中国共产党, 公汽一公司 is the parent of 公汽一公司第一运营分公司). Then one of:

    * a company without its legal form: 中国石油天然气公司 for 中国石油天然气股份有限公司;
    * a company or group named by the start of its name: 华为公司 for 华为技术有限公司;
    * the same class word after an abbreviated body: one character (呼市 for 呼和浩特市, 市政府 for 市人民政府; for
      places only before a division's 市/县/区/旗/盟/省, for organizations only in names of three characters or
      more), or two that are not the start of the full body, which is at most three times as long (广电部 for
      广播电影电视部; 中国银行 is not 中国农业银行) — or any length when both are named in one article
      (``together``: 达茂旗 for 达尔罕茂明安联合旗, 科右前旗 for 科尔沁右翼前旗);
    * for organizations, up to four characters without a class word of their own (or one that is an abbreviation:
      人大, 政协), ending with the first or last character of the full name's class word if it has one, at least two
      characters shorter and at most three times as long, and after the opening characters no two of them adjacent
      in the full name as a pair (中共 for 中国共产党, 全国人大 for 全国人民代表大会, 世行 for 世界银行, 中国美协 for
      中国美术家协会; not 北京科技 for 北京市政协倾心科技). Team names (…队) are left alone: 北京队 is a different
      team in every sport.
    """
    if not _may_abbreviate(short, full):
        return False
    if full.endswith("公司") and any(full.replace(form + "公司", "公司") == short for form in LEGAL_FORMS):
        return True
    short_head, full_head = _class_word(short), _class_word(full)
    if short_head in LOOSE_HEADS and full_head.endswith(short_head) and not place:
        body = short[: -len(short_head)]
        return len(body) >= 2 and full.startswith(body) and not gazetteer().forms.get(body)  # not 香港公司
    if short_head and short_head == full_head:
        body, full_body = short[: -len(short_head)], full[: -len(full_head)]
        if len(body) == 1:
            if body in COUNTING_CHARS:
                return False  # 五市 counts cities, 本市 points at one
            return short_head in DIVISION_HEADS if place else len(short) >= 3
        return (
            2 <= len(body) <= (len(full_body) + 1) // 2
            and body not in full_body
            and (together or len(full_body) <= 3 * len(body))
            and (len(body) == 2 or together)
        )
    if place or short.endswith("队") or (short_head and short_head not in ABBREVIATED_HEADS):
        return False
    if full_head and short[-1] not in (full_head[0], full_head[-1]):
        return False
    if len(short) > 4 or len(full) - len(short) < 2 or len(full) > min(3 * len(short), len(short) + 8):
        return False
    if len(short) == 2 and len(full) > 5:
        return False  # 西中 is not 西安青云中学
    return _compressed(short, full)


def _compressed(short: str, full: str) -> bool:
    """Whether, after its opening run of consecutive characters, ``short`` takes no two adjacent characters of
    ``full`` (a word kept whole at the end, 科技 in 北京科技, makes a different name)."""
    positions: list[int] = []
    at = 0
    for char in short:
        at = full.index(char, at) + 1
        positions.append(at - 1)
    opening = 1
    while opening < len(positions) and positions[opening] == positions[opening - 1] + 1:
        opening += 1
    return all(short[i - 1 : i + 1] not in full for i in range(opening + 1, len(short)))


def _class_word(name: str) -> str:
    """The longest class word (kg.nlp.rules.SUFFIX_CLASSES, or 盟) that ends ``name`` and is not all of it."""
    from kg.nlp.rules import SUFFIX_CLASSES

    words = (*SUFFIX_CLASSES, "盟")  # 盟 is a league's word too (伊盟), though the rules leave it out of names
    return max((w for w in words if name.endswith(w) and len(name) > len(w)), key=len, default="")


def _may_abbreviate(short: str, full: str) -> bool:
    """What every abbreviation is (see :func:`abbreviates`): at least two characters, shorter than the full name,
    the same first character, the others in order, and not the start of the full name."""
    if len(short) < 2 or len(short) >= len(full) or short[0] != full[0] or full.startswith(short):
        return False
    return _subsequence(short, full)


def _subsequence(short: str, full: str) -> bool:
    at = 0  # where the next character is looked for: after the one before it
    for char in short:
        at = full.find(char, at) + 1
        if not at:
            return False
    return True


def _join_abbreviations(resolver: _Resolver) -> dict[str, str]:
    """An unlinked organization or place whose name abbreviates exactly one other entity's name in the run joins it
    (中共 → 中国共产党, 呼市 → 呼和浩特市, 中国石油天然气公司 → 中国石油天然气股份有限公司); returns the moves.

    Only names of the same family are compared, each with the longer names that share its first character; an
    abbreviation with two possible full names in the run stays on its own.
    """
    by_first: dict[tuple[str, str], list[tuple[int, Entity]]] = {}  # (name's length, entity), shortest first
    names: dict[str, str] = {}  # key → comparison form of the label (labels keep the article's script)
    for key, entity in resolver.entities.items():
        group = _abbreviation_family(key)
        if group and entity.label:
            names[key] = normalise_name(entity.label)
            by_first.setdefault((group, names[key][:1]), []).append((len(names[key]), entity))
    lengths: dict[tuple[str, str], list[int]] = {}
    for first, candidates in by_first.items():
        candidates.sort(key=lambda candidate: candidate[0])
        lengths[first] = [size for size, _ in candidates]
    moved: dict[str, str] = {}
    for key, entity in sorted(resolver.entities.items()):
        group = _abbreviation_family(key)
        if group is None or key.startswith("place/") or key.count("/") != 1 or not entity.label:
            continue
        if _known_name(resolver, entity):
            continue
        name = names[key]
        articles = resolver.articles.get(key, set())
        # only longer names can be abbreviated, and what every abbreviation is (abbreviates' first test) is checked
        # before the articles are compared
        first = (group, name[:1])
        longer = by_first.get(first, [])[bisect_right(lengths.get(first, []), len(name)) :]
        targets = [
            other
            for _, other in longer
            if _may_abbreviate(name, names[other.key])
            and other.key != key
            and other.key not in moved
            and _compatible(entity.type, other.type)
            and abbreviates(
                name,
                names[other.key],
                place=group == "Place",
                together=not articles.isdisjoint(resolver.articles.get(other.key, ())),
            )
        ]
        if len(targets) != 1:
            continue
        target = targets[0]
        resolver.move(entity, target)
        if target.type in {"Place", "Organization"} and is_subclass(entity.type, target.type):
            target.type = entity.type
        moved[key] = target.key
    for key, target_key in moved.items():
        while target_key in moved:  # the full name was itself an abbreviation of a longer one
            target_key = moved[target_key]
        moved[key] = target_key
    return moved


def _known_name(resolver: _Resolver, entity: Entity) -> bool:
    """Whether an entity's name is a name in its own right: a country, a division's name, a news agency (新华社)."""
    from kg.nlp.rules import AGENCIES

    name = normalise_name(entity.label)
    if entity.attrs.get("iso") or entity.attrs.get("code") or name in AGENCIES:
        return True
    return entity.key in resolver.coded or bool(gazetteer().forms.get(name))


def _compatible(short: str, full: str) -> bool:
    """Whether an abbreviation of class ``short`` may name a thing of class ``full``: the same class, one more
    specific than the other, or a tagger's coarse class (上海市委, a party body, is not 上海市旅游委)."""
    return (
        short == full
        or short in {"Place", "Organization"}
        or full in {"Place", "Organization"}
        or (is_subclass(short, full) or is_subclass(full, short))
    )


def _abbreviation_family(key: str) -> str | None:
    """The family an entity key is compared within: organizations, places (linked or not); None for the rest."""
    family_name = key.split("/", 1)[0]
    if family_name == "Organization":
        return "Organization"
    if family_name in {"Place", "place"}:
        return "Place"
    return None
