"""Events as nodes: meetings and press conferences, test flights, journeys and train arrivals, the start of operation
of a facility, training courses — each with its type, date, place(s), participants and the sentence it was read from.

Patterns match the masked sentences of :mod:`kg.nlp.frames`. Places written as a coordination that shares one head
(X、Y边境派出所 = X边境派出所 and Y边境派出所) are split, and each conjunct becomes a place of the event.

Beyond those patterns, a trigger lexicon (``TRIGGERS``) types the happenings regional news reports — construction
starts, completions, signings, inspections, meetings, unveilings, commendations, releases, donations, approvals,
police actions — and argument rules read each one's participants with their roles (the persons and bodies of the
clause before the trigger act; the parties after 与/和 sign; the projects it concerns), its place (在/赴/到 X), its date
(the time expression closest before the trigger, resolved against the article's date) and the sums of money its
sentence states. A trigger is matched in simplified script, so 開工 and 簽約 are read like 开工 and 签约.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from kg.model import ArticleExtraction, Event, Evidence, Mention, Relation, text_hash
from kg.nlp.frames import (
    FACILITY,
    ORG,
    OTHER,
    PERSON,
    PLACE,
    SLOT_CHARS,
    WORK,
    ArticleView,
    Frame,
    Slot,
    build_view,
    family,
    pattern,
)
from kg.nlp.gazetteer import simplified
from kg.nlp.relate import TITLES
from kg.nlp.rules import class_by_suffix
from kg.nlp.timex import in_year
from kg.registry import stage

EXTRACTOR = "nlp.events.patterns"

_MEETINGS = (
    "新闻发布会|发布会|座谈会|研讨会|推介会|现场会|会议|大会|论坛|博览会|展览会|交易会|洽谈会|"
    "签约仪式|启动仪式|开幕式|颁奖典礼"
)
_MEETING_HELD_AT = pattern(
    rf"(?:^|[，；：])(?P<label>[^，。；！？：]{{{{2,40}}}}?(?:{_MEETINGS}))在(?P<place>{{L}})(?:{{N}}{{{{0,4}}}}?)"
    r"(?P<verb>召开|举行|举办|开幕|启动)"
)
_MEETING_HELD = pattern(
    rf"(?:在(?P<place>{{L}}))?(?P<when>{{N}}{{{{0,6}}}}?)(?P<verb>召开|举行|举办)(?:了|的)(?P<label>[^，。；！？：]{{{{2,40}}}}?(?:{_MEETINGS}))"
)
_TEST_FLIGHT = pattern(
    r"(?:在|于)(?P<where>[^，。；！？]{1,60}?)(?:进行|开展|完成|实施)了?(?:首次)?(?P<what>试飞|首飞|试航|飞行测试|飞行试验|测试飞行)"
)
_JOURNEY = pattern(
    # a country may open the origin (从蒙古国扎门乌德站始发): the station is the origin
    r"从(?:{A})?(?P<origin>{L})(?:始发|出发|发车|开出|启程|驶出)(?P<mid>[^。；！？]*?)"
    r"(?P<verb>驶入|抵达|到达|驶抵|开抵|运抵|进入|到站)(?P<dest>{L})"
)
_VEHICLE = re.compile(r"班列|列车|火车|动车|航班|货轮|客轮|船舶|车队")
_DESCRIBES = re.compile(r"^(?:这趟|这列|这班|该|此|本)(?:班列|列车|航班|车次)?(?:是|为|系)")
_OPERATION = pattern(
    r"(?P<thing>{F})(?P<mid>{N}{{0,12}}?)"
    r"(?P<verb>投入运营|投入使用|建成投产|正式投产|投产|正式运营|开通运营|正式开通|建成通车|通车|开业|竣工)"
)
_COMPLETION_VERBS = {"竣工", "建成通车", "通车"}
_NEGATION = re.compile(r"未|没有|尚未|还未|暂未|不")
_ORGS = "{O}(?:[、和及与]{O})*"
_TRAINING = pattern(
    rf"(?P<left>{_ORGS})(?:{{N}}{{{{0,4}}}}?)(?:与|和|同)(?P<right>{_ORGS})(?:{{N}}{{{{0,6}}}}?)(?:联合|共同)?"
    r"(?:举办|开办|组织|举行)了?(?P<label>{N}{{0,12}}?(?:培训班|培训|训练营|研修班))"
)
_LABEL_LEAD = re.compile(r"^(?:[一二两三四五六七八九十\d]+(?:场|次|期|届|个)|这次|此次|本次)")
_CONJUNCTION = re.compile(r"[、和及与]")
# Generic words that end a name and may be shared by coordinated names (那X、Y边境派出所).
_GENERIC_TAIL = re.compile(
    r"(?:边境|派出所|公司|有限公司|站|口岸|学校|中学|小学|村|镇|乡|嘎查|苏木|社区|街道|园区|基地|支队|大队|中队|检查站|服务站)$"
)
_DEICTIC = re.compile(r"^(?:在)?(?:这次|此次|本次|该次|会上)")
_PUBLISH = re.compile(r"发布|公布|推出|发出")


def _date(frame: Frame, before: int | None = None) -> str | None:
    """The date of what a sentence reports: the opening time expression, else the last dated one before ``before``."""
    dated = [t for t in frame.times if t.value and t.kind in ("date", "month", "year")]
    if before is not None:
        dated = [t for t in dated if t.end <= before] or dated
    opening = [t for t in dated if t.start == frame.sentence.span.start]
    if opening:
        return opening[0].value
    return dated[-1].value if dated else None


def _label(text: str) -> str:
    """An event's name from its noun phrase: the part after the last 的, without a leading 一场/这次."""
    label = text.rsplit("的", 1)[-1] if "的" in text[:-2] else text
    return _LABEL_LEAD.sub("", label.strip('“”"')) or label


def _topic_org(frame: Frame, before: int) -> Slot | None:
    """The organization that opens a clause of the sentence before masked index ``before``."""
    for index in sorted(frame.slots):
        if index >= before:
            break
        slot = frame.slots[index]
        opening = frame.masked[:index].rstrip()
        if slot.char == ORG and (not opening or opening[-1] in "，。；："):
            return slot
    return None


def _event(view: ArticleView, frame: Frame, kind: str, label: str, start: int) -> Event:
    key = text_hash(f"{view.extraction.article.id}|{frame.sentence.index}|{kind}|{start}|{label}")
    return Event(key=key, type=kind, label=label, evidence=view.evidence(frame), extractor=EXTRACTOR)


def _meetings(view: ArticleView, frame: Frame, following: Frame | None) -> list[Event]:
    events = []
    for regex in (_MEETING_HELD_AT, _MEETING_HELD):
        for match in regex.finditer(frame.masked):
            text = frame.original(match.start("label"), match.end("label"))
            label = _label(text)
            kind = "PressConference" if label.endswith("发布会") else _ceremony_kind(label) or "Meeting"
            event = _event(view, frame, kind, label, match.start())
            event.trigger = match.group("verb")
            place = frame.slot(match, "place")
            inner = [
                s
                for s in frame.group_slots(match, "label")
                if family(s.mention.type) not in (PERSON, ORG, WORK) and s.mention.type != "Event"
            ]
            if place is not None or inner:
                event.place_mentions.append(view.use(place or inner[0]))
            event.participant_mentions.extend(view.use(s) for s in frame.group_slots(match, "label") if s.char == ORG)
            verb_at = frame.offset(match.start("verb"))
            close = [t for t in frame.times if 0 <= verb_at - t.end <= 2]
            if close:
                event.date = close[-1].value  # 近日召开: the time the verb states, even when vague
            else:
                event.date = _date(frame, verb_at)
            if following is not None and _DEICTIC.match(following.text) and _PUBLISH.search(following.text):
                # 在这次发布会上…《X》…发布: the work released at this meeting takes part in it
                event.participant_mentions.extend(view.use(s) for s in following.slots.values() if s.char == WORK)
            events.append(event)
    return events


def _ceremony_kind(label: str) -> str | None:
    """The class a ceremony's name states by its last trigger word other than a meeting's (签约仪式 → Signing,
    开工仪式 → ConstructionStart, 揭牌仪式 → Unveiling), or None."""
    kinds = [m.lastgroup for m in _TRIGGER.finditer(simplified(label)) if m.lastgroup not in ("Meeting", None)]
    return kinds[-1] if kinds else None


def _test_flights(view: ArticleView, frame: Frame) -> list[Event]:
    events = []
    for match in _TEST_FLIGHT.finditer(frame.masked):
        places = _coordinated_places(view, frame, match.start("where"), match.end("where"))
        if not places:
            continue
        what = match.group("what")
        event = _event(
            view,
            frame,
            "TestFlight",
            f"{what}：{'、'.join(p.attrs.get('name', p.text) for p in places)}",
            match.start(),
        )
        event.place_mentions.extend(places)
        participant = _topic_org(frame, match.start())
        if participant is not None:
            event.participant_mentions.append(view.use(participant))
        event.date = _date(frame, frame.offset(match.start()))
        events.append(event)
    return events


