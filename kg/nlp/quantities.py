"""Quantities as n-ary facts: who, what was measured, the value normalised to a decimal, the unit, when, and the text.

A number is taken only with a unit or classifier after it (8.08亿元, 6.4%, 110公里, 1520余吨, 556个, 三十一条); a bare
number is left alone. Values are normalised as xsd:decimal (8.08亿元 → 808000000, unit CNY); the unit gets a UN/CEFACT
common code where one exists (ISO 4217 for currencies) and keeps its Chinese text. 余/多/约 mark the value approximate,
以上/超过/不足 give a qualifier, a range (3-5万元) keeps its text with no value. The measured thing is the noun phrase
the number counts (556个党建联合体) or the phrase it closes (新增减税降费8.08亿元). A change over time (由2010年的47.7%
提高到80%以上) gives both values, each with its own time.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

from kg.model import ArticleExtraction, Evidence, Mention, Quantity
from kg.nlp.frames import ORG, PERSON, PLACE, ArticleView, Frame, Slot, build_view, family
from kg.nlp.gazetteer import simplified
from kg.nlp.timex import Timex, to_int
from kg.registry import stage

EXTRACTOR = "nlp.quantities.patterns"
SUBJECT_WINDOW = 400  # characters before a figure searched for its subject
PHRASE_WINDOW = 200  # characters before a value searched for the phrase it closes (real ones are far shorter)

# unit text → (UN/CEFACT common code or ISO 4217 currency, factor to that unit)
UNITS: dict[str, tuple[str | None, Decimal]] = {
    "元": ("CNY", Decimal(1)),
    "人民币": ("CNY", Decimal(1)),
    "美元": ("USD", Decimal(1)),
    "欧元": ("EUR", Decimal(1)),
    "港元": ("HKD", Decimal(1)),
    "%": ("P1", Decimal(1)),
    "％": ("P1", Decimal(1)),
    "个百分点": (None, Decimal(1)),
    "公里/小时": ("KMH", Decimal(1)),
    "千米/小时": ("KMH", Decimal(1)),
    "公里": ("KMT", Decimal(1)),
    "千米": ("KMT", Decimal(1)),
    "米": ("MTR", Decimal(1)),
    "厘米": ("CMT", Decimal(1)),
    "毫米": ("MMT", Decimal(1)),
    "英尺": ("FOT", Decimal(1)),
    "平方公里": ("KMK", Decimal(1)),
    "平方千米": ("KMK", Decimal(1)),
    "平方米": ("MTK", Decimal(1)),
    "公顷": ("HAR", Decimal(1)),
    "亩": (None, Decimal(1)),
    "立方米": ("MTQ", Decimal(1)),
    "升": ("LTR", Decimal(1)),
    "吨": ("TNE", Decimal(1)),
    "公斤": ("KGM", Decimal(1)),
    "千克": ("KGM", Decimal(1)),
    "克": ("GRM", Decimal(1)),
    "千瓦时": ("KWH", Decimal(1)),
    "kWh": ("KWH", Decimal(1)),
    "度": ("KWH", Decimal(1)),
    # power in kilowatts, whatever unit the text uses (兆瓦, 万千瓦, GW)
    "千瓦": ("KWT", Decimal(1)),
    "kW": ("KWT", Decimal(1)),
    "兆瓦": ("KWT", Decimal(1000)),
    "MW": ("KWT", Decimal(1000)),
    "GW": ("KWT", Decimal(10**6)),
    "吉瓦": ("KWT", Decimal(10**6)),
    "千伏": ("KVT", Decimal(1)),
    "kV": ("KVT", Decimal(1)),
    "吨/日": ("TNE_D", Decimal(1)),
    "吨/天": ("TNE_D", Decimal(1)),
    "t/d": ("TNE_D", Decimal(1)),
    "倍": ("TIMES", Decimal(1)),
    "岁": ("ANN", Decimal(1)),
    "小时": ("HUR", Decimal(1)),
    "分钟": ("MIN", Decimal(1)),
    "个工作日": ("DAY", Decimal(1)),
    "天": ("DAY", Decimal(1)),
    "个月": ("MON", Decimal(1)),
    "年": ("ANN", Decimal(1)),
}
# Classifiers of plain counts: unit code C62 ("one"), the classifier kept as unit text.
COUNTERS = (
    "户次 人次 篇次 架次 个 户 人 名 位 家 起 件 项 篇 架 台 辆 座 条 次 笔 趟 列 期 批 所 处 栋 套 张 份 "
    "头 只 株 棵 场 届 章 支 艘 部 块 间 层 类 种 款 宗 例 片 片区 枚 吨次 万人次 锭 把 车道 批次 "
    "省 市县 县市 市地 县区 区县 地市"
).split()
_MULTIPLIERS = {
    "十": 10,
    "百": 100,
    "千": 1000,
    "万": 10**4,
    "十万": 10**5,
    "百万": 10**6,
    "千万": 10**7,
    "亿": 10**8,
    "十亿": 10**9,
    "百亿": 10**10,
    "千亿": 10**11,
    "万亿": 10**12,
}
_UNIT_ALT = "|".join(sorted((re.escape(u) for u in [*UNITS, *COUNTERS]), key=len, reverse=True))
_MULT_ALT = "|".join(sorted(_MULTIPLIERS, key=len, reverse=True))
_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CHINESE = r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?"
_NUMBER = rf"(?:{_ARABIC}|{_CHINESE})"
# Counts of administrative units (两省, 三市县): only with Chinese numerals, as news writes them.
_AREA_COUNTERS = re.compile(r"^(?:省|市|县|区|市县|县市|市地|县区|区县|地市)$")
# Classifiers after 一 that count something (一名, 一所); after others 一 is an article (一场, 一套, 一份).
_ONE_COUNTS = set("个名位人家所台条辆座户只头株棵艘把")
_COORDINATE = re.compile(r"(?:北纬|南纬|东经|西经)$")
# A number is only tried from the start of its run of digits: a later start in the same run cannot match when the
# first failed, and trying every one made a long run of digits quadratic (20,000 digits: 194 s).
_NUMBER_START = rf"(?:(?<!\d){_ARABIC}|(?<![零〇一二两三四五六七八九十百千万亿]){_CHINESE})"
_QUANTITY = re.compile(
    rf"(?P<pre>超过|不足|不到|低于|少于|高于|多于|至少|最多|将近|大约|约|近|逾|超)?"
    rf"(?P<each>每小时)?"
    rf"(?:(?P<num>{_NUMBER_START})(?:(?P<dash>[-－~～—至到])(?P<num2>{_NUMBER}))?\n?"
    rf"(?P<approx1>余|多)?(?P<mult>{_MULT_ALT})?|(?P<bare>{_MULT_ALT}))(?P<approx2>余|多)?(?P<unit>{_UNIT_ALT})"
    rf"(?P<post>以上|以下|左右|上下|之多|有余)?"
)
_MORE = {"超过", "高于", "多于", "至少", "逾", "超", "以上", "之多", "有余"}
_LESS = {"不足", "不到", "低于", "少于", "最多", "以下"}
_ABOUT = {"约", "大约", "近", "将近", "左右", "上下"}
_CHANGE = re.compile(
    r"(?:由|从)(?P<from>[^，。；]{1,30}?)(?:提高|提升|增长|增加|上升|下降|降低|减少|降|增|升)(?:到|至)(?P<to>[^，。；]{1,24})"
)
# Words that link a measured phrase to its number (罚没款达…, 年收入全部达到…): not part of the phrase.
_LINK_TAIL = re.compile(r"(?:累计|共计|总计|合计|共|达到|达|为|是|约|实现|突破|超过|全部|均|都|分别|同比|已|再|在)+$")
_LINK_HEAD = re.compile(r"^(?:累计|共计|总计|合计|共|可|能|将|要|已|再|分别|均|都|还)+")
_NOUN_POS = {"n", "nz", "nw", "j", "s", "LOC", "ORG", "PER"}
_PHRASE_POS = _NOUN_POS | {"v", "vn", "a", "an", "b"}
_STOP_BACK = {"w", "p", "d", "c", "r", "m", "q", "TIME", "f", "u", "xc", "vd", "ad", "s"}
_SUBJECT_WORDS = re.compile(r"(?:全市|全盟|全区|全县|全旗|全省|该市|本市)$")
_SUBJECT_PREFIX = re.compile(r"^(?:全市|全盟|全区|全县|全旗|全省|该市|本市|其中)")


class _Near:
    """An article's mentions sorted by start, to find the ones at a figure in logarithmic time: walking all of them
    for every figure made a long article quadratic."""

    def __init__(self, view: ArticleView) -> None:
        self.mentions = sorted(view.extraction.mentions, key=lambda m: (m.start, m.end))
        self.starts = [m.start for m in self.mentions]
        self.longest = max((m.end - m.start for m in self.mentions), default=0)

    def overlapping(self, start: int, end: int) -> list[Mention]:
        """Mentions that overlap ``[start, end)``."""
        low = bisect_left(self.starts, start - self.longest)
        high = bisect_left(self.starts, end)
        return [m for m in self.mentions[low:high] if m.end > start]

    def last_end(self, floor: int, start: int) -> int:
        """The last end of a mention in ``(floor, start]``, or ``floor``."""
        high = bisect_right(self.starts, start)
        low = bisect_left(self.starts, floor - self.longest, hi=high)
        return max((m.end for m in self.mentions[low:high] if floor < m.end <= start), default=floor)


def parse_number(text: str) -> Decimal | None:
    """A decimal from Arabic or Chinese numerals (``2330.27``, ``三十一``, ``1,520``), or None."""
    text = text.replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        pass
    try:
        return _parse_chinese(text)
    except ValueError:
        return None  # more digits than Python converts to int (4,300): not a figure anyone printed


def _parse_chinese(text: str) -> Decimal | None:
    if "点" in text:
        whole, _, fraction = text.partition("点")
        integer = to_int(whole) if whole else 0
        digits = "".join(str("零一二三四五六七八九".find(ch)) if ch != "〇" else "0" for ch in fraction)
        if integer is None or "-" in digits:
            return None
        return Decimal(f"{integer}.{digits}")
    value = to_int(text)
    if value is None and text[:1] in "十百千万亿":
        value = to_int("一" + text)  # 百万, 千亿: one of them
    return Decimal(value) if value is not None else None


def _normal(value: Decimal) -> Decimal:
    """The decimal in plain notation with no exponent: 808000000.0, not 8.08E+8.

    A whole number keeps one fractional digit because that is the canonical xsd:decimal form Turtle writes; the value
    then survives a write and a re-read unchanged.
    """
    # Exact at any length: the default context's 28 digits rounded longer numbers and made quantize() raise.
    digits, exponent = value.as_tuple()[1:]
    if not isinstance(exponent, int):  # 'n', 'N' or 'F': NaN or infinity, which have no decimal form
        raise TypeError(f"not a finite number: {value}")
    with localcontext() as context:
        context.prec = max(28, len(digits) + abs(exponent) + 2)
        value = value.normalize()
        return value.quantize(Decimal("0.1")) if value == value.to_integral() else value


def _measured_forward(view: ArticleView, frame: Frame, end: int) -> str:
    """The noun phrase a count classifies: 556个|党建联合体, 40个|党建引领示范片区."""
    text = view.text
    at = end
    # a window, not the rest of the sentence: simplifying that for every figure was quadratic on a long sentence
    following = _QUANTITY.match(simplified(text[at : min(frame.sentence.span.end, at + 64)]))
    if following is not None:
        at += following.end()  # 51个|40英尺|集装箱: both count the same thing
    if at < frame.sentence.span.end and text[at] == "的":
        at += 1
    tokens = view.tokens_between(at, frame.sentence.span.end)
    if not view.tokens:
        plain = re.match(r"[^，。；：、！？的\d“”]{1,8}", text[at : frame.sentence.span.end])
        return plain.group() if plain else ""
    words: list[tuple[int, int]] = []
    seen_noun = False
    quote = False
    for token in tokens:
        start, stop, word, pos = token.start, token.end, token.text, token.pos
        if start != (words[-1][1] if words else at):
            break
        if word in '“”"':
            quote = word == "“"
            words.append((start, stop))
            continue
        if quote:
            words.append((start, stop))
            continue
        if pos in ("v", "ad", "d") and seen_noun:
            break
        if pos in ("a", "an") and seen_noun and stop - words[0][0] > 4:
            break
        if pos not in _PHRASE_POS:
            break
        words.append((start, stop))
        seen_noun = seen_noun or pos in _NOUN_POS
    while words and text[words[-1][0] : words[-1][1]] not in "”" and not _is_nounish(view, words[-1]):
        words.pop()
    return text[words[0][0] : words[-1][1]] if words else ""


def _is_nounish(view: ArticleView, span: tuple[int, int]) -> bool:
    return any(t.end == span[1] and t.pos in _NOUN_POS for t in view.tokens_between(span[0], span[1]))


def _measured_backward(view: ArticleView, frame: Frame, start: int, floor: int, near: _Near) -> str:
    """The phrase a value closes: 新增减税降费|8.08亿元, 罚没款达|2330.27万元 (linking words dropped)."""
    text = view.text
    tokens = view.tokens_between(floor, start)
    if not view.tokens:
        return _measured_plain(view, frame, start, floor, near)
    at = start
    if at > floor and text[at - 1] == "的":
        at -= 1
    first = at
    for token in reversed(tokens):
        t_start, t_end, word, pos = token.start, token.end, token.text, token.pos
        if t_end > first:
            continue  # inside a bracket already taken
        if t_end != first:
            break
        if word in "）)" and "（" in text[floor:t_start] + word:
            opening = text.rfind("（", floor, t_start)
            if opening < 0:
                break
            first = opening
            continue
        if t_start < first and pos in _STOP_BACK and not _LINK_TAIL.fullmatch(word):
            break
        if _SUBJECT_WORDS.search(word) or pos in ("LOC", "ORG", "PER") or _in_name(near, t_start, t_end):
            break  # the subject, not the measured thing
        first = t_start
    phrase = text[first:at]
    phrase = _LINK_HEAD.sub("", _LINK_TAIL.sub("", phrase))
    return phrase.strip("，、 ")


def _in_name(near: _Near, start: int, end: int) -> bool:
    return any(family(m.type) in (PLACE, ORG, PERSON) for m in near.overlapping(start, end))


def _has_noun(view: ArticleView, phrase_end: int, phrase: str) -> bool:
    """Whether the tagger saw a noun in the phrase that ends at ``phrase_end``."""
    return any(t.pos in _NOUN_POS for t in view.tokens_between(phrase_end - len(phrase), phrase_end))


def _measured_plain(view: ArticleView, frame: Frame, start: int, floor: int, near: _Near) -> str:
    """Without the tagger's words: the clause before the value, after the last name or time in it."""
    # Time expressions are in text order and do not overlap: the last one ending by ``start`` ends last.
    position = bisect_right(frame.times, start, key=lambda t: t.end)
    for boundary in [near.last_end(floor, start), *(t.end for t in frame.times[max(position - 1, 0) : position])]:
        if floor < boundary <= start:
            floor = boundary
    phrase = view.text[floor:start].strip("，、 ")
    phrase = _SUBJECT_PREFIX.sub("", phrase)
    return _LINK_HEAD.sub("", _LINK_TAIL.sub("", phrase.removesuffix("的")))


