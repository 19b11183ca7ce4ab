"""SPARQL: competency queries give their expected answers on the gold sample graph, Oxigraph and rdflib agree,
result formats follow the W3C specs, errors point at the line and column, --timeout stops a runaway query."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import XSD, Dataset, Graph, Literal

from kg.errors import GraphParseError, InputError, QueryError, UsageError
from kg.publish.export import write_exports
from kg.store.query import display, list_queries, named_query, query, query_listing, run, text_width
from kg.graph.vocab import ONTOLOGY_IRI, ontology_dir
from tests.stores.gold import gold_dataset

WUHAI_CO = "乌海海易通银隆新能源汽车有限公司"
HONGDA = "鸿达兴业股份有限公司"
XIAN = "鄂尔多斯市中小学校幼儿园规划建设条例"

# Expected answers on the gold graph of the sample page, as rows of displayed values (labels, codes, numbers).
EXPECTED: dict[str, list[tuple[str, ...]] | bool] = {
    # located there, or owning, operating, building or investing in a site there (through containedIn*)
    "organizations-in-place": [
        (WUHAI_CO, "kg:Company", "kg:builds", "乌达工业园"), (WUHAI_CO, "kg:Company", "kg:investsIn", "乌达工业园"),
        (WUHAI_CO, "kg:Company", "kg:locatedIn", "乌达工业园"), (HONGDA, "kg:Company", "kg:builds", "海南区"),
        (HONGDA, "kg:Company", "kg:investsIn", "海南区"), (HONGDA, "kg:Company", "kg:operates", "海南区"),
    ],
    "posts": [("李炯", "组织部长", "赤峰市委"), ("王刚", "副总经理", WUHAI_CO)],
    "facilities-built-by-companies": [(WUHAI_CO, "新能源产业园", "乌达工业园"), (HONGDA, "民用液氢工厂", "海南区")],
    # readable units: 元 for the normalised yuan (not 亿元, the printed multiplier), a count's classifier; then the code
    "quantities-by-year": [
        ("2016/2020", "巴彦淖尔市", "新增减税降费", "2460000000", "元", "CNY", "24.6亿元"),
        ("2020", "呼和浩特市市场监管局", "查办一般程序案件", "1362", "起", "", "1362起"),
        ("2020", "呼和浩特市市场监管局", "罚没款", "23302700", "元", "CNY", "2330.27万元"),
        ("2020", "巴彦淖尔市", "新增减税降费", "808000000", "元", "CNY", "8.08亿元"),
        ("2020", "巴彦淖尔市", "社保费减免", "404000000", "元", "CNY", "4.04亿元"),
        ("2020", "巴彦淖尔市", "税收减免", "390000000", "元", "CNY", "3.9亿元"),
    ],
    "laws-and-standards": [
        ("全领域基层党建融合发展规范", "standard", "", "赤峰市", "2020-12-31", ""),
        (XIAN, "law", "鄂尔多斯市人民代表大会常务委员会", "鄂尔多斯市", "2020-12-25", "2021-03-01"),
    ],
    "sources-of-facts": [
        (HONGDA, prop, "民用液氢工厂", "在海南区，由鸿达兴业股份有限公司投资建设的国内首座民用液氢工厂也于去年投入运营。",
         "乌海以产业转型促进绿色低碳发展", "2021-02-21", "gold", "0.9")
        for prop in ("builds", "investsIn", "operates")
    ],
    "entities-in-area": [
        ("二连浩特口岸", "kg:Port"), ("二连浩特市", "kg:CountyLevelCity"), ("二连浩特站", "kg:Station"),
        ("锡林郭勒边境管理支队", "kg:PoliceUnit"),
    ],
    "articles-by-dateline": [
        ("2021-02-21", "乌海市", "乌海以产业转型促进绿色低碳发展"),
        ("2021-02-21", "呼和浩特市", "首府“衣食住行”专项整治找准痛点对症下药"),
        ("2021-02-21", "巴彦淖尔市", "巴彦淖尔市“真金白银”助企纾困"),
        ("2021-02-21", "鄂尔多斯市", "鄂尔多斯市首部教育类地方性法规出台"),
    ],
    "facts-without-provenance": [("二连浩特口岸", "operates", "二连浩特站")],
    "mentions-of-entity": [("article/07453050418ccc71", "乌海以产业转型促进绿色低碳发展", "乌海", "12", "14")],
    "reporters": [
        ("于海东", "reporter", "article/07453050418ccc71", "乌海以产业转型促进绿色低碳发展", "2021-02-21"),
        ("刘洋", "reporter", "article/0681325fe76505a9", "首府“衣食住行”专项整治找准痛点对症下药", "2021-02-21"),
        ("李文清", "intern", "article/ea16e734020f0e0b", "解码新时代党建引领基层发展的“赤峰方案”", "2021-02-22"),
        ("王塔娜", "reporter", "article/ea16e734020f0e0b", "解码新时代党建引领基层发展的“赤峰方案”", "2021-02-22"),
        ("郝雪莲", "reporter", "article/6078f09a07f9e45d", "鄂尔多斯市首部教育类地方性法规出台", "2021-02-21"),
        ("郝飚", "reporter", "article/07453050418ccc71", "乌海以产业转型促进绿色低碳发展", "2021-02-21"),
        ("韩继旺", "reporter", "article/e733beb126ff783a", "巴彦淖尔市“真金白银”助企纾困", "2021-02-21"),
    ],
    "events-timeline": [
        ("2020-12-31", "地方标准发布会", "赤峰市", "", ""),
        ("2021-01-27", "中欧班列抵达二连浩特站", "二连浩特站", "巴扎依哈站", "二连浩特站"),
    ],
    "company-relations": [
        (WUHAI_CO, "builds", "新能源产业园"), (WUHAI_CO, "investsIn", "新能源产业园"),
        (WUHAI_CO, "locatedIn", "乌达工业园"), (HONGDA, "builds", "民用液氢工厂"),
        (HONGDA, "investsIn", "民用液氢工厂"), (HONGDA, "operates", "民用液氢工厂"),
    ],
    "parent-organizations": [("锡林郭勒边境管理支队“鹰巡”警航队", "锡林郭勒边境管理支队")],
    # amounts are never added up: 税收减免 and 社保费减免 are parts of 新增减税降费 (their sum was counted twice)
    "money-by-place": [
        ("呼和浩特市市场监管局", "2020", "罚没款", "23302700", "1"),
        ("巴彦淖尔市", "2016/2020", "新增减税降费", "2460000000", "1"),
        ("巴彦淖尔市", "2020", "新增减税降费", "808000000", "1"),
        ("巴彦淖尔市", "2020", "社保费减免", "404000000", "1"),
        ("巴彦淖尔市", "2020", "税收减免", "390000000", "1"),
    ],
    "is-entity-known": True,
}


@pytest.fixture(scope="module")
def gold_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gold")
    write_exports(gold_dataset(), out)
    return out


def _rows(result) -> list[tuple[str, ...]]:
    return [tuple(display(t) for t in row) for row in result.rows]


def test_at_least_fifteen_documented_queries() -> None:
    queries = list_queries()
    assert len(queries) >= 15
    for item in queries:
        assert item.title and item.description, f"{item.name}.rq needs a title line and a description"
    listing = query_listing()
    assert "organizations-in-place  " in listing or "organizations-in-place" in listing
    assert "Who holds which post where" in listing


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_competency_query_expected_answer(gold_dir: Path, name: str) -> None:
    result = run(gold_dir, named_query(name).text)
    expected = EXPECTED[name]
    if isinstance(expected, bool):
        assert result.boolean is expected
    else:
        assert _rows(result) == expected


def test_most_mentioned_ranks_by_articles_then_mentions(gold_dir: Path) -> None:
    rows = _rows(run(gold_dir, named_query("most-mentioned").text))
    assert rows[0] == (WUHAI_CO, "1", "2")
    assert len(rows) == 20


def test_administrative_areas_query(gold_dir: Path) -> None:
    rows = _rows(run(gold_dir, named_query("administrative-areas").text))
    assert rows[0] == ("150000", "内蒙古自治区", "1", "", "POINT(111.67 40.82)")
    assert ("150725", "陈巴尔虎旗", "3", "呼伦贝尔市", "POINT(119.42 49.33)") in rows
    assert len(rows) == 13


def test_describe_entity_gives_a_graph(gold_dir: Path) -> None:
    text = query(gold_dir, named_query("describe-entity").text).serialize("turtle")
    graph = Graph().parse(data=text, format="turtle")
    assert (None, None, Literal(HONGDA, lang="zh")) in graph
    assert len(graph) >= 5


def _rdflib_dataset(gold_dir: Path) -> Dataset:
    dataset = Dataset(default_union=True)
    dataset.parse(gold_dir / "graph.nq", format="nquads")
    dataset.graph(ONTOLOGY_IRI).parse(ontology_dir() / "kg.ttl", format="turtle")
    return dataset


def _canonical(term) -> tuple[str, str] | None:
    # compare values, not lexical forms: engines may write a computed decimal as 1602000000 or 1602000000.0
    if term is None:
        return None
    if isinstance(term, Literal) and term.datatype in (XSD.decimal, XSD.integer, XSD.nonNegativeInteger):
        return ("number", str(Decimal(str(term)).normalize()))
    if isinstance(term, Literal):
        return ("literal", str(term), term.language or "")
    return ("iri", str(term))


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_oxigraph_and_rdflib_agree(gold_dir: Path, name: str) -> None:
    text = named_query(name).text
    ours = run(gold_dir, text)
    theirs = _rdflib_dataset(gold_dir).query(text)
    if ours.kind == "ask":
        assert ours.boolean == theirs.askAnswer
    elif ours.kind == "graph":
        assert {tuple(map(_canonical, t)) for t in ours.triples} == {tuple(map(_canonical, t)) for t in theirs}
    else:
        assert [str(v) for v in theirs.vars] == ours.variables
        assert [tuple(map(_canonical, row)) for row in ours.rows] == [tuple(map(_canonical, r)) for r in theirs]


# ------------------------------------------------------------------------------------------------- formats

SELECT = """PREFIX kg: <https://w3id.org/kgnews/ontology#>
SELECT ?code ?name ?level WHERE { ?p kg:divisionCode ?code ; rdfs:label ?name ; kg:adminLevel ?level .
FILTER(?code IN ("150300", "152501")) } ORDER BY ?code"""


def test_json_results(gold_dir: Path) -> None:
    document = json.loads(query(gold_dir, SELECT).serialize("json"))
    assert document["head"]["vars"] == ["code", "name", "level"]
    first = document["results"]["bindings"][0]
    assert first["name"] == {"type": "literal", "value": "乌海市", "xml:lang": "zh"}
    assert first["level"] == {"type": "literal", "value": "2", "datatype": str(XSD.integer)}
    assert first["code"] == {"type": "literal", "value": "150300"}


def test_xml_results(gold_dir: Path) -> None:
    root = ET.fromstring(query(gold_dir, SELECT).serialize("xml"))
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    assert [v.get("name") for v in root.findall("s:head/s:variable", ns)] == ["code", "name", "level"]
    literal = root.find("s:results/s:result/s:binding[@name='name']/s:literal", ns)
    assert literal is not None and literal.text == "乌海市"
    assert literal.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"


def test_csv_and_tsv_results(gold_dir: Path) -> None:
    text = query(gold_dir, SELECT).serialize("csv")
    assert text.startswith("code,name,level\r\n")
    assert list(csv.reader(io.StringIO(text)))[2] == ["152501", "二连浩特市", "3"]
    tsv = query(gold_dir, SELECT).serialize("tsv").splitlines()
    assert tsv[0] == "?code\t?name\t?level"
    # TSV writes terms as in Turtle, so an xsd:integer may be written bare (Oxigraph does)
    assert tsv[1] == '"150300"\t"乌海市"@zh\t2'


def test_table_aligns_chinese(gold_dir: Path) -> None:
    lines = query(gold_dir, SELECT).serialize("table").splitlines()
    body = [line for line in lines if line.startswith("|")]
    assert len({text_width(line) for line in body}) == 1
    assert "乌海市" in body[1] and "二连浩特市" in body[2]
    assert lines[-1] == "2 rows"
    assert text_width("乌海市") == 6


def test_ask_formats(gold_dir: Path) -> None:
    ask = named_query("is-entity-known").text
    assert query(gold_dir, ask).serialize("table") == "true\n"
    assert json.loads(query(gold_dir, ask).serialize("json")) == {"head": {}, "boolean": True}


def test_construct_as_ntriples(gold_dir: Path) -> None:
    text = query(gold_dir, named_query("describe-entity").text).serialize("nt")
    assert all(line.endswith(" .") for line in text.splitlines())
    with pytest.raises(UsageError, match="is a graph"):
        query(gold_dir, named_query("describe-entity").text).serialize("csv")


def test_all_sources_agree(gold_dir: Path) -> None:
    text = named_query("posts").text
    expected = query(gold_dir, text).serialize("csv")
    for name in ("graph.ttl", "graph.nt", "graph.nq", "graph.trig", "graph.jsonld"):
        assert query(gold_dir / name, text).serialize("csv") == expected, name


# ------------------------------------------------------------------------------------------------- errors


def test_syntax_error_points_at_line_and_column(gold_dir: Path) -> None:
    bad = "SELECT ?x\nWHERE {\n  ?x ?y ?z .\n  FILTER(?x = \n}"
    with pytest.raises(QueryError) as info:
        query(gold_dir, bad)
    message = str(info.value)
    assert "line 5, column 2" in message
    assert message.splitlines()[-1].strip() == "^"


def test_malformed_turtle_names_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b "x .\n', encoding="utf-8")
    with pytest.raises(GraphParseError, match=r"bad\.ttl:3:11"):
        query(bad, "ASK {}")


def test_malformed_jsonld_names_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonld"
    bad.write_text('{\n  "@id": "http://e/a",\n  "http://e/p": [1,\n}\n', encoding="utf-8")
    with pytest.raises(GraphParseError, match=r"bad\.jsonld:4:1"):
        query(bad, "ASK {}")


def test_missing_source(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        query(tmp_path / "nope.ttl", "ASK {}")


def test_unknown_named_query_lists_the_shipped_ones() -> None:
    with pytest.raises(UsageError, match="the shipped queries are: administrative-areas, .*, sources-of-facts"):
        named_query("no-such-query")


def test_timeout_stops_a_runaway_query(gold_dir: Path) -> None:
    # a five-way cross product of every triple: hours of work, stopped after a second
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
    with pytest.raises(QueryError, match=r"stopped after 1 s \(--timeout\)"):
        run(gold_dir / "graph.nq", runaway, timeout=1)


def test_timeout_leaves_fast_queries_alone(gold_dir: Path) -> None:
    assert _rows(run(gold_dir, named_query("posts").text, timeout=30)) == EXPECTED["posts"]