def _coordinated_places(view: ArticleView, frame: Frame, start: int, end: int) -> list[Mention]:
    """The places of a coordination (X、Y和Z), each from its mention, its suffix or the head the last one shares."""
    conjuncts: list[tuple[int, int, str]] = []  # (start, end, the separator before it)
    at, separator = start, ""
    for index in range(start, end + 1):
        if index == end or (_CONJUNCTION.match(frame.masked[index]) and index not in frame.slots):
            if index > at:
                conjuncts.append((at, index, separator))
            at, separator = index + 1, frame.masked[index] if index < end else ""
    # 、 binds tighter than 和: only the final 、-run shares the last conjunct's head (A和B、C站 = A, B站, C站)
    run = len(conjuncts) - 1
    while run > 0 and conjuncts[run][2] == "、":
        run -= 1
    spans = []
    for position, (c_start, c_end, _sep) in enumerate(conjuncts):
        a, b = frame.offset(c_start), frame.end_offset(c_end)
        text = view.text[a:b]
        if "的" in text:  # 距离边境线最近的X: the name follows the last 的
            cut = text.rindex("的") + 1
            a, text = a + cut, text[cut:]
        if text:
            spans.append((a, b, text, position >= run))
    if not spans:
        return []
    shared = _shared_head(spans[-1][2])
    places = []
    for a, b, text, shares in spans:
        mention = _named(view, frame, a, b, text, shared if shares else "")
        if mention is not None:
            places.append(mention)
    return places


def _shared_head(name: str) -> str:
    head = ""
    rest = name
    while True:
        match = _GENERIC_TAIL.search(rest)
        if match is None or match.start() == 0:
            return head
        head = match.group() + head
        rest = rest[: match.start()]


def _named(view: ArticleView, frame: Frame, start: int, end: int, text: str, shared: str) -> Mention | None:
    for slot in frame.slots.values():
        if slot.start == start and slot.end == end and slot.char not in (PERSON, WORK):
            return view.use(slot)
    cls = class_by_suffix(text, "")
    if cls:
        mention = view.new_mention(start, end, cls)
    elif shared and len(text) >= 2:
        mention = view.new_mention(start, end, class_by_suffix(text + shared, "Place"))
        mention.attrs["name"] = text + shared  # the full name the coordination implies
    else:
        return None
    return view.use(Slot(start, end, family(mention.type), mention, fresh=True))


def _journeys(view: ArticleView, frame: Frame, following: Frame | None) -> list[Event]:
    events = []
    for match in _JOURNEY.finditer(frame.masked):
        origin, destination = frame.slot(match, "origin"), frame.slot(match, "dest")
        if origin is None or destination is None:
            continue
        vehicle = _VEHICLE.search(frame.original(match.start("mid"), match.end("mid")))
        kind = "TrainArrival" if vehicle and vehicle.group() in ("班列", "列车", "火车", "动车") else "Journey"
        name = vehicle.group() if vehicle else ""
        label = f"{name}{match.group('verb')}{destination.mention.text}"
        event = _event(view, frame, kind, label, match.start())
        event.origin_mention = view.use(origin)
        event.destination_mention = view.use(destination)
        event.place_mentions.append(event.destination_mention)
        event.date = _date(frame)
        if following is not None and _DESCRIBES.match(following.text):
            event.description = following.text  # 这趟班列是…第6000趟班列: what the next sentence says about it
        events.append(event)
    return events


def _operations(view: ArticleView, frame: Frame) -> list[Event]:
    events = []
    for match in _OPERATION.finditer(frame.masked):
        mid = frame.original(match.start("mid"), match.end("mid"))
        if _NEGATION.search(mid) or _GOAL.search(simplified(frame.original(0, match.start("verb")))[-12:]):
            continue
        thing = frame.slot(match, "thing")
        if thing is None:
            continue
        verb = match.group("verb")
        kind = "Completion" if verb in _COMPLETION_VERBS else "Opening" if verb == "开业" else "OperationStart"
        event = _event(view, frame, kind, f"{thing.mention.text}{verb}", match.start())
        event.trigger = verb
        event.participant_mentions.append(view.use(thing))
        a, b = frame.offset(match.start("mid")), frame.end_offset(match.end("verb"))
        inner = [t for t in frame.times_between(a, b) if t.value]
        event.date = inner[-1].value if inner else None
        events.append(event)
    return events


def _trainings(view: ArticleView, frame: Frame) -> list[Event]:
    events = []
    for match in _TRAINING.finditer(frame.masked):
        organizers = [s for s in frame.group_slots(match, "left") + frame.group_slots(match, "right") if s.char == ORG]
        if len(organizers) < 2:
            continue
        label = _LABEL_LEAD.sub("", frame.original(match.start("label"), match.end("label")))
        names = "、".join(s.mention.text for s in organizers)
        event = _event(view, frame, "Training", f"{names}联合举办{label}", match.start())
        event.participant_mentions.extend(view.use(s) for s in organizers)
        event.date = _date(frame)
        events.append(event)
    return events


# Trigger lexicon: (event class, triggers in simplified script). Per sentence, one event per class; where a clause holds
# a ceremony of another class (举行…开工仪式, 召开…签约会), the ceremony's class wins over the bare meeting.
TRIGGERS: tuple[tuple[str, str], ...] = (
    ("ConstructionStart", "集中开复工|开复工|集中开工|开工建设|开工|动工|开建|奠基|破土|集中启动"),
    ("Completion", "竣工|完工|建成通车|全线通车|正式通车"),
    ("OperationStart", "建成投产|投产|投运|投入使用|投入运营|投入生产|试运行|建成运营"),
    ("Opening", "开业|开园|开馆|启用"),
    ("Signing", "签约|签订|签署|签下"),
    ("Inspection", "调研|视察|考察|检查指导|督导|拉练检查|走访|实地了解|参观|到访|察看|查看"),
    ("Unveiling", "揭牌|授牌|挂牌"),
    ("Commendation", "表彰|颁奖|颁发|授予"),
    ("Donation", "捐赠|捐款|捐建|捐助|捐资|捐献|慰问金"),
    ("PressConference", "新闻发布会|发布会"),
    ("Release", "发布|公布|印发|下发|出台|通报|公示|刊登"),
    ("Meeting", "召开|举行|举办|座谈会|座谈|推进会|推介会|洽谈会|恳谈会|会议|大会|论坛"),
    ("Approval", "批复|获批|核准"),
    ("PoliceAction", "抓获|抓捕|搜捕|缉拿|执行死刑|破获"),
    ("OfficialVisit", "会见|会谈|拜访|拜会"),
    ("ToppingOut", "封顶|结顶"),
)
_TRIGGER = re.compile("|".join(f"(?P<{kind}>{words})" for kind, words in TRIGGERS))
# Nouns that name a meeting only with a qualifier before them (推进会议, 全体会议); alone (会议指出) they refer back.
_MEETING_NOUNS = {"会议", "大会", "论坛", "座谈会", "推进会", "推介会", "洽谈会", "恳谈会"}
_REFERS_BACK = re.compile(r"(?:此次|这次|本次|该次|该|此|会|上述|参加|出席|列席)$")
_TRIGGER_NEGATION = re.compile(r"(?:未|没有|尚未|还未|暂未|不|无法)$")
_CLAUSE_END = re.compile(r"[，。；！？：,;!?:]")
_NOT_A_MEETING = re.compile(r"制度|机制|精神|纪要|要求|室|厅|中心")  # 联席会议制度, 会议精神, 会议室
_FREQUENCY = re.compile(r"\d+(?:次|场|批次|期|轮)")
_ATTENDS = re.compile(r"出席|参加|见证|参与|观摩|主持|致辞|陪同|一同|在\S{0,3}上")
# A trigger that qualifies a noun (签约项目, 开工企业, 发布日期, 调研组, 考察团) names no happening.
_MODIFIES = re.compile(r"(?:项目|企业|代表|单位|日期|时间|各?个?环节|率|工作|情况|意向|达效|达产|组(?!织)|团(?!结))")
# A clause that counts what the event covered (开工项目92个, 共签约22个项目) restates it.
_COUNTS = re.compile(r"\d+(?:个|項|项|家)|共")
# A trigger after these states an aim or a plan, not a happening (力争早日投产, 确保项目开工, 计划年底投产, 拟签约,
# 将开工, 抓开工、促竣工, 可开复工122个).
_GOAL = re.compile(
    r"(?:力争|确保|争取|尽快|尽早|早日|加快|抓紧|促进|如何|早|计划|拟|预计|有望|准备|即将|将于|将要|打算)"
    r"[^，。；！？：,;!?:]{0,6}$|(?:将|(?<![重主])要|抓|促|可)$"
)
# A sentence that opens with these tells what is to be done next (下一步，某某将继续赴某地调研).
_PLANS = re.compile(r"下一步|接下来|今后|未来")
# A trigger after these, in a clause that counts, tallies what happened so far (已签约项目13个, 39个子项目已全面
# 开工); a visit whose clause counts visitors (累计接待游客参观…人次) or names aims (拜访目标企业) reports no single
# happening.
_TALLY = re.compile(r"(?:累计|已|先后|陆续|全面|均|全部)[^，。；！？：,;!?:]{0,4}$")
_COUNT = re.compile(r"\d+(?:个|项|家|批|座|人次)|累计[^，。；！？：,;!?:]*\d")
_NO_HAPPENING = re.compile(r"人次|目标")
_VISITS = ("Inspection", "OfficialVisit")
_PLACE_MARK = pattern(r"(?:在|于|赴|到|来到|走进|深入|莅临)(?P<place>{L})")
# A clause after an event's that says where it is held: 在某地…举行 (the mark at its start).
_HELD_AT = pattern(r"在{L}[^，。；：,;:]*?(?:同步|隆重|正式)?(?:举行|召开|举办)")
_RECIPIENT = pattern(r"(?:向|为|给)(?P<who>{E})")
# 甲与乙、丙签约 / …，与乙、丙签约 (the party before 与 opens the sentence)
_WITH_PARTIES = pattern(
    r"(?:(?P<left>[{S}])(?:{N}{{0,4}}?)|(?<=[，,：:])|^)(?:与|和|同)(?P<right>[{S}](?:[、和及][{S}])*)"
)
_PARTY_JOIN = pattern(r"(?P<left>[{S}])(?:{N}{{0,4}}?)(?:与|和|同|及)(?:{N}{{0,4}}?)(?P<right>[{S}])")
_WITH_PREVIOUS_DATE = re.compile(r"当天|当日|同日|同天|会上|随后|其后|活动中|活动期间|(?:仪式|活动|现场)上")
_CURRENCIES = {"CNY", "USD", "EUR", "HKD"}
# A year that names a batch or period of a programme (2023年第一季度, 2025年春季, 2021年度), not when it was done.
_QUALIFIES = re.compile(r"第|首|[一二三四]季度|上半年|下半年|度|[春夏秋冬]季|全年")
_BASELINE = re.compile(r"(?:较|比|同比|相比|超过|高于|低于)$")
_SPEAKERS_DAY = {"今天", "今日", "明天", "明日"}
# The role of the persons and bodies that act in an event, by class (the rest take part as its agent).
_ACTOR_ROLE = {
    "Meeting": "organizer",
    "PressConference": "organizer",
    "Release": "organizer",
    "Unveiling": "organizer",
    "Commendation": "organizer",
    "Signing": "signatory",
    "Donation": "donor",
}


