"""The quantities-by-year query shows units a reader understands (元, %, 平方公里, 户次), not UN/CEFACT or ISO codes
(CNY, P1, KMK, C62), and its code-to-unit table cannot fall behind the units kg's quantity extractor emits."""

from __future__ import annotations

import re

from kg.nlp.quantities import UNITS
from kg.store.query import display, named_query, run

QUERY = named_query("quantities-by-year").text
TABLE = dict(re.findall(r'\("([A-Z0-9_]+)" "([^"]+)"\)', QUERY))


def test_every_unit_code_the_extractor_emits_has_a_readable_unit() -> None:
    emitted = {code for code, _factor in UNITS.values() if code}
    assert emitted - set(TABLE) == set(), "add these codes to the VALUES table of quantities-by-year.rq"
    # the readable unit is one of the unit texts the extractor maps to that code (元 for CNY, % for P1 ...)
    for code, readable in TABLE.items():
        texts = {text for text, (emitted_code, _factor) in UNITS.items() if emitted_code == code}
        assert readable in texts, f"{code} shown as {readable}, not one of {sorted(texts)}"


def test_the_sample_graph_shows_readable_units(sample_build) -> None:
    """On the sample page's build: no code in the unit column; percentages as %, yuan as 元, counts by classifier."""
    graph = next(path for path in sample_build.files if path.name == "graph.nq")
    result = run(graph, QUERY)
    columns = [str(v) for v in result.variables]
    rows = [dict(zip(columns, (display(t) for t in row))) for row in result.rows]
    assert len(rows) >= 10
    for row in rows:
        assert row["unit"] and row["unit"] != row["unitCode"], row
        assert not re.fullmatch(r"[A-Z][A-Z0-9_]{1,4}", row["unit"]), row
        # a normalised value is never shown with the printed multiplier (13.67亿元 is 1367000000 元, not 亿元)
        assert not re.match(r"[十百千万亿]", row["unit"]), row
    units = {(row["unitCode"], row["unit"]) for row in rows}
    assert ("P1", "%") in units and ("CNY", "元") in units
    assert any(code == "C62" and unit in ("个", "户", "户次", "起", "条") for code, unit in units)
    yuan = [row for row in rows if row["original"].endswith("亿元")]
    assert yuan and all(row["unit"] == "元" for row in yuan)
