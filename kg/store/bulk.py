"""Bulk loading of kg's N-Quads into server-class stores: Virtuoso's bulk loader, Oxigraph, QLever's index builder.

``kg load --endpoint`` (``kg.store.load``) sends triples over HTTP, all or nothing, which suits an output of a few
million quads. An archive's N-Quads (a build's ``graph.nq``, or one file per shard) go faster through the store's own
loader, which reads the files itself:

* **Virtuoso**: the files are registered with ``ld_add`` and loaded by ``rdf_loader_run()`` (one per loader process,
  in parallel), then ``checkpoint``; kg talks to the server through ``isql-vt``. The server reads the files, so they
  must lie in a folder listed in its ``DirsAllowed``, at the same path on the server's machine.
* **Oxigraph**: ``pyoxigraph.Store.bulk_load`` into an on-disk store (``kg serve STORE`` or ``oxigraph serve
  --location STORE`` then serves it).
* **QLever**: its index builder is not on PyPI (the ``qlever`` control script is, but it runs the index builder from a
  container or a compiled binary), so kg writes a ``Qleverfile`` naming the files and the command to run.

Every quad carries its article's graph (or the entities graph), so a store keeps one named graph per article, and the
ontology goes into its own graph as ``kg load`` puts it. Loading the same files again changes nothing (a store holds a
set of quads). Bulk loaders are not transactional: a failure part-way leaves the quads loaded so far. kg checks every
file's syntax before the Oxigraph load starts and removes a store it created when the load fails; Virtuoso reports
failed files in ``DB.DBA.LOAD_LIST``, which kg reads and names.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError, StoreError
from kg.graph.vocab import ONTOLOGY_IRI, ontology_dir
from kg.store.store import _store_error, is_store_dir, parse_error

BULK_STORES = ("virtuoso", "oxigraph", "qlever")
#: the file a folder contributes, best first: a build's N-Quads, then a shard's
FOLDER_FILES = ("graph.nq", "shard.nq")
ISQL_PROGRAMS = ("isql-vt", "isql")
_FILES_PER_CALL = 200  # files registered or checked per isql call (its command line stays short)
_ONTOLOGY_COPY = "kg-ontology.ttl"  # written next to the first N-Quads file for Virtuoso, removed after the load


@dataclass
class BulkResult:
    """What a bulk load did: the store, the target, the files given to its loader and how long it took.

    ``command`` is set when kg prepared the load but the store's own program must run it (QLever).
    """

    store: str
    target: str
    files: list[Path]
    seconds: float
    loaders: int = 1
    command: str | None = None
    notes: list[str] = field(default_factory=list)


def nquads_files(sources: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The N-Quads files of SOURCES: ``.nq`` files, or folders holding ``graph.nq`` (a build) or ``shard.nq``.

    Returns absolute paths in the order given, each once. Raises InputError for a missing source, a folder with
    neither file, or a file that is not N-Quads.
    """
    files: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found = next((path / name for name in FOLDER_FILES if (path / name).is_file()), None)
            if found is None:
                raise InputError(f"{path}: no {' or '.join(FOLDER_FILES)} in this folder (bulk loading reads N-Quads)")
            path = found
        elif not path.exists():
            raise InputError(f"{path}: no such file or folder")
        elif path.suffix.lower() != ".nq":
            raise InputError(f"{path}: bulk loading reads N-Quads (.nq); convert other formats with a kg build")
        resolved = path.resolve()
        if resolved not in files:
            files.append(resolved)
    if not files:
        raise InputError("no N-Quads files to load")
    return files


