"""The runner that pushes documents through the stages: scheduling over worker processes, progress, the incremental
cache and the spools.

A stage is a plain function registered in :mod:`kg.registry` under a dotted name whose first two parts say what it
does and the rest which implementation it is: ``nlp.tag.lac`` is the ``lac`` implementation of the ``nlp.tag`` step.
A user swaps an implementation by naming another one in :class:`kg.settings.Settings` (``--ner crf`` on the command
line selects ``nlp.tag.crf``) or by registering their own with :func:`kg.registry.stage`.

Step signatures:

* ``ingest.read``     ``(path: Path, settings) -> Document``
* ``ingest.clean``    ``(doc: Document, settings) -> Document``
* ``ingest.segment``  ``(doc: Document, settings) -> list[Article]``
* ``text.normalise``  ``(article: Article, settings) -> Article`` with its analysis text (kg.text.normalise); the
  ``nlp.*`` steps read it, and their spans are moved back into the article's own text after the last one
* ``nlp.*``           ``(ex: ArticleExtraction, settings) -> ArticleExtraction``, run in the order of ``Settings.steps``
* ``resolve``         ``(extractions: list[ArticleExtraction], settings) -> Corpus``
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import time
import traceback
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import ConfigError, ExtractionError, InputError, KGError
from kg.model import ArticleExtraction, Corpus, Document, display_path
from kg.registry import (
    batched as batched,  # re-exported: the registry and settings lived here before
)
from kg.registry import get_batched, get_stage
from kg.registry import stage as stage
from kg.registry import stages as stages
from kg.runtime import Timings, child_process_init
from kg.settings import DEFAULT_BASE_IRI as DEFAULT_BASE_IRI
from kg.settings import DEFAULT_NER as DEFAULT_NER
from kg.settings import Settings
from kg.spool import SpoolWriter

if TYPE_CHECKING:
    from kg.cache import ExtractionCache
    from kg.cluster import DaskEngine


def expand_inputs(
    inputs: Iterable[str | Path] | str | Path, skipped: list[tuple[str, str]] | None = None
) -> list[Path]:
    """Turn files, directories and glob patterns (or one of them) into a list of files (directories are searched
    recursively).

    With ``skipped`` (used when ``keep_going`` is set) an input that names no file is recorded there, not raised.
    """
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    return get_stage("ingest.read.expand")(inputs, skipped)


def skipped_summary(skipped: list[tuple[str, str]]) -> str:
    """A short report of the inputs a ``keep_going`` run skipped: a count line, then one line per input."""
    if not skipped:
        return "no input skipped"
    lines = [f"{len(skipped)} input(s) skipped:"]
    lines.extend(f"  {reason}" if reason.startswith(path) else f"  {path}: {reason}" for path, reason in skipped)
    return "\n".join(lines)


@dataclass
class DocumentResult:
    """What extracting one input file gave: its document and article extractions, or the error that stopped it.

    ``index`` is the file's position in the sorted input list, so results gathered from parallel workers are put back
    in input order and the merged graph does not depend on which worker finished first.
    """

    index: int
    path: str
    key: str = ""  # content hash of the file under the settings fingerprint ("" when the file could not be hashed)
    documents: list[Document] = field(default_factory=list)
    extractions: list[ArticleExtraction] = field(default_factory=list)
    error: KGError | None = None
    detail: str | None = None  # traceback of an unexpected exception, for --verbose
    cached: bool = False
    characters: int = 0  # cleaned characters of the file
    # With a spool folder, the documents and extractions go to this spool (see kg.spool) instead of the lists above,
    # and ``spooled_articles`` counts the extractions.
    spool: str | None = None
    spooled_articles: int = 0

    @property
    def articles(self) -> int:
        """How many articles the file gave."""
        return len(self.extractions) + self.spooled_articles

    def keep(
        self,
        documents: list[Document],
        extractions: list[ArticleExtraction],
        characters: int,
        spool: SpoolWriter | None = None,
    ) -> None:
        """Add documents and their extractions to the result, or write them to ``spool``.

        The tagger's tokens are dropped: only the extraction stages read them, and they were a third of what a
        worker sends back (half the parent's time unpickling results) and of what the parent holds to the end.
        """
        for extraction in extractions:
            extraction.tokens = []
        self.characters += characters
        if spool is None:
            self.documents.extend(documents)
            self.extractions.extend(extractions)
            return
        write_results(spool, documents, extractions, characters)
        self.spooled_articles += len(extractions)


def identity(document: Document) -> Document:
    """A document without its text: id, file, title, date and publication."""
    return Document(
        id=document.id,
        path=document.path,
        source="",
        title=document.title,
        date=document.date,
        date_source=document.date_source,
        publication=document.publication,
    )


def write_results(
    spool: SpoolWriter, documents: list[Document], extractions: list[ArticleExtraction], characters: int
) -> None:
    """Append documents and extractions to a spool, counting articles and cleaned characters in its trailer."""
    for document in documents:
        spool.write(document)
    for extraction in extractions:
        spool.write(extraction)
    spool.articles += len(extractions)
    spool.characters += characters


@dataclass
class ProgressInfo:
    """Where a run stands, passed to the ``progress`` callback of :func:`run` after each finished input."""

    documents_done: int
    documents_total: int
    articles: int
    characters: int
    bytes_done: int
    bytes_total: int
    elapsed: float
    phase: str = "extract"  # then "resolve" and "write" (the steps after extraction, in the main process)

    @property
    def rate(self) -> float:
        """Characters per second so far."""
        return self.characters / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def remaining(self) -> float | None:
        """Estimated seconds left, from the share of input bytes done; None before anything is done."""
        if self.bytes_done <= 0 or self.elapsed <= 0:
            return None
        return self.elapsed * (self.bytes_total - self.bytes_done) / self.bytes_done


@dataclass
class RunStats:
    """Counts, skipped inputs, warnings and per-step times of a run (filled in by :func:`run`)."""

    files: int = 0  # input files used (a file read in parts gives one document per part)
    documents: int = 0
    articles: int = 0
    characters: int = 0
    reused: int = 0  # inputs whose extraction came from the incremental cache
    extracted: int = 0  # inputs extracted in this run
    workers: int = 1
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    warnings: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # tracebacks of unexpected errors in skipped inputs
    timings: Timings = field(default_factory=Timings)
    elapsed: float = 0.0  # wall-clock seconds of the whole run
    keys: set[str] = field(default_factory=set)  # cache keys of the inputs used
    relations: int = 0  # stated relations, quantities and events of the resolved corpus
    quantities: int = 0
    events: int = 0
    classes: dict[str, int] = field(default_factory=dict)  # entities and events of the resolved corpus per class
    statements: int = 0  # kg:Statement nodes of the graph written (relations stated with their evidence)


def extract_document(doc: Document, settings: Settings, timings: Timings | None = None) -> list[ArticleExtraction]:
    """Clean and segment one document and run the per-article steps on each of its articles."""
    timings = timings if timings is not None else Timings()
    return extract_articles(clean_document(doc, settings, timings), settings, timings)


def clean_document(doc: Document, settings: Settings, timings: Timings) -> Document:
    """The cleaned document (the ``ingest.clean`` step), timed."""
    with timings.measure("ingest.clean"):
        return get_stage(settings.clean)(doc, settings)


def extract_articles(doc: Document, settings: Settings, timings: Timings) -> list[ArticleExtraction]:
    """Segment a cleaned document, run the tagger on its articles (:func:`get_batched`) and ``Settings.steps`` on each
    article, timing every step."""
    with timings.measure("ingest.segment"):
        articles = get_stage(settings.segment)(doc, settings)
    from kg.text.normalise import restore

    normalise = get_stage(settings.normalise)
    with timings.measure(settings.normalise):
        articles = [normalise(article, settings) for article in articles]
    tag = get_batched(settings.tagger)
    steps = [(name, get_stage(name)) for name in settings.steps]
    # The tagger sees all the articles at once (LAC runs their pieces in batches); the other steps one at a time
    with timings.measure(settings.tagger):
        results = tag([ArticleExtraction(article=article) for article in articles], settings)
    for index, extraction in enumerate(results):
        for name, step in steps:
            with timings.measure(name):
                extraction = step(extraction, settings)
        results[index] = restore(extraction)
    return results


def extract_file(
    index: int, path: Path, key: str, settings: Settings, timings: Timings, spool_dir: Path | None = None
) -> DocumentResult:
    """Read and extract one input file; failures are returned in the result (never raised) so a batch goes on.

    With ``spool_dir``, the documents and extractions are written to a spool there (``<index>.spool``, a cache entry
    under ``key``: see :mod:`kg.cache`) as they are made, and the result holds only counts and the spool's path.
    """
    result = DocumentResult(index=index, path=display_path(path), key=key)
    spool = SpoolWriter(spool_dir / f"{index:08d}.spool") if spool_dir is not None else None
    try:
        if spool is not None:
            spool.write({"key": key})
        if _streamed(path, settings):
            _extract_parts(path, settings, timings, result, spool)
        else:
            with timings.measure("ingest.read"):
                doc = get_stage(settings.read)(path, settings)
            doc = clean_document(doc, settings, timings)
            result.keep([doc], extract_articles(doc, settings, timings), len(doc.clean), spool)
        if spool is not None:
            result.spool = str(spool.commit())
            spool = None
    except KGError as error:
        message = str(error)
        result.error = error if result.path in message else type(error)(f"{result.path}: {message}")
    except Exception as error:  # noqa: BLE001  a bug in one stage must not take the other inputs down with it
        result.error = ExtractionError(f"{result.path}: internal error ({type(error).__name__}: {error})")
        result.detail = traceback.format_exc()
    finally:
        if spool is not None:
            spool.abort()
    return result


def _streamed(path: Path, settings: Settings) -> bool:
    """Whether ``path`` is a text file large enough to be read in parts (see :mod:`kg.ingest.parts`)."""
    from kg.ingest.parts import (
        STREAM_BYTES,  # here, not at the top: kg.ingest.parts imports kg.ingest, which imports this module
    )

    if settings.read != "ingest.read.auto" or path.suffix.lower() not in {".txt", ".text", ""}:
        return False
    try:
        return path.stat().st_size > int(settings.options.get("stream_bytes", STREAM_BYTES))
    except OSError:
        return False  # the reader reports the problem


def _extract_parts(
    path: Path, settings: Settings, timings: Timings, result: DocumentResult, spool: SpoolWriter | None
) -> None:
    """Extract a large file part by part. Each part becomes a document that keeps only its identity (id, path,
    title, date): its articles carry their own text, and dropping the part's source text and offset map is what
    keeps memory bounded by the part size (with a spool, by one part's extractions)."""
    from kg.ingest.parts import PART_CHARS, iter_parts

    parts = iter_parts(path, int(settings.options.get("part_chars", PART_CHARS)))
    while True:
        with timings.measure("ingest.read"):
            text = next(parts, None)
        if text is None:
            return
        _extract_part_text(text, display_path(path), settings, timings, result, spool)


def _extract_part_text(
    text: str, path: str, settings: Settings, timings: Timings, result: DocumentResult, spool: SpoolWriter | None
) -> None:
    """Extract one part of a large file as a document of its own, keeping only the document's identity."""
    from kg.ingest.read import read_text

    doc = clean_document(read_text(text, path), settings, timings)
    result.keep([identity(doc)], extract_articles(doc, settings, timings), len(doc.clean), spool)


WorkItem = tuple[int, str, str]  # (index in the input list, path, cache key)


def _extract_batch(
    batch: list[WorkItem], settings: Settings, spool_dir: Path | None
) -> tuple[list[DocumentResult], Timings]:
    """Worker entry point: extract a batch of files; returns the results and the time spent per step."""
    timings = Timings()
    results = [extract_file(index, Path(path), key, settings, timings, spool_dir) for index, path, key in batch]
    return results, timings


# Bounds of a batch's size in bytes of input, and its largest number of files.
_BATCH_BYTES = (12_000, 128_000)
_BATCH_FILES = 64


def _batches(items: list[WorkItem], sizes: dict[int, int], workers: int) -> list[list[WorkItem]]:
    """Cut the work into contiguous batches that shrink as the work runs out (guided self-scheduling).

    The workers take the batches in order. Early batches are big, to amortise a round trip to a worker; each later
    one is a share of what is left, so the last ones are small and no worker idles long while another finishes a big
    batch (with equal batches that wait was half a batch, about a second of a 25-second build). Small batches also
    mean an interrupt loses little.
    """
    remaining = sum(sizes.get(item[0], 0) for item in items)
    batches: list[list[WorkItem]] = []
    current: list[WorkItem] = []
    current_size = target = 0
    for item in items:
        if not current:
            target = min(_BATCH_BYTES[1], max(_BATCH_BYTES[0], remaining // (max(1, workers) * 3)))
        current.append(item)
        current_size += sizes.get(item[0], 0)
        if current_size >= target or len(current) >= _BATCH_FILES:
            batches.append(current)
            remaining -= current_size
            current, current_size = [], 0
    if current:
        batches.append(current)
    return batches


@contextmanager
def long_lived_objects() -> Iterator[None]:
    """Keep what exists when the block starts, and every batch of results received from workers inside it, out of the
    cyclic garbage collector's scans until the block ends (``gc.freeze``).

    A build keeps every extraction until its files are written, and the parent unpickles millions of objects from
    its workers: each full collection would walk all of them again (3–4 s of a 30 s two-worker build, measured).
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _pool_context() -> Any:
    # fork shares the already imported stages (and any a user registered) with the workers at no start-up cost.
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


class _Tracker:
    """Counts finished inputs and reports them to the progress callback."""

    def __init__(self, callback: Callable[[ProgressInfo], None] | None, sizes: dict[int, int]) -> None:
        self.callback = callback
        self.sizes = sizes
        self.start = time.perf_counter()
        self.info = ProgressInfo(0, len(sizes), 0, 0, 0, sum(sizes.values()), 0.0)

    def done(self, result: DocumentResult) -> None:
        info = self.info
        info.documents_done += 1
        info.articles += result.articles
        info.characters += result.characters
        info.bytes_done += self.sizes.get(result.index, 0)
        info.elapsed = time.perf_counter() - self.start
        if self.callback is not None:
            self.callback(info)


def file_size(path: Path) -> int:
    """The size of ``path`` in bytes (0 when it cannot be read: the reader reports the problem)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def extract_items(
    items: list[tuple[int, Path]],
    settings: Settings,
    *,
    workers: int = 1,
    cache: ExtractionCache | None = None,
    progress: Callable[[ProgressInfo], None] | None = None,
    stats: RunStats | None = None,
    spool_dir: Path | None = None,
    engine: DaskEngine | None = None,
) -> list[DocumentResult]:
    """Extract the numbered input files, in parallel when ``workers`` > 1, and return the results in input order.

    With an ``engine`` (:class:`kg.cluster.DaskEngine`, which needs ``spool_dir``) the batches run as Dask tasks on
    its workers instead of the local process pool; everything else is the same.

    Files whose content and settings match an entry of ``cache`` are not extracted again; every new extraction is
    stored in the cache as soon as it arrives, so an interrupted run loses at most the batches in flight. A failing
    input raises its error unless ``settings.keep_going``, in which case it is listed in ``stats.skipped``.

    With ``spool_dir`` the results hold no documents or extractions: each names the spool they were written to (a
    cache entry when the file was cached), so memory does not grow with the input.
    """
    stats = stats if stats is not None else RunStats()
    sizes = {index: file_size(path) for index, path in items}
    tracker = _Tracker(progress, sizes)
    results: dict[int, DocumentResult] = {}
    todo: list[WorkItem] = []
    for index, path in items:
        key = cache.key(path) if cache is not None else ""
        result = _cached(cache, index, path, key, spooled=spool_dir is not None) if cache is not None and key else None
        if result is None:
            todo.append((index, str(path), key))
            continue
        results[index] = result
        tracker.done(result)
    if cache is not None:
        stats.warnings.extend(cache.drain_warnings())

    def accept(result: DocumentResult) -> bool:
        """Record one result; False when it failed and the run must stop."""
        results[result.index] = result
        tracker.done(result)
        if result.error is not None:
            return settings.keep_going
        if cache is not None and result.key:
            if result.spool is not None:
                cache.adopt(result.key, Path(result.spool))
            else:
                cache.store(result.key, result.documents, result.extractions)
        return True

    # With spools, a file read in parts has its parts extracted by all the workers; otherwise a file is one task.
    split = [item for item in todo if spool_dir is not None and workers > 1 and engine is None
             and _streamed(Path(item[1]), settings)]  # fmt: skip
    todo = [item for item in todo if item not in split]
    stats.workers = max(1, min(workers, len(todo) + (workers if split else 0)))
    going = True
    if engine is not None:
        if spool_dir is None:
            raise ConfigError("a build on Dask needs a spool folder")
        stats.workers = max(1, engine.worker_count)
        if todo:
            engine.check_writable(spool_dir)
            going = engine.run_batches(_extract_batch, _batches(todo, sizes, stats.workers), (settings, spool_dir),
                                       accept, stats.timings.merge, lambda batch: batch[0][0])  # fmt: skip
    elif len(todo) == 1 or workers == 1:
        for index, name, key in todo:
            if not accept(extract_file(index, Path(name), key, settings, stats.timings, spool_dir)):
                going = False
                break
    elif todo:
        going = _extract_in_pool(
            _batches(todo, sizes, min(workers, len(todo))),
            settings,
            min(workers, len(todo)),
            accept,
            stats.timings,
            spool_dir,
        )
    if going and spool_dir is not None:
        for index, name, key in split:
            if not accept(_extract_parts_in_pool(index, Path(name), key, settings, workers, spool_dir, stats.timings)):
                break
    if cache is not None:
        stats.warnings.extend(cache.drain_warnings())
    ordered = [results[index] for index, _ in items if index in results]
    for result in ordered:
        if result.error is not None:
            if not settings.keep_going:
                raise result.error
            stats.skipped.append((result.path, str(result.error).removeprefix(f"{result.path}: ")))
            if result.detail:
                stats.details.append(result.detail)
    kept = [result for result in ordered if result.error is None]
    if stats.skipped and not kept:  # everything was skipped: refuse to replace earlier outputs with an empty graph
        raise InputError(f"no input could be read:\n{skipped_summary(stats.skipped)}")
    stats.files += len(kept)
    stats.documents += sum(len(result.documents) for result in kept)
    stats.articles += sum(result.articles for result in kept)
    stats.characters += sum(result.characters for result in kept)
    stats.reused += sum(1 for result in kept if result.cached)
    stats.extracted += sum(1 for result in kept if not result.cached)
    stats.keys.update(result.key for result in kept if result.key)
    return kept


def _cached(cache: ExtractionCache, index: int, path: Path, key: str, *, spooled: bool) -> DocumentResult | None:
    """The result of a file found in the cache: its spool (``spooled``) or its documents and extractions."""
    if spooled:
        entry = cache.entry(key, path)
        if entry is None:
            return None
        spool, articles, characters = entry
        return DocumentResult(
            index,
            display_path(path),
            key,
            cached=True,
            characters=characters,
            spool=str(spool),
            spooled_articles=articles,
        )
    hit = cache.load(key, path)
    if hit is None:
        return None
    documents, extractions, characters = hit
    return DocumentResult(index, display_path(path), key, documents, extractions, cached=True, characters=characters)


def _extract_in_pool(
    batches: list[list[WorkItem]],
    settings: Settings,
    workers: int,
    accept: Callable[[DocumentResult], bool],
    timings: Timings,
    spool_dir: Path | None,
) -> bool:
    """Run the batches on a process pool, handing each result to ``accept`` as its batch finishes; False when an
    input failed and the run stops."""
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=_pool_context(), initializer=child_process_init, initargs=(os.getpid(),)
    )
    try:
        first: dict[Future[tuple[list[DocumentResult], Timings]], int] = {
            pool.submit(_extract_batch, batch, settings, spool_dir): batch[0][0] for batch in batches
        }
        pending = set(first)
        failed_at: int | None = None
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                batch_results, batch_timings = future.result()
                timings.merge(batch_timings)
                failures = [result.index for result in batch_results if not accept(result)]
                # Inside long_lived_objects the results unpickled from a worker live as long as the earlier ones.
                # (Freezing after each file in one process was slower: it also freezes extraction's own garbage.)
                if gc.get_freeze_count():
                    gc.freeze()
                if failures:
                    failed_at = min([*failures, *([failed_at] if failed_at is not None else [])])
            if failed_at is not None:
                # Stop, but only after every batch before the failure: the error reported is then the first one in
                # input order, whichever worker was faster.
                for future in [f for f in pending if first[f] > failed_at]:
                    future.cancel()
                pending = {f for f in pending if first[f] <= failed_at}
    finally:
        # On an error or Ctrl-C, drop the batches not started; the running ones finish (their workers ignore SIGINT).
        pool.shutdown(wait=True, cancel_futures=True)
    return failed_at is None


def _extract_parts_in_pool(
    index: int, path: Path, key: str, settings: Settings, workers: int, spool_dir: Path, timings: Timings
) -> DocumentResult:
    """Extract a large file (see :func:`_streamed`) with its parts spread over ``workers`` processes: this process
    reads and cuts the file, each worker extracts a part into a spool of its own, and the parts' spools are joined
    in file order into the file's spool, which is the same as one process would have written. At most two parts per
    worker are in flight, so memory stays bounded by the part size."""
    from kg.ingest.parts import PART_CHARS, iter_parts

    result = DocumentResult(index=index, path=display_path(path), key=key)
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=_pool_context(), initializer=child_process_init, initargs=(os.getpid(),)
    )
    pending: deque[Future[tuple[DocumentResult, Timings]]] = deque()

    def join_next(spool: SpoolWriter) -> None:
        part, part_timings = pending.popleft().result()
        timings.merge(part_timings)
        if part.error is not None:
            raise part.error
        part_spool = Path(part.spool or "")
        spool.extend(part_spool)
        part_spool.unlink()
        result.spooled_articles += part.spooled_articles
        result.characters += part.characters

    try:
        with SpoolWriter(spool_dir / f"{index:08d}.spool") as spool:
            spool.write({"key": key})
            parts = iter_parts(path, int(settings.options.get("part_chars", PART_CHARS)))
            for number in itertools.count():
                with timings.measure("ingest.read"):
                    text = next(parts, None)
                if text is None:
                    break
                part_path = spool_dir / f"{index:08d}.{number:06d}.part"
                pending.append(pool.submit(_extract_part, text, display_path(path), settings, part_path))
                while len(pending) >= 2 * workers:
                    join_next(spool)
            while pending:
                join_next(spool)
        result.spool = str(spool.path)
    except KGError as error:
        message = str(error)
        result.error = error if result.path in message else type(error)(f"{result.path}: {message}")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return result


def _extract_part(text: str, path: str, settings: Settings, part_path: Path) -> tuple[DocumentResult, Timings]:
    """Worker entry point: extract one part of a large file into a spool of its own (no header)."""
    timings = Timings()
    result = DocumentResult(index=0, path=path)
    try:
        with SpoolWriter(part_path) as spool:
            _extract_part_text(text, path, settings, timings, result, spool)
        result.spool = str(part_path)
    except KGError as error:
        result.error = error
    except Exception as error:  # noqa: BLE001  as in extract_file: reported as this file's error
        result.error = ExtractionError(f"{result.path}: internal error ({type(error).__name__}: {error})")
    return result, timings


def first_occurrences(extractions: Iterable[ArticleExtraction]) -> Iterator[ArticleExtraction]:
    """``extractions`` without the articles met before in them (same article id), lazily: the one rule by which an
    article whose text occurs twice in a run (a wire story in two files: its id is a hash of its text) is kept once,
    as first met, so the graph says one thing of it (one headline, one date), not the union of its contexts."""
    seen: set[str] = set()
    for extraction in extractions:
        if extraction.article.id not in seen:
            seen.add(extraction.article.id)
            yield extraction


def resolve_results(results: list[DocumentResult], settings: Settings, stats: RunStats | None = None) -> Corpus:
    """Resolve the extractions of ``results`` (in their order) into one corpus, each article kept once
    (:func:`first_occurrences`)."""
    stats = stats if stats is not None else RunStats()
    documents = [doc for result in results for doc in result.documents]
    extractions = list(first_occurrences(extraction for result in results for extraction in result.extractions))
    with stats.timings.measure("resolve"):
        corpus = get_stage(settings.resolve)(extractions, settings)
    corpus.documents = documents
    corpus.skipped = list(stats.skipped)
    stats.relations, stats.quantities, stats.events = len(corpus.relations), len(corpus.quantities), len(corpus.events)
    stats.classes = dict(
        Counter([*(entity.type for entity in corpus.entities.values()), *(event.type for event in corpus.events)])
    )
    return corpus


def run(
    inputs: Iterable[str | Path],
    settings: Settings | None = None,
    *,
    workers: int = 1,
    cache: ExtractionCache | None = None,
    progress: Callable[[ProgressInfo], None] | None = None,
    stats: RunStats | None = None,
) -> Corpus:
    """Run the whole pipeline over ``inputs`` and return the resolved corpus.

    ``workers`` > 1 extracts files in that many processes; the result is the same as with one. ``cache`` reuses the
    extractions of unchanged files (incremental builds). ``progress`` is called with a :class:`ProgressInfo` after
    each input; ``stats`` collects counts, skipped inputs, warnings and per-step :class:`Timings`.
    """
    settings = settings or Settings()
    stats = stats if stats is not None else RunStats()
    paths = expand_inputs(inputs, stats.skipped if settings.keep_going else None)
    items = list(enumerate(paths))
    results = extract_items(items, settings, workers=workers, cache=cache, progress=progress, stats=stats)
    return resolve_results(results, settings, stats)
