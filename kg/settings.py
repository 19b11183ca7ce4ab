"""What a run does: :class:`Settings`, frozen, so that a run never changes the settings its caller holds (make a
changed copy with :func:`dataclasses.replace`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_BASE_IRI = "https://w3id.org/kgnews/id/"
# The tagger every command uses unless told otherwise (kg build, kg extract, kg eval ner and the library alike).
DEFAULT_NER = "lac"


@dataclass(frozen=True)
class Settings:
    """What a run does: which implementation for each step, the publication date, the IRI base and options."""

    base_iri: str = DEFAULT_BASE_IRI
    date: dt.date | None = None  # publication date of the input; years of partial dates are inferred from it
    publication: str | None = None  # the newspaper or site the input comes from (本报 names no one)
    ner: str = DEFAULT_NER
    user_dictionary: Path | None = None  # TSV of name<TAB>Class lines, applied by nlp.link.gazetteer
    read: str = "ingest.read.auto"
    clean: str = "ingest.clean.newspaper"
    segment: str = "ingest.segment.newspaper"
    normalise: str = "text.normalise.default"
    steps: tuple[str, ...] = (
        "nlp.rules.newspaper",
        "nlp.link.gazetteer",
        "nlp.relate.patterns",
        "nlp.quantities.patterns",
        "nlp.events.patterns",
    )
    resolve: str = "resolve.default"
    keep_going: bool = False
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def tagger(self) -> str:
        """The stage name of the tagger (``nlp.tag.<ner>``)."""
        return f"nlp.tag.{self.ner}"
