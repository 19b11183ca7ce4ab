"""The HTML view in a real browser: headless Chromium, network off, page opened from file://."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, Graph

from kg.view.data import node_classes
from kg.view.html import write_html

from ..view_graphs import HOSTILE_LABELS, hostile_graph, rich_graph
from kg.view.browser import available, console_errors, offline_chrome, open_view, outside_requests, requested_urls

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    if not available():
        pytest.skip("headless Chromium (chromium, chromium-driver) or selenium is not installed")
    with offline_chrome() as chrome:
        yield chrome


def canvas_nodes(driver: Any) -> int:
    """Nodes vis-network is drawing right now."""
    return driver.execute_script("return kgView.network.body.nodeIndices.length")


def canvas_edges(driver: Any) -> int:
    return driver.execute_script("return kgView.network.body.edgeIndices.length")


def entity_count(graph: Graph) -> int:
    classes = node_classes()
    return len({s for s, o in graph.subject_objects(RDF.type) if str(o).split("#")[-1] in classes})


def open_clean(driver: Any, page: Path) -> None:
    """Open ``page`` and check it drew with no console error and no request to any host."""
    requested_urls(driver)  # drop what earlier pages logged
    console_errors(driver)
    open_view(driver, page)
    assert console_errors(driver) == []
    assert outside_requests(driver) == []


def test_sample_page_offline(driver: Any, sample_build, tmp_path: Path) -> None:
    page = next(p for p in sample_build.files if p.name == "graph.html")
    open_clean(driver, page)
    graph = Graph().parse(page.parent / "graph.ttl")
    assert canvas_nodes(driver) == entity_count(graph) > 20
    search = driver.find_element("id", "search")
    search.clear()
    search.send_keys("乌海市")
    results = driver.find_elements("css selector", "#results li")
    assert results and results[0].text.startswith("乌海市")
    search.send_keys("\n")
    selected = driver.execute_script("return kgView.network.getSelectedNodes()")
    name = driver.execute_script("return kgView.data.nodes.find(n => n.id === arguments[0]).name", selected[0])
    assert name == "乌海市"
    assert driver.find_element("css selector", "#panel h2").text == "乌海市"
    # the map tab plots every place with coordinates, or says there are none
    driver.find_element("id", "tab-map").click()
    places = driver.execute_script("return kgView.data.nodes.filter(n => n.geo).length")
    dots = driver.find_elements("css selector", "#map circle.place")
    if places:
        assert len(dots) == places
    else:
        assert driver.find_element("css selector", "#map text.note").text == "没有带坐标的地点。"
    driver.find_element("id", "tab-network").click()
    shot = tmp_path / "view.png"
    driver.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert console_errors(driver) == [] and outside_requests(driver) == []


def test_filters_neighbourhood_co_mentions_and_map(driver: Any, tmp_path: Path) -> None:
    page = write_html(rich_graph(), tmp_path / "rich.html")
    open_clean(driver, page)
    data = driver.execute_script("return kgView.data")
    strong = sum(not e["weak"] for e in data["edges"])
    assert canvas_nodes(driver) == 10 and canvas_edges(driver) == strong  # co-mentions hidden by default
    driver.find_element("id", "show-weak").click()
    assert canvas_edges(driver) == len(data["edges"])
    driver.find_element("id", "show-weak").click()
    # class filter from the legend
    driver.find_element("css selector", '#legend li[data-cls="Person"]').click()
    assert canvas_nodes(driver) == 8  # 张三 and 李四 hidden
    driver.find_element("id", "show-all").click()
    assert canvas_nodes(driver) == 10
    # article filter
    driver.execute_script(
        "const s = document.getElementById('article-filter'); s.value = '1'; s.dispatchEvent(new Event('change'));"
    )
    assert canvas_nodes(driver) == 1  # only 呼和浩特市 is in the second article
    driver.find_element("id", "show-all").click()
    # neighbourhood by clicking in the page: select a node, then the panel's button
    driver.execute_script("kgView.select(kgView.find('乌海市')[0])")
    driver.find_element("id", "neighbourhood").click()
    neighbourhood = canvas_nodes(driver)
    assert 4 < neighbourhood < 10
    driver.find_element("id", "show-all").click()
    # evidence in the panel links back to the article
    driver.execute_script("kgView.select(kgView.find('乌海市某新能源公司')[0])")
    sentences = [e.text for e in driver.find_elements("css selector", "#panel .sentence")]
    assert any(s.startswith("乌海市海南区人民政府与") for s in sentences)
    driver.find_element("css selector", "#panel .src .link").click()
    assert driver.find_element("css selector", "#panel h2").text == "乌海推进新能源产业"
    # map tab: one dot per place with coordinates
    driver.find_element("id", "tab-map").click()
    dots = driver.find_elements("css selector", "#map circle.place")
    assert len(dots) == sum("geo" in n for n in data["nodes"]) == 4
    labels = {e.text for e in driver.find_elements("css selector", "#map text.place-label")}
    assert "乌海市" in labels and len(labels) >= 3  # 呼和浩特市 and 内蒙古自治区 nearly coincide: one label
    dots[-1].click()  # drawn last, on top: the most important place
    assert driver.find_element("css selector", "#panel h2").text == data["nodes"][
        min(n["id"] for n in data["nodes"] if "geo" in n)]["name"]
    assert len(driver.find_elements("css selector", "#map circle.place.selected")) == 1
    before = driver.find_element("css selector", "#map circle.place").get_attribute("cx")
    driver.execute_script(
        "document.getElementById('map').dispatchEvent(new WheelEvent('wheel', {deltaY: -100, clientX: 500, clientY: 300,"
        " bubbles: true, cancelable: true}))"
    )
    assert driver.find_element("css selector", "#map circle.place").get_attribute("cx") != before  # zoomed
    # a window of another size redraws the map to fit it (and only then: showing the pane does not redraw it twice)
    size = driver.get_window_size()
    view_box = "return document.getElementById('map').getAttribute('viewBox')"
    box = driver.execute_script(view_box)
    driver.set_window_size(size["width"] - 200, size["height"] - 100)
    deadline = time.monotonic() + 5
    while driver.execute_script(view_box) == box and time.monotonic() < deadline:
        time.sleep(0.05)
    assert box and driver.execute_script(view_box) != box
    driver.set_window_size(size["width"], size["height"])
    # English labels on request
    driver.find_element("id", "lang-toggle").click()
    assert driver.find_element("id", "tab-map").text == "Map"
    assert console_errors(driver) == [] and outside_requests(driver) == []


def test_hostile_names_stay_text(driver: Any, tmp_path: Path) -> None:
    page = write_html(hostile_graph(), tmp_path / "hostile.html", title="<script>window.kgPwned=1</script>")
    open_clean(driver, page)
    assert canvas_nodes(driver) == len(HOSTILE_LABELS)
    for index in range(len(HOSTILE_LABELS)):
        driver.execute_script("kgView.select(arguments[0])", index)
        time.sleep(0.05)
    driver.execute_script("kgView.select(kgView.find('</script><script>')[0])")
    assert driver.find_element("css selector", "#panel h2").text == HOSTILE_LABELS[0]
    assert driver.execute_script("return window.kgPwned === undefined")
    assert driver.title == "<script>window.kgPwned=1</script>"
    assert console_errors(driver) == [] and outside_requests(driver) == []


def test_empty_graph_says_so(driver: Any, tmp_path: Path) -> None:
    page = write_html(Graph(), tmp_path / "empty.html")
    open_clean(driver, page)
    empty = driver.find_element("id", "empty")
    assert empty.is_displayed() and "图谱为空" in empty.text


def test_harness_catches_outside_requests_and_errors(driver: Any, tmp_path: Path) -> None:
    """A control: a page that loads from a CDN and throws is caught by the same checks."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<img src="https://cdn.example.com/x.png"><script>window.kgView = {ready: true, readyMs: 1}; nope();</script>',
        encoding="utf-8",
    )
    requested_urls(driver)
    console_errors(driver)
    open_view(driver, page)
    time.sleep(0.3)
    assert outside_requests(driver) == ["https://cdn.example.com/x.png"]
    assert any("nope" in message for message in console_errors(driver))


