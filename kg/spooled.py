"""The build path: articles wait on disk between the steps, so memory holds the entity table, not the corpus.

Every build (:func:`kg.api.build`, :func:`kg.api.merge`) takes this path, whatever the size of its input, and gives
the same bytes with memory bounded by the entity table and a few articles:

1. extraction writes each input file's documents and extractions to a spool (:mod:`kg.spool`; with the incremental
   cache, the spool is the cache entry);
2. resolution reads the spools in input order, keeps each article once (:func:`kg.run.first_occurrences`) and
   assigns its mentions to entities, writing the articles to one more spool; the joins across articles then run on
   the entity table alone (:class:`kg.graph.resolve.Resolution` without mentions);
3. mapping reads that spool back, settles each article's keys and maps it to its named graph, one article at a time,
   into a :class:`kg.graph.spill.QuadSpill`, whose sorted runs on disk the writers merge into each file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from kg.errors import ConfigError
from kg.graph.mapping import Mapper
from kg.graph.quads import Term, Triple, iri
from kg.graph.resolve import Resolution
from kg.model import ArticleExtraction, Corpus, Document
from kg.run import DocumentResult, RunStats, Settings, first_occurrences, identity
from kg.spool import SpoolError, SpoolWriter, read_spool
from kg.store.stats import statement_count

DEFAULT_RESOLVE = Settings().resolve
Graphs = Iterator[tuple[Term | None, set[Triple]]]


def check_settings(settings: Settings) -> None:
    """:class:`~kg.errors.ConfigError` unless ``settings`` suit a build: only kg's own resolution works article by
    article, so another ``resolve`` stage is for :func:`kg.run.run`, which returns the corpus in memory."""
    if settings.resolve != DEFAULT_RESOLVE:
        raise ConfigError(
            f"a build resolves with {DEFAULT_RESOLVE}, not {settings.resolve}; use kg.run.run for another resolve stage"
        )


def resolve_spooled(
    results: list[DocumentResult], settings: Settings, stats: RunStats, work: Path
) -> tuple[Corpus, Graphs]:
    """Resolve the spooled ``results`` (in their order) and return the corpus (documents without text, entities; no
    extractions) and the graphs to write: the entities graph, then each article's graph, made as they are read.

    ``stats`` gets the documents counted and the time of resolution (``resolve``); the relation, quantity and event
    counts are added as the graphs are made.
    """
    check_settings(settings)
    resolution = Resolution(keep_mentions=False)
    documents: list[Document] = []
    resolved = work / "resolved.spool"
    with stats.timings.measure("resolve"), SpoolWriter(resolved) as spool:
        for extraction in first_occurrences(_spooled(results, documents)):
            resolution.add(extraction)
            spool.write(extraction)
        corpus = Corpus(documents=documents, entities=resolution.finish(), skipped=list(stats.skipped))
    stats.documents += len(documents)
    return corpus, _graphs(corpus, resolution, resolved, settings.base_iri, stats)


def _spooled(results: list[DocumentResult], documents: list[Document]) -> Iterator[ArticleExtraction]:
    """The article extractions of the spools of ``results`` in order; their documents go to ``documents``."""
    for result in results:
        if result.spool is None:
            raise SpoolError(f"{result.path}: extraction was not spooled")
        items = read_spool(Path(result.spool))
        next(items, None)  # the header: the cache key
        for item in items:
            if isinstance(item, ArticleExtraction):
                yield item
            elif isinstance(item, Document):
                item.path = result.path  # a cached entry may come from a file of another name
                documents.append(identity(item))
            else:
                raise SpoolError(f"{result.spool}: unexpected {type(item).__name__}")


def _graphs(corpus: Corpus, resolution: Resolution, resolved: Path, base_iri: str, stats: RunStats) -> Graphs:
    """The entities graph, then each article's graph (every article occurs once in ``resolved``)."""
    mapper = Mapper(corpus, base_iri)
    stats.classes = dict(Counter(entity.type for entity in corpus.entities.values()))
    mapper.map_entities()
    stats.statements += statement_count(mapper.entities)
    yield iri(mapper.iris.entities_graph()), mapper.entities
    for item in read_spool(resolved):
        if not isinstance(item, ArticleExtraction):
            raise SpoolError(f"{resolved}: unexpected {type(item).__name__}")
        settled = resolution.settle(item)
        stats.relations += len(settled.relations)
        stats.quantities += len(settled.quantities)
        stats.events += len(settled.events)
        for event in settled.events:
            stats.classes[event.type] = stats.classes.get(event.type, 0) + 1
        graphs = mapper.article_graphs(settled)
        stats.statements += sum(statement_count(triples) for triples in graphs.values())
        yield from graphs.items()