def _clauses(masked: str) -> list[tuple[int, int]]:
    """The (start, end) of each clause of a masked sentence."""
    spans, at = [], 0
    for match in _CLAUSE_END.finditer(masked):
        spans.append((at, match.start()))
        at = match.end()
    if at < len(masked):
        spans.append((at, len(masked)))
    return spans


def _triggers(frame: Frame) -> list[tuple[str, re.Match[str]]]:
    """(class, match) of every trigger of the sentence that states an event, one per class, ceremonies before
    meetings."""
    view = simplified(frame.masked)
    found: list[tuple[str, re.Match[str]]] = []
    for match in _TRIGGER.finditer(view):
        kind = match.lastgroup or ""
        before = view[: match.start()]
        if (
            _TRIGGER_NEGATION.search(before)
            or _GOAL.search(simplified(frame.original(0, match.start()))[-12:])
            or _PLANS.match(view)
        ):
            continue
        noun = match.group() in _MEETING_NOUNS or kind == "PressConference"
        # 座谈会上，… opening a sentence tells of a meeting (a repeat of one reported before folds into it)
        opens_at_it = not before and view.startswith("上", match.end())
        if (
            noun
            and not opens_at_it
            and (
                not before
                or before[-1] in "，。；：,;:、（("
                or _REFERS_BACK.search(before)
                or _NOT_A_MEETING.match(view, match.end())
            )
        ):
            continue
        if re.search(r"(?:此次|这次|本次|该次)$", before) or not noun and _MODIFIES.match(view, match.end()):
            continue  # 此次调研的目的, 签约企业代表: the happening is named, not stated
        rest = _clause_rest(view, match.end())
        if _FREQUENCY.search(rest):
            continue  # 召开会议3次, 考察45批次: a count of happenings, not one
        clause_before = _CLAUSE_END.split(before)[-1]
        if (
            kind in _VISITS
            and _NO_HAPPENING.search(clause_before + rest)
            or (_TALLY.search(before) and _COUNT.search(clause_before + rest))
        ):
            continue
        if kind == "Meeting":
            # 举行某某集中开工活动, 某某签约会在某地召开: the named event's own head says what it is
            kind = _named_kind(frame, match.end()) or _named_kind(frame, _named_before(frame, match.start())) or kind
        found.append((kind, match))
    clauses = _clauses(view)
    kinds_in_clause: dict[int, set[str]] = {}
    for kind, match in found:
        clause = next(i for i, (a, b) in enumerate(clauses) if a <= match.start() <= b) if clauses else 0
        kinds_in_clause.setdefault(clause, set()).add(kind)
    chosen: dict[str, tuple[str, re.Match[str]]] = {}
    for kind, match in found:
        clause = next(i for i, (a, b) in enumerate(clauses) if a <= match.start() <= b) if clauses else 0
        others = kinds_in_clause[clause] - {kind}
        if kind == "Meeting" and others - {"Inspection", "Release"}:
            continue  # 举行签约仪式: a signing, not a further meeting
        if kind == "Release" and "PressConference" in others:
            continue
        chosen.setdefault(kind, (kind, match))
    return sorted(chosen.values(), key=lambda km: km[1].start())


def _clause_rest(text: str, at: int) -> str:
    """The rest of the clause of ``text`` from ``at``."""
    end = _CLAUSE_END.search(text, at)
    return text[at : end.start() if end else len(text)]


def _named_kind(frame: Frame, at: int) -> str | None:
    """The class the name of a named event at masked index ``at`` states by its last trigger word (某某集中开工活动 →
    ConstructionStart, 某某洽谈签约会 → Signing; 某某签约推进会议 stays a meeting)."""
    slot = frame.slots.get(at)
    if slot is None or slot.mention.type != "Event":
        return None
    triggers = [m.lastgroup for m in _TRIGGER.finditer(simplified(slot.mention.text))]
    last = triggers[-1] if triggers else None
    return last if last not in ("Meeting", None) else None


def _named_before(frame: Frame, verb_at: int) -> int:
    """The masked index of the slot that opens the clause of a holding verb (某某活动在某地举行), or -1."""
    start, _end = _clause_of(frame, verb_at)
    return next((i for i in sorted(frame.slots) if start <= i < verb_at), -1)


def _clause_of(frame: Frame, index: int) -> tuple[int, int]:
    for start, end in _clauses(frame.masked):
        if start <= index <= end:
            return start, end
    return 0, len(frame.masked)


def _actors(frame: Frame, trigger_at: int) -> list[Slot]:
    """The persons and bodies that act: those of the trigger's clause before it, else those opening the sentence."""
    start, _end = _clause_of(frame, trigger_at)
    objects = _objects(frame)
    own = [
        s
        for i, s in sorted(frame.slots.items())
        if start <= i < trigger_at and s.char in (PERSON, ORG, PLACE) and i not in objects
    ]
    if own:
        return _listed_before(frame, start) + own
    first = _clauses(frame.masked)[0] if frame.masked else (0, 0)
    if first[1] > trigger_at:
        return []
    opening = [
        s
        for i, s in sorted(frame.slots.items())
        if first[0] <= i < first[1] and s.char in (PERSON, ORG, PLACE) and i not in objects
    ]
    return opening or _carried_subject(frame, start)


# A word that puts what follows it as the goal or object of the act, not its actor: 赴某镇调研, 来到某合作社,
# 对某公司进行调研, 就某事, 向某校捐赠.
_OBJECT_MARK = pattern(r"(?:在|于|赴|到|来到|走进|深入|莅临|对|就|向|给)(?P<what>{E})")


_VISITED = pattern(r"(?:在|于|赴|到|来到|走进|深入|莅临)(?P<what>{O})")
# 一行首先来到某公司, 随后走进某合作社: the body a visitor went to
_WENT_TO = pattern(r"(?:来到|走进|前往)(?P<what>{O})")


