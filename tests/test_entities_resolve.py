"""Resolution across articles: one entity per real thing, all surface forms, same-name persons policy."""

from __future__ import annotations

from .entities_helpers import extract, resolve


def test_short_and_full_forms_across_articles_are_one_place() -> None:
    first = extract("2020年12月31日，一场地方标准发布会在赤峰召开。")
    second = extract("赤峰市委常委、组织部长李炯表示，要做好融合党建工作。")
    corpus = resolve(first, second)
    city = corpus.entities["place/150400"]
    assert city.label == "赤峰市" and "赤峰" in city.alt_labels
    assert {m.article_id for m in city.mentions} == {first.article.id}
    assert "place/150000" in corpus.entities  # its province, for the hierarchy
    assert all(m.entity for m in first.mentions + second.mentions)


def test_same_name_persons_with_posts_in_different_organizations_are_kept_apart() -> None:
    first = extract("“项目建成后将提供有力支撑。”乌海海易通银隆新能源汽车有限公司副总经理王刚说。")
    second = extract("“液氢工厂运行良好。”鸿达兴业股份有限公司总经理王刚表示。")
    third = extract("在乌海海易通银隆新能源汽车有限公司的会上，王刚介绍了新能源汽车的发展。")
    corpus = resolve(first, second, third)
    keys = {m.entity for ex in (first, second, third) for m in ex.mentions if m.text == "王刚"}
    assert keys == {"Person/王刚", "Person/王刚/2"}
    plain = next(m for m in third.mentions if m.text == "王刚")
    assert plain.entity == "Person/王刚"  # no post, but the first one's company in the article
    assert corpus.entities["Person/王刚/2"].label == "王刚"


def test_same_name_with_nothing_else_in_common_is_two_persons() -> None:
    # Same name, different articles, no shared organization or division: the name alone does not merge them.
    first = extract("会上，张伟介绍了乌海市液氢工厂的建设情况。")
    second = extract("张伟在赣州市章贡区的一所小学任教二十年。")
    third = extract("张伟说，乌海市今年将再建两座加氢站。")
    resolve(first, second, third)
    key = {ex.article.id: next(m.entity for m in ex.mentions if m.text == "张伟") for ex in (first, second, third)}
    assert key[first.article.id] == key[third.article.id] == "Person/张伟"  # both name 乌海市
    assert key[second.article.id] == "Person/张伟/2"


def test_same_name_twice_in_one_article_is_one_person() -> None:
    extraction = extract("张伟说，要抓好项目建设。会后，张伟又到工地查看。")
    resolve(extraction)
    assert {m.entity for m in extraction.mentions if m.text == "张伟"} == {"Person/张伟"}


def test_same_name_without_conflicting_posts_is_one_person() -> None:
    first = extract("本报记者王塔娜实习生李文清报道，赤峰召开发布会。")
    second = extract("□本报记者王塔娜 赤峰融合党建先后被宣传报道。")
    corpus = resolve(first, second)
    assert len(corpus.entities["Person/王塔娜"].mentions) == 2


def test_dateline_links_and_resolution_is_deterministic() -> None:
    text = "近年来，乌海市加速培育战略性产业。在海南区，液氢工厂投入运营。"
    corpus = resolve(extract(text, place="乌海"))
    assert corpus.extractions[0].article.place_entity == "place/150300"
    again = resolve(extract(text, place="乌海"))
    assert list(corpus.entities) == list(again.entities)
    assert [sorted(e.alt_labels) for e in corpus.entities.values()] == [sorted(e.alt_labels) for e in again.entities.values()]


def test_a_long_name_and_its_customary_short_form_in_one_article_are_one_entity() -> None:
    # 科右前旗 is the usual short name of 科尔沁右翼前旗: a three-character body is too loose an abbreviation to trust
    # across a whole run, but next to the full name in the same article it is that banner.
    together = extract("科尔沁右翼前旗位于兴安盟。近年来，科右前旗大力发展新能源产业。")
    banner = resolve(together).entities["place/152221"]
    assert "科右前旗" in banner.alt_labels
    apart = resolve(extract("科尔沁右翼前旗位于兴安盟。"), extract("近年来，科右前旗大力发展新能源产业。"))
    assert "科右前旗" not in apart.entities["place/152221"].alt_labels
