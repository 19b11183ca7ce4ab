"""Benchmark of the HTML view: file size, time to write the page and time to the first drawn frame in headless
Chromium, for synthetic graphs in kg's RDF shape of 100 / 1,000 / 5,000 entities with four relations per entity
(each with a statement and an evidence sentence), a class mix and coordinates on a fifth of the places.

    python bench/view_bench.py                 # prints a Markdown table
    python bench/view_bench.py --json bench/results/view.json --sizes 100 1000 5000

"First frame" is the page's own ``performance.now()`` when vis-network finished its first draw after loading
(navigation start = 0); "open" is the wall time from asking the browser to load the file to that moment.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import networkx as nx
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.graph.vocab import GEO, KG, NIF  # noqa: E402
from kg.view.html import DEFAULT_MAX_NODES, write_html  # noqa: E402

BASE = "https://w3id.org/kgnews/id/"
CLASSES = ("Person", "Company", "GovernmentBody", "City", "County", "Facility", "Law", "Event")
PREDICATES = ("worksFor", "cooperatesWith", "locatedIn", "builds", "investsIn", "participant", "issuedBy")
SYLLABLES = "乌海呼和浩特包头赤峰通辽鄂尔多斯巴彦淖尔阿拉善锡林郭勒兴安新能源汽车股份有限公司人民政府派出所"


def synthetic_graph(n: int, per_node: int = 4, seed: int = 11) -> Graph:
    """A graph of ``n`` entities and about ``per_node * n`` relations, each stated with evidence."""
    skeleton = nx.barabasi_albert_graph(n, per_node, seed=seed)
    graph = Graph()
    articles = [URIRef(f"{BASE}article/{i:016x}") for i in range(max(1, n // 20))]
    for i, art in enumerate(articles):
        graph.add((art, RDF.type, KG.Article))
        graph.add((art, KG.headline, Literal(f"第{i}篇报道", lang="zh")))
    nodes = []
    for i in range(n):
        cls = CLASSES[(i * 7) % len(CLASSES)]
        name = "".join(SYLLABLES[(i * k + k * k) % len(SYLLABLES)] for k in range(2, 7)) + str(i)
        node = URIRef(f"{BASE}{cls}/{quote(name)}")
        graph.add((node, RDF.type, KG[cls]))
        graph.add((node, RDFS.label, Literal(name, lang="zh")))
        graph.add((articles[i % len(articles)], KG.mentions, node))
        if cls in ("City", "County") and i % 5 == 0:
            geometry = URIRef(f"{node}/geometry")
            graph.add((node, GEO.hasGeometry, geometry))
            wkt = f"POINT({97 + (i * 37 % 2600) / 100} {37 + (i * 53 % 1000) / 100})"
            graph.add((geometry, GEO.asWKT, Literal(wkt, datatype=GEO.wktLiteral)))
        nodes.append(node)
    for k, (a, b) in enumerate(sorted(skeleton.edges())):
        predicate = KG[PREDICATES[k % len(PREDICATES)]]
        graph.add((nodes[a], predicate, nodes[b]))
        art = articles[k % len(articles)]
        evidence = URIRef(f"{art}#char={k // 4 * 40},{k // 4 * 40 + 40}")  # four relations per sentence
        if k % 4 == 0:
            graph.add((evidence, RDF.type, KG.Evidence))
            graph.add((evidence, KG.inArticle, art))
            graph.add((evidence, KG.sentenceText, Literal(f"句子{k}：{SYLLABLES[: 20 + k % 20]}。")))
            graph.add((evidence, NIF.beginIndex, Literal(k // 4 * 40, datatype=XSD.nonNegativeInteger)))
        statement = URIRef(f"{BASE}statement/{k:016x}")
        graph.add((statement, RDF.type, KG.Statement))
        graph.add((statement, RDF.subject, nodes[a]))
        graph.add((statement, RDF.predicate, predicate))
        graph.add((statement, RDF.object, nodes[b]))
        graph.add((statement, KG.evidence, evidence))
    return graph


def first_frame(page: Path) -> tuple[float, float]:
    """(page's time to first frame, wall time to open) in ms, in headless Chromium with the network off."""
    from kg.view.browser import console_errors, offline_chrome, open_view, outside_requests

    with offline_chrome() as driver:
        start = time.perf_counter()
        ready = open_view(driver, page, timeout=300)
        wall = (time.perf_counter() - start) * 1000
        errors, outside = console_errors(driver), outside_requests(driver)
        if errors or outside:
            raise RuntimeError(f"{page}: console errors {errors} or outside requests {outside}")
    return ready, wall


def run(sizes: list[int], browser: bool) -> list[dict[str, float | int | None]]:
    """Measure each size; return one row per size."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="kg-view-bench-") as tmp:
        for n in sizes:
            graph = synthetic_graph(n)
            page = Path(tmp) / f"view-{n}.html"
            start = time.perf_counter()
            write_html(graph, page, f"bench {n}", max_nodes=max(n, DEFAULT_MAX_NODES))
            render = time.perf_counter() - start
            data_edges = sum(1 for _ in graph.subjects(RDF.type, KG.Statement))
            ready, wall = first_frame(page) if browser else (None, None)
            rows.append({
                "nodes": n, "edges": data_edges, "triples": len(graph), "bytes": page.stat().st_size,
                "write_s": round(render, 2), "first_frame_ms": None if ready is None else round(ready),
                "open_ms": None if wall is None else round(wall),
            })
    return rows


def markdown(rows: list[dict[str, float | int | None]]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| entities | relations | triples | graph.html | write (s) | first frame (ms) | open (ms) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        size = f"{int(r['bytes']) / 1e6:.2f} MB"
        lines.append(
            f"| {r['nodes']:,} | {r['edges']:,} | {r['triples']:,} | {size} | {r['write_s']} | "
            f"{r['first_frame_ms'] if r['first_frame_ms'] is not None else '–'} | "
            f"{r['open_ms'] if r['open_ms'] is not None else '–'} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measurement")
    args = parser.parse_args()
    from kg.view.browser import available

    load = os.getloadavg()[0]  # the figures depend on what else the machine is doing
    rows = run(args.sizes, browser=not args.no_browser and available())
    print(markdown(rows))
    print(f"\n{os.cpu_count()} CPUs, load average {load:.1f} at the start")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        report = {"cpus": os.cpu_count(), "load_average": round(load, 1), "rows": rows}
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
