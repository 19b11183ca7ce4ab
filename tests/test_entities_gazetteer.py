"""Linking to GB/T 2260 divisions: codes, hierarchy, short forms, context, false hits, traditional characters."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.nlp import gazetteer as gz
from kg.run import Settings

from .entities_helpers import extract, resolve, spans


def codes(text: str, place: str | None = None) -> dict[str, str]:
    return {m.text: m.attrs["code"] for m in extract(text, place).mentions if "code" in m.attrs}


def test_gazetteer_is_built_from_the_package_data() -> None:
    gaz = gz.gazetteer()
    assert gaz is gz.gazetteer()  # cached for the process
    assert gaz.divisions["150304"].name == "乌达区"
    assert gaz.ancestors("150304") == ["150300", "150000"]
    assert gaz.divisions["110105"].parent == "110000"  # municipality districts hang off the municipality
    assert gaz.divisions["152900"].cls == "League" and gaz.divisions["150725"].cls == "Banner"
    assert len(gaz.divisions) > 3000


def test_short_forms() -> None:
    assert gz.short_forms("内蒙古自治区", 1) == ["内蒙古"]
    assert gz.short_forms("广西壮族自治区", 1) == ["广西"]
    assert gz.short_forms("阿拉善盟", 2) == ["阿拉善"]
    assert gz.short_forms("鄂温克族自治旗", 3) == ["鄂温克旗"]
    assert gz.short_forms("延边朝鲜族自治州", 2) == ["延边", "延边州"]
    assert gz.short_forms("恩施土家族苗族自治州", 2) == ["恩施", "恩施州"]


def test_district_links_with_its_hierarchy() -> None:
    extraction = extract("乌达区位于乌海市西部，是内蒙古自治区的工业重镇。")
    assert spans(extraction)["乌达区"][1]["code"] == "150304"
    corpus = resolve(extraction)
    district = corpus.entities["place/150304"]
    assert district.type == "District"
    assert district.attrs["parent"] == "place/150300"
    assert corpus.entities["place/150300"].attrs["parent"] == "place/150000"
    assert corpus.entities["place/150000"].label == "内蒙古自治区"
    assert float(district.attrs["lat"]) == pytest.approx(39.5, abs=0.2)
    assert float(district.attrs["lon"]) == pytest.approx(106.7, abs=0.2)


def test_short_names_resolve() -> None:
    found = codes("阿拉善近年来推进河湖长制。赤峰召开发布会。")
    assert found["阿拉善"] == "152900"
    assert found["赤峰"] == "150400"


def test_capital_word_in_inner_mongolia_context() -> None:
    extraction = extract("首府“衣食住行”领域专项整治取得成效。", place="呼和浩特")
    assert spans(extraction)["首府"][1]["code"] == "150100"
    extraction = extract("内蒙古自治区召开会议，首府各界积极响应。")
    assert spans(extraction)["首府"][1]["code"] == "150100"
    corpus = resolve(extraction)
    assert "首府" not in corpus.entities["place/150100"].alt_labels  # a role word, not a name


def test_bare_autonomous_region_word_names_the_article_region() -> None:
    extraction = extract("项目建成后将为自治区能源产业升级换代提供有力支撑。", place="乌海")
    assert spans(extraction)["自治区"][1]["code"] == "150000"
    assert "自治区" not in {m.text for m in extract("项目建成后将为自治区能源产业升级提供支撑。", place="赤峰").mentions
                           if m.attrs.get("code") != "150000"}
    assert not any(m.text == "自治区" for m in extract("我省为自治区能源产业提供支撑。", place="石家庄").mentions)


def test_no_false_hits_inside_words() -> None:
    assert codes("用“真金白银”减轻企业负担，覆盖龙头企业、合作社、家庭农牧场。") == {}
    assert codes("双方开展合作市场前景广阔。") == {}


def test_ambiguous_names_use_the_article_context() -> None:
    assert codes("乌海市加快发展。在海南区，液氢工厂投入运营。")["海南区"] == "150303"
    assert codes("乌海市加快发展，海南的企业也参与其中。", place="乌海").get("海南") == "150303"
    assert codes("海南的旅游业迅速恢复。").get("海南") == "460000"
    assert gz.lookup("朝阳", ["北京市"]).code == "110105"
    assert gz.lookup("朝阳", ["长春市"]).code == "220104"
    assert gz.lookup("新城区") is None  # several, and nothing to choose by
    assert gz.lookup("新城区", ["呼和浩特"]).code == "150102"


def test_traditional_characters_are_linked_with_exact_offsets() -> None:
    text = "內蒙古自治區呼和浩特市召開會議，烏海市烏達區代表參加。"
    extraction = extract(text)
    found = {m.text: m.attrs.get("code") for m in extraction.mentions}
    assert found["內蒙古自治區"] == "150000"
    assert found["呼和浩特市"] == "150100"
    assert found["烏達區"] == "150304"
    for mention in extraction.mentions:
        assert text[mention.start : mention.end] == mention.text
    corpus = resolve(extraction)
    assert "內蒙古自治區" in corpus.entities["place/150000"].alt_labels


def test_country_fused_with_a_station_is_split() -> None:
    extraction = extract("1月27日，从俄罗斯巴扎依哈站始发的班列缓缓驶入二连浩特站。")
    found = spans(extraction)
    assert found["俄罗斯"][0] == "Country"
    assert found["巴扎依哈站"][0] == "Station"
    assert "俄罗斯巴扎依哈站" not in found


def test_user_dictionary(tmp_path: Path) -> None:
    path = tmp_path / "names.tsv"
    path.write_text("# my names\n鹰巡\tPoliceUnit\n巴事快办\tProduct\n", encoding="utf-8")
    settings = Settings(user_dictionary=path)
    extraction = extract("拓展“巴事快办”平台服务内容。", settings=settings)
    assert spans(extraction)["巴事快办"][0] == "Product"


@pytest.mark.parametrize("content", ["鹰巡\tNoSuchClass\n", "just a name\n", "鹰巡\tholdsPost\n"])
def test_bad_user_dictionary_is_an_input_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match="line 1"):
        gz.load_user_dictionary(path)


def test_missing_user_dictionary_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        gz.load_user_dictionary(tmp_path / "none.tsv")


def test_works_with_a_tagger_that_gives_no_tokens() -> None:
    from kg.model import Article, ArticleExtraction, Mention
    from kg.run import get_stage

    text = "阿拉善盟召开会议。阿拉善的河湖治理取得成效，锡林郭勒边境管理支队参加，真金白银投入合作市场。"
    article = Article(id="a", document_id="d", index=0, text=text)
    short = text.index("阿拉善的")
    unit = text.index("锡林郭勒边境管理支队")
    mentions = [
        Mention("a", short, short + 3, "阿拉善", "Place", 0.8, "nlp.tag.other"),
        Mention("a", unit, unit + 10, "锡林郭勒边境管理支队", "Organization", 0.8, "nlp.tag.other"),
    ]
    extraction = ArticleExtraction(article=article, mentions=mentions)
    settings = Settings()
    for name in settings.steps[:2]:  # rules and gazetteer
        extraction = get_stage(name)(extraction, settings)
    found = {m.text: (m.type, m.attrs.get("code")) for m in extraction.mentions}
    assert found["阿拉善盟"] == ("League", "152900")
    assert found["阿拉善"] == ("League", "152900")
    assert found["锡林郭勒边境管理支队"][0] == "PoliceUnit"
    assert not {"白银", "合作市", "合作"} & set(found)


def test_place_names_the_tagger_cut_are_joined_but_two_rivers_stay_two() -> None:
    found = spans(extract("沿察汗乌苏河新建一座水库。长江荆江段水质持续向好。"))
    assert found["察汗乌苏河"][0] == "Place" and "察汗" not in found and "乌苏河" not in found
    assert "长江" in found and "荆江" in found and "长江荆江" not in found


def test_one_character_and_a_level_word_unknown_to_the_table_is_no_division() -> None:
    from kg.model import Mention
    from kg.nlp.rules import MentionIndex

    index = MentionIndex(
        [Mention("a", 0, 2, "互市", "City"), Mention("a", 3, 5, "泾县", "County"), Mention("a", 6, 8, "呼市", "City")]
    )
    gz._drop_unlinked_districts(gz.gazetteer(), index)
    # a weak name of the table, not linked alone, is still a county; 呼市 may abbreviate 呼和浩特市
    assert sorted(m.text for m in index) == ["呼市", "泾县"]


def test_the_capital_word_before_a_building_is_the_capital_and_the_building_its_own_place() -> None:
    found = spans(extract("颁奖大会今天在首都人民大会堂隆重举行，东山县县长张三出席。"))
    assert found["首都"][1]["code"] == "110000" and found["人民大会堂"][0] == "Place"
    assert "首都人民大会堂" not in found
    # names that hold the word stay whole
    found = spans(extract("首都机场和首都国际机场今天航班正常。"))
    assert "人民大会堂" not in found and "首都" not in found and "机场" not in found and "国际机场" not in found
