"""Datelines and bylines in their common forms, and the posts they state, on lines written for these tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import kg
from kg.api import extract_texts
from kg.ingest.clean import clean
from kg.ingest.read import read_text
from kg.ingest.segment import segment
from kg.run import Settings

BODY = "当天上午，东山县举行项目推进会，会议由县长主持。"


def article(dateline: str, date: dt.date | None = dt.date(2023, 7, 16)):
    doc = clean(read_text(f"{dateline}{BODY}", "page.txt"), Settings(date=date))
    (only,) = segment(doc)
    return only


@pytest.mark.parametrize(
    ("dateline", "outlet", "place", "day", "names"),
    [
        ("新华社呼和浩特7月15日电（记者 朱明 孙亮）", "新华社", "呼和浩特", "2023-07-15", ["朱明", "孙亮"]),
        ("中国甘肃网7月15日讯（记者 钱进）", "中国甘肃网", None, "2023-07-15", ["钱进"]),
        ("西江晚报7月14日讯(记者 唐宁 通讯员 邓飞)", "西江晚报", None, "2023-07-14", ["唐宁", "邓飞"]),
        ("新華社南寧7月15日電（記者 黎明）", "新華社", "南寧", "2023-07-15", ["黎明"]),
        ("本报讯（记者 马兰 通讯员 高原）", None, None, "2023-07-16", ["马兰", "高原"]),
        ("本报东山电记者马兰报道：", None, "东山", "2023-07-16", ["马兰"]),  # a round-up's story: no day
    ],
)
def test_dateline_gives_outlet_place_day_and_credited_names(dateline, outlet, place, day, names) -> None:
    found = article(dateline)
    assert found.text.startswith("当天上午")  # the dateline is not body text
    assert (found.publication, found.place, found.date.isoformat()) == (outlet, place, day)
    assert [b.name for b in found.bylines] == names


def test_a_place_without_a_day_needs_a_credit_after_its_dateline() -> None:
    found = article("本报讯由东山电视台摄制的纪录片近日开拍。")
    assert found.place is None and found.text.startswith("由东山电视台")


def test_dateline_with_an_impossible_day_has_no_date() -> None:
    found = article("新华社北京2023年2月30日电（记者 朱明）")
    assert found.place == "北京" and found.date is None


def test_byline_posts_name_the_outlet_or_no_body(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("中国甘肃网7月15日讯（记者 钱进）" + BODY, encoding="utf-8")
    corpus = kg.extract([page], kg.Settings(date=dt.date(2023, 7, 16)))
    posts = {(r.subject, r.attrs["title"], r.object, r.literal) for r in corpus.relations if r.predicate == "holdsPost"}
    assert ("Person/钱进", "记者", "Organization/中国甘肃网", False) in posts
    page.write_text("本报讯（记者 马兰）" + BODY, encoding="utf-8")
    corpus = kg.extract([page], kg.Settings(date=dt.date(2023, 7, 16)))
    posts = {(r.subject, r.attrs["title"], r.literal) for r in corpus.relations if r.predicate == "holdsPost"}
    assert ("Person/马兰", "记者", True) in posts  # 本报 names no outlet: the post has no body


def test_each_story_of_a_round_up_resolves_its_own_departments() -> None:
    """Stories opened by 本报某地电记者某某报道： are articles of their own: the same level-word department in two of
    them is two bodies, each in its story's province, and the dateline is no post."""
    text = (
        "各地帮扶困难职工\n本报济南电记者王立新报道：山东省政府日前召开会议，省交通厅、省财政厅等单位筹集资金。\n"
        "成都\n本报成都电记者赵明辉报道：四川省政府近日与省交通厅、林业厅等8家单位签订责任状。"
    )
    corpus = extract_texts([("roundup", text)], kg.Settings(date=dt.date(2023, 7, 16)))
    assert len(corpus.extractions) == 2
    departments = {e.label: len(e.mentions) for e in corpus.entities.values() if e.label.endswith("交通厅")}
    assert departments == {"山东省交通厅": 1, "四川省交通厅": 1}
    titles = {r.attrs.get("title", "") for r in corpus.relations if r.predicate == "holdsPost"}
    assert not [t for t in titles if "电" in t]


