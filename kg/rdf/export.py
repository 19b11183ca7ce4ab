"""Write a kg dataset to files: Turtle, N-Triples, N-Quads, TriG, JSON-LD, GraphML and GEXF.

The RDF writers are kg's own rather than rdflib's serialisers because rdflib's output order depends on Python's set
iteration order, which changes with ``PYTHONHASHSEED``; here every subject, predicate, object and graph is sorted, so
the same dataset always gives the same bytes. Every file is written to a temporary name in the output folder and moved
into place, so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path

import networkx as nx
from rdflib import RDF, RDFS, XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from kg.errors import OutputError
from kg.rdf.vocab import GEO, KG_NS, NIF, PREFIXES, SCHEMA, ontology_dir, ontology_graph

DEFAULT_BASE = "https://w3id.org/kgnews/id/"
ENTITIES_GRAPH = "graph/entities"
ARTICLE_GRAPH_PREFIX = "graph/article/"

#: file name of each export format, in the order they are written.
FORMATS: dict[str, str] = {
    "ttl": "graph.ttl",
    "nt": "graph.nt",
    "nq": "graph.nq",
    "trig": "graph.trig",
    "jsonld": "graph.jsonld",
    "graphml": "graph.graphml",
    "gexf": "graph.gexf",
}

Quad = tuple[Node, Node, Node, Node | None]

# Turtle's grammar for numbers and booleans: literals matching these may be written bare (2, 0.8, true) and read back
# with the same datatype and lexical form.
_BARE_LITERAL = {
    str(XSD.integer): re.compile(r"[+-]?[0-9]+"),
    str(XSD.decimal): re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    str(XSD.boolean): re.compile(r"true|false"),
}
_PN_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_ESCAPES = str.maketrans(
    {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
)


# ------------------------------------------------------------------------------------------------- terms


def _escape(text: str) -> str:
    return text.translate(_ESCAPES)


def _bnode_label(node: BNode) -> str:
    # Blank node labels are kept as given: kg's mapping names every node with an IRI, so any blank node comes from
    # outside and its label is the only stable name it has.
    return "_:" + re.sub(r"[^A-Za-z0-9_]", "_", str(node))


def nt_term(term: Node) -> str:
    """A term in N-Triples syntax (absolute IRIs, full datatypes)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return _bnode_label(term)
    if isinstance(term, Literal):
        body = f'"{_escape(str(term))}"'
        if term.language:
            return f"{body}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{body}^^<{term.datatype}>"
        return body
    raise OutputError(f"cannot serialise RDF term {term!r}")


class _TurtleNames:
    """Shortens IRIs for Turtle and TriG: prefixed names for the known vocabularies, relative IRIs under the base."""

    def __init__(self, base: str | None) -> None:
        self.base = base
        # longest namespace first so that nested namespaces pick the most specific prefix
        self.prefixes = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))

    def iri(self, iri: str) -> str:
        """An IRI as a prefixed name, a relative IRI under the base, or an absolute <IRI>."""
        for prefix, namespace in self.prefixes:
            if iri.startswith(namespace) and _PN_LOCAL.fullmatch(iri[len(namespace) :]):
                return f"{prefix}:{iri[len(namespace):]}"
        if self.base and iri.startswith(self.base) and len(iri) > len(self.base):
            return f"<{iri[len(self.base):]}>"
        return f"<{iri}>"

    def term(self, term: Node) -> str:
        """Any term in Turtle syntax (bare numbers and booleans where Turtle reads them back unchanged)."""
        if isinstance(term, URIRef):
            return "a" if term == RDF.type else self.iri(str(term))
        if isinstance(term, Literal) and term.datatype is not None and not term.language:
            pattern = _BARE_LITERAL.get(str(term.datatype))
            if pattern is not None and pattern.fullmatch(str(term)):
                return str(term)
            if term.datatype != XSD.string:
                return f'"{_escape(str(term))}"^^{self.iri(str(term.datatype))}'
        return nt_term(term)

    def header(self) -> str:
        """The @base and @prefix lines."""
        lines = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in sorted(PREFIXES.items())]
        if self.base:
            lines.insert(0, f"@base <{self.base}> .")
        return "\n".join(lines) + "\n"