def bulk_load(
    sources: Sequence[str | os.PathLike[str]],
    store: str,
    *,
    location: str | os.PathLike[str] | None = None,
    isql: str = "127.0.0.1:1111",
    user: str = "dba",
    password: str | None = None,
    loaders: int = 1,
    with_ontology: bool = True,
    isql_program: str | None = None,
    timeout: float = 3600.0,
) -> BulkResult:
    """Bulk-load the N-Quads of SOURCES into ``store`` (``virtuoso``, ``oxigraph`` or ``qlever``).

    ``location``: the Oxigraph store folder, or the QLever folder for the Qleverfile. ``isql``: Virtuoso's SQL
    address (HOST:PORT), reached with ``isql_program`` (default: isql-vt or isql on the PATH) as ``user``/``password``
    (default password: dba, a fresh Virtuoso's). ``loaders``: parallel ``rdf_loader_run()`` calls (Virtuoso).
    Raises InputError for bad sources, StoreError when the store cannot be reached or its loader fails.
    """
    if store not in BULK_STORES:
        raise StoreError(f"unknown bulk store {store!r}; choose from {', '.join(BULK_STORES)}")
    if loaders < 1:
        raise StoreError("--loaders must be at least 1")
    files = nquads_files(sources)
    if store == "virtuoso":
        return bulk_virtuoso(files, isql=isql, user=user, password=password, loaders=loaders,
                             with_ontology=with_ontology, isql_program=isql_program, timeout=timeout)  # fmt: skip
    if location is None:
        raise StoreError(f"bulk loading into {store} needs --location (the {store} folder to write)")
    if store == "oxigraph":
        return bulk_oxigraph(files, location, with_ontology=with_ontology)
    return qlever_setup(files, location, with_ontology=with_ontology)


# ------------------------------------------------------------------------------------------------- Virtuoso


def _sql_string(text: str) -> str:
    """A SQL string literal (quotes doubled)."""
    return "'" + text.replace("'", "''") + "'"


