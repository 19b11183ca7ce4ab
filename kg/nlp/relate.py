"""Relations read from Chinese sentence structure, each with the sentence it was read from.

Patterns match the masked sentence of :mod:`kg.nlp.frames`, where every entity is one symbol: ``{O}`` an
organization, ``{L}`` a place or facility, ``{P}`` a person, ``{W}`` a work in 《》. A relation is emitted only when a
pattern states it (位于X的Y, 由X投资建设的Y, X与Y联合举办, X副总经理Y, X发布《Y》, X被评为Y); there is no
co-occurrence link. Coordinated arguments (X、Y和Z) give one relation each, and anaphors (该公司, 该市, a clause-initial
公司) stand for their antecedent. Relations carry the argument *mentions*; resolution turns them into entity keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kg.errors import OntologyError
from kg.graph.vocab import is_subclass
from kg.model import ArticleExtraction, Corpus, Entity, Evidence, Mention, Relation
from kg.nlp.frames import (
    FACILITY,
    ORG,
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
from kg.nlp.frames import (
    OTHER as OTHER_CHAR,
)
from kg.nlp.gazetteer import gazetteer, simplified
from kg.nlp.rules import BARE_BODY, class_by_suffix
from kg.registry import stage

EXTRACTOR = "nlp.relate.patterns"
BYLINE_EXTRACTOR = "ingest.segment.bylines"

TITLES = (
    "首席执行官|首席财务官|首席技术官|总工程师|总经济师|总会计师|总经理|董事长|总裁|经理|董事|监事|总监|秘书长|主任|书记|"
    "部长|局长|厅长|处长|科长|院长|校长|主席|市长|县长|区长|旗长|盟长|省长|州长|镇长|乡长|村长|所长|支队长|大队长|队长|"
    "政委|教导员|常委|委员|负责人|理事长|会长|行长|社长|总编辑|站长|创始人|合伙人|发言人|教授|研究员|馆长|台长|主编"
)
_CJK = r"[\u4e00-\u9fff]"
POST = rf"(?:{_CJK}{{0,4}}?(?:{TITLES}))"
POSTS = rf"{POST}(?:[、和及兼]{POST})*"
_POST_SPLIT = re.compile(r"[、和及兼]")
_OWN_BODY = re.compile(r"国家|国务院|全国人大|全国政协|中央军委|中央")

ORGS = "{O}(?:[、和及与]{O})*"
BUILD = r"(?:投资)?(?:建设|建造|兴建|修建|承建|新建|建成|打造|开发|投建)"

_HOLDS = [
    pattern(rf"(?P<org>{{O}})(?P<posts>{POSTS})(?P<person>{{P}})"),
    pattern(
        rf"(?P<person>{{P}})[，,]?(?:现任|担任|出任|任|系|为|是)?(?P<org>{{O}})(?P<posts>{POSTS})(?![^，。；,;]*{{P}})"
    ),
]
_LOCATED = [
    # 位于X的Y公司Z园: the located thing is the facility the company's name qualifies
    # 位于某县某镇的Y, 落户某园的Y: the innermost of a chain of places
    pattern(r"(?:位于|落户|坐落于|坐落在|地处)(?:在|于)?{L}*(?P<place>{L})的?(?:{O}(?={F}))?(?P<thing>{E})"),
    pattern(r"(?P<thing>{E})的?所在地(?:为|是|——|—|:|：)?(?P<place>{L})"),
    pattern(r"(?P<place>{L})(?:境内|辖区内|域内|园区内|园内)的(?P<thing>{E})"),
    pattern(r"(?P<thing>{E})(?P<place_verb>坐落|地处|位于|落户|设在|建在)(?:于|在)?(?P<place>{L})"),
]
# A clause that opens with 在X, sets the place of what the sentence says is built or run.
_FRAME_PLACE = pattern(r"^(?:{N}{{0,8}}?[，,])?在(?P<place>{L})[，,]")
_BUILT_BY = pattern(
    rf"由(?P<orgs>{ORGS})(?:{{N}}{{0,3}}?|(?P<invests>投资){{N}}{{0,12}}?)(?P<verb>{BUILD}|运营|经营|管理|运行)的"
    r"(?:{N}{{0,6}}?)(?P<thing>{F})"
)
# Y由X投资建设 (the thing first); 由A、B共同合作，拟在某地打造…的Y (the builders first, the thing after the verb)
_BUILT_BY_AFTER = pattern(
    rf"(?P<thing>{{F}})(?:{{N}}{{0,4}}?)由(?:{{O}}(?:旗下|下属|所属)的?)?(?P<orgs>{ORGS})"
    rf"(?:{{N}}{{0,3}}?|(?P<invests>投资){{N}}{{0,12}}?)(?P<verb>{BUILD}|运营|经营|管理|运行)(?!的)"
)
_JOINT_BUILD = pattern(
    rf"由(?P<orgs>{ORGS})(?:共同|联合)(?:合作|出资|投资)?[，,]?(?:拟|将|计划)?(?:在{{L}}+)?(?P<verb>{BUILD})"
    r"(?:{N}{{0,20}}?的)?(?P<thing>{F})"
)
_BUILDS = pattern(
    rf"(?P<org>{{O}})(?:{{N}}{{0,4}}?|投资{{N}}{{0,12}}?)(?:在(?P<place>{{L}}))?(?P<verb>{BUILD})了?的?(?P<thing>{{F}})"
)
_OPERATES = pattern(r"(?P<org>{O})(?:负责|正式)?(?:运营|经营|运行)(?P<thing>{F})")
_OWNS_ADJACENT = pattern(r"(?P<org>{O})(?P<thing>{F})")
# A clause that has signed what it lists (现场签约了…): the projects named with their companies are their investments.
_SIGNED = re.compile(r"签约了?[^，。；：,;:]*$")
_PROJECT_NAME = re.compile(r"(?:项目|工程)(?:[(（][^)）]*[)）])?$")
# 持有X…股 is a stake (investsIn below); 控股X is control
_OWNS = pattern(r"(?P<org>{O})(?:{N}{{0,2}}?)(?:拥有|控股(?!股东)|旗下的?|名下的?)(?P<thing>{E})(?!{N}{{0,16}}股)")
_INVESTS = [
    pattern(r"(?P<org>{O})(?:{N}{{0,3}}?)(?:向|对|为)(?P<thing>{E})(?:{N}{{0,4}}?)(?:注资|增资|投资|出资|入股|参股)"),
    pattern(r"(?P<org>{O})(?:{N}{{0,3}}?)(?:投资|入股|参股|增持|注资|出资)了?(?P<thing>{E})"),
    pattern(r"(?P<org>{O})(?:{N}{{0,6}}?)(?:持有|拥有|持)(?P<thing>{E})(?:{N}{{0,16}}?)股"),
    pattern(r"(?P<org>{O})在(?P<thing>{O})的持股"),
    pattern(
        r"(?P<org>{O})(?:{N}{{0,6}}?)(?:认购|受让|买入|增持|参与)(?P<thing>{O})(?:{N}{{0,10}}?)(?:股|定增|非公开发行|增发)"
    ),
    # X成为Y的股东, X目前为Y第一大股东, X是Y的战略投资者
    pattern(r"(?P<org>{O})(?:{N}{{0,6}}?)(?:成为|为|是)(?P<thing>{O})的?(?:{N}{{0,4}}?)(?:股东|战略投资者|投资方)"),
    # X大股东Y, X的投资方为Y: the shareholder is named after the company
    pattern(
        r"(?P<thing>{O})(?:{N}{{0,6}}?)(?<!控股)(?:大股东|第一大股东|第二大股东|股东|战略投资者|投资方为|投资方是)"
        r"(?:{N}{{0,6}}?)(?P<org>{O})"
    ),
]
# X控股股东Y, X母公司Y: the company is a unit of the one named after
_PARENT_NAMED_AFTER = pattern(
    r"(?P<child>{O})(?:{N}{{0,4}}?)(?:控股股东|母公司|实际控制人|控股方)(?:{N}{{0,6}}?)(?P<parent>{O})"
)
# 某支队“某某”警航队: a unit named in quotation marks right after the body it belongs to
_QUOTED_UNIT = pattern(r"(?P<parent>{O})(?P<child>{O})")
_SUBORG = [
    pattern(
        rf"(?P<parent>{{O}})(?:{{N}}{{{{0,2}}}}?)(?:下属|所属|旗下|控股(?!股东))的?(?:{{N}}{{{{0,8}}}}?)(?P<child>{ORGS})"
    ),
    pattern(
        r"(?P<child>{O})(?:是|为|系|作为)(?P<parent>{O})(?:的)?(?:全资|控股)?"
        r"(?:子公司|分公司|下属单位|下属企业|下属公司|成员单位|直属单位|派出机构)"
    ),
]
_FOUNDED = [
    pattern(
        r"(?P<org>{O})(?:{N}{{0,4}}?)(?:出资|投资)?(?:成立|设立|组建|创建|创办|发起设立)了?(?:{N}{{0,6}}?)(?P<thing>{O})"
    ),
    pattern(rf"由(?P<orgs>{ORGS})(?:{{N}}{{0,6}}?)(?:成立|设立|组建|创建|创办)的(?:{{N}}{{0,8}}?)(?P<thing>{{O}})"),
]
# parties of a cooperation: organizations, and places acting as parties (某县与某公司签约, 某市与某市结对)
PARTIES = "(?:{O}|{A})(?:[、和及与](?:{O}|{A}))*"
_COOPERATES = pattern(
    rf"(?<![在于到赴来])(?P<left>{PARTIES})(?P<gap>{{N}}{{0,8}}?)(?:与|和|同)(?P<right>{PARTIES})(?:{{N}}{{0,10}}?)"
    r"(?P<verb>合作|联合|共同|携手|联手|牵手|签署|签订|签约|达成|合资|共建|结对)(?P<rest>{N}{{0,24}})"
)
# 由A、B及C共同投资 / A、B和C联合建设: every pair of the coordination works together
_JOINTLY = pattern(
    r"(?P<orgs>{O}(?:[、和及与]{O})+)(?:{N}{{0,2}}?)(?:共同|联合)"
    r"(?:合作|投资|出资|建设|开发|打造|组建|成立|设立|举办|主办|承办|实施|运营)"
)
_COOPERATES_VERB = pattern(
    rf"(?P<left>{{O}})(?:{{N}}{{0,2}}?)(?:牵手|联手|携手)(?P<right>{ORGS})(?P<rest>{{N}}{{0,24}})"
)
_PLACE_PARTNER_VERBS = {"签署", "签订", "签约", "结对", "合作"}
# 甲市对口帮扶乙省丙市: a pairing of aid (east-west cooperation) joins the two; the helped side is the innermost place
_PAIRED_AID = pattern(r"(?<![在于到赴])(?P<left>{O}|{A})(?:对口|结对)?(?:帮扶|支援|协作)(?P<right>{A}+(?![{S}])|{O})")
_TRAINS = pattern(
    r"(?P<org>{O})(?:{N}{{0,3}}?)(?:为|对|给)(?P<trainee>{E})(?:{N}{{0,8}}?)(?:开展|进行|组织|举办)?(?:{N}{{0,6}}?)培训"
)
_ISSUES = [
    pattern(
        r"(?P<orgs>{O}(?:[、和与]{O})*)(?:{N}{{0,8}}?)(?:发布|公布|印发|出台|颁布|制定|制发|推出)了?《(?P<work>{W})》"
    ),
    pattern(
        r"《(?P<work>{W})》(?:{N}{{0,20}}?)由(?P<orgs>{O}(?:[、和与]{O})*)(?:{N}{{0,6}}?)(?:发布|公布|印发|颁布|制定|出台)"
    ),
]
_PUBLISH_VERB = re.compile(r"发布|公布|印发|出台|颁布|通过|审议通过|批准")
_EFFECTIVE = re.compile(r"^(?:起|开始)?(?:正式)?(?:施行|实施|生效|执行)")
_DEICTIC = re.compile(r"^(?:在)?(?:这次|此次|本次|该次|会上|当天|当日|同日|同天)")
_DESIGNATED = pattern(
    r"(?:(?P<subject>{L}|{O})(?:{N}{{0,4}}?))?(?:被|获)(?:评为|命名为|授予|确定为|列为|认定为|评定为|批准为|确立为|表彰为)"
    r"“?(?P<title>[^，。；！？”{S}]{{2,30}}?)”?(?:称号|荣誉称号|荣誉)?(?=[，。；！？]|$)"
)
_DESIGNATED_ACTIVE = pattern(
    r"(?:(?P<subject>{L}|{O})(?:{N}{{0,4}}?))?(?:荣获|获评|获得|入选)“?(?P<title>[^，。；！？”{S}]{{2,30}}?)”?(?:称号|荣誉称号)"
)
_ORDERS = [
    pattern(
        r"(?P<seller>{O})(?:{N}{{0,3}}?)(?:取得|获得|拿到|签下|斩获|接到|收到)了?(?P<buyer>{L}|{O})的?(?:{N}{{0,30}}?)订单"
    ),
    pattern(r"(?P<buyer>{L}|{O})(?:{N}{{0,3}}?)(?:向|从)(?P<seller>{O})(?:{N}{{0,3}}?)(?:订购|采购|购买|购进|下单)"),
]
# A bulletin list grouped by division: 某县(3个):甲镇乙村、丙镇丁村 — each item's first division lies in the heading's
_LIST_HEADING = pattern(r"(?P<head>{A})[(（](?:\d+|[一二两三四五六七八九十]+)个[)）][:：]")
# 从蒙古国某某站始发: a facility written right after the country it stands in (a station abroad; within China a
# place before a facility is as often a region the sentence is about as the facility's own place)
_COUNTRY_THEN_FACILITY = pattern(r"(?P<place>{A})(?P<thing>{F})")
_ADJACENT_AREAS = pattern(r"(?P<outer>{A})(?=(?P<inner>{A}))")  # lookahead: 市旗镇 gives 旗⊂市 and 镇⊂旗
_LEVELS = (
    ("VillageLevelArea", 5),
    ("TownshipLevelArea", 4),
    ("CountyLevelArea", 3),
    ("PrefectureLevelArea", 2),
    ("ProvinceLevelArea", 1),
    ("Country", 0),
)
_SCHOOL_CLASSES = ("School",)
_TRAINING = re.compile(r"培训|培训班|训练营|研修班|轮训")
# An organization name that ends with another organization name: 某职业学院通航学院 is a unit of 某职业学院.
_NESTED_ORG_SUFFIX = re.compile(r"(?:大学|学院|公司|集团|银行|医院|研究院|研究所|委员会|支队|总队|管理局|局)")


def _level(cls: str) -> int | None:
    """Administrative level of a class (1 province … 5 village), None when the class has none."""
    try:
        return next((level for ancestor, level in _LEVELS if is_subclass(cls, ancestor)), None)
    except OntologyError:
        return None


class _Emitter:
    """Collects relations of one article, deduplicated by (subject, predicate, object, sentence)."""

    def __init__(self, view: ArticleView) -> None:
        self.view = view
        self.relations: list[Relation] = []
        self.seen: set[tuple[int, int, str, int, int, str, int]] = set()

    def add(
        self,
        frame: Frame,
        subject: Slot | Mention,
        predicate: str,
        obj: Slot | Mention | str,
        score: float = 0.9,
        *,
        datatype: str | None = None,
        attrs: dict[str, str] | None = None,
    ) -> None:
        """Emit one relation; a literal object is a string (with ``datatype`` for dates)."""
        subject_mention = self.view.use(subject) if isinstance(subject, Slot) else subject
        if isinstance(obj, str):
            object_mention = None
            key = (subject_mention.start, subject_mention.end, predicate, -1, -1, obj, frame.sentence.index)
        else:
            object_mention = self.view.use(obj) if isinstance(obj, Slot) else obj
            if object_mention is subject_mention or (
                object_mention.start == subject_mention.start and object_mention.end == subject_mention.end
            ):
                return
            key = (
                subject_mention.start,
                subject_mention.end,
                predicate,
                object_mention.start,
                object_mention.end,
                (attrs or {}).get("title", ""),
                frame.sentence.index,
            )
        if key in self.seen:
            return
        self.seen.add(key)
        self.relations.append(
            Relation(
                subject="",
                predicate=predicate,
                object=obj if isinstance(obj, str) else "",
                evidence=self.view.evidence(frame),
                extractor=EXTRACTOR,
                score=score,
                literal=isinstance(obj, str),
                datatype=datatype,
                attrs=dict(attrs or {}),
                subject_mention=subject_mention,
                object_mention=object_mention,
            )
        )


def _is_school(slot: Slot) -> bool:
    try:
        return any(is_subclass(slot.mention.type, cls) for cls in _SCHOOL_CLASSES)
    except OntologyError:
        return False


def _posts(view: ArticleView, frame: Frame, out: _Emitter) -> None:
    for regex in _HOLDS:
        for match in regex.finditer(frame.masked):
            org, person = frame.slot(match, "org"), frame.slot(match, "person")
            if org is None or person is None:
                continue
            for title in _POST_SPLIT.split(frame.original(match.start("posts"), match.end("posts"))):
                # 中共中央总书记、国家主席X: a title that names its own body is not a post in the named organization
                if title and not _OWN_BODY.match(title):
                    out.add(frame, person, "holdsPost", org, attrs={"title": title})


# Titles read in chains before a name (市委常委、组织部长X), in brackets after it and alone after it (X书记).
CHAIN_TITLES = (
    f"{TITLES}|副主委|主委|司长|执行主席|调研员|巡视员|组长|工程师|专员|指导员|特派员|干事|党组成员|支书|"
    "记者|通讯员|编辑|责编|责任编辑|融媒体记者|特约记者"
)
_CREDITS = "责任编辑|責任編輯|责编|責編|编辑|編輯|特约记者|特約記者|融媒体记者|记者|記者|通讯员|通訊員"
_CREDIT_BEFORE = re.compile(rf"(?:^|[\s(（【|｜:：])(?P<role>{_CREDITS})\s*[:：|｜]?\s*$")
_OUTLET_CREDIT = pattern(rf"(?P<outlet>{{O}})(?:{{A}})?(?P<role>{_CREDITS})\s*[:：|｜]?\s*$")
_SOURCE = pattern(r"(?:来源|來源)\s*[:：|｜]?\s*(?P<outlet>{O})")
# A sum of money as written inside an investing clause (投资12亿元建设…); the quantity stage reads its value.
_MONEY = re.compile(r"[0-9０-９.,]+(?:余|多)?(?:万亿|千亿|百亿|亿|千万|百万|万|億|萬)?(?:余|多)?元")
_CHAIN_TITLE_END = re.compile(rf"(?:{CHAIN_TITLES})$")
_AFTER_NAME_TITLE = re.compile(
    r"(?:书记|省长|市长|县长|区长|州长|旗长|镇长|乡长|村长|主任|局长|厅长|部长|董事长|总经理|院长|校长|主席)"
    r"(?![\u4e00-\u9fff]{0,1}(?:医师|助理|秘书))"
)
_RUN_STOP = re.compile(r"[，。；：！？,;:!?（）()“”\"《》\s的]")
_CHAIN_SPLIT = re.compile(r"[、兼]")
_LEVEL_START = re.compile(r"^(自治区|省|市|县|区|州|旗|盟|镇|乡|街道|村|嘎查|苏木)")
_LEVEL_HEAD = re.compile(r"^(?:常务|代理|代)?副?(省|市|县|区|州|旗|盟|镇|乡|村)长")  # 常务副县长 → the county
_LEVEL_END = re.compile(r"(?:自治区|省|市|县|区|州|旗|盟|镇|乡|街道|村|嘎查|苏木)$")
_BODY_AFTER_PLACE = re.compile(r"^(?:委|长|政府|人民政府|人大|政协|党委|纪委|党工委)")
_DEICTIC_BODY = re.compile(r"^(?:该|本|此)(公司|企业|集团|市|县|区|镇|乡|村|州|旗|盟|局|院|校|社)")
_TENURE = re.compile(r"^(?:原|前|时任|现任|曾任)")
_LEAD_POS = {"v", "p", "c", "d", "u", "r", "m", "q", "w", "vd", "ad", "xc", "f"}


# 大会执行主席, 会议秘书长: a post of the session, held in the body whose session it is (政协, 人大, 某委员会)
_SESSION_TITLE = re.compile(r"^(?:大会|会议)")
_SESSION_OF = re.compile(r"(?:第[一二三四五六七八九十0-9]+次)?(?:全体)?(?:会议|大会)")


def _session_body(view: ArticleView, before: int) -> Mention | None:
    """The organization whose session the article last named before ``before`` (某委员会第三次会议 → 某委员会)."""
    best = None
    for mention in view.extraction.mentions:
        if mention.start >= before:
            break
        if family(mention.type) == ORG and _SESSION_OF.match(view.text, mention.end):
            best = view.canonical.get(id(mention), mention)
    return best


def _chain_posts(view: ArticleView, frame: Frame, out: _Emitter) -> None:
    """Posts written before a name as a chain of titles (县委副书记、县长X; X公司党委书记、董事长Y), shared by a list of
    names (副县长A、B), in brackets after a name (A（某局局长）) or as a bare title after it (A书记)."""
    base = frame.sentence.span.start
    text = frame.text
    persons = [s for s in (frame.slots[i] for i in sorted(frame.slots)) if s.char == PERSON and not s.fresh]
    previous: tuple[Slot, list[tuple[str, Mention | None, str]]] | None = None
    for person in persons:
        start, end = person.start - base, person.end - base
        chain: list[tuple[str, Mention | None, str]] = []
        if previous is not None and text[previous[0].end - base : start] in ("、", "和", "及"):
            chain = previous[1]  # 副县长A、B: the list shares its titles
        else:
            index = next(i for i, s in frame.slots.items() if s is person)
            outlet_credit = _OUTLET_CREDIT.search(frame.masked[:index])
            credit = _CREDIT_BEFORE.search(text[:start])
            if outlet_credit is not None:  # 某报编辑：某某, (某网某市通讯员 某某): the outlet named before the role
                outlet_slot = frame.slot(outlet_credit, "outlet")
                chain = [(outlet_credit.group("role"), outlet_slot.mention if outlet_slot else None, "")]
            elif credit is not None:  # 编辑：某某, 记者 某某 in a credit line: the outlet its 来源 names, if any
                source = _SOURCE.search(frame.masked)
                outlet = frame.slot(source, "outlet") if source else None
                chain = [(credit.group("role"), outlet.mention if outlet else None, "")]
            else:
                run_start = start
                while (
                    run_start > 0
                    and not _RUN_STOP.match(text[run_start - 1])
                    and not _in_person(frame, base + run_start - 1)
                ):
                    run_start -= 1
                chain = _read_chain(view, base + run_start, person.start)
        if not chain and end < len(text) and text[end] in "（(":
            close = re.compile(r"[）)]").search(text, end)
            if close is not None:
                chain = _read_chain(view, base + end + 1, base + close.start())
        if not chain:
            chain = _title_after_list(view, frame, persons, person)
        if not chain:
            after = _AFTER_NAME_TITLE.match(text, end)
            held = [
                r.attrs.get("title", "")
                for r in out.relations
                if r.predicate == "holdsPost"
                and r.subject_mention is not None
                and r.subject_mention.text == person.mention.text
            ]
            if after is not None and not any(t.endswith(after.group()) for t in held):
                title = (
                    after.group()
                )  # 某某书记: the post is the person's, its body unnamed unless a level word says it
                # 该集团某某总经理: the organization written right before the name is the post's
                index = next(i for i, s in frame.slots.items() if s is person)
                named = frame.slots.get(index - 1)
                org_before = named.mention if named is not None and named.char == ORG else None
                chain = [(title, org_before or _level_antecedent(view, person.start, title), "")]
        for title, org, tenure in chain:
            attrs = {"title": title, **({"tenure": tenure} if tenure else {})}
            if org is None and _SESSION_TITLE.match(title):
                org = _session_body(view, person.start)
            if org is None:
                out.add(frame, person, "holdsPost", title, 0.8, attrs=attrs)
            elif org is not person.mention:
                if family(org.type) == PLACE:
                    attrs["place"] = "1"  # a place's post: no works-for
                out.add(frame, person, "holdsPost", org, 0.85, attrs=attrs)
        previous = (person, chain) if chain else None


# between two names of a list: 、 or a name the tagger did not mark (A、某某、B)
_LIST_GAP = re.compile(r"、(?:[\u4e00-\u9fff]{2,3}、)?")
_LIST_TITLE = re.compile(r"(?P<count>等|(?:\d+|[一二两三四五六七八九十]+)[名位])?(?P<title>委员|常委|代表|理事)")


def _title_after_list(
    view: ArticleView, frame: Frame, persons: list[Slot], person: Slot
) -> list[tuple[str, Mention | None, str]]:
    """A、B、C8名委员: the title after a list of names is each name's; a 委员 is a member of the 委员会 last named."""
    base = frame.sentence.span.start
    first = at = persons.index(person)
    while at + 1 < len(persons) and _LIST_GAP.fullmatch(
        frame.text[persons[at].end - base : persons[at + 1].start - base]
    ):
        at += 1
    after = _LIST_TITLE.match(frame.text, persons[at].end - base)
    if after is None or (at == first and not after.group("count")):
        return []  # one name then 委员: a word of the sentence more often than a title (某某委员会 names a body)
    title = after.group("title")
    body = view.antecedent(person.start, ORG, {"委员会", "政协", "人大", "理事会"}) if title != "代表" else None
    return [(title, body, "")]


