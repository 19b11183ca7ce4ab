"""Split a cleaned newspaper page into articles with their headlines, datelines, bylines, paragraphs and sentences.

How a page is read (every rule is about layout, none about a particular paper):

* **Article starts** are datelines (``本报北京3月5日电（记者张三李四）``, ``本报讯（记者王五）``,
  ``新华社北京…电``, a round-up's ``本报青岛电记者张三报道：`` without a day) and byline paragraphs
  (``□本报记者张三实习生李四``, ``□本报记者…摄影报道``).
* **Photo items** end with a photo credit (``… 本报记者 张三 摄``). The item starts after the last paragraph in
  display type (a doubled-glyph caption or headline) of the article it sits in; with none, the credit belongs to
  that article (a picture inside a story) and only adds a photographer.
* **Headlines** are short paragraphs that do not end a sentence, in runs (a kicker, a title and a subtitle on
  separate lines form one headline). Page layouts differ in where the extracted headline lands (before or after its
  story, or elsewhere on the page when the PDF stores it out of order), so headlines are matched to articles by the
  words they share with the body: the share of the headline's character bigrams found in the article. Pairs are
  taken best first, one headline per article. A headline that matches nothing well goes to a neighbouring article
  without one, on the side the confident matches of the page used most (headline after the story, or before).
  A headline-like paragraph between two body paragraphs of the same story is a cross-head and stays in the body;
  a headline no article takes is body text of the article it follows (or its own article at the top of a page). A
  run of more than four headline-like lines is a list (one item per line, a grid of names): body text.
* **Captions** (display type ending a sentence) stay in the body of the story they follow.

Every character of the cleaned text is in exactly one of: an article's body, headline, dateline or photo credit
(or is a paragraph separator); page furniture never reaches the cleaned text (see :mod:`kg.ingest.clean`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from kg.ingest.clean import ends_sentence, is_ideograph
from kg.ingest.dates import infer_year
from kg.model import Article, Byline, Document, Sentence, Span, text_hash
from kg.registry import stage

# 本报北京3月5日电（记者张三李四） / 本报上海3月5日讯（记者王五） / 本报讯（记者王五） / 新华社北京2月21日电
# Any outlet may open one: 中国甘肃网7月15日讯, 泉州晚报4月8日讯, 中评社香港…電 (a name ending like an outlet's, then
# the place and day, then 电/讯 in either script); 本报讯 and 本网讯 without place or day.
_OUTLET = (
    r"(?:本报|本報|本网|本網|新华社|中新社|人民网|新华网|央视网|中国新闻网|新華社|中新網|人民網|新華網"
    r"|[\u4e00-\u9fffA-Za-z0-9·]{1,16}?(?:日报|晚报|早报|商报|时报|日報|晚報|時報|新闻网|新聞網|网|網|通讯社|社|电视台|電視台|客户端|TV))"
)
# A credit without brackets after the dateline, up to the day that opens the body (本报讯 记者 张三 特约记者 李四
# 8月19日，…): role words and short names only, so that 记者从某局获悉 is no credit.
_ROLE = r"(?:本报|本報)?(?:特约|特約|见习|見習)?(?:记者|記者|通讯员|通訊員|实习生|實習生)"
_BARE_CREDIT = (
    r"(?:" + _ROLE + r"\s*"
    r"(?![从從在到获獲了据據]|采访|採訪)[\u4e00-\u9fff·\s]{2,12}?)+"
    r"(?:(?=\s*(?:\d{4}年|\d{1,2}月\d{1,2}日))|(?:报道|報導|報道)(?=[：:]))"  # …记者张三报道：(the credit ends there)
)
# 本报青岛电记者张三报道： (a round-up's story): a place name without a day, then 电 and a credit
_UNDATED = r"(?:(?![电電讯訊由从從在])[\u4e00-\u9fff]){2,6}?(?=(?:电|電)\s*(?:[（(]|" + _ROLE + r"))"
DATELINE = re.compile(
    rf"^[■□◆●]?(?P<outlet>{_OUTLET})\s*"
    r"(?:(?P<place>[\u4e00-\u9fff]{2,10}?)?(?:新闻|新聞|频道|頻道)?\s*(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月"
    r"(?P<day>\d{1,2})日|(?<=本报|本報)(?P<undated>" + _UNDATED + r"))?"
    r"\s*(?:电|讯|電|訊)"  # 中新网新疆新闻…电: the outlet's regional channel, the place 新疆; 本报青岛电: no day
    r"\s*(?:[（(](?P<credit>[^）)]{1,60})[）)]|(?P<bare_credit>" + _BARE_CREDIT + r")[：:]?)?"
)
# An outlet as a dateline names it: 本报 and 本网 name none.
_OWN_OUTLET = ("本报", "本報", "本网", "本網")
# A paragraph that is only a byline: □本报记者张三实习生李四, □本报记者张三摄影报道.
LEAD_BYLINE = re.compile(r"^[■□◆●]?(?:(?:本报|新华社)?(?:特约|见习)?记者|通讯员)[\u4e00-\u9fff·]{2,48}$")
# A photo credit closing a caption paragraph: …体验。本报记者张三摄 / （新华社记者某某摄）
PHOTO_CREDIT = re.compile(r"[（(]?(?:本报|新华社)?(?:特约)?(?:记者|通讯员)[\u4e00-\u9fff·]{2,24}?摄(?:影)?[）)]?$")
SENTENCE = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’」』）)]*|\n|$)")
# Role words as printed in the source, possibly letter-spaced (记 者). Longest first.
_ROLE_WORDS = re.compile(
    r"(?P<reporter>(?:本\s*[报報]\s*)?(?:见\s*习\s*|見\s*習\s*)?[记記]\s*者)"
    r"|(?P<correspondent>特\s*约\s*[记記]\s*者|特\s*約\s*[记記]\s*者|通\s*[讯訊]\s*[员員])"
    r"|(?P<intern>[实實]\s*[习習]\s*生)|(?P<photo_report>[摄攝]\s*影\s*[报報]\s*道)|(?P<report>[报報]\s*道)"
    r"|(?P<photographer>[摄攝]\s*影|[摄攝])"
)
_PREFIX_ROLES = {"reporter": "reporter", "correspondent": "correspondent", "intern": "intern"}
_OUTLET_END = re.compile(r"(?:社|报|報|网|網|台|刊|频道|頻道)$")
_HEADLINE_MAX = 40
# A headline is at most a kicker, a title and a subtitle or two: a longer run of short lines is a list, body text.
_HEADLINE_LINES = 4
_MATCH_THRESHOLD = 0.4
# A headline is matched against the bodies of at most this many articles on either side of it. A page holds a few
# dozen; in a long text (an archive file read in parts of 500,000 characters) comparing every headline with every
# body would grow with the square of the part.
_MATCH_WINDOW = 40


@dataclass
class _Draft:
    """An article being assembled: paragraph indices and what opened or closed it."""

    start: int | None = None  # index of the dateline/byline paragraph
    dateline: re.Match[str] | None = None
    body: list[int] = field(default_factory=list)
    credit: int | None = None  # index of the paragraph that ends with a photo credit
    credit_at: int = 0  # offset in the cleaned text where that credit starts
    photo: bool = False
    closed: bool = False  # a photo item ends at its credit; text after it belongs to another article
    number: int = 0  # position in the page's list of drafts


@dataclass
class _Block:
    """A run of headline-like paragraphs and the articles on either side of it."""

    paragraphs: list[int]
    before: int | None  # draft index of the article it follows
    after: int | None = None  # draft index of the article it precedes
    display: bool = False


def _paragraph_spans(text: str) -> list[Span]:
    spans, start = [], 0
    for line in text.split("\n"):
        if line:
            spans.append(Span(start, start + len(line)))
        start += len(line) + 1
    return spans


def split_sentences(text: str, paragraphs: list[Span] | None = None) -> list[Sentence]:
    """Sentence boundaries of an article body (after 。！？；, or at a line break) with their paragraph index."""
    paragraphs = paragraphs if paragraphs is not None else _paragraph_spans(text)
    starts = [span.start for span in paragraphs]
    sentences: list[Sentence] = []
    for match in SENTENCE.finditer(text):
        start, end = match.span()
        if end > start and text[end - 1] == "\n":
            end -= 1
        if end <= start:
            continue
        paragraph = max(bisect.bisect_right(starts, start) - 1, 0)
        if sentences and _UNIT_AFTER_BREAK.match(text, start) and _NUMBER_BEFORE_BREAK.search(text, 0, start):
            # 8.08\n亿元: a line break inside a number and its unit (a layout wrap) ends no sentence
            previous = sentences[-1]
            if previous.span.end == start - 1:
                sentences[-1] = Sentence(previous.index, Span(previous.span.start, end), previous.paragraph)
                continue
        sentences.append(Sentence(index=len(sentences), span=Span(start, end), paragraph=paragraph))
    return sentences


_NUMBER_BEFORE_BREAK = re.compile(r"[0-9０-９]\n$")
_UNIT_AFTER_BREAK = re.compile(r"[亿万億萬千百元%％个個吨噸亩畝米人户家项項]")
# A web page's line under its headline: a publication date and time and/or the source, author or editor
# ("2021年02月21日 08:30", "2021-02-21 08:30 来源：内蒙古日报", "责任编辑：张三"). It is not part of the headline.
_PAGE_DATE = r"\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
_PAGE_SOURCE = (
    r"(?:来源|來源|作者|编辑|編輯|责任编辑|責任編輯|责编|責編|发布时间|發佈時間|發布時間|发布日期|發佈日期|發布日期|时间|時間|日期)"
    r"\s*[：:|｜]\s*\S.*"
)  # in either script
PAGE_META_LINE = re.compile(rf"^\s*[（(【\[]?\s*(?:{_PAGE_DATE}(?:\s*{_PAGE_SOURCE})?|{_PAGE_SOURCE})\s*$")


def _is_headline_like(text: str) -> bool:
    return (
        PAGE_META_LINE.match(text) is None
        and len(text) <= _HEADLINE_MAX
        and not ends_sentence(text)
        and "。" not in text
        and text.count("，") <= 1
        and not text.endswith(("，", "、", "：", "；"))
    )


def _bigrams(text: str) -> set[str]:
    """Character bigrams of ideographs and Latin letters/digits (punctuation breaks a run)."""
    grams: set[str] = set()
    previous = ""
    for ch in text:
        if is_ideograph(ch) or ch.isalnum():
            if previous:
                grams.add(previous + ch)
            previous = ch
        else:
            previous = ""
    return grams


def parse_bylines(doc: Document, span: Span) -> list[Byline]:
    """Persons credited in the cleaned-text ``span`` of a dateline credit or byline, with role and cleaned-text span.

    Names are read from the source text, where spaces separate them (``记者 张三 李四``); line breaks are not
    separators (``张\\n小三`` is one name). Role words may be letter-spaced (``记 者``). A role before names applies to
    them until the next role; ``摄``/``摄影报道`` after names makes them photographers. A run of single letter-spaced
    characters (``张 小 三``) is one name.
    """
    source_span = doc.to_source(span)
    chars: list[tuple[str, int]] = []
    for index in range(source_span.start, source_span.end):
        ch = doc.source[index]
        if ch in "（）()□■◆●":
            ch = " "
        chars.append((ch, index))
    text = "".join(ch for ch, _ in chars)
    pieces: list[tuple[str, int, int]] = []  # (kind, start, end) over text: a role or a names region
    cursor = 0
    for match in _ROLE_WORDS.finditer(text):
        if match.start() > cursor:
            pieces.append(("names", cursor, match.start()))
        pieces.append((match.lastgroup or "", match.start(), match.end()))
        cursor = match.end()
    if cursor < len(text):
        pieces.append(("names", cursor, len(text)))
    bylines: list[Byline] = []
    role = "reporter"
    printed: str | None = None  # the role word printed before the names (记者 of 本报记者 某某 摄)
    group: list[int] = []  # indices into bylines of the names since the last role word
    for number, (kind, start, end) in enumerate(pieces):
        if kind == "names":
            tokens = _name_tokens(chars[start:end])
            # 新华社记者 某某: an outlet written against the role word after it names no person
            outlet = (
                tokens[-1]
                if tokens
                and tokens[-1][-1] == chars[end - 1][1]
                and number + 1 < len(pieces)
                and pieces[number + 1][0] in _PREFIX_ROLES
                else None
            )
            for token in tokens:
                name_span = _clean_span(doc, token)
                if name_span is None:
                    continue
                name = doc.clean[name_span.start : name_span.end]
                if token is outlet and _OUTLET_END.search(name):
                    continue
                if 2 <= len(name) <= 10 and all(is_ideograph(ch) or ch == "·" for ch in name):
                    group.append(len(bylines))
                    special = printed if printed and printed[:2] in ("特约", "特約", "见习", "見習") else None
                    bylines.append(Byline(name=name, role=role, span=name_span, title=special))  # 特约记者 as printed
        elif kind in _PREFIX_ROLES:
            role, group = _PREFIX_ROLES[kind], []
            printed = re.sub(r"\s|本|报|報", "", text[start:end])
        elif kind in ("photographer", "photo_report"):
            for index in group:  # a photographer credited as 记者 still holds that post
                bylines[index] = Byline(bylines[index].name, "photographer", bylines[index].span, title=printed)
            role, group = "photographer", []
    return bylines


def _name_tokens(chars: list[tuple[str, int]]) -> list[list[int]]:
    """Source indices of each space-separated name in a names region (line breaks inside a name are dropped)."""
    tokens: list[list[int]] = []
    current: list[int] = []
    for ch, index in chars:
        if ch in " \t\u3000\u00a0":
            if current:
                tokens.append(current)
            current = []
        elif ch in "\r\n":
            continue
        elif is_ideograph(ch) or ch == "·":
            current.append(index)
        else:
            if current:
                tokens.append(current)
            current = []
    if current:
        tokens.append(current)
    if len(tokens) > 1 and all(len(token) == 1 for token in tokens):
        return [[index for token in tokens for index in token]]
    return tokens


def _clean_span(doc: Document, source_indices: list[int]) -> Span | None:
    """The cleaned-text span covering the given source characters (None when they did not survive cleaning)."""
    offsets = doc.source_offsets
    first = bisect.bisect_left(offsets, source_indices[0], 0, len(offsets) - 1)
    last = bisect.bisect_left(offsets, source_indices[-1], 0, len(offsets) - 1)
    if first >= len(offsets) - 1 or offsets[first] != source_indices[0] or offsets[last] != source_indices[-1]:
        return None
    return Span(first, last + 1)


class _Page:
    """The paragraphs of one cleaned document and the drafts and headline blocks built from them."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.spans = _paragraph_spans(doc.clean)
        self.texts = [doc.clean[s.start : s.end] for s in self.spans]
        display = {(s.start, s.end) for s in doc.display}
        self.display = [(s.start, s.end) in display for s in self.spans]
        self.drafts: list[_Draft] = []
        self.blocks: list[_Block] = []

    def build(self) -> None:
        """Walk the paragraphs once, opening drafts at datelines, bylines and photo items, collecting headlines."""
        current: _Draft | None = None
        heads: list[int] = []
        meta: list[int] = []  # a web page's date/source lines under a headline: body of the article that follows
        for index, text in enumerate(self.texts):
            dateline = DATELINE.match(text)
            if heads and PAGE_META_LINE.match(text):
                meta.append(index)
                continue
            listed = _is_headline_like(text) and PHOTO_CREDIT.search(text) is None
            if len(heads) > _HEADLINE_LINES and not listed:
                current, heads = self._list(heads, current), []
            if dateline is None and _CLOSING_CREDIT.fullmatch(text) and self._closes(index, current, heads):
                current.body.append(index)  # type: ignore[union-attr]  # （某某记者 张三）: read with the body's credits
            elif dateline is None and LEAD_BYLINE.match(text) and self._closes(index, current, heads):
                # 记者 张三 李四 as the page's last line, under a story: that story's credit, not a new item
                current.body.append(index)  # type: ignore[union-attr]
                current.credit, current.credit_at = index, self.spans[index].start  # type: ignore[union-attr]
            elif dateline or LEAD_BYLINE.match(text):
                current = self._open(index, dateline, heads)
                heads = []
            elif listed:
                heads.append(index)
            elif PHOTO_CREDIT.search(text):
                current = self._credit(index, current, heads)
                heads = []
            else:
                current = self._body(index, current, heads)
                heads = []
            if meta and current is not None and not heads:
                current.body = sorted(current.body + meta)
                meta = []
        if len(heads) > _HEADLINE_LINES:
            current, heads = self._list(heads, current), []
        if meta and current is not None:
            current.body = sorted(current.body + meta)
        elif meta:  # nothing follows the headline: the lines stay with it rather than be lost
            heads = sorted(heads + meta)
        if heads:
            self.blocks.append(_Block(heads, self._index(current), None, any(self.display[i] for i in heads)))

    def _list(self, heads: list[int], current: _Draft | None) -> _Draft:
        """A run of short lines longer than any headline: a list (one item per line, a grid of names), body text."""
        for index in heads:
            current = self._body(index, current, [])
        assert current is not None
        return current

    def _closes(self, index: int, current: _Draft | None, heads: list[int]) -> bool:
        """Whether the byline paragraph at ``index`` closes the story before it: the last paragraph of the page, right
        after that story's body, with no photo marker (□) and no credit of its own yet."""
        return (
            index == len(self.texts) - 1
            and not heads
            and current is not None
            and bool(current.body)
            and current.credit is None
            and not current.closed
            and self.texts[index][:1] not in "■□◆●"
        )

    def _index(self, draft: _Draft | None) -> int | None:
        return None if draft is None else draft.number

    def _new(self, draft: _Draft, heads: list[int], before: _Draft | None) -> _Draft:
        draft.number = len(self.drafts)
        self.drafts.append(draft)
        if heads:
            self.blocks.append(
                _Block(heads, self._index(before), len(self.drafts) - 1, any(self.display[i] for i in heads))
            )
        return draft

    def _open(self, index: int, dateline: re.Match[str] | None, heads: list[int]) -> _Draft:
        draft = _Draft(start=index, dateline=dateline)
        text = self.texts[index]
        if dateline is not None and dateline.end() < len(text):
            draft.body.append(index)  # the body starts on the dateline's paragraph
        if dateline is None and text.endswith(("摄影报道", "摄")):
            draft.photo = True
        return self._new(draft, heads, self.drafts[-1] if self.drafts else None)

    def _body(self, index: int, current: _Draft | None, heads: list[int]) -> _Draft:
        if current is None or (heads and any(self.display[i] for i in heads)) or current.closed:
            # Text after a closed photo item, or after a display headline, opens an article without dateline.
            return self._new(_Draft(body=[index]), heads, current)
        current.body.extend(heads)  # cross-heads between two body paragraphs stay in the body
        current.body.append(index)
        return current

    def _credit(self, index: int, current: _Draft | None, heads: list[int]) -> _Draft | None:
        credit_at = self.spans[index].start + PHOTO_CREDIT.search(self.texts[index]).start()  # type: ignore[union-attr]
        if current is not None and not heads and current.credit is None and not current.closed:
            captions = [i for i, p in enumerate(current.body) if self.display[p]]
            if not captions:
                # A picture inside a story: the credit adds a photographer to it.
                current.body.append(index)
                current.credit, current.credit_at = index, credit_at
                current.photo = current.photo or current.dateline is None
                current.closed = current.photo
                return current
            cut = captions[-1] + 1
            tail, current.body = current.body[cut:], current.body[:cut]
            draft = _Draft(body=[*tail, index], credit=index, credit_at=credit_at, photo=True, closed=True)
            return self._new(draft, [], current)
        draft = _Draft(body=[index], credit=index, credit_at=credit_at, photo=True, closed=True)
        return self._new(draft, heads, current)


