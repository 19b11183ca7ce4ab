"""A hand-annotated graph of the sample page (kg/data/sample/inner_mongolia_daily_2021-02-22_p3.txt).

It follows RDF_SHAPE.md exactly and holds what a careful reader finds on the page: places with their division codes and
containment, organizations, posts, facilities and who built them, quantities, a local law, a standard, events. The
competency queries in ontology/queries/ are checked against it (their expected answers are in the tests), so the queries
are tested independently of how well the extraction pipeline does on the page. The article texts are excerpts of the
real articles; every offset is computed from them.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Dataset, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from kg.graph.vocab import GEO, KG, NIF, SCHEMA

B = Namespace("https://w3id.org/kgnews/id/")
ENTITIES = B["graph/entities"]


def _h(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def entity(cls: str, name: str) -> URIRef:
    """IRI of a non-place entity: class local name and percent-encoded name."""
    return B[f"{cls}/{quote(name, safe='')}"]


def place(code: str) -> URIRef:
    """IRI of a linked administrative area."""
    return B[f"place/{code}"]


PLACES = [  # code, class, name, level, parent code, lon, lat
    ("150000", "ProvinceLevelArea", "内蒙古自治区", 1, None, 111.67, 40.82),
    ("150100", "City", "呼和浩特市", 2, "150000", 111.75, 40.84),
    ("150300", "City", "乌海市", 2, "150000", 106.79, 39.66),
    ("150303", "District", "海南区", 3, "150300", 106.89, 39.44),
    ("150304", "District", "乌达区", 3, "150300", 106.73, 39.51),
    ("150400", "City", "赤峰市", 2, "150000", 118.89, 42.26),
    ("150600", "City", "鄂尔多斯市", 2, "150000", 109.78, 39.61),
    ("150700", "City", "呼伦贝尔市", 2, "150000", 119.77, 49.21),
    ("150725", "Banner", "陈巴尔虎旗", 3, "150700", 119.42, 49.33),
    ("150800", "City", "巴彦淖尔市", 2, "150000", 107.39, 40.74),
    ("152500", "League", "锡林郭勒盟", 2, "150000", 116.05, 43.93),
    ("152501", "CountyLevelCity", "二连浩特市", 3, "152500", 111.98, 43.65),
    ("152900", "League", "阿拉善盟", 2, "150000", 105.73, 38.85),
]

# class, name, alt labels
ENTITIES_LIST = [
    ("TownshipLevelArea", "巴彦库仁镇", ()),
    ("Country", "俄罗斯", ()),
    ("Station", "巴扎依哈站", ()),
    ("Station", "二连浩特站", ("二连站",)),
    ("Port", "二连浩特口岸", ()),
    ("IndustrialPark", "乌达工业园", ()),
    ("Company", "乌海海易通银隆新能源汽车有限公司", ("公司",)),
    ("Company", "鸿达兴业股份有限公司", ()),
    ("Facility", "新能源产业园", ()),
    ("Facility", "民用液氢工厂", ()),
    ("Facility", "加氢站", ()),
    ("PartyBody", "赤峰市委", ()),
    ("GovernmentBody", "呼和浩特市市场监管局", ()),
    ("GovernmentBody", "鄂尔多斯市人民代表大会常务委员会", ()),
    ("PoliceUnit", "锡林郭勒边境管理支队", ()),
    ("PoliceUnit", "锡林郭勒边境管理支队“鹰巡”警航队", ("“鹰巡”警航队",)),
    ("University", "中国人民公安大学", ()),
    ("NewsMedia", "内蒙古日报", ("本报",)),
    ("Person", "王刚", ()),
    ("Person", "李炯", ()),
    ("Person", "王塔娜", ()),
    ("Person", "李文清", ()),
    ("Person", "于海东", ()),
    ("Person", "郝飚", ()),
    ("Person", "韩继旺", ()),
    ("Person", "刘洋", ()),
    ("Person", "郝雪莲", ()),
    ("Law", "鄂尔多斯市中小学校幼儿园规划建设条例", ("《条例》",)),
    ("Standard", "全领域基层党建融合发展规范", ()),
    ("Product", "氢燃料电池", ()),
]

ARTICLES = {
    # key: (headline, date, dateline place, reporters, interns, text, class)
    "chifeng": (
        "解码新时代党建引领基层发展的“赤峰方案”",
        "2021-02-22",
        None,
        ["王塔娜"],
        ["李文清"],
        "2020年12月31日，一场别开生面的地方标准发布会在赤峰召开。在这次发布会上，全国首个《全领域基层党建融合发展规范》"
        "地方标准正式向全国公开发布。“政治功能与服务功能是融合党建的魂和根。”赤峰市委常委、组织部长李炯表示。",
        "Article",
    ),
    "wuhai": (
        "乌海以产业转型促进绿色低碳发展",
        "2021-02-21",
        "150300",
        ["于海东", "郝飚"],
        [],
        "这些天，位于乌达工业园的乌海海易通银隆新能源汽车有限公司新能源产业园内一派火热景象。"
        "“项目建成后将为自治区能源产业升级换代、新旧动能转换提供有力支撑。”公司副总经理王刚说。"
        "企业在乌海投资建设新能源产业园，用于生产氢燃料电池和纯电动公交车组装。"
        "在海南区，由鸿达兴业股份有限公司投资建设的国内首座民用液氢工厂也于去年投入运营。"
        "有了稳定的液氢供应，乌海市建成3座加氢站。",
        "Article",
    ),
    "bayannur": (
        "巴彦淖尔市“真金白银”助企纾困",
        "2021-02-21",
        "150800",
        ["韩继旺"],
        [],
        "2020年，全市累计新增减税降费8.08亿元，占税费总收入的6.4%，其中税收减免3.9亿元，社保费减免4.04亿元。"
        "“十三五”期间，巴彦淖尔市全面落实减税降费政策，全市累计新增减税降费24.6亿元。",
        "Article",
    ),
    "hohhot": (
        "首府“衣食住行”专项整治找准痛点对症下药",
        "2021-02-21",
        "150100",
        ["刘洋"],
        [],
        "截至2020年12月底，呼和浩特市市场监管部门在“衣食住行”领域共查办各类一般程序案件1362起，罚没款达2330.27万元。"
        "由呼和浩特市市场监管局牵头，建立了呼和浩特市“衣食住行”局际联席会议制度。",
        "Article",
    ),
    "ordos": (
        "鄂尔多斯市首部教育类地方性法规出台",
        "2021-02-21",
        "150600",
        ["郝雪莲"],
        [],
        "2020年12月25日，《鄂尔多斯市中小学校幼儿园规划建设条例》公布，将于2021年3月1日起正式实施。"
        "这是鄂尔多斯市首部教育类地方性法规。",
        "Article",
    ),
    "xilingol": (
        "“鹰巡”警航管边控边",
        "2021-02-22",
        None,
        [],
        [],
        "这是刚刚成立的全区首支无人机警航队——锡林郭勒边境管理支队“鹰巡”警航队首次在极寒天气下成功试飞的场景。"
        "锡林郭勒边境管理支队先后与中国人民公安大学联合举办4期培训班。"
        "1月27日，从俄罗斯巴扎依哈站始发的班列缓缓驶入二连浩特站。"
        "呼伦贝尔市陈巴尔虎旗巴彦库仁镇推出那达慕互动体验及冰雪娱乐旅游项目。",
        "PhotoStory",
    ),
}

# article key, surface, class, name (None: same as surface; a 6-digit string: a place code)
MENTIONS = [
    ("chifeng", "赤峰", "City", "150400"),
    ("chifeng", "全领域基层党建融合发展规范", "Standard", None),
    ("chifeng", "赤峰市委", "PartyBody", None),
    ("chifeng", "李炯", "Person", None),
    ("wuhai", "乌达工业园", "IndustrialPark", None),
    ("wuhai", "乌海海易通银隆新能源汽车有限公司", "Company", None),
    ("wuhai", "新能源产业园", "Facility", None),
    ("wuhai", "公司", "Company", "乌海海易通银隆新能源汽车有限公司"),
    ("wuhai", "王刚", "Person", None),
    ("wuhai", "乌海", "City", "150300"),
    ("wuhai", "氢燃料电池", "Product", None),
    ("wuhai", "海南区", "District", "150303"),
    ("wuhai", "鸿达兴业股份有限公司", "Company", None),
    ("wuhai", "民用液氢工厂", "Facility", None),
    ("wuhai", "加氢站", "Facility", None),
    ("bayannur", "巴彦淖尔市", "City", "150800"),
    ("hohhot", "呼和浩特市", "City", "150100"),
    ("hohhot", "呼和浩特市市场监管局", "GovernmentBody", None),
    ("ordos", "鄂尔多斯市中小学校幼儿园规划建设条例", "Law", None),
    ("ordos", "鄂尔多斯市", "City", "150600"),
    ("xilingol", "锡林郭勒边境管理支队“鹰巡”警航队", "PoliceUnit", None),
    ("xilingol", "锡林郭勒边境管理支队", "PoliceUnit", None),
    ("xilingol", "中国人民公安大学", "University", None),
    ("xilingol", "俄罗斯", "Country", None),
    ("xilingol", "巴扎依哈站", "Station", None),
    ("xilingol", "二连浩特站", "Station", None),
    ("xilingol", "陈巴尔虎旗", "Banner", "150725"),
    ("xilingol", "巴彦库仁镇", "TownshipLevelArea", None),
]

# article key, subject (class, name|code), property, object (class, name|code), evidence cue (a substring)
RELATIONS = [
    ("wuhai", ("Company", "乌海海易通银隆新能源汽车有限公司"), "locatedIn", ("IndustrialPark", "乌达工业园"), "位于乌达工业园"),
    ("wuhai", ("Company", "乌海海易通银隆新能源汽车有限公司"), "builds", ("Facility", "新能源产业园"), "投资建设新能源产业园"),
    ("wuhai", ("Company", "乌海海易通银隆新能源汽车有限公司"), "investsIn", ("Facility", "新能源产业园"), "投资建设新能源产业园"),
    ("wuhai", ("Facility", "新能源产业园"), "locatedIn", ("IndustrialPark", "乌达工业园"), "位于乌达工业园"),
    ("wuhai", ("Person", "王刚"), "worksFor", ("Company", "乌海海易通银隆新能源汽车有限公司"), "公司副总经理王刚"),
    ("wuhai", ("Company", "鸿达兴业股份有限公司"), "builds", ("Facility", "民用液氢工厂"), "投资建设的国内首座"),
    ("wuhai", ("Company", "鸿达兴业股份有限公司"), "investsIn", ("Facility", "民用液氢工厂"), "投资建设的国内首座"),
    ("wuhai", ("Company", "鸿达兴业股份有限公司"), "operates", ("Facility", "民用液氢工厂"), "投入运营"),
    ("wuhai", ("Facility", "民用液氢工厂"), "locatedIn", ("place", "150303"), "在海南区"),
    ("wuhai", ("Facility", "加氢站"), "locatedIn", ("place", "150300"), "乌海市建成3座加氢站"),
    ("chifeng", ("Person", "李炯"), "worksFor", ("PartyBody", "赤峰市委"), "赤峰市委常委、组织部长李炯"),
    ("chifeng", ("PartyBody", "赤峰市委"), "locatedIn", ("place", "150400"), "赤峰市委"),
    ("chifeng", ("Standard", "全领域基层党建融合发展规范"), "issuedIn", ("place", "150400"), "在赤峰召开"),
    ("hohhot", ("GovernmentBody", "呼和浩特市市场监管局"), "locatedIn", ("place", "150100"), "呼和浩特市市场监管局"),
    ("ordos", ("Law", "鄂尔多斯市中小学校幼儿园规划建设条例"), "issuedIn", ("place", "150600"), "鄂尔多斯市中小学校"),
    ("ordos", ("Law", "鄂尔多斯市中小学校幼儿园规划建设条例"), "issuedBy",
     ("GovernmentBody", "鄂尔多斯市人民代表大会常务委员会"), "地方性法规"),
    ("xilingol", ("PoliceUnit", "锡林郭勒边境管理支队“鹰巡”警航队"), "subOrganizationOf",
     ("PoliceUnit", "锡林郭勒边境管理支队"), "锡林郭勒边境管理支队“鹰巡”警航队"),
    ("xilingol", ("PoliceUnit", "锡林郭勒边境管理支队"), "locatedIn", ("place", "152500"), "锡林郭勒边境管理支队"),
    ("xilingol", ("PoliceUnit", "锡林郭勒边境管理支队"), "cooperatesWith", ("University", "中国人民公安大学"), "联合举办"),
    ("xilingol", ("Station", "巴扎依哈站"), "containedIn", ("Country", "俄罗斯"), "俄罗斯巴扎依哈站"),
    ("xilingol", ("Station", "二连浩特站"), "containedIn", ("place", "152501"), "二连浩特站"),
]

# article key, subject, measured thing, value, unit code, unit text, ref time, original text, approximate, qualifier
QUANTITIES = [
    ("bayannur", ("place", "150800"), "新增减税降费", "808000000", "CNY", "亿元", "2020", "8.08亿元", False, None),
    ("bayannur", ("place", "150800"), "税收减免", "390000000", "CNY", "亿元", "2020", "3.9亿元", False, None),
    ("bayannur", ("place", "150800"), "社保费减免", "404000000", "CNY", "亿元", "2020", "4.04亿元", False, None),
    ("bayannur", ("place", "150800"), "新增减税降费", "2460000000", "CNY", "亿元", "2016/2020", "24.6亿元", False, None),
    ("hohhot", ("GovernmentBody", "呼和浩特市市场监管局"), "罚没款", "23302700", "CNY", "万元", "2020", "2330.27万元", False,
     None),
    ("hohhot", ("GovernmentBody", "呼和浩特市市场监管局"), "查办一般程序案件", "1362", None, "起", "2020", "1362起", False,
     None),
    ("wuhai", ("place", "150300"), "加氢站", "3", None, "座", None, "3座", False, None),
]



def _node(ref: tuple[str, str]) -> URIRef:
    cls, name = ref
    return place(name) if cls == "place" else entity(cls, name)


def _span_iri(article: URIRef, begin: int, end: int) -> URIRef:
    return URIRef(f"{article}#char={begin},{end}")


def gold_dataset() -> Dataset:
    """The gold dataset: one named graph per article plus the entities graph."""
    ds = Dataset()
    ents = ds.graph(ENTITIES)
    for code, cls, name, level, parent, lon, lat in PLACES:
        node = place(code)
        ents.add((node, RDF.type, KG[cls]))
        ents.add((node, RDFS.label, Literal(name, lang="zh")))
        ents.add((node, KG.divisionCode, Literal(code)))
        ents.add((node, KG.adminLevel, Literal(level, datatype=XSD.integer)))
        if parent:
            ents.add((node, KG.containedIn, place(parent)))
        geometry = URIRef(f"{node}/geometry")
        ents.add((node, GEO.hasGeometry, geometry))
        ents.add((geometry, RDF.type, GEO.Geometry))
        ents.add((geometry, GEO.asWKT, Literal(f"POINT({lon} {lat})", datatype=GEO.wktLiteral)))
    for cls, name, alts in ENTITIES_LIST:
        node = entity(cls, name)
        ents.add((node, RDF.type, KG[cls]))
        ents.add((node, RDFS.label, Literal(name, lang="zh")))
        for alt in alts:
            ents.add((node, SKOS.altLabel, Literal(alt, lang="zh")))
    ents.add((entity("TownshipLevelArea", "巴彦库仁镇"), KG.containedIn, place("150725")))
    ents.add((entity("IndustrialPark", "乌达工业园"), KG.containedIn, place("150304")))
    ents.add((entity("Port", "二连浩特口岸"), KG.containedIn, place("152501")))
    ents.add((entity("Station", "二连浩特站"), KG.containedIn, place("152501")))

    media = entity("NewsMedia", "内蒙古日报")
    articles: dict[str, URIRef] = {}
    texts: dict[str, str] = {}
    for key, (headline, date, dateline, reporters, interns, text, cls) in ARTICLES.items():
        article_id = hashlib.sha256(text.encode()).hexdigest()[:16]
        art = B[f"article/{article_id}"]
        articles[key], texts[key] = art, text
        g = ds.graph(B[f"graph/article/{article_id}"])
        g.add((art, RDF.type, KG[cls]))
        g.add((art, KG.headline, Literal(headline, lang="zh")))
        g.add((art, KG.datePublished, Literal(date, datatype=XSD.date)))
        g.add((art, KG.publication, media))
        g.add((art, KG.page, Literal("3")))
        g.add((art, KG.text, Literal(text)))
        g.add((art, KG.sourceFile, Literal("inner_mongolia_daily_2021-02-22_p3.txt")))
        if dateline:
            g.add((art, KG.datelinePlace, place(dateline)))
        for person in reporters:
            g.add((art, KG.reporter, entity("Person", person)))
        for person in interns:
            g.add((art, KG.intern, entity("Person", person)))
        start = 0
        for n, end in enumerate(i + 1 for i, ch in enumerate(text) if ch == "。"):
            sentence = B[f"article/{article_id}/sentence/{n}"]
            g.add((art, KG.hasSentence, sentence))
            g.add((sentence, RDF.type, KG.Sentence))
            g.add((sentence, NIF.beginIndex, Literal(start, datatype=XSD.nonNegativeInteger)))
            g.add((sentence, NIF.endIndex, Literal(end, datatype=XSD.nonNegativeInteger)))
            g.add((sentence, NIF.anchorOf, Literal(text[start:end])))
            g.add((sentence, KG.inArticle, art))
            start = end

    for key, surface, cls, name in MENTIONS:
        art, text = articles[key], texts[key]
        g = ds.graph(URIRef(str(art).replace("/article/", "/graph/article/")))
        begin = text.index(surface)
        end = begin + len(surface)
        target = place(name) if name and name.isdigit() else entity(cls, name or surface)
        mention = _span_iri(art, begin, end)
        g.add((mention, RDF.type, KG.Mention))
        g.add((mention, NIF.beginIndex, Literal(begin, datatype=XSD.nonNegativeInteger)))
        g.add((mention, NIF.endIndex, Literal(end, datatype=XSD.nonNegativeInteger)))
        g.add((mention, NIF.anchorOf, Literal(surface)))
        g.add((mention, KG.inArticle, art))
        g.add((mention, KG.mentionOf, target))
        g.add((mention, KG.entityType, Literal(cls)))
        g.add((mention, KG.extractor, Literal("gold")))
        g.add((mention, KG.confidence, Literal("1.0", datatype=XSD.decimal)))
        g.add((art, KG.mentions, target))

    def evidence(key: str, cue: str) -> URIRef:
        art, text = articles[key], texts[key]
        g = ds.graph(URIRef(str(art).replace("/article/", "/graph/article/")))
        at = text.index(cue)
        begin = text.rfind("。", 0, at) + 1
        end = text.index("。", at) + 1
        node = _span_iri(art, begin, end)
        g.add((node, RDF.type, KG.Evidence))
        g.add((node, NIF.beginIndex, Literal(begin, datatype=XSD.nonNegativeInteger)))
        g.add((node, NIF.endIndex, Literal(end, datatype=XSD.nonNegativeInteger)))
        g.add((node, NIF.anchorOf, Literal(text[begin:end])))
        g.add((node, KG.inArticle, art))
        g.add((node, KG.sentenceText, Literal(text[begin:end])))
        return node

    for key, subj, prop, obj, cue in RELATIONS:
        g = ds.graph(URIRef(str(articles[key]).replace("/article/", "/graph/article/")))
        s, o = _node(subj), _node(obj)
        ev = evidence(key, cue)
        g.add((s, KG[prop], o))
        st = B[f"statement/{_h(str(s), prop, str(o), str(ev))}"]
        g.add((st, RDF.type, KG.Statement))
        g.add((st, RDF.subject, s))
        g.add((st, RDF.predicate, KG[prop]))
        g.add((st, RDF.object, o))
        g.add((st, KG.evidence, ev))
        g.add((st, KG.extractor, Literal("gold")))
        g.add((st, KG.confidence, Literal("0.9", datatype=XSD.decimal)))

    # one plain fact without a statement node: the facts-without-provenance query must report it
    g = ds.graph(URIRef(str(articles["xilingol"]).replace("/article/", "/graph/article/")))
    g.add((entity("Port", "二连浩特口岸"), KG.operates, entity("Station", "二连浩特站")))
    ents.add((entity("Company", "乌海海易通银隆新能源汽车有限公司"), KG.coMentionedWith, place("150300")))

    post = B[f"Post/{quote('乌海海易通银隆新能源汽车有限公司', safe='')}/{quote('副总经理', safe='')}"]
    post2 = B[f"Post/{quote('赤峰市委', safe='')}/{quote('组织部长', safe='')}"]
    for key, person, node, title, org in (
        ("wuhai", "王刚", post, "副总经理", entity("Company", "乌海海易通银隆新能源汽车有限公司")),
        ("chifeng", "李炯", post2, "组织部长", entity("PartyBody", "赤峰市委")),
    ):
        g = ds.graph(URIRef(str(articles[key]).replace("/article/", "/graph/article/")))
        g.add((entity("Person", person), KG.holdsPost, node))
        ev = evidence(key, title + person)
        st = B[f"statement/{_h(person, 'holdsPost', str(node), str(ev))}"]
        for p, o in ((RDF.type, KG.Statement), (RDF.subject, entity("Person", person)), (RDF.predicate, KG.holdsPost),
                     (RDF.object, node), (KG.evidence, ev), (KG.extractor, Literal("gold")),
                     (KG.confidence, Literal("0.9", datatype=XSD.decimal))):
            g.add((st, p, o))
        g.add((node, RDF.type, KG.Post))
        g.add((node, KG.postTitle, Literal(title, lang="zh")))
        g.add((node, KG.postIn, org))

    for key, subj, thing, value, code, unit, ref, original, approx, qual in QUANTITIES:
        g = ds.graph(URIRef(str(articles[key]).replace("/article/", "/graph/article/")))
        q = B[f"quantity/{_h(str(_node(subj)), thing, value, original)}"]
        g.add((q, RDF.type, KG.Quantity))
        g.add((q, KG.quantityOf, _node(subj)))
        g.add((q, KG.measuredThing, Literal(thing, lang="zh")))
        g.add((q, SCHEMA.value, Literal(value, datatype=XSD.decimal)))
        if code:
            g.add((q, SCHEMA.unitCode, Literal(code)))
        g.add((q, SCHEMA.unitText, Literal(unit)))
        if ref:
            g.add((q, KG.refTime, Literal(ref)))
        g.add((q, KG.originalText, Literal(original)))
        g.add((q, KG.approximate, Literal(approx)))
        if qual:
            g.add((q, KG.qualifier, Literal(qual)))
        g.add((q, KG.evidence, evidence(key, original)))

    law = entity("Law", "鄂尔多斯市中小学校幼儿园规划建设条例")
    g = ds.graph(URIRef(str(articles["ordos"]).replace("/article/", "/graph/article/")))
    g.add((law, KG.publicationDate, Literal("2020-12-25", datatype=XSD.date)))
    g.add((law, KG.effectiveDate, Literal("2021-03-01", datatype=XSD.date)))
    g = ds.graph(URIRef(str(articles["chifeng"]).replace("/article/", "/graph/article/")))
    g.add((entity("Standard", "全领域基层党建融合发展规范"), KG.publicationDate, Literal("2020-12-31", datatype=XSD.date)))

    for key, label, date, where, participants, origin, destination, cue in (
        ("chifeng", "地方标准发布会", "2020-12-31", place("150400"), [], None, None, "发布会在赤峰召开"),
        ("xilingol", "中欧班列抵达二连浩特站", "2021-01-27", entity("Station", "二连浩特站"), [],
         entity("Station", "巴扎依哈站"), entity("Station", "二连浩特站"), "始发的班列"),
    ):
        g = ds.graph(URIRef(str(articles[key]).replace("/article/", "/graph/article/")))
        ev = evidence(key, cue)
        node = B[f"event/{_h(label, date, str(ev))}"]
        g.add((node, RDF.type, KG.Event))
        g.add((node, RDFS.label, Literal(label, lang="zh")))
        g.add((node, KG.eventDate, Literal(date, datatype=XSD.date)))
        g.add((node, KG.eventPlace, where))
        g.add((node, KG.evidence, ev))
        for part in participants:
            g.add((node, KG.participant, part))
        if origin:
            g.add((node, KG.origin, origin))
        if destination:
            g.add((node, KG.destination, destination))
    return ds


def gold_names() -> dict[str, str]:
    """Place code → name, for readable assertions."""
    return {code: name for code, _, name, *_ in PLACES}