def _in_person(frame: Frame, offset: int) -> bool:
    return any(s.char == PERSON and s.start <= offset < s.end for s in frame.slots.values())


def _read_chain(view: ArticleView, start: int, end: int) -> list[tuple[str, Mention | None, str]]:
    """(title as written, the organization or place it belongs to or None, 原/时任) of a chain of titles in
    ``[start, end)`` that ends right before a name; [] when the text there is no title."""
    text = view.text[start:end].rstrip()
    end = start + len(text)
    if not _CHAIN_TITLE_END.search(simplified(text)):
        return []
    parts: list[tuple[int, int]] = []
    at = start
    for match in _CHAIN_SPLIT.finditer(text):
        parts.append((at, start + match.start()))
        at = start + match.end()
    parts.append((at, end))
    # the chain is the run of trailing parts that end with a title; the first may open with words that are no title
    chain_parts: list[tuple[int, int]] = []
    for a, b in reversed(parts):
        if not _CHAIN_TITLE_END.search(simplified(view.text[a:b])):
            break
        chain_parts.insert(0, (a, b))
    if not chain_parts:
        return []
    a, b = chain_parts[0]
    starts = {m.start for m in view.extraction.mentions if a <= m.start < b}
    for t_start, t_end, _word, pos in view.tokens_between(a, b):
        if t_start in starts:
            break  # a name opens the title (某市委常委): nothing to trim
        rest = simplified(view.text[a:b])
        if t_start != a or pos not in _LEAD_POS or t_end >= b or _DEICTIC_BODY.match(rest) or _TENURE.match(rest):
            break
        a = t_end  # 陪同的有, 出席: words before the title
    chain_parts[0] = (a, b)
    posts: list[tuple[str, Mention | None, str]] = []
    org: Mention | None = None
    tenure = ""
    for a, b in chain_parts:
        part = view.text[a:b]
        lead = _TENURE.match(part)
        if lead and lead.group() != "现任":
            tenure = lead.group()
        if lead:
            a, part = a + lead.end(), part[lead.end() :]
        own, title = _part_owner(view, a, b, part)
        if _OWN_BODY.match(title):
            # 国家主席 after 中共中央总书记: the title names its own body, which is not the one before (a named body
            # that opens with such a word owns the title after it: 国家能源局规划司副司长)
            org = None
        elif own is not None:
            org = own
        elif _LEVEL_HEAD.match(simplified(part)):
            org = _level_antecedent(view, a, part)
        elif (level_start := _LEVEL_START.match(part)) and (
            org is None or not _LEVEL_END.search(org.text) or not org.text.endswith(level_start.group())
        ):
            org = _level_antecedent(view, a, part)
        if title:
            posts.append((title, org, tenure))
    return posts


