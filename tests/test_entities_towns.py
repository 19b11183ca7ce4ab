"""Township-level divisions (镇, 乡, 街道, 苏木): 9-digit codes from the Ministry of Civil Affairs' table, linked only
inside a division the article names."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef

from kg.api import extract_texts
from kg.nlp import gazetteer as gz
from kg.graph.mapping import to_rdf
from kg.graph.vocab import KG

from .entities_helpers import extract, resolve

BASE = "https://w3id.org/kgnews/id/"


def links(text: str, place: str | None = None) -> dict[str, str | None]:
    return {m.text: m.attrs.get("code") for m in extract(text, place).mentions}


def test_townships_are_in_the_gazetteer_under_their_county() -> None:
    gaz = gz.gazetteer()
    town = gaz.divisions["150725100"]
    assert (town.name, town.level, town.parent, town.cls) == ("巴彦库仁镇", 4, "150725", "TownshipLevelArea")
    assert gaz.ancestors("150725100") == ["150725", "150700", "150000"]
    assert sum(1 for d in gaz.divisions.values() if d.level == 4) > 38000
    assert len(gaz.forms["城关镇"]) > 50  # one name, many towns: why a town needs its county in context


def test_town_in_a_named_banner_is_linked_with_its_hierarchy() -> None:
    extraction = extract("呼伦贝尔市陈巴尔虎旗巴彦库仁镇的牧民正在转场，镇里的兽医站提供服务。")
    town = next(m for m in extraction.mentions if m.text == "巴彦库仁镇")
    assert town.type == "TownshipLevelArea"
    assert town.attrs["code"] == "150725100" and town.attrs["level"] == "4"
    assert town.attrs["parent"] == "place/150725"
    corpus = resolve(extraction)
    entity = corpus.entities["place/150725100"]
    assert entity.attrs["parent"] == "place/150725"
    assert corpus.entities["place/150725"].attrs["parent"] == "place/150700"
    assert "lat" not in entity.attrs  # the township table has no coordinates; none are made up


def test_town_without_a_containing_area_stays_typed_but_unlinked() -> None:
    assert links("巴彦库仁镇的牧民正在转场。") == {"巴彦库仁镇": None}
    # the dateline's place is context enough
    assert links("巴彦库仁镇的牧民正在转场。", place="陈巴尔虎旗")["巴彦库仁镇"] == "150725100"


def test_namesakes_need_the_smallest_named_area_to_tell_them_apart() -> None:
    assert links("甘肃省城关镇的群众积极参与植树。")["城关镇"] is None  # several 城关镇 in Gansu
    assert links("甘肃省榆中县城关镇的群众积极参与植树。")["城关镇"] == "620123100"
    assert links("城关镇的群众积极参与植树。")["城关镇"] is None


def test_a_doubled_suffix_is_printed_once() -> None:
    found = {m.text: (m.attrs.get("code"), m.attrs.get("name")) for m in extract("浙江省桐乡市乌镇举办世界互联网大会。").mentions}
    assert found["乌镇"] == ("330483100", "乌镇镇")
    assert links("第七届世界互联网大会在乌镇开幕。").get("乌镇") is None  # a two-character name needs its county


def test_an_address_the_tagger_kept_whole_is_split_into_its_divisions() -> None:
    found = links("深圳市龙岗区坂田街道吉华路55号的企业复工。")
    assert found["深圳市"] == "440300" and found["龙岗区"] == "440307" and found["坂田街道"] == "440307013"
    assert "深圳市龙岗区" not in found


def test_a_subdistrict_named_after_a_school_names_no_school() -> None:
    extraction = extract("海淀区学院路街道工作人员表示，将做好服务。")
    found = {m.text: (m.type, m.attrs.get("code")) for m in extraction.mentions}
    assert found["学院路街道"] == ("TownshipLevelArea", "110108010")
    assert not any(m.type == "University" for m in extraction.mentions)


def test_a_town_is_joined_across_articles_only_when_its_name_is_unique() -> None:
    first = extract("陈巴尔虎旗巴彦库仁镇举办冰雪那达慕。")
    second = extract("巴彦库仁镇的牧民正在转场。")
    corpus = resolve(first, second)
    assert {m.entity for m in second.mentions if m.text == "巴彦库仁镇"} == {"place/150725100"}
    third = extract("甘肃省榆中县城关镇的群众积极参与植树。")
    fourth = extract("城关镇的群众积极参与植树。")
    resolve(third, fourth)
    assert {m.entity for m in fourth.mentions if m.text == "城关镇"} == {"Place/城关镇"}
    assert corpus.entities["place/150725100"].label == "巴彦库仁镇"


def test_the_township_code_has_its_own_property() -> None:
    corpus = extract_texts([("t.txt", "呼伦贝尔市陈巴尔虎旗巴彦库仁镇的牧民正在转场。")])
    dataset = to_rdf(corpus, BASE).to_dataset()

    def holds(s: URIRef, p: URIRef, o: Literal | URIRef | None) -> bool:
        return any(True for _ in dataset.quads((s, p, o, None)))

    town = URIRef(BASE + "place/150725100")
    assert holds(town, KG.townshipCode, Literal("150725100"))
    assert not holds(town, KG.divisionCode, None)
    assert holds(town, KG.containedIn, URIRef(BASE + "place/150725"))
    assert holds(URIRef(BASE + "place/150725"), KG.divisionCode, Literal("150725"))


def test_the_sample_pages_town_is_linked(sample_path: Path) -> None:
    corpus = extract_texts([("page.txt", sample_path.read_text(encoding="utf-8"))])
    town = corpus.entities["place/150725100"]
    assert town.label == "巴彦库仁镇" and town.type == "TownshipLevelArea"
    assert town.attrs["parent"] == "place/150725"  # 巴彦库仁镇 ⊂ 陈巴尔虎旗 ⊂ 呼伦贝尔市
    assert not any(key.startswith("Place/巴彦库仁镇") for key in corpus.entities)


def test_long_official_names_the_tagger_cut_are_linked_whole() -> None:
    # LAC cuts these transliterated names at the wrong syllable (额济纳旗达|来|呼布镇, 东乌|珠穆沁旗嘎达|布其镇)
    assert links("额济纳旗达来呼布镇的居民参加了活动。") == {"额济纳旗": "152923", "达来呼布镇": "152923102"}
    found = links("东乌珠穆沁旗嘎达布其镇的牧民参加比赛。")
    assert found["东乌珠穆沁旗"] == "152525" and found["嘎达布其镇"] == "152525102"
    assert links("长安街道路拥堵。", place="北京").get("长安街道") is None  # it would cut the word 道路
