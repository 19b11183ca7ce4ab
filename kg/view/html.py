"""Self-contained, offline HTML view of a kg graph: a vis-network entity network (the vis-network build shipped inside
the pyvis package, inlined) with a legend, search, class and article filters, neighbourhoods, an evidence panel and a
map tab of places with coordinates. The page makes no request to any host and opens from file://.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import ViewError
from kg.graph.quads import Data
from kg.graph.vocab import class_label, entity_count, is_entity_class, is_subclass
from kg.runtime import atomic_write
from kg.view.data import WEAK_PROPERTY, Entity, ViewGraph, read_view_graph
from kg.view.layout import compute_layout

DEFAULT_MAX_NODES = 5000
LABEL_CHARS = 20  # longer names are cut on the canvas (the panel shows them whole)
TEXT_CHARS = 400  # hard cap for any one name or sentence embedded in the page
LANGS = ("zh", "en")

# One hue and one shape per family; subclasses get lighter or darker shades of their family's hue.
FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("Person", "#e6550d", "dot"),
    ("AdministrativeArea", "#2171b5", "square"),
    ("Place", "#6baed6", "triangle"),
    ("GovernmentBody", "#238b45", "diamond"),
    ("Organization", "#74c476", "diamond"),
    ("Work", "#756bb1", "triangleDown"),
    ("Event", "#d6616b", "star"),
    ("Facility", "#8c6d31", "hexagon"),
    ("Project", "#bd9e39", "hexagon"),
    ("Product", "#636363", "star"),
    ("Post", "#de9ed6", "dot"),
)
UI: dict[str, dict[str, str]] = {
    "zh": {
        "network": "关系网络",
        "map": "地图",
        "search": "搜索实体名称…",
        "classes": "类别",
        "allArticles": "全部文章",
        "comention": "显示共现链接",
        "labels": "English",
        "empty": "图谱为空：没有可显示的实体。",
        "class": "类别",
        "aliases": "别名",
        "code": "行政区划代码",
        "level": "行政级别",
        "coords": "坐标",
        "mentionedIn": "提及该实体的文章",
        "relations": "关系",
        "quantities": "数量事实",
        "evidence": "来源句子",
        "neighbourhood": "只看邻域",
        "hops": "跳",
        "showAll": "显示全部",
        "noEvidence": "（无来源句子）",
        "shown": "显示",
        "entities": "个实体",
        "links": "条关系",
        "omitted": "省略了重要性较低的",
        "focus": "邻域中心",
        "noPlaces": "没有带坐标的地点。",
        "noMatch": "无匹配",
        "showOnMap": "在地图上显示",
        "showInNetwork": "在网络中显示",
        "close": "关闭",
        "article": "文章",
        "iri": "IRI",
        "lonlat": "经度, 纬度",
        "weak": "共现（无明确关系）",
        "onlyArticle": "只看这篇文章的实体",
        "entityList": "实体",
        "date": "日期",
        "file": "文件",
    },
    "en": {
        "network": "Network",
        "map": "Map",
        "search": "Search a name…",
        "classes": "Classes",
        "allArticles": "All articles",
        "comention": "Show co-mention links",
        "labels": "中文",
        "empty": "The graph is empty: there are no entities to show.",
        "class": "Class",
        "aliases": "Aliases",
        "code": "Division code",
        "level": "Admin level",
        "coords": "Coordinates",
        "mentionedIn": "Mentioned in",
        "relations": "Relations",
        "quantities": "Quantities",
        "evidence": "Evidence",
        "neighbourhood": "Neighbourhood",
        "hops": "hops",
        "showAll": "Show all",
        "noEvidence": "(no source sentence)",
        "shown": "Showing",
        "entities": "entities",
        "links": "links",
        "omitted": "left out, least important",
        "focus": "Centred on",
        "noPlaces": "No places with coordinates.",
        "noMatch": "No match",
        "showOnMap": "Show on map",
        "showInNetwork": "Show in network",
        "close": "Close",
        "article": "Article",
        "iri": "IRI",
        "lonlat": "lon, lat",
        "weak": "co-mentioned (no stated relation)",
        "onlyArticle": "Only this article's entities",
        "entityList": "Entities",
        "date": "Date",
        "file": "File",
    },
}


def _asset(package: str, *parts: str) -> str:
    resource = files(package)
    for part in parts:
        resource = resource / part
    return resource.read_text(encoding="utf-8")


@cache
def _vis_assets() -> tuple[str, str]:
    """vis-network's CSS and JS as shipped in the pyvis package (used inline: pyvis's own modes fetch from CDNs)."""
    css = _asset("pyvis", "templates", "lib", "vis-9.1.2", "vis-network.css")
    js = _asset("pyvis", "templates", "lib", "vis-9.1.2", "vis-network.min.js")
    return css, js.replace("</script", "<\\/script")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _family(cls: str) -> tuple[str, str, str]:
    for family in FAMILIES:
        if is_subclass(cls, family[0]):
            return family
    return ("Entity", "#969696", "dot")


def _shade(colour: str, step: int) -> str:
    """``colour`` made lighter (odd steps) or darker (even steps) by a bounded amount."""
    if step == 0:
        return colour
    amount = min(0.12 * ((step + 1) // 2), 0.45) * (1 if step % 2 else -1)
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(c + (255 - c) * amount) if amount > 0 else round(c * (1 + amount)) for c in channels]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def class_styles(classes: Iterable[str]) -> dict[str, dict[str, str | int]]:
    """Colour, shape and zh/en labels for each class (stable: depends only on the sorted set of classes)."""
    by_family: dict[str, list[str]] = {}
    for cls in sorted(set(classes)):
        by_family.setdefault(_family(cls)[0], []).append(cls)
    styles: dict[str, dict[str, str | int]] = {}
    order = 0
    for family, colour, shape in (*FAMILIES, ("Entity", "#969696", "dot")):
        members = sorted(by_family.get(family, []), key=lambda c: (c != family, c))
        for step, cls in enumerate(members):
            styles[cls] = {
                "colour": _shade(colour, step),
                "shape": shape,
                "zh": class_label(cls, "zh"),
                "en": class_label(cls, "en"),
                "order": order,
                "entity": is_entity_class(cls),  # counted as an entity (posts are drawn but are not entities)
            }
            order += 1
    return styles


def importance(network: nx.Graph, view: ViewGraph) -> dict[str, float]:
    """Importance of each entity: its degree over stated relations (networkx), plus the articles mentioning it."""
    degree = dict(network.degree())
    return {iri: degree.get(iri, 0) + 0.5 * len(entity.articles) for iri, entity in view.entities.items()}


def _strong_network(view: ViewGraph, nodes: Iterable[str]) -> nx.Graph:
    network = nx.Graph()
    network.add_nodes_from(sorted(nodes))
    network.add_edges_from(
        (s, t) for (s, t), link in sorted(view.links.items()) if not link.weak and s in network and t in network
    )
    return network


def isolated_anchors(network: nx.Graph, view: ViewGraph, score: dict[str, float]) -> dict[str, str]:
    """For each entity without a stated relation, the entity it is drawn next to: the most important related entity
    of its articles, else of its class, else an isolated entity of its article seen before it (so that the names of
    one article stay together instead of in a far-away grid)."""
    linked = sorted((iri for iri in network if network.degree(iri)), key=lambda iri: (-score[iri], iri))
    by_article: dict[str, str] = {}
    by_class: dict[str, str] = {}
    for iri in linked:  # most important first: setdefault keeps the first
        for article in sorted(view.entities[iri].articles):
            by_article.setdefault(article, iri)
        by_class.setdefault(view.entities[iri].cls, iri)
    anchors: dict[str, str] = {}
    first_alone: dict[str, str] = {}
    for iri in sorted((iri for iri in network if not network.degree(iri)), key=lambda iri: (-score[iri], iri)):
        articles = sorted(view.entities[iri].articles)
        anchor = next((by_article[a] for a in articles if a in by_article), None)
        anchor = anchor or by_class.get(view.entities[iri].cls)
        anchor = anchor or next((first_alone[a] for a in articles if a in first_alone), None)
        if anchor:
            anchors[iri] = anchor
        for article in articles:
            first_alone.setdefault(article, iri)
    return anchors


def find_entity(view: ViewGraph, name: str) -> str:
    """The IRI of the entity called ``name`` (IRI, label or alias, in that order of preference); among equals the
    most mentioned one."""
    candidates = [
        entity for entity in view.entities.values() if name in (entity.iri, entity.label) or name in entity.aliases
    ]
    if not candidates:
        close = sorted(e.label for e in view.entities.values() if name in e.label or e.label in name)[:5]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise ViewError(f"no entity named {name!r} in the graph{hint}")

    def preference(entity: Entity) -> tuple[int, int, str]:
        how = 0 if entity.iri == name else 1 if entity.label == name else 2
        return how, -len(entity.articles), entity.iri

    return min(candidates, key=preference).iri


def build_payload(
    graph: Data | ViewGraph,
    *,
    title: str = "kg",
    focus: str | None = None,
    hops: int = 2,
    max_nodes: int = DEFAULT_MAX_NODES,
    lang: str = "zh",
) -> dict[str, Any]:
    """The data the page draws: nodes with positions and styles, edges with evidence, articles, legend and notes.

    ``graph`` is the RDF, or the view already read from it (:func:`kg.view.data.read_view_triples`)."""
    if lang not in LANGS:
        raise ViewError(f"unknown language {lang!r} (use one of {', '.join(LANGS)})")
    if max_nodes < 1:
        raise ViewError(f"--max-nodes must be at least 1 (got {max_nodes})")
    if hops < 0:
        raise ViewError(f"--hops must be 0 or more (got {hops})")
    view = graph if isinstance(graph, ViewGraph) else read_view_graph(graph)
    full = _strong_network(view, view.entities)
    score = importance(full, view)
    keep = set(view.entities)
    focus_iri = None
    near: set[str] = set()
    if focus:
        focus_iri = find_entity(view, focus)
        near = set(nx.single_source_shortest_path_length(full, focus_iri, cutoff=hops))
    omitted: Counter[str] = Counter()
    if len(keep) > max_nodes:
        # the focus and its neighbourhood first: the page opens on them, the rest is there for "Show all"
        ranked = sorted(keep, key=lambda iri: (iri != focus_iri, iri not in near, -score[iri], iri))
        keep = set(ranked[:max_nodes])
        omitted = Counter(view.entities[iri].cls for iri in ranked[max_nodes:])
    in_scope = len(keep) + sum(omitted.values())
    network = _strong_network(view, keep)
    positions = compute_layout(network, anchors=isolated_anchors(network, view, score))
    styles = class_styles({view.entities[iri].cls for iri in keep} | set(omitted))  # omitted: named in the notice
    order = sorted(keep, key=lambda iri: (-score[iri], iri))
    index = {iri: i for i, iri in enumerate(order)}
    kept_links = [(key, link) for key, link in sorted(view.links.items()) if key[0] in keep and key[1] in keep]
    articles = sorted(
        {a for iri in keep for a in view.entities[iri].articles}
        | {e.article for _, link in kept_links for e in link.evidence if e.article}
        | {e.article for iri in keep for e in view.entities[iri].evidence if e.article}
        | {q["article"] for iri in keep for q in view.entities[iri].quantities if q["article"]}
    )
    article_index = {iri: i for i, iri in enumerate(articles)}
    sentences: dict[tuple[str, str], tuple[int, str]] = {}

    def sentence(text: str, article: str, span: str) -> int:
        """Index of a sentence in the shared table (sentences are shared by many edges and nodes)."""
        if not text:
            return -1
        key = (span, _cut(text, TEXT_CHARS))
        return sentences.setdefault(key, (len(sentences), article))[0]

    def entity_row(entity: Entity) -> dict[str, Any]:
        x, y = positions[entity.iri]
        row: dict[str, Any] = {
            "id": index[entity.iri],
            "iri": entity.iri,
            "name": _cut(entity.label, TEXT_CHARS),
            "label": _cut(entity.label, LABEL_CHARS),
            "cls": entity.cls,
            "x": x,
            "y": y,
            "size": round(10 + 4 * min(score[entity.iri], 30) ** 0.8, 1),
            "arts": sorted(article_index[a] for a in entity.articles if a in article_index),
        }
        if entity.aliases:
            row["aliases"] = [_cut(a, TEXT_CHARS) for a in entity.aliases[:50]]
        if entity.code:
            row["code"] = _cut(entity.code, 40)
        if entity.level is not None:
            row["level"] = entity.level
        if entity.point:
            row["geo"] = [round(entity.point[0], 5), round(entity.point[1], 5)]
        if entity.evidence:
            row["ev"] = [sentence(e.text, e.article, e.span) for e in entity.evidence]
        if entity.quantities:
            row["qty"] = [
                {
                    "thing": _cut(q["thing"], TEXT_CHARS),
                    "text": _cut(q["text"], TEXT_CHARS),
                    "time": _cut(q["time"], 40),
                    "ev": sentence(q["sentence"], q["article"], q["span"]),
                }
                for q in entity.quantities[:100]
            ]
        return row

    nodes = [entity_row(view.entities[iri]) for iri in order]
    edges: list[dict[str, Any]] = []
    for (source, target), link in kept_links:
        edges.append(
            {
                "id": len(edges),
                "from": index[source],
                "to": index[target],
                "preds": sorted(link.predicates),
                "weak": link.weak,
                "ev": [sentence(e.text, e.article, e.span) for e in link.evidence],
            }
        )
    article_rows = [
        {
            "iri": iri,
            "headline": _cut(view.articles[iri].headline, TEXT_CHARS) if iri in view.articles else "",
            "opening": view.articles[iri].opening if iri in view.articles else "",
            "date": view.articles[iri].date if iri in view.articles else "",
            "file": _cut(view.articles[iri].file, 200) if iri in view.articles else "",
        }
        for iri in articles
    ]
    sentence_rows = [
        [article_index.get(article, -1), text, span]
        for (span, text), (_, article) in sorted(sentences.items(), key=lambda item: item[1][0])
    ]
    predicate_names = sorted({p for edge in edges for p in edge["preds"]} | {WEAK_PROPERTY})
    return {
        "title": title,
        "lang": lang,
        "ui": UI,
        "classes": styles,
        "predicates": {p: {"zh": class_label(p, "zh"), "en": class_label(p, "en")} for p in predicate_names},
        "nodes": nodes,
        "edges": edges,
        "articles": article_rows,
        "sentences": sentence_rows,
        "stats": {
            "entities": entity_count(Counter(view.entities[iri].cls for iri in view.entities)),
            "inScope": in_scope,
            "shown": len(nodes),
            "edges": len(edges),
            "omitted": sum(omitted.values()),
            "omittedByClass": dict(sorted(omitted.items())),
            "focus": index.get(focus_iri, -1) if focus_iri else -1,
            "hops": hops,
        },
    }


def _script_json(data: object) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' survives, so no tag can be closed or opened."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def render_html(
    graph: Data | ViewGraph,
    title: str = "kg",
    *,
    focus: str | None = None,
    hops: int = 2,
    max_nodes: int = DEFAULT_MAX_NODES,
    lang: str = "zh",
) -> str:
    """The HTML page for ``graph`` as a string (see :func:`build_payload` for the options)."""
    payload = build_payload(graph, title=title, focus=focus, hops=hops, max_nodes=max_nodes, lang=lang)
    vis_css, vis_js = _vis_assets()
    page = _asset("kg.view", "templates", "view.html")
    parts = {
        "{{LANG}}": "zh" if lang == "zh" else "en",
        "{{TITLE}}": html.escape(_cut(title, 200)),
        "{{VIS_CSS}}": vis_css,
        "{{VIEW_CSS}}": _asset("kg.view", "templates", "view.css"),
        "{{VIS_JS}}": vis_js,
        "{{VIEW_JS}}": _asset("kg.view", "templates", "view.js").replace("</script", "<\\/script"),
        "{{DATA}}": _script_json(payload),
    }
    # One pass over the template: a value (a title, the data) that itself contains "{{...}}" is never expanded.
    return re.sub(r"\{\{[A-Z_]+\}\}", lambda match: parts.get(match.group(0), match.group(0)), page)


def write_html(
    graph: Data | ViewGraph,
    path: Path,
    title: str = "kg",
    *,
    focus: str | None = None,
    hops: int = 2,
    max_nodes: int = DEFAULT_MAX_NODES,
    lang: str = "zh",
) -> Path:
    """Write the HTML view of ``graph`` to ``path`` atomically and return the path."""
    page = render_html(graph, title, focus=focus, hops=hops, max_nodes=max_nodes, lang=lang)
    atomic_write(Path(path), page.encode("utf-8"))
    return Path(path)