def _subject(frame: Frame, before: int, carried: Slot | None, order: tuple[list[int], list[int]]) -> Slot | None:
    """The place or organization the figure is about: the nearest clause-opening one before it, else the carried one.

    ``order`` holds the frame's slot indices sorted and their article offsets, made once per sentence.
    """
    indices, starts = order
    # From the figure backwards, at most SUBJECT_WINDOW characters: the first that qualifies is the nearest.
    for position in range(bisect_left(starts, before) - 1, -1, -1):
        if starts[position] < before - SUBJECT_WINDOW:
            break
        index = indices[position]
        slot = frame.slots[index]
        if slot.char not in (PLACE, ORG) and slot.mention.type not in ("Work", "Law", "Standard", "Report"):
            continue
        at = index
        while at > 0 and frame.masked[at - 1].isspace():
            at -= 1
        if at == 0 or frame.masked[at - 1] in "，。；：" or _opens_after_time(frame, slot):
            return slot
    return carried


def _opens_after_time(frame: Frame, slot: Slot) -> bool:
    # Time expressions are in text order and do not overlap: only the first can open the sentence.
    first = frame.times[0] if frame.times else None
    return first is not None and first.end == slot.start and first.start == frame.sentence.span.start


def _time(frame: Frame, before: int, carried: Timex | None) -> Timex | None:
    """The time a figure refers to: the last time expression before it in the sentence, else the carried one."""
    # Times are in text order: walk back from the figure instead of over the whole sentence for every figure.
    for position in range(bisect_left(frame.times, before, key=lambda t: t.start) - 1, -1, -1):
        timex = frame.times[position]
        if timex.end <= before and timex.kind != "vague":
            return timex
    return carried


