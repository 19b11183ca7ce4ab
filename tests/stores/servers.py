"""Triple-store servers on loopback for the store tests: Oxigraph (PyPI ``oxigraph``) and Virtuoso (Debian
``virtuoso-opensource``). Each runs in a temporary folder and is stopped by the fixture that started it; a missing
program makes its tests skip."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib.term import Node

from kg.errors import StoreError
from kg.store.store import open_source, to_rdflib


def oxigraph_binary() -> str:
    """Path of the ``oxigraph`` server program (PyPI package ``oxigraph``)."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise StoreError("the oxigraph server is not installed (pip install oxigraph)")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def store_graphs(directory: str | Path) -> list[str]:
    """The named graphs of an on-disk store, sorted."""
    store = open_source(directory)
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def quads_of(items: Iterable[ox.Quad]) -> set[tuple[Node | None, ...]]:
    """Oxigraph quads as a set of rdflib-term tuples (for comparisons)."""
    return {(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object), to_rdflib(q.graph_name)) for q in items}


def wait_http(url: str, process: subprocess.Popen[bytes], seconds: float, log: Path | None = None) -> None:
    """Poll ``url`` until it answers (any HTTP status) or fail with the server's log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-2000:] if log else ''}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(f"no answer from {url} after {seconds} s")


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 20) -> bool:
    """Stop a server we started with ``sig``, killing it if it does not stop within ``timeout`` seconds; whether it
    stopped without being killed."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return False
    return True


@contextmanager
def oxigraph_server(folder: Path) -> Iterator[str]:
    """A read-write Oxigraph server over a store in ``folder``; yields its base URL."""
    port = free_port()
    log = folder / "oxigraph.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [oxigraph_binary(), "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"],
            stdout=handle, stderr=handle,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/query?query=ASK%7B%7D", process, 20, log)
        yield url
    finally:
        stop(process)


def sparql_select(endpoint: str, text: str, form: bool = True) -> list[dict[str, dict[str, str]]]:
    """Run a SELECT over HTTP (form-encoded POST, which Virtuoso handles) and return the JSON bindings."""
    import json

    body = urllib.parse.urlencode({"query": text}).encode()
    request = urllib.request.Request(endpoint, data=body, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    request.add_header("Accept", "application/sparql-results+json")
    with urllib.request.urlopen(request, timeout=60) as reply:
        return json.loads(reply.read())["results"]["bindings"]


# ------------------------------------------------------------------------------------------------- Virtuoso

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")

# TempDir in the database folder: with the default (/tmp) Virtuoso reads any file under /tmp whatever DirsAllowed says
_INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 0
CaseMode = 2
TempDir = {db}
DirsAllowed = ., {data}, /usr/share/virtuoso-opensource-7/vad
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


@dataclass
class Virtuoso:
    """A running Virtuoso: SPARQL endpoint URL, SQL port and the folder it may bulk-load from."""

    sparql: str
    sql_port: int
    data: Path

    def isql(self, statements: str) -> str:
        """Run SQL statements through isql-vt as dba (default password dba on a fresh database)."""
        assert ISQL is not None
        result = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        if result.returncode != 0 or "*** Error" in result.stdout + result.stderr:
            raise RuntimeError(f"isql failed: {result.stdout[-1500:]} {result.stderr[-1500:]}")
        return result.stdout


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[Virtuoso]:
    """A fresh Virtuoso database in ``folder`` on two free loopback ports."""
    assert VIRTUOSO is not None
    db, data = folder / "db", folder / "data"
    db.mkdir()
    data.mkdir()
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(_INI.format(db=db, data=data, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    log = folder / "virtuoso.out"
    with log.open("wb") as handle:
        process = subprocess.Popen([VIRTUOSO, "+configfile", str(ini), "+foreground"], cwd=db, stdout=handle,
                                   stderr=handle)  # fmt: skip
    sparql = f"http://127.0.0.1:{http_port}/sparql"
    try:
        wait_http(f"{sparql}?query=ASK%7B%7D", process, 120, log)
        yield Virtuoso(sparql=sparql, sql_port=sql_port, data=data)
    finally:
        stop(process)
