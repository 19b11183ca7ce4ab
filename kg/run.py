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
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

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
    part: int = 0  # for the result of one piece of a file (see Piece): the part's number
    size: int = 0  # bytes of input the piece stood for (progress counts a large file's parts as they finish)

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


@dataclass(frozen=True)
class Piece:
    """One task of extraction: a part of a plain-text file (its ``text``, cut by :mod:`kg.ingest.parts`), or a whole
    file of another kind (``text`` None: the worker reads it with the ``ingest.read`` step).

    ``index`` is the file's position in the input list and ``number`` the part's in the file; ``whole`` says the
    piece is the entire file, whose spool is then the file's own (``<index>.spool``).
    """

    index: int
    path: str
    key: str
    number: int = 0
    text: str | None = None
    whole: bool = True
    size: int = 0  # bytes of input the piece stands for, to size the batches


def part_spool(spool_dir: Path, piece: Piece) -> Path:
    """Where a piece's extractions are spooled: the file's own spool for a whole file (with the cache key as header),
    else one per part, which the client joins in order (:class:`_Assembler`)."""
    if piece.whole:
        return spool_dir / f"{piece.index:08d}.spool"
    return spool_dir / f"{piece.index:08d}.{piece.number:06d}.part"


def extract_piece(piece: Piece, settings: Settings, timings: Timings, spool_dir: Path | None = None) -> DocumentResult:
    """Extract one piece; failures are returned in the result (never raised) so a batch goes on.

    With ``spool_dir``, the document (without its text) and the extractions are written to the piece's spool there
    (:func:`part_spool`, under a temporary name renamed into place: a task run again writes the same bytes to the
    same name) as they are made, and the result holds only counts and the spool's path.
    """
    path = display_path(Path(piece.path))
    result = DocumentResult(index=piece.index, path=path, key=piece.key, part=piece.number, size=piece.size)
    spool = SpoolWriter(part_spool(spool_dir, piece)) if spool_dir is not None else None
    try:
        if spool is not None and piece.whole:
            spool.write({"key": piece.key})
        if piece.text is None:
            with timings.measure("ingest.read"):
                doc = get_stage(settings.read)(Path(piece.path), settings)
        else:
            from kg.ingest.read import read_text

            doc = read_text(piece.text, path)
        doc = clean_document(doc, settings, timings)
        result.keep([doc if spool is None else identity(doc)], extract_articles(doc, settings, timings),
                    len(doc.clean), spool)  # fmt: skip
        if spool is not None:
            result.spool = str(spool.commit())
            spool = None
    except KGError as error:
        message = str(error)
        result.error = error if path in message else type(error)(f"{path}: {message}")
    except Exception as error:  # noqa: BLE001  a bug in one stage must not take the other inputs down with it
        result.error = ExtractionError(f"{path}: internal error ({type(error).__name__}: {error})")
        result.detail = traceback.format_exc()
    finally:
        if spool is not None:
            spool.abort()
    return result


def extract_pieces(
    batch: list[Piece], settings: Settings, spool_dir: Path | None
) -> tuple[list[DocumentResult], Timings]:
    """The task a worker runs (local pool, Dask or this process): extract a batch of pieces; returns their results
    and the time spent per step."""
    timings = Timings()
    return [extract_piece(piece, settings, timings, spool_dir) for piece in batch], timings


def _pieces(
    todo: list[tuple[int, Path, str]],
    settings: Settings,
    sizes: dict[int, int],
    assembler: _Assembler,
    timings: Timings,
) -> Iterator[Piece]:
    """The pieces of the files to extract, in input order, made as they are asked for: a plain-text file is read here
    and cut into parts (:func:`kg.ingest.parts.iter_parts`), any other file is one piece its worker reads. A file
    that cannot be decoded is reported to ``assembler``; one that ``assembler`` gave up (a part failed) is not read
    further."""
    from kg.ingest.parts import PART_CHARS, iter_parts  # here: kg.ingest imports kg.ingest.read, which imports this
    from kg.ingest.read import is_plain_text

    part_chars = int(settings.options.get("part_chars", PART_CHARS))
    for index, path, key in todo:
        if settings.read != "ingest.read.auto" or not is_plain_text(path):
            piece = Piece(index, str(path), key, size=sizes.get(index, 0))
            assembler.expect(piece)
            yield piece
            continue
        parts = iter_parts(path, part_chars)
        try:
            with timings.measure("ingest.read"):
                text = next(parts, None)
            number = 0
            while text is not None and not assembler.given_up(index):
                with timings.measure("ingest.read"):
                    following = next(parts, None)
                whole = number == 0 and following is None
                size = sizes.get(index, 0) if whole else len(text.encode("utf-8"))
                piece = Piece(index, str(path), key, number, text, whole, size)
                assembler.expect(piece, last=following is None)
                yield piece
                text, number = following, number + 1
            if number == 0:  # the reader refuses an empty file before this; a file has at least one part
                raise InputError(f"{display_path(path)}: the file is empty")
        except KGError as error:
            assembler.fail(index, display_path(path), key, error)


