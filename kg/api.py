"""The public library API: one function per CLI command.

``query``, ``validate``, ``serve``, ``load`` and ``stats`` work on kg output (a graph file, an output folder or an
on-disk store) and live in ``kg.store``; they are re-exported here so every command has its function in one place.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from rdflib import Dataset

from kg import cluster
from kg import shard as sharding
from kg.cache import (
    CACHE_DIR,
    WORK_DIR,
    ExtractionCache,
    output_lock,
    publish,
    staging_dir,
    work_dir,
)
from kg.errors import OutputError
from kg.graph.iri import IRIs
from kg.graph.spill import QuadSpill
from kg.ingest.read import read_text
from kg.model import ArticleExtraction, Corpus, Span
from kg.nlp.evaluate import eval_ner
from kg.publish.export import FORMATS
from kg.publish.outputs import write_spilled
from kg.run import (
    ProgressInfo,
    RunStats,
    Settings,
    expand_inputs,
    extract_document,
    extract_items,
    get_stage,
    long_lived_objects,
    run,
)
from kg.spooled import Graphs, check_settings, resolve_spooled
from kg.store.bulk import bulk_load as bulk_load  # re-exported: kg.bulk_load
from kg.store.load import load
from kg.store.query import query
from kg.store.serve import serve
from kg.store.stats import stats
from kg.store.store import add_to_store, load_graph
from kg.store.validate import validate
from kg.view.html import DEFAULT_MAX_NODES, write_html


@dataclass
class BuildResult:
    """What ``build`` produced: the corpus (its documents and entities; the articles stay on disk while the build
    runs and are not kept), the files written and the run's counts and timings."""

    corpus: Corpus
    files: list[Path] = field(default_factory=list)
    stats: RunStats = field(default_factory=RunStats)

    @cached_property
    def dataset(self) -> Dataset:
        """The graph as an rdflib Dataset, read back from the N-Quads (or TriG) file the build wrote."""
        for name, syntax in ((FORMATS["nq"], "nquads"), (FORMATS["trig"], "trig")):
            found = [path for path in self.files if path.name == name]
            if found:
                dataset = Dataset()
                dataset.parse(found[0], format=syntax)
                return dataset
        raise OutputError("the build wrote neither graph.nq nor graph.trig, from which its dataset is read")


def extract(inputs: Iterable[str | Path], settings: Settings | None = None) -> Corpus:
    """Run the pipeline over ``inputs`` (files, directories, globs) and return the resolved corpus."""
    return run(inputs, settings)


def _settings(
    settings: Settings | None, date: dt.date | None, base_iri: str | None, ner: str | None, keep_going: bool | None
) -> Settings:
    changes: dict[str, Any] = {"date": date, "base_iri": base_iri, "ner": ner, "keep_going": keep_going}
    return replace(settings or Settings(), **{name: value for name, value in changes.items() if value is not None})


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
    keep_going: bool | None = None,
    workers: int = 1,
    incremental: bool = True,
    force: bool = False,
    progress: Callable[[ProgressInfo], None] | None = None,
    engine: str = "pool",
    scheduler: str | None = None,
    spool_dir: str | Path | None = None,
) -> BuildResult:
    """Build the knowledge graph of ``inputs`` and write the exports and ``graph.html`` into ``out_dir``.

    ``formats`` picks the exports (keys of ``kg.publish.export.FORMATS``: ttl, nt, nq, trig, jsonld, graphml, gexf; all
    by default). ``store`` also adds the documents to an on-disk Oxigraph store (rebuilt articles replace their
    graph). ``workers`` processes extract files in parallel (the output is byte-identical to one worker). With
    ``incremental`` (the default), extractions are cached in ``out_dir/.kg-cache`` and unchanged files are not
    extracted again; ``force`` extracts everything anew. Nothing is written unless the whole pipeline succeeds; the
    files are published together as one set (:func:`kg.cache.publish`), and the folder is locked against a
    concurrent build (:class:`~kg.errors.BuildLocked`).

    Every build takes the same path, whatever the size of its input (see :mod:`kg.spooled`): articles go from the
    workers to a spool on disk, are resolved and mapped one at a time, and their quads are sorted on disk for the
    writers, so memory is bounded by the entity table, not by the archive.

    ``engine`` ``"dask"`` runs the extraction as Dask tasks (:mod:`kg.cluster`): on a ``LocalCluster`` of
    ``workers`` processes, or on the cluster of ``scheduler`` (``tcp://HOST:PORT``), whose workers must read the
    inputs and write ``spool_dir`` (default: the output's work folder) at the same paths. The graph is the same.
    """
    settings = _settings(settings, date, base_iri, ner, keep_going)
    check_settings(settings)
    started = time.perf_counter()
    stats = RunStats()
    # A bad argument fails here, before the output folder is touched (with keep_going it is listed as skipped).
    paths = expand_inputs(inputs, stats.skipped if settings.keep_going else None)
    with output_lock(Path(out_dir)) as out, long_lived_objects():
        cache = ExtractionCache(out / CACHE_DIR, settings, reuse=not force) if incremental else None
        work = work_dir(out)
        with cluster.spool_folder(spool_dir, work) as spools:
            with cluster.engine(engine, scheduler=scheduler, workers=workers) as opened:
                results = extract_items(
                    list(enumerate(paths)),
                    settings,
                    workers=workers,
                    cache=cache,
                    progress=progress,
                    stats=stats,
                    spool_dir=spools,
                    engine=opened,
                )
            _announce(progress, stats, started, "resolve")
            corpus, graphs = resolve_spooled(results, settings, stats, work)  # reads the spools, then work/ only
        _announce(progress, stats, started, "write")
        files = write_outputs(graphs, settings, out, stats, formats, workers, store)
        if cache is not None:
            cache.prune(stats.keys)  # only after success: entries of a failed run are what the next run resumes from
    stats.elapsed = time.perf_counter() - started
    return BuildResult(corpus=corpus, files=files, stats=stats)


