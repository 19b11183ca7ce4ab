"""A SPARQL 1.1 Protocol endpoint over kg output, run by the standard Oxigraph server.

kg prepares the data and starts ``oxigraph serve-read-only`` (or ``serve`` with ``writable``) bound to the requested
address, with CORS and the union of all named graphs as the default graph, as ``kg query`` does. A graph file or output
folder is first loaded into a temporary store (removed when the server stops); a store folder is served in place.

Endpoints: ``/query`` (GET ?query=… or POST, results negotiated by Accept: JSON, XML, CSV, TSV; Turtle, N-Triples,
JSON-LD for graphs), ``/store`` (Graph Store Protocol, read-only unless writable) and ``/update`` (writable only).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError
from kg.rdf.store import add_ontology, is_store_dir, open_source

_START_TIMEOUT = 20.0


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


@dataclass
class Server:
    """A running Oxigraph server; stop it with ``stop()`` or use it as a context manager."""

    process: subprocess.Popen[bytes]
    host: str
    port: int
    location: Path
    temporary: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """Base URL of the server."""
        return f"http://{self.host}:{self.port}"

    @property
    def query_url(self) -> str:
        """The SPARQL query endpoint."""
        return f"{self.url}/query"

    def wait(self) -> int:
        """Block until the server exits; return its exit code."""
        try:
            return self.process.wait()
        finally:
            self._cleanup()

    def stop(self) -> None:
        """Stop the server and remove its temporary store."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._cleanup()

    def _cleanup(self) -> None:
        if self.temporary is not None:
            self.temporary.cleanup()
            self.temporary = None

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _prepare(source: str | os.PathLike[str], writable: bool) -> tuple[Path, tempfile.TemporaryDirectory[str] | None]:
    path = Path(source)
    if is_store_dir(path):
        return path, None
    if writable:
        raise StoreError("--writable needs a store folder (kg build --store DIR); a graph file is served read-only")
    loaded = open_source(path, with_ontology=True)
    temporary = tempfile.TemporaryDirectory(prefix="kg-serve-")
    store = ox.Store(temporary.name)
    store.bulk_extend(loaded)
    add_ontology(store)
    store.flush()
    del store
    return Path(temporary.name), temporary


def _die_with_parent() -> None:
    """In the server child (Linux): ask the kernel to stop it when kg exits, so that no server outlives a killed kg."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def serve(
    source: str | os.PathLike[str],
    host: str = "127.0.0.1",
    port: int = 7878,
    *,
    writable: bool = False,
    cors: bool = True,
    timeout: float | None = None,
) -> Server:
    """Start an Oxigraph SPARQL server over SOURCE and return once it answers; ``port`` 0 picks a free port."""
    location, temporary = _prepare(source, writable)
    port = port or free_port(host)
    command = [oxigraph_binary(), "serve" if writable else "serve-read-only", "--location", str(location),
               "--bind", f"{host}:{port}", "--union-default-graph"]  # fmt: skip
    if cors:
        command.append("--cors")
    if timeout:
        command += ["--timeout-s", str(max(1, round(timeout)))]
    # the server's messages go to a file, not a pipe: a pipe nobody reads would block a chatty server
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, preexec_fn=_die_with_parent)
    server = Server(process=process, host=host, port=port, location=location, temporary=temporary)
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            message = log.read().decode("utf-8", "replace").strip()
            server.stop()
            if "lock" in message.lower():
                raise StoreError(f"store {location} is locked by another process: {message}")
            raise StoreError(f"the oxigraph server did not start on {host}:{port}: {message or 'it exited'}")
        try:
            with urllib.request.urlopen(f"{server.url}/query?query=ASK%7B%7D", timeout=2) as reply:
                if reply.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    server.stop()
    raise StoreError(f"the oxigraph server did not answer on {host}:{port} within {_START_TIMEOUT:g} s")