def _part_owner(view: ArticleView, a: int, b: int, part: str) -> tuple[Mention | None, str]:
    """The organization or place a part of a chain opens with, and the title after it (the place's level word is kept:
    某县委书记 → 县委书记)."""
    deictic = _DEICTIC_BODY.match(simplified(part))
    if deictic:
        noun = deictic.group(1)
        families = ORG if noun in ("公司", "企业", "集团", "局", "院", "校", "社") else PLACE + ORG + PERSON
        return view.antecedent(a, families, {noun}), part[deictic.end() :]
    opening = [
        mention
        for mention in view.extraction.mentions
        if mention.start == a
        and mention.end < b
        and family(mention.type) in (ORG, PLACE, FACILITY)
        and not _CHAIN_TITLE_END.search(simplified(mention.text))
    ]
    if opening:
        mention = opening[0]
        if family(mention.type) == ORG:  # 国家能源局规划司副司长: the department, not the body its name opens with
            mention = max((m for m in opening if family(m.type) == ORG), key=lambda m: m.end)
        target = view.canonical.get(id(mention), mention)
        return target, _with_level(mention.text, view.text[mention.end : b])
    # a place name the tagger fused with the title (某县委书记 as one organization): a known division or a name the
    # article mentions on its own
    names = {m.text for m in view.extraction.mentions}
    simple = simplified(part)
    for cut in range(len(part) - 1, 1, -1):
        name = part[:cut]
        if (
            not _LEVEL_END.search(simplified(name))
            or not _BODY_AFTER_PLACE.match(simple[cut:])
            and not _CHAIN_TITLE_END.fullmatch(simple[cut:])
        ):
            continue
        if name in names or gazetteer().forms.get(simplified(name)):
            existing = next((m for m in view.extraction.mentions if m.start == a and m.end == a + cut), None)
            mention = existing or view.new_mention(a, a + cut, class_by_suffix(name, "Place"))
            if existing is None:
                view.extraction.mentions.append(mention)
                view.extraction.mentions.sort(key=lambda m: (m.start, m.end, m.type))
            return mention, _with_level(name, part[cut:])
    return None, part


