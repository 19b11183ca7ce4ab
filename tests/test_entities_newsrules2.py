"""Rules about Chinese regional news in general (kg.nlp.rules): projects and built things, generic phrases, slogan
fragments, natural features, tagger spans mended. Every sentence is written for these tests."""

from __future__ import annotations

from kg.model import Token
from kg.nlp.rules import naming_element

from .entities_helpers import extract


def found(text: str) -> dict[str, str]:
    return {m.text: m.type for m in extract(text).mentions}


def test_named_projects_keep_their_whole_name_and_the_names_inside() -> None:
    names = found("今年开工的有西安至宝鸡高速公路改扩建工程和内蒙古大学图书馆扩建项目，总投资12亿元。")
    assert names["西安至宝鸡高速公路改扩建工程"] == "Project"
    assert names["西安至宝鸡高速公路"] == "Facility"  # the road the project rebuilds
    assert names["内蒙古大学图书馆扩建项目"] == "Project"
    assert names["内蒙古大学"] == "University"
    assert names["西安"] == "City"


def test_a_phase_in_brackets_and_a_measure_belong_to_the_name() -> None:
    names = found("宁远县城乡供水一体化（二期）工程完工，年产8万吨饲料项目投产。")
    assert names["宁远县城乡供水一体化（二期）工程"] == "Project"
    assert names["年产8万吨饲料项目"] == "Project"


def test_kinds_of_projects_and_counts_are_not_names() -> None:
    names = found("签约项目涉及新材料、新能源等领域，其中重点项目8个，某市重点工业项目45个项目全部开工。")
    assert not any(name.endswith("项目") for name in names)


def test_naming_element_tells_a_name_from_a_kind() -> None:
    kind = [Token(0, 2, "重点", "n"), Token(2, 4, "项目", "n")]
    assert not naming_element("重点项目", kind)
    assert naming_element("5万吨磷酸铁项目", [Token(0, 3, "5万吨", "m"), Token(3, 6, "磷酸铁", "n")])
    assert naming_element("G318线公路", [Token(0, 4, "G318", "nz")])
    assert naming_element("“蓝色粮仓”项目", [])


def test_roads_and_venues_are_facilities() -> None:
    names = found("车队沿长安大道驶入会展中心，游客在人民公园和省博物馆之间往返。")
    assert {names.get(n) for n in ("长安大道", "人民公园")} == {"Facility"}


def test_slogan_fragments_are_not_counties_but_real_counties_stay() -> None:
    names = found("该县坚持生态立县、工业兴县、旅游强县战略，记者赴兴县采访。")
    assert "立县" not in names and "强县" not in names
    assert names.get("兴县") == "County"  # after a verb, 兴县 is the county in Shanxi


def test_rivers_and_lakes_are_places_never_persons() -> None:
    names = found("王江和李峰沿着黄河走到青山湖边，看见汾河两岸的村庄。")
    assert names["王江"] == "Person" and names["李峰"] == "Person"  # given names that end like places
    assert names["黄河"] != "Person" and names["汾河"] != "Person"


def test_tagger_spans_mended() -> None:
    names = found("某某旗人民政府与一家公司签约。紫金县委县政府召开专题会议。")
    assert "某某旗人民政府与" not in names
    assert names.get("紫金县委") == "PartyBody" and names.get("县政府") == "GovernmentBody"
    assert "紫金县委县政府" not in names


def test_a_declared_short_form_points_at_the_full_name() -> None:
    extraction = extract("内蒙古包头钢铁（集团）有限责任公司（以下简称“包钢集团”）与某旗签约。包钢集团将投资20亿元。")
    full = next(m for m in extraction.mentions if m.text == "包头钢铁（集团）有限责任公司")
    shorts = [m for m in extraction.mentions if m.text == "包钢集团"]
    assert len(shorts) == 2 and all(m.attrs["ref"] == f"{full.start}:{full.end}" for m in shorts)
    assert "包头钢铁（集团" not in {m.text for m in extraction.mentions}  # no name cut inside the brackets


def test_villages_after_their_town_keep_the_characters_between() -> None:
    names = found("名单如下：城关镇下王庄村、白云镇东沙河村。")
    assert names.get("下王庄村") == "VillageLevelArea"
    assert names.get("东沙河村") == "VillageLevelArea" and "白云镇东" not in names


def test_a_name_with_its_trade_before_a_separator_is_a_company() -> None:
    names = found("园区引进了华通重工、金源食品和德信新材料等企业。")
    assert {names.get(n) for n in ("金源食品", "德信新材料")} == {"Company"}
    assert found("他毕业于北京科技大学。").get("北京科技") is None  # a trade word inside a longer name


