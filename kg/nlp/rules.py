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
from functools import cache
from pathlib import Path
from typing import Any

from kg.model import ArticleExtraction, Mention
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
    "经济区": "IndustrialPark",
    "工厂": "Facility",
    "电厂": "Facility",
    "电站": "Facility",
    "基地": "Facility",
    "平台": "Facility",
    "项目": "Project",
    "工程": "Project",
    "有限公司": "Company",
    "有限责任公司": "Company",
    "股份有限公司": "Company",
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
    "市委": "PartyBody",
    "省委": "PartyBody",
    "县委": "PartyBody",
    "旗委": "PartyBody",
    "盟委": "PartyBody",
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
}
_FACILITY_ENDINGS = tuple(FACILITY_HEADS)
MODIFIER_TAGS = {"n", "nz", "a", "b", "vn", "an", "ORG", "LOC", "nt", "ns"}
# What may follow a place and make a port or station of it (二连浩特口岸).
PLACE_HEADS = (("口岸", "Port"), ("火车站", "Station"), ("站", "Station"), ("港", "Port"), ("机场", "Station"),
               ("班列", "Product"))  # 中欧班列: a named freight-train service between the places
# Administrative level words: a span made only of these is a category (盟市, 嘎查村, 旗县), not a name.
LEVEL_WORDS = ("自治区", "省", "市", "盟", "旗", "县", "区", "乡", "镇", "苏木", "嘎查", "村", "街道", "社区", "州")
# Heads of generic terms the tagger sometimes takes for organizations (新能源汽车, 新时代).
# News agencies whose whole name is a class word elsewhere (…社): named here so that they are not dropped as bare words.
AGENCIES = {name: "NewsMedia" for name in (
    "新华社", "中新社", "中通社", "法新社", "美联社", "路透社", "共同社", "塔斯社", "俄通社", "合众国际社", "安莎社",
    "韩联社", "德新社", "埃菲社", "时事社", "朝中社", "越通社", "安塔拉社", "拉美社", "中东社",
)}
GENERIC_HEADS = ("汽车", "时代", "能源", "经济", "产业", "技术", "材料", "工程", "领域", "体系", "模式", "发展")
GENERIC_PLACE_CHARS = set("河湖山海江林草田边城乡村区市县旗盟镇省州水路港站园地")
# Post titles, longest first when matched.
POST_TITLES = (
    "董事长", "副董事长", "董事", "总经理", "副总经理", "经理", "副经理", "总裁", "副总裁", "总监", "总工程师",
    "书记", "副书记", "党委书记", "党组书记", "常委", "委员", "主席", "副主席", "秘书长",
    "省长", "副省长", "主席团", "市长", "副市长", "盟长", "副盟长", "旗长", "副旗长", "县长", "副县长", "区长",
    "副区长", "镇长", "乡长", "苏木达", "嘎查达", "村长", "村主任",
    "部长", "副部长", "组织部长", "宣传部长", "统战部长", "厅长", "副厅长", "局长", "副局长", "处长", "副处长",
    "科长", "主任", "副主任", "所长", "副所长", "站长", "队长", "副队长", "支队长", "副支队长", "大队长",
    "政委", "教导员", "校长", "副校长", "院长", "副院长", "会长", "理事长", "负责人", "总编辑", "社长",
)
TITLE_PATTERN = re.compile("(?:" + "|".join(sorted(POST_TITLES, key=len, reverse=True)) + ")")
POST_CHAIN = re.compile(
    "((?:" + TITLE_PATTERN.pattern + ")(?:、?(?:" + TITLE_PATTERN.pattern + "))*)$"
)
NAME_STOP = set("说表示介绍指出认为强调称在的是等和与及于向从将把对为以由被也都还又并但就、，。：；！？“”（）() \n")
SAID = set("说表介指强认称谈告，。、）；：")  # what follows a name printed after a post: 说, 表示, 介绍 … or punctuation
# Byline role words, longest first; names run until the next role word or a terminator.
BYLINE_ROLES = (("见习记者", "reporter"), ("特约记者", "reporter"), ("记者", "reporter"), ("实习生", "intern"),
                ("通讯员", "correspondent"), ("摄影", "photographer"))
