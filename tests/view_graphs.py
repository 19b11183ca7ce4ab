"""Small RDF graphs in kg's shape (RDF_SHAPE.md) for the view tests: relations with evidence, co-mentions, places
with coordinates, a post, a quantity, an event, two articles; plus hostile labels."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg.graph.vocab import GEO, KG, NIF, PREFIXES, SCHEMA

B = "https://w3id.org/kgnews/id/"
ART1 = URIRef(B + "article/aaaa000000000001")
ART2 = URIRef(B + "article/bbbb000000000002")


def entity(graph: Graph, key: str, cls: str, label: str, *aliases: str) -> URIRef:
    """Add an entity of class ``cls`` with a zh label and aliases; return its IRI."""
    node = URIRef(B + "/".join(quote(p, safe="") for p in key.split("/")))
    graph.add((node, RDF.type, KG[cls]))
    graph.add((node, RDFS.label, Literal(label, lang="zh")))
    for alias in aliases:
        graph.add((node, SKOS.altLabel, Literal(alias, lang="zh")))
    return node


def place(graph: Graph, code: str, cls: str, label: str, lon: float, lat: float, level: int) -> URIRef:
    """An administrative area linked to its official code, with a point geometry."""
    node = entity(graph, f"place/{code}", cls, label)
    graph.add((node, KG.divisionCode, Literal(code)))
    graph.add((node, KG.adminLevel, Literal(level)))
    geometry = URIRef(f"{node}/geometry")
    graph.add((node, GEO.hasGeometry, geometry))
    graph.add((geometry, RDF.type, GEO.Geometry))
    graph.add((geometry, GEO.asWKT, Literal(f"POINT({lon} {lat})", datatype=GEO.wktLiteral)))
    return node


def article(graph: Graph, node: URIRef, headline: str, text: str) -> None:
    graph.add((node, RDF.type, KG.Article))
    graph.add((node, KG.headline, Literal(headline, lang="zh")))
    graph.add((node, KG.datePublished, Literal("2021-02-21", datatype=XSD.date)))
    graph.add((node, KG.sourceFile, Literal("page.txt")))
    graph.add((node, KG.text, Literal(text)))


def evidence(graph: Graph, art: URIRef, text: str, start: int) -> URIRef:
    node = URIRef(f"{art}#char={start},{start + len(text)}")
    graph.add((node, RDF.type, KG.Evidence))
    graph.add((node, NIF.beginIndex, Literal(start, datatype=XSD.nonNegativeInteger)))
    graph.add((node, NIF.endIndex, Literal(start + len(text), datatype=XSD.nonNegativeInteger)))
    graph.add((node, NIF.anchorOf, Literal(text)))
    graph.add((node, KG.inArticle, art))
    graph.add((node, KG.sentenceText, Literal(text)))
    return node


def relation(graph: Graph, s: URIRef, p: str, o: URIRef, ev: URIRef) -> None:
    """The plain triple and its statement node with evidence."""
    graph.add((s, KG[p], o))
    digest = hashlib.sha256("\x1f".join((s, p, o, ev)).encode()).hexdigest()[:16]
    statement = URIRef(f"{B}statement/{digest}")
    graph.add((statement, RDF.type, KG.Statement))
    graph.add((statement, RDF.subject, s))
    graph.add((statement, RDF.predicate, KG[p]))
    graph.add((statement, RDF.object, o))
    graph.add((statement, KG.evidence, ev))
    graph.add((statement, KG.extractor, Literal("nlp.relate.patterns")))


def rich_graph() -> Graph:
    """Two articles about Wuhai and Hohhot with relations, a co-mention, a post, a quantity and an event."""
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    s1 = "乌海市海南区人民政府与乌海市某新能源公司签署合作协议。"
    s2 = "张三任乌海市某新能源公司副总经理。"
    s3 = "2020年，呼和浩特市新增减税降费8.08亿元。"
    article(graph, ART1, "乌海推进新能源产业", s1 + s2)
    article(graph, ART2, "呼和浩特减税降费", s3)
    wuhai = place(graph, "150300", "City", "乌海市", 106.79, 39.65, 2)
    graph.add((wuhai, SKOS.altLabel, Literal("乌海", lang="zh")))
    hainan = place(graph, "150303", "District", "海南区", 106.89, 39.44, 3)
    hohhot = place(graph, "150100", "City", "呼和浩特市", 111.75, 40.84, 2)
    inner = place(graph, "150000", "ProvinceLevelArea", "内蒙古自治区", 111.77, 40.82, 1)
    government = entity(graph, "GovernmentBody/海南区人民政府", "GovernmentBody", "海南区人民政府")
    company = entity(graph, "Company/乌海市某新能源公司", "Company", "乌海市某新能源公司", "某新能源")
    person = entity(graph, "Person/张三", "Person", "张三")
    lonely = entity(graph, "Person/李四", "Person", "李四")
    post = URIRef(B + "Post/" + quote("乌海市某新能源公司", safe="") + "/" + quote("副总经理", safe=""))
    graph.add((post, RDF.type, KG.Post))
    graph.add((post, KG.postTitle, Literal("副总经理", lang="zh")))
    graph.add((post, RDFS.label, Literal("副总经理", lang="zh")))
    graph.add((post, KG.postIn, company))
    for child, parent in ((hainan, wuhai), (wuhai, inner), (hohhot, inner)):
        graph.add((child, KG.containedIn, parent))
    e1 = evidence(graph, ART1, s1, 0)
    e2 = evidence(graph, ART1, s2, len(s1))
    e3 = evidence(graph, ART2, s3, 0)
    relation(graph, government, "cooperatesWith", company, e1)
    relation(graph, company, "locatedIn", wuhai, e1)
    relation(graph, person, "holdsPost", post, e2)
    relation(graph, person, "worksFor", company, e2)
    graph.add((government, KG.coMentionedWith, wuhai))
    graph.add((lonely, KG.coMentionedWith, person))
    for node in (wuhai, hainan, government, company, person, lonely):
        graph.add((ART1, KG.mentions, node))
    graph.add((ART2, KG.mentions, hohhot))
    quantity = URIRef(B + "quantity/q1")
    graph.add((quantity, RDF.type, KG.Quantity))
    graph.add((quantity, KG.quantityOf, hohhot))
    graph.add((quantity, KG.measuredThing, Literal("新增减税降费", lang="zh")))
    graph.add((quantity, SCHEMA.value, Literal("808000000", datatype=XSD.decimal)))
    graph.add((quantity, KG.originalText, Literal("8.08亿元")))
    graph.add((quantity, KG.refTime, Literal("2020")))
    graph.add((quantity, KG.evidence, e3))
    event = URIRef(B + "event/ev1")
    graph.add((event, RDF.type, KG.Event))
    graph.add((event, RDFS.label, Literal("合作协议签署", lang="zh")))
    graph.add((event, KG.participant, government))
    graph.add((event, KG.participant, company))
    graph.add((event, KG.eventPlace, hainan))
    graph.add((event, KG.evidence, e1))
    return graph


HOSTILE_LABELS = (
    '</script><script>window.kgPwned=1</script>',
    '"><img src=x onerror="window.kgPwned=1">',
    "引号\"和'单引号'与&amp;实体",
    "超长名称" * 300,
    "\u2028行分隔\u2029段分隔",
)


def hostile_graph() -> Graph:
    """Entities whose names try to break out of the page, plus a very long name, linked in a chain."""
    graph = Graph()
    nodes = [entity(graph, f"Organization/o{i}", "Organization", label) for i, label in enumerate(HOSTILE_LABELS)]
    article(graph, ART1, "<b>标题</b>", "text")
    for a, b in zip(nodes, nodes[1:]):
        relation(graph, a, "cooperatesWith", b, evidence(graph, ART1, "<script>window.kgPwned=1</script>", 0))
    return graph


def network_graph(n: int = 120, seed: int = 5) -> Graph:
    """Two small-world components of ``n`` organizations each (kg:cooperatesWith), for layout and determinism
    tests (each component is under half the graph, which is when networkx's subgraph views iterate in hash order)."""
    import networkx as nx

    graph = Graph()
    for part in range(2):
        nodes = [entity(graph, f"Organization/机构{part}-{i:04d}", "Organization", f"机构{part}-{i:04d}")
                 for i in range(n)]
        for a, b in sorted(nx.connected_watts_strogatz_graph(n, 4, 0.1, seed=seed + part).edges()):
            graph.add((nodes[a], KG.cooperatesWith, nodes[b]))
    return graph