def _with_level(owner: str, rest: str) -> str:
    """The title as a post is named: 县委书记 for 某县 + 委书记, 县长 for 某县 + 县长."""
    if _BODY_AFTER_PLACE.match(rest) and rest[0] in "委长":
        level = _LEVEL_END.search(simplified(owner))
        if level:
            return owner[level.start() :] + rest
    return rest


def _level_antecedent(view: ArticleView, before: int, title: str) -> Mention | None:
    """The place a title that opens with a level word refers to (县委副书记 → the county the article last named)."""
    level = _LEVEL_START.match(simplified(title)) or _LEVEL_HEAD.match(simplified(title))
    if level is None:
        return None
    return view.antecedent(before, PLACE + ORG, {level.group(1)})


def _places(frame: Frame, out: _Emitter) -> None:
    for regex in _LOCATED:
        for match in regex.finditer(frame.masked):
            thing, place = frame.slot(match, "thing"), frame.slot(match, "place")
            # 某州地处某盆地: a place said to lie somewhere does (位于X的Y镇 is only a place's name)
            if thing and place and (thing.char != PLACE or "place_verb" in match.groupdict()):
                out.add(frame, thing, "locatedIn", place)
    for match in _COUNTRY_THEN_FACILITY.finditer(frame.masked):
        place, thing = frame.slot(match, "place"), frame.slot(match, "thing")
        if place and thing and not thing.fresh and thing.char == FACILITY and _level(place.mention.type) == 0:
            out.add(frame, thing, "locatedIn", place, 0.8)
    _list_headings(frame, out)
    _listed_under(frame, out)
    _among(frame, out)
    _bodies_of_places(frame, out)
    for match in _ADJACENT_AREAS.finditer(frame.masked):
        outer, inner = frame.slot(match, "outer"), frame.slot(match, "inner")
        if outer is None or inner is None:
            continue
        outer_level, inner_level = _level(outer.mention.type), _level(inner.mention.type)
        if inner_level is None and outer_level is not None and _LEVEL_END.search(simplified(inner.mention.text)):
            inner_level = outer_level + 1  # 青海省海西州: a division the gazetteer does not rank, written inside one
        if outer_level is not None and inner_level is not None and inner_level > outer_level:
            out.add(frame, inner, "containedIn", outer, 0.8)
            # 某省甲县、乙县和丙县: the places coordinated with the inner one, of its level, share its head
            for sibling in _coordinated(frame, match.start("inner")):
                if _level(sibling.mention.type) == inner_level:
                    out.add(frame, sibling, "containedIn", outer, 0.8)
                else:
                    break


def _coordinated(frame: Frame, index: int) -> Iterator[Slot]:
    """The place slots coordinated after the one at masked ``index`` (甲县、乙县和丙县), in order."""
    at = index + 1
    while at + 1 < len(frame.masked) and frame.masked[at] in "、和及与" and at + 1 in frame.slots:
        slot = frame.slots[at + 1]
        if slot.char != PLACE or (at + 2 < len(frame.masked) and frame.masked[at + 2] == PLACE):
            return  # not a place, or the head of a chain of its own (乙市丙县)
        yield slot
        at += 2


