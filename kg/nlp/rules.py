"""Rules for what Chinese news does systematically, applied on top of whichever tagger ran.

The tagger finds spans with coarse classes (Person, Place, Organization). This stage, ``nlp.rules.newspaper``:

* gives them their specific ontology class from the name's suffix (有限公司 → Company, 支队/派出所 → PoliceUnit,
  学院/大学 → University, 委员会/局 → GovernmentBody, 市委 → PartyBody …);
* drops what is not a name: section labels and common words the tagger took for names (盟市, 镜观), bare class words
  (加氢站 with no name), one-character spans;
* adds names the tagger misses: reporters and interns in bylines (``记者王明李强``), titles in 《》 by their suffix
  (条例/法/规定/办法 → Law or Regulation, 规范/标准 → Standard, 报告 → Report, 报 → NewsMedia), quoted names before a
  class word (``“雄鹰”警航队`` → PoliceUnit, ``“掌上办”平台`` → Facility), facilities named by their modifiers
  (液氢工厂, 新能源产业园), places fused with the port or station after them (二连浩特口岸), names sharing a suffix in a
  coordination (``A、B边境派出所`` → A边境派出所 and B边境派出所);
* reads posts printed before names (``公司副总经理王刚``, ``市委常委、组织部长李炯``) into ``Mention.attrs["post"]``
  (titles joined by 、) and ``attrs["post_org"]`` (``"start:end"`` of the organization mention the post is in);
* marks abbreviations and anaphora within an article (``二连站`` after 二连浩特站, ``该公司``, ``支队`` after a full
  detachment name, 《条例》 after its full title) with ``attrs["ref"] = "start:end"`` of the full mention, so that
  resolution puts them on the same entity.

Rules that need word boundaries use the tagger's tokens when it provides them and are skipped otherwise.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from kg.model import ArticleExtraction, Mention, Token
from kg.registry import stage

SOURCE = "nlp.rules"
LEXICON = Path(__file__).resolve().parent.parent / "data" / "lexicon"

# (suffix, class): the longest suffix that ends a name decides. 盟 is left out: outside the division table (which
# the gazetteer links, leagues included) a name in 盟 is an alliance or union (欧盟, 货币联盟), not a league.
SUFFIX_CLASSES: dict[str, str] = {
    "自治区": "ProvinceLevelArea",
    "省": "ProvinceLevelArea",
    "市": "City",
    "自治州": "PrefectureLevelArea",
    "旗": "Banner",
    "自治旗": "Banner",
    "县": "County",
    "镇": "TownshipLevelArea",
    "乡": "TownshipLevelArea",
    "苏木": "TownshipLevelArea",
    "街道": "TownshipLevelArea",
    "村": "VillageLevelArea",
    "嘎查": "VillageLevelArea",
    "社区": "VillageLevelArea",
    "站": "Station",
    "火车站": "Station",
    "加氢站": "Station",
    "加油站": "Station",
    "口岸": "Port",
    "港": "Port",
    "港口": "Port",
    "工业园": "IndustrialPark",
    "工业园区": "IndustrialPark",
    "产业园": "IndustrialPark",
    "产业园区": "IndustrialPark",
    "园区": "IndustrialPark",
    "开发区": "IndustrialPark",
    "高新区": "IndustrialPark",
    "科技园": "IndustrialPark",
    "科技园区": "IndustrialPark",
    "物流园": "IndustrialPark",
    "创业园": "IndustrialPark",
    "工业集中区": "IndustrialPark",
    "经济区": "Region",
    "经济圈": "Region",
    "经济带": "Region",
    "城市群": "Region",
    "工厂": "Facility",
    "电厂": "Facility",
    "电站": "Facility",
    "基地": "Facility",
    "平台": "Facility",
    "项目": "Project",
    "工程": "Project",
    # Built things named by their class word (roads, water works, venues, parks); a bare class word names nothing.
    "公路": "Facility",
    "高速公路": "Facility",
    "高速": "Facility",
    "铁路": "Facility",
    "国道": "Facility",
    "省道": "Facility",
    "大道": "Facility",
    "大街": "Facility",
    "路": "Facility",
    "大桥": "Facility",
    "隧道": "Facility",
    "运河": "Facility",
    "水库": "Facility",
    "水利枢纽": "Facility",
    "水电站": "Facility",
    "风电场": "Facility",
    "体育馆": "Facility",
    "体育场": "Facility",
    "博物馆": "Facility",
    "纪念馆": "Facility",
    "图书馆": "Facility",
    "美术馆": "Facility",
    "科技馆": "Facility",
    "展览馆": "Facility",
    "公园": "Facility",
    "广场": "Facility",
    "景区": "Facility",
    "小区": "Facility",
    "数据中心": "Facility",
    "交易中心": "Facility",
    "物流中心": "Facility",
    "体验中心": "Facility",
    "会展中心": "Facility",
    "大观园": "Facility",
    # fairs and expos, also by their customary short names (东博会, 进博会, 广交会)
    "博览会": "Event",
    "博会": "Event",
    "交易会": "Event",
    "交会": "Event",
    "有限公司": "Company",
    "有限责任公司": "Company",
    "股份有限公司": "Company",
    "株式会社": "Company",  # a Japanese company's legal form
    "公司": "Company",
    "集团": "Company",
    "银行": "Company",
    "大学": "University",
    "学院": "University",
    "职业学院": "University",
    "中学": "School",
    "小学": "School",
    "学校": "School",
    "幼儿园": "School",
    "支队": "PoliceUnit",
    "大队": "PoliceUnit",
    "中队": "PoliceUnit",
    "派出所": "PoliceUnit",
    "公安局": "PoliceUnit",
    "公安厅": "PoliceUnit",
    "警航队": "PoliceUnit",
    "边境管理局": "PoliceUnit",
    "部队": "MilitaryUnit",
    "军区": "MilitaryUnit",
    "军分区": "MilitaryUnit",
    "武警": "MilitaryUnit",
    "局": "GovernmentBody",
    "厅": "GovernmentBody",
    "委员会": "GovernmentBody",
    "委": "GovernmentBody",
    "政府": "GovernmentBody",
    "人大": "GovernmentBody",
    "政协": "GovernmentBody",
    "法院": "GovernmentBody",
    "检察院": "GovernmentBody",
    "海关": "GovernmentBody",
    "部": "GovernmentBody",
    "办公室": "GovernmentBody",
    "办": "GovernmentBody",
    "司": "GovernmentBody",  # a ministry's department (规划司); 公司 is the longer suffix
    "市委": "PartyBody",
    "省委": "PartyBody",
    "县委": "PartyBody",
    "旗委": "PartyBody",
    "盟委": "PartyBody",
    "州委": "PartyBody",
    "区委": "PartyBody",
    "党委": "PartyBody",
    "党组": "PartyBody",
    "纪委": "PartyBody",
    "工委": "PartyBody",
    "组织部": "PartyBody",
    "宣传部": "PartyBody",
    "统战部": "PartyBody",
    "合作社": "Cooperative",
    "科学院": "Organization",
    "研究院": "Organization",
    "研究所": "Organization",
    "研究中心": "Organization",
    "协会": "Organization",
    "学会": "Organization",
    "医院": "Organization",
    "日报": "NewsMedia",
    "晚报": "NewsMedia",
    "报社": "NewsMedia",
    "电视台": "NewsMedia",
    "广播电台": "NewsMedia",
    "通讯社": "NewsMedia",
}
COARSE = {"Place", "Organization"}
# Suffixes strong enough to override a tagger's "Person" on a long span (额布都格边境派出所).
STRONG_SUFFIX_MIN = 2
# Title suffixes of works in 《》; checked in order, the first that ends the title wins.
WORK_SUFFIXES = (
    ("条例", "Regulation"),
    ("规定", "Regulation"),
    ("办法", "Regulation"),
    ("细则", "Regulation"),
    ("法", "Law"),
    ("规范", "Standard"),
    ("标准", "Standard"),
    ("报告", "Report"),
    ("日报", "NewsMedia"),
    ("晚报", "NewsMedia"),
    ("报", "NewsMedia"),
    ("电讯", "NewsMedia"),
    ("杂志", "NewsMedia"),
)
TITLE = re.compile(r"《([^《》\n]{1,60})》")
# Class words after a quoted name: “雄鹰”警航队, “掌上办”平台, “天眼”固定翼无人机.
QUOTED_HEADS = (
    ("警航队", "PoliceUnit"),
    ("突击队", "PoliceUnit"),
    ("服务队", "Organization"),
    ("志愿服务队", "Organization"),
    ("工作室", "Organization"),
    ("平台", "Facility"),
    ("基地", "Facility"),
    ("项目", "Project"),
    ("工程", "Project"),
    ("无人机", "Equipment"),
    ("固定翼无人机", "Equipment"),
    ("号", "Product"),
)
QUOTED = re.compile(r"“([^“”\n，。、]{2,10})”")
# Facility heads named by their modifiers (民用液氢工厂, 新能源产业园); the modifier words come from the tagger's POS.
FACILITY_HEADS = {
    "工厂": "Facility",
    "电厂": "Facility",
    "液氢工厂": "Facility",
    "制氢厂": "Facility",
    "产业园": "IndustrialPark",
    "工业园": "IndustrialPark",
    "物流园": "IndustrialPark",
    "科技园": "IndustrialPark",
    "创业园": "IndustrialPark",
    "工业集中区": "IndustrialPark",
}
_FACILITY_ENDINGS = tuple(FACILITY_HEADS)
# Park words that make a name only after a name (某镇工业集中区, 某地台湾农民创业园).
NAMED_PARK_HEADS = frozenset({"科技园", "创业园", "工业集中区"})
MODIFIER_TAGS = {"n", "nz", "a", "b", "vn", "an", "ORG", "LOC", "nt", "ns"}
# What may follow a place and make a port or station of it (二连浩特口岸).
PLACE_HEADS = (
    ("口岸", "Port"),
    ("火车站", "Station"),
    ("站", "Station"),
    ("港", "Port"),
    ("机场", "Station"),
    ("班列", "Product"),
    # named economic regions (成渝地区双城经济圈, 平陆运河经济带, 北部湾经济区, 关中平原城市群): regions, not divisions
    ("经济圈", "Region"),
    ("经济带", "Region"),
    ("经济区", "Region"),
    ("城市群", "Region"),
    ("铁路", "Facility"),  # a railway named by the places it joins (北黑铁路)
)  # 中欧班列: a named freight-train service between the places
# Heads after which the places before, printed one after another, are all part of the name (成渝地区|双城|经济圈).
CHAIN_HEADS = ("经济圈", "经济带", "经济区", "城市群", "铁路")
# Administrative level words: a span made only of these is a category (盟市, 嘎查村, 旗县), not a name.
LEVEL_WORDS = ("自治区", "省", "市", "盟", "旗", "县", "区", "乡", "镇", "苏木", "嘎查", "村", "街道", "社区", "州")
# Heads of generic terms the tagger sometimes takes for organizations (新能源汽车, 新时代).
# News agencies whose whole name is a class word elsewhere (…社): named here so that they are not dropped as bare words.
AGENCIES = {
    name: "NewsMedia"
    for name in (
        "新华社",
        "中新社",
        "中通社",
        "法新社",
        "美联社",
        "路透社",
        "共同社",
        "塔斯社",
        "俄通社",
        "合众国际社",
        "安莎社",
        "韩联社",
        "德新社",
        "埃菲社",
        "时事社",
        "朝中社",
        "越通社",
        "安塔拉社",
        "拉美社",
        "中东社",
    )
}
# A kind of organization with nothing that names one (农民专业合作社, 域内农民专业合作社, 各类合作社).
GENERIC_BODY = re.compile(r"^(?:域内|区域内|辖区内?|全[省市县区镇乡]|各类?|当地|本地|新型)?(?:农民)?(?:专业)?合作社$")
GENERIC_HEADS = ("汽车", "时代", "能源", "经济", "产业", "技术", "材料", "工程", "领域", "体系", "模式", "发展")
GENERIC_PLACE_CHARS = set("河湖山海江林草田边城乡村区市县旗盟镇省州水路港站园地")
# Post titles, longest first when matched.
POST_TITLES = (
    "董事长",
    "副董事长",
    "董事",
    "总经理",
    "副总经理",
    "经理",
    "副经理",
    "总裁",
    "副总裁",
    "总监",
    "总工程师",
    "书记",
    "副书记",
    "党委书记",
    "党组书记",
    "常委",
    "委员",
    "主席",
    "副主席",
    "秘书长",
    "省长",
    "副省长",
    "主席团",
    "市长",
    "副市长",
    "盟长",
    "副盟长",
    "州长",
    "副州长",
    "旗长",
    "副旗长",
    "县长",
    "副县长",
    "区长",
    "副区长",
    "镇长",
    "乡长",
    "苏木达",
    "嘎查达",
    "村长",
    "村主任",
    "部长",
    "副部长",
    "组织部长",
    "宣传部长",
    "统战部长",
    "厅长",
    "副厅长",
    "局长",
    "副局长",
    "处长",
    "副处长",
    "科长",
    "主任",
    "副主任",
    "所长",
    "副所长",
    "站长",
    "队长",
    "副队长",
    "支队长",
    "副支队长",
    "大队长",
    "政委",
    "教导员",
    "校长",
    "副校长",
    "院长",
    "副院长",
    "会长",
    "理事长",
    "负责人",
    "总编辑",
    "社长",
)
TITLE_PATTERN = re.compile("(?:" + "|".join(sorted(POST_TITLES, key=len, reverse=True)) + ")")
POST_CHAIN = re.compile("((?:" + TITLE_PATTERN.pattern + ")(?:、?(?:" + TITLE_PATTERN.pattern + "))*)$")
NAME_STOP = set("说表示介绍指出认为强调称在的是等和与及于向从将把对为以由被也都还又并但就、，。：；！？“”（）() \n")
SAID = set(
    "说表介指强认称谈告，。、）；："
)  # what follows a name printed after a post: 说, 表示, 介绍 … or punctuation
# Verbs a name printed after a post is followed by in reports of meetings and visits (州长某某出席, 副区长某某陪同).
ATTENDING_VERBS = frozenset("出席 陪同 主持 参加 讲话 致辞 带队 率队 一行 宣布 调研 考察 会见 参观 作了".split())
# Byline role words, longest first; names run until the next role word or a terminator.
BYLINE_ROLES = (
    ("见习记者", "reporter"),
    ("特约记者", "reporter"),
    ("记者", "reporter"),
    ("实习生", "intern"),
    ("通讯员", "correspondent"),
    ("摄影", "photographer"),
)
BYLINE_START = re.compile(r"(?:本报|[（(□■]|^)(?=见习记者|特约记者|记者|实习生|通讯员|摄影)", re.M)
BYLINE_END = re.compile(r"摄影报道|报道|摄影|摄|[）)]|[^\u4e00-\u9fff·]")
# Heads of organizations and places that may be repeated alone, or after 该/本/其, for the full name.
ANAPHOR_HEADS = (
    "公司",
    "集团",
    "支队",
    "大队",
    "派出所",
    "学院",
    "大学",
    "工厂",
    "口岸",
    "园区",
    "市",
    "盟",
    "旗",
    "县",
)
ANAPHOR_PREFIX = ("该", "本", "其")
# Heads after which an in-article abbreviation may be formed (二连站 for 二连浩特站).
ABBREVIATION_HEADS = ("站", "口岸", "支队", "公司", "集团", "学院", "大学", "派出所", "工业园", "产业园")


@cache
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """Chinese family names (all, and the hundred commonest single-character ones)."""
    lines = [
        line.strip()
        for line in (LEXICON / "surnames.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    single = "".join(line for line in lines if " " not in line)
    compound = [word for line in lines if " " in line for word in line.split()]
    return frozenset(single) | frozenset(compound), frozenset(single[:100])


def looks_like_name(text: str) -> bool:
    """Whether ``text`` can be a person's name: a family name first, or a transliterated name of 3+ characters."""
    every, _ = surnames()
    if len(text) < 2 or len(text) > 8 or not all(_cjk(c) or c in "·•" for c in text):
        return False
    if text[0] in every or text[:2] in every:
        return True
    return len(text) >= 3 and not any(text.endswith(suffix) for suffix in SUFFIX_CLASSES)


