"""Write the graph to files: deterministic Turtle of the union of all graphs, written atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Dataset, Graph

from kg.errors import OutputError
from kg.rdf.vocab import PREFIXES


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename, so ``path`` is never
    left half-written."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
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


def union_graph(dataset: Dataset) -> Graph:
    """All triples of every graph of ``dataset`` in one graph, with kg's prefixes bound."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def turtle_bytes(graph: Graph) -> bytes:
    """Turtle serialisation of ``graph``; rdflib sorts subjects and objects, so equal graphs give equal bytes."""
    return graph.serialize(format="turtle", encoding="utf-8")


def write_exports(dataset: Dataset, out_dir: Path, formats: tuple[str, ...] = ("ttl",)) -> list[Path]:
    """Write the requested serialisations of ``dataset`` into ``out_dir``; return the files written."""
    out_dir = Path(out_dir)
    written = []
    if "ttl" in formats:
        target = out_dir / "graph.ttl"
        atomic_write(target, turtle_bytes(union_graph(dataset)))
        written.append(target)
    return written