def _announce(progress: Callable[[ProgressInfo], None] | None, stats: RunStats, started: float, phase: str) -> None:
    """Tell the progress callback that extraction is over and ``phase`` has begun."""
    if progress is not None:
        files = stats.files + len(stats.skipped)
        progress(
            ProgressInfo(
                files, files, stats.articles, stats.characters, 1, 1, time.perf_counter() - started, phase=phase
            )
        )


def write_outputs(
    graphs: Graphs,
    settings: Settings,
    out: Path,
    stats: RunStats,
    formats: Iterable[str] | None = None,
    workers: int = 1,
    store: str | Path | None = None,
) -> list[Path]:
    """Spill ``graphs`` (from :func:`kg.spooled.resolve_spooled`) to sorted runs in ``out``'s work folder, write the
    graph files (``formats``, all by default) and the HTML view from them with up to ``workers`` processes (see
    :mod:`kg.publish.outputs`) and publish them into ``out`` as one set; also add them to ``store`` if given.

    The files are written into a staging folder first, so an interrupted or failed run leaves the previous set of
    outputs whole.
    """
    with QuadSpill(out / WORK_DIR / "quads") as spill:
        with stats.timings.measure("rdf"):
            for name, triples in graphs:
                spill.add_graph(name, triples)
        staged = write_spilled(
            spill, staging_dir(out), formats, base=settings.base_iri, workers=workers, timings=stats.timings
        )
        files = publish(staged, out)
        if store is not None:
            with stats.timings.measure("store"):
                add_to_store(spill, store)
    return files


def build_shard(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    shard: tuple[int, int],
    *,
    settings: Settings | None = None,
    workers: int = 1,
    incremental: bool = True,
    force: bool = False,
    progress: Callable[[ProgressInfo], None] | None = None,
) -> tuple[list[Path], RunStats]:
    """Extract one shard ``(index, count)`` of ``inputs`` into ``out_dir`` (see :mod:`kg.shard`)."""
    stats = RunStats()
    files = sharding.build_shard(
        inputs,
        Path(out_dir),
        settings or Settings(),
        shard[0],
        shard[1],
        workers=workers,
        incremental=incremental,
        force=force,
        progress=progress,
        stats=stats,
    )
    return files, stats


def merge(
    shard_dirs: Iterable[str | Path],
    out_dir: str | Path,
    *,
    base_iri: str | None = None,
    formats: Iterable[str] | None = None,
) -> BuildResult:
    """Merge the shard folders written by :func:`build_shard`: resolve entities across all of them and write the
    same outputs as :func:`build` over the whole archive would, holding one shard's extractions at a time."""
    started = time.perf_counter()
    folders = [Path(folder) for folder in shard_dirs]
    with output_lock(Path(out_dir)) as out:
        work = work_dir(out)
        settings, results, skipped = sharding.merge_shards(folders, spool_dir=work)
        if base_iri is not None:
            settings = replace(settings, base_iri=base_iri)
        stats = RunStats(skipped=skipped)
        stats.files = len(results)
        stats.articles = sum(result.articles for result in results)
        stats.characters = sum(result.characters for result in results)
        stats.reused = len(results)
        check_settings(settings)
        corpus, graphs = resolve_spooled(results, settings, stats, work)
        files = write_outputs(graphs, settings, out, stats, formats)
    stats.elapsed = time.perf_counter() - started
    return BuildResult(corpus=corpus, files=files, stats=stats)


def viz(
    source: str | Path,
    out: str | Path,
    *,
    focus: str | None = None,
    hops: int = 2,
    max_nodes: int = DEFAULT_MAX_NODES,
    lang: str = "zh",
    title: str | None = None,
) -> Path:
    """Write the HTML view of the graph in ``source`` (an RDF file, a kg output folder or a store) to ``out``.

    ``focus`` (a name, alias or IRI) keeps only the entities within ``hops`` relations of it; beyond ``max_nodes``
    the least important entities are left out and the page says how many; ``lang`` picks zh or en labels.
    """
    graph = load_graph(source)
    name = title or Path(source).name
    return write_html(graph, Path(out), name, focus=focus, hops=hops, max_nodes=max_nodes, lang=lang)


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
            articles.append(
                {
                    "id": str(iris.article(article.id)),
                    "headline": article.headline,
                    "date": article.date.isoformat() if article.date else None,
                    "start": article.start,
                    "end": article.start + len(article.text),
                }
            )
            for mention in extraction.mentions:
                span = Span(article.start + mention.start, article.start + mention.end)
                if source_offsets:
                    span = doc.to_source(span)
                text = (doc.source if source_offsets else doc.clean)[span.start : span.end]
                mentions.append(
                    {
                        "start": span.start,
                        "end": span.end,
                        "text": text,
                        "type": f"kg:{mention.type}",
                        "entity": str(iris.entity(mention.entity)) if mention.entity else None,
                    }
                )
        mentions.sort(key=lambda m: (m["start"], m["end"], m["type"]))
        records.append({"document": doc.path, "articles": articles, "mentions": mentions})
    return records


__all__ = [
    "BuildResult", "build", "eval_ner", "extract", "extract_texts", "load", "mention_records", "query", "serve",
    "stats",
    "validate", "viz",
]  # fmt: skip
