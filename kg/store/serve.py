"""A SPARQL 1.1 Protocol endpoint over kg output that a web page cannot abuse and a query cannot crash or hang.

Endpoints: ``/query`` (GET ?query=… or POST; results negotiated by Accept: JSON, XML, CSV, TSV; Turtle, N-Triples,
JSON-LD, RDF/XML for graphs), ``/store`` (Graph Store Protocol: ``?default`` or ``?graph=IRI``) and ``/update``.
The default graph of a query is the union of all named graphs, as for ``kg query``.

Safe by default, as the most careful SPARQL servers are:
- read-only, bound to 127.0.0.1, and only answering requests whose Host names this machine (no DNS rebinding);
- every query is checked before parsing (``kg.store.guard``: size, nesting, operator chains) and runs in a worker
  process (``kg.store.worker``) that is killed when the time limit passes (answer 503) or its client goes away;
- ``SERVICE`` and ``LOAD`` of other servers' data are refused unless ``allow_remote`` is set;
- ``writable`` needs a token (generated when none is given), checked on every update and Graph Store write, and
  writes carrying a foreign ``Origin`` are refused; CORS is off, ``cors_origins`` grants named origins queries only
  (never ``*``, never updates);
- a graph file is loaded into a temporary store that ``stop()`` removes (the CLI calls it on SIGTERM and SIGINT).
"""

from __future__ import annotations

import ctypes
import hmac
import ipaddress
import json
import logging
import os
import queue
import secrets
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryError, StoreError, UsageError
from kg.graph.iri import check_absolute_iri
from kg.graph.vocab import PREFIXES
from kg.store import worker as worker_module
from kg.store.guard import Limits, check
from kg.store.store import add_ontology, is_store_dir, open_source
from kg.store.worker import Header, send