def _headline_text(texts: list[str]) -> str:
    out = ""
    for part in texts:
        if out and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum():
            out += " "
        out += part
    return out


def _assign_headlines(page: _Page, bodies: list[str]) -> dict[int, int]:
    """Map block index → draft index, best topical match first, then by the page's headline side."""
    grams = [_bigrams(text) for text in bodies]
    pairs = []
    for b, block in enumerate(page.blocks):
        head = _bigrams("".join(page.texts[i] for i in block.paragraphs))
        if not head:
            continue
        near = [d for d in (block.before, block.after) if d is not None] or [0]
        for d in range(max(0, min(near) - _MATCH_WINDOW), min(len(grams), max(near) + _MATCH_WINDOW + 1)):
            body = grams[d]
            score = len(head & body) / len(head)
            if score >= _MATCH_THRESHOLD:
                neighbour = d in (block.before, block.after)
                pairs.append((-score, not neighbour, b, d))
    pairs.sort()
    assigned: dict[int, int] = {}
    taken: set[int] = set()
    after = before = 0
    for _, _, b, d in pairs:
        if b in assigned or d in taken:
            continue
        assigned[b], taken = d, taken | {d}
        after += d == page.blocks[b].before
        before += d == page.blocks[b].after
    for b, block in enumerate(page.blocks):
        if b in assigned:
            continue
        sides = [block.before, block.after] if after > before else [block.after, block.before]
        for side in sides:
            if side is not None and side not in taken:
                assigned[b] = side
                taken.add(side)
                break
    return assigned