def _sort_key(term: Node) -> tuple[int, str]:
    kind = 0 if isinstance(term, URIRef) else 1 if isinstance(term, BNode) else 2
    return kind, nt_term(term)



# ------------------------------------------------------------------------------------------------- dataset access


def graph_name(name: Node | None) -> URIRef | None:
    """``None`` for the default graph, else the graph IRI (rdflib's Dataset uses a sentinel for the default graph)."""
    if name is None or str(name) == "urn:x-rdflib:default":
        return None
    return name  # type: ignore[return-value]


def iter_quads(dataset: Dataset | Graph) -> Iterator[Quad]:
    """Every quad of ``dataset`` (a plain Graph gives default-graph quads)."""
    if isinstance(dataset, Dataset):
        for s, p, o, g in dataset.quads((None, None, None, None)):
            yield s, p, o, graph_name(g.identifier if isinstance(g, Graph) else g)
    else:
        for s, p, o in dataset:
            yield s, p, o, None


def _grouped(triples: Iterable[tuple[Node, Node, Node]]) -> dict[Node, dict[Node, set[Node]]]:
    subjects: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
    for s, p, o in triples:
        subjects[s][p].add(o)
    return subjects


def _turtle_block(triples: Iterable[tuple[Node, Node, Node]], names: _TurtleNames, indent: str = "") -> str:
    subjects = _grouped(triples)
    blocks = []
    for subject in sorted(subjects, key=_sort_key):
        predicates = subjects[subject]
        # rdf:type first (as "a"), then the other predicates in IRI order
        order = sorted(predicates, key=lambda p: (p != RDF.type, _sort_key(p)))
        parts = []
        for predicate in order:
            objects = ", ".join(names.term(o) for o in sorted(predicates[predicate], key=_sort_key))
            parts.append(f"{names.term(predicate)} {objects}")
        joiner = f" ;\n{indent}    "
        blocks.append(f"{indent}{names.term(subject)} {joiner.join(parts)} .\n")
    return "\n".join(blocks)


# ------------------------------------------------------------------------------------------------- RDF formats


def to_turtle(dataset: Dataset | Graph, base: str | None = DEFAULT_BASE) -> str:
    """The union of all graphs as deterministic Turtle (prefixes declared, relative IRIs under ``base``)."""
    names = _TurtleNames(base)
    triples = {(s, p, o) for s, p, o, _ in iter_quads(dataset)}
    return names.header() + "\n" + _turtle_block(triples, names)


def to_trig(dataset: Dataset | Graph, base: str | None = DEFAULT_BASE) -> str:
    """Deterministic TriG: the default graph's triples, then each named graph in IRI order."""
    names = _TurtleNames(base)
    graphs: dict[URIRef | None, set[tuple[Node, Node, Node]]] = defaultdict(set)
    for s, p, o, g in iter_quads(dataset):
        graphs[g].add((s, p, o))
    out = [names.header()]
    if graphs.get(None):
        out.append("\n" + _turtle_block(graphs[None], names))
    for name in sorted((g for g in graphs if g is not None), key=_sort_key):
        out.append(f"\n{names.term(name)} {{\n" + _turtle_block(graphs[name], names, indent="    ") + "}\n")
    return "".join(out)


def to_ntriples(dataset: Dataset | Graph) -> str:
    """The union of all graphs as sorted N-Triples."""
    lines = {f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o, _ in iter_quads(dataset)}
    return "".join(sorted(lines))


def to_nquads(dataset: Dataset | Graph) -> str:
    """Every quad as sorted N-Quads (default-graph triples without a graph term)."""
    lines = set()
    for s, p, o, g in iter_quads(dataset):
        graph = f" {nt_term(g)}" if g is not None else ""
        lines.add(f"{nt_term(s)} {nt_term(p)} {nt_term(o)}{graph} .\n")
    return "".join(sorted(lines))


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


def _compact_iri(iri: str) -> str:
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
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


def _json_id(term: Node, base: str | None) -> str:
    if isinstance(term, BNode):
        return _bnode_label(term)
    iri = str(term)
    if base and iri.startswith(base) and len(iri) > len(base):
        return iri[len(base) :]
    return _compact_iri(iri) if any(iri.startswith(ns) for ns in PREFIXES.values()) else iri