def quantities_view(view: ArticleView) -> list[Quantity]:
    """Every quantity in a prepared article."""
    found: list[Quantity] = []
    paragraph = -1
    carried_subject: Slot | None = None
    carried_time: Timex | None = None
    near = _Near(view)
    for frame in view.frames:
        if frame.sentence.paragraph != paragraph:
            paragraph, carried_subject, carried_time = frame.sentence.paragraph, None, None
        base = frame.sentence.span.start
        evidence = view.evidence(frame)
        indices = sorted(frame.slots)
        order = (indices, [frame.slots[index].start for index in indices])
        changes = [(base + m.start("from"), base + m.end("to"), m) for m in _CHANGE.finditer(frame.text)]
        phrase_for_change: dict[int, str] = {}
        clause_start = scanned = base
        for match in _QUANTITY.finditer(simplified(frame.text)):  # 億元, 萬噸 read as 亿元, 万吨
            start, end = base + match.start(), base + match.end()
            if _skip(view, frame, match, start, end, near):
                continue
            # Each character is looked at once per sentence (scanning back to the clause start for every figure was
            # quadratic on a long clause), and a measured phrase is looked for only in the last PHRASE_WINDOW
            # characters before its value.
            cut = max(view.text.rfind(mark, scanned, start) for mark in "，；。：")
            if cut >= 0:
                clause_start = cut + 1
            scanned = start
            floor = max(clause_start, start - PHRASE_WINDOW)
            quantity = _quantity(match, evidence, frame.text[match.start() : match.end()])
            if quantity.value is None and quantity.qualifier != "range":
                continue  # not a number after all
            subject = _subject(frame, start, carried_subject, order)
            timex = _time(frame, start, carried_time)
            change = next((c for c in changes if c[0] <= start and end <= c[1]), None)
            if change is not None:
                # 由2010年的47.7%提高到80%以上: the first value has the time inside 由…, the second the current one
                if start < base + change[2].end("from"):
                    inner = [t for t in frame.times if change[0] <= t.start and t.end <= start]
                    timex = inner[-1] if inner else None
                    key = change[0]
                    low = max(clause_start, change[0] - 1 - PHRASE_WINDOW)
                    phrase_for_change[key] = _measured_backward(view, frame, change[0] - 1, low, near)
                else:
                    inner = [t for t in frame.times if base + change[2].start("to") <= t.start and t.end <= start]
                    # the value reached is today's unless the text dates it
                    timex = inner[-1] if inner else _today(view)
                measured = phrase_for_change.get(change[0], "")
            else:
                measured = ""
            if not measured:
                if quantity.unit == "C62" or quantity.unit_text in ("英尺",):
                    measured = _measured_forward(view, frame, end) or _measured_backward(
                        view, frame, start, floor, near
                    )
                else:
                    # the phrase a value closes (罚没款达…), unless that is a bare verb and a noun follows (满载…吨木材)
                    backward = _measured_backward(view, frame, start, floor, near)
                    forward = _measured_forward(view, frame, end)
                    tail = start - 1 if view.text[start - 1 : start] == "的" else start
                    prefer_back = backward and (not forward or not view.tokens or _has_noun(view, tail, backward))
                    measured = backward if prefer_back else forward
            quantity.measured = measured or quantity.unit_text
            if subject is not None:
                quantity.subject_mention = view.use(subject)
            if timex is not None:
                # an expression that cannot be normalised (建市初期) is kept as written, never guessed
                quantity.time = timex.value or timex.text
                quantity.time_text = timex.text or None
            found.append(quantity)
            carried_subject = subject or carried_subject
            carried_time = timex or carried_time
        if frame.times:
            dated = [t for t in frame.times if t.kind != "vague"]
            carried_time = dated[-1] if dated else carried_time
    return found


