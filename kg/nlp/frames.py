"""Sentence frames: the view of an article that the relation, quantity and event patterns match against.

Each sentence becomes a *masked* string in which every entity mention is replaced by one private-use character that
encodes its family (person, place, facility, organization, work, other). Patterns are then ordinary regular expressions
over Chinese sentence structure (``位于{L}的{F}``, ``由{O}投资建设的{F}``) that see entities as single symbols, and a
match maps back to the mentions and to character offsets of the article. Coreference is resolved while masking: 该公司,
该市, 全市, a clause-initial 公司/企业 and the short name a title introduced with 以下简称 become slots that stand for
their antecedent mention. Facility phrases the tagger does not mark (新能源产业园, 民用液氢工厂) are offered as
*candidate* slots; a candidate becomes a real mention only when a pattern uses it.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from kg.errors import OntologyError
from kg.graph.vocab import is_subclass
from kg.model import ArticleExtraction, Evidence, Mention, Sentence, Token
from kg.nlp.rules import naming_element
from kg.nlp.timex import Timex, find_times

# One private-use character per family; patterns are written with these placeholders.
PERSON, PLACE, FACILITY, ORG, WORK, OTHER = "\ue001", "\ue002", "\ue003", "\ue004", "\ue005", "\ue006"
SLOT_CHARS = PERSON + PLACE + FACILITY + ORG + WORK + OTHER
PLACEHOLDERS = {
    "P": PERSON,
    "L": f"[{PLACE}{FACILITY}]",  # anything with a location: places and facilities
    "A": PLACE,  # an area (administrative or named region)
    "F": f"[{FACILITY}{OTHER}]",  # a facility, park, project or other built thing
    "O": ORG,
    "W": WORK,
    "E": f"[{SLOT_CHARS}]",
    "S": SLOT_CHARS,  # the bare slot characters, for use inside a character class
    "N": f"[^{SLOT_CHARS}，。；！？：,;!?:]",  # a plain character inside a clause
}

FACILITY_HEADS = (
    "工业园区|产业园区|物流园区|产业园|工业园|物流园|科技园|园区|示范区|试验区|开发区|工厂|电厂|电站|光伏电站|风电场|基地|"
    "加氢站|加油站|充电站|储能站|变电站|项目|生产线|中心|大厦|广场|场馆|体育馆|博物馆|机场|码头|港区|仓库|厂区|实验室|"
    "铁路|公路|高速公路|大桥|隧道|水库|管道"
)
_FACILITY_HEAD = re.compile(rf"(?:{FACILITY_HEADS})$")
_PARK_HEAD = re.compile(r"(?:园区|产业园|工业园|物流园|科技园|示范区|试验区|开发区)$")
_PROJECT_HEAD = re.compile(r"(?:项目|生产线)$")
_MODIFIER_POS = {"n", "nz", "vn", "a", "an", "b", "j", "nw", "ns", "LOC"}

# Anaphors and their antecedent constraint: a text suffix and the families an antecedent may have.
_COREF = re.compile(
    r"(?P<this>[该本此](?P<noun>公司|企业|集团|厂|市|盟|县|区|旗|镇|乡|村|省|自治区|地|项目|工厂|园区|基地|站|局|委|"
    r"部门|机构|单位|院|校|学校|大学|协会|支队|大队|法规|条例|标准|规范|报告))"
    r"|(?P<whole>全(?P<area>市|盟|县|区|旗|省|州|镇|乡))"
    # a bare 公司/企业 opening a clause is the company the article is about, when it acts or holds a post there
    r"|(?:(?<=^)|(?<=[，。；：“”、（])|(?<=但)|(?<=并)|(?<=且)|(?<=而)|(?<=据))(?P<bare>公司|企业|集团)"
    r"(?=副|总|董事|党委|在|已|将|还|也|正|于|先后|积极|计划|投资|建设|取得|获得|表示|介绍|负责人|相关负责人)"
)
_COMPANY_NOUNS = {"公司", "企业", "集团", "厂"}
_PLACE_NOUNS = {"市", "盟", "县", "区", "旗", "镇", "乡", "村", "省", "自治区", "州"}
_FACILITY_NOUNS = {"项目", "工厂", "园区", "基地", "站"}
_WORK_NOUNS = {"法规", "条例", "标准", "规范", "报告"}
_ALIAS = re.compile(rf"{WORK}》?[（(](?:以下|下)简称[《“\"]({WORK})[》”\"][）)]")


@cache
def family(cls: str) -> str:
    """The slot character for an ontology class: person, place, facility, organization, work or other."""
    try:
        for ancestor, char in (
            ("Person", PERSON),
            ("Facility", FACILITY),
            ("Station", FACILITY),
            ("Port", FACILITY),
            ("IndustrialPark", FACILITY),
            ("Place", PLACE),
            ("Organization", ORG),
            ("Work", WORK),
        ):
            if is_subclass(cls, ancestor):
                return char
    except OntologyError:
        return OTHER
    return OTHER


_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Z])\}(?!\})")


def pattern(template: str) -> re.Pattern[str]:
    """Compile a pattern written with ``{P}``, ``{L}``, ``{O}`` … placeholders for entity slots.

    Quantifier braces may be written doubled (``{{0,4}}``), as an f-string template needs them.
    """
    expanded = _PLACEHOLDER.sub(lambda m: PLACEHOLDERS[m.group(1)], template)
    return re.compile(expanded.replace("{{", "{").replace("}}", "}"))


@dataclass
class Slot:
    """An entity position in a masked sentence: the mention it stands for and its span in the article text."""

    start: int
    end: int
    char: str
    mention: Mention
    fresh: bool = False  # a candidate phrase not yet among the article's mentions


@dataclass
class Frame:
    """One sentence, masked: ``masked[i]`` came from article offset ``origin[i]`` (a slot's start for a slot)."""

    sentence: Sentence
    text: str
    masked: str
    origin: list[int]
    slots: dict[int, Slot]  # masked index → slot
    times: list[Timex]

    def slots_in(self, start: int, end: int) -> list[Slot]:
        """The slots inside masked span ``[start, end)``, in order."""
        return [self.slots[i] for i in range(start, end) if i in self.slots]

    def slot(self, match: re.Match[str], group: int | str) -> Slot | None:
        """The first slot of a match group, or None when the group did not take part."""
        if match.start(group) < 0:
            return None
        slots = self.slots_in(match.start(group), match.end(group))
        return slots[0] if slots else None

    def group_slots(self, match: re.Match[str], group: int | str) -> list[Slot]:
        """Every slot of a match group (a coordination such as X、Y和Z)."""
        if match.start(group) < 0:
            return []
        return self.slots_in(match.start(group), match.end(group))

    def offset(self, index: int) -> int:
        """Article offset of masked position ``index`` (the sentence end for the end of the string)."""
        if index >= len(self.origin):
            return self.sentence.span.end
        return self.origin[index]

    def end_offset(self, index: int) -> int:
        """Article offset just after masked position ``index - 1``."""
        if index <= 0:
            return self.sentence.span.start
        slot = self.slots.get(index - 1)
        return slot.end if slot else self.origin[index - 1] + 1

    def original(self, start: int, end: int) -> str:
        """The article text behind masked span ``[start, end)``."""
        a, b = self.offset(start), self.end_offset(end)
        return self.text_at(a, b)

    def text_at(self, start: int, end: int) -> str:
        """Article text between two article offsets inside this sentence."""
        base = self.sentence.span.start
        return self.text[start - base : end - base]

    def times_between(self, start: int, end: int) -> list[Timex]:
        """Time expressions lying inside article offsets ``[start, end)``."""
        return [t for t in self.times if start <= t.start and t.end <= end]


@dataclass
class ArticleView:
    """An article prepared for pattern matching: token offsets, times, coreference and masked sentence frames."""

    extraction: ArticleExtraction
    ref: dt.date | None
    tokens: list[Token] = field(default_factory=list)
    times: list[Timex] = field(default_factory=list)
    canonical: dict[int, Mention] = field(default_factory=dict)  # id(mention) → the mention it corefers with
    frames: list[Frame] = field(default_factory=list)
    _added: set[int] = field(default_factory=set)

    @property
    def text(self) -> str:
        return self.extraction.article.text

    def tokens_between(self, start: int, end: int) -> list[Token]:
        """The tagger's words lying inside article offsets ``[start, end)``."""
        first = bisect_left(self.tokens, start, key=lambda t: t.start)
        last = bisect_left(self.tokens, end, key=lambda t: t.start)
        return [t for t in self.tokens[first:last] if t.end <= end]

    def evidence(self, frame: Frame) -> Evidence:
        """Evidence for a statement read from ``frame``'s sentence."""
        span = frame.sentence.span
        return Evidence(self.extraction.article.id, span.start, span.end, frame.text, frame.sentence.index)

    def use(self, slot: Slot) -> Mention:
        """The mention behind ``slot``; a candidate phrase is added to the article's mentions on first use."""
        if slot.fresh and id(slot.mention) not in self._added:
            self._added.add(id(slot.mention))
            self.extraction.mentions.append(slot.mention)
            self.extraction.mentions.sort(key=lambda m: (m.start, m.end, m.type))
        return slot.mention

    def new_mention(self, start: int, end: int, cls: str, score: float = 0.7) -> Mention:
        """A mention the patterns found (a facility phrase, a coordinated name), not yet added to the article."""
        article = self.extraction.article
        return Mention(article.id, start, end, self.text[start:end], cls, score, "nlp.relate.patterns")

    def antecedent(self, before: int, families: str, suffixes: set[str] | None = None) -> Mention | None:
        """The last mention before offset ``before`` of one of ``families`` (and ending with one of ``suffixes``)."""
        best = None
        for mention in self.extraction.mentions:
            if mention.start >= before:
                break
            target = self.canonical.get(id(mention), mention)
            if family(target.type) not in families:
                continue
            if suffixes and not any(target.text.endswith(s) for s in suffixes):
                continue
            best = target
        return best


# The last view made, with what it was made from (see build_view): the article, the settings, the mentions (kept, so
# that their ids stay theirs) and each one's id, span and class.
_last: list[tuple[ArticleExtraction, Any, list[Mention], list[tuple[int, int, int, str, str]], ArticleView]] = []


def _mention_state(mentions: list[Mention]) -> list[tuple[int, int, int, str, str]]:
    return [(id(m), m.start, m.end, m.type, m.text) for m in mentions]


def build_view(extraction: ArticleExtraction, settings: Any = None) -> ArticleView:
    """Prepare an article: token offsets, time expressions, title aliases and one masked frame per sentence.

    The relation, quantity and event stages each prepare the article in turn. The view the stage before made is
    given again when it offered no candidate phrase (which that stage could have taken) and the article's mentions
    are the same objects with the same spans and classes: a view made anew would then be the same in every part.
    """
    if _last:
        made_for, made_with, _, state, view = _last[0]
        if made_for is extraction and made_with is settings and state == _mention_state(extraction.mentions):
            return view
    view = _build_view(extraction, settings)
    fresh = any(slot.fresh for frame in view.frames for slot in frame.slots.values())
    _last[:] = (
        [] if fresh else [(extraction, settings, list(extraction.mentions), _mention_state(extraction.mentions), view)]
    )
    return view


def _build_view(extraction: ArticleExtraction, settings: Any = None) -> ArticleView:
    article = extraction.article
    ref = article.date or getattr(settings, "date", None)
    view = ArticleView(extraction, ref)
    if extraction.times is None:  # the relation, quantity and event stages each build a view of the article
        extraction.times = find_times(article.text, ref)
    view.tokens, view.times = list(extraction.tokens), list(extraction.times)
    extraction.mentions.sort(key=lambda m: (m.start, m.end, m.type))
    for sentence in article.sentences:
        view.frames.append(_frame(view, sentence))
        _aliases(view, view.frames[-1])
    return view


def _aliases(view: ArticleView, frame: Frame) -> None:
    """Record 《全称》（以下简称《简称》）: later mentions of the short name corefer with the full title."""
    for match in _ALIAS.finditer(frame.masked):
        full = frame.slots.get(match.start())
        short = frame.slots.get(match.start(1))
        if full is None or short is None:
            continue
        for mention in view.extraction.mentions:
            if mention.start >= short.start and mention.text == short.mention.text and mention is not full.mention:
                view.canonical[id(mention)] = full.mention
        # frames after this one are built later and pick the alias up; fix the slot of this sentence too
        short.mention = full.mention


def _frame(view: ArticleView, sentence: Sentence) -> Frame:
    text = view.text[sentence.span.start : sentence.span.end]
    base = sentence.span.start
    slots: list[Slot] = []
    taken = bytearray(len(text))
    # longest mentions first, so a title holding a place name masks as one work
    mentions = view.extraction.mentions
    first = bisect_left(mentions, base, key=lambda m: m.start)
    last = bisect_left(mentions, sentence.span.end, key=lambda m: m.start)
    inside = [m for m in mentions[first:last] if m.end <= sentence.span.end and m.end > m.start]
    for mention in sorted(inside, key=lambda m: (-(m.end - m.start), m.start)):
        if any(taken[mention.start - base : mention.end - base]):
            continue
        target = view.canonical.get(id(mention), mention)
        slots.append(Slot(mention.start, mention.end, family(target.type), target))
        taken[mention.start - base : mention.end - base] = b"\x01" * (mention.end - mention.start)
    for slot in _coreference(view, text, base, taken):
        slots.append(slot)
        taken[slot.start - base : slot.end - base] = b"\x01" * (slot.end - slot.start)
    for slot in _facility_candidates(view, sentence, taken):
        slots.append(slot)
        taken[slot.start - base : slot.end - base] = b"\x01" * (slot.end - slot.start)
    slots.sort(key=lambda s: s.start)
    pieces: list[str] = []
    origin: list[int] = []
    by_index: dict[int, Slot] = {}
    at = base
    for slot in slots:
        pieces.append(text[at - base : slot.start - base])
        origin.extend(range(at, slot.start))
        by_index[len(origin)] = slot
        pieces.append(slot.char)
        origin.append(slot.start)
        at = slot.end
    pieces.append(text[at - base :])
    origin.extend(range(at, sentence.span.end))
    times = [t for t in view.times if base <= t.start and t.end <= sentence.span.end]
    return Frame(sentence, text, "".join(pieces), origin, by_index, times)


def _coreference(view: ArticleView, text: str, base: int, taken: bytearray) -> Iterator[Slot]:
    for match in _COREF.finditer(text):
        start, end = match.span()
        if any(taken[start:end]):
            continue
        if match.group("this"):
            noun = match.group("noun")
            if noun in _COMPANY_NOUNS:
                target = view.antecedent(base + start, ORG, {"公司", "集团", "企业", "厂", "银行"})
            elif noun in _PLACE_NOUNS:
                # the tagger sometimes types a place as a person or organization; the suffix decides here
                target = view.antecedent(base + start, PLACE + ORG + PERSON, {noun})
            elif noun in _FACILITY_NOUNS:
                target = view.antecedent(base + start, FACILITY + OTHER)
            elif noun in _WORK_NOUNS:
                target = view.antecedent(base + start, WORK, {noun})
            else:
                target = view.antecedent(base + start, ORG, {noun})
        elif match.group("whole"):
            target = view.antecedent(base + start, PLACE + ORG + PERSON, {match.group("area")})
        else:
            target = view.antecedent(base + start, ORG, {"公司", "集团", "企业", "厂"})
        if target is not None:
            # a place anaphor may find a place the tagger mistyped; it still stands for a place here
            char = PLACE if match.group("whole") or (match.group("noun") in _PLACE_NOUNS) else family(target.type)
            yield Slot(base + start, base + end, char, target)


def _facility_candidates(view: ArticleView, sentence: Sentence, taken: bytearray) -> Iterator[Slot]:
    base = sentence.span.start
    tokens = view.tokens_between(base, sentence.span.end)
    for index, token in enumerate(tokens):
        start, end, word = token.start, token.end, token.text
        if not _FACILITY_HEAD.search(word) or any(taken[start - base : end - base]):
            continue
        first = start
        j = index - 1
        while j >= 0:
            t_start, t_end, t_pos = tokens[j].start, tokens[j].end, tokens[j].pos
            if t_end != first or t_pos not in _MODIFIER_POS or any(taken[t_start - base : t_end - base]):
                break
            first = t_start
            j -= 1
        head = _FACILITY_HEAD.search(word)
        modifier = end - first - (len(head.group()) if head else 0)
        if modifier < 2 or end - first > 20:
            continue  # a bare class noun (项目, 工厂) names nothing
        if not naming_element(view.text[first:end], tokens[j + 1 : index + 1]):
            continue  # a kind of thing (重点项目, 养殖基地), not a name
        cls = "IndustrialPark" if _PARK_HEAD.search(word) else "Project" if _PROJECT_HEAD.search(word) else "Facility"
        mention = view.new_mention(first, end, cls)
        yield Slot(first, end, family(cls), mention, fresh=True)