def test_left_out_entities_are_reported(driver: Any, tmp_path: Path) -> None:
    page = write_html(rich_graph(), tmp_path / "limited.html", max_nodes=4)
    open_clean(driver, page)
    assert canvas_nodes(driver) == 4
    notice = driver.find_element("id", "notice")
    assert notice.is_displayed() and "4 / 10" in notice.text and "省略" in notice.text and "人物" in notice.text


def drawn_names(driver: Any) -> set[str]:
    """Names of the nodes vis-network is drawing right now (not what the status line says)."""
    return set(driver.execute_script(
        "const byId = new Map(kgView.data.nodes.map(n => [n.id, n.name]));"
        "return kgView.network.body.nodeIndices.map(id => byId.get(id))"
    ))


def strong_neighbourhood(data: dict, name: str, hops: int) -> set[str]:
    """Names within ``hops`` stated relations (co-mentions do not count) of the node called ``name``."""
    names = {n["id"]: n["name"] for n in data["nodes"]}
    reached = {next(i for i, n in names.items() if n == name)}
    for _ in range(hops):
        reached = reached | {end for e in data["edges"] if not e["weak"] for end in (e["from"], e["to"])
                             if {e["from"], e["to"]} & reached}
    return {names[i] for i in reached}


def test_first_click_of_each_control_changes_the_drawing(driver: Any, tmp_path: Path) -> None:
    """Each control is the first one touched on a freshly opened page, and the drawn node set (vis-network's own,
    not the status line) is checked right after it: the page once drew every filter one step behind."""
    from selenium.webdriver.support.ui import Select

    page = write_html(rich_graph(), tmp_path / "rich.html")
    open_clean(driver, page)
    data = driver.execute_script("return kgView.data")
    everyone = {n["name"] for n in data["nodes"]}
    assert drawn_names(driver) == everyone
    driver.find_element("css selector", '#legend li[data-cls="Person"]').click()
    assert drawn_names(driver) == everyone - {"张三", "李四"}
    assert driver.find_element("id", "status").text.startswith("显示 7 / 9 个实体")  # the post is drawn, not counted

    open_clean(driver, page)
    Select(driver.find_element("id", "article-filter")).select_by_value("1")
    assert drawn_names(driver) == {n["name"] for n in data["nodes"] if 1 in n["arts"]} == {"呼和浩特市"}

    open_clean(driver, page)
    driver.execute_script("kgView.select(kgView.find('乌海市')[0])")
    Select(driver.find_element("css selector", "#panel .actions select")).select_by_value("1")
    driver.find_element("id", "neighbourhood").click()
    assert drawn_names(driver) == strong_neighbourhood(data, "乌海市", 1) == {"乌海市", "海南区", "内蒙古自治区",
                                                                            "乌海市某新能源公司"}

    open_clean(driver, page)
    strong = driver.execute_script("return kgView.network.body.edgeIndices.length")
    assert driver.find_element("id", "weak-toggle").is_displayed()
    driver.find_element("id", "show-weak").click()
    assert canvas_edges(driver) == len(data["edges"]) > strong

    focused = write_html(rich_graph(), tmp_path / "focused.html", focus="乌海市", hops=2)
    open_clean(driver, focused)
    assert drawn_names(driver) == strong_neighbourhood(data, "乌海市", 2) != everyone  # 李四: only a co-mention
    driver.find_element("id", "show-all").click()
    assert drawn_names(driver) == everyone
    assert driver.find_element("id", "notice").is_displayed() is False  # no longer centred on 乌海市


