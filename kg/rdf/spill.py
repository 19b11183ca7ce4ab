"""A disk-backed dataset for builds too large to hold in memory, and writers that stream the export files from it.

:class:`QuadSpill` takes the dataset one complete graph at a time and keeps two sorted copies on disk:

* every quad as a record ``s\\tp\\to\\tg`` (``g`` empty for the default graph), buffered in memory up to
  ``buffer_quads`` records, then sorted and written as a run; the runs are merged (``heapq.merge``) before writing.
  Terms never hold a tab or a newline, and one term is a prefix of another only when the next character is ``@``,
  ``^``, ``_`` or alphanumeric, all above the tab: the records sort as the N-Quads lines ``s p o [g] .`` do, which
  is also kg's order of subjects. One sorted stream so gives N-Quads, N-Triples (the distinct ``s p o``), Turtle
  (the union grouped by subject), the entity network and the view.
* each graph's triples ``s\\tp\\to`` sorted (in runs of at most ``buffer_quads``), one segment of a single file per
  graph with an index of offsets: TriG and JSON-LD are read graph by graph, subjects in order.

:func:`write_spilled` writes the same files as :func:`kg.outputs.write_files`, byte for byte, through the code of
:mod:`kg.rdf.export` and :mod:`kg.view`, with caches of bounded size: memory depends on the buffer, the largest
subject, the entity network and the view, not on the number of quads.
"""

from __future__ import annotations

import heapq
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType

import networkx as nx

from kg.errors import OutputError
from kg.outputs import VIEW, VIEW_FILE, write_with
from kg.rdf.export import (
    DEFAULT_BASE,
    FORMATS,
    Block,
    GraphStream,
    Predicates,
    SubjectStream,
    _entity_network,
    _turtle_subject,
    _TurtleNames,
    export_format,
    trig_pieces,
    turtle_pieces,
)
from kg.rdf.quads import Term, Triple, sort_key
from kg.runtime import Timings, atomic_write
from kg.view.data import read_view_triples, view_triples
from kg.view.html import write_html

_MERGE_FAN_IN = 128  # runs merged at once (each an open file)
_READ_BLOCK = 1 << 22  # bytes read at a time from a graph's segment
_LINES = 1 << 13  # lines joined before they are handed to the file writer
_CACHE_TERMS = 1 << 16  # bound of the term caches of the streaming Turtle and JSON-LD writers


