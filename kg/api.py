"""The public library API: one function per CLI command.

``query``, ``validate``, ``serve``, ``load`` and ``stats`` work on kg output (a graph file, an output folder or an
on-disk store) and live in ``kg.rdf``; they are re-exported here so every command has its function in one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset

from kg.ingest.read import read_text
from kg.model import ArticleExtraction, Corpus, Span
from kg.nlp.evaluate import eval_ner
from kg.pipeline import Settings, extract_document, get_stage, run
from kg.rdf.iri import IRIs
from kg.rdf.export import union_graph, write_exports
from kg.rdf.load import load
from kg.rdf.mapping import to_rdf
from kg.rdf.query import query
from kg.rdf.serve import serve
from kg.rdf.stats import stats
from kg.rdf.store import add_to_store
from kg.rdf.validate import validate
from kg.view.html import viz, write_html


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
    formats: Iterable[str] | None = None,
    store: str | Path | None = None,
) -> BuildResult:
    """Build the knowledge graph of ``inputs`` and write the exports and ``graph.html`` into ``out_dir``.

    ``formats`` picks the exports (keys of ``kg.rdf.export.FORMATS``: ttl, nt, nq, trig, jsonld, graphml, gexf; all
    by default). ``store`` also adds the documents to an on-disk Oxigraph store (rebuilt articles replace their
    graph). Nothing is written unless the whole pipeline succeeds; each file is replaced atomically.
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
    files = write_exports(dataset, out, formats, base=settings.base_iri)
    files.append(write_html(union_graph(dataset), out / "graph.html", title="kg"))
    if store is not None:
        add_to_store(dataset, store)
    return BuildResult(corpus=corpus, dataset=dataset, files=files)


def extract_texts(texts: Iterable[tuple[str, str]], settings: Settings | None = None) -> Corpus:
    """Run the pipeline over in-memory texts given as (name, text) pairs, one document each."""
    settings = settings or Settings()
    documents = [read_text(text, name) for name, text in texts]
    extractions = [result for doc in documents for result in extract_document(doc, settings)]
    corpus = get_stage(settings.resolve)(extractions, settings)
    corpus.documents = documents
    return corpus


def mention_records(corpus: Corpus, base_iri: str, *, source_offsets: bool = False) -> list[dict[str, object]]:
    """One JSON-ready record per document: its articles and mentions with offsets, class CURIE and entity IRI.

    Offsets refer to the document's cleaned text, or with ``source_offsets`` to the text exactly as given.
    """
    iris = IRIs(base_iri)
    by_document: dict[str, list[ArticleExtraction]] = {}
    for extraction in corpus.extractions:
        by_document.setdefault(extraction.article.document_id, []).append(extraction)
    records: list[dict[str, object]] = []
    for doc in corpus.documents:
        mentions: list[dict[str, object]] = []
        articles: list[dict[str, object]] = []
        for extraction in by_document.get(doc.id, []):
            article = extraction.article
            articles.append({"id": str(iris.article(article.id)), "headline": article.headline,
                             "date": article.date.isoformat() if article.date else None,
                             "start": article.start, "end": article.start + len(article.text)})
            for mention in extraction.mentions:
                span = Span(article.start + mention.start, article.start + mention.end)
                if source_offsets:
                    span = doc.to_source(span)
                text = (doc.source if source_offsets else doc.clean)[span.start : span.end]
                mentions.append({"start": span.start, "end": span.end, "text": text, "type": f"kg:{mention.type}",
                                 "entity": str(iris.entity(mention.entity)) if mention.entity else None})
        mentions.sort(key=lambda m: (m["start"], m["end"], m["type"]))
        records.append({"document": doc.path, "articles": articles, "mentions": mentions})
    return records


__all__ = [
    "BuildResult", "build", "eval_ner", "extract", "extract_texts", "load", "mention_records", "query", "serve", "stats",
    "validate", "viz",
]  # fmt: skip