#: Seconds a query or update may run unless the caller says otherwise.
DEFAULT_TIMEOUT = 30.0
#: Largest update or Graph Store upload accepted, in bytes.
MAX_UPLOAD_BYTES = 512 * 1024 * 1024
_START_TIMEOUT = 30.0
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
_log = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this machine only."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _die_with_parent() -> None:
    """In a worker (Linux): ask the kernel to stop it when kg exits, so that no worker outlives a killed kg."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG


class _Stopped(Exception):
    """A worker was stopped before answering: ``status`` and ``message`` say why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _Worker:
    """One store process; ``ask`` sends a request and waits for the answer within a deadline."""

    def __init__(self, location: Path, writable: bool) -> None:
        self.errors = tempfile.TemporaryFile()
        # run as a file in isolated mode: importing the kg package would cost seconds for each new worker
        self.process = subprocess.Popen(
            [sys.executable, "-I", str(Path(worker_module.__file__).resolve()), str(location),
             "writable" if writable else "read-only", json.dumps(PREFIXES)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors, preexec_fn=_die_with_parent,
        )  # fmt: skip
        try:
            header, _ = self._read_message(time.monotonic() + _START_TIMEOUT, None)
        except _Stopped as stopped:
            self.errors.seek(0)
            detail = self.errors.read().decode("utf-8", "replace").strip().splitlines()
            self.kill()
            message = detail[-1] if detail else str(stopped)
            if "lock" in message.lower():
                raise StoreError(f"store {location} is locked by another process: {message}") from None
            raise StoreError(f"the store process did not start: {message}") from None
        if header.get("status") != 200:
            self.kill()
            raise StoreError(f"the store process did not start: {header.get('message')}")

    def _read(self, size: int, deadline: float, client: socket.socket | None) -> bytes:
        assert self.process.stdout is not None
        stream = self.process.stdout.fileno()
        chunks, missing = [], size
        while missing:
            watched = [stream] + ([client] if client is not None else [])
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Stopped(503, "")
            ready, _, _ = select.select(watched, [], [], left)
            if client is not None and client in ready:
                try:
                    gone = client.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
                except BlockingIOError:
                    gone = False
                except OSError:
                    gone = True
                if gone:
                    raise _Stopped(499, "the client went away")
                client = None  # more request data (pipelining): stop watching, answer first
            if stream in ready:
                chunk = os.read(stream, min(missing, 1 << 20))
                if not chunk:
                    raise _Stopped(500, "the store process ended without an answer (query too complex?)")
                chunks.append(chunk)
                missing -= len(chunk)
        return b"".join(chunks)

    def _read_message(self, deadline: float, client: socket.socket | None) -> tuple[Header, bytes]:
        size = int.from_bytes(self._read(4, deadline, client), "big")
        header = json.loads(self._read(size, deadline, client))
        return header, self._read(int(header["length"]), deadline, client)

    def ask(self, header: dict[str, object], body: bytes, deadline: float,
            client: socket.socket | None) -> tuple[Header, bytes]:  # fmt: skip
        """Send one request; raise _Stopped when the deadline passes, the client leaves or the worker dies."""
        assert self.process.stdin is not None
        try:
            send(self.process.stdin, header, body)  # type: ignore[arg-type]
        except (BrokenPipeError, OSError):
            raise _Stopped(500, "the store process is gone") from None
        return self._read_message(deadline, client)

    def kill(self) -> None:
        """Stop the worker at once (a running query cannot be interrupted otherwise)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        self.errors.close()


@dataclass
class Settings:
    """How a ``kg serve`` endpoint behaves; the defaults are the safe ones."""

    writable: bool = False
    token: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    allow_remote: bool = False
    cors_origins: tuple[str, ...] = ()
    workers: int = 2
    limits: Limits = field(default_factory=Limits)
    max_upload_bytes: int = MAX_UPLOAD_BYTES


class _Pool:
    """The worker processes; a worker that was killed is replaced before it is handed out again."""

    def __init__(self, location: Path, settings: Settings) -> None:
        self.location, self.writable = location, settings.writable
        count = 1 if settings.writable else max(1, settings.workers)  # one writer: updates stay in order
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.all: list[_Worker] = []
        self.closed = False
        for _ in range(count):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self.location, self.writable)
        self.all.append(worker)
        self.idle.put(worker)

    def run(self, header: dict[str, object], body: bytes, timeout: float,
            client: socket.socket | None) -> tuple[Header, bytes]:  # fmt: skip
        """Run one request on a free worker within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        try:
            worker = self.idle.get(timeout=timeout)
        except queue.Empty:
            raise _Stopped(503, f"every store process is busy; try again (time limit {timeout:g} s)") from None
        try:
            answer = worker.ask(header, body, deadline, client)
        except _Stopped:
            worker.kill()
            self.all.remove(worker)
            if not self.closed:
                self._add()
            raise
        self.idle.put(worker)
        return answer

    def close(self) -> None:
        """Kill every worker."""
        self.closed = True
        for worker in list(self.all):
            worker.kill()
        self.all.clear()


def _accepted(header: str | None) -> list[str]:
    """Media types of an Accept header, best first (q-values honoured, q=0 dropped)."""
    ranked = []
    for index, part in enumerate((header or "*/*").split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranked.append((-quality, index, media.lower()))
    return [media for _, _, media in sorted(ranked)]


def _handler(pool: _Pool, settings: Settings, own_host: str) -> type[BaseHTTPRequestHandler]:
    """The request handler class of one endpoint."""
    check_host = is_loopback(own_host)

    class Handler(BaseHTTPRequestHandler):
        server_version = "kg-serve"
        protocol_version = "HTTP/1.1"
        timeout = 60  # seconds a client may take to send its request (a slow client cannot hold a thread forever)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            _log.info("%s %s", self.address_string(), format % args)

        # ---------------------------------------------------------------------------------------------- answers

        def _send(self, status: int, body: bytes = b"", media: str | None = None, extra: dict[str, str] | None = None,
                  cors: bool = False) -> None:  # fmt: skip
            self.send_response(status)
            if media:
                self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            origin = self.headers.get("Origin")
            if cors and origin and origin in settings.cors_origins:
                self.send_header("Access-Control-Allow-Origin", origin)
                self.send_header("Vary", "Origin")
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _error(self, status: int, message: str, extra: dict[str, str] | None = None, cors: bool = False) -> None:
            self._send(status, (message.strip() + "\n").encode("utf-8"), "text/plain; charset=utf-8", extra, cors)

        # ---------------------------------------------------------------------------------------------- requests

        def _route(self) -> tuple[str, dict[str, list[str]]] | None:
            """Path and URL parameters, after the Host check; None when an answer was already sent."""
            url = urllib.parse.urlsplit(self.path)
            if check_host:
                host = urllib.parse.urlsplit("//" + (self.headers.get("Host") or "")).hostname or ""
                if not is_loopback(host):
                    self._error(403, f"this endpoint answers to its loopback address only, not Host {host!r}")
                    return None
            return url.path.rstrip("/") or "/", urllib.parse.parse_qs(url.query, keep_blank_values=True)

        def _body(self, limit: int) -> bytes | None:
            length = self.headers.get("Content-Length")
            if self.headers.get("Transfer-Encoding"):
                self._error(411, "send a Content-Length (chunked uploads are not accepted)")
                return None
            if length is None or not length.isdigit():
                self._error(411, "a POST or PUT needs a Content-Length")
                return None
            if int(length) > limit:
                self.close_connection = True
                self._error(413, f"the request body is {int(length):,} bytes; at most {limit:,} are accepted")
                return None
            return self.rfile.read(int(length))

        def _may_write(self) -> bool:
            """Whether this request may change the store; otherwise the refusal has been sent."""
            if not settings.writable:
                self._error(403, "this endpoint is read-only (start kg serve with --writable and a token)")
                return False
            origin = self.headers.get("Origin")
            if origin is not None and origin != f"http://{self.headers.get('Host')}":
                self._error(403, f"writes from another origin ({origin}) are refused")
                return False
            given = self.headers.get("Authorization", "")
            scheme, _, token = given.partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(
                token.strip().encode(), str(settings.token).encode()
            ):
                self._error(401, "this endpoint needs its write token: Authorization: Bearer TOKEN (kg load --token)",
                            {"WWW-Authenticate": 'Bearer realm="kg"'})  # fmt: skip
                return False
            return True

        def _run(self, header: dict[str, object], body: bytes = b"", cors: bool = False) -> None:
            try:
                answer, content = pool.run(header, body, settings.timeout, self.connection)
            except StoreError as failed:  # a replacement worker could not start
                self._error(500, str(failed), cors=cors)
                return
            except _Stopped as stopped:
                if stopped.status == 499:
                    self.close_connection = True
                    return  # nobody is listening; the work was stopped
                message = str(stopped) or (f"stopped after {settings.timeout:g} s (the time limit of this endpoint); "
                                           "narrow the query or ask for a higher limit")  # fmt: skip
                self._error(stopped.status, message, {"Retry-After": "1"} if stopped.status == 503 else None, cors)
                return
            status = int(answer["status"])
            if status >= 400:
                self._error(status, str(answer.get("message", "")), cors=cors)
            else:
                self._send(status, content, str(answer["type"]) if answer.get("type") else None, cors=cors)

        def _sparql(self, params: dict[str, list[str]], name: str, media: str) -> str | None:
            """The query or update text of a GET or POST (form or direct), or None after an error answer."""
            if "default-graph-uri" in params or "named-graph-uri" in params or "using-graph-uri" in params:
                self._error(400, "default-graph-uri and named-graph-uri are not supported; use FROM or GRAPH")
                return None
            if self.command == "GET":
                texts = params.get(name, [])
            else:
                limit = settings.limits.max_bytes * 4 if name == "query" else settings.max_upload_bytes
                body = self._body(limit)
                if body is None:
                    return None
                kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                if kind == "application/x-www-form-urlencoded":
                    form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
                    if "using-graph-uri" in form or "default-graph-uri" in form or "named-graph-uri" in form:
                        self._error(400, "default-graph-uri and named-graph-uri are not supported; use FROM or GRAPH")
                        return None
                    texts = form.get(name, [])
                elif kind == media:
                    texts = [body.decode("utf-8", "replace")]
                else:
                    self._error(415, f"send the {name} as {media} or form-encoded ({name}=...)")
                    return None
            if len(texts) != 1:
                self._error(400, f"give exactly one {name} parameter")
                return None
            return texts[0]

        def _query(self, params: dict[str, list[str]]) -> None:
            text = self._sparql(params, "query", "application/sparql-query")
            if text is None:
                return
            try:
                check(text, Limits(settings.limits.max_bytes, settings.limits.max_depth,
                                   settings.limits.max_operators, settings.allow_remote))  # fmt: skip
            except QueryError as refused:
                self._error(400, str(refused), cors=True)
                return
            self._run({"op": "query", "text": text, "accept": _accepted(self.headers.get("Accept"))}, cors=True)

        def _update(self, params: dict[str, list[str]]) -> None:
            if not self._may_write():
                return
            text = self._sparql(params, "update", "application/sparql-update")
            if text is None:
                return
            try:
                check(text, Limits(settings.max_upload_bytes, settings.limits.max_depth,
                                   settings.limits.max_operators, settings.allow_remote), kind="update")  # fmt: skip
            except QueryError as refused:
                self._error(400, str(refused))
                return
            self._run({"op": "update", "text": text})

        def _store(self, params: dict[str, list[str]]) -> None:
            if ("default" in params) == ("graph" in params) or len(params.get("graph", [""])) != 1:
                self._error(400, "name one graph: /store?default or /store?graph=IRI")
                return
            graph = params["graph"][0] if "graph" in params else None
            if graph is not None:
                try:
                    check_absolute_iri(graph, "graph")
                except UsageError as refused:
                    self._error(400, str(refused))
                    return
            header: dict[str, object] = {"op": self.command.lower(), "graph": graph}
            if self.command in ("GET", "HEAD"):
                header.update(op="get", accept=_accepted(self.headers.get("Accept")))
                self._run(header, cors=True)
                return
            if not self._may_write():
                return
            body = b""
            if self.command in ("PUT", "POST"):
                received = self._body(settings.max_upload_bytes)
                if received is None:
                    return
                body = received
                header["type"] = self.headers.get("Content-Type", "")
            self._run(header, body)

        def _dispatch(self) -> None:
            route = self._route()
            if route is None:
                return
            path, params = route
            allowed = {"/query": ("GET", "POST"), "/sparql": ("GET", "POST"),
                       "/update": ("POST",), "/store": ("GET", "HEAD", "PUT", "POST", "DELETE")}  # fmt: skip
            if path not in allowed:
                self._error(404, "no such endpoint: use /query, /update or /store")
            elif self.command not in allowed[path]:
                self._error(405, f"{path} accepts {', '.join(allowed[path])}", {"Allow": ", ".join(allowed[path])})
            elif path in ("/query", "/sparql"):
                self._query(params)
            elif path == "/update":
                self._update(params)
            else:
                self._store(params)

        do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _dispatch

        def do_OPTIONS(self) -> None:  # noqa: N802 - the base class's naming
            """CORS preflight: granted for queries from the named origins only, never for writes."""
            route = self._route()
            if route is None:
                return
            origin = self.headers.get("Origin")
            if route[0] in ("/query", "/sparql") and origin in settings.cors_origins:
                self._send(204, extra={"Access-Control-Allow-Origin": str(origin), "Vary": "Origin",
                                       "Access-Control-Allow-Methods": "GET, POST",
                                       "Access-Control-Allow-Headers": "Accept, Content-Type",
                                       "Access-Control-Max-Age": "600"})  # fmt: skip
            else:
                self._send(204, extra={"Allow": "GET, HEAD, POST, PUT, DELETE, OPTIONS"})

    return Handler


@dataclass
class Server:
    """A running endpoint; stop it with ``stop()`` or use it as a context manager."""

    httpd: ThreadingHTTPServer
    pool: _Pool
    host: str
    port: int
    location: Path
    token: str | None
    temporary: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)
    thread: threading.Thread | None = field(default=None, repr=False)
    stopped: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def url(self) -> str:
        """Base URL of the server."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def query_url(self) -> str:
        """The SPARQL query endpoint."""
        return f"{self.url}/query"

    @property
    def store_url(self) -> str:
        """The Graph Store Protocol endpoint (what ``kg load --endpoint`` takes)."""
        return f"{self.url}/store"

    def wait(self) -> None:
        """Block until the server is stopped (by ``stop()`` from elsewhere, or an interrupt)."""
        while not self.stopped.wait(0.5):
            pass

    def stop(self) -> None:
        """Stop answering, kill the store processes and remove the temporary store."""
        if not self.stopped.is_set():
            self.stopped.set()
            self.httpd.shutdown()
            self.httpd.server_close()
            self.pool.close()
        if self.temporary is not None:
            self.temporary.cleanup()
            self.temporary = None

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _prepare(source: str | os.PathLike[str], writable: bool,
             with_ontology: bool) -> tuple[Path, tempfile.TemporaryDirectory[str] | None]:  # fmt: skip
    path = Path(source)
    if is_store_dir(path):
        return path, None
    if writable:
        if path.exists() and not (path.is_dir() and not any(path.iterdir())):
            raise StoreError(f"--writable needs a store folder (kg build --store DIR, or a new folder), not {path}")
        try:
            store = ox.Store(str(path))  # a new, empty store to load into
        except OSError as exc:
            raise StoreError(f"cannot create a store in {path}: {exc}") from exc
        if with_ontology:
            add_ontology(store)
        store.flush()
        del store
        return path, None
    loaded = open_source(path, with_ontology=with_ontology)
    temporary = tempfile.TemporaryDirectory(prefix="kg-serve-")
    store = ox.Store(temporary.name)
    store.bulk_extend(loaded)
    store.flush()
    del store
    return Path(temporary.name), temporary


def serve(
    source: str | os.PathLike[str],
    host: str = "127.0.0.1",
    port: int = 7878,
    *,
    writable: bool = False,
    token: str | None = None,
    timeout: float | None = None,
    allow_remote: bool = False,
    cors_origins: tuple[str, ...] = (),
    workers: int = 2,
    with_ontology: bool = True,
) -> Server:
    """Start a SPARQL endpoint over SOURCE and return once it answers; ``port`` 0 picks a free port.

    SOURCE is a graph file or kg output folder (served read-only from a temporary copy), or a store folder. With
    ``writable`` a store folder (or a new, empty folder) is served with updates allowed to holders of ``token``
    (one is generated when none is given: read it from ``Server.token``). ``with_ontology`` adds kg's ontology in
    its own named graph (the shipped queries follow rdfs:subClassOf). Raises StoreError when it cannot start.
    """
    for origin in cors_origins:
        if origin == "*" or not urllib.parse.urlsplit(origin).scheme or urllib.parse.urlsplit(origin).path:
            raise UsageError(f"--cors-origin takes an origin such as http://localhost:8000, not {origin!r}")
    if token is not None and len(token) < 16:
        raise UsageError("a write token must have at least 16 characters")
    settings = Settings(writable=writable, token=(token or secrets.token_urlsafe(24)) if writable else None,
                        timeout=timeout or DEFAULT_TIMEOUT, allow_remote=allow_remote,
                        cors_origins=tuple(cors_origins), workers=workers)  # fmt: skip
    location, temporary = _prepare(source, writable, with_ontology)
    try:
        pool = _Pool(location, settings)
    except StoreError:
        if temporary is not None:
            temporary.cleanup()
        raise
    family = socket.AF_INET6 if ":" in host else socket.AF_INET

    def handle_error(self: ThreadingHTTPServer, request: object, client_address: object) -> None:
        _log.exception("request from %s failed", client_address)  # logged, never printed by the library

    server_class = type(
        "KgHTTPServer",
        (ThreadingHTTPServer,),
        {"address_family": family, "daemon_threads": True, "handle_error": handle_error},
    )
    try:
        httpd = server_class((host.strip("[]"), port), _handler(pool, settings, host))
    except OSError as exc:
        pool.close()
        if temporary is not None:
            temporary.cleanup()
        raise StoreError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    server = Server(httpd=httpd, pool=pool, host=host, port=int(httpd.server_address[1]), location=location,
                    token=settings.token, temporary=temporary)  # fmt: skip
    server.thread = threading.Thread(target=httpd.serve_forever, name="kg-serve", daemon=True)
    server.thread.start()
    return server