class QuadSpill:
    """A dataset kept on disk in a temporary folder it makes under ``directory`` (and removes on :meth:`close`).

    Add each graph once, whole, with :meth:`add_graph`; at most ``buffer_quads`` quads wait in memory, the rest is
    in sorted runs on disk. Use it as a context manager.
    """

    def __init__(self, directory: Path, *, buffer_quads: int = 500_000) -> None:
        if buffer_quads < 1:
            raise OutputError(f"buffer_quads must be at least 1 (got {buffer_quads})")
        try:
            Path(directory).mkdir(parents=True, exist_ok=True)
            self.folder = Path(tempfile.mkdtemp(prefix="kg-spill-", dir=directory))
        except OSError as error:
            raise OutputError(f"{directory}: cannot make a spill folder ({error.strerror or error})") from None
        self.buffer_quads = buffer_quads
        self._buffer: list[str] = []
        self._runs: list[Path] = []
        self._made = 0  # runs written so far, for their file names
        self._count = 0
        self._segments_path = self.folder / "graphs"
        self._segments = open(self._segments_path, "wb")  # noqa: SIM115  closed by close()
        # graph name -> (offset, size) of each sorted run of its triples in the segments file
        self._index: dict[Term | None, list[tuple[int, int]]] = {}

    # ------------------------------------------------------------------------------------------------ adding

    def add_graph(self, name: Term | None, triples: Iterable[Triple]) -> None:
        """Add the complete ``triples`` (no duplicates) of graph ``name`` (``None``: the default graph).

        Terms are in N-Triples syntax as :mod:`kg.rdf.quads` makes them (never a raw tab or newline). An error
        while adding (a literal subject) leaves the spill unusable: close it."""
        if name in self._index:
            raise OutputError(f"graph {name or 'default'} is added to the spill twice")
        tail = "\t" + (name or "") + "\n"
        runs: list[tuple[int, int]] = []
        chunk: list[str] = []
        for s, p, o in triples:
            chunk.append(f"{s}\t{p}\t{o}\n")
            if len(chunk) >= self.buffer_quads:
                runs.append(self._add_chunk(chunk, tail))
                chunk = []
        if chunk:
            runs.append(self._add_chunk(chunk, tail))
        if runs:
            self._index[name] = runs

    def _add_chunk(self, chunk: list[str], tail: str) -> tuple[int, int]:
        """Write a sorted run of one graph's triples and buffer them as quads; return the run's place."""
        chunk.sort()
        if chunk[0][0] == '"':  # literals sort before IRIs and blank nodes, so a literal subject would be first
            subject = chunk[0].split("\t", 1)[0]
            raise OutputError(f"a literal cannot be the subject of a triple: {subject}")
        offset = size = self._segments.tell()
        for start in range(0, len(chunk), _LINES):
            size += self._segments.write("".join(chunk[start : start + _LINES]).encode("utf-8"))
        self._count += len(chunk)
        start = 0
        while start < len(chunk):
            room = self.buffer_quads - len(self._buffer)
            self._buffer.extend([line[:-1] + tail for line in chunk[start : start + room]])
            start += room
            if len(self._buffer) >= self.buffer_quads:
                self._flush()
        return offset, size - offset

    def _flush(self) -> None:
        """Write the buffered quads as a sorted run."""
        if not self._buffer:
            return
        self._buffer.sort()
        run = self._new_run()
        _write_lines(run, self._buffer)
        self._runs.append(run)
        self._buffer = []

    def _new_run(self) -> Path:
        self._made += 1
        return self.folder / f"run-{self._made:06d}"

    def __len__(self) -> int:
        return self._count

    @property
    def buffered(self) -> int:
        """Quads waiting in memory (never more than ``buffer_quads``)."""
        return len(self._buffer)

    # ------------------------------------------------------------------------------------------------ reading

    def prepare(self) -> None:
        """Write what is buffered and merge the runs into one, so that readers (forked writers too) only read."""
        self._flush()
        self._segments.flush()
        while len(self._runs) > 1:
            group, self._runs = self._runs[:_MERGE_FAN_IN], self._runs[_MERGE_FAN_IN:]
            merged = self._new_run()
            handles = [open(run, encoding="utf-8", newline="\n") for run in group]  # noqa: SIM115
            try:
                _write_lines(merged, heapq.merge(*handles))
            finally:
                for handle in handles:
                    handle.close()
            for run in group:
                run.unlink()
            self._runs.append(merged)

    def records(self) -> Iterator[str]:
        """Every quad as its record ``s\\tp\\to\\tg\\n``, in order."""
        self.prepare()
        if self._runs:
            with open(self._runs[0], encoding="utf-8", newline="\n") as handle:
                yield from handle

    def triples(self) -> Iterator[Triple]:
        """The distinct triples of all graphs together, in order."""
        previous = ""
        for record in self.records():
            triple = record[: record.rindex("\t")]
            if triple != previous:
                previous = triple
                s, p, o = triple.split("\t")
                yield s, p, o

    def graph_names(self) -> list[Term | None]:
        """The non-empty graphs: the default graph first, then the named graphs in IRI order."""
        named = sorted((name for name in self._index if name is not None), key=sort_key)
        return [None, *named] if None in self._index else named

    def graph_triples(self, name: Term | None) -> Iterator[Triple]:
        """The triples of graph ``name`` in order."""
        self._segments.flush()
        runs = [_segment_lines(self._segments_path, offset, size) for offset, size in self._index.get(name, [])]
        for line in runs[0] if len(runs) == 1 else heapq.merge(*runs):
            s, p, o = line.split("\t")
            yield s, p, o[:-1]

    def graphs(self) -> Iterator[tuple[Term | None, Iterator[Triple]]]:
        """Each non-empty graph with its triples, one graph at a time, in the order of :meth:`graph_names`."""
        for name in self.graph_names():
            yield name, self.graph_triples(name)

    # ------------------------------------------------------------------------------------------------ lifetime

    def close(self) -> None:
        """Remove the spill's files."""
        self._segments.close()
        self._buffer = []
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> QuadSpill:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def _write_lines(path: Path, lines: Iterable[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        batch: list[str] = []
        for line in lines:
            batch.append(line)
            if len(batch) >= _LINES:
                handle.write("".join(batch))
                batch = []
        handle.write("".join(batch))


def _segment_lines(path: Path, offset: int, size: int) -> Iterator[str]:
    """The lines (with their newline) of ``size`` bytes at ``offset`` of ``path``, read a block at a time."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        rest = b""
        while size > 0:
            block = rest + handle.read(min(size, _READ_BLOCK))
            size -= len(block) - len(rest)
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            # split on "\n" only: str.splitlines would also split at characters a literal may hold (U+2028, \x1c)
            lines = block[:cut].decode("utf-8").split("\n")
            lines.pop()
            for line in lines:
                yield line + "\n"


def _subjects(triples: Iterable[Triple]) -> SubjectStream:
    """Triples sorted by subject, grouped: each subject with the objects of each of its predicates."""
    subject: Term | None = None
    predicates: Predicates = {}
    for s, p, o in triples:
        if s != subject:
            if subject is not None:
                yield subject, predicates
            subject, predicates = s, {p: [o]}
            continue
        objects = predicates.get(p)
        if objects is None:
            predicates[p] = [o]
        else:
            objects.append(o)
    if subject is not None:
        yield subject, predicates


class _Triples:
    """The distinct triples of a spill, read again from disk on each iteration."""

    def __init__(self, spill: QuadSpill) -> None:
        self.spill = spill

    def __iter__(self) -> Iterator[Triple]:
        return self.spill.triples()


class SpillRendering:
    """The export files and the view of a :class:`QuadSpill`, each streamed from its sorted records (a
    :class:`kg.outputs.Writer`)."""

    def __init__(self, spill: QuadSpill, base: str | None = DEFAULT_BASE) -> None:
        self.spill = spill
        self.base = base
        self.cache_terms = _CACHE_TERMS  # a bound on the term caches of the writers
        self._network: nx.MultiDiGraph | None = None

    def pieces(self, fmt: str) -> Iterable[str]:
        """The text of one export format in pieces."""
        return export_format(fmt).pieces(self)

    def turtle(self) -> Iterator[str]:
        """Turtle: the union of all graphs, grouped by subject."""
        names = _TurtleNames(self.base, self.cache_terms)
        return turtle_pieces(names, _subjects(self.spill.triples()), self._block(names))

    def trig(self) -> Iterator[str]:
        """TriG: the default graph, then each named graph in IRI order."""
        names = _TurtleNames(self.base, self.cache_terms)
        return trig_pieces(names, self.graph_stream(), self._block(names))

    def triples(self) -> Iterator[Triple]:
        """The distinct triples of all graphs together, in order."""
        return self.spill.triples()

    @staticmethod
    def _block(names: _TurtleNames) -> Block:
        return lambda subject, predicates: _turtle_subject(subject, predicates, names)

    def graph_stream(self) -> GraphStream:
        """Each non-empty graph in order with its subjects in order."""
        for name in self.spill.graph_names():
            yield name, _subjects(self.spill.graph_triples(name))

    def nquads(self) -> Iterator[str]:
        """N-Quads: the records are the lines in their order."""
        lines: list[str] = []
        for record in self.spill.records():
            # "s\tp\to\t\n" (default graph) -> "s p o .\n"; "s\tp\to\tg\n" -> "s p o g .\n"
            lines.append(record[:-1].replace("\t", " ") + (".\n" if record[-2] == "\t" else " .\n"))
            if len(lines) >= _LINES:
                yield "".join(lines)
                lines = []
        yield "".join(lines)

    def ntriples(self) -> Iterator[str]:
        """N-Triples: the distinct triples of the records, in order."""
        lines: list[str] = []
        previous = ""
        for record in self.spill.records():
            triple = record[: record.rindex("\t")]
            if triple != previous:
                previous = triple
                lines.append(triple.replace("\t", " ") + " .\n")
                if len(lines) >= _LINES:
                    yield "".join(lines)
                    lines = []
        yield "".join(lines)

    def entity_network(self) -> nx.MultiDiGraph:
        """The entity network of GraphML and GEXF, made once."""
        if self._network is None:
            self._network = _entity_network(_Triples(self.spill))
        return self._network

    def write(self, task: str, out_dir: Path) -> None:
        """Write one export format or the view (``kg.outputs.VIEW``) into ``out_dir``."""
        if task == VIEW:
            write_html(read_view_triples(view_triples(_Triples(self.spill))), out_dir / VIEW_FILE, title="kg")
        else:
            atomic_write(Path(out_dir) / FORMATS[task], self.pieces(task))

    def keep_only(self, tasks: list[str]) -> None:
        """Drop the entity network once neither GraphML nor GEXF is still to be written."""
        if not {"graphml", "gexf"} & set(tasks):
            self._network = None


def write_spilled(
    spill: QuadSpill,
    out_dir: Path,
    formats: Iterable[str] | None = None,
    *,
    base: str | None = DEFAULT_BASE,
    workers: int = 1,
    timings: Timings | None = None,
) -> list[Path]:
    """Write the files :func:`kg.outputs.write_files` writes for the same quads — the same bytes — from ``spill``
    (export ``formats``, all by default, then the view) with up to ``workers`` forked processes, which read the
    spill's files independently; return the paths, the graph files in ``FORMATS`` order and the view last."""
    spill.prepare()  # before forking: the children only read
    return write_with(SpillRendering(spill, base), out_dir, formats, workers=workers, timings=timings,
                      quads=len(spill))