def test_outlets_in_source_lines_and_datelines_are_news_media() -> None:
    names = found("黄河新闻网讯 近日，某地的施工正忙。\n来源: 某某日报·新某某客户端 2024-01-02\n来源: 本网原创")
    assert names.get("黄河新闻网") == "NewsMedia"
    assert names.get("某某日报") == "NewsMedia" and names.get("新某某客户端") == "NewsMedia"
    assert not any(name.startswith("本网") for name in names)


def test_a_name_cut_short_by_the_tagger_gets_its_last_character_back() -> None:
    from kg.model import Article, Mention
    from kg.nlp.rules import _cut_name

    text = "会上，王醒时说，李明说好，王刚同志发言。"

    def cut(name: str) -> bool:
        start = text.index(name)
        return _cut_name(text, Mention(Article("a", "d", 0, text).id, start, start + 2, name, "Person"))

    assert cut("王醒")  # 时 cannot follow a name as a word of its own here, and 说 closes the name
    assert not cut("李明") and not cut("王刚")  # a verb of saying, a form of address
    assert found("新华社记者在现场报道。").get("新华社") != "Person"


def test_kinds_of_land_and_stretches_of_rivers() -> None:
    assert "江河湖" not in found("各地统筹江河湖治理，保护水质。")  # kinds of water, not a place
    names = found("沿着汾河段一路向南。")
    assert names.get("汾河") == "Place" and "汾河段" not in names


def test_a_place_in_brackets_inside_a_name_and_a_committee_session() -> None:
    names = found("会上，伊泰(呼和浩特)新能源科技有限公司和华能(包头)风电有限公司签约。")
    assert names.get("华能(包头)风电有限公司") == "Company"  # the tagger cut it inside the brackets
    assert names.get("伊泰(呼和浩特)新能源科技有限公司") == "Company"

    from kg.model import Article, ArticleExtraction, Mention
    from kg.nlp.rules import _Mentions, bracketed_names

    text = "政协第十二届赤峰市委员会召开会议。"
    start = text.index("赤峰市委员会")
    article = Article("a", "d", 0, text)
    extraction = ArticleExtraction(article, [Mention("a", start, start + 6, "赤峰市委员会", "GovernmentBody")])
    ms = _Mentions(extraction)
    bracketed_names(ms, [])
    ms.finish()
    assert [m.text for m in extraction.mentions] == ["政协第十二届赤峰市委员会"]


def test_organizations_keep_their_tails() -> None:
    names = found("喀喇沁旗绿源蔬菜种植农民专业合作社和赤峰市马铃薯产业协会专家委员会联合举办培训。")
    assert names.get("喀喇沁旗绿源蔬菜种植农民专业合作社") == "Cooperative"
    assert names.get("喀喇沁旗") == "Banner"  # the division inside stays a mention
    assert "农民专业合作社" not in names
    assert "赤峰市马铃薯产业协会专家委员会" in names and "赤峰市马铃薯产业协会" not in names


def test_adjectives_inside_a_project_name() -> None:
    # 大 and 特大 are tagged adjectives; they sit inside names (某地区大数据中心扩建工程, 某某特大桥)
    names = found("推进阿拉善盟大数据中心扩建工程建设。")
    assert names.get("阿拉善盟大数据中心扩建工程") == "Project"


def test_a_photographer_closing_a_credit_line_is_a_person_without_the_photo_word() -> None:
    names = found("东山镇石门村\n图源南方日报王海涛摄\n图源北方晚报袁灿摄\n西山镇花园村")
    assert names.get("王海涛") == "Person" and names.get("袁灿") == "Person"
    assert "王海涛摄" not in names and "袁灿摄" not in names


def test_named_economic_regions_and_railways_take_the_places_before_their_head() -> None:
    names = found("该市主动融入成渝地区双城经济圈和关中平原城市群，北黑铁路升级改造同步推进。")
    assert names.get("成渝地区双城经济圈") == "Region" and names.get("关中平原城市群") == "Region"
    assert names.get("北黑铁路") == "Facility"
    assert not {"双城", "渝地区", "关中平原", "北黑"} & set(names)
    assert found("二连浩特口岸进出口货运量增长。").get("二连浩特口岸") == "Port"


def test_a_name_cut_short_is_completed_from_the_same_article() -> None:
    from kg.model import Article, ArticleExtraction, Mention
    from kg.nlp.rules import _Mentions, complete_cut_names

    text = "镇党委书记金灵占主持会议。金灵占在会上指出，要抓好项目。"
    article = Article(id="t", document_id="d", index=0, text=text)
    extraction = ArticleExtraction(article=article, mentions=[
        Mention("t", 5, 8, "金灵占", "Person"), Mention("t", 13, 15, "金灵", "Person")])
    ms = _Mentions(extraction)
    complete_cut_names(ms)
    ms.finish()
    assert [m.text for m in extraction.mentions] == ["金灵占", "金灵占"]


