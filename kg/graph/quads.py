"""A compact in-memory RDF dataset for the build path: every term as its N-Triples text, one set of triples per graph.

rdflib's ``Dataset`` costs about 2.7 KiB and several microseconds per quad, and each writer that walks it converts
every term to text again. Here a term is the string it is written as in N-Triples (``<iri>``, ``_:label``,
``"text"@zh``, ``"5"^^<datatype>``): hashing it is cheap (CPython caches a string's hash), N-Triples and N-Quads are
plain concatenations, and the other writers convert each distinct term once. :meth:`Quads.to_dataset` gives the rdflib
``Dataset`` for callers that want one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from rdflib import XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import IdentifiedNode, Node

from kg.errors import OutputError
from kg.graph.vocab import PREFIXES

#: A term in N-Triples syntax.
Term = str
Triple = tuple[Term, Term, Term]
#: (subject, predicate, object, graph); the graph is None for the default graph.
Quad = tuple[Term, Term, Term, Term | None]

_XSD_STRING = str(XSD.string)
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"})
# Most literals need no escape, and searching for one is much cheaper than translating every literal (the figures:
# bench/results/design_figures.md).
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r\t\b\f]')
_UNESCAPES = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
_ESCAPED = re.compile(r"\\(.)")
# Sort order of the kinds of term: IRIs, then blank nodes, then literals (keyed by the first character).
_KIND = {"<": 0, "_": 1, '"': 2}


# ------------------------------------------------------------------------------------------------- making terms


def iri(value: str) -> Term:
    """An IRI term."""
    return f"<{value}>"


def literal(text: str, lang: str | None = None, datatype: str | None = None) -> Term:
    """A literal term from its lexical form, with a language tag or a datatype IRI (xsd:string is left implicit)."""
    body = f'"{text.translate(_ESCAPES) if _NEEDS_ESCAPE.search(text) else text}"'
    if lang:
        return f"{body}@{lang}"
    if datatype is not None and datatype != _XSD_STRING:
        return f"{body}^^<{datatype}>"
    return body


def bnode_label(label: str) -> Term:
    """A blank node term. Labels are kept as given (made safe for N-Triples): kg's mapping names every node with an
    IRI, so any blank node comes from outside and its label is the only stable name it has."""
    return "_:" + re.sub(r"[^A-Za-z0-9_]", "_", label)


def nt_term(term: Node) -> Term:
    """An rdflib term in N-Triples syntax (absolute IRIs, full datatypes)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return bnode_label(str(term))
    if isinstance(term, Literal):
        return literal(str(term), term.language, None if term.datatype is None else str(term.datatype))
    raise OutputError(f"cannot serialise RDF term {term!r}")


# ------------------------------------------------------------------------------------------------- reading terms


def is_iri(term: Term) -> bool:
    """Whether ``term`` is an IRI."""
    return term[0] == "<"


def is_literal(term: Term) -> bool:
    """Whether ``term`` is a literal."""
    return term[0] == '"'


def sort_key(term: Term) -> tuple[int, Term]:
    """kg's order of terms: IRIs, blank nodes, literals, each by their N-Triples text."""
    return _KIND[term[0]], term


def unescape(text: str) -> str:
    """The text of an escaped literal body."""
    return _ESCAPED.sub(lambda m: _UNESCAPES.get(m.group(1), m.group(0)), text) if "\\" in text else text


def literal_parts(term: Term) -> tuple[str, str | None, str | None]:
    """(lexical form, language, datatype IRI) of a literal term; the datatype is None for a plain string."""
    end = term.rindex('"')
    text = unescape(term[1:end])
    tail = term[end + 1 :]
    if tail.startswith("@"):
        return text, tail[1:], None
    if tail.startswith("^^<"):
        return text, None, tail[3:-1]
    return text, None, None