def test_dateline_without_role_words_states_no_post(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("中新网昆明7月15日电（钱进 马兰）" + BODY, encoding="utf-8")
    corpus = kg.extract([page], kg.Settings(date=dt.date(2023, 7, 16)))
    assert not [r for r in corpus.relations if r.predicate == "holdsPost" and r.extractor == "ingest.segment.bylines"]


def test_credit_lines_name_editors_closing_reporters_and_the_source() -> None:
    text = "5月6日，东湖新区举行重点项目集中开工仪式。（记者 钱进 通讯员 马兰）\n\n来源：东湖日报 编辑：孙丽\n"
    doc = clean(read_text(text, "page.txt"), Settings(date=dt.date(2024, 5, 7)))
    (found,) = segment(doc)
    assert found.publication == "东湖日报"
    assert [(b.name, b.role, b.title) for b in found.bylines] == [
        ("孙丽", "editor", "编辑"), ("钱进", "reporter", None), ("马兰", "correspondent", None)]
    for byline in found.bylines:  # each span is the name in the cleaned text
        assert doc.clean[byline.span.start : byline.span.end] == byline.name


def test_an_editor_word_inside_a_title_is_no_credit() -> None:
    doc = clean(read_text("报社总编辑：王刚介绍了情况。", "page.txt"), Settings(date=dt.date(2024, 5, 7)))
    (found,) = segment(doc)
    assert found.bylines == []


def test_random_pages_of_news_pieces_build_a_valid_graph(tmp_path: Path) -> None:
    """Bad input: pieces of datelines, titles, triggers, numbers and impossible dates in random order."""
    import random

    from kg.store.validate import validate

    pieces = ["县委书记", "、", "副县长", "（", "）", "签约", "开工", "举行", "活动", "2024年", "第3届", "8.08\n", "亿元",
              "億元", "个", "北纬", "40度", "与", "该村", "原", "时任", "编辑：", "记者", "张建国", "李海", "青山县",
              "东方有限公司", "，", "。", "会议", "9" * 40, "2月30日", "13月", "两", "百万亩", "3-5", "万元", "\n", "\n\n",
              "在", "召开", "捐赠", "向", "书记", "8名委员", "新华社北京7月15日电（记者 王五）", "（记者 钱进）", "来源：东湖日报"]
    chooser = random.Random(11)
    for index in range(4):
        text = "".join(chooser.choice(pieces) for _ in range(300))
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / f"p{index}.txt").write_text(text, encoding="utf-8")
    result = kg.build([tmp_path / "in"], tmp_path / "out", incremental=False, settings=kg.Settings(date=dt.date(2024, 5, 7)))
    graph = next(path for path in result.files if path.name == "graph.ttl")
    assert validate(graph).conforms


@pytest.mark.parametrize("closing", ["\n\n责任编辑:孙丽\n", "\n【責任編輯:孫麗】\n", "\n（责编：孙丽）\n", "\n编辑 | 孙丽\n"])
def test_an_editor_line_closing_a_web_page_credits_the_editor(closing: str) -> None:
    """An article's editor on a line of its own after the text (web pages print it so) is no page furniture and no
    headline of an empty article: it is the article's credit, a person with the post the line states."""
    text = "5月6日，东湖新区举行重点项目集中开工仪式。市委常委、副市长钱进参加了上述活动。" + closing
    doc = clean(read_text(text, "page.txt"), Settings(date=dt.date(2024, 5, 7)))
    (found,) = segment(doc)
    assert found.headline is None
    ((name, role, title),) = [(b.name, b.role, b.title) for b in found.bylines]
    assert (name, role) in {("孙丽", "editor"), ("孫麗", "editor")}
    assert title in closing
    (byline,) = found.bylines
    assert doc.clean[byline.span.start : byline.span.end] == byline.name


def test_a_pages_own_credits_stay_furniture() -> None:
    text = "5月6日，东湖新区举行重点项目集中开工仪式。\n\n本版编辑:孙丽\n\n美术编辑:钱进\n"
    doc = clean(read_text(text, "page.txt"), Settings(date=dt.date(2024, 5, 7)))
    assert "孙丽" not in doc.clean and "钱进" not in doc.clean


def test_an_editor_credited_at_the_end_holds_the_post(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("5月6日，东湖新区举行重点项目集中开工仪式。\n\n责任编辑:孙丽\n", encoding="utf-8")
    corpus = kg.extract([page], kg.Settings(date=dt.date(2024, 5, 7)))
    persons = {e.label for e in corpus.entities.values() if e.type == "Person"}
    assert "孙丽" in persons
    posts = {(r.subject, r.attrs["title"]) for r in corpus.relations if r.predicate == "holdsPost"}
    assert ("Person/孙丽", "责任编辑") in posts
