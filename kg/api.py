"""The public library API: one function per CLI command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset

from kg.model import Corpus
from kg.pipeline import Settings, run
from kg.rdf.export import union_graph, write_exports
from kg.rdf.mapping import to_rdf
from kg.view.html import viz, write_html


__all__ = ["BuildResult", "build", "extract", "viz"]


@dataclass
class BuildResult:
    """What ``build`` produced: the corpus, its RDF and the files written."""

    corpus: Corpus
    dataset: Dataset
    files: list[Path] = field(default_factory=list)


def extract(inputs: Iterable[str | Path], settings: Settings | None = None) -> Corpus:
    """Run the pipeline over ``inputs`` (files, directories, globs) and return the resolved corpus."""
    return run(inputs, settings)


def build(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    *,
    settings: Settings | None = None,
    date: dt.date | None = None,
    base_iri: str | None = None,
    ner: str | None = None,
) -> BuildResult:
    """Build the knowledge graph of ``inputs`` and write ``graph.ttl`` and ``graph.html`` into ``out_dir``.

    Nothing is written unless the whole pipeline succeeds; each file is replaced atomically.
    """
    settings = settings or Settings()
    if date is not None:
        settings.date = date
    if base_iri is not None:
        settings.base_iri = base_iri
    if ner is not None:
        settings.ner = ner
    corpus = run(inputs, settings)
    dataset = to_rdf(corpus, settings.base_iri)
    out = Path(out_dir)
    files = write_exports(dataset, out, ("ttl",))
    files.append(write_html(union_graph(dataset), out / "graph.html", title="kg"))
    return BuildResult(corpus=corpus, dataset=dataset, files=files)
