"""Archives larger than one machine: independent extraction shards, merged and resolved by kg.

``kg build INPUTS --shard i/n -o DIR`` extracts only the input files whose stable hash (SHA-256 of the path as
expanded from INPUTS) modulo ``n`` is ``i``. Any batch engine can run the ``n`` shards as separate jobs, on separate
machines, as long as every job is given the same INPUTS. Each shard folder receives:

* ``shard.nq`` — the N-Quads of its articles (one named graph each, entities resolved within the shard), ready for a
  store's bulk loader;
* ``extractions.pickle`` — its documents and article extractions before resolution, which ``kg merge`` needs to
  resolve entities across the whole archive.

``kg merge DIR... -o OUT`` checks that the shards belong together and are complete, puts their extractions back in
input order and resolves and writes them exactly as a single ``kg build`` would: the merged graph equals the single
build's, byte for byte.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.cache import CACHE_DIR, ExtractionCache, output_lock, publish, settings_fingerprint, staging_dir, work_dir
from kg.errors import InputError
from kg.graph.spill import QuadSpill
from kg.model import ArticleExtraction, Document
from kg.publish.export import FORMATS, Rendering
from kg.run import (
    DocumentResult,
    ProgressInfo,
    RunStats,
    Settings,
    expand_inputs,
    extract_items,
)
from kg.runtime import atomic_write
from kg.spool import SpoolError, SpoolWriter, read_spool
from kg.spooled import resolve_spooled

SHARD_FILE = "extractions.pickle"
SHARD_NQUADS = "shard.nq"
# Bumped when what a shard file holds changes (2: results count their characters themselves), so that a shard from
# another kg version is refused with a clear message instead of being misread.
SHARD_FORMAT = 2
_MAGIC = f"kg-shard {SHARD_FORMAT}\n".encode("ascii")


def parse_shard(text: str) -> tuple[int, int]:
    """``"i/n"`` → (i, n) with 0 ≤ i < n; raise :class:`ValueError` with a readable message otherwise."""
    head, _, tail = text.partition("/")
    if not head.strip().isdigit() or not tail.strip().isdigit():
        raise ValueError(f"{text!r} is not a shard like 0/4 (index/count)")
    index, count = int(head), int(tail)
    if count < 1 or not 0 <= index < count:
        raise ValueError(f"shard {text!r}: the index must be between 0 and count-1")
    return index, count


def shard_of(path: Path, count: int) -> int:
    """The shard (0 … count-1) that extracts ``path``: stable across machines and Python versions."""
    digest = hashlib.sha256(Path(path).as_posix().encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count


def inputs_digest(paths: list[Path]) -> str:
    """A digest of the expanded input list, so that shards made from different inputs are not merged."""
    return hashlib.sha256("\n".join(p.as_posix() for p in paths).encode("utf-8")).hexdigest()


@dataclass
class Shard:
    """The content of one shard's extraction file."""

    index: int
    count: int
    inputs: str  # inputs_digest of the whole input list
    total: int  # number of input files of the whole archive
    fingerprint: str  # settings_fingerprint: shards extracted with other settings or code do not mix
    settings: Settings = field(default_factory=Settings)  # what the shard was extracted with; merge resolves with it
    results: list[DocumentResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def build_shard(
    inputs: Iterable[str | Path],
    out_dir: Path,
    settings: Settings,
    index: int,
    count: int,
    *,
    workers: int = 1,
    incremental: bool = True,
    force: bool = False,
    progress: Callable[[ProgressInfo], None] | None = None,
    stats: RunStats | None = None,
) -> list[Path]:
    """Extract shard ``index`` of ``count`` of ``inputs`` into ``out_dir``; return the files written.

    A thin wrapper over the build's own path: the shard's files are extracted to spools as a build extracts them
    (:func:`kg.run.extract_items`), resolved and mapped by :func:`kg.spooled.resolve_spooled` and written by the
    N-Quads writer of every build; the two files are published together (:func:`kg.cache.publish`).
    """
    stats = stats if stats is not None else RunStats()
    started = time.perf_counter()
    paths = expand_inputs(inputs, stats.skipped if settings.keep_going else None)
    items = [(i, path) for i, path in enumerate(paths) if shard_of(path, count) == index]
    with output_lock(out_dir) as out:
        cache = ExtractionCache(out / CACHE_DIR, settings, reuse=not force) if incremental else None
        work = work_dir(out)
        results = extract_items(items, settings, workers=workers, cache=cache, progress=progress, stats=stats,
                                spool_dir=work)  # fmt: skip
        staging = staging_dir(out)
        # the shard file carries the extractions themselves, so a shard folder can be merged on another machine
        shard = Shard(index, count, inputs_digest(paths), len(paths), settings_fingerprint(settings), settings,
                      [_unspooled(result) for result in results], list(stats.skipped))  # fmt: skip
        atomic_write(staging / SHARD_FILE, _MAGIC + pickle.dumps(shard, protocol=pickle.HIGHEST_PROTOCOL))
        del shard
        _corpus, graphs = resolve_spooled(results, settings, stats, work)
        with QuadSpill(work / "quads") as spill:
            with stats.timings.measure("rdf"):
                for name, triples in graphs:
                    spill.add_graph(name, triples)
            spill.prepare()
            with stats.timings.measure("serialize"):
                Rendering(spill, settings.base_iri).write("nq", staging)
        os.replace(staging / FORMATS["nq"], staging / SHARD_NQUADS)
        files = publish([staging / SHARD_FILE, staging / SHARD_NQUADS], out)
        if cache is not None:
            cache.prune(stats.keys)
    stats.elapsed = time.perf_counter() - started
    return files


def _unspooled(result: DocumentResult) -> DocumentResult:
    """The result with the documents and extractions of its spool in memory (the inverse of :func:`spool_result`)."""
    held = DocumentResult(result.index, result.path, result.key, cached=result.cached, characters=result.characters)
    items = read_spool(Path(result.spool or ""))
    next(items, None)  # the header: the cache key
    for item in items:
        if isinstance(item, Document):
            item.path = result.path  # a cached entry may come from a file of another name
            held.documents.append(item)
        elif isinstance(item, ArticleExtraction):
            held.extractions.append(item)
        else:
            raise SpoolError(f"{result.spool}: unexpected {type(item).__name__}")
    return held


def load_shard(folder: Path) -> Shard:
    """Read the extraction file of a shard folder; raise :class:`InputError` if it is missing or damaged."""
    path = Path(folder) / SHARD_FILE
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(
            f"{path}: cannot read the shard ({error.strerror or error}); was 'kg build --shard' run?"
        ) from None
    try:
        if not data.startswith(_MAGIC):
            if data.startswith(b"kg-shard"):
                raise ValueError("written by another version of kg")
            raise ValueError("not a kg shard file")
        shard = pickle.loads(data[len(_MAGIC) :])
        if not isinstance(shard, Shard):
            raise ValueError("unexpected content")
    except Exception as error:  # noqa: BLE001  truncated, foreign or from an incompatible kg: all unusable
        raise InputError(f"{path}: damaged shard file ({error}); run its 'kg build --shard' again") from None
    return shard


def merge_shards(
    folders: Iterable[Path], spool_dir: Path | None = None
) -> tuple[Settings, list[DocumentResult], list[tuple[str, str]]]:
    """The settings and results of all shards in input order, and their skipped inputs, after checking that the
    shards are one complete set extracted from the same inputs with the same settings and kg version.

    With ``spool_dir`` each shard's extractions are written to spools there as soon as the shard is read (see
    :func:`spool_result`), so memory holds one shard's extractions at a time rather than the archive's.
    """
    shards = []
    for folder in folders:
        shard = load_shard(Path(folder))
        if spool_dir is not None:
            shard.results = [spool_result(result, spool_dir) for result in shard.results]
        shards.append(shard)
    if not shards:
        raise InputError("no shard folders given")
    first = shards[0]
    for shard in shards:
        if (shard.count, shard.inputs, shard.total) != (first.count, first.inputs, first.total):
            raise InputError(
                f"shard {shard.index}/{shard.count} was made from other inputs than shard "
                f"{first.index}/{first.count}; run every shard with the same INPUTS"
            )
        if shard.fingerprint != first.fingerprint:
            raise InputError(
                f"shard {shard.index}/{shard.count} was extracted with other settings or another kg "
                "version than the others"
            )
    seen = sorted(shard.index for shard in shards)
    if len(set(seen)) != len(seen):
        raise InputError(f"shard given twice: {', '.join(str(i) for i in seen)}")
    missing = sorted(set(range(first.count)) - set(seen))
    if missing:
        raise InputError(f"missing shard(s) {', '.join(f'{i}/{first.count}' for i in missing)}")
    results = sorted((result for shard in shards for result in shard.results), key=lambda r: r.index)
    skipped = sorted(item for shard in shards for item in shard.skipped)
    return first.settings, results, skipped


def spool_result(result: DocumentResult, spool_dir: Path) -> DocumentResult:
    """The result with its documents and extractions moved to a spool in ``spool_dir`` (as extraction with a spool
    folder writes it: see :func:`kg.run.extract_piece`)."""
    spooled = DocumentResult(result.index, result.path, result.key, cached=result.cached)
    with SpoolWriter(spool_dir / f"{result.index:08d}.spool") as spool:
        spool.write({"key": result.key})
        spooled.keep(result.documents, result.extractions, result.characters, spool)
    spooled.spool = str(spool.path)
    return spooled