def _list_headings(frame: Frame, out: _Emitter) -> None:
    """某县(2个):甲镇乙村、丙镇丁村: the first division of each item lies in the heading's division."""
    headings = list(_LIST_HEADING.finditer(frame.masked))
    # the list's title (某市…名单(50个)) names the region its headings divide, when the gazetteer agrees
    titled = [frame.slots[i] for i in sorted(frame.slots) if headings and i < headings[0].start()]
    regions = [s.mention for s in titled if s.char == PLACE and s.mention.attrs.get("code")]
    gaz = gazetteer()
    for heading in headings if regions else []:
        head = frame.slot(heading, "head")
        code = head.mention.attrs.get("code") if head else None
        if head is None or code not in gaz.divisions:
            continue
        by_code = {m.attrs["code"]: m for m in regions}
        region = next((by_code[a] for a in gaz.ancestors(code) if a in by_code), None)  # the nearest
        if region is not None:
            out.add(frame, head, "containedIn", region, 0.8)
    for i, heading in enumerate(headings):
        head = frame.slot(heading, "head")
        end = headings[i + 1].start() if i + 1 < len(headings) else len(frame.masked)
        items = re.finditer(r"[^、，。；]+", frame.masked[heading.end() : end])
        head_level = _level(head.mention.type) if head else None
        for item in items:
            first = frame.slots.get(heading.end() + item.start())
            if head is None or first is None or first.char != PLACE:
                continue
            level = _level(first.mention.type)
            if level is None or (level <= head_level if head_level is not None else level < 4):
                continue  # a township or village under an unranked heading (某高新区); else a lower level only
            out.add(frame, first, "containedIn", head, 0.8)


# 某省入选10个村落 / 甲市乙县丙镇丁村 / 戊市…: a heading line that counts what the lines after it list
_COUNTED = re.compile(r"(?:\d+|[一二两三四五六七八九十百]+)(?:个|家|处|座|所|项)")
_CREDIT_LINE = 20  # a short line with no place between the items (a photo's source) does not end the list


def _place_line(frame: Frame) -> bool:
    """A line that is only a chain of places (an item of a bulletin list: 甲市乙县丙镇丁村)."""
    masked = re.sub(r"\s", "", frame.masked)
    return bool(masked) and all(ch == PLACE for ch in masked)


def _listed_under(frame: Frame, out: _Emitter) -> None:
    """某省入选10个村落, then one line per item (甲市乙县丙村): the first place of each item lies in the heading's
    region when the gazetteer puts it there."""
    if not _place_line(frame):
        return
    frames = out.view.frames
    at = next((i for i, f in enumerate(frames) if f is frame), 0)
    heading = None
    for previous in reversed(frames[:at]):
        places = [s for s in previous.slots.values() if s.char == PLACE]
        if _place_line(previous) or not places and len(previous.text.strip()) <= _CREDIT_LINE:
            continue
        heading = previous
        break
    if heading is None or heading.text.rstrip()[-1:] in "。！？；" or not _COUNTED.search(heading.masked):
        return
    regions = [s for s in heading.slots.values() if s.char == PLACE]
    first = frame.slots[min(frame.slots)]
    gaz = gazetteer()
    code, region_code = first.mention.attrs.get("code"), regions[0].mention.attrs.get("code") if regions else None
    if len(regions) != 1 or code not in gaz.divisions or region_code not in gaz.ancestors(code):
        return
    out.add(frame, first, "containedIn", regions[0], 0.8)


_AMONG = re.compile(r"^\s*其中[，,:：]?")


def _among(frame: Frame, out: _Emitter) -> None:
    """全市…。其中，甲区…；乙县…: a place that opens a clause of a 其中 sentence lies in the last place named before
    the sentence that the gazetteer says holds it."""
    among = _AMONG.match(frame.masked)
    if among is not None:
        first = among.end()
    else:
        # 其中，甲区…；乙县…: the clause after a semicolon is a sentence of its own that continues the enumeration
        frames = out.view.frames
        at = next((i for i, f in enumerate(frames) if f is frame), 0)
        previous = frames[at - 1] if at > 0 else None
        if previous is None or not _AMONG.match(previous.masked) or not previous.text.rstrip().endswith(("；", ";")):
            return
        first = 0
    gaz = gazetteer()
    before = [
        m
        for m in out.view.extraction.mentions
        if m.end <= frame.sentence.span.start and family(m.type) == PLACE and m.attrs.get("code") in gaz.divisions
    ]
    for index in sorted(frame.slots):
        slot = frame.slots[index]
        opens = index == first or frame.masked[index - 1] in "；;，,"
        code = slot.mention.attrs.get("code")
        if slot.char != PLACE or not opens or code not in gaz.divisions:
            continue
        ancestors = set(gaz.ancestors(code))
        holder = next((m for m in reversed(before) if m.attrs["code"] in ancestors), None)
        if holder is not None:
            out.add(frame, slot, "containedIn", holder, 0.8)


# 市发改委, 县公安局, 市中级人民法院: a department named by its level word and what it does (not a unit of 市委)
_BARE_DEPARTMENT = re.compile(
    r"^(省|自治区|市|州|盟|县|区|旗)(?!委|政府|人大|政协|纪委|党)[\u4e00-\u9fff]{1,8}?(?:局|委|办|厅|法院|检察院)$"
)
_LEVEL_OF_WORD = {"省": 1, "自治区": 1, "市": 2, "州": 2, "盟": 2, "县": 3, "区": 3, "旗": 3}


def _bodies_of_places(frame: Frame, out: _Emitter) -> None:
    """县委, 区政府: a body named by its level word alone is located in the division of that level it refers to; so is
    a department named by its level word (市发改委), in the place of that level the article named last, written with
    its level word or ranked at that level by the gazetteer (成都 for 市)."""
    for slot in frame.slots.values():
        department = (
            _BARE_DEPARTMENT.match(simplified(slot.mention.text)) if slot.char == ORG and not slot.fresh else None
        )
        if department is not None:
            level_word = department.group(1)
            place = (
                _coordinated_place(out.view, frame, slot, level_word)
                or out.view.antecedent(slot.start, PLACE, {level_word})
                or _ranked_antecedent(out.view, slot.start, _LEVEL_OF_WORD[level_word])
            )
            if place is not None:
                out.add(frame, slot, "locatedIn", place, 0.8)
        bare = BARE_BODY.match(simplified(slot.mention.text)) if slot.char == ORG and not slot.fresh else None
        if bare is not None:
            level_word = bare.group(1)
            partner = _coordinated_body(frame, slot)
            if partner is not None and not BARE_BODY.match(
                simplified(partner.text)
            ):  # 某省委、省政府: the place the body it is coordinated with names, or none
                place = _place_named_in(out.view, partner, level_word)
            else:
                place = out.view.antecedent(slot.start, PLACE, {level_word}) or _first_place(out.view, level_word)
            if place is not None:
                out.add(frame, slot, "locatedIn", place, 0.8)


def _ranked_antecedent(view: ArticleView, before: int, level: int) -> Mention | None:
    """The last place before ``before`` whose class the gazetteer ranks at ``level``."""
    best = None
    for mention in view.extraction.mentions:
        if mention.start >= before:
            break
        target = view.canonical.get(id(mention), mention)
        if family(target.type) == PLACE and _level(target.type) == level:
            best = target
    return best


def _first_place(view: ArticleView, level: str) -> Mention | None:
    """The first place of the article whose name ends with a level word; else the first known division of that level
    written inside another name (吴忠市 in 政协第六届吴忠市委员会), which gets a mention of its own."""
    named = next(
        (m for m in view.extraction.mentions if family(m.type) == PLACE and simplified(m.text).endswith(level)), None
    )
    if named is not None:
        return named
    forms = gazetteer().forms
    for mention in list(view.extraction.mentions):
        if family(mention.type) not in (ORG, FACILITY):
            continue
        name = simplified(mention.text)
        for end in (m.end() for m in re.finditer(re.escape(level), name)):
            start = next(
                (
                    a
                    for a in range(max(0, end - 8), end - len(level) - 1)
                    if any(c.code for c in forms.get(name[a:end], ()))
                ),
                None,
            )
            if start is not None:
                return _place_at(view, mention.start + start, mention.start + end)
    return None


