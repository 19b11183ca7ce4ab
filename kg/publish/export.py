"""Write a kg dataset to files: Turtle, N-Triples, N-Quads, TriG, JSON-LD, GraphML and GEXF.

The RDF writers are kg's own rather than rdflib's serialisers because rdflib's output order depends on Python's set
iteration order, which changes with ``PYTHONHASHSEED``; here every subject, predicate, object and graph is sorted, so
the same dataset always gives the same bytes. Each format is one function registered with :func:`kg.registry.writer`;
a :class:`Rendering` streams every format and the view from a dataset sorted on disk (:mod:`kg.graph.spill`), whatever
its size. Every file is written to a temporary name in the output folder and moved into place, so a reader never sees
half a file.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import RDF, RDFS, XSD, Dataset, Graph
from rdflib.namespace import SKOS

from kg.errors import OutputError
from kg.graph.quads import (
    Data,
    Term,
    Triple,
    as_quads,
    iri,
    iter_quads,
    literal_parts,
    sort_key,
    value,
)
from kg.graph.spill import QuadSpill, spill_of
from kg.graph.vocab import GEO, KG, KG_NS, NIF, PREFIXES, SCHEMA, ontology_dir, ontology_graph
from kg.registry import WRITERS, Writer, writer
from kg.runtime import atomic_write
from kg.settings import DEFAULT_BASE_IRI
from kg.view.data import read_view_triples, view_triples
from kg.view.html import write_html

DEFAULT_BASE = DEFAULT_BASE_IRI  # one constant, kept under its old name for the writers
ENTITIES_GRAPH = "graph/entities"
ARTICLE_GRAPH_PREFIX = "graph/article/"


class _Formats(Mapping[str, str]):
    """Export format -> file name, in the order they are written, read from :data:`kg.registry.WRITERS` (a format
    registered later is listed too)."""

    def __getitem__(self, name: str) -> str:
        if name not in WRITERS:
            raise KeyError(name)
        return WRITERS.get(name).file

    def __iter__(self) -> Iterator[str]:
        return iter(WRITERS.names())

    def __len__(self) -> int:
        return len(WRITERS.names())


#: file name of each export format, in the order they are written.
FORMATS: Mapping[str, str] = _Formats()

_TYPE = iri(str(RDF.type))
# Turtle's grammar for numbers and booleans: literals matching these may be written bare (2, 0.8, true) and read back
# with the same datatype and lexical form.
_BARE_LITERAL = {
    str(XSD.integer): re.compile(r"[+-]?[0-9]+"),
    str(XSD.decimal): re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    str(XSD.boolean): re.compile(r"true|false"),
}
_PN_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_PREDICATE_SEPARATOR = " ;\n    "
_JSON_PIECES = 1 << 14  # pieces of JSON-LD text joined before they are handed on


# ------------------------------------------------------------------------------------------------- terms


class _TurtleNames:
    """Shortens IRIs for Turtle and TriG: prefixed names for the known vocabularies, relative IRIs under the base."""

    def __init__(self, base: str | None, limit: int | None = None) -> None:
        self.base = base
        # longest namespace first so that nested namespaces pick the most specific prefix; grouped by their first
        # characters (as many as the shortest has), so that an IRI is compared only with the namespaces it may be in
        self.prefixes = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))
        self.opening = min(len(namespace) for _, namespace in self.prefixes)
        self.by_opening: dict[str, list[tuple[str, str]]] = {}
        for prefix, namespace in self.prefixes:
            self.by_opening.setdefault(namespace[: self.opening], []).append((prefix, namespace))
        self.terms: dict[Term, str] = {}
        # a writer streaming a large dataset gives a limit: the cache is emptied when it holds that many terms, so
        # its memory stays bounded while the vocabulary (predicates, types, datatypes) is soon made again
        self.limit = limit

    def iri(self, iri: str) -> str:
        """An IRI as a prefixed name, a relative IRI under the base, or an absolute <IRI>."""
        for prefix, namespace in self.by_opening.get(iri[: self.opening], ()):
            if iri.startswith(namespace) and _PN_LOCAL.fullmatch(iri[len(namespace) :]):
                return f"{prefix}:{iri[len(namespace) :]}"
        if self.base and iri.startswith(self.base) and len(iri) > len(self.base):
            return f"<{iri[len(self.base) :]}>"
        return f"<{iri}>"

    def term(self, term: Term) -> str:
        """Any term in Turtle syntax (bare numbers and booleans where Turtle reads them back unchanged)."""
        if term[-1] != ">":  # a blank node, a plain or a language-tagged literal: as in N-Triples
            return term
        text = self.terms.get(term)
        if text is None:
            if self.limit is not None and len(self.terms) >= self.limit:
                self.terms.clear()
            text = self.terms[term] = self._shorten(term)
        return text

    def _shorten(self, term: Term) -> str:
        if term[0] == "<":
            return "a" if term == _TYPE else self.iri(term[1:-1])
        end = term.rindex('"')  # a typed literal: "body"^^<datatype>
        body, datatype = term[1:end], term[end + 4 : -1]
        pattern = _BARE_LITERAL.get(datatype)
        if pattern is not None and pattern.fullmatch(body):
            return body
        return f"{term[: end + 1]}^^{self.iri(datatype)}"

    def header(self) -> str:
        """The @base and @prefix lines."""
        lines = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in sorted(PREFIXES.items())]
        if self.base:
            lines.insert(0, f"@base <{self.base}> .")
        return "\n".join(lines) + "\n"


def _sorted(terms: Iterable[Term]) -> list[Term]:
    return sorted(terms, key=sort_key)


Predicates = dict[Term, list[Term]]
Subjects = dict[Term, Predicates]
#: Subjects with their predicates, in kg's order of subjects.
SubjectStream = Iterable[tuple[Term, Predicates]]
#: Graphs (``None``: the default graph first, then named graphs in IRI order) with their subjects.
GraphStream = Iterable[tuple[Term | None, SubjectStream]]
#: The Turtle of one subject with its predicates.
Block = Callable[[Term, Predicates], str]


_LINES = 1 << 13  # lines joined before they are handed to the file writer
_CACHE_TERMS = 1 << 16  # bound of the term caches of the streaming Turtle and JSON-LD writers
VIEW = "view"  # the task of writing the view, beside the export formats
VIEW_FILE = "graph.html"


def _subjects(triples: Iterable[Triple]) -> SubjectStream:
    """Triples sorted by subject, grouped: each subject with the objects of each of its predicates."""
    subject: Term | None = None
    predicates: Predicates = {}
    for s, p, o in triples:
        if s != subject:
            if subject is not None:
                yield subject, predicates
            subject, predicates = s, {p: [o]}
            continue
        objects = predicates.get(p)
        if objects is None:
            predicates[p] = [o]
        else:
            objects.append(o)
    if subject is not None:
        yield subject, predicates


class _Triples:
    """The distinct triples of a spill, read again from disk on each iteration."""

    def __init__(self, spill: QuadSpill) -> None:
        self.spill = spill

    def __iter__(self) -> Iterator[Triple]:
        return self.spill.triples()


class Rendering:
    """The export files and the view of a :class:`~kg.graph.spill.QuadSpill`, each streamed from its sorted records
    through the registered writers (a :class:`kg.publish.outputs.Writer`)."""

    def __init__(self, spill: QuadSpill, base: str | None = DEFAULT_BASE) -> None:
        self.spill = spill
        self.base = base
        self.cache_terms = _CACHE_TERMS  # a bound on the term caches of the writers
        self._network: nx.MultiDiGraph | None = None

    def pieces(self, fmt: str) -> Iterable[str | bytes]:
        """The text of one export format in pieces (text, or its UTF-8 bytes)."""
        return export_format(fmt).pieces(self)

    def text(self, fmt: str) -> str:
        """The text of one export format."""
        return "".join(piece if isinstance(piece, str) else piece.decode("utf-8") for piece in self.pieces(fmt))

    def turtle(self) -> Iterator[str]:
        """Turtle: the union of all graphs, grouped by subject."""
        names = _TurtleNames(self.base, self.cache_terms)
        return turtle_pieces(names, _subjects(self.spill.triples()), self._block(names))

    def trig(self) -> Iterator[str]:
        """TriG: the default graph, then each named graph in IRI order."""
        names = _TurtleNames(self.base, self.cache_terms)
        return trig_pieces(names, self.graph_stream(), self._block(names))

    def triples(self) -> Iterator[Triple]:
        """The distinct triples of all graphs together, in order."""
        return self.spill.triples()

    @staticmethod
    def _block(names: _TurtleNames) -> Block:
        return lambda subject, predicates: _turtle_subject(subject, predicates, names)

    def graph_stream(self) -> GraphStream:
        """Each non-empty graph in order with its subjects in order."""
        for name in self.spill.graph_names():
            yield name, _subjects(self.spill.graph_triples(name))

    def nquads(self) -> Iterator[bytes]:
        """N-Quads: the records are the lines in their order."""
        for records in self.spill.record_bytes():
            # "s\tp\to\t\n" (default graph) -> "s p o .\n"; "s\tp\to\tg\n" -> "s p o g .\n" (no term holds a tab or
            # a newline, so a block is rewritten as a whole)
            yield records.replace(b"\t\n", b"\n").replace(b"\t", b" ").replace(b"\n", b" .\n")

    def ntriples(self) -> Iterator[bytes]:
        """N-Triples: the distinct triples of the records, in order."""
        previous = b""
        for records in self.spill.record_bytes():
            lines = records.split(b"\n")
            lines.pop()
            triples = [line[: line.rindex(b"\t")] for line in lines]
            # a triple in several graphs is written once: its records are next to each other
            distinct = [t for t, before in zip(triples, [previous, *triples], strict=False) if t != before]
            previous = triples[-1]
            if distinct:
                yield (b" .\n".join(distinct) + b" .\n").replace(b"\t", b" ")

    def entity_network(self) -> nx.MultiDiGraph:
        """The entity network of GraphML and GEXF, made once."""
        if self._network is None:
            self._network = _entity_network(_Triples(self.spill), self.spill.matching(_network_predicates()))
        return self._network

    def write(self, task: str, out_dir: Path) -> None:
        """Write one export format or the view (``VIEW``) into ``out_dir``."""
        if task == VIEW:
            evidence = self.spill.matching([iri(str(KG.evidence))])
            write_html(read_view_triples(view_triples(_Triples(self.spill), evidence)), out_dir / VIEW_FILE, title="kg")
        else:
            atomic_write(Path(out_dir) / FORMATS[task], self.pieces(task))

    def keep_only(self, tasks: list[str]) -> None:
        """Drop the entity network once neither GraphML nor GEXF is still to be written."""
        if not {"graphml", "gexf"} & set(tasks):
            self._network = None


# The built-in export formats, in the order they are written. A writer gets a Rendering and returns the file's text
# in pieces; ``cost`` is CPU seconds per million quads
# (measured on the People's Daily archive) and ``shares`` groups formats that reuse each other's work.


@writer("ttl", "graph.ttl", cost=2.7, shares="subjects")
def turtle(rendering: Any) -> Iterable[str]:
    """Turtle: the union of all graphs, grouped by subject."""
    return rendering.turtle()


@writer("nt", "graph.nt", cost=0.8)
def ntriples(rendering: Any) -> Iterable[bytes]:
    """N-Triples: the union of all graphs, lines sorted."""
    return rendering.ntriples()


@writer("nq", "graph.nq", cost=0.65)
def nquads(rendering: Any) -> Iterable[bytes]:
    """N-Quads: every quad, lines sorted."""
    return rendering.nquads()


@writer("trig", "graph.trig", cost=2.5, shares="subjects")
def trig(rendering: Any) -> Iterable[str]:
    """TriG: the default graph, then each named graph in IRI order."""
    return rendering.trig()


@writer("jsonld", "graph.jsonld", cost=2.8, shares="subjects")
def jsonld(rendering: Any) -> Iterable[str]:
    """Compact JSON-LD with kg's @context inlined: one ``@graph`` object per named graph."""
    return jsonld_pieces(_JsonNodes(rendering.base, rendering.cache_terms), rendering.graph_stream())


