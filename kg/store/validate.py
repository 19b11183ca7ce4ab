"""SHACL validation of kg graphs (pySHACL, RDFS inference over the ontology) and a sanity check of the ontology.

The core constraints of ontology/shapes.ttl run in pySHACL; its SPARQL constraints run in Oxigraph, once over the whole
graph (pySHACL would run them once per node, which takes minutes on an archive). ``validate`` checks the union of all
graphs of a file, output folder or store against ontology/shapes.ttl: named graphs are merged first because an article
graph refers to entities described in the entities graph. Warnings (``sh:Warning``) are reported but do not make a graph
fail.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from kg.errors import OntologyError
from kg.graph.vocab import KG_NS, ontology_dir, ontology_graph
from kg.publish.export import union_graph
from kg.store.query import display, execute, list_queries
from kg.store.store import add_ontology, open_source, oxigraph_quads, read_dataset

SH = Namespace("http://www.w3.org/ns/shacl#")

_KG_TERM = re.compile(r"\bkg:([A-Za-z][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Finding:
    """One SHACL result: the node, the property path, the message and its severity."""

    severity: str  # "Violation", "Warning" or "Info"
    focus: str
    path: str
    message: str
    value: str
    shape: str


@dataclass
class ValidationReport:
    """The outcome of ``validate``: whether the graph conforms and every finding."""

    source: str
    triples: int
    conforms: bool
    findings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        """Findings of severity Violation (the ones that make the graph fail)."""
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        """Findings of severity Warning."""
        return [f for f in self.findings if f.severity == "Warning"]

    def text(self, limit: int = 50) -> str:
        """A human-readable report: a summary line and up to ``limit`` findings, grouped by message."""
        status = "conforms" if self.conforms else "does NOT conform"
        lines = [
            f"{self.source}: {status} to the kg shapes ({self.triples} triples, "
            f"{len(self.violations)} violation(s), {len(self.warnings)} warning(s))"
        ]
        ordered = sorted(self.findings, key=lambda f: (f.severity != "Violation", f.message, f.focus, f.path))
        for finding in ordered[:limit]:
            value = f" value {finding.value}" if finding.value else ""
            path = f" {finding.path}" if finding.path else ""
            lines.append(f"  {finding.severity}: {finding.focus}{path}{value}: {finding.message}")
        if len(ordered) > limit:
            lines.append(f"  … and {len(ordered) - limit} more")
        return "\n".join(lines) + "\n"


def shapes_path() -> Path:
    """ontology/shapes.ttl."""
    return ontology_dir() / "shapes.ttl"


def _show(graph: Graph, node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        # a property path or an anonymous shape: show its sh:path when it has one
        inner = graph.value(node, SH.path)
        return _show(graph, inner) if inner is not None else "[]"
    if isinstance(node, Literal):
        return repr(str(node))
    return display(node)


@dataclass(frozen=True)
class _SparqlCheck:
    """A SHACL-SPARQL constraint of a shape, run over the whole graph at once."""

    message: str
    query: str


def _sparql_checks(shapes: Graph) -> list[_SparqlCheck]:
    """The shapes' SPARQL constraints as whole-graph Oxigraph queries restricted to each shape's targets.

    pySHACL runs a SPARQL constraint once per focus node through rdflib (some 40 s for 10k triples); the same
    SELECT with ``$this`` left free, run once by Oxigraph, finds every violating node in well under a second.
    """
    checks = []
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql), key=lambda pair: (str(pair[0]), str(pair[1]))):
        select = str(shapes.value(constraint, SH.select))
        message = str(shapes.value(constraint, SH.message) or "SPARQL constraint not met")
        prefixes = []
        for declaration_holder in shapes.objects(constraint, SH.prefixes):
            for declaration in shapes.objects(declaration_holder, SH.declare):
                prefix = shapes.value(declaration, SH.prefix)
                namespace = shapes.value(declaration, SH.namespace)
                prefixes.append(f"PREFIX {prefix}: <{namespace}>")
        targets = [
            f"{{ ?this a/<{RDFS.subClassOf}>* <{c}> }}" for c in sorted(shapes.objects(shape, SH.targetClass), key=str)
        ]
        targets += [f"{{ ?this <{p}> [] }}" for p in sorted(shapes.objects(shape, SH.targetSubjectsOf), key=str)]
        body = select.replace("$this", "?this")
        where = re.search(r"WHERE\s*\{", body, re.I)
        if where is None or not targets:
            raise OntologyError(f"shapes.ttl: cannot run the SPARQL constraint of {shape} (no WHERE or no target)")
        target = " UNION ".join(targets)
        body = "SELECT DISTINCT ?this " + body[where.start() : where.end()] + f" {target} " + body[where.end() :]
        checks.append(_SparqlCheck(message=message, query="\n".join(prefixes) + "\n" + body))
    return checks


def validate_graph(data: Graph, source: str = "graph", store: ox.Store | None = None) -> ValidationReport:
    """Validate an rdflib graph against ontology/shapes.ttl with RDFS inference over the ontology.

    Core constraints run in pySHACL; the SPARQL constraints run in Oxigraph over ``store`` (built from ``data``
    when not given).
    """
    shapes = Graph().parse(shapes_path(), format="turtle")
    checks = _sparql_checks(shapes)
    for triple in list(shapes.triples((None, SH.sparql, None))):
        shapes.remove(triple)
    conforms, results, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology_graph(),
        inference="rdfs",
        allow_warnings=True,
    )
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        message = results.value(result, SH.resultMessage)
        findings.append(
            Finding(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus=_show(results, results.value(result, SH.focusNode)),
                path=_show(results, results.value(result, SH.resultPath)),
                message=str(message) if message else "constraint not met",
                value=_show(results, results.value(result, SH.value)),
                shape=_show(results, results.value(result, SH.sourceShape)),
            )
        )
    if store is None:
        store = ox.Store()
        store.extend(oxigraph_quads(data))
    add_ontology(store)
    for check in checks:
        for row in execute(store, check.query).rows:
            findings.append(Finding("Violation", _show(results, row[0]), "", check.message, "", "sparql"))
    findings.sort(key=lambda f: (f.severity, f.focus, f.path, f.message, f.value))
    failed = any(f.severity == "Violation" for f in findings)
    return ValidationReport(source=source, triples=len(data), conforms=bool(conforms) and not failed, findings=findings)


def validate(path: str | os.PathLike[str]) -> ValidationReport:
    """Validate a graph file, kg output folder or store (all its graphs together) against the kg shapes.

    Malformed input raises GraphParseError with the line and column; the report says whether the graph conforms.
    """
    data = union_graph(read_dataset(path))
    return validate_graph(data, source=str(path), store=open_source(path))


# ------------------------------------------------------------------------------------------------- ontology check

_EXTERNAL_OK = ("http://www.w3.org/2001/XMLSchema#", str(RDF), str(RDFS), str(OWL))


def check_ontology() -> list[str]:
    """Problems in ontology/kg.ttl, shapes.ttl and the competency queries (empty when all is well).

    Every kg term used anywhere is declared; every declared class and property has an rdfs:label in Chinese and in
    English and a comment; every kg domain or range is a declared class (or a datatype); every kg class is under
    kg:Entity or another declared root and aligned (subclass of a term outside kg) or a subclass of a kg class.
    """
    graph = ontology_graph()
    problems: list[str] = []
    classes = {s for s in graph.subjects(RDF.type, OWL.Class) if str(s).startswith(KG_NS)}
    properties = {
        s
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
        for s in graph.subjects(RDF.type, kind)
        if str(s).startswith(KG_NS)
    }
    declared = classes | properties
    for term in sorted(declared, key=str):  # kg IRIs
        name = str(term)[len(KG_NS) :]
        languages = {getattr(label, "language", None) for label in graph.objects(term, RDFS.label)}
        for lang in ("zh", "en"):
            if lang not in languages:
                problems.append(f"kg:{name} has no rdfs:label@{lang}")
        if graph.value(term, RDFS.comment) is None:
            problems.append(f"kg:{name} has no rdfs:comment")
    for prop in sorted(properties, key=str):
        for relation in (RDFS.domain, RDFS.range):
            for target in graph.objects(prop, relation):
                target_iri = str(target)
                if target_iri.startswith(KG_NS) and target not in classes:
                    problems.append(
                        f"kg:{str(prop)[len(KG_NS) :]} has a dangling {display(relation)} {display(target)}"
                    )
                if not target_iri.startswith(KG_NS) and not target_iri.startswith(_EXTERNAL_OK):
                    if relation == RDFS.range and target != XSD.string:
                        problems.append(f"kg:{str(prop)[len(KG_NS) :]} has a range outside kg: {target_iri}")
    for klass in sorted(classes, key=str):
        if not list(graph.objects(klass, RDFS.subClassOf)):
            problems.append(f"kg:{str(klass)[len(KG_NS) :]} is not aligned (no rdfs:subClassOf)")
    # every kg: term used in the ontology, the shapes or the queries is declared
    used: dict[str, set[str]] = {}
    for triple in graph:
        for node in triple:
            if isinstance(node, URIRef) and str(node).startswith(KG_NS):
                used.setdefault(str(node)[len(KG_NS) :], set()).add("kg.ttl")
    shapes = Graph().parse(shapes_path(), format="turtle")
    for triple in shapes:
        for node in triple:
            if isinstance(node, URIRef) and str(node).startswith(KG_NS):
                used.setdefault(str(node)[len(KG_NS) :], set()).add("shapes.ttl")
    for item in list_queries():
        for name in _KG_TERM.findall(item.text):
            used.setdefault(name, set()).add(f"queries/{item.path.name}")
    names = {str(t)[len(KG_NS) :] for t in declared}
    for name in sorted(used):
        if name and name not in names:
            problems.append(f"kg:{name} is used in {', '.join(sorted(used[name]))} but not declared in kg.ttl")
    return problems
