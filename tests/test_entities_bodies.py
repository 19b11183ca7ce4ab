"""Bare bodies (县委, 市政府): kept as entities, resolved to the place the article means, else kept per article.

The sentences are invented (docs/entities.md, "Bare bodies", states the policy).
"""

from __future__ import annotations

from kg.nlp.rules import BARE_BODY

from .entities_helpers import extract, resolve


def _keys(text: str, place: str | None = None) -> set[str]:
    return set(resolve(extract(text, place=place)).entities)


def test_bare_body_words() -> None:
    assert BARE_BODY.match("县委") and BARE_BODY.match("区人大常委会") and BARE_BODY.match("镇党委")
    assert not BARE_BODY.match("县委书记") and not BARE_BODY.match("委") and not BARE_BODY.match("市场")


def test_bare_body_takes_the_nearest_place_named_before() -> None:
    keys = _keys("清河县今年新建三座水厂。县委、县政府高度重视，多次召开专题会议研究部署。")
    assert {"Organization/清河县委", "Organization/清河县政府"} <= keys


def test_bare_body_takes_the_dateline_place() -> None:
    keys = _keys("县委召开常委会议，研究部署春耕生产工作。", place="托克托")
    assert "Organization/托克托县委" in keys


def test_bare_body_takes_the_division_above_the_first_place() -> None:
    """No city is named: the county the article is about tells which city's 市委 it is."""
    keys = _keys("工作组来到托克托县调研。市委有关负责同志参加调研。")
    assert "Organization/呼和浩特市委" in keys


def test_unplaced_bare_bodies_stay_apart_across_articles() -> None:
    first = extract("县委召开全体会议，部署今年的重点工作。")
    second = extract("县委召开常委会，听取脱贫攻坚工作汇报。")
    corpus = resolve(first, second)
    bodies = sorted(key for key in corpus.entities if key.startswith("Organization/县委"))
    assert len(bodies) == 2
    assert {first.article.id, second.article.id} == {key.rsplit("/", 1)[1] for key in bodies}


def test_bare_body_opening_a_post_title_is_not_an_entity() -> None:
    keys = _keys("县委书记王建国到项目现场调研。")
    assert not any(key.startswith("Organization/县委") for key in keys)