@stage("ingest.segment.newspaper")
def segment(doc: Document, settings: Any = None) -> list[Article]:
    """Split the cleaned text of ``doc`` into articles (see the module docstring for the rules).

    Dateline dates take their year from the document date (``Document.date``: ``--date``, page header, metadata or
    file name); without one they stay None. An article without a dateline date gets the document date.
    """
    page = _Page(doc)
    page.build()
    drafts = page.drafts
    bodies = []
    for draft in drafts:
        words = " ".join(page.texts[i] for i in draft.body)
        place = draft.dateline and (draft.dateline.group("place") or draft.dateline.group("undated"))
        if place:
            words += " " + place
        bodies.append(words)
    assigned = _assign_headlines(page, bodies)
    headline_of = {d: page.blocks[b] for b, d in assigned.items()}
    # A headline-like run that no article took is text: of the article it follows, or, with no article before it,
    # an article of its own, so that nothing printed is dropped.
    for b, block in enumerate(page.blocks):
        if b in assigned:
            continue
        if block.before is not None:
            drafts[block.before].body = sorted(drafts[block.before].body + block.paragraphs)
        else:
            drafts.append(_Draft(body=list(block.paragraphs), number=len(drafts)))
    order = sorted(range(len(drafts)), key=lambda d: _first_paragraph(drafts[d]))
    articles: list[Article] = []
    for d in order:
        article = _article(doc, page, drafts[d], headline_of.get(d))
        if article is not None:
            article.index = len(articles)
            articles.append(article)
    if len(articles) == 1 and articles[0].headline is None and doc.title:
        articles[0].headline = doc.title
    return articles