@writer("graphml", "graph.graphml", cost=2.5, shares="network")
def graphml(rendering: Any) -> Iterable[str]:
    """GraphML of the entity network."""
    return network_pieces(rendering.entity_network(), "graphml")


@writer("gexf", "graph.gexf", cost=1.0, shares="network")
def gexf(rendering: Any) -> Iterable[str]:
    """GEXF 1.2 of the entity network."""
    return network_pieces(rendering.entity_network(), "gexf")


def export_format(fmt: str) -> Writer:
    """The registered export format ``fmt``; :class:`OutputError` naming the known ones otherwise."""
    if fmt not in WRITERS:
        raise OutputError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    return WRITERS.get(fmt)


def turtle_pieces(names: _TurtleNames, subjects: SubjectStream, block: Block) -> Iterator[str]:
    """Turtle of ``subjects`` (in order; ``block`` gives the text of one): the header, then the subjects' blocks
    separated by blank lines."""
    yield names.header()
    yield "\n"
    yield from _turtle_blocks(subjects, block)


def trig_pieces(names: _TurtleNames, graphs: GraphStream, block: Block) -> Iterator[str]:
    """TriG of ``graphs`` (in order; ``block`` gives the text of one subject): the header, the default graph's
    blocks, then each named graph's blocks indented in braces."""
    yield names.header()
    for name, subjects in graphs:
        if name is None:
            yield "\n"
            yield from _turtle_blocks(subjects, block)
        else:
            yield f"\n{names.term(name)} {{\n"
            yield from _turtle_blocks(subjects, block, indent="    ")
            yield "}\n"


