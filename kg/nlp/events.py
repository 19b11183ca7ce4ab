"""Events as nodes: meetings and press conferences, test flights, journeys and train arrivals, the start of operation
of a facility, training courses — each with its type, date, place(s), participants and the sentence it was read from.

Patterns match the masked sentences of :mod:`kg.nlp.frames`. Places written as a coordination that shares one head
(X、Y边境派出所 = X边境派出所 and Y边境派出所) are split, and each conjunct becomes a place of the event.
"""

from __future__ import annotations

import re
from typing import Any

from kg.model import ArticleExtraction, Event, Mention, text_hash
from kg.nlp.frames import ORG, PERSON, WORK, ArticleView, Frame, Slot, build_view, family, pattern
from kg.nlp.rules import class_by_suffix
from kg.registry import stage

EXTRACTOR = "nlp.events.patterns"

_MEETINGS = "新闻发布会|发布会|座谈会|研讨会|推介会|现场会|会议|大会|论坛|博览会|展览会|交易会|洽谈会|签约仪式|启动仪式|开幕式|颁奖典礼"
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
    return _LABEL_LEAD.sub("", label.strip("“”\"")) or label


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
            kind = "PressConference" if label.endswith("发布会") else "Meeting"
            event = _event(view, frame, kind, label, match.start())
            place = frame.slot(match, "place")
            inner = [s for s in frame.group_slots(match, "label") if family(s.mention.type) not in (PERSON, ORG, WORK)]
            if place is not None or inner:
                event.place_mentions.append(view.use(place or inner[0]))
            event.participant_mentions.extend(
                view.use(s) for s in frame.group_slots(match, "label") if s.char == ORG
            )
            verb_at = frame.offset(match.start("verb"))
            close = [t for t in frame.times if 0 <= verb_at - t.end <= 2]
            if close:
                event.date = close[-1].value  # 近日召开: the time the verb states, even when vague
            else:
                event.date = _date(frame, verb_at)
            if following is not None and _DEICTIC.match(following.text) and _PUBLISH.search(following.text):
                # 在这次发布会上…《X》…发布: the work released at this meeting takes part in it
                event.participant_mentions.extend(
                    view.use(s) for s in following.slots.values() if s.char == WORK
                )
            events.append(event)
    return events


def _test_flights(view: ArticleView, frame: Frame) -> list[Event]:
    events = []
    for match in _TEST_FLIGHT.finditer(frame.masked):
        places = _coordinated_places(view, frame, match.start("where"), match.end("where"))
        if not places:
            continue
        what = match.group("what")
        event = _event(view, frame, "TestFlight", f"{what}：{'、'.join(p.attrs.get('name', p.text) for p in places)}", match.start())
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
        if _NEGATION.search(mid):
            continue
        thing = frame.slot(match, "thing")
        if thing is None:
            continue
        event = _event(view, frame, "OperationStart", f"{thing.mention.text}{match.group('verb')}", match.start())
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


def events_view(view: ArticleView) -> list[Event]:
    """Every event the patterns find in a prepared article."""
    events: list[Event] = []
    frames = view.frames
    for index, frame in enumerate(frames):
        following = frames[index + 1] if index + 1 < len(frames) else None
        events.extend(_meetings(view, frame, following))
        events.extend(_test_flights(view, frame))
        events.extend(_journeys(view, frame, following))
        events.extend(_operations(view, frame))
        events.extend(_trainings(view, frame))
    return events


@stage("nlp.events.patterns")
def events(extraction: ArticleExtraction, settings: Any = None) -> ArticleExtraction:
    """Add the events of an article (type, date, places, participants, evidence) to the extraction."""
    extraction.events.extend(events_view(build_view(extraction, settings)))
    return extraction