def _objects(frame: Frame) -> set[int]:
    """The masked indices of the slots a place mark or an object mark governs, with the chain of places, facilities and
    bodies written after the first (赴某区某镇, 在某街道某公司项目区)."""
    found: set[int] = set()
    for mark in _OBJECT_MARK.finditer(frame.masked):
        index = mark.start("what")
        found.add(index)
        while index + 1 in frame.slots and frame.slots[index + 1].char in (PLACE, FACILITY, ORG):
            index += 1  # 在某县某街道某公司项目区举行: the body there names the site
            found.add(index)
    return found


def _carried_subject(frame: Frame, start: int) -> list[Slot]:
    """The subject a clause without one shares with an earlier clause of its sentence (活动期间，甲先后主持召开…，
    考察了…，拜访了…): the persons and bodies, or the place, that open the nearest clause before masked ``start``
    that opens with one."""
    for a, b in reversed([c for c in _clauses(frame.masked) if c[1] <= start]):
        subject = _opening_run(frame, a, b)
        if subject:
            return subject
        opening = frame.slots.get(a)
        if opening is not None and opening.char == PLACE and a + 1 not in frame.slots:
            return [opening]  # 某县在…开局之年，…，在某地举行了…: a place that opens a clause acts
    return []


# The rest of a clause that opens a sentence at the event (座谈会上, 在开工仪式上).
_AT_IT = re.compile(r"(?:仪式|会议|大会|活动|现场)?上")
# 在某某的陪同下, 在某某陪同下: who accompanied the happening of the sentence.
_ESCORTED = re.compile(r"在[^，。；：,;:在]{1,40}?陪同下")
# A clause after an event's own in its sentence that tells who took part in it: 某某出席开工仪式并讲话, 某某宣布…开工,
# 某某陪同调研, 某某致辞.
_TAKES_PART = re.compile(r"出席|参加|致辞|讲话|主持|陪同|见证|宣布|一同")


def _taking_part_later(frame: Frame, kind: str, after: int) -> list[Slot]:
    """The persons of the clauses after masked ``after`` that attend, speak at, announce or accompany the event of
    class ``kind`` (with the persons of a list that runs into such a clause); a clause that names a happening of
    another class speaks of that one, and one that names none of this class must speak or attend outright."""
    persons: list[Slot] = []
    for a, b in _clauses(frame.masked):
        if a <= after:
            continue
        text = simplified(frame.masked[a:b])
        word = _TAKES_PART.search(text)
        kinds = {m.lastgroup for m in _TRIGGER.finditer(text)}
        if word is None or kinds - {kind}:
            continue
        clause = [s for i, s in sorted(frame.slots.items()) if a <= i < a + word.start() and s.char == PERSON]
        if clause:
            persons.extend(s for s in _listed_before(frame, a) if all(s is not p for p in persons))
            persons.extend(clause)
    return persons


def _opening_run(frame: Frame, start: int, end: int | None = None) -> list[Slot]:
    """The persons and bodies that open the clause at masked ``start`` (会上，甲、乙…; 县长甲、副县长乙…; 区委书记甲…):
    its subject. A title may stand before each; a place written before a person's title names the person's post
    (某县县长甲), not a further subject, while a body there (某供销社主任甲) takes part through the person."""
    end = len(frame.masked) if end is None else end
    run: list[Slot] = []
    index = _TITLE_GAP.match(frame.masked, start, end).end()  # type: ignore[union-attr]
    while index in frame.slots and frame.slots[index].char in (PERSON, ORG, PLACE):
        slot = frame.slots[index]
        if run and run[-1].char == PLACE and slot.char == PERSON and frame.masked[index - 1] not in "、和与及":
            run.pop()
        elif run and run[-1].char == PLACE:
            break  # a place that names no one's post is no subject
        run.append(slot)
        index += 1
        if index < end and frame.masked[index] in "、和与及":
            index += 1
        index = _TITLE_GAP.match(frame.masked, index, end).end()  # type: ignore[union-attr]
    return [s for s in run if s.char != PLACE]


# Titles written before a name (县长, 副县长, 党组书记、主任): a few characters that hold no particle or clause mark and
# end as titles do (…长, …书记, …主任, …委员, …经理, …代表), so that a verb before an object (拜访某商会) is none.
_TITLE = rf"[^{SLOT_CHARS}了的在对向把将为从就已于被，。；：,;:、\s]{{0,7}}[长记任席员理裁委表授家士人事监官主志]"
_TITLE_GAP = re.compile(rf"(?:{_TITLE}(?:、{_TITLE})*)?")


def _place_named_in(view: ArticleView, slot: Slot) -> Mention | None:
    """The last place written inside the name of a named meeting (贵州茶产业南京推介会 → 南京), or the first park or
    facility inside the name of a ceremony (某产业园暨某项目奠基仪式 → 某产业园), or None: an activity named for a
    whole area (某州春季项目集中开工活动) took place at a site within it."""
    if slot.mention.type != "Event":
        return None
    name = simplified(slot.mention.text)
    event = slot.mention
    inside = [m for m in view.extraction.mentions if event.start <= m.start and m.end <= event.end and m is not event]
    if name.endswith(("会", "会议", "论坛")):
        places = [m for m in inside if family(m.type) == PLACE]
        return places[-1] if places else None
    if name.endswith("仪式"):
        return next((m for m in inside if family(m.type) == FACILITY), None)
    return None


def _bodies_named_in(view: ArticleView, slot: Slot) -> list[Mention]:
    """The organizations written inside the name of a named event (某公司二期项目奠基仪式, 某委员会第三次会议)."""
    if slot.mention.type != "Event":
        return []
    event = slot.mention
    return [
        m
        for m in view.extraction.mentions
        if event.start <= m.start and m.end <= event.end and m is not event and family(m.type) == ORG
    ]


def _innermost(frame: Frame, index: int) -> Slot | None:
    """The last of a chain of places and facilities written one after another from masked ``index`` (在某市某区某镇,
    在某市某产业园): the most precise place the sentence names."""
    slot = frame.slots.get(index)
    while slot is not None and frame.slots.get(index + 1) is not None:
        following = frame.slots[index + 1]
        if following.char not in (PLACE, FACILITY) or following.fresh:
            break
        index, slot = index + 1, following
    return slot


def _listed_before(frame: Frame, start: int) -> list[Slot]:
    """The persons of a list that runs into the clause at masked index ``start`` (某副县长甲，某主任乙，丙等陪同调研):
    each clause before it, back to the first that is no item, ends with a person and a comma."""
    listed: list[Slot] = []
    clauses = [c for c in _clauses(frame.masked) if c[1] < start]
    for a, b in reversed(clauses):
        slots = [(i, s) for i, s in sorted(frame.slots.items()) if a <= i < b]
        if frame.masked[b] not in "，," or not slots or slots[-1][1].char != PERSON or slots[-1][0] + 1 != b:
            break
        listed = [s for _, s in slots if s.char == PERSON] + listed
    return listed