# Credit lines in the body: 编辑：某某 / 责任编辑：某某 (editors), （记者 某某 通讯员 某某） near the end of the
# article (an outlet may open the brackets: （某某广电记者 某某）), and the 来源：line that names the outlet. Page
# cleaning may have joined these lines to the text before them.
_EDITOR_LINE = re.compile(
    r"(?<![总主])(?P<title>责任编辑|責任編輯|责编|責編|编辑|編輯)\s*[:：|｜]\s*"
    r"(?P<names>[\u4e00-\u9fff·]{2,4}(?:[、，,\s]+[\u4e00-\u9fff·]{2,4})*?)(?=$|[\s|｜）)】，。]|来源|來源|作者|发布|發布)"
)
_CLOSING_CREDIT = re.compile(
    r"[（(][^（）()\n，。]{0,20}?(?P<credit>\s*(?:本报)?(?:特约|特約)?(?:记者|通讯员|实习生|記者|通訊員|實習生)[^（）()\n]{2,60})[）)]"
)
_SOURCE_LINE = re.compile(
    r"(?:来源|來源)\s*[:：|｜]\s*(?P<source>[\u4e00-\u9fffA-Za-z0-9·]{2,20}?)"
    r"(?=$|[\s|｜，。:：]|编辑|編輯|责任|責任|作者|记者|記者|发布|發布|时间|時間|日期)"
)
_OWN_SOURCE = re.compile(r"本网|本报|本站|网络|信息中心")
_CLOSING_WINDOW = 200  # a closing credit stands in the last characters of the article


