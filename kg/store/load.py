"""Push kg output to a triple store over HTTP: the SPARQL 1.1 Graph Store Protocol or SPARQL 1.1 Update.

Article graphs replace the graph of the same name in the target (loading twice changes nothing); the entities graph and
default-graph triples are added to what is there. ``--graph IRI`` puts everything into that one graph, replacing it.

No half uploads: with SPARQL Update every batch goes into a private staging graph and one final request moves the
staging graphs into place (MOVE/ADD), so a failure before that leaves the targets untouched and the staging graphs are
dropped. With the Graph Store Protocol each graph goes in one request (PUT replaces, POST adds), after saving the
graph's previous content; if a later graph fails, the graphs already written are put back as they were.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib.term import Node

from kg.errors import StoreError, UsageError
from kg.graph.iri import check_absolute_iri
from kg.graph.quads import iter_quads, nt_term
from kg.graph.vocab import ONTOLOGY_IRI, ontology_graph
from kg.publish.export import ENTITIES_GRAPH
from kg.store.store import read_dataset

NT = "application/n-triples"
PROTOCOLS = ("auto", "gsp", "update")

Triple = tuple[Node, Node, Node]


@dataclass
class LoadResult:
    """What ``load`` sent: target graphs, triples and HTTP requests."""

    endpoint: str
    protocol: str
    graphs: int
    triples: int
    requests: int


class _Client:
    """A small HTTP client with basic or digest authentication and errors turned into StoreError."""

    def __init__(self, endpoint: str, user: str | None, password: str | None, timeout: float,
                 token: str | None = None) -> None:  # fmt: skip
        self.endpoint = endpoint
        self.timeout = timeout
        self.token = token
        self.requests = 0
        handlers: list[urllib.request.BaseHandler] = []
        if user is not None:
            # answer the server's challenge with whichever scheme it asks for (Virtuoso's /sparql-auth wants digest)
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            manager.add_password(None, endpoint, user, password or "")
            handlers += [urllib.request.HTTPBasicAuthHandler(manager), urllib.request.HTTPDigestAuthHandler(manager)]
        self.opener = urllib.request.build_opener(*handlers)

    def send(self, method: str, url: str, body: bytes | None = None, content_type: str | None = None,
             accept: str | None = None, allow_missing: bool = False) -> bytes | None:  # fmt: skip
        """Send one request; return the body (``None`` for a 404 when ``allow_missing``)."""
        request = urllib.request.Request(url, data=body, method=method)
        if content_type:
            request.add_header("Content-Type", content_type)
        if accept:
            request.add_header("Accept", accept)
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        self.requests += 1
        try:
            with self.opener.open(request, timeout=self.timeout) as reply:
                return reply.read()
        except urllib.error.HTTPError as exc:
            if allow_missing and exc.code == 404:
                return None
            detail = exc.read()[:300].decode("utf-8", "replace").strip()
            raise StoreError(
                f"{self.endpoint} refused {method} ({exc.code} {exc.reason}){': ' + detail if detail else ''}"
            ) from exc
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
            # OSError covers refused and reset connections and time-outs; HTTPException a bad status line or a
            # server that closed the connection; ValueError a URL urllib cannot use (an invalid IPv6 host)
            reason = getattr(exc, "reason", None) or exc.__class__.__name__ + (f": {exc}" if str(exc) else "")
            reason = " ".join(str(reason).split())  # one line, even when the server sent line breaks
            raise StoreError(f"cannot talk to {self.endpoint}: {reason}") from None


def _graph_url(endpoint: str, graph: str | None) -> str:
    joiner = "&" if "?" in endpoint else "?"
    if graph is None:
        return f"{endpoint}{joiner}default"
    return f"{endpoint}{joiner}graph={urllib.parse.quote(graph, safe='')}"


def _ntriples(triples: Iterable[Triple]) -> bytes:
    return "".join(sorted(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in triples)).encode("utf-8")


def _targets(source: str | os.PathLike[str], graph: str | None, with_ontology: bool) -> dict[str | None, list[Triple]]:
    """Triples per target graph (``None`` = default graph), sorted for reproducible batches."""
    groups: dict[str | None, set[Triple]] = defaultdict(set)
    for s, p, o, g in iter_quads(read_dataset(source)):
        if str(g) == ONTOLOGY_IRI:
            continue  # a store's copy of the ontology; the current one is added below
        groups[graph if graph else (str(g) if g is not None else None)].add((s, p, o))
    if with_ontology:
        # the ontology in its own graph lets queries on the target follow rdfs:subClassOf like `kg query` does
        groups[ONTOLOGY_IRI] = set(ontology_graph())
    return {name: sorted(triples, key=lambda t: tuple(nt_term(x) for x in t)) for name, triples in groups.items()}


def _replaces(name: str | None, graph_option: str | None) -> bool:
    """Whether loading into ``name`` replaces its content (article graphs, --graph) or adds to it."""
    if graph_option or name == ONTOLOGY_IRI:
        return True
    return name is not None and not name.endswith("/" + ENTITIES_GRAPH)


def _detect(endpoint: str) -> str:
    path = urllib.parse.urlparse(endpoint).path.rstrip("/")
    return "gsp" if path.endswith(("/store", "/data", "/rdf-graph-store")) else "update"


def _load_gsp(client: _Client, targets: dict[str | None, list[Triple]], graph_option: str | None) -> None:
    written: list[tuple[str | None, bytes | None]] = []
    current: str | None = None
    try:
        for name in sorted(targets, key=lambda n: (n is not None, n or "")):
            current = name
            url = _graph_url(client.endpoint, name)
            previous = client.send("GET", url, accept=NT, allow_missing=True)
            method = "PUT" if _replaces(name, graph_option) else "POST"
            client.send(method, url, _ntriples(targets[name]), content_type=NT)
            written.append((name, previous))
    except StoreError as failure:
        problems = _restore(client, written)
        if problems:
            suffix = f"; {len(written)} graph(s) had been written, and putting back {', '.join(problems)} failed too"
        elif written:
            suffix = f"; the {len(written)} graph(s) written before were put back as they were"
        else:
            suffix = "; nothing had been written"
        raise StoreError(f"{failure} (at graph {current or 'default'}){suffix}") from None


def _restore(client: _Client, written: list[tuple[str | None, bytes | None]]) -> list[str]:
    problems = []
    for name, previous in reversed(written):
        url = _graph_url(client.endpoint, name)
        try:
            if previous is None:
                client.send("DELETE", url, allow_missing=True)
            else:
                client.send("PUT", url, previous, content_type=NT)
        except StoreError:
            problems.append(name or "default graph")
    return problems


def _update(client: _Client, text: str) -> None:
    # form encoding: some servers (Virtuoso 7) hang on a direct application/sparql-update POST
    body = urllib.parse.urlencode({"update": text}).encode("utf-8")
    client.send("POST", client.endpoint, body, content_type="application/x-www-form-urlencoded")


def _load_update(
    client: _Client, targets: dict[str | None, list[Triple]], graph_option: str | None, batch_size: int
) -> None:
    token = hashlib.sha256(repr(sorted((n or "", len(t)) for n, t in targets.items())).encode()).hexdigest()[:12]
    staging = {name: f"urn:kg:staging:{token}:{index}" for index, name in enumerate(sorted(targets, key=str))}
    try:
        _update(client, " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in staging.values()))
        for name, triples in targets.items():
            for start in range(0, len(triples), batch_size):
                batch = _ntriples(triples[start : start + batch_size]).decode("utf-8")
                _update(client, f"INSERT DATA {{ GRAPH <{staging[name]}> {{\n{batch}}} }}")
        operations = []
        for name, stage in staging.items():
            target = "DEFAULT" if name is None else f"GRAPH <{name}>"
            if _replaces(name, graph_option):
                operations.append(f"MOVE SILENT GRAPH <{stage}> TO {target}")
            else:
                operations += [f"ADD SILENT GRAPH <{stage}> TO {target}", f"DROP SILENT GRAPH <{stage}>"]
        _update(client, " ;\n".join(operations))
    except StoreError as failure:
        try:
            _update(client, " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in staging.values()))
        except StoreError:
            pass  # the endpoint is gone; the staging graphs it may hold never reached the targets
        raise StoreError(f"{failure}; the target graphs were not changed") from None


def load(
    source: str | os.PathLike[str],
    endpoint: str,
    *,
    graph: str | None = None,
    user: str | None = None,
    password: str | None = None,
    protocol: str = "auto",
    batch_size: int = 20000,
    timeout: float = 120.0,
    with_ontology: bool = True,
    token: str | None = None,
) -> LoadResult:
    """Push SOURCE (graph file, kg output folder or store) to ``endpoint``.

    ``protocol`` is ``gsp`` (a Graph Store Protocol URL such as Oxigraph's /store), ``update`` (a SPARQL Update URL
    such as Oxigraph's /update or Virtuoso's /sparql) or ``auto`` (gsp when the path ends in /store or /data).
    The ontology goes along into its own graph (https://w3id.org/kgnews/ontology) unless ``with_ontology`` is off.
    ``token`` is sent as ``Authorization: Bearer`` (the write token of ``kg serve --writable``).
    Raises StoreError when the endpoint cannot be reached or refuses; the target is then left as it was; UsageError
    for a ``graph`` that is not an absolute IRI or an endpoint that is not an http(s) URL.
    """
    if protocol not in PROTOCOLS:
        raise StoreError(f"unknown protocol {protocol!r}; choose from {', '.join(PROTOCOLS)}")
    if batch_size < 1:
        raise StoreError("--batch-size must be at least 1")
    if graph is not None:
        check_absolute_iri(graph, "--graph")  # pasted into SPARQL Update: a ">" must never end it early
    try:
        parts = urllib.parse.urlsplit(endpoint)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise UsageError(f"--endpoint is not a usable URL ({exc}): {endpoint!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--endpoint must be an http(s) URL such as http://127.0.0.1:7878/store, not {endpoint!r}")
    targets = _targets(source, graph, with_ontology)
    chosen = _detect(endpoint) if protocol == "auto" else protocol
    client = _Client(endpoint, user, password, timeout, token)
    if chosen == "gsp":
        _load_gsp(client, targets, graph)
    else:
        _load_update(client, targets, graph, batch_size)
    return LoadResult(
        endpoint=endpoint,
        protocol=chosen,
        graphs=len(targets),
        triples=sum(len(t) for t in targets.values()),
        requests=client.requests,
    )
