"""How a build's files are split over processes (kg/outputs.py)."""

from __future__ import annotations

from kg.outputs import VIEW, plan
from kg.rdf.export import FORMATS


def test_files_that_share_work_stay_together_and_shares_are_balanced() -> None:
    tasks = [*FORMATS, VIEW]
    one, two = plan(tasks, 2)
    assert sorted(one + two) == sorted(tasks)
    for together in (("ttl", "trig", "jsonld"), ("graphml", "gexf")):
        assert set(together) <= set(one) or set(together) <= set(two)
    # the view (the costliest single file) does not go with the Turtle family
    assert (VIEW in one) != ("ttl" in one)
    assert plan(tasks, 1) == [["ttl", "trig", "jsonld", VIEW, "nt", "nq", "graphml", "gexf"]]


def test_never_more_shares_than_units_of_work() -> None:
    assert plan(["nt", VIEW], 8) == [[VIEW], ["nt"]]
    assert plan(["ttl", "trig"], 4) == [["ttl", "trig"]]
    # the Turtle family, the view, N-Triples, N-Quads and the network formats; no empty share
    assert len(plan([*FORMATS, VIEW], 16)) == 5
