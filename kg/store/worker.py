"""The store process behind ``kg serve``: runs one request at a time on an Oxigraph store, so it can be killed.

A running Oxigraph query cannot be interrupted from Python, and a query that overflows Oxigraph's stack kills its
process. ``kg serve`` therefore never runs SPARQL itself: each worker is a child process (this file run by
``python -I``) that opens the store and answers requests read from its standard input; the server kills a worker
whose request runs past the time limit or whose client went away, and starts a fresh one.

Messages both ways are a 4-byte big-endian length, a JSON header and ``header["length"]`` bytes of body. Requests:
``query`` (text, accept), ``update`` (text), ``get`` / ``put`` / ``post`` / ``delete`` (graph: an IRI, or null for
the default graph; put and post carry an RDF body of a media type). Answers: status, media type, message, body.
The worker imports only pyoxigraph, so that a replacement starts in a fraction of a second.
"""

from __future__ import annotations

import json
import struct
import sys
from collections.abc import Mapping
from typing import Any, BinaryIO, cast

import pyoxigraph as ox

#: Media types of SELECT and ASK results, in the server's order of preference.
RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
#: Media types of graphs (CONSTRUCT, DESCRIBE, Graph Store GET and bodies of PUT and POST).
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
_HEADER = struct.Struct(">I")


Header = dict[str, Any]  # a message's header, decoded JSON


def send(stream: BinaryIO, header: dict[str, object], body: bytes = b"") -> None:
    """Write one message (header and body) to ``stream``."""
    data = json.dumps({**header, "length": len(body)}).encode("utf-8")
    stream.write(_HEADER.pack(len(data)) + data + body)
    stream.flush()


def receive(stream: BinaryIO) -> tuple[Header, bytes] | None:
    """Read one message from ``stream``; ``None`` at end of input."""
    prefix = stream.read(_HEADER.size)
    if len(prefix) < _HEADER.size:
        return None
    header = json.loads(stream.read(_HEADER.unpack(prefix)[0]))
    body = stream.read(int(header["length"]))
    return header, body


def choose(accept: list[str], offered: Mapping[str, object]) -> str | None:
    """The first media type of ``accept`` (already sorted by preference) that ``offered`` has; wildcards match."""
    for wanted in accept:
        if wanted in offered:
            return wanted
        if wanted in ("*/*", "application/*", "text/*"):
            for media in offered:
                if wanted == "*/*" or media.startswith(wanted[:-1]):
                    return media
    return None


def _graph(name: object) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if name is None else ox.NamedNode(str(name))


def serialized(data: bytes | None) -> bytes:
    """pyoxigraph's ``serialize`` without an output returns bytes; its stubs say ``bytes | None`` for both uses."""
    return cast(bytes, data)


def _answer(store: ox.Store, header: Header, body: bytes, prefixes: dict[str, str]) -> tuple[dict, bytes]:
    op = header["op"]
    accept = [str(a) for a in header.get("accept", [])]
    if op == "query":
        result = store.query(str(header["text"]), prefixes=prefixes, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryTriples):
            media = choose(accept, GRAPH_TYPES)
            if media is None:
                return {"status": 406, "message": f"a graph result is offered as {', '.join(GRAPH_TYPES)}"}, b""
            return {"status": 200, "type": media}, serialized(result.serialize(format=GRAPH_TYPES[media]))
        media = choose(accept, RESULT_TYPES)
        if media is None:
            return {"status": 406, "message": f"query results are offered as {', '.join(RESULT_TYPES)}"}, b""
        return {"status": 200, "type": media}, serialized(result.serialize(format=RESULT_TYPES[media]))
    if op == "update":
        store.update(str(header["text"]))
        return {"status": 204}, b""
    graph = _graph(header.get("graph"))
    exists = isinstance(graph, ox.DefaultGraph) or store.contains_named_graph(graph)
    if op == "get":
        if not exists:
            return {"status": 404, "message": "no such graph"}, b""
        media = choose(accept, GRAPH_TYPES)
        if media is None:
            return {"status": 406, "message": f"graphs are offered as {', '.join(GRAPH_TYPES)}"}, b""
        triples = (
            ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph)
        )
        return {"status": 200, "type": media}, serialized(ox.serialize(triples, format=GRAPH_TYPES[media]))
    if op == "delete":
        if not exists:
            return {"status": 404, "message": "no such graph"}, b""
        store.update("DROP DEFAULT" if isinstance(graph, ox.DefaultGraph) else f"DROP GRAPH {graph}")
        return {"status": 204}, b""
    # put / post: parse everything first, so that a syntax error leaves the graph as it was
    media = str(header.get("type", "")).split(";")[0].strip().lower()
    if media not in GRAPH_TYPES:
        return {"status": 415, "message": f"send the graph as one of {', '.join(GRAPH_TYPES)}"}, b""
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in ox.parse(body, format=GRAPH_TYPES[media])]
    target = "DEFAULT" if isinstance(graph, ox.DefaultGraph) else f"GRAPH {graph}"
    lines = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    drop = f"DROP SILENT {target} ;\n" if op == "put" else ""
    # one update, one transaction: a reader never sees the graph half replaced
    inside = lines if isinstance(graph, ox.DefaultGraph) else f"GRAPH {graph} {{\n{lines}\n}}"
    store.update(f"{drop}INSERT DATA {{\n{inside}\n}}")
    return {"status": 201 if not exists else 204}, b""


def main(argv: list[str]) -> int:
    """Serve requests from standard input on the store at ``argv[0]`` (mode ``argv[1]``: read-only or writable)."""
    location, mode, prefixes = argv[0], argv[1], json.loads(argv[2])
    store = ox.Store(location) if mode == "writable" else ox.Store.read_only(location)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    send(stdout, {"status": 200, "message": "ready"})
    while (message := receive(stdin)) is not None:
        header, body = message
        try:
            answer, content = _answer(store, header, body, prefixes)
        except SyntaxError as exc:
            answer, content = {"status": 400, "message": f"SPARQL or RDF syntax error: {exc}"}, b""
        except (OSError, ValueError, RuntimeError) as exc:
            answer, content = {"status": 500, "message": f"the store failed: {exc}"}, b""
        send(stdout, answer, content)
        if header["op"] in ("update", "put", "post", "delete"):
            store.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
