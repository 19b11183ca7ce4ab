"use strict";
// The kg page: builds the vis-network view, legend, search, filters, evidence panel and map from the JSON data.
// All text from the graph goes through textContent (never innerHTML), so names cannot inject markup.
(function () {
  const DATA = JSON.parse(document.getElementById("kg-data").textContent);
  const SVG_NS = "http://www.w3.org/2000/svg";
  const $ = (id) => document.getElementById(id);
  const state = {
    lang: DATA.lang,
    showWeak: false,
    hiddenClasses: new Set(),
    article: -1,
    focus: DATA.stats.focus,
    focusActive: DATA.stats.focus >= 0,
    hops: DATA.stats.hops,
    visible: new Set(),
  };
  const api = { ready: false, readyMs: null, data: DATA, network: null };
  window.kgView = api;
  const t = (key) => DATA.ui[state.lang][key];
  const nodes = DATA.nodes;
  const edges = DATA.edges;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const adjacency = new Map(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    adjacency.get(e.from).push(e);
    adjacency.get(e.to).push(e);
  }
  const names = nodes.map((n) => [n.name, ...(n.aliases || [])].map((s) => s.toLowerCase()));

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  const classLabel = (cls) => (DATA.classes[cls] ? DATA.classes[cls][state.lang] : cls);
  const predLabel = (p) => (DATA.predicates[p] ? DATA.predicates[p][state.lang] : p);
  const edgeLabel = (e) => e.preds.map(predLabel).join(" / ");
  const articleTitle = (a) => a.headline || a.opening || a.file || a.iri;

  // ------------------------------------------------------------------ visibility (filters and neighbourhood)
  const edgeAllowed = (e) => state.showWeak || !e.weak;
  function computeVisible() {
    let allowed = new Set();
    for (const n of nodes) {
      if (state.hiddenClasses.has(n.cls)) continue;
      if (state.article >= 0 && !n.arts.includes(state.article)) continue;
      allowed.add(n.id);
    }
    if (state.focusActive && byId.has(state.focus)) {
      allowed.add(state.focus);
      const reached = new Set([state.focus]);
      let frontier = [state.focus];
      for (let hop = 0; hop < state.hops && frontier.length; hop++) {
        const next = [];
        for (const id of frontier) {
          for (const e of adjacency.get(id)) {
            if (!edgeAllowed(e)) continue;
            const other = e.from === id ? e.to : e.from;
            if (allowed.has(other) && !reached.has(other)) {
              reached.add(other);
              next.push(other);
            }
          }
        }
        frontier = next;
      }
      allowed = reached;
    }
    state.visible = allowed;
  }

  // ------------------------------------------------------------------ network
  const big = nodes.length > 1500;
  const tooltip = (n) => {
    const box = el("div");
    box.appendChild(el("strong", n.name));
    box.appendChild(el("div", classLabel(n.cls)));
    if (n.aliases) box.appendChild(el("div", n.aliases.slice(0, 5).join("、")));
    return box;
  };
  const visNode = (n) => {
    const style = DATA.classes[n.cls] || { colour: "#969696", shape: "dot" };
    return {
      id: n.id, label: n.label, x: n.x, y: n.y, size: n.size, shape: style.shape, color: style.colour,
      title: big ? undefined : tooltip(n),
    };
  };
  const visEdge = (e) => ({
    id: e.id, from: e.from, to: e.to, label: edgeLabel(e), dashes: e.weak,
    color: e.weak ? { color: "#cccccc", highlight: "#999999" } : undefined,
  });
  const nodeSet = new vis.DataSet(nodes.map(visNode));
  const edgeSet = new vis.DataSet(edges.map(visEdge));
  // A DataView remembers the ids its filter passed when it was made and reports changes against them on refresh():
  // made with nothing visible yet, its first refresh would add what is already drawn and remove nothing, so every
  // filter would draw one step behind.
  computeVisible();
  const nodeView = new vis.DataView(nodeSet, { filter: (n) => state.visible.has(n.id) });
  const edgeView = new vis.DataView(edgeSet, {
    filter: (v) => {
      const e = edges[v.id];
      return edgeAllowed(e) && state.visible.has(e.from) && state.visible.has(e.to);
    },
  });
  const fontFace = getComputedStyle(document.body).fontFamily;

  function refresh(fit) {
    computeVisible();
    nodeView.refresh();
    edgeView.refresh();
    updateStatus();
    showNotice();
    if (fit && api.network) api.network.fit({ animation: false });
    sizeLabels();
    if (!$("map-pane").hidden) drawMap(true);
  }

  // Names readable at a glance: at the current zoom, the most important visible nodes whose names do not run into
  // each other get a font that draws at LABEL_PX pixels; the others keep the small font, drawn once zoomed in.
  const LABEL_PX = 14;
  const SMALL_FONT = 14;
  let bigLabels = new Set();
  function sizeLabels() {
    const network = api.network;
    if (!network) return;
    const scale = network.getScale();
    const rect = $("graph").getBoundingClientRect();
    const taken = [];
    const next = new Set();
    let considered = 0;
    for (const n of nodes) {  // most important first (the payload's order)
      if (!state.visible.has(n.id)) continue;
      // a few hundred candidates at most: the boxes are compared pairwise, and the 5,000th name is never wanted
      if (next.size >= 80 || ++considered > 400) break;
      const p = network.canvasToDOM({ x: n.x, y: n.y });
      const width = LABEL_PX * [...n.label].reduce((w, c) => w + (c.charCodeAt(0) > 0x2e7f ? 1 : 0.6), 0);
      const top = p.y + n.size * scale + 1;
      const box = [p.x - width / 2 - 2, top, p.x + width / 2 + 2, top + LABEL_PX + 4];
      if (box[2] < 0 || box[0] > rect.width || box[3] < 0 || box[1] > rect.height) continue;
      const dot = [p.x - n.size * scale, p.y - n.size * scale, p.x + n.size * scale, p.y + n.size * scale];
      if (taken.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3])) {
        taken.push(dot);
        continue;
      }
      taken.push(box, dot);
      next.add(n.id);
    }
    const size = Math.max(SMALL_FONT, LABEL_PX / scale);
    const changed = nodes.filter((n) => next.has(n.id) || bigLabels.has(n.id));
    nodeSet.update(changed.map((n) => ({ id: n.id, font: { size: next.has(n.id) ? size : SMALL_FONT } })));
    bigLabels = next;
  }

  function startNetwork() {
    computeVisible();
    const network = new vis.Network($("graph"), { nodes: nodeView, edges: edgeView }, {
      autoResize: true,
      physics: false,
      layout: { improvedLayout: false },
      interaction: {
        hover: !big, hideEdgesOnDrag: big, hideEdgesOnZoom: big, tooltipDelay: 150, multiselect: false,
      },
      nodes: {
        borderWidth: 1,
        font: { size: SMALL_FONT, face: fontFace, strokeWidth: 3, strokeColor: "#ffffff" },
        scaling: { label: { drawThreshold: 9 } },
      },
      edges: {
        arrows: { to: { enabled: true, scaleFactor: 0.5 } },
        smooth: false,
        width: 1,
        color: { color: "#9ecae1", highlight: "#08519c", hover: "#3182bd" },
        font: { size: 10, face: fontFace, color: "#555555", strokeWidth: 2, align: "middle" },
      },
    });
    api.network = network;
    network.on("click", (params) => {
      if (params.nodes.length) showNode(params.nodes[0]);
      else if (params.edges.length) showEdge(params.edges[0]);
    });
    // after a zoom or a pan other names fit: sized again once per frame at most
    let pending = false;
    const resize = () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        sizeLabels();
      });
    };
    network.on("zoom", resize);
    network.on("dragEnd", resize);
    network.on("doubleClick", (params) => {  // double-click: that entity's neighbourhood
      if (!params.nodes.length) return;
      state.focus = params.nodes[0];
      state.focusActive = true;
      refresh(true);
    });
    network.once("afterDrawing", () => {
      api.ready = true;
      api.readyMs = performance.now();
      document.body.dataset.ready = "1";
    });
    network.fit({ animation: false });
    sizeLabels();
  }

  // ------------------------------------------------------------------ status, notice, texts
  function updateStatus() {
    let shownEdges = 0;
    for (const e of edges) if (edgeAllowed(e) && state.visible.has(e.from) && state.visible.has(e.to)) shownEdges++;
    let shownEntities = 0;  // posts are drawn but are not entities (kg.rdf.vocab.entity_count)
    for (const id of state.visible) if (DATA.classes[byId.get(id).cls].entity) shownEntities++;
    $("status").textContent =
      `${t("shown")} ${shownEntities} / ${DATA.stats.entities} ${t("entities")} · ${shownEdges} ${t("links")}`;
  }

  function showNotice() {
    const parts = [];
    const s = DATA.stats;
    if (state.focusActive && byId.has(state.focus)) {
      parts.push(`${t("focus")}: ${byId.get(state.focus).name} (${state.hops} ${t("hops")})`);
    }
    if (s.omitted > 0) {
      const detail = Object.entries(s.omittedByClass).map(([cls, n]) => `${classLabel(cls)} ${n}`).join(", ");
      parts.push(`${t("shown")} ${s.shown} / ${s.inScope} ${t("entities")}; ${t("omitted")} ${s.omitted} ` +
        `${t("entities")} (${detail}) — kg viz --max-nodes`);
    }
    $("notice").hidden = parts.length === 0;
    $("notice").textContent = parts.join(" · ");
  }

  function applyTexts() {
    document.documentElement.lang = state.lang;
    $("title").textContent = DATA.title;
    $("tab-network").textContent = t("network");
    $("tab-map").textContent = t("map");
    $("search").placeholder = t("search");
    $("show-weak-label").textContent = t("comention");
    $("weak-toggle").hidden = !edges.some((e) => e.weak);  // a checkbox that could change nothing is not shown
    $("show-all").textContent = t("showAll");
    $("lang-toggle").textContent = t("labels");
    $("legend-title").textContent = t("classes");
    const select = $("article-filter");
    select.replaceChildren();
    select.appendChild(new Option(t("allArticles"), "-1"));
    DATA.articles.forEach((a, i) => {
      const name = articleTitle(a);
      select.appendChild(new Option(name.length > 40 ? name.slice(0, 39) + "…" : name, String(i)));
    });
    select.value = String(state.article);
    buildLegend();
    showNotice();
    updateStatus();
  }

  function buildLegend() {
    const counts = new Map();
    for (const n of nodes) counts.set(n.cls, (counts.get(n.cls) || 0) + 1);
    const list = $("legend-list");
    list.replaceChildren();
    const classes = [...counts.keys()].sort((a, b) => DATA.classes[a].order - DATA.classes[b].order);
    for (const cls of classes) {
      const style = DATA.classes[cls];
      const item = el("li");
      item.dataset.cls = cls;
      if (state.hiddenClasses.has(cls)) item.classList.add("off");
      const swatch = el("span", null, "swatch " + style.shape);
      swatch.style.background = style.colour;
      item.append(swatch, el("span", classLabel(cls)), el("span", counts.get(cls), "count"));
      item.addEventListener("click", () => {
        if (state.hiddenClasses.has(cls)) state.hiddenClasses.delete(cls);
        else state.hiddenClasses.add(cls);
        item.classList.toggle("off");
        refresh(false);
      });
      list.appendChild(item);
    }
  }

  // ------------------------------------------------------------------ search
  function findNodes(query, limit) {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const hits = [];
    nodes.forEach((n, i) => {
      const list = names[i];
      let rank = -1;
      if (list[0] === q) rank = 0;
      else if (list.includes(q)) rank = 1;
      else if (list.some((s) => s.startsWith(q))) rank = 2;
      else if (list.some((s) => s.includes(q))) rank = 3;
      if (rank >= 0) hits.push([rank, i, n]);
    });
    hits.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return hits.slice(0, limit || 20).map((h) => h[2]);
  }
  api.find = (query) => findNodes(query, 20).map((n) => n.id);

  function showResults() {
    const list = $("results");
    list.replaceChildren();
    const query = $("search").value;
    if (!query.trim()) {
      list.hidden = true;
      return;
    }
    const hits = findNodes(query, 20);
    if (!hits.length) list.appendChild(el("li", t("noMatch")));
    for (const n of hits) {
      const item = el("li", n.name);
      item.appendChild(el("span", classLabel(n.cls), "cls"));
      item.addEventListener("mousedown", (ev) => {
        ev.preventDefault();
        select(n.id);
      });
      list.appendChild(item);
    }
    list.hidden = false;
  }

  function select(id) {
    const n = byId.get(id);
    if (!n) return;
    $("results").hidden = true;
    if (!state.visible.has(id)) {
      state.hiddenClasses.delete(n.cls);
      state.article = -1;
      state.focusActive = false;
      $("article-filter").value = "-1";
      buildLegend();
      refresh(false);
    }
    if ($("map-pane").hidden && api.network) {
      api.network.selectNodes([id]);
      api.network.focus(id, { scale: Math.max(api.network.getScale(), 1.0), animation: false });
      sizeLabels();
    }
    if (!$("map-pane").hidden && n.geo) highlightPlace(id);
    else showNode(id);
  }
  api.select = select;

  // ------------------------------------------------------------------ side panel
  function sentenceBlock(index, withArticle = true) {
    const box = el("div");
    const row = DATA.sentences[index];
    if (!row) return box;
    box.appendChild(el("div", row[1], "sentence"));
    const src = el("div", null, "src");
    const article = DATA.articles[row[0]];
    if (article && withArticle) {
      const open = el("span", `${t("article")}: ${articleTitle(article)}`, "link");
      open.addEventListener("click", () => showArticle(row[0]));
      src.append(open, " · ");
    }
    const cite = el("a", row[2].split("/").pop());
    cite.href = row[2];
    cite.target = "_blank";
    cite.rel = "noopener noreferrer";
    src.appendChild(cite);
    box.appendChild(src);
    return box;
  }

  function readableIri(iri) {
    try {
      return decodeURI(iri);
    } catch (error) {
      return iri;
    }
  }

  function panelStart(heading) {
    const panel = $("panel");
    panel.replaceChildren();
    delete panel.dataset.node;
    const close = el("button", t("close"), "close");
    close.type = "button";
    close.addEventListener("click", () => {
      panel.hidden = true;
    });
    panel.append(close, el("h2", heading));
    panel.hidden = false;
    return panel;
  }

  function entityLink(id) {
    const n = byId.get(id);
    const link = el("span", n.name, "link");
    link.addEventListener("click", () => select(id));
    return link;
  }

  function showNode(id) {
    const n = byId.get(id);
    if (!n) return;
    const panel = panelStart(n.name);
    panel.dataset.node = String(id);
    const facts = el("dl");
    const fact = (key, value) => facts.append(el("dt", t(key)), el("dd", value));
    fact("class", classLabel(n.cls));
    if (n.aliases) fact("aliases", n.aliases.join("、"));
    if (n.code) fact("code", n.code);
    if (n.level !== undefined) fact("level", n.level);
    if (n.geo) fact("coords", `${n.geo[0]}, ${n.geo[1]} (${t("lonlat")})`);
    fact("iri", readableIri(n.iri));
    panel.appendChild(facts);

    const actions = el("div", null, "actions");
    const hops = el("select");
    for (const h of [1, 2, 3]) hops.appendChild(new Option(`${h} ${t("hops")}`, String(h)));
    hops.value = String(Math.min(Math.max(state.hops, 1), 3));
    const neighbourhood = el("button", t("neighbourhood"));
    neighbourhood.type = "button";
    neighbourhood.id = "neighbourhood";
    neighbourhood.addEventListener("click", () => {
      state.focus = id;
      state.hops = Number(hops.value);
      state.focusActive = true;
      refresh(true);
    });
    actions.append(neighbourhood, hops);
    if (n.geo) {
      const onMap = el("button", t("showOnMap"));
      onMap.type = "button";
      onMap.addEventListener("click", () => {
        switchTab("map-pane");
        highlightPlace(id);
      });
      actions.appendChild(onMap);
    }
    if (!$("map-pane").hidden) {
      const inNetwork = el("button", t("showInNetwork"));
      inNetwork.type = "button";
      inNetwork.addEventListener("click", () => {
        switchTab("network-pane");
        select(id);
      });
      actions.appendChild(inNetwork);
    }
    panel.appendChild(actions);

    const incident = adjacency.get(id).filter(edgeAllowed);
    if (incident.length) {
      panel.appendChild(el("h4", `${t("relations")} (${incident.length})`));
      const list = el("ul");
      for (const e of incident.slice(0, 200)) {
        const item = el("li");
        const outgoing = e.from === id;
        item.append(el("span", outgoing ? `→ ${edgeLabel(e)} ` : `← ${edgeLabel(e)} `), entityLink(outgoing ? e.to : e.from));
        if (e.weak) item.appendChild(el("div", t("weak"), "src"));
        for (const s of e.ev.slice(0, 5)) item.appendChild(sentenceBlock(s));
        if (!e.ev.length && !e.weak) item.appendChild(el("div", t("noEvidence"), "src"));
        list.appendChild(item);
      }
      panel.appendChild(list);
    }
    if (n.qty) {
      panel.appendChild(el("h4", t("quantities")));
      const list = el("ul");
      for (const q of n.qty) {
        const item = el("li", [q.thing, q.text, q.time].filter(Boolean).join(" · "));
        if (q.ev >= 0) item.appendChild(sentenceBlock(q.ev));
        list.appendChild(item);
      }
      panel.appendChild(list);
    }
    if (n.ev) {
      panel.appendChild(el("h4", t("evidence")));
      for (const s of n.ev) panel.appendChild(sentenceBlock(s));
    }
    if (n.arts.length) {
      panel.appendChild(el("h4", t("mentionedIn")));
      const list = el("ul");
      for (const a of n.arts) {
        const article = DATA.articles[a];
        const item = el("li");
        const link = el("span", articleTitle(article), "link");
        link.addEventListener("click", () => showArticle(a));
        item.appendChild(link);
        if (article.date) item.appendChild(el("span", ` ${article.date}`, "src"));
        list.appendChild(item);
      }
      panel.appendChild(list);
    }
  }

  function showEdge(edgeId) {
    const e = edges[edgeId];
    const panel = panelStart(edgeLabel(e));
    const line = el("div");
    line.append(entityLink(e.from), ` → ${edgeLabel(e)} → `, entityLink(e.to));
    panel.appendChild(line);
    if (e.weak) panel.appendChild(el("div", t("weak"), "src"));
    panel.appendChild(el("h4", t("evidence")));
    if (!e.ev.length) panel.appendChild(el("div", t("noEvidence"), "src"));
    for (const s of e.ev) panel.appendChild(sentenceBlock(s));
  }

  function showArticle(index) {
    const article = DATA.articles[index];
    const panel = panelStart(articleTitle(article));
    const facts = el("dl");
    if (article.date) facts.append(el("dt", t("date")), el("dd", article.date));
    if (article.file) facts.append(el("dt", t("file")), el("dd", article.file));
    const link = el("a", readableIri(article.iri));
    link.href = article.iri;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    facts.append(el("dt", t("iri")), el("dd"));
    facts.lastChild.appendChild(link);
    panel.appendChild(facts);
    const only = el("button", t("onlyArticle"));
    only.type = "button";
    only.addEventListener("click", () => {
      state.article = index;
      state.focusActive = false;
      $("article-filter").value = String(index);
      refresh(true);
    });
    const actions = el("div", null, "actions");
    actions.appendChild(only);
    panel.appendChild(actions);
    panel.appendChild(el("h4", t("evidence")));
    DATA.sentences.forEach((row, i) => {
      if (row[0] === index) panel.appendChild(sentenceBlock(i, false));
    });
    panel.appendChild(el("h4", t("entityList")));
    const list = el("ul");
    for (const n of nodes) if (n.arts.includes(index)) list.appendChild(el("li")).appendChild(entityLink(n.id));
    panel.appendChild(list);
  }

  // ------------------------------------------------------------------ map (plain lon/lat plot, no tiles)
  // The view is a centre (lon, lat) and a scale in pixels per degree of latitude; zooming re-projects, so names
  // keep their size and labels that would overlap are left to the more important place.
  const map = { view: null, kx: 1, width: 0, height: 0, moved: false, highlight: -1 };
  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }
  function niceStep(span) {
    for (const step of [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30]) if (span / step <= 8) return step;
    return 45;
  }
  const mapPlaces = () => nodes.filter((n) => n.geo && state.visible.has(n.id));
  function fitMap(places) {
    const lons = places.map((p) => p.geo[0]);
    const lats = places.map((p) => p.geo[1]);
    const [lon0, lon1, lat0, lat1] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
    map.kx = Math.cos(((lat0 + lat1) / 2) * Math.PI / 180);
    const spanLon = Math.max(lon1 - lon0, 1) * 1.3;  // room for the names right of the dots
    const spanLat = Math.max(lat1 - lat0, 1) * 1.2;
    const scale = Math.min(map.width / (spanLon * map.kx), map.height / spanLat);
    map.view = { lon: (lon0 + lon1) / 2 + spanLon * 0.05, lat: (lat0 + lat1) / 2, scale };
  }
  const px = (lon) => map.width / 2 + (lon - map.view.lon) * map.kx * map.view.scale;
  const py = (lat) => map.height / 2 - (lat - map.view.lat) * map.view.scale;
  function drawMap(refit) {
    const root = $("map");
    root.replaceChildren();
    const rect = root.getBoundingClientRect();  // clientWidth is 0 for <svg> in some browsers
    map.width = Math.round(rect.width) || 1000;
    map.height = Math.round(rect.height) || 700;
    root.setAttribute("viewBox", `0 0 ${map.width} ${map.height}`);
    const places = mapPlaces();
    if (!places.length) {
      const note = { x: map.width / 2, y: map.height / 2, "text-anchor": "middle", class: "note" };
      root.appendChild(svg("text", note, t("noPlaces")));
      map.view = null;
      return;
    }
    if (refit || !map.view) {
      fitMap(places);
      map.moved = false;
    }
    const { lon, lat, scale } = map.view;
    const halfLon = map.width / 2 / (map.kx * scale);
    const halfLat = map.height / 2 / scale;
    const step = niceStep(Math.max(2 * halfLon, 2 * halfLat));
    const grid = svg("g");
    for (let g = Math.ceil((lon - halfLon) / step) * step; g <= lon + halfLon; g += step) {
      grid.appendChild(svg("line", { x1: px(g), x2: px(g), y1: 0, y2: map.height, class: "grid" }));
      grid.appendChild(svg("text", { x: px(g) + 2, y: map.height - 4, class: "grid-label" }, `${+g.toFixed(2)}°E`));
    }
    for (let g = Math.ceil((lat - halfLat) / step) * step; g <= lat + halfLat; g += step) {
      grid.appendChild(svg("line", { x1: 0, x2: map.width, y1: py(g), y2: py(g), class: "grid" }));
      grid.appendChild(svg("text", { x: 2, y: py(g) - 2, class: "grid-label" }, `${+g.toFixed(2)}°N`));
    }
    root.appendChild(grid);
    const links = svg("g");
    for (const e of edges) {
      const a = byId.get(e.from);
      const b = byId.get(e.to);
      if (a.geo && b.geo && edgeAllowed(e) && state.visible.has(a.id) && state.visible.has(b.id)) {
        links.appendChild(svg("line", {
          x1: px(a.geo[0]), y1: py(a.geo[1]), x2: px(b.geo[0]), y2: py(b.geo[1]), class: "link",
        }));
      }
    }
    root.appendChild(links);
    const dots = svg("g");
    const labels = svg("g");
    const taken = [];
    const spots = [];  // dots drawn so far: a place at (nearly) the same point is moved beside them, with a line
    for (const p of places) {  // most important first: they win the label space and their true position
      const x0 = px(p.geo[0]);
      const y0 = py(p.geo[1]);
      if (x0 < -50 || y0 < -50 || x0 > map.width + 50 || y0 > map.height + 50) continue;
      const r = 3 + p.size / 6;
      let [x, y] = [x0, y0];
      const clash = () => spots.some((s) => (s[0] - x) ** 2 + (s[1] - y) ** 2 < (s[2] + r + 2) ** 2);
      for (let k = 1; k <= 60 && clash(); k++) {  // a spiral outwards, golden-angle steps
        const distance = (r + 4) * Math.sqrt(k) * 1.4;
        [x, y] = [x0 + distance * Math.cos(k * 2.39996), y0 + distance * Math.sin(k * 2.39996)];
      }
      spots.push([x, y, r]);
      if (x !== x0 || y !== y0) links.appendChild(svg("line", { x1: x0, y1: y0, x2: x, y2: y, class: "leader" }));
      const width = 2 + 12.5 * p.label.length;
      const right = [x + r + 3, y - 8, x + r + 3 + width, y + 6];
      const left = [x - r - 3 - width, y - 8, x - r - 3, y + 6];  // when the right side is taken
      const free = [right, left].find((box) => !taken.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3]
        && b[1] < box[3]));
      if (free) {
        taken.push(free);
        labels.appendChild(svg("text", { x: free[0], y: y + 4, class: "place-label" }, p.label));
      }
      taken.push([x - r, y - r, x + r, y + r]);  // names do not cover the dots either
      const dot = svg("circle", { cx: x, cy: y, r, fill: DATA.classes[p.cls].colour, class: "place", "data-node": p.id });
      if (p.id === map.highlight) dot.classList.add("selected");
      dot.appendChild(svg("title", {}, `${p.name} (${classLabel(p.cls)})`));
      dot.addEventListener("click", () => highlightPlace(p.id));
      dots.insertBefore(dot, dots.firstChild);  // drawn last = on top: the most important place
    }
    root.append(dots, labels);
  }
  function highlightPlace(id) {
    map.highlight = id;
    for (const dot of $("map").querySelectorAll("circle.place")) {
      dot.classList.toggle("selected", dot.getAttribute("data-node") === String(id));
    }
    showNode(id);
  }
  function enableMapZoom() {
    const root = $("map");
    let drag = null;
    // the panel opening or the window resizing changes the map's size: redraw at the same centre and scale. Showing
    // the pane reports a size too, the one switchTab has just drawn at: redrawing then would only replace the dots
    // under the pointer.
    new ResizeObserver(() => {
      if ($("map-pane").hidden || !map.view) return;
      const rect = root.getBoundingClientRect();
      if (Math.round(rect.width) !== map.width || Math.round(rect.height) !== map.height) drawMap(!map.moved);
    }).observe(root);
    root.addEventListener("wheel", (ev) => {
      if (!map.view) return;
      ev.preventDefault();
      const rect = root.getBoundingClientRect();
      const mx = ev.clientX - rect.left;
      const my = ev.clientY - rect.top;
      const lon = map.view.lon + (mx - map.width / 2) / (map.kx * map.view.scale);
      const lat = map.view.lat - (my - map.height / 2) / map.view.scale;
      const scale = map.view.scale * (ev.deltaY > 0 ? 1 / 1.25 : 1.25);
      map.view = {
        lon: lon - (mx - map.width / 2) / (map.kx * scale), lat: lat + (my - map.height / 2) / scale, scale,
      };
      map.moved = true;
      drawMap(false);
    }, { passive: false });
    root.addEventListener("mousedown", (ev) => {
      if (map.view) drag = { x: ev.clientX, y: ev.clientY, lon: map.view.lon, lat: map.view.lat, moved: false };
    });
    window.addEventListener("mouseup", () => {
      drag = null;
    });
    root.addEventListener("mousemove", (ev) => {
      if (!drag || (Math.abs(ev.clientX - drag.x) < 3 && Math.abs(ev.clientY - drag.y) < 3)) return;
      map.view.lon = drag.lon - (ev.clientX - drag.x) / (map.kx * map.view.scale);
      map.view.lat = drag.lat + (ev.clientY - drag.y) / map.view.scale;
      map.moved = true;
      drawMap(false);
    });
  }

  function switchTab(pane) {
    for (const tab of document.querySelectorAll(".tab")) tab.classList.toggle("active", tab.dataset.pane === pane);
    $("network-pane").hidden = pane !== "network-pane";
    $("map-pane").hidden = pane !== "map-pane";
    if (pane === "map-pane") drawMap(true);
    else if (api.network) api.network.redraw();
  }

  // ------------------------------------------------------------------ wiring
  function init() {
    applyTexts();
    for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => switchTab(tab.dataset.pane));
    $("search").addEventListener("input", showResults);
    $("search").addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") {
        const hits = findNodes($("search").value, 1);
        if (hits.length) select(hits[0].id);
      } else if (ev.key === "Escape") {
        $("results").hidden = true;
      }
    });
    $("search").addEventListener("blur", () => {
      $("results").hidden = true;
    });
    $("article-filter").addEventListener("change", (ev) => {
      state.article = Number(ev.target.value);
      refresh(true);
    });
    $("show-weak").addEventListener("change", (ev) => {
      state.showWeak = ev.target.checked;
      refresh(false);
    });
    $("show-all").addEventListener("click", () => {
      state.hiddenClasses.clear();
      state.article = -1;
      state.focusActive = false;
      $("article-filter").value = "-1";
      buildLegend();
      refresh(true);
    });
    $("lang-toggle").addEventListener("click", () => {
      state.lang = state.lang === "zh" ? "en" : "zh";
      edgeSet.update(edges.map((e) => ({ id: e.id, label: edgeLabel(e) })));
      applyTexts();
      const open = $("panel").dataset.node;
      if (!$("panel").hidden && open !== undefined) showNode(Number(open));
    });
    enableMapZoom();
    if (!nodes.length) {
      $("empty").textContent = t("empty");
      $("empty").hidden = false;
      $("network-pane").hidden = true;
      api.ready = true;
      api.readyMs = performance.now();
      document.body.dataset.ready = "1";
      return;
    }
    startNetwork();
    updateStatus();
  }
  init();
})();
