"""Low-memory builds: articles wait on disk between the steps, so memory holds the entity table, not the corpus.

An ordinary build keeps every extraction and every quad in memory until the files are written (about 1.5 GiB per
million quads). A low-memory build gives the same bytes with memory bounded by the entity table and one article:

1. extraction writes each input file's documents and extractions to a spool (:mod:`kg.spool`; with the incremental
   cache, the spool is the cache entry);
2. resolution reads the spools in input order and assigns every article's mentions to entities, writing the articles
   to one more spool; the joins across articles then run on the entity table alone
   (:class:`kg.nlp.resolve.Resolution` without mentions);
3. mapping reads that spool back, settles each article's keys and maps it to its named graph, one article at a time,
   into a :class:`kg.rdf.spill.QuadSpill`, whose sorted runs on disk the writers merge into each file.
"""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from kg.errors import ConfigError
from kg.model import ArticleExtraction, Corpus, Document
from kg.nlp.resolve import Resolution
from kg.pipeline import DocumentResult, RunStats, Settings, identity
from kg.rdf.mapping import Mapper
from kg.rdf.quads import Term, Triple, iri
from kg.spool import SpoolError, SpoolWriter, read_spool

DEFAULT_RESOLVE = Settings().resolve
Graphs = Iterator[tuple[Term | None, set[Triple]]]


def check_settings(settings: Settings) -> None:
    """:class:`~kg.errors.ConfigError` unless ``settings`` suit a low-memory build: only kg's own resolution works
    article by article, so another ``resolve`` stage needs an ordinary build."""
    if settings.resolve != DEFAULT_RESOLVE:
        raise ConfigError(f"a low-memory build resolves with {DEFAULT_RESOLVE}, not {settings.resolve}; "
                          "build in memory to use another resolve stage")


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
    articles: Counter[str] = Counter()
    resolved = work / "resolved.spool"
    with stats.timings.measure("resolve"), SpoolWriter(resolved) as spool:
        for result in results:
            if result.spool is None:
                raise SpoolError(f"{result.path}: extraction was not spooled")
            items = read_spool(Path(result.spool))
            next(items, None)  # the header: the cache key
            for item in items:
                if isinstance(item, ArticleExtraction):
                    resolution.add(item)
                    spool.write(item)
                    articles[item.article.id] += 1
                elif isinstance(item, Document):
                    item.path = result.path  # a cached entry may come from a file of another name
                    documents.append(identity(item))
                else:
                    raise SpoolError(f"{result.spool}: unexpected {type(item).__name__}")
        corpus = Corpus(documents=documents, entities=resolution.finish(), skipped=list(stats.skipped))
    stats.documents += len(documents)
    repeated = {article: count for article, count in articles.items() if count > 1}
    return corpus, _graphs(corpus, resolution, resolved, settings.base_iri, stats, repeated)


def _graphs(
    corpus: Corpus, resolution: Resolution, resolved: Path, base_iri: str, stats: RunStats, repeated: dict[str, int]
) -> Graphs:
    """The entities graph, then each article's graph once. An article that occurs more than once in the run (the
    same text twice: its id is a hash of it) has one graph, the union of its occurrences, as in an ordinary build;
    its earlier occurrences wait in a file of their own until the last one has been mapped."""
    mapper = Mapper(corpus, base_iri)
    mapper.map_entities()
    yield iri(mapper.iris.entities_graph()), mapper.entities
    waiting = resolved.parent / "repeated"
    waiting.mkdir(exist_ok=True)
    for item in read_spool(resolved):
        if not isinstance(item, ArticleExtraction):
            raise SpoolError(f"{resolved}: unexpected {type(item).__name__}")
        settled = resolution.settle(item)
        stats.relations += len(settled.relations)
        stats.quantities += len(settled.quantities)
        stats.events += len(settled.events)
        graphs = mapper.article_graphs(settled)
        article = item.article.id
        if article not in repeated:
            yield from graphs.items()
            continue
        earlier = waiting / f"{article}.pickle"
        repeated[article] -= 1
        if repeated[article]:
            with earlier.open("ab") as handle:
                pickle.dump(graphs, handle, protocol=pickle.HIGHEST_PROTOCOL)
            continue
        with earlier.open("rb") as handle:
            while handle.peek(1):
                for name, triples in pickle.load(handle).items():
                    graphs.setdefault(name, set()).update(triples)
        earlier.unlink()
        yield from graphs.items()