def _turtle_blocks(subjects: SubjectStream, block: Block, indent: str = "") -> Iterator[str]:
    """The subjects' blocks in order, separated by blank lines and indented by ``indent``."""
    separator = ""
    for subject, predicates in subjects:
        text = block(subject, predicates)
        yield separator + (indent + text[:-1].replace("\n", "\n" + indent) + "\n" if indent else text)
        separator = "\n"


def _turtle_subject(subject: Term, predicates: dict[Term, list[Term]], names: _TurtleNames) -> str:
    term, made = names.term, names.terms.get  # a term made before is looked up without a call
    # rdf:type first (as "a"), then the other predicates in IRI order (predicates are IRIs: kg's order of terms is
    # their text's)
    order = sorted(p for p in predicates if p != _TYPE)
    if _TYPE in predicates:
        order.insert(0, _TYPE)
    parts = []
    for predicate in order:
        objects = predicates[predicate]
        if len(objects) > 1:
            objects = _sorted(objects)
        parts.append(f"{made(predicate) or term(predicate)} {', '.join([made(o) or term(o) for o in objects])}")
    return f"{made(subject) or term(subject)} {_PREDICATE_SEPARATOR.join(parts)} .\n"


# ------------------------------------------------------------------------------------------------- RDF formats


def to_turtle(data: Data, base: str | None = DEFAULT_BASE) -> str:
    """The union of all graphs as deterministic Turtle (prefixes declared, relative IRIs under ``base``)."""
    return render(data, "ttl", base)