class _Isql:
    """Runs SQL through Virtuoso's isql client; failures become one-line StoreErrors."""

    def __init__(self, program: str, address: str, user: str, password: str, timeout: float) -> None:
        self.program, self.address, self.user, self.password, self.timeout = program, address, user, password, timeout

    def run(self, statements: str) -> str:
        """Run ``statements`` (each ending in ``;``) and return isql's output."""
        try:
            done = subprocess.run(
                [self.program, self.address, self.user, self.password, f"exec={statements}"],
                capture_output=True, text=True, timeout=self.timeout, check=False, stdin=subprocess.DEVNULL,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise StoreError(f"Virtuoso at {self.address} did not finish within {self.timeout:g} s") from None
        except OSError as exc:
            raise StoreError(f"cannot run {self.program}: {exc.strerror}") from None
        output = done.stdout + done.stderr
        error = next((line for line in output.splitlines() if line.startswith("*** Error")), None)
        if error is not None or done.returncode != 0:
            detail = error or (output.strip().splitlines() or ["no output"])[-1]
            if "Connect failed" in detail or "CL033" in detail:
                raise StoreError(f"cannot reach Virtuoso at {self.address} (is virtuoso-t running with that "
                                 "ServerPort?)")  # fmt: skip
            if "Bad login" in detail or "CL034" in detail:
                raise StoreError(f"Virtuoso at {self.address} refused the login of user {self.user!r}")
            raise StoreError(f"Virtuoso at {self.address}: {detail.removeprefix('*** ').strip()}")
        return done.stdout


def _isql_program(given: str | None) -> str:
    if given:
        found = shutil.which(given)
        if found is None:
            raise StoreError(f"{given}: no such program (Virtuoso's isql client)")
        return found
    for name in ISQL_PROGRAMS:
        found = shutil.which(name)
        if found:
            return found
    raise StoreError("Virtuoso's isql client (isql-vt) is not installed: install virtuoso-opensource or give "
                     "--isql-program")  # fmt: skip


def _marked_rows(output: str, marker: str) -> list[list[str]]:
    """Rows of a SELECT whose first column is ``marker`` (isql prints a table around them)."""
    return [line.split(None, 2)[1:] for line in output.splitlines() if line.startswith(marker + " ")]


def bulk_virtuoso(
    files: Sequence[Path],
    *,
    isql: str = "127.0.0.1:1111",
    user: str = "dba",
    password: str | None = None,
    loaders: int = 1,
    with_ontology: bool = True,
    isql_program: str | None = None,
    timeout: float = 3600.0,
) -> BulkResult:
    """Load ``files`` (absolute N-Quads paths the server can read) with Virtuoso's bulk loader.

    Each file is registered afresh (a file loaded before is loaded again, which adds nothing new), ``loaders``
    ``rdf_loader_run()`` calls share the files, and a ``checkpoint`` makes the result durable. Files the loader
    failed on are named in the StoreError raised.
    """
    client = _Isql(_isql_program(isql_program), isql, user, "dba" if password is None else password, timeout)
    started = time.monotonic()
    client.run("SELECT 1;")  # reach the server and log in before touching anything
    registered = list(files)
    ontology_copy: Path | None = None
    if with_ontology:
        # the server reads files only from its DirsAllowed folders; the N-Quads' folder is one of them
        ontology_copy = files[0].parent / _ONTOLOGY_COPY
        try:
            shutil.copyfile(ontology_dir() / "kg.ttl", ontology_copy)
        except OSError as exc:
            raise StoreError(f"cannot write the ontology next to {files[0]} for Virtuoso ({exc.strerror}); "
                             "use --no-ontology or a writable folder") from None  # fmt: skip
        registered.append(ontology_copy)
    try:
        for start in range(0, len(registered), _FILES_PER_CALL):
            statements = []
            for path in registered[start : start + _FILES_PER_CALL]:
                # N-Quads name their graphs; the second argument is only for triples, which kg's files do not have
                graph = ONTOLOGY_IRI if path == ontology_copy else ONTOLOGY_IRI + "/unused-default"
                statements.append(f"DELETE FROM DB.DBA.LOAD_LIST WHERE ll_file = {_sql_string(str(path))};")
                statements.append(f"ld_add({_sql_string(str(path))}, {_sql_string(graph)});")
            client.run("".join(statements))
        if with_ontology:
            # the ontology's graph is replaced, not merged with an older version's terms
            client.run(f"SPARQL CLEAR GRAPH <{ONTOLOGY_IRI}>;")
        with ThreadPoolExecutor(max_workers=loaders) as pool:
            list(pool.map(lambda _: client.run("rdf_loader_run();"), range(loaders)))
        client.run("checkpoint;")
        failed: list[list[str]] = []
        for start in range(0, len(registered), _FILES_PER_CALL):
            names = ", ".join(_sql_string(str(path)) for path in registered[start : start + _FILES_PER_CALL])
            output = client.run(f"SELECT 'KGFAILED', ll_state, ll_file, ll_error FROM DB.DBA.LOAD_LIST "
                                f"WHERE ll_file IN ({names}) AND (ll_state <> 2 OR ll_error IS NOT NULL);")  # fmt: skip
            failed += _marked_rows(output, "KGFAILED")
    finally:
        if ontology_copy is not None:
            ontology_copy.unlink(missing_ok=True)
    if failed:
        first = " ".join(failed[0][1:]) if len(failed[0]) > 1 else "state " + failed[0][0]
        if "FA003" in first or "denied" in first.lower():
            raise StoreError(f"Virtuoso may not read {files[0].parent}: add it to DirsAllowed in virtuoso.ini")
        raise StoreError(f"Virtuoso's bulk loader failed on {len(failed)} file(s), first: {first[:300]} "
                         "(the other files are loaded; see DB.DBA.LOAD_LIST)")  # fmt: skip
    return BulkResult(store="virtuoso", target=isql, files=list(files), seconds=time.monotonic() - started,
                      loaders=loaders)  # fmt: skip


# ------------------------------------------------------------------------------------------------- Oxigraph


def _check_syntax(path: Path) -> None:
    """Parse ``path`` as N-Quads without keeping it (GraphParseError with line and column on bad syntax)."""
    try:
        for _ in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
            pass
    except SyntaxError as exc:
        raise parse_error(path, exc) from exc
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc


def bulk_oxigraph(files: Sequence[Path], location: str | os.PathLike[str], *, with_ontology: bool = True) -> BulkResult:
    """Bulk-load ``files`` into the Oxigraph store at ``location`` (created when missing).

    Every file is parsed once before loading, so bad syntax leaves the store untouched; a store created here is
    removed again when the load fails. A store opened by a server or another process is refused (StoreError).
    """
    started = time.monotonic()
    folder = Path(location)
    if folder.exists() and not is_store_dir(folder) and (not folder.is_dir() or any(folder.iterdir())):
        raise StoreError(f"{folder} is neither an Oxigraph store nor an empty folder")
    for path in files:
        _check_syntax(path)
    created = not folder.exists() or not any(folder.iterdir())
    try:
        store = ox.Store(str(folder))
    except OSError as exc:
        raise _store_error(folder, exc) from exc
    try:
        for path in files:
            store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        if with_ontology:
            graph = ox.NamedNode(ONTOLOGY_IRI)
            store.remove_graph(graph)  # replaced, not merged with an older version's terms
            store.bulk_load(path=str(ontology_dir() / "kg.ttl"), format=ox.RdfFormat.TURTLE, to_graph=graph)
        store.flush()
    except OSError as exc:
        del store
        if created:
            shutil.rmtree(folder, ignore_errors=True)
        raise StoreError(
            f"bulk load into {folder} failed: {exc}"
            + (" (the store was removed)" if created else " (the store may hold part of it)")
        ) from None
    del store
    return BulkResult(store="oxigraph", target=str(folder), files=list(files), seconds=time.monotonic() - started)


# ------------------------------------------------------------------------------------------------- QLever

QLEVERFILE = "Qleverfile"
QLEVER_INPUT = "input"  # the folder of links to the N-Quads files, next to the Qleverfile


def qleverfile_text(names: Sequence[str], name: str, with_ontology: bool = True) -> str:
    """A Qleverfile (qlever control script) indexing the N-Quads files ``names`` (relative to its folder).

    ``MULTI_INPUT_JSON`` gives QLever one input stream per file (``-f <(cat FILE) -F nq``), parsed in parallel, and
    the ontology (``kg-ontology.ttl`` beside the Qleverfile) into its own graph.
    """
    inputs: list[dict[str, str]] = [
        {"cmd": f"cat {shlex.quote(file)}", "format": "nq", "parallel": "true"} for file in names
    ]
    if with_ontology:
        inputs.append({"cmd": f"cat {_ONTOLOGY_COPY}", "format": "ttl", "graph": ONTOLOGY_IRI})
    lines = [
        "# Written by `kg load --bulk qlever`: index kg's N-Quads with QLever (https://github.com/ad-freiburg/qlever)",
        "# Run here: `qlever index` then `qlever start` (pip install qlever; SYSTEM native needs qlever-index and",
        f"# qlever-server on the PATH; {QLEVER_INPUT}/ holds symbolic links, so for SYSTEM docker copy the files in).",
        "[data]",
        f"NAME = {name}",
        "DESCRIPTION = kg knowledge graph: one named graph per article, the entities graph and the ontology",
        "FORMAT = nq",
        "",
        "[index]",
        "INPUT_FILES = "
        + " ".join(shlex.quote(file) for file in names)
        + (f" {_ONTOLOGY_COPY}" if with_ontology else ""),
        "MULTI_INPUT_JSON = " + json.dumps(inputs, ensure_ascii=False),
        'SETTINGS_JSON = { "num-triples-per-batch": 1000000 }',
        "",
        "[server]",
        "PORT = 7019",
        "",
        "[runtime]",
        "SYSTEM = native",
        "",
    ]
    return "\n".join(lines)


def qlever_setup(files: Sequence[Path], location: str | os.PathLike[str], *, with_ontology: bool = True) -> BulkResult:
    """Prepare the folder ``location`` for QLever's index builder: links to ``files`` in ``input/``, the ontology and
    a Qleverfile; the returned ``command`` builds the index and starts the server."""
    started = time.monotonic()
    folder = Path(location)
    links = folder / QLEVER_INPUT
    names = [f"{QLEVER_INPUT}/{index:05d}.nq" for index in range(len(files))]
    try:
        if links.exists():
            shutil.rmtree(links)  # links of an earlier preparation
        links.mkdir(parents=True)
        for name, path in zip(names, files, strict=False):
            (folder / name).symlink_to(path)
        if with_ontology:
            shutil.copyfile(ontology_dir() / "kg.ttl", folder / _ONTOLOGY_COPY)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, delete=False, suffix=".tmp") as handle:
            handle.write(qleverfile_text(names, "kg", with_ontology))
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, folder / QLEVERFILE)
    except OSError as exc:
        raise StoreError(f"cannot prepare {folder} for QLever: {exc.strerror}") from None
    return BulkResult(store="qlever", target=str(folder), files=list(files), seconds=time.monotonic() - started,
                      command=f"cd {shlex.quote(str(folder))} && qlever index && qlever start",
                      notes=["QLever's index builder is not installable from PyPI here; kg wrote the Qleverfile "
                             "only"])  # fmt: skip
