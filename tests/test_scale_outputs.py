"""How a build's files are split over processes (kg/publish/outputs.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kg.publish.outputs import COST_QUADS, VIEW, VIEW_COST, plan
from kg.publish.export import FORMATS, export_format
from kg.registry import WRITERS, writer

TASKS = [*FORMATS, VIEW]


def _cost(share: list[str]) -> float:
    return sum(VIEW_COST if task == VIEW else export_format(task).cost for task in share)


def test_files_that_share_work_stay_together_and_shares_are_balanced() -> None:
    one, two = plan(TASKS, 2)
    assert sorted(one + two) == sorted(TASKS)
    for together in (("ttl", "trig", "jsonld"), ("graphml", "gexf")):
        assert set(together) <= set(one) or set(together) <= set(two)
    assert (VIEW in one) != ("ttl" in one)  # the two costliest units go to different processes
    assert abs(_cost(one) - _cost(two)) < 0.1 * _cost(TASKS)
    assert plan(TASKS, 1) == [["ttl", "trig", "jsonld", VIEW, "graphml", "gexf", "nt", "nq"]]


def test_no_share_that_would_not_shorten_the_longest() -> None:
    assert plan(["nt", VIEW], 8) == [[VIEW], ["nt"]]
    assert plan(["ttl", "trig"], 4) == [["ttl", "trig"]]
    many = plan(TASKS, 16)
    assert sorted(task for share in many for task in share) == sorted(TASKS)
    assert max(map(_cost, many)) == _cost(["ttl", "trig", "jsonld"]) and len(many) < 16


def test_the_view_weighs_more_in_smaller_builds() -> None:
    # Its layout is bounded by the node limit: a small build's view costs as much as all its files together.
    assert plan(TASKS, 2, quads=2_000) == [[VIEW], ["ttl", "trig", "jsonld", "graphml", "gexf", "nt", "nq"]]
    half = plan(TASKS, 2, quads=COST_QUADS // 2)
    assert half != plan(TASKS, 2) and sorted(half[0] + half[1]) == sorted(TASKS)
    assert plan(TASKS, 2, quads=COST_QUADS) == plan(TASKS, 2)


@pytest.fixture
def csv_format() -> Iterator[str]:
    """A format registered by a user (one decorated function), removed again after the test."""

    @writer("csv", "graph.csv")
    def csv(rendering: object) -> list[str]:
        return ["s,p,o\n"]

    yield "csv"
    WRITERS._entries.pop("csv")


def test_a_registered_format_is_planned_and_listed(csv_format: str) -> None:
    assert FORMATS[csv_format] == "graph.csv" and list(FORMATS)[-1] == csv_format
    shares = plan([*TASKS, csv_format], 2)
    assert sorted(task for share in shares for task in share) == sorted([*TASKS, csv_format])
    assert export_format(csv_format).cost == 1.0  # no measured cost: a default, not a KeyError