def to_trig(data: Data, base: str | None = DEFAULT_BASE) -> str:
    """Deterministic TriG: the default graph's triples, then each named graph in IRI order."""
    return render(data, "trig", base)


def to_ntriples(data: Data) -> str:
    """The union of all graphs as sorted N-Triples."""
    return render(data, "nt")


def to_nquads(data: Data) -> str:
    """Every quad as sorted N-Quads (default-graph triples without a graph term)."""
    return render(data, "nq")


# ------------------------------------------------------------------------------------------------- JSON-LD

# Terms outside kg's namespace that kg's data uses, with their JSON-LD key and value coercion.
_EXTRA_TERMS: dict[str, tuple[str, dict[str, str]]] = {
    "label": (str(RDFS.label), {"@language": "zh"}),
    "comment": (str(RDFS.comment), {}),
    "altLabel": (str(SKOS.altLabel), {"@language": "zh"}),
    "beginIndex": (str(NIF.beginIndex), {"@type": str(XSD.nonNegativeInteger)}),
    "endIndex": (str(NIF.endIndex), {"@type": str(XSD.nonNegativeInteger)}),
    "anchorOf": (str(NIF.anchorOf), {}),
    "value": (str(SCHEMA.value), {"@type": str(XSD.decimal)}),
    "unitCode": (str(SCHEMA.unitCode), {}),
    "unitText": (str(SCHEMA.unitText), {}),
    "subject": (str(RDF.subject), {"@type": "@id"}),
    "predicate": (str(RDF.predicate), {"@type": "@id"}),
    "object": (str(RDF.object), {"@type": "@id"}),
    "hasGeometry": (str(GEO.hasGeometry), {"@type": "@id"}),
    "asWKT": (str(GEO.asWKT), {"@type": str(GEO.wktLiteral)}),
}