def _credit_lines(doc: Document, article: Article) -> list[Byline]:
    """Editors of 编辑：lines and the names of a credit in brackets near the end of the article, with spans in the
    cleaned text."""
    found = []
    text, base = article.text, article.start
    for match in _EDITOR_LINE.finditer(text):
        at = match.start("names")
        for name in re.finditer(r"[\u4e00-\u9fff·]{2,4}", match.group("names")):
            span = Span(base + at + name.start(), base + at + name.end())
            found.append(Byline(name=name.group(), role="editor", span=span, title=match.group("title")))
    if not article.bylines:
        tail = max(0, len(text) - _CLOSING_WINDOW)
        closing = list(_CLOSING_CREDIT.finditer(text, tail))
        if closing:
            credit = closing[-1]
            found.extend(parse_bylines(doc, Span(base + credit.start("credit"), base + credit.end("credit"))))
    return found


def _dateline_date(match: re.Match[str], published: dt.date | None) -> dt.date | None:
    """The day a dateline names: its own year when printed, else the year that puts it nearest the page's date; None
    for an impossible day (2月30日)."""
    month, day = int(match.group("month")), int(match.group("day"))
    if match.group("year"):
        try:
            return dt.date(int(match.group("year")), month, day)
        except ValueError:
            return None
    return infer_year(month, day, published)