def value(term: Term) -> str:
    """What rdflib's ``str()`` gives for the term: the IRI, the blank node label or the literal's lexical form."""
    kind = term[0]
    if kind == "<":
        return term[1:-1]
    if kind == "_":
        return term[2:]
    return literal_parts(term)[0]


def to_rdflib(term: Term) -> Node:
    """The rdflib term of an N-Triples term."""
    kind = term[0]
    if kind == "<":
        return URIRef(term[1:-1])
    if kind == "_":
        return BNode(term[2:])
    text, lang, datatype = literal_parts(term)
    return Literal(text, lang=lang, datatype=None if datatype is None else URIRef(datatype))


def _graph_name(node: Node) -> IdentifiedNode:
    if not isinstance(node, IdentifiedNode):
        raise OutputError(f"a graph is named by an IRI or a blank node, not {node!r}")
    return node


# ------------------------------------------------------------------------------------------------- rdflib datasets


def graph_name(name: Node | None) -> URIRef | None:
    """``None`` for the default graph, else the graph IRI (rdflib's Dataset uses a sentinel for the default graph)."""
    if name is None or str(name) == "urn:x-rdflib:default":
        return None
    return name  # type: ignore[return-value]


def iter_quads(dataset: Dataset | Graph) -> Iterator[tuple[Node, Node, Node, Node | None]]:
    """Every quad of an rdflib ``dataset`` as rdflib terms (a plain Graph gives default-graph quads)."""
    if isinstance(dataset, Dataset):
        for s, p, o, g in dataset.quads((None, None, None, None)):
            yield s, p, o, graph_name(g.identifier if isinstance(g, Graph) else g)
    else:
        for s, p, o in dataset:
            yield s, p, o, None


# ------------------------------------------------------------------------------------------------- the dataset


class Quads:
    """An RDF dataset as one set of (subject, predicate, object) N-Triples terms per graph (``None``: the default
    graph), keyed by the graph's IRI term."""

    def __init__(self) -> None:
        self.graphs: dict[Term | None, set[Triple]] = {}

    def graph(self, name: Term | None) -> set[Triple]:
        """The triples of graph ``name`` (created empty if needed); add to and remove from it directly."""
        triples = self.graphs.get(name)
        if triples is None:
            triples = self.graphs[name] = set()
        return triples

    def __len__(self) -> int:
        return sum(len(triples) for triples in self.graphs.values())

    def __iter__(self) -> Iterator[Quad]:
        for name, triples in self.graphs.items():
            for s, p, o in triples:
                yield s, p, o, name

    def union(self) -> set[Triple]:
        """The triples of all graphs together."""
        graphs = [triples for triples in self.graphs.values() if triples]
        return graphs[0] if len(graphs) == 1 else set().union(*graphs)

    @classmethod
    def from_rdflib(cls, dataset: Dataset | Graph) -> Quads:
        """The quads of an rdflib Dataset (a plain Graph gives default-graph triples)."""
        quads = cls()
        term = cache(nt_term)  # each distinct term converted once
        for s, p, o, g in iter_quads(dataset):
            quads.graph(None if g is None else term(g)).add((term(s), term(p), term(o)))
        return quads

    def to_dataset(self) -> Dataset:
        """The same quads as an rdflib Dataset, with kg's prefixes bound."""
        dataset = Dataset()
        for prefix, namespace in PREFIXES.items():
            dataset.bind(prefix, namespace)
        node = cache(to_rdflib)  # each distinct term converted once
        for name, triples in self.graphs.items():
            target = dataset.default_graph if name is None else dataset.graph(_graph_name(node(name)))
            for s, p, o in triples:
                target.add((node(s), node(p), node(o)))
        return dataset


#: What kg's writers and view take: kg's quads, or an rdflib Dataset or Graph (converted to quads first).
Data = Quads | Dataset | Graph


def as_quads(data: Data) -> Quads:
    """``data`` as kg's quads (rdflib datasets and graphs are converted)."""
    return data if isinstance(data, Quads) else Quads.from_rdflib(data)
