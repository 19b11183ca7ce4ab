"""Namespaces for the terms kg emits.

``KG`` is built from ``ontology/kg.ttl`` itself and refuses any name the ontology does not declare, so code cannot emit
an undeclared term. The other namespaces are the standard vocabularies kg aligns with.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, Graph, Namespace, URIRef
from rdflib.namespace import PROV, SKOS, ClosedNamespace

from kg.errors import OntologyError

ONTOLOGY_IRI = "https://w3id.org/kgnews/ontology"
KG_NS = ONTOLOGY_IRI + "#"

SCHEMA = Namespace("http://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
TIME = Namespace("http://www.w3.org/2006/time#")
DCTERMS = Namespace("http://purl.org/dc/terms/")

PREFIXES: dict[str, str] = {
    "kg": KG_NS,
    "schema": str(SCHEMA),
    "prov": str(PROV),
    "skos": str(SKOS),
    "org": str(ORG),
    "geo": str(GEO),
    "nif": str(NIF),
    "time": str(TIME),
    "dcterms": str(DCTERMS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
}


def ontology_dir() -> Path:
    """The folder holding kg.ttl and shapes.ttl: inside the installed package, or at the top of a checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "ontology", package.parent / "ontology"):
        if (candidate / "kg.ttl").is_file():
            return candidate
    raise OntologyError(f"ontology/kg.ttl not found next to the kg package ({package})")


@cache
def ontology_graph() -> Graph:
    """The parsed ontology (kg.ttl), cached for the process."""
    graph = Graph()
    graph.parse(ontology_dir() / "kg.ttl", format="turtle")
    return graph


@cache
def declared_terms() -> tuple[str, ...]:
    """Local names of every class and property declared in kg.ttl."""
    graph = ontology_graph()
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
    names = {
        str(term)[len(KG_NS) :]
        for kind in kinds
        for term in graph.subjects(RDF.type, kind)
        if isinstance(term, URIRef) and str(term).startswith(KG_NS)
    }
    return tuple(sorted(names))


class _KG:
    """Lazy proxy so that importing this module does not parse the ontology."""

    @cache  # noqa: B019 - one instance for the process
    def _namespace(self) -> ClosedNamespace:
        return ClosedNamespace(KG_NS, list(declared_terms()))

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, name: str) -> URIRef:
        try:
            return self._namespace()[name]
        except (AttributeError, KeyError):
            raise OntologyError(f"kg:{name} is not declared in ontology/kg.ttl") from None

    def __contains__(self, name: str) -> bool:
        return name in declared_terms()

    def __str__(self) -> str:
        return KG_NS


KG = _KG()


def is_entity_class(name: str) -> bool:
    """Whether instances of kg class ``name`` count as entities: kg:Entity and its subclasses (persons, places,
    organizations, works, facilities, events …), not posts, mentions, articles, statements or quantities."""
    return name in _declared_set() and is_subclass(name, "Entity")


@cache
def _declared_set() -> frozenset[str]:
    return frozenset(declared_terms())


def entity_count(class_counts: Mapping[str, int]) -> int:
    """The number of entities among instances counted per kg class (local names; one class per instance, as kg
    emits them). The one definition behind the build summary, ``kg stats`` and the view's status line."""
    return sum(count for name, count in class_counts.items() if is_entity_class(name))


def class_label(name: str, lang: str = "zh") -> str:
    """The ``rdfs:label`` of a kg class or property in ``lang`` (falls back to the local name)."""
    for label in ontology_graph().objects(KG[name], RDFS.label):
        if getattr(label, "language", None) == lang:
            return str(label)
    return name


@cache
def is_subclass(name: str, ancestor: str) -> bool:
    """Whether kg class ``name`` is ``ancestor`` or one of its subclasses (through rdfs:subClassOf); cached, as the
    ontology does not change within a process and the extraction stages ask this for every mention."""
    graph = ontology_graph()
    return KG[ancestor] in set(graph.transitive_objects(KG[name], RDFS.subClassOf))