def test_a_name_cut_before_ascii_punctuation_is_completed() -> None:
    from kg.model import Mention
    from kg.nlp.rules import _cut_name

    def cut(text: str, name: str) -> bool:
        start = text.index(name)
        return _cut_name(text, Mention("t", start, start + len(name), name, "Person"))

    assert cut("统战部长王醒时,区委常委李华出席。", "王醒")  # web text's ASCII comma
    assert not cut("县长王刚到和平村调研。", "王刚")  # 到 and 和 follow a name as words of their own


def test_a_picture_source_names_its_outlet() -> None:
    names = found("东山镇石门村入选。\n图源南城新闻网\n西山镇花园村入选。\n图源北岭日报王海涛摄\n图源：山水融媒体中心")
    assert names.get("南城新闻网") == "NewsMedia" and names.get("北岭日报") == "NewsMedia"
    assert names.get("山水融媒体中心") == "NewsMedia"


def test_projects_counted_or_above_a_sum_are_categories() -> None:
    from kg.model import Article, ArticleExtraction
    from kg.nlp.rules import _Mentions, project_names

    def projects(words: list[tuple[str, str]]) -> list[str]:
        tokens, at = [], 0
        for word, pos in words:
            tokens.append(Token.at(at, word, pos))
            at += len(word)
        text = "".join(word for word, _ in words)
        extraction = ArticleExtraction(article=Article(id="t", document_id="d", index=0, text=text))
        ms = _Mentions(extraction)
        project_names(ms, tokens)
        ms.finish()
        return [m.text for m in extraction.mentions if m.type == "Project"]

    assert projects([("全市", "n"), ("5000万元", "m"), ("以上", "f"), ("示范", "vn"), ("项目", "n")]) == []
    assert projects([("引水", "vn"), ("工程", "n"), ("39", "m"), ("个子", "n"), ("项目", "n")]) == []
    assert projects([("南湖", "LOC"), ("5万吨", "m"), ("引水", "vn"), ("项目", "n")]) == ["南湖5万吨引水项目"]


def test_bodies_and_built_things_named_after_the_place_before_them() -> None:
    names = found("参观了重庆光环购物公园。东城区合作交流办有关负责同志陪同。")
    assert names.get("重庆光环购物公园") == "Facility" and "光环购物公园" not in names
    assert names.get("东城区合作交流办") == "GovernmentBody"


def test_kinds_of_cooperatives_are_no_names() -> None:
    from kg.nlp.rules import GENERIC_BODY

    names = found("调研组了解了域内农民专业合作社的发展现状，走访了南湖区玉珠香牡丹种植专业合作社。")
    assert "域内农民专业合作社" not in names and "农民专业合作社" not in names
    assert any(name.endswith("玉珠香牡丹种植专业合作社") for name in names)
    assert GENERIC_BODY.match("各类合作社") and not GENERIC_BODY.match("玉珠香牡丹种植专业合作社")


def test_a_bodys_central_task_is_not_a_centre() -> None:
    names = found("围绕中共南湖市委、市政府中心工作，推动农村经济发展。")
    assert "市政府中心" not in names and not any(name.endswith("政府中心") for name in names)
    assert any(name.endswith("市政府") for name in names)


def test_fairs_by_their_short_names_are_events() -> None:
    from kg.nlp.rules import class_by_suffix

    assert found("去年东博会期间，华能与广西签约。").get("东博会") == "Event"
    assert class_by_suffix("中国国际进口博览会", "Organization") == "Event"
    assert class_by_suffix("广交会", "Organization") == "Event"


def test_a_ministrys_department_names_its_ministry_too() -> None:
    from kg.nlp.rules import class_by_suffix

    assert class_by_suffix("国家能源局规划司", "Organization") == "GovernmentBody"
    assert class_by_suffix("鸿达公司", "Organization") == "Company"
    names = found("5月13日，国家能源局规划司副司长何勇健率调研组来到邢台。")
    assert names.get("国家能源局规划司") == "GovernmentBody" and "国家能源局" in names


def test_a_given_name_before_a_title_is_the_person() -> None:
    from .entities_helpers import resolve

    extraction = extract("东城区委副书记、区长王亚明出席。亚明区长就优化营商环境作了表态。")
    corpus = resolve(extraction)
    person = next(e for e in corpus.entities.values() if e.label == "王亚明")
    assert "亚明" in person.alt_labels
    assert not any(e.label == "亚明" for e in corpus.entities.values())