# Bounds of a batch's size in bytes of input, and its largest number of pieces.
_BATCH_BYTES = (12_000, 128_000)
_BATCH_FILES = 64


def _batches(pieces: Iterable[Piece], remaining: int, workers: int) -> Iterator[list[Piece]]:
    """Cut the stream of pieces into contiguous batches that shrink as the work runs out (guided self-scheduling);
    ``remaining`` is the bytes of input in all.

    The workers take the batches in order. Early batches are big, to amortise a round trip to a worker; each later
    one is a share of what is left, so the last ones are small and no worker idles long while another finishes a big
    batch (with equal batches that wait was half a batch, about a second of a 25-second build). Small batches also
    mean an interrupt loses little. A part of a large file (some 500,000 characters) is a batch by itself.
    """
    current: list[Piece] = []
    current_size = target = 0
    for piece in pieces:
        if not current:
            target = min(_BATCH_BYTES[1], max(_BATCH_BYTES[0], remaining // (max(1, workers) * 3)))
        current.append(piece)
        current_size += piece.size
        if current_size >= target or len(current) >= _BATCH_FILES:
            yield current
            remaining -= current_size
            current, current_size = [], 0
    if current:
        yield current


@dataclass
class _FileState:
    path: str
    key: str
    parts: dict[int, DocumentResult] = field(default_factory=dict)
    expected: int = 0  # pieces handed out so far
    total: int | None = None  # pieces in all, once the last is known
    done: bool = False


class _Assembler:
    """Puts the results of each file's pieces together, in part order, into the file's result, and hands it to
    ``accept`` as soon as the file is complete (or failed). With a spool folder, the parts' spools are joined into the
    file's spool (``<index>.spool``) and removed: the same bytes as one process extracting the file would write.

    ``failed_at`` is the smallest index of a file that ``accept`` refused (the run stops after it). ``on_part`` hears
    of each part of a file of several parts as it arrives, so progress moves while a large file is extracted."""

    def __init__(
        self,
        accept: Callable[[DocumentResult], bool],
        spool_dir: Path | None,
        on_part: Callable[[DocumentResult], None] | None = None,
    ) -> None:
        self.accept = accept
        self.spool_dir = spool_dir
        self.on_part = on_part
        self.files: dict[int, _FileState] = {}
        self.failed_at: int | None = None

    def expect(self, piece: Piece, last: bool = True) -> None:
        """A piece of a file is handed out; ``last`` when it is the file's last."""
        state = self.files.setdefault(piece.index, _FileState(piece.path, piece.key))
        state.expected += 1
        if last:
            state.total = state.expected

    def given_up(self, index: int) -> bool:
        """Whether the file's result is already settled (a part of it failed)."""
        state = self.files.get(index)
        return state is not None and state.done

    def fail(self, index: int, path: str, key: str, error: KGError) -> None:
        """The file could not be read or cut into parts."""
        state = self.files.setdefault(index, _FileState(path, key))
        if not state.done:
            self._finish(index, state, DocumentResult(index=index, path=path, key=key, error=error))

    def add(self, result: DocumentResult) -> None:
        """A piece's result arrives."""
        state = self.files[result.index]
        if state.done:  # the file failed already: what its other parts made is dropped
            _remove(result)
            return
        if result.error is not None:
            self._finish(result.index, state, result)
            return
        state.parts[result.part] = result
        if self.on_part is not None and state.total != 1:
            self.on_part(result)
        if state.total is not None and len(state.parts) == state.total:
            self._finish(result.index, state, self._join(result.index, state))

    def _join(self, index: int, state: _FileState) -> DocumentResult:
        parts = [state.parts[number] for number in range(len(state.parts))]
        if len(parts) == 1:  # a whole file: its spool is the file's already
            return parts[0]
        display = display_path(Path(state.path))
        joined = DocumentResult(index=index, path=display, key=state.key)
        for part in parts:
            joined.documents.extend(part.documents)
            joined.extractions.extend(part.extractions)
            joined.characters += part.characters
            joined.spooled_articles += part.spooled_articles
        if self.spool_dir is not None:
            with SpoolWriter(self.spool_dir / f"{index:08d}.spool") as spool:
                spool.write({"key": state.key})
                for part in parts:
                    spool.extend(Path(part.spool or ""))
            joined.spool = str(spool.path)
            for part in parts:
                _remove(part)
        return joined

    def _finish(self, index: int, state: _FileState, result: DocumentResult) -> None:
        state.done = True
        for part in state.parts.values():
            if result.error is not None:
                _remove(part)
        state.parts.clear()
        if not self.accept(result):
            self.failed_at = index if self.failed_at is None else min(self.failed_at, index)


def _remove(result: DocumentResult) -> None:
    """Delete the spool a piece's result names, if any."""
    if result.spool is not None:
        Path(result.spool).unlink(missing_ok=True)


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
    """Counts finished inputs, and the finished parts of inputs cut into several, and reports them to the progress
    callback."""

    def __init__(self, callback: Callable[[ProgressInfo], None] | None, sizes: dict[int, int]) -> None:
        self.callback = callback
        self.sizes = sizes
        self.start = time.perf_counter()
        self.info = ProgressInfo(0, len(sizes), 0, 0, 0, sum(sizes.values()), 0.0)
        self.partial: dict[int, tuple[int, int, int]] = {}  # per file: articles, characters, bytes of parts counted

    def part(self, result: DocumentResult) -> None:
        """A part of a file of several parts is extracted."""
        articles, characters, size = self.partial.get(result.index, (0, 0, 0))
        self.partial[result.index] = (articles + result.articles, characters + result.characters, size + result.size)
        self._report(result.articles, result.characters, result.size)

    def done(self, result: DocumentResult) -> None:
        """A file is complete (or failed): it counts whole, less what its parts counted already."""
        articles, characters, size = self.partial.pop(result.index, (0, 0, 0))
        self.info.documents_done += 1
        self._report(result.articles - articles, result.characters - characters,
                     self.sizes.get(result.index, 0) - size)  # fmt: skip

    def _report(self, articles: int, characters: int, size: int) -> None:
        info = self.info
        info.articles += articles
        info.characters += characters
        info.bytes_done += size
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

    Every file goes the same way, whatever its size and whichever engine runs the tasks: this process cuts plain-text
    files into parts (:func:`_pieces`), groups the pieces into batches, and keeps at most two batches per worker in
    flight, so memory holds a few parts, not the input; the batches run as tasks of :func:`extract_pieces` in this
    process (one worker, or a single piece), on the local process pool, or with an ``engine``
    (:class:`kg.cluster.DaskEngine`, which needs ``spool_dir``) as Dask tasks on its workers. Each file's pieces are
    joined in order (:class:`_Assembler`), so the result does not depend on the engine, the workers or the part size.

    Files whose content and settings match an entry of ``cache`` are not extracted again; every new extraction is
    stored in the cache as soon as its file is complete, so an interrupted run loses at most the files in flight. A
    failing input raises its error unless ``settings.keep_going``, in which case it is listed in ``stats.skipped``.

    With ``spool_dir`` the results hold no documents or extractions: each names the spool they were written to (a
    cache entry when the file was cached), so memory does not grow with the input.
    """
    stats = stats if stats is not None else RunStats()
    sizes = {index: file_size(path) for index, path in items}
    tracker = _Tracker(progress, sizes)
    results: dict[int, DocumentResult] = {}
    todo: list[tuple[int, Path, str]] = []
    for index, path in items:
        key = cache.key(path) if cache is not None else ""
        result = _cached(cache, index, path, key, spooled=spool_dir is not None) if cache is not None and key else None
        if result is None:
            todo.append((index, path, key))
            continue
        results[index] = result
        tracker.done(result)
    if cache is not None:
        stats.warnings.extend(cache.drain_warnings())

    def accept(result: DocumentResult) -> bool:
        """Record one file's result; False when it failed and the run must stop."""
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

    if engine is not None and spool_dir is None:
        raise ConfigError("a build on Dask needs a spool folder")
    assembler = _Assembler(accept, spool_dir, tracker.part)
    pieces = _pieces(todo, settings, sizes, assembler, stats.timings)
    head = list(itertools.islice(pieces, 2))  # one piece in all: no pool to start
    executor: Executor
    if engine is not None:
        if head:
            engine.check_writable(spool_dir or Path())
        executor, stats.workers = engine, max(1, engine.worker_count)
    elif workers > 1 and len(head) > 1:
        executor, stats.workers = _Pool(workers), workers
    else:
        executor, stats.workers = _Inline(), 1
    with executor.opened():
        work = _batches(itertools.chain(head, pieces), sum(sizes.get(index, 0) for index, _, _ in todo),
                        stats.workers)  # fmt: skip
        drive(executor, work, (settings, spool_dir), assembler, stats.timings, window=2 * stats.workers)
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


def extract_file(
    index: int, path: Path, key: str, settings: Settings, timings: Timings, spool_dir: Path | None = None
) -> DocumentResult:
    """Extract one input file in this process, part by part, the way a build does (:func:`extract_items`); failures
    are returned in the result, never raised."""
    found: list[DocumentResult] = []

    def keep(result: DocumentResult) -> bool:
        found.append(result)
        return True

    assembler = _Assembler(keep, spool_dir)
    executor = _Inline()
    with executor.opened():
        work = _batches(_pieces([(index, path, key)], settings, {}, assembler, timings), 0, 1)
        drive(executor, work, (settings, spool_dir), assembler, timings, window=1)
    return found[0]


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


TaskResult = tuple[list[DocumentResult], Timings]


class Executor(Protocol):
    """Where the batches of :func:`extract_pieces` run: this process, the local process pool, or Dask
    (:class:`kg.cluster.DaskEngine`). :func:`drive` is the one loop over all three."""

    def opened(self) -> AbstractContextManager[object]:
        """A context in which tasks may be submitted; leaving it drops the tasks not started."""
        ...

    def submit(self, batch: list[Piece], args: tuple[Any, ...]) -> Any:
        """Start ``extract_pieces(batch, *args)``; returns its future."""
        ...

    def wait(self, futures: list[Any]) -> list[Any]:
        """Block until one or more of ``futures`` are done; returns those."""
        ...

    def result(self, future: Any, batch: list[Piece]) -> TaskResult:
        """What the finished task returned (the executor's own failures raised as :class:`~kg.errors.KGError`)."""
        ...

    def cancel(self, futures: list[Any]) -> None:
        """Drop tasks not needed any more."""
        ...


def drive(
    executor: Executor,
    batches: Iterable[list[Piece]],
    args: tuple[Any, ...],
    assembler: _Assembler,
    timings: Timings,
    *,
    window: int,
) -> None:
    """Run the batches on ``executor`` with at most ``window`` in flight, handing every piece's result to
    ``assembler`` as its task finishes. When a file fails (``assembler.failed_at``), no new batch is started and the
    batches after that file are dropped; those before it still finish, so the error reported is the first in input
    order, whichever worker was faster."""
    pending: dict[Any, list[Piece]] = {}
    work = iter(batches)
    try:
        while True:
            while assembler.failed_at is None and len(pending) < max(1, window):
                batch = next(work, None)
                if batch is None:
                    break
                pending[executor.submit(batch, args)] = batch
            if not pending:
                return
            for future in executor.wait(list(pending)):
                batch = pending.pop(future)
                results, batch_timings = executor.result(future, batch)
                timings.merge(batch_timings)
                for result in results:
                    assembler.add(result)
                # Inside long_lived_objects the results unpickled from a worker live as long as the earlier ones.
                # (Freezing after each file in one process was slower: it also freezes extraction's own garbage.)
                if gc.get_freeze_count():
                    gc.freeze()
            failed_at = assembler.failed_at
            if failed_at is not None:
                later = [future for future, batch in pending.items() if batch[0].index > failed_at]
                executor.cancel(later)
                for future in later:
                    del pending[future]
    finally:
        executor.cancel(list(pending))


class _Inline:
    """Runs each batch in this process as it is submitted."""

    def opened(self) -> AbstractContextManager[object]:
        return nullcontext()

    def submit(self, batch: list[Piece], args: tuple[Any, ...]) -> Future[TaskResult]:
        future: Future[TaskResult] = Future()
        future.set_result(extract_pieces(batch, *args))
        return future

    def wait(self, futures: list[Future[TaskResult]]) -> list[Future[TaskResult]]:
        return futures

    def result(self, future: Future[TaskResult], batch: list[Piece]) -> TaskResult:
        return future.result()

    def cancel(self, futures: list[Future[TaskResult]]) -> None:
        """Nothing runs in the background."""


class _Pool:
    """The local process pool: ``workers`` forked processes."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None

    @contextmanager
    def opened(self) -> Iterator[object]:
        self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=_pool_context(),
                                        initializer=child_process_init, initargs=(os.getpid(),))  # fmt: skip
        try:
            yield self
        finally:
            # On an error or Ctrl-C, drop the batches not started; the running ones finish (their workers ignore
            # SIGINT).
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def submit(self, batch: list[Piece], args: tuple[Any, ...]) -> Future[TaskResult]:
        assert self.pool is not None, "submit inside opened()"
        return self.pool.submit(extract_pieces, batch, *args)

    def wait(self, futures: list[Future[TaskResult]]) -> list[Future[TaskResult]]:
        return list(wait(futures, return_when=FIRST_COMPLETED).done)

    def result(self, future: Future[TaskResult], batch: list[Piece]) -> TaskResult:
        return future.result()

    def cancel(self, futures: list[Future[TaskResult]]) -> None:
        for future in futures:
            future.cancel()


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
