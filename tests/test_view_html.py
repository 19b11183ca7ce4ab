"""The HTML view built from RDF in kg's shape: what it shows, that it is offline, safe and deterministic."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import RDF, Graph, URIRef

from kg.cli import main
from kg.errors import GraphParseError, InputError, ViewError
from kg.graph.vocab import KG
from kg.view.data import node_classes, parse_point, read_view_graph
from kg.api import viz
from kg.store.store import load_graph
from kg.view.html import LABEL_CHARS, TEXT_CHARS, build_payload, render_html, write_html
from kg.view.layout import EDGE_LENGTH, compute_layout

from .view_graphs import B, HOSTILE_LABELS, hostile_graph, network_graph, rich_graph


def page_data(page: str) -> dict:
    """The JSON the page embeds."""
    match = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', page, re.S)
    assert match, "no data block"
    return json.loads(match.group(1))


def by_name(payload: dict) -> dict[str, dict]:
    return {node["name"]: node for node in payload["nodes"]}


def test_nodes_are_the_typed_entities_with_class_code_aliases_and_coordinates() -> None:
    payload = build_payload(rich_graph())
    nodes = by_name(payload)
    assert set(nodes) == {"乌海市", "海南区", "呼和浩特市", "内蒙古自治区", "海南区人民政府", "乌海市某新能源公司",
                          "张三", "李四", "副总经理", "合作协议签署"}
    wuhai = nodes["乌海市"]
    assert wuhai["cls"] == "City" and wuhai["code"] == "150300" and wuhai["level"] == 2
    assert wuhai["geo"] == [106.79, 39.65]
    assert wuhai["aliases"] == ["乌海"]
    assert "geo" not in nodes["张三"]
    assert payload["classes"]["City"]["zh"] == "地级市"
    # a class and its family share the shape; different families differ
    assert payload["classes"]["City"]["shape"] == payload["classes"]["District"]["shape"] == "square"
    assert payload["classes"]["Person"]["shape"] != payload["classes"]["City"]["shape"]
    assert payload["classes"]["City"]["colour"] != payload["classes"]["District"]["colour"]
    # ten nodes drawn, nine of them entities: a post (副总经理) is drawn but is not a kg:Entity (entity_count)
    assert payload["stats"]["shown"] == 10 and payload["stats"]["entities"] == 9


def test_edges_carry_zh_labels_and_evidence_sentences_with_their_article() -> None:
    payload = build_payload(rich_graph())
    nodes = {node["id"]: node["name"] for node in payload["nodes"]}
    edges = {(nodes[e["from"]], nodes[e["to"]]): e for e in payload["edges"]}
    located = edges[("乌海市某新能源公司", "乌海市")]
    assert located["preds"] == ["locatedIn"] and payload["predicates"]["locatedIn"]["zh"] == "位于"
    article_index, sentence, span = payload["sentences"][located["ev"][0]]
    assert sentence.startswith("乌海市海南区人民政府与")
    assert payload["articles"][article_index]["headline"] == "乌海推进新能源产业"
    assert span.startswith(B + "article/aaaa000000000001#char=0,")
    assert edges[("海南区", "乌海市")]["ev"] == []  # containment from the gazetteer has no sentence
    hohhot = by_name(payload)["呼和浩特市"]
    assert hohhot["qty"][0]["text"] == "8.08亿元" and payload["sentences"][hohhot["qty"][0]["ev"]][1].endswith("亿元。")


def test_co_mentions_are_marked_weak_and_do_not_count_for_importance() -> None:
    payload = build_payload(rich_graph())
    nodes = {node["id"]: node["name"] for node in payload["nodes"]}
    weak = sorted((nodes[e["from"]], nodes[e["to"]]) for e in payload["edges"] if e["weak"])
    assert weak == [("李四", "张三"), ("海南区人民政府", "乌海市")]
    # 李四 is only co-mentioned: the least important node, drawn smallest
    assert payload["nodes"][-1]["name"] == "李四"
    assert payload["nodes"][-1]["size"] == min(node["size"] for node in payload["nodes"])


def test_english_labels_on_request() -> None:
    page = render_html(rich_graph(), lang="en")
    data = page_data(page)
    assert data["lang"] == "en" and '<html lang="en">' in page
    assert data["predicates"]["containedIn"]["en"] == "contained in"
    with pytest.raises(ViewError):
        build_payload(rich_graph(), lang="fr")


def test_focus_page_holds_the_whole_graph_and_keeps_the_neighbourhood_first() -> None:
    """The page opens on the neighbourhood (drawn by the page, see the browser tests) and "Show all" shows the rest,
    so the payload holds every entity; when --max-nodes cuts, the neighbourhood is what stays."""
    payload = build_payload(rich_graph(), focus="乌海市", hops=1)
    assert len(payload["nodes"]) == 10
    assert payload["stats"]["focus"] == by_name(payload)["乌海市"]["id"] and payload["stats"]["hops"] == 1
    cut = by_name(build_payload(rich_graph(), focus="乌海市", hops=1, max_nodes=4))
    assert set(cut) == {"乌海市", "海南区", "内蒙古自治区", "乌海市某新能源公司"}
    two = build_payload(rich_graph(), focus="乌海", hops=2)  # an alias works too
    assert two["stats"]["focus"] == by_name(two)["乌海市"]["id"]
    payload = build_payload(rich_graph(), focus="乌海市", hops=0, max_nodes=1)
    assert [n["name"] for n in payload["nodes"]] == ["乌海市"]
    with pytest.raises(ViewError, match="no entity named"):
        build_payload(rich_graph(), focus="包头市")


def test_nodes_without_relations_are_laid_out_beside_their_article() -> None:
    """李四 has no stated relation (only a co-mention): drawn next to an entity of his article, not in a grid."""
    view = read_view_graph(rich_graph())
    payload = by_name(build_payload(view))
    lisi, anchor_names = payload["李四"], {"乌海市", "乌海市某新能源公司", "海南区人民政府", "张三", "海南区"}
    nearest = min((abs(n["x"] - lisi["x"]) + abs(n["y"] - lisi["y"]), name) for name, n in payload.items()
                  if name != "李四")
    assert nearest[1] in anchor_names and nearest[0] < 300
    graph = nx.Graph([("a", "b"), ("b", "c"), ("c", "a")])
    graph.add_nodes_from(["x", "y"])
    positions = compute_layout(graph, anchors={"x": "a"})
    distance = lambda u, v: ((positions[u][0] - positions[v][0]) ** 2 + (positions[u][1] - positions[v][1]) ** 2) ** .5
    assert distance("x", "a") < 1.5 * EDGE_LENGTH  # anchored: beside its anchor
    assert set(positions) == set(graph)  # y, with no anchor, still gets a place


def test_max_nodes_keeps_the_most_important_and_reports_what_is_left_out() -> None:
    payload = build_payload(rich_graph(), max_nodes=4)
    stats = payload["stats"]
    assert stats["shown"] == 4 and stats["omitted"] == 6 and stats["inScope"] == 10
    assert sum(stats["omittedByClass"].values()) == 6
    assert "乌海市某新能源公司" in by_name(payload)  # the best connected entity stays
    assert stats["omittedByClass"]["Person"] >= 1  # 李四 is among those left out
    kept = {n["id"] for n in payload["nodes"]}
    assert all(e["from"] in kept and e["to"] in kept for e in payload["edges"])
    with pytest.raises(ViewError):
        build_payload(rich_graph(), max_nodes=0)


def test_page_is_self_contained_and_requests_nothing() -> None:
    page = render_html(rich_graph())
    assert not re.search(r"<(?:script|img|iframe|link|audio|video|source)\b[^>]*\b(?:src|href)\s*=", page, re.I)
    assert "@import" not in page
    for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", page):
        assert url.startswith("data:"), url
    assert "vis.Network" in page
    assert not re.search(r"https?://[^\s\"']*(?:cdn|jsdelivr|unpkg|googleapis|bootstrap)", page, re.I)
    assert len(re.findall(r"^<script[ >]", page, re.M)) == 3  # vis-network, the data, the view code: all inline
    assert '<meta charset="utf-8">' in page


def test_same_graph_gives_the_same_bytes(tmp_path: Path) -> None:
    graph = rich_graph()
    shuffled = Graph()
    for triple in sorted(graph, reverse=True):
        shuffled.add(triple)
    first = write_html(graph, tmp_path / "a.html").read_bytes()
    second = write_html(shuffled, tmp_path / "b.html").read_bytes()
    assert first == second


def test_hostile_names_are_escaped_and_truncated() -> None:
    page = render_html(hostile_graph(), title='</title><script>window.kgPwned=1</script>')
    assert "window.kgPwned=1</script>" not in page
    assert "<img src=x" not in page
    assert "<title>&lt;/title&gt;&lt;script&gt;" in page
    data_block = re.search(r'type="application/json">(.*?)</script>', page, re.S).group(1)
    assert "<" not in data_block and ">" not in data_block and "\u2028" not in data_block
    data = page_data(page)
    names = {node["name"] for node in data["nodes"]}
    assert HOSTILE_LABELS[0] in names and HOSTILE_LABELS[2] in names  # kept verbatim as data
    assert all(len(node["label"]) <= LABEL_CHARS and len(node["name"]) <= TEXT_CHARS for node in data["nodes"])
    long = next(node for node in data["nodes"] if node["name"].startswith("超长名称"))
    assert long["label"].endswith("…") and long["name"].endswith("…")


def test_a_title_with_template_placeholders_is_kept_as_text() -> None:
    # Placeholders were replaced one after another, so a title holding "{{VIEW_JS}}" got the whole script pasted in.
    page = render_html(rich_graph(), title="{{VIEW_JS}} {{DATA}}")
    assert "<title>{{VIEW_JS}} {{DATA}}</title>" in page
    plain = render_html(rich_graph(), title="x")
    assert len(page) - len(plain) < 100  # nothing was pasted in for the title's placeholders


def test_empty_graph_page_says_so() -> None:
    payload = build_payload(Graph())
    assert payload["nodes"] == [] and payload["stats"]["entities"] == 0
    page = render_html(Graph())
    assert "图谱为空" in page


def test_wkt_points() -> None:
    assert parse_point("POINT(106.79 39.65)") == (106.79, 39.65)
    assert parse_point("<http://www.opengis.net/def/crs/OGC/1.3/CRS84> POINT(1 2)") == (1.0, 2.0)
    assert parse_point("POINT(200 10)") is None
    assert parse_point("LINESTRING(1 2, 3 4)") is None


def test_layout_is_deterministic_and_puts_linked_nodes_close() -> None:
    graph = nx.relabel_nodes(nx.connected_watts_strogatz_graph(300, 4, 0.05, seed=3), lambda i: f"n{i:03d}")
    graph.add_nodes_from(["single-a", "single-b"])
    first = compute_layout(graph)
    assert first == compute_layout(graph) and set(first) == set(graph)

    def dist(a: str, b: str) -> float:
        return ((first[a][0] - first[b][0]) ** 2 + (first[a][1] - first[b][1]) ** 2) ** 0.5

    linked = sum(dist(a, b) for a, b in graph.edges()) / graph.number_of_edges()
    nodes = sorted(graph)
    apart = sum(dist(nodes[i], nodes[(i * 7 + 150) % len(nodes)]) for i in range(len(nodes))) / len(nodes)
    assert linked * 3 < apart
    assert len(set(first.values())) == len(first)  # no two nodes on the same spot


def test_load_graph_reads_files_and_folders(tmp_path: Path) -> None:
    graph = rich_graph()
    (tmp_path / "graph.ttl").write_bytes(graph.serialize(format="turtle", encoding="utf-8"))
    loaded = load_graph(tmp_path)
    assert len(loaded) == len(graph)
    assert (URIRef(B + "place/150300"), RDF.type, KG.City) in loaded
    (tmp_path / "g.nt").write_bytes(graph.serialize(format="nt", encoding="utf-8"))
    assert len(load_graph(tmp_path / "g.nt")) == len(graph)
    with pytest.raises(InputError, match="no such file"):
        load_graph(tmp_path / "missing.ttl")
    (tmp_path / "g.trig").write_text(
        "<https://x/g1> { <https://x/a> <https://x/p> <https://x/b> . }\n"
        "<https://x/g2> { <https://x/a> <https://x/p> <https://x/c> . }\n", encoding="utf-8")
    assert len(load_graph(tmp_path / "g.trig")) == 2  # named graphs merged
    (tmp_path / "bad.ttl").write_text("<a> <b> .", encoding="utf-8")
    with pytest.raises(GraphParseError, match=r"bad\.ttl:1:"):
        load_graph(tmp_path / "bad.ttl")
    (tmp_path / "graph.docx").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="unknown RDF file type"):
        load_graph(tmp_path / "graph.docx")


def test_viz_library_and_command(tmp_path: Path) -> None:
    (tmp_path / "graph.ttl").write_bytes(rich_graph().serialize(format="turtle", encoding="utf-8"))
    out = viz(tmp_path, tmp_path / "view.html", focus="乌海市", hops=1)
    assert page_data(out.read_text(encoding="utf-8"))["stats"]["focus"] >= 0
    runner = CliRunner()
    result = runner.invoke(main, ["viz", str(tmp_path), "-o", str(tmp_path / "cli.html"), "--focus", "乌海市",
                                  "--hops", "1", "--max-nodes", "3"])
    assert result.exit_code == 0, result.output
    data = page_data((tmp_path / "cli.html").read_text(encoding="utf-8"))
    assert data["stats"]["shown"] == 3 and data["stats"]["omitted"] == 7
    assert "乌海市" in by_name(data)  # the focus is always kept, then its neighbourhood
    assert set(by_name(data)) <= {"乌海市", "海南区", "内蒙古自治区", "乌海市某新能源公司"}
    result = runner.invoke(main, ["viz", str(tmp_path), "-o", str(tmp_path / "x.html"), "--focus", "包头市"])
    assert result.exit_code == 1 and "包头市" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.html").exists()
    assert runner.invoke(main, ["viz", str(tmp_path / "nope")]).exit_code == 1
    assert runner.invoke(main, ["viz", str(tmp_path), "--max-nodes", "0"]).exit_code == 2


def test_sample_build_view_shows_every_entity(sample_build) -> None:
    page_path = next(p for p in sample_build.files if p.name == "graph.html")
    data = page_data(page_path.read_text(encoding="utf-8"))
    graph = load_graph(page_path.parent / "graph.ttl")
    classes = node_classes()
    typed = {s for s, o in graph.subject_objects(RDF.type) if str(o).split("#")[-1] in classes}
    assert len(data["nodes"]) == len(typed) == len(read_view_graph(graph).entities)
    assert "乌海市" in by_name(data)
    # articles without a headline are told apart by their opening words
    titles = [a["headline"] or a["opening"] for a in data["articles"]]
    assert all(titles) and len(set(titles)) == len(titles) > 1


def test_every_page_text_exists_in_both_languages() -> None:
    from importlib.resources import files

    from kg.view.html import UI

    script = (files("kg.view") / "templates" / "view.js").read_text(encoding="utf-8")
    used = set(re.findall(r'\bt\("(\w+)"\)', script)) | set(re.findall(r'fact\("(\w+)"', script))
    assert {"date", "file", "empty", "omitted"} <= used
    assert used and used <= set(UI["zh"]) and set(UI["zh"]) == set(UI["en"])


def test_most_specific_class_wins_and_untyped_things_are_not_nodes() -> None:
    graph = rich_graph()
    wuhai = URIRef(B + "place/150300")
    graph.add((wuhai, RDF.type, KG.AdministrativeArea))
    graph.add((wuhai, RDF.type, KG.Place))
    graph.add((URIRef(B + "thing/untyped"), KG.locatedIn, wuhai))
    view = read_view_graph(graph)
    assert view.entities[str(wuhai)].cls == "City"
    assert B + "thing/untyped" not in view.entities
    assert not any(B + "article/" in iri for iri in view.entities)  # articles, mentions, evidence are not nodes


def test_page_bytes_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """Set and subgraph iteration orders change with PYTHONHASHSEED; the page must not."""
    import os
    import subprocess
    import sys

    source = tmp_path / "graph.ttl"
    source.write_bytes((rich_graph() + network_graph()).serialize(format="turtle", encoding="utf-8"))
    pages = []
    for seed in ("1", "4242"):
        out = tmp_path / f"view-{seed}.html"
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        subprocess.run([sys.executable, "-m", "kg", "viz", str(source), "-o", str(out)], check=True, env=env,
                       capture_output=True)
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]


def test_quantities_read_as_printed_not_as_unit_codes(sample_build) -> None:
    """The panel lists a quantity as the page printed it (3座, 90%以上, 2330.27万元), never as a UN/CEFACT code."""
    page = next(p for p in sample_build.files if p.name == "graph.html")
    data = page_data(page.read_text(encoding="utf-8"))
    shown = [q for n in data["nodes"] for q in n.get("qty", [])]
    assert len(shown) > 20
    codes = {"C62", "P1", "CNY", "KMT", "MTK", "TNE"}
    assert not [q for q in shown if codes & {q["text"], q["thing"]}]
    assert any(q["text"].endswith("%以上") for q in shown) and any(q["text"].endswith("万元") for q in shown)