def _suffixes_by_last_character() -> dict[str, list[str]]:
    """SUFFIX_CLASSES' keys grouped by their last character, longest first (the first listed among equals)."""
    grouped: dict[str, list[str]] = {}
    for suffix in sorted(SUFFIX_CLASSES, key=len, reverse=True):  # sorted() is stable: listing order among equals
        grouped.setdefault(suffix[-1], []).append(suffix)
    return grouped


_SUFFIXES_BY_LAST = _suffixes_by_last_character()


def class_by_suffix(name: str, coarse: str) -> str:
    """The specific class a name's suffix implies (the longest suffix shorter than the name), or ``coarse`` when no
    suffix applies."""
    for suffix in _SUFFIXES_BY_LAST.get(name[-1:], ()):
        if len(name) > len(suffix) and name.endswith(suffix):
            return SUFFIX_CLASSES[suffix]
    return coarse


def work_class(title: str) -> str:
    """Class of a title printed in 《》: law, regulation, standard, report, newspaper or another work."""
    for suffix, cls in WORK_SUFFIXES:
        if title.endswith(suffix):
            return cls
    return "Work"


# Divisions counted (北三县, 千镇万村, 三县一区): how many of a level, no name.
COUNTED_DIVISIONS = re.compile(r"^[东西南北中]?(?:[一二三四五六七八九十两百千万]+[省市县区旗盟镇乡村])+$")


def is_category(text: str) -> bool:
    """Whether ``text`` is made only of administrative level words (盟市, 嘎查村, 旗县区) or counts divisions (北三县,
    千镇万村)."""
    if COUNTED_DIVISIONS.match(text):
        return True
    rest = text
    while rest:
        for word in LEVEL_WORDS:
            if rest.startswith(word):
                rest = rest[len(word) :]
                break
        else:
            return False
    return True


def _cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