def _trigger_event(
    view: ArticleView, frame: Frame, kind: str, match: re.Match[str], previous: tuple[str, Evidence] | None
) -> Event:
    at, end = match.start(), match.end()
    trigger = frame.original(at, end)
    clause_start, clause_end = _clause_of(frame, at)
    roles: list[tuple[str, Slot]] = []
    recipients = {m.start("who") for m in _RECIPIENT.finditer(frame.masked, clause_start, end)}
    for slot_at in sorted(frame.slots):
        slot = frame.slots[slot_at]
        if slot_at in recipients and kind == "Donation":
            roles.append(("recipient", slot))
    actors = [s for s in _actors(frame, at) if all(s is not r for _, r in roles)]
    actor_role = _ACTOR_ROLE.get(kind, "agent")
    for slot in actors:
        attends = slot.char == PERSON and (
            kind in ("Meeting", "PressConference") or _ATTENDS.search(_ESCORTED.sub("", frame.masked[clause_start:at]))
        )
        role = "attendee" if attends else actor_role
        roles.append((role, slot))
    roles.extend(("attendee", s) for s in _taking_part_later(frame, kind, clause_end))
    for escort in _ESCORTED.finditer(frame.masked):  # 甲在某局局长乙的陪同下到某公司调研
        roles.extend(("attendee", s) for s in frame.slots_in(*escort.span()) if s.char == PERSON)
    if _ATTENDS.search(frame.masked[clause_start:at]):  # 甲，某部门负责同志，乙等在主会场参加开工活动
        roles.extend(
            ("attendee", s)
            for i, s in sorted(frame.slots.items())
            if i < clause_start and s.char == PERSON and all(s is not r for _, r in roles)
        )
    if frame.masked[clause_start:at].strip() in ("", "在") and _AT_IT.fullmatch(
        simplified(frame.masked[end:clause_end])
    ):  # 座谈会上，甲…; 在签约仪式上，某县县长甲…
        roles.extend(("attendee", s) for s in _opening_run(frame, clause_end + 1, _clause_of(frame, clause_end + 1)[1]))
    after = [frame.slots[i] for i in sorted(frame.slots) if end <= i < clause_end]
    parties: list[Slot] = []  # the sides a signing joins (a place among them is no venue)
    if kind == "Signing":
        for join in _PARTY_JOIN.finditer(frame.masked, 0, end):
            for name in ("left", "right"):
                party = frame.slots.get(join.start(name))
                if party is not None and party.char in (ORG, PLACE, PERSON):
                    parties.append(party)
        parties.extend(s for s in after if s.char == ORG)
        # 甲、乙等地政府，分别和丙、丁的企业签订了…: the bodies and places of both sides of the signing
        for match in _SIGNING_PARTIES.finditer(frame.masked, 0, clause_end):
            if match.end() >= end:  # the other side: the bodies and places named after 和 (苏、浙等地的企业)
                other = [s for s in frame.slots_in(match.end("left"), match.end()) if s.char in (ORG, PLACE)]
                parties.extend(frame.group_slots(match, "left") + other)
        roles.extend(("signatory", s) for s in parties)
    before_in_clause = [frame.slots[i] for i in sorted(frame.slots) if clause_start <= i < at]
    projects = [s for s in before_in_clause + after if s.char in (FACILITY, OTHER) and family(s.mention.type) != PLACE]
    roles.extend(
        ("project", s)
        for s in projects
        if s.mention.type in ("Project", "Facility", "IndustrialPark") or s.char == FACILITY
    )
    visited = (
        [s for s in after if s.char == ORG or s.char == PERSON and kind == "OfficialVisit"] if kind in _VISITS else []
    )
    # 到某公司调研, 在某公司某项目现场举行, 来到某合作社…，对…进行了调研: the body whose premises it went to or took
    # place on
    visited += [
        frame.slots[m.start("what")]
        for m in _VISITED.finditer(frame.masked, 0, clause_end)
        if frame.slots[m.start("what")].char == ORG
    ]
    place = None
    held_at = _HELD_AT.match(frame.masked, clause_end + 1)  # 某某启动仪式，在某区某地块举行
    for mark in _PLACE_MARK.finditer(frame.masked):
        if (
            mark.start() < end
            or place is None
            and (mark.start() < clause_end or held_at and mark.start() == held_at.start())
        ):
            place = _innermost(frame, mark.start("place")) or place
    if place is None and kind == "Inspection":
        place = next((s for s in after if s.char in (PLACE, FACILITY)), None)
    if place is None:  # 某县举行…: the place that acts is where it happens (not a party that signs)
        place = next((s for _, s in roles if s.char == PLACE and all(s is not p for p in parties)), None)
    at_place = next((i for i, s in frame.slots.items() if s is place), None)
    if at_place is not None:  # 深入某乡某村调研, 某市某县举行: the last of the chain
        place = _innermost(frame, at_place)
    projects_named = [s for role, s in roles if role == "project"]
    if projects_named:
        label = f"{projects_named[0].mention.text}{trigger}"
    else:  # the clause from its first actor on: 甲公司与乙大学在某地签署合作协议
        first = min(
            [i for i, s in frame.slots.items() if clause_start <= i < at and s.char in (PERSON, ORG)],
            default=clause_start,
        )
        label = frame.original(first, clause_end).strip()[:40] or trigger
    event = _event(view, frame, kind, label, at)
    event.trigger = trigger
    seen: set[tuple[str, int]] = set()
    for role, slot in roles:
        if slot.fresh or (role, id(slot.mention)) in seen:
            continue  # a candidate phrase is no entity on a trigger's word alone
        seen.add((role, id(slot.mention)))
        mention = view.use(slot)
        event.role_mentions.append((role, mention))
        if role != "project" or kind in ("ConstructionStart", "Completion", "OperationStart", "Opening", "Signing"):
            event.participant_mentions.append(mention)
    # 某公司某项目奠基仪式举行, 某委员会第三次会议举行…: the bodies the name of the event names
    named_bodies = [m for i, s in sorted(frame.slots.items()) if i < clause_end for m in _bodies_named_in(view, s)]
    known = {id(m) for m in event.participant_mentions}
    event.participant_mentions.extend(
        view.use(s) for s in visited if not s.fresh and id(s.mention) not in known
    )  # 考察了甲公司、乙公司, 会见了某某: whom the visit went to
    known = {id(m) for m in event.participant_mentions}
    event.participant_mentions.extend(m for m in named_bodies if id(m) not in known)
    if place is not None and not place.fresh:
        event.place_mentions.append(view.use(place))
    verb_at = frame.offset(at)
    names = [s for s in frame.slots.values() if s.mention.type == "Event"]
    dated = [
        t
        for t in frame.times
        if t.value
        and t.kind in ("date", "month", "year")
        and not any(n.start <= t.start and t.end <= n.end for n in names)
        and not _BASELINE.search(frame.text_at(frame.sentence.span.start, t.start))
        and not frame.text_at(t.end, frame.sentence.span.end).startswith("同期")
    ]  # 2024年 of a name is no date, nor the year a figure is compared with (较去年增加, 去年同期)
    before_trigger = [t for t in dated if t.end <= verb_at]
    days = [t for t in before_trigger if t.kind == "date"]
    years = {t.value for t in frame.times if t.kind == "year" and t.value}
    if not days and len(years) == 1:  # an undated article: 3月30日，某州举行2025年…开工活动 is in the year it names
        year = int(years.pop())
        days = [t for t in frame.times if t.end <= verb_at and t.value is None and in_year(t, year)]
        days = [replace(t, value=in_year(t, year)) for t in days]
    later_days = [t for t in dated if t.kind == "date" and t.start >= verb_at]
    if not days and before_trigger and all(t.kind == "year" for t in before_trigger) and later_days:
        # 举行2023年第一季度…集中开工、集中签约活动…3月26日: the day of that year the sentence names after it
        same_year = [t for t in later_days if (t.value or "").startswith(before_trigger[-1].value or "-")]
        days = same_year[:1]
    own_years = [
        t
        for t in before_trigger
        if t.kind == "year"
        and t.start >= frame.offset(clause_start)
        and not _QUALIFIES.match(frame.text_at(t.end, frame.sentence.span.end))
    ]
    if days and own_years and not (days[-1].value or "").startswith(own_years[-1].value or "-"):
        days = []  # 3月27日，甲项目开建，这是去年…签署的项目: the year of the act's own clause, which no day there has
        before_trigger = own_years
    if days:  # 3月26日，我县举行2023年第一季度…开工活动: the day, not the year that qualifies the activity
        event.date = days[-1].value
    elif before_trigger:
        event.date = before_trigger[-1].value
    elif dated and not any(in_year(t, 2000) for t in frame.times if t.end <= verb_at):
        event.date = dated[0].value  # not when a day before the trigger has no year: 1月30日，…听取2017年工作汇报
    elif previous and _WITH_PREVIOUS_DATE.search(frame.text):
        event.date = previous[0]
        event.more_evidence.append(previous[1])  # the sentence that named the day
    sentence = frame.sentence.span
    event.amounts = [
        q
        for q in view.extraction.quantities
        if q.unit in _CURRENCIES and q.value is not None and sentence.start <= q.evidence.start < sentence.end
    ]
    return event


def _triggered(
    view: ArticleView, frame: Frame, known: list[Event], previous: tuple[str, Evidence] | None
) -> list[Event]:
    """Events the trigger lexicon finds in a sentence, except those the patterns above already read there."""
    taken = {e.type for e in known if e.evidence.sentence == frame.sentence.index}
    return [_trigger_event(view, frame, kind, match, previous) for kind, match in _triggers(frame) if kind not in taken]


# A sentence that tells of no happening of its own but says who attended, chaired, spoke at, accompanied or received
# the visitors of one (县委书记甲、县长乙等出席活动; 甲主持会议; 乙在研讨会上表示; 丙、丁等陪同; 戊接待来宾) tells who
# took part in the one told last.
_ATTENDING = re.compile(
    r"(?:出席|参加|列席)了?[^，。；：,;:]{0,6}?(?:活动|会议|仪式|大会|会)|陪同|主持(?:了|本次|此次)?(?:活动|会议|仪式|大会)"
    r"|致辞|讲话|发言|汇报|就座|接待|在[^，。；：,;:]{0,8}?(?:会|会议|仪式|活动)上"
)
# A title right after a body (某公司负责人, 某公司总经理): the body's officer.
_ONES_TITLE = re.compile(r"(?:主要|相关|有关)?(?:负责人|负责同志|代表|" + TITLES + ")")