@cache
def _compact_iri(iri: str) -> str:
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


@cache
def build_context() -> dict[str, object]:
    """kg's published JSON-LD @context: prefixes plus one short key per property, with its value coercion.

    It is generated from ontology/kg.ttl (object properties take IRIs, datatype properties their declared datatype,
    rdf:langString ranges the language ``zh``) and committed as ontology/context.jsonld.
    """
    from rdflib import OWL

    onto = ontology_graph()
    context: dict[str, object] = {prefix: namespace for prefix, namespace in sorted(PREFIXES.items())}
    terms: dict[str, dict[str, str]] = {}
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in onto.subjects(RDF.type, kind):
            iri = str(prop)
            if not iri.startswith(KG_NS):
                continue
            definition = {"@id": _compact_iri(iri)}
            if kind == OWL.ObjectProperty:
                definition["@type"] = "@id"
            else:
                rng = onto.value(prop, RDFS.range)
                if rng == RDF.langString:
                    definition["@language"] = "zh"
                elif rng is not None and rng != XSD.string:
                    definition["@type"] = _compact_iri(str(rng))
            terms[iri[len(KG_NS) :]] = definition
    for key, (iri, coercion) in _EXTRA_TERMS.items():
        definition = {"@id": _compact_iri(iri)}
        definition.update({k: (_compact_iri(v) if k == "@type" and v != "@id" else v) for k, v in coercion.items()})
        terms[key] = definition
    for key in sorted(terms):
        context[key] = terms[key]
    return context


def _expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES else curie


@cache
def _terms_by_iri() -> dict[str, tuple[str, dict[str, str]]]:
    result = {}
    for key, definition in build_context().items():
        if isinstance(definition, dict):
            coercion = {
                k: (_expand(v) if k == "@type" and v != "@id" else v) for k, v in definition.items() if k != "@id"
            }
            result[_expand(definition["@id"])] = (key, coercion)
    return result


def _json_id(term: Term, base: str | None) -> str:
    if term[0] == "_":
        return term
    iri = term[1:-1]
    if base and iri.startswith(base) and len(iri) > len(base):
        return iri[len(base) :]
    return _compact_iri(iri) if any(iri.startswith(ns) for ns in PREFIXES.values()) else iri


