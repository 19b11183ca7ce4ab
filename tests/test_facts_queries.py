"""The competency queries on posts, events and money answer on a graph built from an article written for this test
(none is taken from the sample page or from news_dev), in pyoxigraph."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.cli import main
from kg.store.query import display, named_query, run

ARTICLE = """青山县项目集中开工

本报讯（记者 王小明）5月6日，青山县举行2024年青山县春季项目集中开工活动，县委书记张建国宣布开工。
当天，青山县人民政府与东方远景能源有限公司签约，东方远景能源有限公司投资12亿元建设屋顶光伏电站。
原青山县县长马平出席活动。
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("facts")
    page = folder / "2024-05-07_page.txt"
    page.write_text(ARTICLE, encoding="utf-8")
    out = folder / "out"
    with pytest.raises(SystemExit) as done:
        main(["build", str(page), "-o", str(out), "--no-cache", "--date", "2024-05-07"], standalone_mode=True)
    assert done.value.code == 0
    return out


def rows(built: Path, name: str) -> list[tuple[str, ...]]:
    return [tuple(display(t) for t in row) for row in run(built, named_query(name).text).rows]


def test_posts_of_a_person_over_time(built: Path) -> None:
    found = rows(built, "posts-of-person")
    assert ("张建国", "县委书记", "青山县", "2024-05-07") == found[[r[0] for r in found].index("张建国")][:4]
    assert any(r[0] == "马平" and r[1] == "县长" and r[4] == "原" for r in found)
    assert any(r[0] == "王小明" and r[1] == "记者" for r in found)


def test_events_by_place_type_and_month(built: Path) -> None:
    found = rows(built, "events-by-place-and-month")
    assert any(r[0] == "青山县" and r[1] == "2024-05" and r[2] == "开工" for r in found)


def test_money_by_project_and_investor(built: Path) -> None:
    found = rows(built, "money-by-project-and-investor")
    assert any(r[0].endswith("光伏电站") and r[1] == "东方远景能源有限公司" and r[3] == "CNY" for r in found), found


def test_parameters_narrow_the_answers(built: Path) -> None:
    # `kg query NAME --param KEY=VALUE` puts the value in the VALUES line the header's @param names
    text = named_query("posts-of-person").text.replace("VALUES ?who { UNDEF }", 'VALUES ?who { "马平" }')
    assert {r[0] for r in (tuple(display(t) for t in row) for row in run(built, text).rows)} == {"马平"}
    text = named_query("events-by-place-and-month").text.replace("VALUES ?kind { UNDEF }", 'VALUES ?kind { "开工" }')
    assert {tuple(display(t) for t in row)[2] for row in run(built, text).rows} == {"开工"}
    for name in ("posts-of-person", "events-by-place-and-month", "money-by-project-and-investor"):
        assert "@param" in named_query(name).text and "VALUES ?" in named_query(name).text