def _coordinated_body(frame: Frame, slot: Slot) -> Mention | None:
    """The organization a body is coordinated with right before it (某市委 in 某市委、市政府), if any."""
    index = next(i for i, s in frame.slots.items() if s is slot)
    before = [i for i in frame.slots if i < index]
    if not before or frame.masked[max(before) + 1 : index] not in ("、", "和", "及"):
        return None
    other = frame.slots[max(before)].mention
    return other if family(other.type) == ORG else None


def _coordinated_place(view: ArticleView, frame: Frame, slot: Slot, level: str) -> Mention | None:
    """The place at ``level`` that a body listed before a department names (某市政府办公厅、市民政局、市粮食局: 某市),
    the list read back to its first body that names one."""
    index = next(i for i, s in frame.slots.items() if s is slot)
    while (partner := _coordinated_body(frame, frame.slots[index])) is not None:
        place = _place_named_in(view, partner, level)
        if place is not None:
            return place
        index = max(i for i in frame.slots if i < index)
    return None


def _place_named_in(view: ArticleView, body: Mention, level: str) -> Mention | None:
    """The place of the article a body's name opens with (after 中共), at ``level`` (某市 or 某 for 某市委), the
    longest."""
    name = simplified(body.text)
    party = 2 if name.startswith("中共") else 0
    name = name[party:]
    places = [
        m
        for m in view.extraction.mentions
        if family(m.type) == PLACE
        and name.startswith(simplified(m.text))
        and (simplified(m.text).endswith(level) or name[len(m.text) :].startswith(level))
    ]
    if places:
        return max(places, key=lambda m: len(m.text))
    # 哈尔滨市委 when the article names 哈尔滨市 nowhere on its own: a known division the name opens with
    cut = name.find(level)
    if cut > 0 and any(c.code for c in gazetteer().forms.get(name[: cut + len(level)], ())):
        return _place_at(view, body.start + party, body.start + party + cut + len(level))
    return None


_SITE_ORG = re.compile(r"(?:小学|中学|学校|幼儿园|医院|卫生院)$")

# What a unit or a part adds to its whole's name: a department, branch or team; a works, phase or section.
_UNIT_REST = re.compile(
    r"(?:分公司|子公司|司|局|处|科|部|办公室|办|室|组|工作队|中心|所|分院|总队|支队|大队|中队|"
    r"项目|工程|校区|分校|改扩建工程|二期|三期|段|站)$"
)
# What follows a project's name when it names a phase or section of it (二期, 三段, 改扩建, 配套) or only its head
# word again (某工程项目).
_PHASE = re.compile(r"[一二三四五六七八九十\d]+(?:期|段|标段)|改扩建|扩建|续建|配套|(?:建设)?(?:项目|工程)$")
# 某大学新校区建设项目: a campus (and the project that builds it) is part of the institution, not one of its units
_CAMPUS_REST = re.compile(r"(?:新|东|西|南|北|主)?(?:校区|院区)")
_LEGAL_FORM = re.compile(r"(?:股份)?(?:有限)?(?:责任)?(?:公司|集团)(?:有限公司)?")


def _named_after(view: ArticleView, frame: Frame, out: _Emitter) -> None:
    """What a name says about its thing: 某县某某小区项目 lies in 某县 (the last division its name opens with, a known
    division or a place the article names), 某大学新校区建设项目 is part of 某大学, 某局规划司 a unit of 某局 (another
    name of the article that it opens with)."""
    texts: dict[str, Mention] = {}
    for mention in view.extraction.mentions:
        texts.setdefault(mention.text, mention)
    for mention in view.extraction.mentions:
        if mention.text.startswith("中共") and family(mention.type) == ORG:
            texts.setdefault(mention.text[2:], mention)  # 某区委统战部 is a unit of 中共某区委
    for index, slot in frame.slots.items():
        if slot.fresh or slot.char not in (FACILITY, ORG, OTHER_CHAR) or slot.mention.type == "Event":
            continue
        _chain_into_name(view, frame, index, texts, out)
        name = slot.mention.text
        # a body named after its place (某县人民政府) is that place's, which locatedIn would not say well; a school or
        # hospital named after its county or village (某县某小学) stands there
        divisions = _opening_divisions(view, slot.mention, texts) if slot.char != ORG or _SITE_ORG.search(name) else []
        if slot.char == ORG and divisions and (_level(divisions[-1].type) or 0) < 3:
            divisions = []  # 某省某医院 is the province's institution, wherever it stands
        if divisions:
            out.add(frame, slot, "locatedIn", divisions[-1], 0.8)
        for outer, inner in zip(divisions, divisions[1:], strict=False):  # the name writes the chain: 某州某县某项目
            outer_level, inner_level = _level(outer.type), _level(inner.type)
            if outer_level is not None and inner_level is not None and inner_level > outer_level:
                out.add(frame, inner, "containedIn", outer, 0.8)
        for cut in range(len(name) - 2, 1, -1):
            whole = texts.get(name[:cut])
            if whole is None or family(whole.type) not in (FACILITY, ORG, OTHER_CHAR) or whole.type == "Event":
                continue
            rest = simplified(name[cut:])
            if slot.char != ORG and family(whole.type) == ORG and _CAMPUS_REST.match(rest):
                out.add(frame, slot, "partOf", whole, 0.75)
                break
            if (
                family(whole.type) != slot.char
                or not _UNIT_REST.search(simplified(name[cut:]))
                or _LEGAL_FORM.fullmatch(simplified(name[cut:]))
                or _PROJECT_NAME.search(simplified(whole.text))
                and not _PHASE.match(rest)
            ):
                break  # 某工程新材料项目 is another project; 某工程二期项目 a phase of it
            predicate = "subOrganizationOf" if slot.char == ORG else "partOf"
            out.add(frame, slot, predicate, whole, 0.75)
            break


def _chain_into_name(view: ArticleView, frame: Frame, index: int, texts: dict[str, Mention], out: _Emitter) -> None:
    """某县 + 某乡某小学: a place written right before a name that opens with a division of a lower level holds that
    division (the chain 某县某乡 runs on into the name)."""
    before = frame.slots.get(index - 1)
    slot = frame.slots[index]
    outer_level = _level(before.mention.type) if before is not None and before.char == PLACE else None
    runs = _division_runs(slot.mention.text, texts)
    if before is None or outer_level is None or not runs:
        return
    a, b = runs[0]
    first = slot.mention.text[a:b]
    inner_level = _level(texts[first].type) if first in texts else _level(class_by_suffix(first, "Place"))
    if inner_level is not None and inner_level > outer_level:
        out.add(frame, _place_at(view, slot.mention.start + a, slot.mention.start + b), "containedIn", before, 0.8)


def _opening_divisions(view: ArticleView, mention: Mention, texts: dict[str, Mention]) -> list[Mention]:
    """The run of administrative divisions a name opens with, outermost first (青海省某州某项目 → 青海省, 某州)."""
    return [_place_at(view, mention.start + a, mention.start + b) for a, b in _division_runs(mention.text, texts)]


def _division_runs(name: str, texts: dict[str, Mention]) -> list[tuple[int, int]]:
    """The spans of the administrative divisions a name opens with, in order."""
    at = 0
    runs: list[tuple[int, int]] = []
    forms = gazetteer().forms
    while at < len(name) - 2:
        cut = next(
            (
                c
                for c in range(min(len(name) - 2, at + 12), at + 1, -1)
                if _LEVEL_END.search(simplified(name[at:c]))
                and (
                    name[at:c] in texts
                    and family(texts[name[at:c]].type) == PLACE
                    or any(cand.code for cand in forms.get(simplified(name[at:c]), ()))
                )
            ),
            None,
        )
        if cut is None:
            break
        runs.append((at, cut))
        at = cut
    return runs


def _place_at(view: ArticleView, start: int, end: int) -> Mention:
    """The place mention at ``[start, end)`` of the article, added when the article has none there yet."""
    existing = next((m for m in view.extraction.mentions if m.start == start and m.end == end), None)
    if existing is not None:
        return existing
    place = view.new_mention(start, end, class_by_suffix(view.text[start:end], "Place"))
    view.extraction.mentions.append(place)
    view.extraction.mentions.sort(key=lambda m: (m.start, m.end, m.type))
    return place