class _JsonNodes:
    """Node objects of compact JSON-LD, with the conversion of each predicate, type and IRI done once."""

    def __init__(self, base: str | None, limit: int | None = None) -> None:
        self.base = base
        self.terms = _terms_by_iri()
        self.ids: dict[Term, str] = {}
        self.keys: dict[Term, tuple[str, dict[str, str]]] = {}
        self.limit = limit  # as in _TurtleNames: a bound on the cache of ids when streaming a large dataset

    def id(self, term: Term) -> str:
        found = self.ids.get(term)
        if found is None:
            if self.limit is not None and len(self.ids) >= self.limit:
                self.ids.clear()
            found = self.ids[term] = _json_id(term, self.base)
        return found

    def key(self, predicate: Term) -> tuple[str, dict[str, str]]:
        found = self.keys.get(predicate)
        if found is None:
            iri = value(predicate)
            found = self.keys[predicate] = self.terms.get(iri) or (_compact_iri(iri), {})
        return found

    def value(self, term: Term, coercion: dict[str, str]) -> object:
        """The compact value when it fits the key's coercion, else an explicit value object."""
        if term[0] != '"':
            return self.id(term) if coercion.get("@type") == "@id" else {"@id": self.id(term)}
        text, language, datatype = literal_parts(term)
        if language:
            return text if coercion.get("@language") == language else {"@value": text, "@language": language}
        if datatype is None:
            return text if not coercion else {"@value": text}
        if coercion.get("@type") == datatype:
            return text
        return {"@value": text, "@type": _compact_iri(datatype)}

    def node(self, subject: Term, predicates: Predicates) -> dict[str, object]:
        """The node object of one subject."""
        node: dict[str, object] = {"@id": self.id(subject)}
        if _TYPE in predicates:
            types = [_compact_iri(value(t)) for t in _sorted(predicates[_TYPE])]
            node["@type"] = types[0] if len(types) == 1 else types
        for predicate in sorted(predicates):  # IRIs: kg's order of terms is their text's
            if predicate == _TYPE:
                continue
            key, coercion = self.key(predicate)
            # a value that does not fit the key's coercion is written as a value object under the same key
            objects = predicates[predicate]
            if len(objects) == 1:
                node[key] = self.value(objects[0], coercion)
            else:
                node[key] = [self.value(o, coercion) for o in _sorted(objects)]
        return node


_encode_string = json.encoder.encode_basestring


def _dump(data: object, level: int, out: list[str]) -> None:
    """Append the text ``json.dumps(data, ensure_ascii=False, indent=1)`` gives at nesting ``level`` (strings,
    dicts and lists only) — the same bytes without the cost of the standard encoder's generators."""
    if isinstance(data, str):
        out.append(_encode_string(data))
        return
    if not data:
        out.append("{}" if isinstance(data, dict) else "[]")
        return
    if isinstance(data, dict):
        opening, closing = "{", "}"
        items = [(f"{_encode_string(key)}: ", item) for key, item in data.items()]
    else:
        opening, closing = "[", "]"
        items = [("", item) for item in data]  # type: ignore[attr-defined]
    inner = "\n" + " " * (level + 1)
    out.append(opening)
    separator = inner
    for key, item in items:
        out.append(separator + key)
        if isinstance(item, str):
            out.append(_encode_string(item))
        else:
            _dump(item, level + 1, out)
        separator = "," + inner
    out.append("\n" + " " * level + closing)


