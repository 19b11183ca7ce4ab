"""Systematic errors seen on People's Daily paragraphs, fixed by general rules (the texts are in the style of the
paper, written for these tests)."""

from __future__ import annotations

from .entities_helpers import extract


def found(text: str) -> dict[str, tuple[str, str | None]]:
    return {m.text: (m.type, m.attrs.get("code") or m.attrs.get("iso")) for m in extract(text).mentions}


def test_a_word_boundary_match_wins_over_one_across_words() -> None:
    # 四川省 would cross the tagger's words 四川|省委书记; 四川 fits them
    assert found("在四川省委书记李井泉的大力支持下，学院当年建成。")["四川"] == ("ProvinceLevelArea", "510000")


def test_a_country_inside_a_transliterated_name_is_not_split_off() -> None:
    names = found("听证会在马里兰州伯塞达市召开。")
    assert "马里" not in names and "兰州" not in names
    assert "巴西" not in found("西藏自治区话剧团演员边巴西藏自治区歌舞团副团长顿珠次仁")


def test_a_post_after_a_place_and_a_body_word_is_held_in_that_body() -> None:
    extraction = extract("温家宝在贵州省委书记刘方仁等陪同下考察扶贫工作。")
    person = next(m for m in extraction.mentions if m.text == "刘方仁")
    body = next(m for m in extraction.mentions if m.text == "贵州省委")
    assert body.type == "PartyBody"
    assert person.attrs["post"] == "书记" and person.attrs["post_org"] == f"{body.start}:{body.end}"
    assert any(m.text == "贵州" and m.attrs.get("code") == "520000" for m in extraction.mentions)


def test_currencies_peoples_and_the_paper_itself_are_not_names() -> None:
    names = found("本报讯第纳尔同德国马克挂钩。维吾尔族农民和回族群众、穆斯林群众一起过节。")
    assert not {"本报讯", "第纳尔", "马克", "维吾尔族", "回族", "穆斯林"} & set(names)
    assert names["德国"] == ("Country", "DE")


def test_deictic_and_generic_places_are_not_names() -> None:
    assert "当地乡" not in found("温家宝与当地乡、村各族干部进行了座谈。")
    names = found("何长工决定在西南重镇成都建立成都地质学院。")
    assert "西南重镇" not in names and names["成都"] == ("City", "510100")
    names = found("信宜市进入全国水果百强县行列。")
    assert "百强县" not in names and names["信宜市"] == ("CountyLevelCity", "440983")


def test_a_countrys_currency_is_no_place() -> None:
    names = found("菲律宾比索对美元的汇率继续下跌。")
    assert names.get("菲律宾") == ("Country", "PH")
    assert not {"菲律宾比索", "比索"} & set(names)