BYLINE_START = re.compile(r"(?:本报|[（(□■]|^)(?=见习记者|特约记者|记者|实习生|通讯员|摄影)", re.M)
BYLINE_END = re.compile(r"摄影报道|报道|摄影|摄|[）)]|[^\u4e00-\u9fff·]")
# Heads of organizations and places that may be repeated alone, or after 该/本/其, for the full name.
ANAPHOR_HEADS = ("公司", "集团", "支队", "大队", "派出所", "学院", "大学", "工厂", "口岸", "园区", "市", "盟", "旗", "县")
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


def is_category(text: str) -> bool:
    """Whether ``text`` is made only of administrative level words (盟市, 嘎查村, 旗县区)."""
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

    def __iter__(self):  # type: ignore[no-untyped-def]
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

    def add(self, start: int, end: int, cls: str, score: float = 0.85, replace: bool = True, **attrs: str) -> Mention | None:
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


def _tokens(extraction: ArticleExtraction) -> list[tuple[int, str, str]]:
    """The tagger's words with their offsets in the article text."""
    text = extraction.article.text
    out = []
    at = 0
    for word, tag in extraction.tokens:
        found = text.find(word, at)
        if found < 0:
            continue
        out.append((found, word, tag))
        at = found + len(word)
    return out


# ---------------------------------------------------------------- the rules


def fix_tagger_mentions(ms: _Mentions) -> None:
    """Specialise coarse classes by suffix and drop spans that are not names."""
    peoples = _peoples()
    for mention in list(ms.all):
        text = mention.text
        if len(text.strip()) < 2 or is_category(text) or text != text.strip() or _not_a_name(text, peoples):
            ms.all.remove(mention)
            continue
        if mention.type == "Person":
            specific = class_by_suffix(text, "Person")
            if specific != "Person" and len(text) >= 4 and _suffix_len(text) >= STRONG_SUFFIX_MIN:
                mention.type = specific
            elif not looks_like_name(text):
                ms.all.remove(mention)
            continue
        if mention.type in COARSE:
            mention.type = AGENCIES.get(text) or class_by_suffix(text, mention.type)
            if mention.type == "Organization" and text.endswith(GENERIC_HEADS):
                ms.all.remove(mention)
            elif mention.type == "Place" and len(text) == 2 and set(text) <= GENERIC_PLACE_CHARS:
                ms.all.remove(mention)


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
    return level is not None and (text[: -len(level)] in DEICTICS or text[: -len(level)] in GENERIC_PLACE_BODIES)


def _suffix_len(name: str) -> int:
    return max((len(s) for s in SUFFIX_CLASSES if name.endswith(s) and len(name) > len(s)), default=0)


def bylines(ms: _Mentions) -> None:
    """Reporters, interns, correspondents and photographers credited inside the text (本报记者王塔娜实习生李文清)."""
    text = ms.text
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
            if not names:
                break
            offset = at
            for name in names:
                ms.add(offset, offset + len(name), "Person", 0.9, role=role[1])
                offset += len(name)
            at = run_end


NON_NAME_CHARS = set("的了从在是和与及日月年召开会上中对向为把被将等着过这那个们我你他她它据经")


def split_names(run: str) -> list[str]:
    """One or more names written together in a byline (``王明李强`` → 王明, 李强); [] if it is not names."""
    if len(run) < 2 or any(c in NON_NAME_CHARS for c in run[1:]):
        return []
    if len(run) <= 4 or (len(run) <= 6 and not any(c in surnames()[1] for c in run[2:4])):
        return [run] if looks_like_name(run) else []
    _, common = surnames()
    if run[0] not in common:
        return [run] if len(run) <= 6 and looks_like_name(run) else []
    for cut in (3, 2):  # a Han name is two or three characters; the next one starts with a family name too
        if len(run) > cut and run[cut] in common:
            rest = split_names(run[cut:])
            if rest:
                return [run[:cut], *rest]
    return []


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
        for inner in [m for m in ms.all.overlapping(start, end) if start <= m.start and m.end <= end and m.type in COARSE | {"Person"}]:
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