def jsonld_pieces(nodes: _JsonNodes, graphs: GraphStream) -> Iterator[str]:
    """The text ``json.dumps(document, ensure_ascii=False, indent=1)`` gives for the JSON-LD document of ``graphs``
    (non-empty, in order), ``{"@context": ..., "@graph": [...]}``, made one node object at a time: the default
    graph's nodes are items of the top-level ``@graph``, each named graph an item ``{"@id": ..., "@graph": [...]}``.
    """
    context: list[object] = [build_context()]
    if nodes.base:
        context.append({"@base": nodes.base})
    out = ['{\n "@context": ']
    _dump(context, 1, out)
    out.append(',\n "@graph": ')
    separator = "[\n  "  # between the items of the top-level @graph
    for name, subjects in graphs:
        if name is None:
            for subject, predicates in subjects:
                out.append(separator)
                _dump(nodes.node(subject, predicates), 2, out)
                separator = ",\n  "
                if len(out) >= _JSON_PIECES:
                    yield "".join(out)
                    out = []
            continue
        # _dump's layout of a graph object at level 2, whose @graph list (level 3) is never empty
        out.append(f'{separator}{{\n   "@id": {_encode_string(nodes.id(name))},\n   "@graph": [')
        inner = "\n    "
        for subject, predicates in subjects:
            out.append(inner)
            _dump(nodes.node(subject, predicates), 4, out)
            inner = ",\n    "
            if len(out) >= _JSON_PIECES:
                yield "".join(out)
                out = []
        out.append("\n   ]\n  }")
        separator = ",\n  "
    out.append("[]\n}\n" if separator == "[\n  " else "\n ]\n}\n")
    yield "".join(out)


def to_jsonld(data: Data, base: str | None = DEFAULT_BASE) -> str:
    """Compact JSON-LD with kg's @context inlined: one ``@graph`` object per named graph."""
    return render(data, "jsonld", base)