class MentionIndex:
    """The mentions of one article, indexed by position so that look-ups stay fast on megabyte-long texts."""

    BUCKET = 32

    def __init__(self, mentions: list[Mention]) -> None:
        self.items: dict[int, Mention] = {}
        self.buckets: dict[int, list[Mention]] = {}
        for mention in mentions:
            self.add(mention)

    def _range(self, start: int, end: int) -> range:
        return range(start // self.BUCKET, max(start, end - 1) // self.BUCKET + 1)

    def add(self, mention: Mention) -> None:
        """Index ``mention``."""
        self.items[id(mention)] = mention
        for bucket in self._range(mention.start, mention.end):
            self.buckets.setdefault(bucket, []).append(mention)

    def remove(self, mention: Mention) -> None:
        """Forget ``mention`` (by identity)."""
        if self.items.pop(id(mention), None) is None:
            return
        for bucket in self._range(mention.start, mention.end):
            self.buckets[bucket] = [m for m in self.buckets.get(bucket, []) if m is not mention]

    def holds(self, mention: Mention) -> bool:
        """Whether ``mention`` itself is indexed (by identity: a dict look-up, where ``in`` would compare it with
        every mention field by field)."""
        return self.items.get(id(mention)) is mention

    def __iter__(self) -> Iterator[Mention]:
        return iter(list(self.items.values()))

    def __len__(self) -> int:
        return len(self.items)

    def overlapping(self, start: int, end: int) -> list[Mention]:
        """Mentions that share a character with ``[start, end)``."""
        found: dict[int, Mention] = {}
        for bucket in self._range(start, end):
            for m in self.buckets.get(bucket, ()):
                if m.start < end and start < m.end:
                    found[id(m)] = m
        return list(found.values())

    def at(self, start: int, end: int) -> Mention | None:
        """The mention spanning exactly ``[start, end)``."""
        return next((m for m in self.buckets.get(start // self.BUCKET, ()) if m.start == start and m.end == end), None)

    def ending_at(self, end: int) -> Mention | None:
        """The longest mention that ends at ``end``."""
        candidates = [m for m in self.buckets.get(max(end - 1, 0) // self.BUCKET, ()) if m.end == end]
        return max(candidates, key=lambda m: m.end - m.start) if candidates else None

    def covering(self, offset: int) -> Mention | None:
        """A mention containing character ``offset``."""
        return next((m for m in self.buckets.get(offset // self.BUCKET, ()) if m.start <= offset < m.end), None)

    def sorted(self) -> list[Mention]:
        """The mentions in text order."""
        return sorted(self.items.values(), key=lambda m: (m.start, m.end, m.type))


class _Mentions:
    """The article's mentions with the operations the rules need."""

    def __init__(self, extraction: ArticleExtraction) -> None:
        self.extraction = extraction
        self.article = extraction.article
        self.text = extraction.article.text
        self.index = MentionIndex(extraction.mentions)

    @property
    def all(self) -> MentionIndex:
        return self.index

    def add(
        self, start: int, end: int, cls: str, score: float = 0.85, replace: bool = True, **attrs: str
    ) -> Mention | None:
        """Add a mention of ``text[start:end]``; with ``replace`` it displaces the mentions it overlaps."""
        if start >= end:
            return None
        overlapping = self.index.overlapping(start, end)
        if overlapping and not replace:
            return None
        for mention in overlapping:
            self.index.remove(mention)
        mention = Mention(self.article.id, start, end, self.text[start:end], cls, score, SOURCE, attrs=dict(attrs))
        self.index.add(mention)
        return mention

    def at(self, start: int, end: int) -> Mention | None:
        return self.index.at(start, end)

    def ending_at(self, end: int) -> Mention | None:
        return self.index.ending_at(end)

    def covering(self, offset: int) -> Mention | None:
        return self.index.covering(offset)

    def finish(self) -> None:
        """Write the mentions back to the extraction, in text order."""
        self.extraction.mentions = self.index.sorted()


# ---------------------------------------------------------------- the rules


# Characters that join names (与, 和, 及) and that a tagger sometimes keeps at the end of an organization's name.
JOINING_CHARS = "与和及同"
# Natural features: a name ending in one of these is a river, lake or canal, never a person.
WATER_HEADS = ("河", "湖", "溪", "渠", "运河", "水库")
# Heads that end place names and given names alike (王江, 李峰): a place only where the text treats it as one.
RELIEF_HEADS = ("江", "山", "峰", "岭", "海", "湾")
GEO_CONTEXT = (
    "流域",
    "沿岸",
    "两岸",
    "岸边",
    "河畔",
    "湖畔",
    "江畔",
    "之畔",
    "上游",
    "中游",
    "下游",
    "干流",
    "支流",
    "水系",
    "脚下",
    "山麓",
    "山脉",
    "山区",
    "景区",
    "河段",
    "水域",
    "湿地",
    "入海口",
    "源头",
)
# A body named only by its level word (县委, 区政府, 乡党委): the body of "this" division, which the article's context
# tells (kg.nlp.gazetteer.qualify_relative_names gives it its full name, kg.nlp.relate places it).
BARE_BODY = re.compile(r"^(省|自治区|市|州|盟|县|区|旗|镇|乡)(?:委|党委|政府|人民政府|人大|人大常委会|政协|纪委)$")
# A body printed with its twin of the same level (县委县政府, 紫金县委县政府): two bodies.
# Two bodies joined in one name by the tagger, each ending with a body's class word (县某局和县某局).
COORDINATED_BODIES = re.compile(r"^(.{3,}?(?:局|委|厅|办|院|会|部|政府|中心|公司))[和与及、](.{3,})$")
TWIN_BODIES = re.compile(r"^(.*?)([省市县区旗盟州])委\2(?:人民)?政府$")
DIVISION_LEVELS = ("县", "市", "区", "旗", "盟", "州")
# Tags of the word before a one-character division name that make it part of a phrase (产业|立县, 工业|兴县).
PHRASE_BEFORE_TAGS = {"n", "vn", "an", "a", "ad", "d"}


# Kinds of firms, never one firm's name (中央企业, 规上企业).
KINDS_OF_FIRMS = re.compile(
    r"^(?:中央|央属|国有|省属|市属|区属|民营|外资|外商|地方|骨干|龙头|规上|规模以上|重点|入驻)企业$"
)
# An activity the tagger ran into the body before it (中央政府|投资, 某局|工作).
TRAILING_ACTIVITY = re.compile(r"(?:投资|建设|发展|工作|支持|管理)$")
# What follows the issuer's code in an official document's number (某发〔2021〕3号, 某字〔2021〕15号).
DOCUMENT_NUMBER = re.compile(r"(?:字|发|函|办)?[〔［\[][12]\d{3}[〕］\]]")
# One-character words that open village and street names (北|黄家庄, 前|王庄村): a direction or a size.
NAME_OPENERS = frozenset("东西南北前后上下大小中新老")


def _opened_places(ms: _Mentions) -> None:
    """A place the tagger cut after a direction or size character it still called a place (北|黄家庄): one name."""
    for mention in sorted(ms.all, key=lambda m: m.start):
        if mention.type != "Place" or len(mention.text) != 1 or mention.text not in NAME_OPENERS:
            continue
        after = next((m for m in ms.all.overlapping(mention.end, mention.end + 1) if m.start == mention.end), None)
        if after is not None and after.type == "Place" and len(after.text) >= 2:
            ms.all.remove(mention)
            _move(ms, after, mention.start, after.end)


def fix_tagger_mentions(ms: _Mentions, tokens: list[Token] | None = None) -> None:
    """Specialise coarse classes by suffix and drop spans that are not names (see :func:`_reshape`)."""
    _opened_places(ms)
    peoples = _peoples()
    ending_at = {token.end: token for token in tokens or ()}
    for mention in list(ms.all):
        _reshape(ms, mention)
        if not ms.all.holds(mention):
            continue
        if mention.type == "Place":
            _trim_trailing_verb(ms, mention, ending_at)
        text = mention.text
        if _fragment(ms, mention, ending_at):
            ms.all.remove(mention)
            continue
        if len(text.strip()) < 2 or is_category(text) or text != text.strip() or _not_a_name(text, peoples):
            ms.all.remove(mention)
            continue
        if mention.type == "Person" and text in AGENCIES:
            mention.type = AGENCIES[text]  # 新华社 is no person, whatever its first character
            continue
        if mention.type == "Person" and _natural_feature(ms.text, mention):
            mention.type = "Place"
        if mention.type == "Person" and _photo_credit_name(ms.text, mention):
            _move(ms, mention, mention.start, mention.end - 1)  # 某某摄 closing a credit: the photographer is 某某
            text = mention.text
        if mention.type == "Person" and _cut_name(ms.text, mention):
            _move(ms, mention, mention.start, mention.end + 1)
            text = mention.text
        if mention.type == "Person" and _family_name_cut_off(ms.text, mention):
            _move(ms, mention, mention.start - 1, mention.end)  # 主任盛|邱根: the family name after the title
            text = mention.text
        if mention.type == "Person":
            specific = class_by_suffix(text, "Person")
            if specific != "Person" and len(text) >= 4 and _suffix_len(text) >= STRONG_SUFFIX_MIN:
                mention.type = specific
            elif not looks_like_name(text):
                ms.all.remove(mention)
            continue
        if mention.type == "Place" and ROAD_EXTENSION.search(text):
            mention.type = "Facility"  # 某某大街东延, 某某路北延段: a road's extension, a built thing
            continue
        if mention.type in COARSE and KINDS_OF_FIRMS.match(text):
            ms.all.remove(mention)  # 中央企业, 民营企业: a kind of firm
            continue
        trailing = TRAILING_ACTIVITY.search(text) if mention.type in COARSE else None
        if trailing is not None and class_by_suffix(text[: trailing.start()], ""):
            _move(ms, mention, mention.start, mention.start + trailing.start())  # 中央政府|投资: the body
            text = mention.text
        if mention.type in COARSE and DOCUMENT_NUMBER.match(ms.text, mention.end):
            ms.all.remove(mention)  # 某农社字〔2021〕15号: a document's number, its issuer's code no name
            continue
        if mention.type == "Organization" and text.endswith("代表") and looks_like_name(text[:-2]) and len(text) <= 5:
            # 某某某代表区委…: the person who represents, the verb no part of a body's name
            _move(ms, mention, mention.start, mention.end - 2)
            mention.type = "Person"
            continue
        if mention.type in COARSE:
            mention.type = AGENCIES.get(text) or class_by_suffix(text, mention.type)
            if mention.type == "Organization" and text.endswith(GENERIC_HEADS):
                ms.all.remove(mention)
            elif mention.type == "Place" and 2 <= len(text) <= 4 and set(text) <= GENERIC_PLACE_CHARS:
                # 河湖, 江河湖, 林田湖 (from 山水林田湖草): kinds of land and water, not a place's name
                ms.all.remove(mention)


def _reshape(ms: _Mentions, mention: Mention) -> None:
    """Mend a tagger's span in place: a joining character dropped from the end of an organization's name
    (某某旗人民政府与 → 某某旗人民政府), a body's 中心 that opens 中心工作 (某市政府|中心工作), a dateline's 讯
    dropped from its place (某地讯 → 某地), and twin bodies split (某县委县政府 → 某县委 and 县政府)."""
    text = mention.text
    if mention.type in COARSE and len(text) > 3 and text[-1] in JOINING_CHARS and class_by_suffix(text[:-1], ""):
        _move(ms, mention, mention.start, mention.end - 1)
    elif (
        mention.type in COARSE
        and text.endswith("中心")
        and ms.text.startswith(("工作", "任务"), mention.end)
        and class_by_suffix(text[:-2], "")
    ):
        _move(ms, mention, mention.start, mention.end - 2)  # 市政府|中心工作: the body's central task
    elif mention.type in COARSE | {"Person"} and (
        mention.start == 0
        or not _cjk(ms.text[mention.start - 1])
        or ms.text.endswith(("本报", "本刊"), 0, mention.start)
    ):
        if len(text) >= 3 and text.endswith("讯"):
            _move(ms, mention, mention.start, mention.end - 1)
            mention.type = "NewsMedia" if mention.text.endswith(MEDIA_ENDINGS) else "Place"  # 某某网讯: an outlet
        elif ms.text.startswith("讯", mention.end):
            mention.type = "NewsMedia" if text.endswith(MEDIA_ENDINGS) else "Place"
    if mention.type == "Place" and len(text) >= 3 and text.endswith("段") and text[:-1].endswith(WATER_HEADS):
        _move(ms, mention, mention.start, mention.end - 1)  # 某某河段, a stretch of the river: the river
    pair = COORDINATED_BODIES.match(mention.text)
    if pair is not None and mention.type in COARSE and all(class_by_suffix(p, "") for p in pair.groups()):
        # 县文旅局和县市场监管局: two bodies the tagger kept as one name
        left_end = mention.start + len(pair.group(1))
        ms.all.remove(mention)
        for start, end in ((mention.start, left_end), (left_end + 1, mention.end)):
            ms.add(start, end, class_by_suffix(ms.text[start:end], mention.type), mention.score, replace=False)
        return
    twin = TWIN_BODIES.match(mention.text)
    if twin is not None and mention.type in COARSE | {"GovernmentBody", "PartyBody"}:
        party_end = mention.start + len(twin.group(1)) + 2
        ms.all.remove(mention)
        ms.add(mention.start, party_end, "PartyBody", mention.score, replace=False)
        ms.add(party_end, mention.end, "GovernmentBody", mention.score, replace=False)


def _move(ms: _Mentions, mention: Mention, start: int, end: int) -> None:
    ms.all.remove(mention)
    mention.start, mention.end, mention.text = start, end, ms.text[start:end]
    ms.all.add(mention)


def _cut_name(text: str, mention: Mention) -> bool:
    """Whether a two-character person is a three-character name the tagger cut short (王某|时说 → 王某时): one more
    character that cannot follow a name as a word of its own, then punctuation, a verb of saying or the end."""
    end = mention.end
    if len(mention.text) != 2 or end >= len(text) or not _cjk(text[end]) or text[end] in AFTER_NAME:
        return False
    return end + 1 >= len(text) or text[end + 1] in NAME_CLOSERS


def _family_name_cut_off(text: str, mention: Mention) -> bool:
    """Whether a two-character person printed right after a post title lost its family name to the title's side
    (主任盛|邱根): the character between the title and the name is a family name."""
    start = mention.start
    if len(mention.text) != 2 or start < 3 or text[start - 1] not in surnames()[0]:
        return False
    return POST_CHAIN.search(text, max(0, start - 12), start - 1) is not None


def complete_cut_names(ms: _Mentions) -> None:
    """A two-character person followed by the character that makes it a three-character person named in the same
    article is that person, cut short by the tagger (金灵|占在… beside 金灵占)."""
    text = ms.text
    full = {m.text for m in ms.all if m.type == "Person" and len(m.text) == 3}
    for mention in list(ms.all):
        end = mention.end
        if mention.type == "Person" and len(mention.text) == 2 and end < len(text) and mention.text + text[end] in full:
            _move(ms, mention, mention.start, end + 1)


# Titles after which a person's given name alone refers to the person (亚明区长 for 王亚明).
GIVEN_NAME_TITLES = (
    "书记",
    "区长",
    "县长",
    "市长",
    "镇长",
    "乡长",
    "省长",
    "旗长",
    "州长",
    "主任",
    "局长",
    "部长",
    "厅长",
    "处长",
    "主席",
    "董事长",
    "总经理",
    "同志",
)


def given_names(ms: _Mentions) -> None:
    """A three-character person's given name followed by a title (亚明区长 after 区长王亚明) refers to that person
    (``attrs["ref"]``), whatever the tagger made of it."""
    text = ms.text
    persons = [m for m in ms.all if m.type == "Person" and len(m.text) == 3 and not m.attrs.get("ref")]
    for person in sorted(persons, key=lambda m: m.start):
        given = person.text[1:]
        for match in re.finditer(re.escape(given), text[person.end :]):
            start = person.end + match.start()
            end = start + 2
            if not text.startswith(GIVEN_NAME_TITLES, end) or (start > 0 and text[start - 1] == person.text[0]):
                continue
            if any(m.start < start or m.end > end for m in ms.all.overlapping(start, end)):
                continue  # inside a longer name
            ms.add(start, end, "Person", 0.8, ref=f"{person.start}:{person.end}")


# A road or line and the direction it is extended in (某某大街东延, 某某路北延段, 某某线南延线).
ROAD_EXTENSION = re.compile(r"..(?:路|街|大街|大道|公路|线)[东西南北]延[段线]?$")


def _photo_credit_name(text: str, mention: Mention) -> bool:
    """Whether a person the tagger ran into the 摄 ("photographed by") closing a credit line (图源某报某某摄)."""
    end = mention.end
    return 3 <= len(mention.text) <= 4 and mention.text.endswith("摄") and (end >= len(text) or text[end] in "\n）)】")


def _natural_feature(text: str, mention: Mention) -> bool:
    """Whether a span a tagger called a person is a river, lake or mountain: it ends with a water word (黄河, 青山湖),
    or with a relief word (江, 山, 峰) and the text goes on as about a place (…流域, …两岸, …脚下)."""
    name = mention.text
    if len(name) < 2 or not all(_cjk(c) for c in name):
        return False
    if name.endswith(WATER_HEADS):
        return True
    return name.endswith(RELIEF_HEADS) and text.startswith(GEO_CONTEXT, mention.end)


def _trim_trailing_verb(ms: _Mentions, mention: Mention, ending_at: dict[int, Token]) -> None:
    """A place the tagger ran into the verb after it (某地协同, 某市发展): the verb's word is not part of the name."""
    last = ending_at.get(mention.end)
    if last is not None and last.pos in {"v", "vn"} and mention.start < last.start and mention.end - last.start >= 2:
        _move(ms, mention, mention.start, last.start)


def _fragment(ms: _Mentions, mention: Mention, ending_at: dict[int, Token]) -> bool:
    """A one-character name with a division's level word (立县, 兴市) glued to the noun or adverb before it is a
    slogan's fragment (产业立县, 科技兴市), not a division: a real one follows a place (山西兴县), a verb (赴兴县), a
    function word or punctuation."""
    if len(mention.text) != 2 or not mention.text.endswith(DIVISION_LEVELS) or mention.attrs.get("code"):
        return False
    before = ending_at.get(mention.start)
    return before is not None and before.pos in PHRASE_BEFORE_TAGS and ms.ending_at(mention.start) is None


# Currencies a tagger takes for persons (第纳尔, 马克) or places.
CURRENCIES = frozenset(
    "美元 欧元 日元 英镑 马克 法郎 卢布 第纳尔 里拉 比索 卢比 林吉特 泰铢 韩元 港元 港币 澳元 加元 新台币 兰特 雷亚尔 "
    "克朗 先令 盾 比塞塔 埃斯库多 戈比 里亚尔 迪拉姆 谢克尔 卢比亚 披索 人民币".split()
)
# Words that point at a place rather than name it, before a level word (当地乡, 各县, 本镇).
DEICTICS = ("当地", "本地", "外地", "各", "该", "本", "全", "每", "这", "那", "某", "邻", "外", "其")
# What a category of places is called by (百强县, 贫困县, 试点市), not a name.
GENERIC_PLACE_BODIES = frozenset(
    "百强 贫困 示范 先进 试点 重点 文明 模范 边境 民族 老区 山区 沿海 内陆 口岸 农业 工业 大 小 整 多 少 几 强".split()
)
GENERIC_PLACE_ENDINGS = tuple(word for word in GENERIC_PLACE_BODIES if len(word) >= 2 and word not in ("民族", "口岸"))
# Generic towns: 西南重镇 ("an important town of the southwest"), 历史文化名镇.
GENERIC_TOWNS = ("重镇", "大镇", "强镇", "名镇")
# Followers of a religion, named like a people (穆斯林).
BELIEVERS = frozenset("穆斯林 基督徒 天主教徒 佛教徒 教徒 信徒".split())


@cache
def _peoples() -> frozenset[str]:
    """Names of China's ethnic groups with their 族 (from the division package's list), and believers. Without 族 a
    group's name is often a place's (朝鲜, 俄罗斯, 蒙古) and stays."""
    from kg.nlp.gazetteer import ethnic_groups

    return frozenset({group for group in ethnic_groups() if group.endswith("族")} | BELIEVERS)


def _not_a_name(text: str, peoples: frozenset[str]) -> bool:
    """A currency (马克), a people (维吾尔族, 穆斯林), the paper itself (本报讯), a deictic or generic place (当地乡,
    本镇, 百强县, 贫困县) or a generic town (西南重镇)."""
    if text in CURRENCIES or text in peoples or text.startswith(("本报", "本刊")) or text.endswith(GENERIC_TOWNS):
        return True
    level = next((w for w in LEVEL_WORDS if text.endswith(w) and len(text) > len(w)), None)
    if level is None:
        return False
    body = text[: -len(level)]
    # 美丽乡村示范村, 省级贫困县: the category word may come after what qualifies it
    return body in DEICTICS or body in GENERIC_PLACE_BODIES or body.endswith(GENERIC_PLACE_ENDINGS)


def _suffix_len(name: str) -> int:
    return max((len(s) for s in SUFFIX_CLASSES if name.endswith(s) and len(name) > len(s)), default=0)


def bylines(ms: _Mentions, tokens: list[Token] | None = None) -> None:
    """Reporters, interns, correspondents and photographers credited inside the text (本报记者王塔娜实习生李文清).
    Words the tagger read as verbs are no names (记者|采访|看到，: a sentence about the reporter)."""
    text = ms.text
    verbs = {t.start: t.end for t in tokens or () if t.pos in VERB_TAGS and len(t.text) >= 2}
    for start in BYLINE_START.finditer(text):
        at = start.end()
        while at < len(text):
            role = next(((w, r) for w, r in BYLINE_ROLES if text.startswith(w, at)), None)
            if role is None:
                break
            at += len(role[0])
            end_match = BYLINE_END.search(text, at)
            run_end = end_match.start() if end_match else len(text)
            for word, _ in BYLINE_ROLES:  # the next role word ends this name run
                found = text.find(word, at, run_end)
                if found >= 0:
                    run_end = found
            names = split_names(text[at:run_end])
            if not names or _verbs_only(verbs, at, run_end):
                break
            offset = at
            for name in names:
                ms.add(offset, offset + len(name), "Person", 0.9, role=role[1])
                offset += len(name)
            at = run_end


VERB_TAGS = frozenset({"v", "vd", "vn"})


def _verbs_only(verbs: dict[int, int], start: int, end: int) -> bool:
    """Whether ``start:end`` is made of words of two characters or more the tagger read as verbs (采访|看到)."""
    at = start
    while at < end and at in verbs:
        at = verbs[at]
    return at == end


NON_NAME_CHARS = set("的了从在是和与及日月年召开会上中对向为把被将等着过这那个们我你他她它据经")
# What may follow a name and cannot be its last character: verbs of saying, function words, forms of address.
AFTER_NAME = NAME_STOP | NON_NAME_CHARS | SAID | set("同先女书主局总部处科所院校老师君氏家摄")
NAME_CLOSERS = set("，。、；：！？）)”」 \n说表介指强认称谈告等,.;:!?")


def split_names(run: str) -> list[str]:
    """One or more names written together in a byline (``王明李强`` → 王明, 李强); [] if it is not names."""
    # Solved for every suffix from the shortest up, so that a run of a thousand names needs neither a thousand nested
    # calls (RecursionError) nor the same suffix tried again (exponential): ``first[at]`` is the length of the first
    # name of ``run[at:]`` (0: the suffix is not names), and each suffix costs constant time.
    _, common = surnames()
    size = len(run)
    first = [0] * (size + 1)
    clean_after = True  # no character of NON_NAME_CHARS after position ``at``
    for at in range(size - 1, -1, -1):
        length = size - at
        if length >= 2 and clean_after:
            first[at] = _first_name(run, at, length, common, first)
        clean_after = clean_after and run[at] not in NON_NAME_CHARS
    names = []
    at = 0
    while first[at]:
        names.append(run[at : at + first[at]])
        at += first[at]
    return names


def _first_name(run: str, at: int, length: int, common: frozenset[str], first: list[int]) -> int:
    """The length of the first name of ``run[at:]`` (``length`` characters, none of NON_NAME_CHARS after the first) or
    0, given the answer for every shorter suffix in ``first``."""
    if length <= 4 or (length <= 6 and not any(c in common for c in run[at + 2 : at + 4])):
        return length if looks_like_name(run[at:]) else 0
    if run[at] not in common:
        return length if length <= 6 and looks_like_name(run[at:]) else 0
    for cut in (3, 2):  # a Han name is two or three characters; the next one starts with a family name too
        if run[at + cut] in common and first[at + cut]:
            return cut
    return 0


def works(ms: _Mentions) -> None:
    """Titles in 《》 by their suffix, and short titles that stand for an earlier full one (《条例》)."""
    text = ms.text
    full_titles: list[Mention] = []
    for match in TITLE.finditer(text):
        start, end = match.span(1)
        title = match.group(1)
        antecedent = next((m for m in reversed(full_titles) if m.text.endswith(title) and m.text != title), None)
        if antecedent is None and (len(title) < 2 or any(title == suffix for suffix, _ in WORK_SUFFIXES)):
            continue  # 《条例》 with no full title before it: a reference we cannot resolve
        existing = ms.at(start, end)
        if existing is not None:
            ms.all.remove(existing)
        for inner in [
            m
            for m in ms.all.overlapping(start, end)
            if start <= m.start and m.end <= end and m.type in COARSE | {"Person"}
        ]:
            if inner.type == "Person":
                ms.all.remove(inner)  # a person's name inside a title is part of the title
        mention = Mention(ms.article.id, start, end, title, work_class(title), 0.9, SOURCE)
        if antecedent is not None:
            mention.type = antecedent.type
            mention.attrs["ref"] = f"{antecedent.start}:{antecedent.end}"
            mention.attrs["abbrev"] = "1"
        else:
            full_titles.append(mention)
        ms.all.add(mention)


# What follows the quoted name of a campaign, drive or named occasion: the quotation is the event's name
# (“某某行动”专项行动, “某某”主题活动, “某某”新闻发布会).
QUOTED_EVENT = re.compile(r"“([^“”\n，。；]{4,20})”(?=专项行动|系列活动|主题活动|专项活动|活动|新闻发布会|发布会)")


def quoted_names(ms: _Mentions) -> None:
    """A quoted name followed by a class word is one name: “雄鹰”警航队, “掌上办”平台; a quoted name before 活动,
    专项行动 or 发布会 names the event (the names inside it stay mentions of their own)."""
    text = ms.text
    for match in QUOTED_EVENT.finditer(text):
        start, end = match.span(1)
        inside = ms.all.overlapping(start, end)
        if any(m.start < start or m.end > end for m in inside) or ms.at(start, end) is not None:
            continue
        for mention in inside:
            if mention.type in ("Person", "Organization"):
                ms.all.remove(mention)  # a slogan's words the tagger took for a name (“打黑恶·缉枪爆”)
        ms.all.add(Mention(ms.article.id, start, end, text[start:end], "Event", 0.75, SOURCE))
    heads = sorted(QUOTED_HEADS, key=lambda h: -len(h[0]))
    for match in QUOTED.finditer(text):
        after = match.end()
        head = next(((w, c) for w, c in heads if text.startswith(w, after)), None)
        if head is None:
            continue
        end = after + len(head[0])
        if any(m.start < match.start() < m.end for m in ms.all.overlapping(match.start(), match.start() + 1)):
            continue
        if COUNT_BEFORE_QUOTE.search(text, max(0, match.start() - 6), match.start()):
            continue  # 4个“某某”项目: four projects of a kind
        ms.add(match.start(), end, head[1], 0.85, name=text[match.start() : end])


def place_heads(ms: _Mentions, tokens: list[Token] | None = None) -> None:
    """A place name directly followed by 口岸/站/港 names the port or station (二连浩特口岸); followed by
    经济圈, 经济带, 城市群 or 铁路 it names a region or a railway, with the place names printed right before it
    (成渝地区双城经济圈), and the places inside are fragments of that name, not mentions of their own."""
    text = ms.text
    # place words of the tagger too short to be mentions of their own (成|渝地区)
    place_words = {token.end: token.start for token in tokens or () if token.pos in {"LOC", "ns"}}
    for mention in list(ms.all):
        if not _place_like(mention) or not ms.all.holds(mention):
            continue
        for word, cls in PLACE_HEADS:
            end = mention.end + len(word)
            if text.startswith(word, mention.end) and (end >= len(text) or not _joins_word(text, end, word)):
                start = _chain_start(ms, mention, place_words) if word in CHAIN_HEADS else mention.start
                ms.add(start, end, cls, 0.85)
                break
    for mention in list(ms.all):
        # the tagger's own region (双城经济圈) after place names that belong to it (成渝地区)
        if mention.type == "Region" and mention.text.endswith(CHAIN_HEADS) and ms.all.holds(mention):
            start = _chain_start(ms, mention, place_words, include=False)
            if start < mention.start:
                ms.add(start, mention.end, mention.type, mention.score)


def _chain_start(ms: _Mentions, mention: Mention, place_words: dict[int, int], include: bool = True) -> int:
    """Where the place names printed right before ``mention`` (and ``mention`` itself, with ``include``) start; they
    are removed as mentions: fragments of the longer name."""
    inner = [mention] if include else []
    start = mention.start
    while True:
        before = ms.ending_at(start)
        if before is not None and _place_like(before):
            inner.append(before)
            start = before.start
        elif before is None and start in place_words:
            start = place_words[start]
        else:
            break
    for part in inner:
        ms.all.remove(part)
    return start


def _place_like(mention: Mention) -> bool:
    """A place of any kind, or a canal or river (平陆运河 opens 平陆运河经济带)."""
    return (
        mention.type == "Place"
        or mention.type.endswith(("Area", "City", "League", "Banner", "County", "District"))
        or (mention.type == "Facility" and mention.text.endswith("运河"))
    )


def _joins_word(text: str, end: int, head: str) -> bool:
    # 站 followed by 区/场/点/台/长 is a longer common word (站区, 站场, 站长), not the end of a station name.
    return head == "站" and text[end] in "区场点台长内外务房"


def facilities(ms: _Mentions, tokens: list[Token]) -> None:
    """Plants and parks named by their modifiers (民用液氢工厂; 某公司新能源产业园 with its owner)."""
    for index, token in enumerate(tokens):
        offset, word = token.start, token.text
        if not word.endswith(_FACILITY_ENDINGS):  # one C call rejects most words before the ordered search
            continue
        head = next((h for h in FACILITY_HEADS if word.endswith(h)), None)
        if head is None or ms.covering(offset) is not None:
            continue
        start = offset
        modifiers = 0
        j = index - 1
        while j >= 0 and modifiers < 3:
            tag = tokens[j].pos
            if tag not in MODIFIER_TAGS or tokens[j].end != start:
                break
            start = tokens[j].start
            j -= 1
            if tag in {"ORG", "LOC", "nt", "ns"}:
                break  # an owner or place name opens the facility's name
            modifiers += 1
        end = offset + len(word)
        if end - start - len(head) < 2:
            continue  # no name: a bare 工厂 is not an entity
        if head in NAMED_PARK_HEADS:
            if tokens[j + 1].pos not in NAMING_TAGS:
                continue  # 农民创业园, 工业集中区: a kind of park unless a name opens it (某镇工业集中区)
            while j >= 0 and tokens[j].pos == "LOC" and tokens[j + 1].pos == "LOC" and tokens[j].end == start:
                start = tokens[j].start  # 某市|台湾|农民创业园: the places before it name it together
                j -= 1
        inside = [t.text for t in tokens[j + 1 : index + 1]]
        counted = j >= 0 and tokens[j].end == start and bool(COUNT_BEFORE.match(tokens[j].text))
        if counted or any(w in CATEGORY_MODIFIERS for w in inside) or word[: -len(head)] in CATEGORY_MODIFIERS:
            continue  # 2个省级农业产业园, 配套产业园: a kind of park, counted or ranked
        owner = ms.at(start, tokens[j + 1].end) if j + 1 < index else None
        if owner is not None and end - owner.end - len(head) < 2 and not LEGAL_FORM_END.search(owner.text):
            ms.add(start, end, FACILITY_HEADS[head], 0.8)  # 某某医药|产业园: the name the tagger took for a firm's
        elif owner is not None and owner.type not in {"Place", "Person"}:
            # 某公司新能源产业园: the mention is the facility's own words; its full name carries the owner's.
            if end - owner.end - len(head) >= 2:
                ms.add(
                    owner.end,
                    end,
                    FACILITY_HEADS[head],
                    0.8,
                    name=ms.text[owner.start : end],
                    owner=f"{owner.start}:{owner.end}",
                )
        else:
            ms.add(start, end, FACILITY_HEADS[head], 0.8)


# A count right before a facility's words (2个省级产业园, 几座加工厂), not an ordinal (首座, 第一个).
COUNT_BEFORE = re.compile(r"^[\d两二三四五六七八九十百千万几多]+[个座家处所类项批]$")
# Heads of named projects and built things: the last word of the phrase (项目, 工程) or a word ending with one.
PROJECT_HEADS = (
    ("项目", "Project"),
    ("工程", "Project"),
    ("高速公路", "Facility"),
    ("公路", "Facility"),
    ("铁路", "Facility"),
    ("国道", "Facility"),
    ("水库", "Facility"),
    ("水电站", "Facility"),
    ("风电场", "Facility"),
    ("大桥", "Facility"),
    ("隧道", "Facility"),
    ("生产线", "Project"),
    ("基地", "Facility"),
    ("总部", "Facility"),  # a firm's headquarters as news reports its building (某银行总部, 某集团机床总部)
    ("延段", "Facility"),  # a line's or road's extension (某某6号线二期南延段)
    ("延线", "Facility"),
)
# Classes of built things: a project named after one (某某风电场|项目) is that thing's project, no category.
BUILT_CLASSES = frozenset({"Facility", "IndustrialPark", "Station", "Port", "School", "University"})
# Heads that name the thing a project builds only at the end of a phrase: 某某基地 is a base, 某某基地项目 the project.
INNER_HEADS = ("基地",)
# Class words of built things a project phrase may hold before category words (某港产业园|重点产业项目: the park's
# key projects, a category; the park is named).
PARK_WORDS = ("产业园", "工业园", "物流园", "园区", "开发区", "高新区", "基地", "新城")
_PROJECT_ENDINGS = tuple(word for word, _ in PROJECT_HEADS)
# Words a project's name may hold besides nouns and names: what is built and how (年产5万吨, 改扩建, 二期), 至 between
# two places (西安至宝鸡高速公路).
PHRASE_TAGS = {"n", "nz", "nw", "vn", "a", "an", "b", "m", "q", "LOC", "ORG", "ns", "nt", "nr", "PER", "s", "f"}
BUILD_VERBS = frozenset(
    "年产 改 扩建 改扩建 新建 迁建 续建 提升 改造 升级 建设 采选 冶炼 加工 开发 整治 配套 至".split()
)
COUNTED = re.compile(r"[\d.]+[个项类次批家处件宗]")  # 39个子项目: a count of projects
COUNTED_AFTER = re.compile(r"(?:超过|超|共|近|达|约|逾)?[\d.]+[个项类次批家处件宗]")  # 某类项目(超)52个
# A count right before a quoted name (4个“某某”项目): the quotation names a kind, counted.
COUNT_BEFORE_QUOTE = re.compile(r"[\d两二三四五六七八九十百千几多]+[个项批类家]$")
THRESHOLD = re.compile(r"元(?:以上|以下)")  # 5000万元以上项目: the projects above a sum (not 220千伏及以上项目)
OPENING_STOPS = frozenset("至 建设 开工 推进 实施 加快 启动".split())
# What a plant or a works does, printed inside its name as a verb (光伏发电示范项目, 供排水一体化项目, 淀粉糖加工):
# the verbs of production and of works, never the sentence's verb (投资, 签约, 参观), which ends the phrase.
PROCESS_VERBS = frozenset(
    "发电 供 供水 供热 供气 供电 排水 储 储能 纺 纺纱 养殖 种植 制造 加工 生产 回收 处理 利用 研发 采选 开采 治理 修复 "
    "保护 连通 培育 展示 改建 提质 安置 育种 孵化 仓储 冷藏 制备 保存".split()
)
# Conjunctions inside a name (燃料电池及配套基地, 综合治理与生态修复工程): only between words of one phrase.
INNER_CONJUNCTIONS = ("及", "与")
# A company's legal form: a project phrase that opens with such a name is the company's project (某有限公司年产5万吨
# 某某项目), named without it when the rest names it.
LEGAL_FORM_END = re.compile(r"(?:公司|集团)$")
# A measure in Chinese numerals (百万千瓦, 十万吨) names the size of one plant as a figure does.
CHINESE_MEASURE = re.compile(r"^[一二两三四五六七八九十百千万亿]+(?:千瓦|兆瓦|瓦|吨|锭|头|只|千伏)$")
PHASE = re.compile(r"[（(][一二三四五六七八九十\d]{1,2}期(?:工程)?[）)]")
# Characters that open many place names (上饶, 下关, 大同, 新乐) and that the tagger reads as a verb or an adjective
# when it cuts them off the name after a division's name (某县|下|某某水利枢纽).
NAME_OPENING_CHARACTERS = frozenset("上下大小新老")
LEVEL_CHARACTERS = tuple("省市县区旗盟州镇乡村")
PHASE_WORD = re.compile(r"^[一二三四五六七八九十\d]{1,2}期$")  # 二期 inside a name (某某6号线二期南延段), no ordinal
# What makes a phrase a name rather than a kind of thing: a proper name, a number or Latin letters (G216, TOD).
NAMING_TAGS = {"LOC", "ORG", "PER", "nz", "nw", "ns", "nt", "nr"}
# Classifiers of counts: 45个项目 counts projects, 5万吨 measures one.
COUNT_CLASSIFIERS = tuple("个項项类次批家处件宗所座")
# Modifiers that make a category of a place's or body's projects (某市重点项目, 某港建设项目), not a name.
CATEGORY_MODIFIERS = frozenset(
    "重点 重大 首批 签约 建设 产业 工业 新建 在建 续建 招商 开工 竣工 百大 省级 市级 县级 基础设施 民生 配套 子".split()
)


def naming_element(text: str, tokens: list[Token]) -> bool:
    """Whether a phrase (``text``, cut into ``tokens``) holds something that names: a proper name, a number, Latin
    letters or a quotation. 重点项目, 签约项目, 磷酸铁项目 and 养殖基地 are kinds of things; 5万吨磷酸铁项目,
    某大学图书馆扩建项目 and “蓝色粮仓”项目 name one."""
    if any(token.pos in NAMING_TAGS or CHINESE_MEASURE.match(token.text) for token in tokens):
        return True
    return any(c.isdigit() or ("a" <= c.lower() <= "z") or c in "“”《" for c in text) or any(
        c in "一二三四五六七八九十" and text[i + 1 : i + 2] in ("期", "号") for i, c in enumerate(text)
    )


def project_names(ms: _Mentions, tokens: list[Token]) -> None:
    """Named projects, roads and works: the words before a head (项目, 工程, 公路 …) that are nouns, names, numbers or
    building verbs, when they hold a naming element (:func:`naming_element`). Names inside stay mentions of their own
    (西安 in 西安至宝鸡高速公路改扩建工程); the road inside a project is named too."""
    text = ms.text
    for index, token in enumerate(tokens):
        if not token.text.endswith(_PROJECT_ENDINGS):  # one C call rejects most words before the ordered search
            continue
        head = next((w, c) for w, c in PROJECT_HEADS if token.text.endswith(w))
        if head[0] in INNER_HEADS and index + 1 < len(tokens) and tokens[index + 1].text.endswith(_PROJECT_ENDINGS):
            continue  # 某某基地|项目: the phrase goes on to the project's head
        end = token.end
        phase = PHASE.match(text, end)
        if phase is not None and head[1] == "Project":
            end = phase.end()
        first = index
        while first > 0 and index - first < 12:
            before = tokens[first - 1]
            if "\n" in text[before.end : tokens[first].start]:
                break  # a name does not run over a line break (a list of projects, one a line)
            if before.text == "”":  # a quoted name opening the phrase: “一河两岸”景观改造工程
                opening = next((j for j in range(first - 2, max(first - 8, 0) - 1, -1) if tokens[j].text == "“"), None)
                if opening is None or any(t.text in "，。、；：”" for t in tokens[opening + 1 : first - 1]):
                    break
                first = opening
                break
            if before.text in ")）":  # a phase in brackets inside the name: 供水一体化（二期）工程
                phase = PHASE.search(text, max(0, tokens[first].start - 6), tokens[first].start)
                at = next(
                    (
                        j
                        for j in range(first - 1, max(first - 6, 0) - 1, -1)
                        if phase is not None and phase.end() == tokens[first].start and tokens[j].end == phase.start()
                    ),
                    None,
                )
                if at is None and first >= 4 and tokens[first - 3].text in "(（" and tokens[first - 2].pos == "LOC":
                    at = first - 3  # a place in brackets inside the name: 某某(某市)物流中心项目
                if at is None:
                    break
                first = at
                continue
            if (
                before.text in NAME_OPENING_CHARACTERS
                and before.pos in ("v", "d", "a")
                and first >= 2
                and tokens[first - 2].pos == "LOC"
                and tokens[first - 2].text.endswith(LEVEL_CHARACTERS)
                and tokens[first].pos in NAMING_TAGS
                and tokens[first - 2].end == before.start
            ):
                first -= 1  # the first character of a name, cut off by the tagger after a division (某县|下|某某水库)
                continue
            if (
                before.pos not in PHRASE_TAGS
                and before.text not in BUILD_VERBS
                and before.text not in PROCESS_VERBS
                and not _inner_conjunction(tokens, first - 1)
            ):
                break
            if before.pos == "a" and first == index:
                break  # an adjective inside a name (大数据中心), not one that qualifies the head (严格|项目)
            if before.pos == "m" and (
                before.text.endswith(COUNT_CLASSIFIERS)
                or not (
                    any(c.isdigit() for c in before.text)
                    or CHINESE_MEASURE.match(before.text)
                    or PHASE_WORD.match(before.text)
                )
            ):
                break  # a count (45个) or an ordinal (首批) before the name, not part of it
            if before.pos == "q" and before.text in COUNT_CLASSIFIERS:
                break
            if before.text == "至" and (first < 2 or tokens[first - 2].pos not in NAMING_TAGS):
                break
            first -= 1
        while first < index and (
            tokens[first].text in OPENING_STOPS
            or tokens[first].text in PROCESS_VERBS
            or tokens[first].text in INNER_CONJUNCTIONS
            or tokens[first].pos in {"f", "q", "r"}
            or tokens[first].text.startswith(ANAPHOR_PREFIX)
        ):
            first += 1  # a phrase opens with a name or a noun, not with 至, 该县 or the verb of the sentence
        owner = _owning_company(ms, tokens, first, index)
        if owner is not None:
            first = owner  # 某有限公司|年产5万吨某某项目: the company's project, named without the company
        start = tokens[first].start
        if end - start - len(head[0]) < 2 or end - start > 40:
            continue
        words = tokens[first : index + 1]
        if any(t.text in INNER_CONJUNCTIONS for t in words) and not naming_element(
            text[start:end], [t for t in words if t.pos not in ("nz", "nw")]
        ):
            continue  # two things joined (某某体验及冰雪旅游项目) make a name only with a place, a body or a number
        phase_at = next((i for i, t in enumerate(words) if PHASE_WORD.match(t.text)), None)
        if phase_at is not None and not naming_element(text[start : words[phase_at].start], words[:phase_at]):
            continue  # 一期工程, 油田二期工程: a phase of something the phrase does not name
        if (
            not naming_element(text[start:end], words)
            or COUNTED.search(text, start, end)
            or THRESHOLD.search(text, start, end)
            or COUNTED_AFTER.match(text, end)
            or (first > 0 and COUNT_BEFORE.match(tokens[first - 1].text))
        ):
            continue  # a count (39个子项目, 某类项目52个) or a threshold (5000万元以上项目) makes a category
        last_name = max(
            (i for i, t in enumerate(words) if t.pos in NAMING_TAGS or any(c.isdigit() for c in t.text)), default=-1
        )
        between = [t.text for t in words[last_name + 1 :]]
        if between and between[-1].endswith(head[0]):
            between[-1] = between[-1][: -len(head[0])]
        built = (
            head[0] == "总部"
            or any(t.text in BUILD_VERBS for t in words[:last_name])
            or (last_name >= 0 and class_by_suffix(words[last_name].text, "") in BUILT_CLASSES and not any(between))
            or (
                last_name >= 0
                and words[last_name].pos in ("ORG", "nt", "nz")
                and not LEGAL_FORM_END.search(words[last_name].text)
                and not any(between)
                and not text.startswith(("区", "部", "组", "办"), end)
            )
        )  # 某某风电场项目, 某公司项目: one thing's or one firm's project, no category (某市项目 is one)
        if last_name < len(words) - 1 and all(word in CATEGORY_MODIFIERS or not word for word in between) and not built:
            continue  # the place's or body's key projects: a category (not 新建某党校项目, 某某风电场项目)
        if (
            len(between) > 1
            and between[0].endswith(PARK_WORDS)
            and all(word in CATEGORY_MODIFIERS or not word for word in between[1:])
            and any(between[1:])
        ):
            # 某港产业园|重点产业项目: the key projects of a named park are a category; the park is the name
            park_end = words[last_name + 1].end
            ms.add(start, park_end, class_by_suffix(text[start:park_end], "Facility"), 0.75)
            continue
        overlapping = ms.all.overlapping(start, end)
        if any(m.start <= start and end <= m.end for m in overlapping):
            continue  # already named, or inside a longer name (“某某工程”项目)
        for inner in overlapping:
            if built and inner.end == token.start and inner.start > start:
                continue  # 新建|某党校|项目: the thing the project builds, a name of its own
            if not (start <= inner.start and inner.end <= end) or inner.end == end or inner.type in COARSE - {"Place"}:
                ms.all.remove(inner)  # a cut-off or truncated version of this name
        thing = next(
            (m for m in ms.all.overlapping(start, end) if m.start == start and m.end == token.start),
            None,
        )
        attrs = {}
        if (
            thing is not None
            and head[0] == "项目"
            and (class_by_suffix(thing.text, "") in BUILT_CLASSES or thing.type == "Project")
        ):
            # 某某风电场|项目, 某某工程|项目: the project of a named built thing or works is that thing, under one
            # more name
            attrs = {"ref": f"{thing.start}:{thing.end}"}
        ms.all.add(Mention(ms.article.id, start, end, text[start:end], head[1], 0.75, SOURCE, attrs=attrs))


def _inner_conjunction(tokens: list[Token], at: int) -> bool:
    """Whether ``tokens[at]`` is 及 or 与 joining two words of one name (燃料电池及配套基地, 治理与修复工程): a
    phrase word on each side, and on the left neither a finished project nor a company's full name (甲公司及乙项目 is
    a list)."""
    if tokens[at].text not in INNER_CONJUNCTIONS or at == 0 or at + 1 >= len(tokens):
        return False
    left, right = tokens[at - 1], tokens[at + 1]
    return (
        left.end == tokens[at].start
        and left.pos in PHRASE_TAGS
        and right.pos in (PHRASE_TAGS | {"v"}) - NAMING_TAGS  # 某某思路及某地某园项目: two things, no name
        and not left.text.endswith(_PROJECT_ENDINGS)
        and not LEGAL_FORM_END.search(left.text)
    )


def _owning_company(ms: _Mentions, tokens: list[Token], first: int, index: int) -> int | None:
    """The first word after a company's full name that opens a project phrase (某某有限公司|年产5万吨某某项目, 某集团|
    某片区开发项目), when the rest still names the project; None when the phrase does not open with a company or the
    rest is a kind of project (某集团|片区综合开发项目 keeps its company)."""
    from kg.graph.vocab import is_subclass

    for cut in range(first + 1, index):
        company = ms.at(tokens[first].start, tokens[cut - 1].end)
        if company is None or not LEGAL_FORM_END.search(company.text) or not is_subclass(company.type, "Organization"):
            continue
        rest = tokens[cut : index + 1]
        text = ms.text[rest[0].start : rest[-1].end]
        if len(text) >= 5 and naming_element(text, rest):
            return cut
        return None
    return None


# Trades a company's short name ends with (某某重工, 某某新材料): after a name, and before a separator, a company.
TRADES = frozenset(
    "重工 新材料 材料 食品 科技 化工 医药 药业 电源 汽配 建材 纺织 生物 电子 电气 机械 实业 物流 乳业 牧业 "
    "农牧 陶瓷 钢铁 矿业 能源 环保 光电 光伏 股份 集团".split()
)
SEPARATORS = set("、，。；：和与及等")


def trade_names(ms: _Mentions, tokens: list[Token]) -> None:
    """A name the tagger found followed by a trade word and a separator, 项目 or 为代表/为龙头 is a company's short
    name (某某重工、某某新材料和…, 以某某汽配为代表): the tagger's span grows to take the trade."""
    text = ms.text
    starting_at = {token.start: token for token in tokens}
    for mention in list(ms.all):
        if mention.type not in {"Organization", "Place", "Person"} or mention.attrs.get("ref"):
            continue
        trade = starting_at.get(mention.end)
        if trade is None or trade.text not in TRADES or mention.end - mention.start < 2:
            continue
        if (
            trade.end < len(text)
            and text[trade.end] not in SEPARATORS
            and not text.startswith(("项目", "为代表", "为龙头"), trade.end)
        ):
            continue
        listed = starting_at.get(trade.end + 1)
        if listed is not None and (listed.text in TRADES or listed.text[:1] == "新" and listed.text[1:] in TRADES):
            continue  # 某市新材料、新能源…: the place's industries, a list of trades, not a firm
        ms.add(mention.start, trade.end, "Company", 0.75)


# What an organization or a project may carry in brackets inside its name: where it is (某某(银川)担保有限公司).
INNER_PLACE = re.compile(r"[（(]([\u4e00-\u9fff]{2,6})[）)]$")
# A session before a congress's or a conference's committee: 政协第六届某市委员会, 第十四届全国人大.
SESSION = re.compile(r"(?:政协|人大|中国人民政治协商会议)第[一二三四五六七八九十百\d]{1,4}届$")
BRACKETED_CLASSES = {
    "Organization",
    "Company",
    "Cooperative",
    "GovernmentBody",
    "Facility",
    "Project",
    "IndustrialPark",
}


def bracketed_names(ms: _Mentions, tokens: list[Token]) -> None:
    """Names with a place in brackets inside (某某(银川)融资担保有限公司, 某某(南昌)商会), which the tagger cuts at the
    bracket: the name before the bracket belongs to the name after it. And a committee's session before it
    (政协第六届某市委员会)."""
    text = ms.text
    ending_at = {token.end: token for token in tokens}
    for mention in list(ms.all):
        if mention.type not in BRACKETED_CLASSES:
            continue
        session = SESSION.search(text, max(0, mention.start - 16), mention.start)
        if session is not None and mention.text.endswith(("委员会", "常委会")):
            _move(ms, mention, session.start(), mention.end)
            continue
        inner = INNER_PLACE.search(text, max(0, mention.start - 8), mention.start)
        opening = inner.start() if inner is not None else None
        name = mention.text
        if name.count(")") + name.count("）") > name.count("(") + name.count("（"):  # 包头)风电有限公司: cut inside
            opening = max(
                text.rfind("(", max(0, mention.start - 8), mention.start),
                text.rfind("（", max(0, mention.start - 8), mention.start),
            )
        before = ending_at.get(opening) if opening is not None and opening >= 0 else None
        if before is None or before.pos not in NAMING_TAGS | {"n", "nz", "f"} or len(before.text) < 2:
            continue
        if any(m is not mention and m.start < before.start for m in ms.all.overlapping(before.start, mention.start)):
            continue
        for inside in ms.all.overlapping(before.start, mention.start):
            if inside is not mention and inside.type in COARSE | {"Person"} and inside.start == before.start:
                ms.all.remove(inside)  # the name's first word, not a name of its own
        _move(ms, mention, before.start, mention.end)


# Class words that end an organization's name after its body's words (…协会专家委员会, …镇农业综合服务中心).
# A body's one-character class word, whatever the tagger tagged it (合作交流|办 as a verb, 农业农村|局).
ONE_CHARACTER_TAILS = ("局", "办", "厅")
ORG_TAILS = (
    "委员会",
    "服务中心",
    "中心",
    "办公室",
    "合作社",
    "分会",
    "支部",
    "工作站",
    "服务站",
    "分公司",
    "子公司",
    "事业部",
    "研究院",
    "研究所",
    "协会",
    "联合会",
    "商会",
    "工作组",
    "调研组",
    "领导小组",
    "联合体",
    *ONE_CHARACTER_TAILS,
)
TAIL_TAGS = {"n", "vn", "nz", "an", "ORG"}


def organization_tails(ms: _Mentions, tokens: list[Token]) -> None:
    """Organizations keep their whole name when the tagger cuts it in two: nouns after a name that end with a class word
    (某协会|专家委员会) join it, and so does a name of the tagger's that is only a class phrase
    (某某种植|农民专业合作社) with the name and the division printed right before it (某旗某某种植农民专业合作社)."""
    from kg.graph.vocab import is_subclass

    starting_at = {token.start: index for index, token in enumerate(tokens)}
    for mention in sorted(ms.all, key=lambda m: m.start):
        if not ms.all.holds(mention):
            continue
        at, end = starting_at.get(mention.end), None
        if not is_subclass(mention.type, "Organization"):
            if not (
                (mention.type == "Place" or is_subclass(mention.type, "AdministrativeArea"))
                and at is not None
                and (_class_phrase(tokens[at]) or tokens[at].text in PLACE_BODY_WORDS)
                and tokens[at].pos not in NAMING_TAGS
                and not ms.all.overlapping(tokens[at].start, tokens[at].end)
            ):
                continue
            # 某市某县|关心下一代工作委员会: the divisions a body is named after (they stay mentions of their own), the
            # body's words read as a verb
            start, end = mention.start, tokens[at].end
            while (before := ms.ending_at(start)) is not None and is_subclass(before.type, "AdministrativeArea"):
                start = before.start  # 某市|某县|某乡|关心下一代工作委员会: the whole chain of divisions
            cls = class_by_suffix(tokens[at].text, "Organization")
            ms.all.add(Mention(ms.article.id, start, end, ms.text[start:end], cls, 0.8, SOURCE))
            continue
        taken = 0
        while (
            at is not None
            and at < len(tokens)
            and taken < 3
            and (
                tokens[at].pos in TAIL_TAGS
                or tokens[at].text in ONE_CHARACTER_TAILS
                or _class_phrase(tokens[at])  # 某市某县|关心下一代工作委员会, a phrase the tagger took for a verb
            )
        ):
            taken += 1
            if tokens[at].text.endswith(ORG_TAILS) and not ms.all.overlapping(mention.end, tokens[at].end):
                end = tokens[at].end
            at += 1
        if end is not None:
            own_suffix = class_by_suffix(mention.text, "") == mention.type
            _move(ms, mention, mention.start, end)
            if mention.type == "Organization" or own_suffix:
                # 合作交流|办: a government office; 某小学|关心下一代工作委员会: the committee, no school
                mention.type = class_by_suffix(mention.text, "Organization")
        before = ms.ending_at(mention.start)
        if (
            before is None
            or before.type not in {"Organization", "Cooperative", "Company"}
            or not (mention.text.endswith(ORG_TAILS) and class_by_suffix(mention.text, "") == mention.type)
        ):
            continue
        start = before.start
        place = ms.ending_at(start)
        if place is not None and (place.type == "Place" or place.type.endswith(PLACE_CLASS_ENDINGS)):
            start = place.start  # the division the organization is named after stays a mention of its own
        ms.all.remove(before)
        _move(ms, mention, start, mention.end)


# Bodies a town, county or city has by name (某镇|商会, 某县|工商联): after a division's name, the division's body.
PLACE_BODY_WORDS = frozenset(
    "商会 协会 学会 联合会 促进会 工商联 妇联 总工会 红十字会 团委 科协 侨联 文联 残联".split()
)


def _class_phrase(token: Token) -> bool:
    """A word of four characters or more that ends with a body's class word (工作委员会), whatever the tagger's tag: a
    body's name the tagger read as a verb phrase."""
    return len(token.text) >= 4 and token.pos not in ("w", "PER", "LOC", "TIME") and token.text.endswith(ORG_TAILS)


# Level words that open the name of a department of "this" province, city or county (市农业农村局, 县投促办).
DEPARTMENT_LEVELS = ("市", "县", "区", "旗", "州", "盟", "省")
# Words that open with a level character and are no level word (区域|布局, 市场, 县城).
NOT_LEVEL_OPENINGS = ("区域", "市场", "市民", "市区", "市县", "县域", "县城", "省内", "省市", "州市", "区县")


def relative_departments(ms: _Mentions, tokens: list[Token]) -> None:
    """A department of "this" city or county the tagger cut before its class character (市农业农村|局, 市投|促办):
    a word opening with a level word, then 局, 办 or 厅 or a two-character word ending with 办 (促办, 侨办), is one
    government body; the gazetteer gives it its place (:func:`kg.nlp.gazetteer.qualify_relative_names`)."""
    for index, token in enumerate(tokens[:-1]):
        tail = tokens[index + 1]
        if (
            not token.text.startswith(DEPARTMENT_LEVELS)
            or token.text.startswith(NOT_LEVEL_OPENINGS)
            or len(token.text) < (2 if token.pos == "ORG" else 3)
            or token.pos not in ("n", "nz", "ORG", "vn")
            or not (tail.text in ONE_CHARACTER_TAILS or len(tail.text) == 2 and tail.text.endswith("办"))
            or tail.start != token.end
        ):
            continue
        if any(m.start < token.start or m.end > tail.end for m in ms.all.overlapping(token.start, tail.end)):
            continue  # inside a longer name
        ms.add(token.start, tail.end, "GovernmentBody", 0.7)


PLACE_NAMED_CLASSES = ("GovernmentBody", "PartyBody", "Facility")


def named_after_places(ms: _Mentions) -> None:
    """A body or a built thing printed right after a place's name is named after it (河东区|合作交流办,
    重庆|光环购物公园): its name starts with the place, which stays a mention of its own."""
    for mention in list(ms.all):
        if mention.type not in PLACE_NAMED_CLASSES or mention.attrs.get("ref") or not ms.all.holds(mention):
            continue
        place = ms.ending_at(mention.start)
        if place is None or not _place_like(place) or mention.text.startswith(LEVEL_WORDS):
            continue
        _move(ms, mention, place.start, mention.end)
        ms.all.add(place)


# A city's new town or district named by its direction (某市东部新城, 某市城南新区): one place, with the city's name
# inside it, which stays a mention of its own.
NEW_TOWN_HEADS = ("新城", "新区")
NEW_TOWN_DIRECTIONS = ("东部", "西部", "南部", "北部", "城东", "城西", "城南", "城北")


def new_towns(ms: _Mentions, tokens: list[Token]) -> None:
    """某市|东部|新城 and 某市东部|新区 (the tagger's cuts): the new town is a place named after the city."""
    for index, token in enumerate(tokens[1:], start=1):
        before = tokens[index - 1]
        if token.text not in NEW_TOWN_HEADS or before.end != token.start:
            continue
        if before.text in NEW_TOWN_DIRECTIONS and index >= 2 and tokens[index - 2].pos == "LOC":
            start, place_end = tokens[index - 2].start, tokens[index - 2].end
            if place_end != before.start:
                continue
        elif before.pos == "LOC" and before.text.endswith(NEW_TOWN_DIRECTIONS) and len(before.text) >= 4:
            start, place_end = before.start, before.end - 2
        else:
            continue
        place = ms.at(start, place_end)
        ms.add(start, token.end, "Place", 0.8)
        ms.all.add(place or Mention(ms.article.id, start, place_end, ms.text[start:place_end], "Place", 0.75, SOURCE))


def division_chains(ms: _Mentions) -> None:
    """In a chain of divisions printed together (某某镇下某村, 某某乡大刘家某村), the characters between a town and the
    village after it belong to the village's name, and a direction the tagger put on the town (某某镇东|某村) too."""
    text = ms.text
    divisions = sorted(
        (m for m in ms.all if m.type in {"TownshipLevelArea", "VillageLevelArea", "Place"}), key=lambda m: m.start
    )
    for before, after in zip(divisions, divisions[1:], strict=False):
        if after.type != "VillageLevelArea" or before.end > after.start:
            continue
        level = next((w for w in ("镇", "乡", "街道", "苏木") if before.text.endswith(w)), None)
        gap = text[before.end : after.start]
        if (
            level is not None
            and 1 <= len(gap) <= 3
            and all(_cjk(c) for c in gap)
            and not ms.all.overlapping(before.end, after.start)
        ):
            _move(ms, after, before.end, after.end)
        elif (
            level is None
            and before.type == "Place"
            and before.end == after.start
            and len(before.text) >= 3
            and (before.text[-2] in "镇乡" and before.text[-1] in "东西南北前后上下大小")
        ):
            _move(ms, before, before.start, before.end - 1)
            before.type = "TownshipLevelArea"
            _move(ms, after, after.start - 1, after.end)


NAME_TAGS = {"PER", "LOC", "ORG", "nz", "nr", "ns", "nt", "nw"}
FUNCTION_TAGS = {"u", "p", "c", "w", "xc"}
# Classes whose members are typically named after a place and listed with a shared class word (A、B边境派出所).
COORDINATED_CLASSES = {
    "PoliceUnit",
    "Station",
    "Port",
    "School",
    "University",
    "IndustrialPark",
    "Facility",
    "TownshipLevelArea",
    "VillageLevelArea",
    "County",
    "Banner",
    "Company",
}


def coordinations(ms: _Mentions, tokens: list[Token]) -> None:
    """``A、B边境派出所``: A shares B's class words, so A is 'A边境派出所' (an elliptic mention of its own).

    A must be words the tagger marked as a name, and must not already end in a class word of its own.
    """
    text = ms.text
    token_at_end = {token.end: token for token in tokens}
    every, _ = surnames()
    for mention in sorted(ms.all, key=lambda m: -m.start):
        if mention.type not in COORDINATED_CLASSES or mention.attrs.get("ref"):
            continue
        shared = shared_suffix(mention.text)
        if not shared or len(shared) == len(mention.text):
            continue
        right = mention.start
        while right >= 2 and text[right - 1] == "、":
            end = right - 1
            start = end
            while (
                start in token_at_end and token_at_end[start].pos in NAME_TAGS and end - token_at_end[start].start <= 10
            ):
                start = token_at_end[start].start
            before = token_at_end.get(start)
            if start < end and before and len(before.text) == 1 and before.pos not in FUNCTION_TAGS:
                # The tagger split a transliterated name and tagged its first syllable on its own (阿|日哈沙特); take
                # it when a particle or preposition closes the phrase before it (…最近的阿日哈沙特).
                outer = token_at_end.get(before.start)
                if outer is not None and outer.pos in FUNCTION_TAGS:
                    start = before.start
            if end - start < 2 or class_by_suffix(text[start:end], "") or not all(_cjk(c) for c in text[start:end]):
                break
            inner = [m for m in ms.all.overlapping(start, end) if start <= m.start and m.end <= end]
            if any(m.type not in {"Person", "Place", "Organization"} for m in inner):
                break
            if any(m.type == "Person" and m.text[0] in every and len(m.text) <= 3 for m in inner):
                break  # a person's name in a list, not a place-named unit
            if any(not (start <= m.start and m.end <= end) for m in ms.all.overlapping(start, end)):
                break
            ms.add(start, end, mention.type, 0.7, name=text[start:end] + shared, elliptic="1")
            right = start


def shared_suffix(name: str) -> str:
    """The generic words that end a name (额布都格边境派出所 → 边境派出所), the part a coordination shares: its class
    word and the generic modifiers before it."""
    suffix = max((s for s in SUFFIX_CLASSES if name.endswith(s) and len(name) > len(s)), key=len, default="")
    if not suffix:
        return ""
    rest = name[: -len(suffix)]
    while True:
        word = next((w for w in SHARED_MODIFIERS if rest.endswith(w) and len(rest) > len(w)), None)
        if word is None:
            break
        rest = rest[: -len(word)]
    return name[len(rest) :]


SHARED_MODIFIERS = ("边境", "边防", "公安", "管理", "森林", "铁路", "交通", "职业", "技术", "人民", "国家", "分", "第")


class _Antecedents:
    """Earlier mentions by the class word their name ends with, for finding the nearest one before an offset."""

    def __init__(self, ms: _Mentions, heads: tuple[str, ...], by_name: bool) -> None:
        self.lists: dict[str, tuple[list[int], list[Mention]]] = {}
        for head in heads:
            found = [
                m
                for m in ms.all
                if not m.attrs.get("anaphor")
                and not m.attrs.get("ref")
                and (
                    (m.text.endswith(head) and len(m.text) > len(head))
                    or (by_name and head in {"市", "盟", "旗", "县"} and m.attrs.get("name", "").endswith(head))
                )
            ]
            found.sort(key=lambda m: (m.end, m.start))
            self.lists[head] = ([m.end for m in found], found)

    def before(self, head: str, offset: int, limit: int = 1) -> list[Mention]:
        """Up to ``limit`` mentions ending with ``head`` that end at or before ``offset``, nearest first."""
        ends, found = self.lists.get(head, ([], []))
        index = bisect.bisect_right(ends, offset)
        return found[max(0, index - limit) : index][::-1]


def anaphora(ms: _Mentions, tokens: list[Token]) -> None:
    """该公司 / ”公司 / 该市 → the nearest earlier mention with that head; 二连站 → 二连浩特站 (abbreviation)."""
    text = ms.text
    starts = {token.start for token in tokens}
    heads = _Antecedents(ms, ANAPHOR_HEADS, by_name=True)
    for head in ANAPHOR_HEADS:
        for match in re.finditer(re.escape(head), text):
            start, end = match.span()
            if ms.covering(start) is not None or ms.covering(end - 1) is not None:
                continue
            prefixed = start > 0 and text[start - 1] in ANAPHOR_PREFIX
            bare = start == 0 or not _cjk(text[start - 1])
            if not (prefixed or (bare and len(head) >= 2)):
                continue
            if end < len(text) and tokens and end not in starts:
                continue  # the head is part of a longer word (公司法, 市场)
            nearest = heads.before(head, start)
            if not nearest:
                continue
            antecedent = nearest[0]
            left = start - 1 if prefixed else start
            mention = ms.add(
                left, end, antecedent.type, 0.7, replace=False, ref=f"{antecedent.start}:{antecedent.end}", anaphor="1"
            )
            if mention is not None and antecedent.attrs.get("code"):
                mention.attrs.update(
                    {
                        k: v
                        for k, v in antecedent.attrs.items()
                        if k in {"code", "level", "parent", "lat", "lon", "name"}
                    }
                )
    abbreviated = _Antecedents(ms, ABBREVIATION_HEADS, by_name=False)
    for head in ABBREVIATION_HEADS:
        for match in re.finditer(re.escape(head), text):
            start, end = match.span()
            if ms.covering(start) is not None:
                continue
            if tokens and end < len(text) and end not in starts and _joins_word(text, end, head):
                continue
            for antecedent in abbreviated.before(head, start, limit=8):
                body = antecedent.text[: -len(head)]
                found = _abbreviation(text, start, body)
                if found is not None:
                    ms.add(
                        found,
                        end,
                        antecedent.type,
                        0.75,
                        replace=False,
                        ref=f"{antecedent.start}:{antecedent.end}",
                        abbrev="1",
                    )
                    break


def _abbreviation(text: str, head_start: int, body: str) -> int | None:
    """Start of an abbreviation of ``body`` ending at ``head_start`` (二连 of 二连浩特), or None."""
    for size in range(min(len(body) - 1, 4), 1, -1):
        start = head_start - size
        if start < 0:
            continue
        short = text[start:head_start]
        if not all(_cjk(c) for c in short) or short[0] != body[0]:
            continue
        if start > 0 and _cjk(text[start - 1]) and text[start - 1] not in "的在从到由与和、":
            continue
        it = iter(body)
        if all(c in it for c in short):
            return start
    return None


def suffix_aliases(ms: _Mentions) -> None:
    """A later mention that repeats the end of a longer name in the article stands for it (新能源产业园 after
    某公司新能源产业园)."""
    endings: dict[str, list[Mention]] = {}
    for m in ms.all:
        name = m.attrs.get("name") or m.text
        if not m.attrs.get("ref") and len(name) <= 60:
            for cut in range(1, len(name) - 3):
                endings.setdefault(name[cut:], []).append(m)
    for mention in ms.all:
        if mention.attrs.get("ref") or mention.attrs.get("name") or len(mention.text) < 4:
            continue
        if mention.type in {"Person", "Place", "Organization"}:
            continue
        longer = [m for m in endings.get(mention.text, ()) if m.end <= mention.start and m.type == mention.type]
        if longer:
            antecedent = max(longer, key=lambda m: m.start)
            mention.attrs["ref"] = f"{antecedent.start}:{antecedent.end}"
            mention.attrs["abbrev"] = "1"


# A source line names the outlet a story comes from: 来源：某某日报·某某客户端, 稿源: 某某网.
SOURCE_LINE = re.compile(
    r"(?:(?:信息来源|来源|稿源|转自|转载自|图片来源)\s*[：:]|图源[：:]?)\s*([^\s|｜/，。；;（）()]{2,30})"
)  # 图源: a picture's source, the colon often left out (图源某某日报)
MEDIA_ENDINGS = (
    "新闻网",
    "网",
    "日报",
    "晚报",
    "早报",
    "时报",
    "报",
    "客户端",
    "app",
    "APP",
    "TV",
    "新媒体",
    "在线",
    "融媒体中心",
    "电视台",
    "广播电台",
    "广电",
    "频道",
    "杂志",
)
NOT_AN_OUTLET = ("本网", "本报", "本站", "网络", "网友", "综合")


OUTLET_DATELINE = re.compile(
    r"(?:^|\n)[ \t　]*([\u4e00-\u9fff]{1,10}?(?:新闻网|网|日报|晚报|报|电视台|客户端))讯", re.M
)


_OUTLET = r"([\u4e00-\u9fffA-Za-z0-9]{2,10}?(?:新闻网|网|日报|晚报|早报|报|电视台|客户端|在线|新媒体|TV))"
# Other ways news names an outlet: 据某某报报道, 某某网2月24日某地消息, 某某在线某某频道消息, 某某新媒体了解到.
OUTLET_REPORTS = (
    re.compile(r"据" + _OUTLET + r"(?:报道|报导|消息)"),
    re.compile(r"(?:^|\n|[）)])[ \t　]*" + _OUTLET + r"(?:\d{1,2}月\d{1,2}日)?[\u4e00-\u9fff]{0,6}?(?:消息|讯)", re.M),
    re.compile(r"(?:^|\n)[ \t　]*" + _OUTLET + r"(?:了解到|获悉)", re.M),
)


def outlet_datelines(ms: _Mentions) -> None:
    """A story opened by its outlet (某某网讯, 某某日报讯, 某某网2月24日某地消息, 某某新媒体了解到) or quoting one
    (据某某报报道): the outlet is a NewsMedia mention (what the tagger made of its words, 某某 as a place, gives
    way)."""
    for pattern in OUTLET_REPORTS:
        for match in pattern.finditer(ms.text):
            start, end = match.span(1)
            if not match.group(1).startswith(NOT_AN_OUTLET) and not any(
                m.start < start or m.end > end for m in ms.all.overlapping(start, end)
            ):
                ms.add(start, end, "NewsMedia", 0.8)
    for match in OUTLET_DATELINE.finditer(ms.text):
        start, end = match.span(1)
        if not match.group(1).startswith(NOT_AN_OUTLET):
            ms.add(start, end, "NewsMedia", 0.85)


def source_lines(ms: _Mentions) -> None:
    """Outlets named in a source line (来源：某某日报·某某客户端 → two NewsMedia): the line's first run, cut at ·, - and
    、, each part up to its first media ending (某某网综合… → 某某网) or whole when short."""
    text = ms.text
    for match in SOURCE_LINE.finditer(text):
        at = match.start(1)
        for part in re.split(r"([·\-、])", match.group(1)):
            start, at = at, at + len(part)
            if len(part) < 2 or not _cjk(part[0]) or part.startswith(NOT_AN_OUTLET):
                continue
            cut = min((part.find(e) + len(e) for e in MEDIA_ENDINGS if part.find(e) > 0), default=0)
            if not cut and len(part) > 6:
                continue
            end = start + (cut or len(part))
            if any(m.start < start or m.end > end for m in ms.all.overlapping(start, end)):
                continue
            ms.add(start, end, "NewsMedia", 0.85)


# Outlets opening a credit, joined by · or - (某某商报·某某新闻网某某某通讯员某某, （某某广电-某某TV记者某某）).
CREDIT_OUTLETS = re.compile(
    r"(?:^|[（(])[ \t　]*([\u4e00-\u9fffA-Za-z0-9·\-]{2,30}?)"
    r"(?=(?:见习|特约)?(?:记者|通讯员)|[\u4e00-\u9fff]{2,3}(?:见习|特约)?(?:记者|通讯员))",
    re.M,
)


def credit_outlets(ms: _Mentions) -> None:
    """The outlets a credit opens with, each part ending with a media word (某某广电, 某某TV, 某某新闻网)."""
    for match in CREDIT_OUTLETS.finditer(ms.text):
        at = match.start(1)
        for part in re.split(r"([·\-])", match.group(1)):
            start, at = at, at + len(part)
            if len(part) < 3 or not part.endswith(MEDIA_ENDINGS) or part.startswith(NOT_AN_OUTLET):
                continue
            inside = ms.all.overlapping(start, at)
            if not any(m.start < start or m.end > at or m.type in ("Person", "NewsMedia") for m in inside):
                ms.add(start, at, "NewsMedia", 0.85)  # not over a name (某某某 某某日报融媒体记者 某某)


# A short form declared after a name: 某某集团有限公司（以下简称“某某集团”）, （简称某某）, （下称某某）.
SHORT_FORM = re.compile(
    r"[（(](?:以下)?(?:简称为?|下称|称)[：:]?[“\"「『]?([^”\"」』（）()，。、：；\s]{2,15}?)[”\"」』]?[）)]"
)


def declared_short_forms(ms: _Mentions) -> None:
    """``X（以下简称“Y”）``: Y, in the bracket and wherever it recurs later, stands for the name X just before the
    bracket (``attrs["ref"]``), so that resolution gives both one entity with Y among its surface forms."""
    text = ms.text
    for match in SHORT_FORM.finditer(text):
        full = ms.ending_at(match.start())
        if full is None or full.type == "Person" or full.attrs.get("ref"):
            continue
        short = match.group(1)
        for occurrence in re.finditer(re.escape(short), text[match.start(1) :]):
            start = match.start(1) + occurrence.start()
            end = start + len(short)
            overlapping = ms.all.overlapping(start, end)
            if any(m.start < start or m.end > end for m in overlapping):
                continue  # inside a longer name, or cut across one
            ms.add(start, end, full.type, 0.85, ref=f"{full.start}:{full.end}", abbrev="1")


# A company's name as news shortens it: without the national prefix and without its legal form or branch word
# (中国某某广西分公司 → 某某广西, 中国某某集团有限公司 → 某某集团).
COMPANY_SHORTENING = re.compile(r"^(?:中国|中國)?(?P<body>.{3,8}?)(?:分公司|(?:股份)?有限(?:责任)?公司|公司)$")


def company_short_names(ms: _Mentions) -> None:
    """A company's name without its national prefix and legal form, printed elsewhere in the article, refers to it
    (``attrs["ref"]``): the branch 中国某某广西分公司 is 某某广西 further on, where the tagger reads a firm and a
    province. Only where the short form starts and ends on the tagger's mentions or outside any, never inside a
    longer name."""
    from kg.graph.vocab import is_subclass

    text = ms.text
    for full in [m for m in ms.all if m.type in ("Company", "Organization") and not m.attrs]:
        shortening = COMPANY_SHORTENING.match(full.text)
        if shortening is None or shortening.group("body") == full.text:
            continue
        short = shortening.group("body")
        if not (full.text.startswith(("中国", "中國")) or full.text.endswith("分公司")):
            continue  # 某某有限公司 → 某某 is resolution's join of a name without its legal form
        for occurrence in re.finditer(re.escape(short), text):
            start, end = occurrence.start(), occurrence.end()
            if full.start <= start < full.end:
                continue
            overlapping = ms.all.overlapping(start, end)
            if any(m.start < start or m.end > end for m in overlapping):
                continue  # inside or across a longer name
            same = ms.at(start, end)
            if same is not None and (same.attrs or not is_subclass(same.type, "Organization")):
                continue  # a name of its own, or a reference already
            ms.add(start, end, full.type, 0.8, ref=f"{full.start}:{full.end}", abbrev="1")


PARENT_ORG_SUFFIXES = ("职业学院", "学院", "大学", "集团", "有限公司", "公司", "委员会", "局", "支队")


LEGAL_FORM_ONLY = re.compile(r"(?:股份)?(?:有限)?(?:责任)?公司$")


def parent_organizations(ms: _Mentions) -> None:
    """An organization named inside another one's name is mentioned too (某职业学院 in 某职业学院护理学院)."""
    from kg.graph.vocab import is_subclass

    for mention in list(ms.all):
        if (
            mention.type in {"Person", "Place"}
            or is_subclass(mention.type, "AdministrativeArea")
            or mention.attrs.get("ref")
        ):
            continue  # a division named after a school (学院路街道) does not name the school
        for suffix in PARENT_ORG_SUFFIXES:
            cut = mention.text.find(suffix)
            end = cut + len(suffix)
            outer = mention.text[:end]
            if outer.count("（") + outer.count("(") != outer.count("）") + outer.count(")"):
                break  # 包头钢铁（集团）有限公司: 集团 inside the brackets ends no name
            if LEGAL_FORM_ONLY.match(mention.text[end:]):
                break  # 某集团|有限公司: the group's legal name, no part of it
            if cut >= 2 and end <= len(mention.text) - 2 and class_by_suffix(mention.text[end:], "") != "":
                start = mention.start
                if ms.at(start, start + end) is None:
                    ms.all.add(
                        Mention(
                            ms.article.id,
                            start,
                            start + end,
                            ms.text[start : start + end],
                            class_by_suffix(mention.text[:end], "Organization"),
                            0.75,
                            SOURCE,
                        )
                    )
                break


LIST_ITEM = re.compile(r"[\u4e00-\u9fff]{2,3}")


def listed_persons(ms: _Mentions) -> None:
    """Names in a list of persons the tagger left unmarked: an item of two or three characters opening with a family
    name, between 、 or in a grid line of names separated by spaces (某某 某某 某 某), is a person when two other items
    of its list are (赵某、钱某某、孙某、李某某8名委员)."""
    every, _ = surnames()
    text = ms.text
    for line_match in re.finditer(r"[^\n]+", text):
        line, offset = line_match.group(), line_match.start()
        for run in re.finditer(r"[^，。；：！？,;:!?（）()“”]+", line):
            separator = "、" if "、" in run.group() else " " if run.group().count(" ") >= 2 else None
            if separator is None:
                continue
            items: list[tuple[int, int]] = []
            at = offset + run.start()
            for part in run.group().split(separator):
                items.append((at, at + len(part)))
                at += len(part) + 1
            if separator == " ":  # 陈 忠: a two-character name printed with a space inside, as grids align them
                merged: list[tuple[int, int]] = []
                for start, end in items:
                    if merged and end - start == 1 and merged[-1][1] - merged[-1][0] == 1:
                        merged[-1] = (merged[-1][0], end)
                    else:
                        merged.append((start, end))
                items = merged
            persons = [(start, end) for start, end in items if getattr(ms.at(start, end), "type", None) == "Person"]
            if len(persons) < 2:
                continue
            for start, end in items:
                name = text[start:end].replace(" ", "")
                if (start, end) in persons or not LIST_ITEM.fullmatch(name) or name[0] not in every:
                    continue
                if any(m.start < start or m.end > end for m in ms.all.overlapping(start, end)):
                    continue  # part of a longer name
                ms.add(start, end, "Person", 0.6)


def posts(ms: _Mentions) -> None:
    """Posts printed before a name: the person mention gets ``post`` (titles) and ``post_org`` (the org's span)."""
    text = ms.text
    every, _ = surnames()
    for match in re.finditer(TITLE_PATTERN, text):
        end = match.end()
        if end >= len(text):
            continue
        window_start = max(0, end - 30)
        chain = POST_CHAIN.search(text[window_start:end])
        if chain is None:
            continue
        person = next((m for m in ms.all.overlapping(end, end + 1) if m.start == end and m.type == "Person"), None)
        if person is None and text[end] in every and text[end] not in NAME_STOP and ms.covering(end) is None:
            # A name the tagger missed: two or three characters, then a verb of saying, of attending or punctuation.
            for size in (3, 2):
                after = end + size
                if (
                    after < len(text)
                    and all(_cjk(c) for c in text[end:after])
                    and (text[after] in SAID or text[after : after + 2] in ATTENDING_VERBS)
                ):
                    person = ms.add(end, after, "Person", 0.6, replace=False)
                    break
        if person is None:
            continue
        chain_start = window_start + chain.start()
        titles = TITLE_PATTERN.findall(chain.group(1))
        person.attrs["post"] = "、".join(titles)
        org = ms.ending_at(chain_start) or _place_body(ms, chain_start)
        if org is not None and org.type not in {"Person", "Place"}:
            person.attrs["post_org"] = f"{org.start}:{org.end}"


PLACE_CLASS_ENDINGS = ("Area", "City", "League", "Banner", "County", "District")
# Bodies printed right after a place's name and before a post (贵州|省委|书记, 乌海市|政府|副市长).
PLACE_BODIES = (
    "省委",
    "市委",
    "县委",
    "区委",
    "旗委",
    "盟委",
    "州委",
    "党委",
    "纪委",
    "人民政府",
    "政府",
    "人大常委会",
    "政协",
)


def _place_body(ms: _Mentions, end: int) -> Mention | None:
    """The body a post is held in when it is printed as a place name and a body word (贵州省委书记): a new mention."""
    text = ms.text
    word = next((w for w in PLACE_BODIES if text.endswith(w, 0, end)), None)
    if word is None:
        return None
    place = ms.ending_at(end - len(word))
    if place is None or not (place.type == "Place" or place.type.endswith(PLACE_CLASS_ENDINGS)):
        return None
    if ms.all.overlapping(place.end, end):
        return None
    name = text[place.start : end]
    body = Mention(ms.article.id, place.start, end, name, class_by_suffix(name, "GovernmentBody"), 0.75, SOURCE)
    ms.all.add(body)  # the place stays a mention of its own inside the body's name
    return body


# Levels whose word, quoted alone, is a designation places are given (“文明村”, “特色小镇”), not a place's name.
DESIGNATED_LEVELS = frozenset({"VillageLevelArea", "TownshipLevelArea"})


# A count before a village's or town's name (2100多个某某村, 几个某某镇): the places holding a title, counted.
COUNT_OF_PLACES = re.compile(r"(?:[\d两二三四五六七八九十百千万几]+多?|多)个$")


def _designation(text: str, mention: Mention) -> bool:
    """Whether a village or town mention is a title places are given: quoted alone (“某某村”) or counted."""
    quoted = text[mention.start - 1 : mention.start] == "“" and text.startswith("”", mention.end)
    return quoted or COUNT_OF_PLACES.search(text, max(0, mention.start - 8), mention.start) is not None


@stage("nlp.rules.newspaper")
def apply_rules(extraction: ArticleExtraction, settings: Any = None) -> ArticleExtraction:
    """Refine the tagger's mentions and add what news text marks systematically (see the module docstring)."""
    ms = _Mentions(extraction)
    tokens = extraction.tokens
    fix_tagger_mentions(ms, tokens)
    complete_cut_names(ms)
    given_names(ms)
    bylines(ms, tokens)
    works(ms)
    quoted_names(ms)
    place_heads(ms, tokens)
    if tokens:
        facilities(ms, tokens)
    division_chains(ms)
    if tokens:
        bracketed_names(ms, tokens)
        organization_tails(ms, tokens)
        relative_departments(ms, tokens)
        named_after_places(ms)
        new_towns(ms, tokens)
        trade_names(ms, tokens)
        project_names(ms, tokens)
        coordinations(ms, tokens)
    source_lines(ms)
    credit_outlets(ms)
    outlet_datelines(ms)
    declared_short_forms(ms)
    company_short_names(ms)
    anaphora(ms, tokens)
    suffix_aliases(ms)
    parent_organizations(ms)
    listed_persons(ms)
    posts(ms)
    in_titles = {m.attrs["post_org"] for m in ms.all if m.attrs.get("post_org")}
    designations = {m.text for m in ms.all if m.type in DESIGNATED_LEVELS and _designation(ms.text, m)}
    for mention in list(ms.all):
        if GENERIC_BODY.match(mention.text):
            ms.all.remove(mention)  # a kind of organization, however a rule built or linked it (域内|农民专业合作社)
            continue
        if mention.type in DESIGNATED_LEVELS and mention.text in designations:
            ms.all.remove(mention)  # “某某村”, 2100多个某某村: a title places are given, no place
            continue
        if mention.text not in SUFFIX_CLASSES or mention.attrs.get("ref"):
            continue
        if not BARE_BODY.match(mention.text) or f"{mention.start}:{mention.end}" in in_titles:
            # a bare class word (加氢站, 公司) names nothing by itself; a bare body (县委) names "this" county's body,
            # except as the opening of a post title (县委书记), which names the post
            ms.all.remove(mention)
    ms.finish()
    return extraction