def _building(frame: Frame, out: _Emitter) -> None:
    org: Slot | None
    frame_place = _FRAME_PLACE.search(frame.masked)
    place = frame.slot(frame_place, "place") if frame_place else None
    for match in [
        *_BUILT_BY.finditer(frame.masked),
        *_BUILT_BY_AFTER.finditer(frame.masked),
        *_JOINT_BUILD.finditer(frame.masked),
    ]:
        thing = frame.slot(match, "thing")
        if thing is None:
            continue
        verb = match.group("verb")
        for org in frame.group_slots(match, "orgs"):
            if org.char != ORG:
                continue
            if verb in ("运营", "经营", "管理", "运行"):
                out.add(frame, org, "operates", thing)
            else:
                out.add(frame, org, "builds", thing)
                if "投资" in verb or match.groupdict().get("invests"):
                    money = _MONEY.search(frame.original(match.start("orgs"), match.start("verb")))
                    out.add(frame, org, "investsIn", thing, attrs={"amount": money.group()} if money else None)
        if place is not None:
            out.add(frame, thing, "locatedIn", place)
    for match in _BUILDS.finditer(frame.masked):
        org, thing = frame.slot(match, "org"), frame.slot(match, "thing")
        if org is None or thing is None:
            continue
        out.add(frame, org, "builds", thing)
        if "投资" in match.group("verb") or "投资" in frame.masked[match.start() : match.start("verb")]:
            money = _MONEY.search(frame.original(match.start(), match.start("verb")))
            out.add(frame, org, "investsIn", thing, attrs={"amount": money.group()} if money else None)
        where = frame.slot(match, "place") or place
        if where is not None:
            out.add(frame, thing, "locatedIn", where)
    for match in _OPERATES.finditer(frame.masked):
        org, thing = frame.slot(match, "org"), frame.slot(match, "thing")
        if org and thing:
            out.add(frame, org, "operates", thing)
    for match in _OWNS_ADJACENT.finditer(frame.masked):
        org, thing = frame.slot(match, "org"), frame.slot(match, "thing")
        if org and thing:
            # 某公司某某项目: a project named with its company is the one the company builds, or, signed (签约了某公司
            # 某项目), the one it invests in; a plant or base it owns
            project = _PROJECT_NAME.search(simplified(thing.mention.text))
            signed = project and _SIGNED.search(simplified(frame.masked[: match.start()]))
            out.add(frame, org, "investsIn" if signed else "builds" if project else "owns", thing, 0.7)
    for match in _OWNS.finditer(frame.masked):
        org, thing = frame.slot(match, "org"), frame.slot(match, "thing")
        if org and thing:
            if thing.char == ORG and "旗下" in match.group():
                out.add(frame, thing, "subOrganizationOf", org)
            else:
                out.add(frame, org, "owns", thing)
    for regex in _INVESTS:
        for match in regex.finditer(frame.masked):
            org, thing = frame.slot(match, "org"), frame.slot(match, "thing")
            if org and thing:
                out.add(frame, org, "investsIn", thing)


def _organizations(view: ArticleView, frame: Frame, out: _Emitter) -> None:
    child: Slot | None
    org: Slot | None
    trainee: Slot | None
    for regex in _SUBORG:
        for match in regex.finditer(frame.masked):
            parent = frame.slot(match, "parent")
            for child in frame.group_slots(match, "child"):
                if parent and child.char == ORG:
                    out.add(frame, child, "subOrganizationOf", parent)
    for match in _QUOTED_UNIT.finditer(frame.masked):
        parent, child = frame.slot(match, "parent"), frame.slot(match, "child")
        if parent and child and not child.fresh and child.mention.text[:1] in '“「"':
            out.add(frame, child, "subOrganizationOf", parent, 0.8)
    for match in _PARENT_NAMED_AFTER.finditer(frame.masked):
        parent, child = frame.slot(match, "parent"), frame.slot(match, "child")
        if parent and child:
            out.add(frame, child, "subOrganizationOf", parent)
    for slot in frame.slots.values():
        if slot.char != ORG or slot.fresh:
            continue
        # 某职业学院通航学院: the name holds its parent's name; the parent gets a mention of its own
        name = slot.mention.text
        for match in _NESTED_ORG_SUFFIX.finditer(name):
            cut = match.end()
            if (
                3 <= cut <= len(name) - 3
                and _NESTED_ORG_SUFFIX.search(name[cut:])
                and not _LEGAL_FORM.fullmatch(simplified(name[cut:]))
            ):  # 某集团有限公司 is 某集团 itself
                start = slot.mention.start
                held = _existing(view, start, start + cut) or view.new_mention(start, start + cut, "Organization")
                if held.type == "Organization":
                    held.type = _org_class(held.text)
                if id(held) not in {id(m) for m in view.extraction.mentions}:
                    view.extraction.mentions.append(held)
                    view.extraction.mentions.sort(key=lambda m: (m.start, m.end, m.type))
                out.add(frame, slot, "subOrganizationOf", held, 0.8)
                break
    for regex in _FOUNDED:
        for match in regex.finditer(frame.masked):
            thing = frame.slot(match, "thing")
            founders = frame.group_slots(match, "orgs") if "orgs" in match.groupdict() else [frame.slot(match, "org")]
            for org in founders:
                if org is not None and thing is not None and org.char == ORG:
                    out.add(frame, org, "founded", thing)
    for match in [*_COOPERATES.finditer(frame.masked), *_COOPERATES_VERB.finditer(frame.masked)]:
        # a place is a party only right before 与 (某县与某公司签约); 某国旅游机构和… names a party of that place
        places_join = not match.groupdict().get("gap")
        left = [s for s in frame.group_slots(match, "left") if s.char == ORG or s.char == PLACE and places_join]
        right = [s for s in frame.group_slots(match, "right") if s.char in (ORG, PLACE)]
        if not any(s.char == ORG for s in left + right) and match.groupdict().get("verb") not in _PLACE_PARTNER_VERBS:
            continue  # 甲县和乙县共同…: two places are partners only where they pair up or sign
        everyone = left + right
        # X先后与A、B合作: X works with A and with B; that A works with B is not said
        for first in left:
            for second in right:
                out.add(frame, first, "cooperatesWith", second)
        if _TRAINING.search(match.group("rest")):
            schools = [s for s in everyone if _is_school(s)]
            for school in schools:
                for trainee in everyone:
                    if trainee not in schools:
                        out.add(frame, school, "trains", trainee, 0.8)
    for match in _PAIRED_AID.finditer(frame.masked):
        helper, helped = frame.slot(match, "left"), frame.group_slots(match, "right")
        if helper is not None and helped and not helper.fresh and not helped[-1].fresh:
            out.add(frame, helper, "cooperatesWith", helped[-1], 0.8)
    for match in _JOINTLY.finditer(frame.masked):
        if frame.masked[: match.start("orgs")].rstrip().endswith(("与", "和", "同", "跟")):
            continue  # X先后与A、B联合举办: X works with A and with B; that A works with B is not said
        parties = [s for s in frame.group_slots(match, "orgs") if s.char == ORG]
        for i, first in enumerate(parties):
            for second in parties[i + 1 :]:
                out.add(frame, first, "cooperatesWith", second)
    for match in _TRAINS.finditer(frame.masked):
        org, trainee = frame.slot(match, "org"), frame.slot(match, "trainee")
        if org and trainee:
            out.add(frame, org, "trains", trainee)


def _org_class(name: str) -> str:
    if name.endswith(("大学", "学院")):
        return "University"
    if name.endswith(("公司", "集团", "银行")):
        return "Company"
    if name.endswith(("支队", "总队")):
        return "PoliceUnit"
    if name.endswith(("局", "委员会")):
        return "GovernmentBody"
    return "Organization"


def _existing(view: ArticleView, start: int, end: int) -> Mention | None:
    for mention in view.extraction.mentions:
        if mention.start == start and mention.end == end:
            return mention
    return None


def _works(view: ArticleView, frame: Frame, out: _Emitter, previous: Frame | None) -> None:
    for regex in _ISSUES:
        for match in regex.finditer(frame.masked):
            work = frame.slot(match, "work")
            for org in frame.group_slots(match, "orgs"):
                if work is not None and org.char == ORG:
                    out.add(frame, work, "issuedBy", org)
    works = [s for s in frame.slots.values() if s.char == WORK and family(s.mention.type) == WORK]
    if not works:
        return
    work = works[0]
    text_base = frame.sentence.span.start
    effective = []
    for timex in frame.times:
        after = frame.text[timex.end - text_base :]
        if _EFFECTIVE.match(after.lstrip("起")) or _EFFECTIVE.match(after):
            effective.append(timex)
            if timex.value and len(timex.value) == 10:
                out.add(frame, work, "effectiveDate", timex.value, datatype="date")
    if _PUBLISH_VERB.search(frame.text):
        dated = [t for t in frame.times if t not in effective and t.value and len(t.value) == 10]
        if not dated and previous is not None and _DEICTIC.match(frame.text):
            dated = [t for t in previous.times if t.value and len(t.value) == 10][:1]
        if dated:
            out.add(frame, work, "publicationDate", dated[0].value or "", datatype="date")
    # a title that opens with a place name (某市…条例) is that place's law or standard
    for mention in view.extraction.mentions:
        if (
            mention.start == work.mention.start
            and mention.end < work.mention.end
            and family(mention.type) == PLACE
            and work.mention.start >= frame.sentence.span.start
        ):
            out.add(frame, work, "issuedIn", mention, 0.8)
            break