def context_file_text() -> str:
    """The text of ontology/context.jsonld as kg generates it."""
    return json.dumps({"@context": build_context()}, ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------------------------------------- network views


def _network_predicates() -> list[Term]:
    """The predicates whose triples give the entity network's nodes: types and labels."""
    return [_TYPE, iri(str(RDFS.label)), iri(str(KG.postTitle))]


def _entity_network(triples: Iterable[Triple], nodes: Iterable[Triple] | None = None) -> nx.MultiDiGraph:
    """The entity network of the distinct ``triples``, which are read twice (nodes, then edges between them): a set,
    or a stream that starts again on each iteration. ``nodes``, the triples of ``triples`` with one of
    :func:`_network_predicates` in order, spares the first reading when the caller can find them without it."""
    from kg.graph.vocab import is_subclass

    label, post_title, weak = iri(str(RDFS.label)), iri(str(KG.postTitle)), iri(str(KG.coMentionedWith))
    kg_prefix = "<" + KG_NS
    node_classes: dict[Term, bool] = {}  # kg class term -> whether its instances are nodes
    classes: dict[Term, list[str]] = defaultdict(list)
    labels: dict[Term, str] = {}
    for s, p, o in triples if nodes is None else nodes:
        if p == _TYPE:
            if o.startswith(kg_prefix):
                is_node = node_classes.get(o)
                if is_node is None:
                    name = o[len(kg_prefix) : -1]
                    is_node = node_classes[o] = name in KG and (is_subclass(name, "Entity") or name == "Post")
                if is_node:
                    classes[s].append(o[len(kg_prefix) : -1])
        elif p == label and o[0] == '"':
            text, language, _ = literal_parts(o)
            if language in (None, "zh"):
                labels[s] = min(labels.get(s, text), text)
        elif p == post_title and s not in labels:
            labels[s] = value(o)
    network = nx.MultiDiGraph()
    for node in _sorted(classes):
        node_class = sorted(classes[node])[0] if len(classes[node]) == 1 else _most_specific(classes[node])
        name = value(node)
        network.add_node(name, label=labels.get(node) or name.rsplit("/", 1)[-1], kgclass=node_class)
    edges = sorted(
        (
            (s, p, o)
            for s, p, o in triples
            if s in classes and o in classes and p != weak and p.startswith(kg_prefix) and p != _TYPE
        ),
        key=lambda t: (sort_key(t[0]), sort_key(t[1]), sort_key(t[2])),
    )
    for s, p, o in edges:
        source, relation, target = value(s), value(p), value(o)
        local = relation[len(KG_NS) :]
        # GraphML wants document-unique edge ids; a hash of the triple is unique and stable
        edge_id = "e" + hashlib.sha256(f"{source}\x1f{relation}\x1f{target}".encode()).hexdigest()[:16]
        network.add_edge(source, target, key=local, relation=local, label=local, edge_id=edge_id)
    return network


def entity_network(data: Data) -> nx.MultiDiGraph:
    """The entity graph for network analysis: entities as nodes (class, label), stated relations as typed edges.

    Nodes are the instances of kg:Entity subclasses (and posts); edges are plain kg: triples between two such nodes.
    The weak ``kg:coMentionedWith`` links are left out, as in every kg view.
    """
    return _entity_network(as_quads(data).union())


def network_pieces(network: nx.MultiDiGraph, fmt: str) -> list[str]:
    """The text of an entity network as GraphML or GEXF 1.2 (``fmt`` "graphml" or "gexf")."""
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(network, buffer, encoding="utf-8", prettyprint=True, edge_id_from_attribute="edge_id")
        return [buffer.getvalue().decode("utf-8").rstrip("\n") + "\n"]
    nx.write_gexf(network, buffer, encoding="utf-8", prettyprint=True, version="1.2draft")
    text = buffer.getvalue().decode("utf-8")
    # networkx stamps today's date into <meta>: drop it so the same input gives the same bytes on any day
    return [re.sub(r' lastmodifieddate="[^"]*"', "", text).rstrip("\n") + "\n"]


def _most_specific(names: Sequence[str]) -> str:
    from kg.graph.vocab import is_subclass

    candidates = [n for n in names if not any(m != n and is_subclass(m, n) for m in names)]
    return sorted(candidates or names)[0]


def to_graphml(data: Data) -> str:
    """The entity network as GraphML (opens in Gephi, Cytoscape, yEd), UTF-8 with readable Chinese labels."""
    return render(data, "graphml")


def to_gexf(data: Data) -> str:
    """The entity network as GEXF 1.2 (Gephi's own format)."""
    return render(data, "gexf")


# ------------------------------------------------------------------------------------------------- writing


def union_graph(dataset: Dataset | Graph) -> Graph:
    """All triples of every graph of ``dataset`` in one graph, with kg's prefixes bound."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for s, p, o, _ in iter_quads(dataset):
        graph.add((s, p, o))
    return graph


def render(data: Data, fmt: str, base: str | None = DEFAULT_BASE) -> str:
    """The text of one export format (a key of ``FORMATS``) of data held in memory (spilled first, so it is written
    by the same code as a build's files)."""
    with spill_of(data) as spill:
        return Rendering(spill, base).text(fmt)


def chosen_formats(formats: Iterable[str] | None) -> list[str]:
    """The export formats to write (all of ``FORMATS`` for None), each once; OutputError names unknown ones."""
    chosen = list(FORMATS) if formats is None else list(dict.fromkeys(formats))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise OutputError(f"unknown export format {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    return chosen


def write_format(rendering: Rendering, fmt: str, out_dir: str | os.PathLike[str]) -> Path:
    """Write one export format of ``rendering`` to its file in ``out_dir``; return the path."""
    path = Path(out_dir) / FORMATS[fmt]
    atomic_write(path, rendering.pieces(fmt))
    return path


def write_exports(
    data: Data,
    out_dir: str | os.PathLike[str],
    formats: Iterable[str] | None = None,
    base: str | None = DEFAULT_BASE,
) -> list[Path]:
    """Write ``data`` in each of ``formats`` (default: all of ``FORMATS``) to ``out_dir``; return the paths."""
    chosen = chosen_formats(formats)
    written = []
    with spill_of(data) as spill:
        rendering = Rendering(spill, base)
        for number, fmt in enumerate(chosen):
            written.append(write_format(rendering, fmt, out_dir))
            rendering.keep_only(chosen[number + 1 :])
    return written


def context_path() -> Path:
    """Where the published JSON-LD context lives (ontology/context.jsonld)."""
    return ontology_dir() / "context.jsonld"
