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
    third = extract("会上，王刚介绍了新能源汽车的发展。")
    corpus = resolve(first, second, third)
    keys = {m.entity for ex in (first, second, third) for m in ex.mentions if m.text == "王刚"}
    assert keys == {"Person/王刚", "Person/王刚/2"}
    plain = next(m for m in third.mentions if m.text == "王刚")
    assert plain.entity == "Person/王刚"  # no post: joins the first person of that name
    assert corpus.entities["Person/王刚/2"].label == "王刚"


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