def _first_paragraph(draft: _Draft) -> int:
    return min([*draft.body, *([] if draft.start is None else [draft.start])])


def _article(doc: Document, page: _Page, draft: _Draft, block: _Block | None) -> Article | None:
    spans = page.spans
    dateline_span: Span | None = None
    if draft.start is not None:
        start_span = spans[draft.start]
        end = start_span.start + draft.dateline.end() if draft.dateline is not None else start_span.end
        dateline_span = Span(start_span.start, end)
    if draft.body:
        first = spans[draft.body[0]]
        body_start = dateline_span.end if draft.body[0] == draft.start and dateline_span else first.start
        last = draft.body[-1]
        body_end = draft.credit_at if last == draft.credit else spans[last].end
    else:
        body_start = body_end = dateline_span.end if dateline_span else 0
    text = doc.clean[body_start:body_end]
    if not text.strip() and block is None and dateline_span is None:
        return None
    # An item with a dateline or headline but no text (a photo byline over pictures only) is kept, so that no
    # printed character is lost; its id comes from its place in the document, since an empty text has no identity.
    identity = text if text.strip() else f"{doc.id}:{body_start}:{doc.clean[body_start - 40 : body_start]}"
    article = Article(id=text_hash(identity), document_id=doc.id, index=0, text=text, start=body_start)
    if block is not None:
        article.headline = _headline_text([page.texts[i] for i in block.paragraphs])
        article.headline_span = Span(spans[block.paragraphs[0]].start, spans[block.paragraphs[-1]].end)
    article.published = doc.date
    article.date = doc.date
    if dateline_span is not None:
        article.dateline = doc.clean[dateline_span.start : dateline_span.end]
        article.dateline_span = dateline_span
        match = draft.dateline
        if match is not None:
            base = dateline_span.start
            place = "place" if match.group("place") else "undated"
            if match.group(place):
                article.place = match.group(place)
                article.place_span = Span(base + match.start(place), base + match.end(place))
            if match.group("month"):
                article.date = _dateline_date(match, doc.date)
            group = "credit" if match.group("credit") else "bare_credit"
            if match.group(group):
                credit = Span(base + match.start(group), base + match.end(group))
                article.bylines.extend(parse_bylines(doc, credit))
        else:
            article.bylines.extend(parse_bylines(doc, dateline_span))
    if draft.credit is not None:
        credit = Span(draft.credit_at, spans[draft.credit].end)
        article.bylines.extend(parse_bylines(doc, credit))
        if draft.body and draft.body[-1] == draft.credit:
            article.credit_span = credit  # a closing credit is not body text; one inside a story stays in it
    article.bylines.extend(_credit_lines(doc, article))
    article.kind = "photo" if draft.photo else "news"
    article.publication = doc.publication
    source = _SOURCE_LINE.search(text[:300])
    if doc.publication is None and source is not None and not _OWN_SOURCE.match(source.group("source")):
        article.publication = source.group("source")  # 来源：某某日报
    if article.publication is None and draft.dateline is not None and draft.dateline.group("outlet") not in _OWN_OUTLET:
        article.publication = draft.dateline.group("outlet")  # 中新网银川…电: the dispatch is the outlet's
    article.page = doc.page
    article.paragraphs = _paragraph_spans(text)
    article.sentences = split_sentences(text, article.paragraphs)
    return article