def quoted_names(ms: _Mentions) -> None:
    """A quoted name followed by a class word is one name: “雄鹰”警航队, “掌上办”平台."""
    text = ms.text
    heads = sorted(QUOTED_HEADS, key=lambda h: -len(h[0]))
    for match in QUOTED.finditer(text):
        after = match.end()
        head = next(((w, c) for w, c in heads if text.startswith(w, after)), None)
        if head is None:
            continue
        end = after + len(head[0])
        if any(m.start < match.start() < m.end for m in ms.all.overlapping(match.start(), match.start() + 1)):
            continue
        ms.add(match.start(), end, head[1], 0.85, name=text[match.start() : end])


def place_heads(ms: _Mentions) -> None:
    """A place name directly followed by 口岸/站/港 names the port or station (二连浩特口岸)."""
    text = ms.text
    for mention in list(ms.all):
        if mention.type not in {"Place"} and not mention.type.endswith(("Area", "City", "League", "Banner", "County", "District")):
            continue
        for word, cls in PLACE_HEADS:
            end = mention.end + len(word)
            if text.startswith(word, mention.end) and (end >= len(text) or not _joins_word(text, end, word)):
                ms.add(mention.start, end, cls, 0.85)
                break


def _joins_word(text: str, end: int, head: str) -> bool:
    # 站 followed by 区/场/点/台/长 is a longer common word (站区, 站场, 站长), not the end of a station name.
    return head == "站" and text[end] in "区场点台长内外务房"


def facilities(ms: _Mentions, tokens: list[tuple[int, str, str]]) -> None:
    """Plants and parks named by their modifiers (民用液氢工厂; 某公司新能源产业园 with its owner)."""
    for index, (offset, word, _) in enumerate(tokens):
        if not word.endswith(_FACILITY_ENDINGS):  # one C call rejects most words before the ordered search
            continue
        head = next((h for h in FACILITY_HEADS if word.endswith(h)), None)
        if head is None or ms.covering(offset) is not None:
            continue
        start = offset
        modifiers = 0
        j = index - 1
        while j >= 0 and modifiers < 3:
            o, w, tag = tokens[j]
            if tag not in MODIFIER_TAGS or o + len(w) != start:
                break
            start = o
            j -= 1
            if tag in {"ORG", "LOC", "nt", "ns"}:
                break  # an owner or place name opens the facility's name
            modifiers += 1
        end = offset + len(word)
        if end - start - len(head) < 2:
            continue  # no name: a bare 工厂 is not an entity
        owner = ms.at(start, tokens[j + 1][0] + len(tokens[j + 1][1])) if j + 1 < index else None
        if owner is not None and owner.type not in {"Place", "Person"}:
            # 某公司新能源产业园: the mention is the facility's own words; its full name carries the owner's.
            if end - owner.end - len(head) >= 2:
                ms.add(owner.end, end, FACILITY_HEADS[head], 0.8, name=ms.text[owner.start:end],
                       owner=f"{owner.start}:{owner.end}")
        else:
            ms.add(start, end, FACILITY_HEADS[head], 0.8)


NAME_TAGS = {"PER", "LOC", "ORG", "nz", "nr", "ns", "nt", "nw"}
FUNCTION_TAGS = {"u", "p", "c", "w", "xc"}
# Classes whose members are typically named after a place and listed with a shared class word (A、B边境派出所).
COORDINATED_CLASSES = {"PoliceUnit", "Station", "Port", "School", "University", "IndustrialPark", "Facility",
                       "TownshipLevelArea", "VillageLevelArea", "County", "Banner", "Company"}