def readable_labels(driver: Any) -> list[dict]:
    """Labels drawn at 12 px or more, with their boxes in page pixels, most important node first."""
    return driver.execute_script("""
        const network = kgView.network, scale = network.getScale(), out = [];
        for (const id of [...network.body.nodeIndices].sort((a, b) => a - b)) {
          const node = network.body.nodes[id];
          const px = node.options.font.size * scale;
          if (px < 12) continue;
          const s = node.labelModule.size;
          const a = network.canvasToDOM({x: s.left, y: s.top});
          const b = network.canvasToDOM({x: s.left + s.width, y: s.top + s.height});
          out.push({id, px, box: [a.x, a.y, b.x, b.y]});
        }
        return out;""")


@pytest.mark.parametrize("size", [(1400, 900), (1920, 1080)])
def test_names_of_important_nodes_read_at_opening(size: tuple[int, int], sample_build) -> None:
    if not available():
        pytest.skip("headless Chromium (chromium, chromium-driver) or selenium is not installed")
    page = next(p for p in sample_build.files if p.name == "graph.html")
    with offline_chrome(*size) as chrome:
        open_view(chrome, page)
        time.sleep(0.3)
        labels = readable_labels(chrome)
        assert len(labels) >= 15 and labels[0]["id"] == 0  # the most important node is named
        for i, one in enumerate(labels):
            for other in labels[i + 1:]:
                a, b = one["box"], other["box"]
                assert not (a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1), (one, other)
        # the co-mention checkbox is not offered where there is no co-mention link to show
        assert not chrome.find_element("id", "weak-toggle").is_displayed()
        # map: no dot covers another (places at nearly one point are moved apart, with a line to the true point)
        chrome.find_element("id", "tab-map").click()
        dots = chrome.execute_script(
            "return [...document.querySelectorAll('#map circle.place')].map(c => [+c.getAttribute('cx'), "
            "+c.getAttribute('cy'), +c.getAttribute('r')])"
        )
        assert len(dots) > 10
        for i, (x, y, r) in enumerate(dots):
            for x2, y2, r2 in dots[i + 1:]:
                assert (x - x2) ** 2 + (y - y2) ** 2 >= (r + r2) ** 2