def _today(view: ArticleView) -> Timex | None:
    """The article's date as a time expression with no text of its own."""
    return Timex(0, 0, "", view.ref.isoformat(), "now") if view.ref else None


_PHASE_AFTER = re.compile(r"[)）]|项目|工程|建设|改造|扩建|混改")


def _numbers_not_counts(unit: str, text: str, start: int, end: int) -> bool:
    """Chinese numerals that number rather than count, though no 第 opens them: a term (十三届全国人大), its session
    (十三届人大四次会议), a project's phase (（二期）, 二期工程 — but 举办三期培训班 counts courses)."""
    after = simplified(text[end : end + 4])
    if unit == "届":
        return True
    if unit == "次" and after.startswith(("会议", "全会", "全体会议")):
        return True
    return unit == "期" and (text[start - 1 : start] in ("(", "（") or bool(_PHASE_AFTER.match(after)))


def _skip(view: ArticleView, frame: Frame, match: re.Match[str], start: int, end: int, near: _Near) -> bool:
    """Numbers that are not quantities: ordinals (第6000趟), parts of dates, titles, codes (B1), a lone 一."""
    text = view.text
    if start > 0 and text[start - 1] in "第" or (start > 0 and text[start - 1].isascii() and text[start - 1].isalnum()):
        return True
    number, unit = match.group("num") or "", match.group("unit")
    if number == "一" and not match.group("mult") and unit not in _ONE_COUNTS:
        return True  # 一场, 一套, 一份: an article, not a count
    if number and set(number) <= {"零"}:
        return True  # 零部件, 零售: no number
    if number and not number.isdigit() and _numbers_not_counts(simplified(unit), text, start, end):
        return True
    if unit == "年" and not number.isdigit() and (len(number) > 2 or "〇" in number or "零" in number):
        return True  # 二〇二〇年 is a year; 三年 a duration
    if _AREA_COUNTERS.match(unit) and (number.isdigit() or not number):
        return True  # 3市 is rare; 两省, 三市县 are counts
    # a multiplier with no digit before it (百万亩, 千亿元), read as the number or apart from it
    lone = match.group("bare") or (number if number and set(number) <= set("十百千万亿") else "")
    if lone in ("亿", "十", "十万", "十亿"):
        return True  # 亿元 alone names money, not an amount; 百万亩, 千亿元, 万亩 are amounts
    if lone and re.search(r"\d\s*$", text[max(0, start - 3) : start]):
        return True  # the number is before a break the sentence split did not bridge
    if lone and unit in COUNTERS and unit not in ("亩",):
        return True  # 万人 (a crowd) or 百家 (many) without a number: a manner of speaking
    if _COORDINATE.search(text[max(0, start - 2) : start]):
        return True  # 北纬40度: a coordinate
    # Time expressions do not overlap and are in text order: only the last one starting before the end can overlap.
    position = bisect_left(frame.times, end, key=lambda t: t.start)
    if position and frame.times[position - 1].end > start:
        return True
    return any(m.type in ("Work", "Law", "Standard", "Report") for m in near.overlapping(start, end))