def coordinations(ms: _Mentions, tokens: list[tuple[int, str, str]]) -> None:
    """``A、B边境派出所``: A shares B's class words, so A is 'A边境派出所' (an elliptic mention of its own).

    A must be words the tagger marked as a name, and must not already end in a class word of its own.
    """
    text = ms.text
    token_at_end = {o + len(w): (o, w, tag) for o, w, tag in tokens}
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
            while start in token_at_end and token_at_end[start][2] in NAME_TAGS and end - token_at_end[start][0] <= 10:
                start = token_at_end[start][0]
            before = token_at_end.get(start)
            if start < end and before and len(before[1]) == 1 and before[2] not in FUNCTION_TAGS:
                # The tagger split a transliterated name and tagged its first syllable on its own (阿|日哈沙特); take
                # it when a particle or preposition closes the phrase before it (…最近的阿日哈沙特).
                outer = token_at_end.get(before[0])
                if outer is not None and outer[2] in FUNCTION_TAGS:
                    start = before[0]
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
    """The generic words that end a name (额布都格边境派出所 → 边境派出所), the part a coordination shares: its class word
    and the generic modifiers before it."""
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
                m for m in ms.all
                if not m.attrs.get("anaphor") and not m.attrs.get("ref")
                and ((m.text.endswith(head) and len(m.text) > len(head))
                     or (by_name and head in {"市", "盟", "旗", "县"} and m.attrs.get("name", "").endswith(head)))
            ]
            found.sort(key=lambda m: (m.end, m.start))
            self.lists[head] = ([m.end for m in found], found)

    def before(self, head: str, offset: int, limit: int = 1) -> list[Mention]:
        """Up to ``limit`` mentions ending with ``head`` that end at or before ``offset``, nearest first."""
        ends, found = self.lists.get(head, ([], []))
        index = bisect.bisect_right(ends, offset)
        return found[max(0, index - limit) : index][::-1]


def anaphora(ms: _Mentions, tokens: list[tuple[int, str, str]]) -> None:
    """该公司 / ”公司 / 该市 → the nearest earlier mention with that head; 二连站 → 二连浩特站 (abbreviation)."""
    text = ms.text
    starts = {o for o, _, _ in tokens}
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
            mention = ms.add(left, end, antecedent.type, 0.7, replace=False, ref=f"{antecedent.start}:{antecedent.end}",
                             anaphor="1")
            if mention is not None and antecedent.attrs.get("code"):
                mention.attrs.update({k: v for k, v in antecedent.attrs.items() if k in {"code", "level", "parent", "lat", "lon", "name"}})
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
                    ms.add(found, end, antecedent.type, 0.75, replace=False, ref=f"{antecedent.start}:{antecedent.end}",
                           abbrev="1")
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


PARENT_ORG_SUFFIXES = ("职业学院", "学院", "大学", "集团", "有限公司", "公司", "委员会", "局", "支队")


def parent_organizations(ms: _Mentions) -> None:
    """An organization named inside another one's name is mentioned too (某职业学院 in 某职业学院护理学院)."""
    from kg.rdf.vocab import is_subclass

    for mention in list(ms.all):
        if mention.type in {"Person", "Place"} or is_subclass(mention.type, "AdministrativeArea") or mention.attrs.get("ref"):
            continue  # a division named after a school (学院路街道) does not name the school
        for suffix in PARENT_ORG_SUFFIXES:
            cut = mention.text.find(suffix)
            end = cut + len(suffix)
            if cut >= 2 and end <= len(mention.text) - 2 and class_by_suffix(mention.text[end:], "") != "":
                start = mention.start
                if ms.at(start, start + end) is None:
                    ms.all.add(Mention(ms.article.id, start, start + end, ms.text[start : start + end],
                                          class_by_suffix(mention.text[:end], "Organization"), 0.75, SOURCE))
                break


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
            # A name the tagger missed: two or three characters, then a verb of saying or punctuation.
            for size in (3, 2):
                after = end + size
                if after < len(text) and all(_cjk(c) for c in text[end:after]) and text[after] in SAID:
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
PLACE_BODIES = ("省委", "市委", "县委", "区委", "旗委", "盟委", "州委", "党委", "纪委", "人民政府", "政府", "人大常委会",
                "政协")


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


@stage("nlp.rules.newspaper")
def apply_rules(extraction: ArticleExtraction, settings: Any = None) -> ArticleExtraction:
    """Refine the tagger's mentions and add what news text marks systematically (see the module docstring)."""
    ms = _Mentions(extraction)
    tokens = _tokens(extraction)
    fix_tagger_mentions(ms)
    bylines(ms)
    works(ms)
    quoted_names(ms)
    place_heads(ms)
    if tokens:
        facilities(ms, tokens)
    if tokens:
        coordinations(ms, tokens)
    anaphora(ms, tokens)
    suffix_aliases(ms)
    parent_organizations(ms)
    posts(ms)
    for mention in list(ms.all):
        if mention.text in SUFFIX_CLASSES and not mention.attrs.get("ref"):
            ms.all.remove(mention)  # a bare class word (加氢站, 公司) names nothing by itself
    ms.finish()
    return extraction