def _attending(frame: Frame) -> tuple[list[Slot], list[Slot], bool]:
    """The persons a sentence that tells of no happening of its own names before it says they attended, the bodies it
    says they went to (一行来到某公司), and whether it names a meeting (出席会议, 在座谈会上)."""
    went_to = [frame.slots[m.start("what")] for m in _WENT_TO.finditer(frame.masked)]
    words = list(_ATTENDING.finditer(simplified(frame.masked)))
    last = words[-1].start() if words else 0
    persons = [
        s
        for i, s in sorted(frame.slots.items())
        if i < last and not s.fresh and (s.char == PERSON or s.char == ORG and _ONES_TITLE.match(frame.masked, i + 1))
    ]  # 某公司负责人…致辞: the body whose officer speaks takes part through them
    return persons, [s for s in went_to if not s.fresh], any("会" in w.group() for w in words)


def _add_attendees(
    view: ArticleView, events: list[Event], frame: Frame, persons: list[Slot], went_to: list[Slot], meeting: bool
) -> None:
    """Add ``persons`` as attendees, and the bodies in ``went_to`` as participants, of the gathering told last before
    ``frame``'s sentence (the last meeting when the sentence names one; else the first gathering told in the latest
    sentence), with the sentence as further evidence."""
    index = frame.sentence.index

    def told(event: Event) -> int:
        return max(
            (e.sentence or 0 for e in [event.evidence, *event.more_evidence] if (e.sentence or 0) < index), default=-1
        )

    gatherings = [e for e in events if e.type in _GATHERINGS and told(e) >= 0]
    meetings = [e for e in gatherings if e.type in ("Meeting", "PressConference")]
    if meeting and meetings:
        gatherings = meetings
    if not gatherings:
        return
    latest = max(told(e) for e in gatherings)
    last = next(e for e in gatherings if told(e) == latest)
    known = {id(m) for _, m in last.role_mentions}
    fresh = [s for s in persons if id(s.mention) not in known]
    for slot in fresh:
        mention = view.use(slot)
        last.role_mentions.append(("attendee", mention))
        last.participant_mentions.append(mention)
    known = {id(m) for m in last.participant_mentions}
    visited = [view.use(s) for s in went_to if id(s.mention) not in known]
    last.participant_mentions.extend(visited)
    if (fresh or visited) and index not in {e.sentence for e in [last.evidence, *last.more_evidence]}:
        last.more_evidence.append(view.evidence(frame))


def events_view(view: ArticleView) -> list[Event]:
    """Every event the patterns find in a prepared article."""
    events: list[Event] = []
    # the last day a sentence named, with that sentence: 当天/会上 in a later one refer to it
    previous: tuple[str, Evidence] | None = None
    attending: list[tuple[Frame, list[Slot], list[Slot], bool]] = []  # sentences that only say who attended
    frames = view.frames
    for index, frame in enumerate(frames):
        following = frames[index + 1] if index + 1 < len(frames) else None
        told = len(events)
        events.extend(_meetings(view, frame, following))
        events.extend(_test_flights(view, frame))
        events.extend(_journeys(view, frame, following))
        events.extend(_operations(view, frame))
        events.extend(_trainings(view, frame))
        events.extend(_triggered(view, frame, events, previous))
        if len(events) == told:
            persons, went_to, meeting = _attending(frame)
            if persons or went_to:
                attending.append((frame, persons, went_to, meeting))
        # 今天/明天 in a later sentence mostly stand in what someone said (今天开工的项目是…): no day the story moves to
        full = [t.value for t in frame.times if t.value and t.kind == "date" and t.text not in _SPEAKERS_DAY]
        previous = (full[-1], view.evidence(frame)) if full else previous
    kept = _merge_mentions(events)
    for frame, persons, went_to, meeting in attending:
        _add_attendees(view, kept, frame, persons, went_to, meeting)
    _carry_parties(kept)
    kept = _carry_setting(view, kept)
    bylines = [match.span() for match in _BYLINE.finditer(simplified(view.extraction.article.text))]
    for event in kept:  # the reporters a byline names report the event, they do not take part in it
        event.participant_mentions = [
            m for m in event.participant_mentions if not any(a <= m.start and m.end <= b for a, b in bylines)
        ]
    return kept


# 记者某某报道, 记者某某、某某报道：, 新华社记者某某摄: the reporters a byline names.
_BYLINE = re.compile(r"(?:记者|通讯员|实习生)(?:[^，。；：:,;\s、]{2,4}[、\s]?){1,4}?(?:报道|摄)")


# A sentence that opens at a meeting (会上，…; 座谈会上，…) tells of what was done there by those who held it.
_AT_THE_MEETING_OPENS = re.compile(r"^(?:在)?[^，。；：,;:]{0,8}?(?:会|会议|仪式|活动)上[，,]")


def _carry_parties(events: list[Event]) -> None:
    """Give an event that names no one who acts, in a sentence that opens at a meeting (会上，…并签订了合作协议), the
    bodies and persons that held the last meeting told before it, in the role its class gives them, citing the
    meeting's sentence."""
    for index, event in enumerate(events):
        if any(role != "project" for role, _ in event.role_mentions):
            continue
        if not _AT_THE_MEETING_OPENS.match(simplified(event.evidence.text)):
            continue
        meeting = next(
            (e for e in reversed(events[:index]) if e.type in ("Meeting", "PressConference")),
            None,
        )
        holders = [m for role, m in meeting.role_mentions if role == "organizer"] if meeting is not None else []
        if meeting is None or not holders:
            continue
        role = _ACTOR_ROLE.get(event.type, "agent")
        event.role_mentions.extend((role, m) for m in holders)
        event.participant_mentions.extend(m for m in holders if all(m is not p for p in event.participant_mentions))
        if meeting.evidence.sentence not in {e.sentence for e in [event.evidence, *event.more_evidence]}:
            event.more_evidence.append(meeting.evidence)


# Happenings where people gather at one spot; one whose sentences name no place or time took place where and when the
# one told before it did (活动期间…考察了…, 座谈会上…, 随后…揭牌).
_GATHERINGS = {
    "Meeting",
    "PressConference",
    "Inspection",
    "OfficialVisit",
    "Signing",
    "Unveiling",
    "Commendation",
    "Donation",
    "ConstructionStart",
    "Opening",
}


def _carry_setting(view: ArticleView, events: list[Event]) -> list[Event]:
    """Give a gathering whose sentence names no time the day of the last dated gathering told before it, and one whose
    sentences name no place the place of the last gathering told before it on a day it may share (the sentence that
    named the day or the place becomes further evidence), else the place its sentence names in a meeting's name."""
    dated: Event | None = None
    placed: Event | None = None
    for event in events:
        if event.type not in _GATHERINGS:
            continue
        if event.date is None and dated is not None and not _names_a_time(view, event.evidence):
            if _citing(event, dated, _naming_day(view, dated.date)):
                event.date = dated.date
        if event.date:
            dated = event
        if not event.place_mentions and placed is not None and _same_date(placed.date, event.date):
            place = placed.place_mentions[0]
            if _citing(event, placed, _holding(place)):
                event.place_mentions = [place]
        if not event.place_mentions:  # 某某南京推介会举办, 某市第六届人民代表大会第三次会议: where its name says
            slots = [
                s
                for f in view.frames
                if f.sentence.index == event.evidence.sentence
                for _, s in sorted(f.slots.items())
            ]
            named = [p for s in slots if (p := _place_named_in(view, s)) is not None]
            event.place_mentions = named[:1]
        if event.place_mentions:
            placed = event
    return events


def _names_a_time(view: ArticleView, evidence: Evidence) -> bool:
    return any(evidence.start <= t.start < evidence.end for t in view.times)


def _naming_day(view: ArticleView, day: str | None) -> Callable[[Evidence], bool]:
    """Whether a sentence names ``day``."""
    return lambda e: any(t.value == day and e.start <= t.start < e.end for t in view.times)


def _holding(mention: Mention) -> Callable[[Evidence], bool]:
    """Whether a sentence holds ``mention``."""
    return lambda e: e.start <= mention.start < e.end


def _citing(event: Event, source: Event, holds: Callable[[Evidence], bool]) -> bool:
    """Cite in ``event`` the first sentence of ``source`` that ``holds`` (what is carried over from it); False when no
    sentence of ``source`` holds it."""
    named = next((e for e in [source.evidence, *source.more_evidence] if holds(e)), None)
    if named is None:
        return False
    if named.sentence not in {e.sentence for e in [event.evidence, *event.more_evidence]}:
        event.more_evidence.append(named)
    return True