def _designations(frame: Frame, out: _Emitter) -> None:
    for regex in (_DESIGNATED, _DESIGNATED_ACTIVE):
        for match in regex.finditer(frame.masked):
            subject = frame.slot(match, "subject") or _topic(frame)
            title = frame.original(match.start("title"), match.end("title")).strip('“”"')
            if subject is not None and title:
                out.add(frame, subject, "designatedAs", title, 0.8)


def _topic(frame: Frame) -> Slot | None:
    """The sentence's topic: the first place or organization that opens a clause."""
    masked = frame.masked
    for index in sorted(frame.slots):
        slot = frame.slots[index]
        if slot.char not in (PLACE, ORG, FACILITY):
            continue
        before = masked[:index].rstrip()
        if not before or before[-1] in "，。；：":
            return slot
    return None


def _orders(frame: Frame, out: _Emitter) -> None:
    for regex in _ORDERS:
        for match in regex.finditer(frame.masked):
            seller, buyer = frame.slot(match, "seller"), frame.slot(match, "buyer")
            if seller and buyer:
                out.add(frame, buyer, "ordersFrom", seller)


def relate_view(view: ArticleView) -> list[Relation]:
    """Every relation the patterns state in a prepared article."""
    out = _Emitter(view)
    previous: Frame | None = None
    for frame in view.frames:
        if any(ch in frame.masked for ch in SLOT_CHARS):
            _posts(view, frame, out)
            _chain_posts(view, frame, out)
            _places(frame, out)
            _named_after(view, frame, out)
            _building(frame, out)
            _organizations(view, frame, out)
            _works(view, frame, out, previous)
            _designations(frame, out)
            _orders(frame, out)
        previous = frame
    return _without_skipped_levels(out.relations)


def _without_skipped_levels(relations: list[Relation]) -> list[Relation]:
    """甲县乙镇丙村 … 甲县丙村: a division written right after one two levels up is contained in it, but the article
    already states the level between; the skipping statement is dropped (the graph implies it)."""
    pairs = {}
    for relation in relations:
        if relation.predicate == "containedIn" and relation.subject_mention and relation.object_mention:
            pairs[id(relation)] = (simplified(relation.subject_mention.text), simplified(relation.object_mention.text))
    stated = set(pairs.values())
    skipping = {
        key
        for key, (inner, outer) in pairs.items()
        if any((inner, middle) in stated and (middle, outer) in stated for _, middle in stated)
    }
    return [r for r in relations if id(r) not in skipping]


@stage("nlp.relate.patterns")
def relate(extraction: ArticleExtraction, settings: Any = None) -> ArticleExtraction:
    """Add the relations stated in an article's sentences (with their evidence) to the extraction."""
    view = build_view(extraction, settings)
    extraction.relations.extend(relate_view(view))
    return extraction


def iter_pairs(relations: list[Relation]) -> Iterator[tuple[str, str, str]]:
    """(subject text, predicate, object text) of relations, for evaluation and inspection."""
    for relation in relations:
        subject = relation.subject_mention.text if relation.subject_mention else relation.subject
        obj = relation.object_mention.text if relation.object_mention else relation.object
        yield subject, relation.predicate, obj


# The title a byline role is printed with (记者 for a reporter); the dateline is the evidence.
_BYLINE_ROLE = re.compile(r"记者|通讯员|实习生|摄影")
_OUTLET_NAME = re.compile(r"(?:社|网|報|报|台)$")
# A photographer's credit (记者某某摄) prints no title of its own: the article's kg:photographer says it.
_BYLINE_TITLES = {"reporter": "记者", "correspondent": "通讯员", "intern": "实习生"}
_CONTRIBUTORS = {"通讯员"}


def byline_posts(corpus: Corpus) -> list[Relation]:
    """The posts the datelines and bylines of resolved articles state (记者 of the outlet the dateline names; of no
    named body under 本报). The evidence is the dateline, an empty span where the body starts."""
    posts = []
    for extraction in corpus.extractions:
        article = extraction.article
        roles_printed = bool(_BYLINE_ROLE.search(simplified(article.dateline or "")))
        dateline = article.dateline_span
        for byline in article.bylines:
            title = byline.title or _BYLINE_TITLES.get(byline.role)
            if not byline.entity or title is None or _OUTLET_NAME.search(byline.name):
                continue
            in_dateline = (
                dateline is not None and byline.span is not None and dateline.start <= byline.span.start < dateline.end
            )
            if in_dateline and not roles_printed:
                continue  # names in a dateline with no role word (某某网…电（张三李四）): their post is not stated
            if byline.span is not None and article.start <= byline.span.start < article.start + len(article.text):
                start = byline.span.start - article.start  # a credit line of the body: the name itself
                evidence = Evidence(article.id, start, byline.span.end - article.start, byline.name, None)
            else:
                evidence = Evidence(article.id, 0, 0, article.dateline or byline.name, None)
            # a correspondent (通讯员) reports for the outlet from a body of their own: no post in the outlet
            outlet = article.publication_entity if simplified(title) not in _CONTRIBUTORS else None
            posts.append(
                Relation(
                    subject=byline.entity,
                    predicate="holdsPost",
                    object=outlet or title,
                    evidence=evidence,
                    extractor=BYLINE_EXTRACTOR,
                    score=0.9,
                    literal=outlet is None,
                    attrs={"title": title},
                )
            )
    return posts


def _placed_elsewhere(entities: dict[str, Entity], relation: Relation) -> bool:
    """A body named by its level (省政府) that resolution took for a body named after another place (某省政府) than
    the one the sentence pointed to: the two readings disagree, and the location is not stated."""
    mention = relation.subject_mention
    if relation.predicate != "locatedIn" or mention is None or not BARE_BODY.match(simplified(mention.text)):
        return False
    body, place = entities.get(relation.subject), entities.get(relation.object)
    if body is None or place is None or BARE_BODY.match(simplified(body.label)):
        return False
    name = simplified(body.label)
    return not any(name.startswith(simplified(form)) for form in (place.label, *place.alt_labels))


def attach_keys(corpus: Corpus, entities: dict[str, Entity] | None = None) -> None:
    """After resolution: fill the entity keys of relations, quantities and events from the mentions they were read from.
    ``entities`` is the run's entity table (the corpus's own when not given).

    A relation whose subject or object mention did not resolve to an entity is dropped (it could not be stated), as is
    one that resolution collapsed onto a single entity (X related to X) or onto a body named after another place.
    """
    relations = []
    for relation in corpus.relations:
        if relation.subject_mention is not None:
            relation.subject = relation.subject_mention.entity or ""
        if relation.object_mention is not None:
            relation.object = relation.object_mention.entity or ""
        if (
            relation.subject
            and relation.object
            and (relation.literal or relation.subject != relation.object)
            and not _placed_elsewhere(corpus.entities if entities is None else entities, relation)
        ):
            relations.append(relation)
    relations.extend(byline_posts(corpus))
    corpus.relations = relations
    for quantity in corpus.quantities:
        if quantity.subject_mention is not None:
            quantity.subject = quantity.subject_mention.entity
    for event in corpus.events:
        if event.participant_mentions:
            keys = [m.entity for m in event.participant_mentions if m.entity]
            event.participants = sorted(set(event.participants) | set(keys))
        places = [m.entity for m in event.place_mentions if m.entity]
        if places:
            event.place = event.place or places[0]
            event.places = sorted(set(event.places) | set(places) - {event.place})
        if event.role_mentions:
            event.roles = sorted({(role, m.entity) for role, m in event.role_mentions if m.entity})
        if event.origin_mention is not None and event.origin_mention.entity:
            event.origin = event.origin_mention.entity
        if event.destination_mention is not None and event.destination_mention.entity:
            event.destination = event.destination_mention.entity
