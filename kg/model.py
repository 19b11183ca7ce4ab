"""Typed records that flow between pipeline stages.

Data moves one way: ``Document`` (source and cleaned text) → ``Article`` (one news item with its metadata, paragraphs
and sentences) → ``Mention`` (a typed span in an article) → ``Entity`` (one real thing, all its mentions) and
``Relation`` / ``Quantity`` / ``Event`` (statements with the ``Evidence`` they came from).

Offsets are character offsets (Python string indices, end exclusive). A mention's offsets refer to its article's
``text``; ``Article.start`` places that text inside the document's cleaned text, and ``Document.source_offsets`` maps
every cleaned character back to the source text.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, NamedTuple, cast


def text_hash(text: str, length: int = 16) -> str:
    """Stable hexadecimal digest of ``text`` (SHA-256, truncated); never Python's salted ``hash()``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def display_path(path: object) -> str:
    """A file name as text that is valid Unicode: bytes of the name that are not UTF-8 are written as ``\\xff``
    escapes, so that the name can go into the graph, the view and JSON (the file is still opened by its real name)."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


@dataclass(frozen=True, order=True)
class Span:
    """A half-open character range ``[start, end)``."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"bad span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def contains(self, other: Span) -> bool:
        """Whether ``other`` lies inside this span."""
        return self.start <= other.start and other.end <= self.end


@dataclass
class Document:
    """One input file (or one line of standard input) before and after cleaning.

    ``source_offsets[i]`` is the index in ``source`` of the character ``clean[i]`` came from; it has one more entry
    than ``clean`` (the end of the source) so that a span's end maps too.
    """

    id: str
    path: str
    source: str
    clean: str = ""
    source_offsets: list[int] = field(default_factory=list)
    title: str | None = None
    date: dt.date | None = None  # publication date of the page
    date_source: str | None = None  # where the date came from: settings, metadata, header or filename
    publication: str | None = None  # the newspaper or site, from a page header, HTML metadata or the file name
    page: str | None = None  # page label, e.g. 3 or A3
    removed: list[Span] = field(default_factory=list)  # source spans dropped: page furniture, doubled glyph copies
    display: list[Span] = field(default_factory=list)  # cleaned-text spans of lines printed in display type

    def to_source(self, span: Span) -> Span:
        """Map a span of the cleaned text back to the source text."""
        if not self.source_offsets:
            return span
        start = self.source_offsets[span.start]
        end = self.source_offsets[span.end - 1] + 1 if span.end > span.start else start
        return Span(start, end)


@dataclass(frozen=True)
class Byline:
    """A person credited on an article: reporter (记者), intern (实习生), photographer (摄影) or correspondent."""

    name: str
    role: str  # one of: reporter, intern, photographer, correspondent, editor
    span: Span | None = None  # in the document's cleaned text
    entity: str | None = None  # entity key, set by resolution
    title: str | None = None  # the role word as printed when it says more than ``role`` (责任编辑, 特约记者)


@dataclass
class Sentence:
    """A sentence of an article; ``span`` refers to ``Article.text``."""

    index: int
    span: Span
    paragraph: int = 0


@dataclass
class TextMap:
    """An article's analysis text (``kg.text.normalise``) mapped back to the article's own text.

    ``offsets[i]`` is the index in ``original`` of analysis character ``i``, with one more entry (``len(original)``)
    so that an end maps too; None when no character was dropped, so that offsets are the same in both texts.
    ``sentences`` and ``paragraphs`` are the article's own, put back when the extraction steps are done.
    """

    original: str
    offsets: list[int] | None = None
    sentences: list[Sentence] = field(default_factory=list)
    paragraphs: list[Span] = field(default_factory=list)

    def to_original(self, span: Span) -> Span:
        """The span of the article's own text that analysis ``span`` was read from (a dropped gloss inside stays
        inside, one at either end stays out)."""
        if self.offsets is None:
            return span
        start = self.offsets[span.start]
        return Span(start, self.offsets[span.end - 1] + 1 if span.end > span.start else start)

    def to_analysis(self, span: Span) -> Span:
        """The analysis span of the characters of ``span`` of the article's own text that were kept."""
        if self.offsets is None:
            return span
        return Span(bisect.bisect_left(self.offsets, span.start), bisect.bisect_left(self.offsets, span.end))

    def surface(self, span: Span) -> str:
        """The article's own characters of an original ``span``, without the characters dropped for analysis."""
        if self.offsets is None:
            return self.original[span.start : span.end]
        first, last = bisect.bisect_left(self.offsets, span.start), bisect.bisect_left(self.offsets, span.end)
        return "".join(self.original[self.offsets[i]] for i in range(first, last))


