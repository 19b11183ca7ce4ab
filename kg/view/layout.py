"""Node positions computed before the page opens, so the browser draws a finished layout with physics off.

networkx's own force layouts are O(n²) per iteration (``forceatlas2_layout`` takes ~50 s on 5,000 nodes here and
``spring_layout`` needs scipy above 500 nodes), so large components use a Fruchterman–Reingold variant whose repulsion
is estimated from a seeded sample of nodes: O(n·k) per iteration with a bounded number of iterations. Components are
laid out one by one and packed in rows, largest first, which keeps the many small components of news graphs readable.
A node with no edge can be anchored to another (an entity of the same article), so it is drawn beside it.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

EDGE_LENGTH = 110.0  # target distance between linked nodes, in vis-network canvas units
DENSE_LIMIT = 600  # up to this many nodes, repulsion between every pair is cheap enough
SAMPLE = 160  # repulsion sample size for larger components
ASPECT = 1.6  # width to height of the packed components


def _force_layout(n: int, edges: np.ndarray, seed: int, iterations: int) -> np.ndarray:
    """Fruchterman–Reingold on nodes 0..n-1 with ideal distance 1; returns an (n, 2) array."""
    rng = np.random.default_rng(seed)
    spread = math.sqrt(n)
    pos = rng.uniform(-spread, spread, size=(n, 2))
    temperature = spread / 4
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        if n <= DENSE_LIMIT:
            others = pos
            weight = 1.0
        else:
            others = pos[rng.choice(n, size=SAMPLE, replace=False)]
            weight = n / SAMPLE
        # sum_j (p_i - o_j) / |p_i - o_j|^2 written with matrix products (BLAS) instead of an (n, k, 2) array
        dist2 = (pos**2).sum(axis=1)[:, None] + (others**2).sum(axis=1)[None, :] - 2.0 * pos @ others.T
        inverse = 1.0 / np.maximum(dist2, 1e-4)
        disp = weight * (pos * inverse.sum(axis=1)[:, None] - inverse @ others)
        if len(edges):
            d = pos[edges[:, 0]] - pos[edges[:, 1]]
            length = np.sqrt((d**2).sum(axis=1))[:, None]
            pull = d * length
            for axis in (0, 1):  # bincount sums per node far faster than np.add.at
                disp[:, axis] += np.bincount(edges[:, 1], pull[:, axis], n) - np.bincount(edges[:, 0], pull[:, axis], n)
        disp -= 0.05 * pos  # gentle gravity keeps sparse parts from drifting away
        norm = np.maximum(np.sqrt((disp**2).sum(axis=1)), 1e-9)[:, None]
        pos += disp / norm * np.minimum(norm, temperature)
        temperature -= cooling
    return pos - pos.mean(axis=0)


def _component_layout(graph: nx.Graph, nodes: list[str], seed: int, iterations: int) -> np.ndarray:
    if len(nodes) == 1:
        return np.zeros((1, 2))
    index = {node: i for i, node in enumerate(nodes)}
    # each edge as (smaller, larger) index: networkx's subgraph views yield edges in a hash-dependent orientation,
    # and a different orientation changes the floating-point summation order
    pairs = {tuple(sorted((index[u], index[v]))) for u, v in graph.subgraph(nodes).edges() if u != v}
    edges = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    if len(nodes) > DENSE_LIMIT:
        iterations = min(iterations, 60)
    return _force_layout(len(nodes), edges, seed, iterations) * EDGE_LENGTH


def compute_layout(
    graph: nx.Graph, *, seed: int = 7, iterations: int = 120, anchors: dict[str, str] | None = None
) -> dict[str, tuple[float, float]]:
    """Positions for every node of ``graph`` (node ids are strings), deterministic for a given graph and seed.

    ``anchors`` maps a node without edges to the node it is laid out next to (as if linked to it; no edge is drawn);
    nodes left without edge or anchor go into a grid beside the rest."""
    if anchors:
        graph = nx.Graph(graph)
        graph.add_edges_from((node, anchor) for node, anchor in sorted(anchors.items()) if anchor in graph)
    components = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))
    singles = [c[0] for c in components if len(c) == 1]
    groups = [c for c in components if len(c) > 1]
    placed: list[tuple[list[str], np.ndarray]] = [
        (nodes, _component_layout(graph, nodes, seed + i, iterations)) for i, nodes in enumerate(groups)
    ]
    if singles:
        columns = max(1, math.ceil(math.sqrt(len(singles))))
        # wide columns so that names under neighbouring nodes do not run into each other
        grid = np.array([(1.6 * (i % columns), 0.7 * (i // columns)) for i in range(len(singles))]) * EDGE_LENGTH
        placed.append((singles, grid - grid.mean(axis=0)))
    boxes = [(nodes, pos - pos.min(axis=0), np.ptp(pos, axis=0) + EDGE_LENGTH) for nodes, pos in placed]
    total_area = sum(float(size[0] * size[1]) for _, _, size in boxes)
    # rows about 1.6 times as wide as the packing is high: screens are wider than tall
    row_width = max(math.sqrt(total_area * ASPECT) * 1.2, max((float(size[0]) for _, _, size in boxes), default=0.0))
    result: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for nodes, pos, size in boxes:
        if x > 0 and x + size[0] > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (px, py) in zip(nodes, pos, strict=True):
            result[node] = (round(float(px + x), 1), round(float(py + y), 1))
        x += float(size[0])
        row_height = max(row_height, float(size[1]))
    return result