def _merge_mentions(events: list[Event]) -> list[Event]:
    """Fold a later mention of a happening into its first mention: news names an event in its lead and then again —
    in statistics (集中开工…，开工项目92个), through who attended, spoke or announced it (某某出席开工仪式并致辞,
    某某宣布开工, 某某陪同调研), or through the same actors again (某某一行调研…，某某一行参观…). A later mention
    folds when it is of the same class, has a trigger, states no other date, place or project (a project is no other
    when the first named none: 某县集中签约…，某某项目签约), and either names no one
    who acts, points back at the happening, or names actors the first already has. Its sentence is kept as further
    evidence."""
    kept: list[Event] = []
    for event in events:
        first = next((e for e in kept if _same_happening(e, event)), None)
        if first is None:
            kept.append(event)
            continue
        first.date = first.date or event.date
        known = {id(m) for m in first.participant_mentions}
        first.participant_mentions.extend(m for m in event.participant_mentions if id(m) not in known)
        roles = {(r, id(m)) for r, m in first.role_mentions}
        first.role_mentions.extend((r, m) for r, m in event.role_mentions if (r, id(m)) not in roles)
        first.place_mentions = first.place_mentions or event.place_mentions
        first.amounts.extend(q for q in event.amounts if all(q is not a for a in first.amounts))
        told = {e.sentence for e in [first.evidence, *first.more_evidence]}
        for evidence in [event.evidence, *event.more_evidence]:
            if evidence.sentence not in told:
                told.add(evidence.sentence)
                first.more_evidence.append(evidence)
    return kept


# A clause that tells of a happening named before: who attended, spoke at, announced or accompanied it, or what was
# done while it lasted (在某地调研时，…).
_POINTS_BACK = re.compile(
    r"出席|参加|致辞|讲话|宣布|陪同|主持(?!召开)|见证|一同|(?:仪式|活动|会议|会)上"
    r"|(?:此次|本次|这次|该次)|(?:时|期间)$"
)


def _actors_of(event: Event) -> set[str]:
    return {m.text for role, m in event.role_mentions if role != "project" and family(m.type) != PLACE}


def _same_date(a: str | None, b: str | None) -> bool:
    """Whether two event dates may name the same day: either unknown, equal, or one the year or month of the other."""
    return a is None or b is None or a.startswith(b) or b.startswith(a)


def _trigger_clause(event: Event) -> str:
    """An event's sentence up to the end of the clause that holds its trigger (all of it when the trigger is not
    found), simplified: what comes before the trigger may point back at the happening (会上，…; 某某宣布：…启动)."""
    text = simplified(event.evidence.text)
    at = text.find(simplified(event.trigger or ""))
    if at < 0:
        return text
    end = _CLAUSE_END.search(text, at)
    return text[: end.start() if end else len(text)]


def _same_happening(first: Event, later: Event) -> bool:
    """Whether ``later`` tells again of the happening ``first`` reported (see :func:`_merge_mentions`)."""
    if first.type != later.type or not later.trigger:
        return False
    if not _same_date(first.date, later.date):
        return False
    text = _trigger_clause(later)
    points_back = bool(_POINTS_BACK.search(text))
    restates = bool(_COUNTS.search(simplified(later.label)) or _COUNT.search(text))
    projects = {m.text for role, m in later.role_mentions if role == "project"}
    known_projects = {m.text for role, m in first.role_mentions if role == "project"}
    if projects - known_projects and known_projects and not (points_back or restates):
        return False  # another project than the one the first names; one of those a project-less first took in
    if not (points_back or restates or _same_place(first, later)):
        return False
    actors = _actors_of(later)
    return not actors or points_back or restates or bool(actors & _actors_of(first))


def _same_place(a: Event, b: Event) -> bool:
    if not a.place_mentions or not b.place_mentions:
        return True
    return a.place_mentions[0].text == b.place_mentions[0].text


# A named event: a noun phrase ending in a meeting or activity word, opened by the verb that holds it or a clause edge,
# closed by the verb or place after it (…举行2023年某县重点项目集中开工活动, 某某推介会在某市召开); a slogan in
# quotation marks may be part of a meeting's name (2019年“某某出山”某某推介会), and a pause mark may join two activities
# (集中开工、集中签约活动).
_NAMED_EVENT = re.compile(
    r"(?:(?<=召开)|(?<=举行)|(?<=举办)|(?<=参加)|(?<=出席)|(?<=开展)|(?<=在)|(?<=[，。：:,、“\n])|^|(?<=日))"
    r"(?P<name>(?:[^，。；：、“”\s,;:]|“[^“”，。；]{1,16}”|(?<=开工|签约|投产|竣工|开业|揭牌)、){4,40}?"
    r"(?:会议|大会|党代会|推介会|推进会|座谈会|洽谈会|签约会|协作会|调研会|研讨会|恳谈会|博览会|交易会|论坛|活动|仪式|开幕式))"
    r"(?=举行|在|于|召开|举办|开幕|[，。；、,;]|上|期间|精神|第[一二三四五六七八九十0-9]+次全体|$)"
)
# …and is a name only with something that names it: a year, an ordinal, a place or organization inside it, or the
# whole province, city or county it is held for (全省重大产业项目建设现场推进会议).
_NAMES_IT = re.compile(r"\d{4}年|第[^，。]{1,4}[次届批]|届|^全(?:国|省|市|县|区|州|盟|旗)")
_OPENS_NAME = re.compile(r"召开|举行|举办|参加|出席|开展|在")
_NOT_A_NAME = re.compile(
    r"主持|在|开展|继续|今年|\d+月\d+日|\d+个|等|^(?:此次|这次|本次|该|会议|全体|相关|有关|各类|系列|第)"
)  # a count (208个项目集中开工仪式, 某某等28个项目…) makes a kind of occasion, not a name
# 某县举行, 某市委、市政府2日在某地召开: the bodies before the verb (a coordination of them) hold the event
_HOLD_AFTER = re.compile(
    rf"^(?:[、和及与]{ORG})*(?:\d{{1,2}}日|当天|今天|日前|近日)?(?:上午|下午|晚)?(?:在[^，。；]{{1,12}}?)?"
    r"(?:举行|召开|举办|主办|承办)"
)
_ATTENDS_SENTENCE = re.compile(r"出席|参加|主持|讲话|致辞|宣布|参会|率团|率队|就座|发言|列席|主会场|分会场")
# 甲、乙等企业当天分别与丙、丁签署…, 甲县、乙县等地政府，分别和…签订: the organizations and places that sign at
# the event were there
_SIGNING_PARTIES = pattern(
    r"(?P<left>(?:{O}|{A})(?:[、，,和及](?:{O}|{A}))*)(?:{N}|{A}|[，,]){{0,12}}?(?:与|和|同)"
    r"(?P<right>(?:{O}(?:[、和及]{O})*)?)(?:{N}|{A}){{0,20}}?(?:签署|签订|签约)(?!项目|总额|金额|的)"
)
# 在某市召开某某会议, 某某会议在某市举行: the place a named event is held in (an area; a venue inside one is not named
# by it)
_HELD_IN = [
    pattern(r"在(?P<place>{A})(?:{N}{{0,2}}?)(?:召开|举行|举办)了?的?(?P<event>{E})"),
    pattern(r"(?P<event>{E})(?:{N}{{0,8}}?)在(?P<place>{A})(?:召开|举行|举办|开幕)"),
]
# (记者 某某), (某某 某某): the reporters a dateline names in brackets report the event, they do not attend it
_BYLINE_BRACKET = pattern(r"[(（](?:记者|通讯员|实习生|见习记者|特约记者)?\s*{P}(?:[\s、]*{P})*\s*[)）]")
# 某法院在会上作交流发言: a body that speaks at the meeting was there
_AT_THE_MEETING = pattern(r"(?P<who>{O})(?:{N}{{0,4}}?)在(?:会上|大会上|会议上)")
# A later sentence that points back at the event it follows (会上, 主持会议, 此次大会, 主会场, 当天…签约, 现场，…签订,
# 作了发言) tells of it.
_BACK_REFERENCE = re.compile(
    r"会上|主席台|主会场|分会场|(?:此次|本次|这次|该次)(?:会议|大会|仪式|活动)"
    r"|(?:主持|出席|参加|列席)了?[^，。；0-9一二三四五六七八九十]{0,4}?(?:会议|大会|仪式|活动)"
    r"|(?:当天|当日|^\s*现场[，,])[^。；]*(?:签约|签订|签署)|作了?[^，。；]{0,4}?发言"
)


def named_events(extraction: ArticleExtraction) -> list[Mention]:
    """Mentions of named events (a dated, numbered or placed meeting or activity) the tagger did not mark."""
    article = extraction.article
    text = simplified(article.text)
    found = []
    for sentence in article.sentences:
        for match in _NAMED_EVENT.finditer(text, sentence.span.start, sentence.span.end):
            start, end = match.span("name")
            name = match.group("name")
            held = list(_OPENS_NAME.finditer(name))
            if held:  # 某区举行某某活动, 在某某会议上: the name starts after the verb that holds it
                start, name = start + held[-1].end(), name[held[-1].end() :]
            if name.startswith(("的", "了")):  # 召开的某某会议, 举办了某某研讨会: the name starts after 的 or 了
                start, name = start + 1, name[1:]
            if len(name) < 4 or "“" in name and not name.endswith(_TOPIC_MEETING):
                continue  # a ceremony or activity of a quoted campaign (“某某”项目集中启动仪式) is not named by it
            inside = [
                m for m in extraction.mentions if start <= m.start and m.end <= end and (m.start, m.end) != (start, end)
            ]
            named = (
                _NAMES_IT.search(name)
                or any(family(m.type) in (PLACE, ORG) for m in inside)
                and "和" not in name  # 启用和挂牌仪式: two acts
                or len(name) >= _HELD_NAME
                and name.endswith(_TOPIC_MEETING)
                and _held_by_name(extraction, text, start)
            )
            if not named or _NOT_A_NAME.search(name):
                continue
            if any(
                m.start < end and start < m.end and not (start <= m.start and m.end <= end) for m in extraction.mentions
            ):
                continue  # it would cut through a name
            found.append(Mention(article.id, start, end, article.text[start:end], "Event", 0.7, EXTRACTOR))
    return found