def _exact(number: Decimal, factor: Decimal) -> Decimal:
    """``number * factor`` in plain notation, exact however many digits the number has."""
    with localcontext() as context:
        context.prec = len(number.as_tuple().digits) + abs(int(number.as_tuple().exponent)) + 20
        return _normal(number * factor)


def _quantity(match: re.Match[str], evidence: Evidence, written: str) -> Quantity:
    """The quantity a match states; ``written`` is its text in the article's own script."""
    unit_text = match.group("unit")
    code, factor = UNITS.get(unit_text, ("C62", Decimal(1)))
    if match.group("each") and unit_text in ("公里", "千米"):
        code, unit_text = "KMH", f"{unit_text}/小时"
    mult = match.group("mult") or match.group("bare") or ""
    multiplier = Decimal(_MULTIPLIERS.get(mult, 1))
    unit_display = mult + unit_text if code not in ("P1",) else unit_text
    approximate = bool(match.group("approx1") or match.group("approx2"))
    pre, post = match.group("pre"), match.group("post")
    qualifier = None
    if pre in _MORE or post in _MORE or approximate:
        qualifier = "more-than"
    if pre in _LESS or post in _LESS:
        qualifier = "less-than"
    if pre in _ABOUT or post in _ABOUT:
        approximate = True
    value: Decimal | None
    ends: list[Decimal | None] = [None, None]
    if match.group("num2"):
        value, qualifier = None, "range"  # a range has no single value; its ends are schema:minValue/maxValue
        for index, group in enumerate(("num", "num2")):
            number = parse_number(match.group(group))
            ends[index] = _exact(number, multiplier * factor) if number is not None else None
    else:
        number = parse_number(match.group("num")) if match.group("num") else Decimal(1)  # 百万亩, 千亿元
        value = _exact(number, multiplier * factor) if number is not None else None
    return Quantity(
        subject=None,
        measured="",
        value=value,
        unit=code,
        unit_text=unit_display,
        text=written,
        evidence=evidence,
        value_min=ends[0],
        value_max=ends[1],
        approximate=approximate,
        qualifier=qualifier,
        extractor=EXTRACTOR,
    )


@stage("nlp.quantities.patterns")
def quantities(extraction: ArticleExtraction, settings: Any = None) -> ArticleExtraction:
    """Add the quantities of an article (value, unit, measured thing, subject, time, evidence) to the extraction."""
    extraction.quantities.extend(quantities_view(build_view(extraction, settings)))
    return extraction
