"""Self-contained HTML network view of a kg graph, built with pyvis and vis-network inlined (works offline)."""

from __future__ import annotations

import html
import json
from importlib.resources import files
from pathlib import Path

import networkx as nx
from pyvis.network import Network
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from kg.rdf.export import atomic_write
from kg.rdf.vocab import KG_NS, class_label, declared_terms, is_subclass

FAMILY_COLOURS = {
    "Person": "#e6550d",
    "Place": "#3182bd",
    "Organization": "#31a354",
    "Work": "#756bb1",
    "Event": "#d6616b",
    "Facility": "#8c6d31",
    "Project": "#8c6d31",
    "Product": "#636363",
}
HIDDEN_PROPERTIES = {"coMentionedWith"}


def _vis_asset(name: str) -> str:
    return (files("pyvis") / "templates" / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")


def entity_network(graph: Graph) -> nx.MultiDiGraph:
    """The entity graph: nodes are typed entities (kg classes), edges the kg relations between them."""
    classes = set(declared_terms())
    network = nx.MultiDiGraph()
    # Sorted so that node order, and with it the seeded layout, does not depend on set iteration order.
    for subject, cls in sorted(graph.subject_objects(RDF.type)):
        name = str(cls)[len(KG_NS) :] if str(cls).startswith(KG_NS) else ""
        if name in classes and is_subclass(name, "Entity") and isinstance(subject, URIRef):
            label = next((str(o) for o in graph.objects(subject, RDFS.label) if isinstance(o, Literal)), str(subject))
            network.add_node(str(subject), label=label, cls=name)
    for subject, predicate, obj in sorted(graph):
        name = str(predicate)[len(KG_NS) :] if str(predicate).startswith(KG_NS) else ""
        if name and name not in HIDDEN_PROPERTIES and str(subject) in network and str(obj) in network:
            network.add_edge(str(subject), str(obj), key=name, label=class_label(name))
    return network


def _colour(cls: str) -> str:
    for family, colour in FAMILY_COLOURS.items():
        if is_subclass(cls, family):
            return colour
    return "#999999"


def render_html(graph: Graph, title: str = "kg") -> str:
    """The HTML page for ``graph`` as a string."""
    network = entity_network(graph)
    layout = nx.spring_layout(nx.Graph(network), seed=7, iterations=60, scale=600) if len(network) else {}
    view = Network(directed=True)
    for node in sorted(network.nodes):
        data = network.nodes[node]
        x, y = layout.get(node, (0.0, 0.0))
        view.add_node(
            node,
            label=data["label"][:24],
            title=f"{data['label']} ({class_label(data['cls'])})",
            color=_colour(data["cls"]),
            size=8 + 3 * network.degree(node),
            x=float(x),
            y=float(y),
        )
    for source, target, key in sorted(network.edges(keys=True)):
        view.add_edge(source, target, label=network.edges[source, target, key]["label"])
    nodes = json.dumps(view.nodes, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    edges = json.dumps(view.edges, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    template = (files("kg.view") / "templates" / "view.html").read_text(encoding="utf-8")
    return (
        template.replace("{{TITLE}}", html.escape(title))
        .replace("{{VIS_CSS}}", _vis_asset("vis-network.css"))
        .replace("{{VIS_JS}}", _vis_asset("vis-network.min.js").replace("</script", "<\\/script"))
        .replace("{{NODES}}", nodes)
        .replace("{{EDGES}}", edges)
        .replace("{{EMPTY}}", "" if len(network) else "图谱为空 — the graph has no entities.")
    )


def write_html(graph: Graph, path: Path, title: str = "kg") -> Path:
    """Write the HTML view of ``graph`` to ``path`` atomically."""
    atomic_write(Path(path), render_html(graph, title).encode("utf-8"))
    return Path(path)