# 某市召开茶产业招商引资洽谈会: a meeting a named body or place holds is that one's, named by what it is about
_HELD_NAME = 6
_TOPIC_MEETING = ("会", "论坛")  # a meeting on a topic (洽谈会, 座谈会); a ceremony or activity is named by more
_HOLDING_CLAUSE = re.compile(r"[^，。；：,;:\n]*(?:召开|举行|举办)了?$")


def _held_by_name(extraction: ArticleExtraction, text: str, start: int) -> bool:
    """The clause before ``start`` ends with the verb that holds a meeting, and its subject is a named organization or
    place (not the venue after 在)."""
    clause = _HOLDING_CLAUSE.search(text, 0, start)
    if clause is None:
        return False
    return any(
        clause.start() <= m.start
        and m.end <= start
        and family(m.type) in (PLACE, ORG)
        and text[m.start - 1 : m.start] not in ("在", "于")
        for m in extraction.mentions
    )


_SESSION_REST = re.compile(r"(?:第[一二三四五六七八九十0-9]+次)?(?:全体)?(?:会议|大会)")


def _session_host(view: ArticleView, event: Mention) -> Mention | None:
    """The organization a session's name opens with (某委员会 in 某委员会第三次会议), if the rest names a session."""
    for mention in view.extraction.mentions:
        if mention.start > event.start:
            break
        if (
            mention.start == event.start
            and mention.end < event.end
            and family(mention.type) == ORG
            and _SESSION_REST.fullmatch(view.text[mention.end : event.end])
        ):
            return mention
    return None


def event_relations(view: ArticleView) -> list[Relation]:
    """Who organizes and who attends the named events of an article: bodies that hold one (X举行Y), persons who convene
    it (X主持召开Y) organize it; the persons of its sentence, and of later sentences that say they attended, spoke
    or presided, and the organizations that sign there (甲与乙签署…), attend it — until another named event is named."""
    relations: list[Relation] = []
    current: Mention | None = None
    last: Mention | None = None  # the event named last, which a later paragraph may point back at
    paragraph = -1
    for frame in view.frames:
        named = [s for s in frame.slots.values() if s.mention.type == "Event"]
        for regex in _HELD_IN:
            for match in regex.finditer(frame.masked):
                event, place = frame.slot(match, "event"), frame.slot(match, "place")
                if event is not None and place is not None and event.mention.type == "Event" and not place.fresh:
                    relations.append(
                        Relation(
                            "",
                            "locatedIn",
                            "",
                            view.evidence(frame),
                            EXTRACTOR,
                            0.8,
                            subject_mention=event.mention,
                            object_mention=view.use(place),
                        )
                    )
        if named:
            current = last = named[0].mention
            paragraph = frame.sentence.paragraph
            host = _session_host(view, current)
            if host is not None:  # 某委员会第三次会议: the body whose session it is holds it
                relations.append(
                    Relation(
                        "",
                        "organizes",
                        "",
                        view.evidence(frame),
                        EXTRACTOR,
                        0.8,
                        subject_mention=host,
                        object_mention=current,
                    )
                )
        elif frame.sentence.paragraph != paragraph:
            paragraph = frame.sentence.paragraph
            # a later paragraph tells of something else, unless it points back (会上, 主持开工活动)
            current = last if _BACK_REFERENCE.search(simplified(frame.text)) else None
        elif current is None and _BACK_REFERENCE.search(simplified(frame.text)):
            current = last  # a later sentence of that paragraph may point back
        bodies_there = {  # the parties of a signing there, a body that speaks at the meeting
            id(s)
            for match in _SIGNING_PARTIES.finditer(frame.masked)
            for s in frame.group_slots(match, "left") + frame.group_slots(match, "right")
        } | {id(s) for match in _AT_THE_MEETING.finditer(frame.masked) for s in frame.group_slots(match, "who")}
        # the persons of a sentence that says they were there, or that names the event with a body
        persons_there = bool(_ATTENDS_SENTENCE.search(simplified(frame.masked))) or bool(
            named and any(s.char == ORG for s in frame.slots.values())
        )
        if current is None or not (persons_there or bodies_there or named):
            continue
        reporters = {
            id(s) for match in _BYLINE_BRACKET.finditer(simplified(frame.masked)) for s in frame.slots_in(*match.span())
        }
        for index in sorted(frame.slots):
            slot = frame.slots[index]
            rest = simplified(frame.masked[index + 1 :])
            if slot.char == PERSON:
                if not persons_there or id(slot) in reporters:
                    continue
                # who convenes an event (主持召开) organizes it; who chairs it (主持) is there for the body holding it
                if rest.startswith("主持召开"):
                    predicates: tuple[str, ...] = ("organizes",)
                else:
                    predicates = ("attends",)
            elif id(slot) in bodies_there and not slot.fresh and not frame.masked[:index].endswith(("在", "于", "赴")):
                predicates = ("attends",)
            elif (
                slot.char in (ORG, PLACE)
                and named
                and _HOLD_AFTER.match(rest)
                and not frame.masked[:index].rstrip(PLACE).endswith(("在", "于"))  # 在某县某市召开: the venue
                and index < min(i for i, s in frame.slots.items() if s.mention.type == "Event")
            ):
                predicates = ("organizes",)
            else:
                continue
            relations.extend(
                Relation(
                    subject="",
                    predicate=predicate,
                    object="",
                    evidence=view.evidence(frame),
                    extractor=EXTRACTOR,
                    score=0.8,
                    subject_mention=view.use(slot),
                    object_mention=current,
                )
                for predicate in predicates
            )
    return relations


def signing_partners(view: ArticleView) -> list[Relation]:
    """The parties a signing joins with 与/和/同 (甲市与乙公司签约) cooperate: one relation per pair across 与, from the
    sentence that states the signing."""
    relations: list[Relation] = []
    for frame in view.frames:
        for kind, _match in _triggers(frame):
            if kind != "Signing":
                continue
            for join in _WITH_PARTIES.finditer(frame.masked):  # anywhere in the sentence that states the signing
                if join.group("left") and frame.masked[join.start("left") - 1 : join.start("left")] == "、":
                    continue  # 与甲、乙和丙签约: the 和 closes the list of the other side
                left = frame.slots.get(join.start("left")) if join.group("left") else _opening_party(frame)
                rights = [s for s in frame.group_slots(join, "right") if s.char in (ORG, PLACE) and not s.fresh]
                if left is None or left.fresh or left.char not in (ORG, PLACE):
                    continue
                for right in rights:
                    if right.mention is left.mention:
                        continue
                    relations.append(
                        Relation(
                            subject="",
                            predicate="cooperatesWith",
                            object="",
                            evidence=view.evidence(frame),
                            extractor=EXTRACTOR,
                            score=0.8,
                            subject_mention=view.use(left),
                            object_mention=view.use(right),
                        )
                    )
    return relations


def _opening_party(frame: Frame) -> Slot | None:
    """The place or organization that opens the sentence: the party of a 与… that has none before it in its clause."""
    first = min(frame.slots, default=None)
    return frame.slots[first] if first is not None and frame.slots[first].char in (ORG, PLACE) else None


@stage("nlp.events.patterns")
def events(extraction: ArticleExtraction, settings: Any = None) -> ArticleExtraction:
    """Add the events of an article (type, date, places, participants, evidence) to the extraction, with the named
    events it mentions and who organizes and attends them."""
    extraction.mentions.extend(named_events(extraction))
    view = build_view(extraction, settings)
    extraction.events.extend(events_view(view))

    def key(relation: Relation) -> tuple[object, ...]:
        s, o = relation.subject_mention, relation.object_mention
        return (s and (s.start, s.end), relation.predicate, o and (o.start, o.end), relation.evidence.start)

    # a pair the relation patterns already stated from the same sentence is stated once (one statement node)
    stated = {key(r) for r in extraction.relations}
    for relation in [*event_relations(view), *signing_partners(view)]:
        if key(relation) not in stated:
            stated.add(key(relation))
            extraction.relations.append(relation)
    return extraction
