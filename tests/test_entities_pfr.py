"""Division links on People's Daily 1998 (PFR, ../shared/data): a linked span should be a place word there.

The strict agreement is reported in docs/entities.md (96.8 % on 1,500 paragraphs; about 99 % after reading the
disagreements, most of which are 首都 meaning Beijing). Skipped when the shared data folder is absent.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from .entities_helpers import extract

TOKEN = re.compile(r"(.+?)/([a-zA-Z]+)(?:\](\w+))?$")


def paragraphs(path: Path, count: int, seed: int) -> list[tuple[str, dict[tuple[int, int], str]]]:
    """``count`` random paragraphs as (text, {span: tag}) with bracketed compounds' tags on their whole span."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    chosen = random.Random(seed).sample(lines, count)
    out = []
    for line in chosen:
        text, spans, opened = "", {}, None
        for token in line.split("  ")[1:]:
            token = token.strip()
            if token.startswith("["):
                token, opened = token[1:], len(text)
            match = TOKEN.match(token)
            if not match:
                continue
            word, tag, compound = match.groups()
            start = len(text)
            text += word
            spans[(start, len(text))] = tag
            if compound and opened is not None:
                spans[(opened, len(text))] = compound
                opened = None
        out.append((text, spans))
    return out


@pytest.mark.data
def test_division_links_agree_with_pfr_place_words(shared_data: Path) -> None:
    path = shared_data / "peoples_daily_199801" / "199801.utf8.txt"
    if not path.is_file():
        pytest.skip("PFR corpus not present")
    agree = linked = 0
    for text, spans in paragraphs(path, 300, seed=7):
        for mention in extract(text).mentions:
            if "code" in mention.attrs and mention.text != "首都" and len(mention.text) > 1:  # 港, 京: test_entities_abbrev
                linked += 1
                agree += spans.get((mention.start, mention.end)) in {"ns", "nt", "nz"}
    assert linked > 80
    assert agree / linked >= 0.95
