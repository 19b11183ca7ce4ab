"""Rules for what Chinese news does systematically: class from name suffixes, titles in 《》.

The tagger finds spans with coarse classes (Person, Place, Organization); these rules give them their specific ontology
class and add names the tagger misses.
"""

from __future__ import annotations

import re
from typing import Any

from kg.model import ArticleExtraction, Mention
from kg.pipeline import stage

# (suffix, class) — longest suffix wins, so list order does not matter.
SUFFIX_CLASSES: dict[str, str] = {
    "自治区": "ProvinceLevelArea",
    "省": "ProvinceLevelArea",
    "盟": "League",
    "市": "City",
    "自治州": "PrefectureLevelArea",
    "旗": "Banner",
    "自治旗": "Banner",
    "县": "County",
    "区": "District",
    "镇": "TownshipLevelArea",
    "乡": "TownshipLevelArea",
    "苏木": "TownshipLevelArea",
    "街道": "TownshipLevelArea",
    "村": "VillageLevelArea",
    "嘎查": "VillageLevelArea",
    "站": "Station",
    "口岸": "Port",
    "港": "Port",
    "工业园": "IndustrialPark",
    "工业园区": "IndustrialPark",
    "产业园": "IndustrialPark",
    "开发区": "IndustrialPark",
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
    "派出所": "PoliceUnit",
    "公安局": "PoliceUnit",
    "警航队": "PoliceUnit",
    "局": "GovernmentBody",
    "厅": "GovernmentBody",
    "委员会": "GovernmentBody",
    "政府": "GovernmentBody",
    "人大": "GovernmentBody",
    "部": "GovernmentBody",
    "委": "PartyBody",
    "市委": "PartyBody",
    "党委": "PartyBody",
    "合作社": "Cooperative",
    "日报": "NewsMedia",
    "晚报": "NewsMedia",
    "电视台": "NewsMedia",
    "通讯社": "NewsMedia",
    "新华社": "NewsMedia",
}
COARSE = {"Place", "Organization"}
WORK_SUFFIXES = (
    ("条例", "Law"),
    ("法", "Law"),
    ("规定", "Law"),
    ("办法", "Law"),
    ("规范", "Standard"),
    ("标准", "Standard"),
    ("报告", "Report"),
    ("日报", "NewsMedia"),
    ("报", "NewsMedia"),
    ("电讯", "NewsMedia"),
)
TITLE = re.compile(r"《([^《》\n]{2,60})》")


def class_by_suffix(name: str, coarse: str) -> str:
    """The specific class a name's suffix implies, or ``coarse`` when no suffix applies."""
    best = ""
    for suffix in SUFFIX_CLASSES:
        if name.endswith(suffix) and len(suffix) > len(best) and len(name) > len(suffix):
            best = suffix
    return SUFFIX_CLASSES[best] if best else coarse


def work_class(title: str) -> str:
    """Class of a title printed in 《》: law, standard, report, newspaper or another work."""
    for suffix, cls in WORK_SUFFIXES:
        if title.endswith(suffix):
            return cls
    return "Work"


@stage("nlp.rules.newspaper")
def apply_rules(extraction: ArticleExtraction, settings: Any = None) -> ArticleExtraction:
    """Specialise tagger classes by suffix and add 《…》 titles as works."""
    article = extraction.article
    for mention in extraction.mentions:
        if mention.type in COARSE:
            mention.type = class_by_suffix(mention.text, mention.type)
    taken = {(m.start, m.end) for m in extraction.mentions}
    for match in TITLE.finditer(article.text):
        start, end = match.span(1)
        if (start, end) not in taken:
            extraction.mentions.append(
                Mention(article.id, start, end, match.group(1), work_class(match.group(1)), 0.9, "nlp.rules")
            )
    extraction.mentions.sort(key=lambda m: (m.start, m.end, m.type))
    return extraction