def _json_value(term: Node, coercion: dict[str, str], base: str | None) -> object:
    """The compact value when it fits the key's coercion, else an explicit value object."""
    if isinstance(term, (URIRef, BNode)):
        return _json_id(term, base) if coercion.get("@type") == "@id" else {"@id": _json_id(term, base)}
    assert isinstance(term, Literal)
    text = str(term)
    if term.language:
        return text if coercion.get("@language") == term.language else {"@value": text, "@language": term.language}
    datatype = str(term.datatype) if term.datatype is not None else str(XSD.string)
    if datatype == str(XSD.string):
        return text if not coercion else {"@value": text}
    if coercion.get("@type") == datatype:
        return text
    return {"@value": text, "@type": _compact_iri(datatype)}


def _json_nodes(triples: Iterable[tuple[Node, Node, Node]], base: str | None) -> list[dict[str, object]]:
    terms = _terms_by_iri()
    nodes = []
    subjects = _grouped(triples)
    for subject in sorted(subjects, key=_sort_key):
        node: dict[str, object] = {"@id": _json_id(subject, base)}
        predicates = subjects[subject]
        if RDF.type in predicates:
            types = [_compact_iri(str(t)) for t in sorted(predicates[RDF.type], key=_sort_key)]
            node["@type"] = types[0] if len(types) == 1 else types
        for predicate in sorted(predicates, key=_sort_key):
            if predicate == RDF.type:
                continue
            key, coercion = terms.get(str(predicate), (_compact_iri(str(predicate)), {}))
            # a value that does not fit the key's coercion is written as a value object under the same key
            values = [_json_value(o, coercion, base) for o in sorted(predicates[predicate], key=_sort_key)]
            node[key] = values[0] if len(values) == 1 else values
        nodes.append(node)
    return nodes


