"""Oxigraph stores: open kg output (a graph file, an output folder or an on-disk store) and add documents to a store.

An on-disk store (RocksDB through pyoxigraph) holds one named graph per article plus the entities graph, as the
exports do. Adding an article that is already there replaces its named graph, so building the same documents twice
leaves the store unchanged; the entities graph only grows (it is the union of every batch's entity descriptions).
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import cast, overload

import pyoxigraph as ox
from rdflib import XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import IdentifiedNode, Node

from kg.errors import GraphParseError, InputError, StoreError
from kg.graph.quads import Data, as_quads, iter_quads, value
from kg.graph.spill import QuadSpill
from kg.graph.vocab import ONTOLOGY_IRI, PREFIXES, ontology_dir
from kg.publish.export import ENTITIES_GRAPH

#: file suffix → Oxigraph format, for graph files kg reads.
RDF_SUFFIXES: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}

# The file of a kg output folder to read, best first: N-Quads keeps the named graphs and parses fastest.
OUTPUT_FILES = ("graph.nq", "graph.trig", "graph.ttl", "graph.nt", "graph.jsonld")

_XSD_STRING = str(XSD.string)
_LOAD_TRIPLES = 200_000  # triples of a merged graph (entities, default) loaded at a time


# ------------------------------------------------------------------------------------------------- terms


@overload
def to_rdflib(term: ox.NamedNode | ox.BlankNode) -> IdentifiedNode: ...
@overload
def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node: ...
@overload
def to_rdflib(term: ox.DefaultGraph | None) -> None: ...
@overload
def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph | None) -> Node | None: ...
def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph | None) -> Node | None:
    """An Oxigraph term as the equal rdflib term (``None`` for the default graph); a quoted triple is refused."""
    if term is None or isinstance(term, ox.DefaultGraph):
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype))
    raise StoreError(f"unsupported RDF term {term!r}")


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as the equal Oxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(re.sub(r"[^A-Za-z0-9_]", "_", str(term)))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise StoreError(f"unsupported RDF term {term!r}")


def oxigraph_quads(dataset: Dataset | Graph) -> Iterator[ox.Quad]:
    """The quads of an rdflib dataset as Oxigraph quads."""
    # rdflib types every position of a quad as a Node; only the object of a valid one is a literal, and ox.Quad raises
    # a TypeError otherwise.
    for s, p, o, g in iter_quads(dataset):
        graph = ox.DefaultGraph() if g is None else cast("ox.NamedNode | ox.BlankNode", to_oxigraph(g))
        yield ox.Quad(
            cast("ox.NamedNode | ox.BlankNode", to_oxigraph(s)),
            cast("ox.NamedNode", to_oxigraph(p)),
            to_oxigraph(o),
            graph,
        )


# ------------------------------------------------------------------------------------------------- parsing


def _json_position(data: bytes) -> str:
    """Line and column of a JSON syntax error, or "" when the text is valid JSON."""
    try:
        json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return f" (byte {exc.start}: not UTF-8)"
    except json.JSONDecodeError as exc:
        return f" (line {exc.lineno}, column {exc.colno}: {exc.msg})"
    return ""


def parse_error(path: Path, exc: SyntaxError, data: bytes | None = None) -> GraphParseError:
    """A GraphParseError naming the file, line and column of a parser error."""
    message = str(exc.msg if getattr(exc, "msg", None) else exc)
    where = ""
    if getattr(exc, "lineno", None):
        where = f":{exc.lineno}:{exc.offset or 1}"
    elif data is not None and path.suffix in (".jsonld", ".json"):
        message += _json_position(data)
    return GraphParseError(f"{path}{where}: {message}")


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF format of a graph file, from its suffix."""
    fmt = RDF_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unknown RDF file type {path.suffix!r} (use {', '.join(sorted(RDF_SUFFIXES))})")
    return fmt


def load_file(store: ox.Store, path: Path) -> None:
    """Parse one graph file into ``store`` (all or nothing: a parse error leaves the store unchanged)."""
    store.extend(parse_file(path))


def is_store_dir(path: Path) -> bool:
    """Whether ``path`` holds an Oxigraph (RocksDB) store."""
    return path.is_dir() and (path / "CURRENT").is_file() and any(path.glob("MANIFEST-*"))


def output_file(folder: Path) -> Path:
    """The graph file of a kg output folder."""
    for name in OUTPUT_FILES:
        if (folder / name).is_file():
            return folder / name
    raise InputError(f"{folder} is neither a kg output folder (no {', '.join(OUTPUT_FILES)}) nor an Oxigraph store")


def _store_error(path: Path, exc: OSError) -> StoreError:
    text = str(exc)
    if "lock" in text.lower():
        return StoreError(f"store {path} is locked by another process (a running `kg build --store` or server?)")
    return StoreError(f"cannot open store {path}: {text}")


def add_ontology(store: ox.Store) -> None:
    """Load ontology/kg.ttl into its own named graph unless the store holds it already.

    Queries can then follow rdfs:subClassOf (``?x a/rdfs:subClassOf* kg:Organization``) and read labels of classes.
    """
    graph = ox.NamedNode(ONTOLOGY_IRI)
    if store.contains_named_graph(graph):
        return
    store.load(path=str(ontology_dir() / "kg.ttl"), format=ox.RdfFormat.TURTLE, to_graph=graph)