@dataclass
class Article:
    """One news item of a document.

    ``text`` is the body (headline excluded) and ``start`` its offset in the document's cleaned text. The ``id`` is a
    hash of the body text so that the same article gets the same IRI wherever it is read from.
    """

    id: str
    document_id: str
    index: int
    text: str
    start: int = 0
    headline: str | None = None
    headline_span: Span | None = None  # in the document's cleaned text (None when the headline came from metadata)
    date: dt.date | None = None  # the dateline's date, else the publication date
    published: dt.date | None = None  # publication date of the page (Document.date)
    place: str | None = None  # dateline place as printed, e.g. 乌海
    place_span: Span | None = None  # in the document's cleaned text
    dateline: str | None = None  # the dateline or byline line as cleaned, e.g. 本报北京3月5日电（记者张三李四）
    dateline_span: Span | None = None  # in the document's cleaned text
    credit_span: Span | None = None  # a closing photo credit (本报记者张三摄), in the document's cleaned text
    bylines: list[Byline] = field(default_factory=list)
    kind: str = "news"  # news | photo
    paragraphs: list[Span] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    publication: str | None = None  # the newspaper's name, e.g. 内蒙古日报
    page: str | None = None
    place_entity: str | None = None  # entity keys, set by resolution
    publication_entity: str | None = None
    # Set while the nlp steps run: ``text`` is then the analysis text and this maps it back (kg.text.normalise).
    analysis: TextMap | None = None


@dataclass
class Mention:
    """A typed span of an article's text.

    ``type`` is the local name of an ontology class (``City``, ``Company`` …). ``entity`` is filled by resolution with
    the entity key. ``attrs`` carries what later stages need to know about the span (a post title, a division code).
    """

    article_id: str
    start: int
    end: int
    text: str
    type: str
    score: float = 1.0
    source: str = ""  # the stage that produced it, e.g. nlp.tag.lac, nlp.rules
    entity: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass
class Entity:
    """One real-world thing, with every surface form and mention that refers to it.

    ``key`` is a stable identifier from which the IRI is made (``place/150300``, ``Company/<name>``).
    """

    key: str
    type: str
    label: str
    alt_labels: set[str] = field(default_factory=set)
    mentions: list[Mention] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)  # code, level, lat, lon, parent (an entity key) …


@dataclass(frozen=True)
class Evidence:
    """Where a statement was read: the article, the sentence and the character span within the article text."""

    article_id: str
    start: int
    end: int
    text: str  # the sentence (or clause) the statement was read from
    sentence: int | None = None


@dataclass
class Relation:
    """A binary statement between two entities (or an entity and a literal) with its evidence.

    ``predicate`` is the local name of an ontology property. ``subject`` and ``object`` are entity keys, except when
    ``literal`` is true and ``object`` is the lexical form of a value.
    """

    subject: str
    predicate: str
    object: str
    evidence: Evidence
    extractor: str = ""
    score: float = 1.0
    literal: bool = False
    datatype: str | None = None  # XSD local name for literal objects, e.g. date
    attrs: dict[str, str] = field(default_factory=dict)  # e.g. post title for holdsPost
    # The mentions the extractor read the arguments from; resolution fills subject/object with their entity keys.
    subject_mention: Mention | None = None
    object_mention: Mention | None = None


@dataclass
class Quantity:
    """An n-ary numeric fact: *subject* has *value unit* of *measured thing* at *time*, read from *text*.

    ``value`` is None when the text could not be normalised; ``text`` always keeps the original wording.
    """

    subject: str | None  # entity key
    measured: str
    value: Decimal | None
    unit: str | None  # unit code, e.g. CNY, PERCENT, KiloM, TONNE, or None for a count
    unit_text: str
    text: str
    evidence: Evidence
    approximate: bool = False
    qualifier: str | None = None  # more-than (以上/多/余), less-than (不足/以下) …
    time: str | None = None  # ISO date / gYear / period text
    extractor: str = ""
    subject_mention: Mention | None = None  # resolution fills ``subject`` from it
    time_text: str | None = None  # the time expression as written (2010年, “十三五”期间, 建市初期)
    value_min: Decimal | None = None  # the ends of a range (3-5万元), normalised like ``value``
    value_max: Decimal | None = None


@dataclass
class Event:
    """Something that happened: a release, a test flight, a train arrival, a press conference."""

    key: str
    type: str  # ontology class local name
    label: str
    evidence: Evidence
    date: str | None = None
    place: str | None = None  # entity key
    participants: list[str] = field(default_factory=list)  # entity keys
    extractor: str = ""
    places: list[str] = field(default_factory=list)  # further places (entity keys) when it happened at several
    origin: str | None = None  # entity key: where a journey started
    destination: str | None = None  # entity key: where a journey ended
    description: str | None = None  # a sentence of the text that says more about it (这趟班列是…第6000趟班列)
    # The mentions the extractor read; resolution fills the entity keys above from them.
    participant_mentions: list[Mention] = field(default_factory=list)
    place_mentions: list[Mention] = field(default_factory=list)
    origin_mention: Mention | None = None
    destination_mention: Mention | None = None
    # (role, mention): who took part as what (organizer, attendee, signatory, donor, recipient, agent, project);
    # resolution turns them into ``roles`` (role, entity key)
    role_mentions: list[tuple[str, Mention]] = field(default_factory=list)
    roles: list[tuple[str, str]] = field(default_factory=list)
    trigger: str | None = None  # the word of the text that states the event (开工, 签约, 调研)
    amounts: list[Quantity] = field(default_factory=list)  # sums of money the event's sentence states
    # Later sentences of the article that tell of the same happening again (致辞 at the 开工 ceremony, 出席会议 …)
    more_evidence: list[Evidence] = field(default_factory=list)


# The tagset of the tokens a tagger hands to the later stages: LAC's part-of-speech and name tags (Baidu LAC, the
# labels of its bundled model). Common nouns n, proper nouns nz, work titles nw, verbs v, adverbial verbs vd, nominal
# verbs vn, adjectives a, adverbial adjectives ad, nominal adjectives an, adverbs d, places (direction) f, places s,
# times t, numerals m, classifiers q, pronouns r, prepositions p, conjunctions c, particles u, other function words xc,
# punctuation w, no class O; names: PER (person), LOC (place), ORG (organization), TIME; the older name tags nr, ns,
# nt (person, place, organization) of segmenters such as jieba.
# Rules read ``Token.pos`` by these values; a new tagger that segments maps its own tags onto them.
POS = Literal[
    "n",
    "nz",
    "nw",
    "v",
    "vd",
    "vn",
    "a",
    "ad",
    "an",
    "d",
    "f",
    "s",
    "m",
    "q",
    "r",
    "p",
    "c",
    "u",
    "xc",
    "w",
    "O",
    "PER",
    "LOC",
    "ORG",
    "TIME",
    "nr",
    "ns",
    "nt",
]


class Token(NamedTuple):
    """A word of the article's (analysis) text as the tagger cut it: ``text[start:end]`` with its tag. A named tuple:
    a tagger makes one for every word of every article, and tuples are built several times faster than dataclasses."""

    start: int
    end: int
    text: str
    pos: POS

    @classmethod
    def at(cls, start: int, word: str, pos: str) -> Token:
        """The token ``word`` starting at ``start``, tagged ``pos`` (one of :data:`POS`)."""
        return cls(start, start + len(word), word, cast(POS, pos))


@dataclass
class ArticleExtraction:
    """Everything extracted from one article before cross-article resolution."""

    article: Article
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    # The tagger's words with their offsets, if it segments; for the extraction stages only (a build drops them after)
    tokens: list[Token] = field(default_factory=list)
    # The time expressions of the text (kg.nlp.timex.Timex), found once for the extraction stages that read them
    # (relations, quantities, events); like the tokens they are in the analysis text's offsets, and cleared after.
    times: list[Any] | None = None


@dataclass
class Corpus:
    """The result of a run: documents, articles and the resolved knowledge."""

    documents: list[Document] = field(default_factory=list)
    extractions: list[ArticleExtraction] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)

    @property
    def articles(self) -> list[Article]:
        return [extraction.article for extraction in self.extractions]