def to_jsonld(dataset: Dataset | Graph, base: str | None = DEFAULT_BASE) -> str:
    """Compact JSON-LD with kg's @context inlined: one ``@graph`` object per named graph."""
    graphs: dict[URIRef | None, set[tuple[Node, Node, Node]]] = defaultdict(set)
    for s, p, o, g in iter_quads(dataset):
        graphs[g].add((s, p, o))
    context: list[object] = [build_context()]
    if base:
        context.append({"@base": base})
    top: list[dict[str, object]] = _json_nodes(graphs.get(None, ()), base)
    for name in sorted((g for g in graphs if g is not None), key=_sort_key):
        top.append({"@id": _json_id(name, base), "@graph": _json_nodes(graphs[name], base)})
    document = {"@context": context, "@graph": top}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def context_file_text() -> str:
    """The text of ontology/context.jsonld as kg generates it."""
    return json.dumps({"@context": build_context()}, ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------------------------------------- network views


def _label(labels: dict[Node, str], node: Node) -> str:
    return labels.get(node) or str(node).rsplit("/", 1)[-1]


def entity_network(dataset: Dataset | Graph) -> nx.MultiDiGraph:
    """The entity graph for network analysis: entities as nodes (class, label), stated relations as typed edges.

    Nodes are the instances of kg:Entity subclasses (and posts); edges are plain kg: triples between two such nodes.
    The weak ``kg:coMentionedWith`` links are left out, as in every kg view.
    """
    from kg.rdf.vocab import KG, is_subclass

    triples = {(s, p, o) for s, p, o, _ in iter_quads(dataset)}
    classes: dict[Node, list[str]] = defaultdict(list)
    labels: dict[Node, str] = {}
    for s, p, o in triples:
        if p == RDF.type and isinstance(o, URIRef) and str(o).startswith(KG_NS):
            name = str(o)[len(KG_NS) :]
            if name in KG and (is_subclass(name, "Entity") or name == "Post"):
                classes[s].append(name)
        elif p == RDFS.label and isinstance(o, Literal) and (o.language in (None, "zh")):
            labels[s] = min(labels.get(s, str(o)), str(o))
        elif p == KG.postTitle and s not in labels:
            labels[s] = str(o)
    network = nx.MultiDiGraph()
    for node in sorted(classes, key=_sort_key):
        node_class = sorted(classes[node])[0] if len(classes[node]) == 1 else _most_specific(classes[node])
        network.add_node(str(node), label=_label(labels, node), kgclass=node_class)
    weak = KG.coMentionedWith
    edges = sorted(
        (
            (s, p, o)
            for s, p, o in triples
            if s in classes and o in classes and p != weak and str(p).startswith(KG_NS) and p != RDF.type
        ),
        key=lambda t: tuple(_sort_key(x) for x in t),
    )
    for s, p, o in edges:
        local = str(p)[len(KG_NS) :]
        # GraphML wants document-unique edge ids; a hash of the triple is unique and stable
        edge_id = "e" + hashlib.sha256(f"{s}\x1f{p}\x1f{o}".encode()).hexdigest()[:16]
        network.add_edge(str(s), str(o), key=local, relation=local, label=local, edge_id=edge_id)
    return network


def _most_specific(names: Sequence[str]) -> str:
    from kg.rdf.vocab import is_subclass

    candidates = [n for n in names if not any(m != n and is_subclass(m, n) for m in names)]
    return sorted(candidates or names)[0]


def to_graphml(dataset: Dataset | Graph) -> str:
    """The entity network as GraphML (opens in Gephi, Cytoscape, yEd), UTF-8 with readable Chinese labels."""
    buffer = io.BytesIO()
    nx.write_graphml(entity_network(dataset), buffer, encoding="utf-8", prettyprint=True,
                     edge_id_from_attribute="edge_id")  # fmt: skip
    return buffer.getvalue().decode("utf-8").rstrip("\n") + "\n"


def to_gexf(dataset: Dataset | Graph) -> str:
    """The entity network as GEXF 1.2 (Gephi's own format)."""
    buffer = io.BytesIO()
    nx.write_gexf(entity_network(dataset), buffer, encoding="utf-8", prettyprint=True, version="1.2draft")
    text = buffer.getvalue().decode("utf-8")
    # networkx stamps today's date into <meta>: drop it so the same input gives the same bytes on any day
    return re.sub(r' lastmodifieddate="[^"]*"', "", text).rstrip("\n") + "\n"


# ------------------------------------------------------------------------------------------------- writing


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` through a temporary file in the same folder and a rename, so
    ``path`` is never left half-written."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files; give the usual permissions
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise OutputError(f"{path}: cannot write ({error.strerror or error})") from None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def union_graph(dataset: Dataset | Graph) -> Graph:
    """All triples of every graph of ``dataset`` in one graph, with kg's prefixes bound."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for s, p, o, _ in iter_quads(dataset):
        graph.add((s, p, o))
    return graph


def render(dataset: Dataset | Graph, fmt: str, base: str | None = DEFAULT_BASE) -> str:
    """The text of one export format (a key of ``FORMATS``)."""
    writers = {
        "ttl": lambda: to_turtle(dataset, base),
        "nt": lambda: to_ntriples(dataset),
        "nq": lambda: to_nquads(dataset),
        "trig": lambda: to_trig(dataset, base),
        "jsonld": lambda: to_jsonld(dataset, base),
        "graphml": lambda: to_graphml(dataset),
        "gexf": lambda: to_gexf(dataset),
    }
    if fmt not in writers:
        raise OutputError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    return writers[fmt]()


def write_exports(
    dataset: Dataset | Graph,
    out_dir: str | os.PathLike[str],
    formats: Iterable[str] | None = None,
    base: str | None = DEFAULT_BASE,
) -> list[Path]:
    """Write ``dataset`` in each of ``formats`` (default: all of ``FORMATS``) to ``out_dir``; return the paths."""
    chosen = list(FORMATS) if formats is None else list(dict.fromkeys(formats))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise OutputError(f"unknown export format {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    out = Path(out_dir)
    written = []
    for fmt in chosen:
        path = out / FORMATS[fmt]
        atomic_write(path, render(dataset, fmt, base))
        written.append(path)
    return written


def context_path() -> Path:
    """Where the published JSON-LD context lives (ontology/context.jsonld)."""
    return ontology_dir() / "context.jsonld"