def open_source(source: str | os.PathLike[str], writable: bool = False, with_ontology: bool = False) -> ox.Store:
    """A store over SOURCE: an on-disk store (opened in place), or a graph file / kg output folder (loaded in memory).

    ``with_ontology`` adds the ontology graph to an in-memory store (an on-disk store gets it from ``add_to_store``).
    """
    path = Path(source)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if is_store_dir(path):
        try:
            return ox.Store(str(path)) if writable else ox.Store.read_only(str(path))
        except OSError as exc:
            raise _store_error(path, exc) from exc
    store = ox.Store()
    load_file(store, output_file(path) if path.is_dir() else path)
    if with_ontology:
        add_ontology(store)
    return store


def parse_file(path: Path) -> list[ox.Quad]:
    """The quads of a graph file exactly as written (GraphParseError with line and column on bad syntax)."""
    fmt = rdf_format(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        return list(ox.parse(data, format=fmt))
    except SyntaxError as exc:
        raise parse_error(path, exc, data) from exc


def source_quads(source: str | os.PathLike[str]) -> Iterable[ox.Quad]:
    """The quads of SOURCE: an Oxigraph store, a kg output folder (its richest graph file) or one RDF file."""
    path = Path(source)
    if is_store_dir(path):
        return open_source(path)
    if path.is_dir():
        return parse_file(output_file(path))
    if path.exists():
        return parse_file(path)
    raise InputError(f"{path}: no such file or folder (give a graph file, a kg output folder or a store)")


def read_dataset(source: str | os.PathLike[str]) -> Dataset:
    """SOURCE (file, output folder or store) as an rdflib Dataset with its named graphs.

    Files are parsed directly rather than through a store: an Oxigraph store keeps values, not lexical forms, so it
    would turn "12"^^xsd:nonNegativeInteger into "12"^^xsd:integer and "1.0" into "1".
    """
    dataset = Dataset()
    for quad in source_quads(source):
        graph = to_rdflib(quad.graph_name)
        target = dataset.default_graph if graph is None else dataset.graph(graph)
        target.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return dataset


# ------------------------------------------------------------------------------------------------- persistent store


def add_to_store(data: Data | QuadSpill, directory: str | os.PathLike[str]) -> dict[str, int]:
    """Add a built dataset (in memory, or spilled to disk) to the on-disk store in ``directory`` (created if needed).

    Each article graph replaces the graph of the same name (rebuilding an article does not duplicate it); the entities
    graph and the default graph are merged, in pieces of at most ``_LOAD_TRIPLES`` triples. Each article graph is
    written in one transaction. Returns counts of graphs replaced, graphs added and quads written.
    """
    graphs: Iterable[tuple[str | None, Iterable[tuple[str, str, str]]]]
    if isinstance(data, QuadSpill):
        graphs = data.graphs()  # one graph at a time from disk
    else:
        graphs = sorted((item for item in as_quads(data).graphs.items() if item[1]), key=lambda item: item[0] or "")
    path = Path(directory)
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} is a file, not a store folder")
    if path.is_dir() and any(path.iterdir()) and not is_store_dir(path):
        raise StoreError(f"{path} is not empty and is not an Oxigraph store; refusing to write into it")
    try:
        store = ox.Store(str(path))
    except OSError as exc:
        raise _store_error(path, exc) from exc
    counts = {"replaced": 0, "added": 0, "quads": 0}
    try:
        add_ontology(store)
        for name, triples in graphs:
            if name is None or name.endswith("/" + ENTITIES_GRAPH + ">"):
                target = ox.DefaultGraph() if name is None else ox.NamedNode(value(name))
                remaining = iter(triples)
                while piece := [f"{s} {p} {o} ." for s, p, o in itertools.islice(remaining, _LOAD_TRIPLES)]:
                    counts["quads"] += len(piece)
                    store.load("\n".join(piece), format=ox.RdfFormat.N_TRIPLES, to_graph=target)
                continue
            lines = [f"{s} {p} {o} ." for s, p, o in triples]
            counts["quads"] += len(lines)
            body = "\n".join(lines)
            counts["replaced" if store.contains_named_graph(ox.NamedNode(value(name))) else "added"] += 1
            # one update drops and refills the graph, so a reader never sees an article half replaced
            store.update(f"DROP SILENT GRAPH {name} ;\nINSERT DATA {{ GRAPH {name} {{\n{body}\n}} }}")
        store.flush()
    except OSError as exc:
        raise StoreError(f"writing to store {path} failed: {exc}") from exc
    finally:
        del store
    return counts


def load_graph(source: str | Path) -> Graph:
    """SOURCE (an RDF file, a kg output folder or an Oxigraph store) as one rdflib graph, named graphs merged.

    Parsed by pyoxigraph through :mod:`kg.store.store`, which names the file, line and column of a syntax error.
    """
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for quad in source_quads(source):
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph
