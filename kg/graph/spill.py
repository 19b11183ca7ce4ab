"""A dataset kept on disk in sorted runs, so that writing it never needs it all in memory (:class:`QuadSpill`).

:class:`QuadSpill` takes the dataset one complete graph at a time and keeps two sorted copies on disk:

* every quad as a record ``s\\tp\\to\\tg`` (``g`` empty for the default graph), buffered in memory up to
  ``buffer_quads`` records, then sorted and written as a run; the runs are merged (``heapq.merge``) before writing.
  Terms never hold a tab or a newline, and one term is a prefix of another only when the next character is ``@``,
  ``^``, ``_`` or alphanumeric, all above the tab: the records sort as the N-Quads lines ``s p o [g] .`` do, which
  is also kg's order of subjects. One sorted stream so gives N-Quads, N-Triples (the distinct ``s p o``), Turtle
  (the union grouped by subject), the entity network and the view.
* each graph's triples ``s\\tp\\to`` sorted (in runs of at most ``buffer_quads``), one segment of a single file per
  graph with an index of offsets: TriG and JSON-LD are read graph by graph, subjects in order.

Every file kg writes is streamed from a spill (:class:`kg.publish.export.Rendering`): a build's quads are spilled as
they are mapped, and data held in memory is spilled first (:func:`spill_of`). Memory then depends on the buffer, the
largest subject, the entity network and the view, not on the number of quads.
"""

from __future__ import annotations

import heapq
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType

from kg.errors import OutputError
from kg.graph.quads import Data, Term, Triple, as_quads, sort_key

_MERGE_FAN_IN = 128  # runs merged at once (each an open file)
_READ_BLOCK = 1 << 22  # bytes read at a time from a graph's segment
_LINES = 1 << 13  # lines joined before they are written


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

        Terms are in N-Triples syntax as :mod:`kg.graph.quads` makes them (never a raw tab or newline). An error
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
        for lines in self.record_blocks():
            for line in lines:
                yield line + "\n"

    def record_blocks(self) -> Iterator[list[str]]:
        """Every quad's record without its newline (``s\\tp\\to\\tg``), in order, a list of those read at once
        at a time: the writers handle a block in a few calls rather than a line at a time."""
        self.prepare()
        if self._runs:
            yield from _blocks(self._runs[0], 0, self._runs[0].stat().st_size)

    def record_bytes(self) -> Iterator[bytes]:
        """The records (``s\\tp\\to\\tg\\n``) in order as UTF-8, in blocks of whole records."""
        self.prepare()
        if self._runs:
            yield from _byte_blocks(self._runs[0], 0, self._runs[0].stat().st_size)

    def triples(self) -> Iterator[Triple]:
        """The distinct triples of all graphs together, in order."""
        previous = ""
        for lines in self.record_blocks():
            for record in lines:
                triple = record[: record.rindex("\t")]
                if triple != previous:
                    previous = triple
                    s, p, o = triple.split("\t")
                    yield s, p, o

    def matching(self, predicates: Iterable[Term]) -> Iterator[Triple]:
        """The distinct triples whose predicate is one of ``predicates``, in order: the records holding a predicate
        are found by searching each block for it, and only those are read."""
        needles = [f"\t{predicate}\t".encode() for predicate in sorted(set(predicates))]
        wanted = set(predicates)
        previous = ""
        for block in self.record_bytes():
            found: list[tuple[int, int]] = []  # (start, end) of each record holding a needle
            for needle in needles:
                at = block.find(needle)
                while at >= 0:
                    start, end = block.rfind(b"\n", 0, at) + 1, block.index(b"\n", at)
                    found.append((start, end))
                    at = block.find(needle, end)
            for start, end in sorted(set(found)):
                record = block[start:end].decode("utf-8")
                triple = record[: record.rindex("\t")]
                s, p, o = triple.split("\t")
                if p in wanted and triple != previous:
                    previous = triple
                    yield s, p, o

    def graph_names(self) -> list[Term | None]:
        """The non-empty graphs: the default graph first, then the named graphs in IRI order."""
        named = sorted((name for name in self._index if name is not None), key=sort_key)
        return [None, *named] if None in self._index else [*named]

    def graph_triples(self, name: Term | None) -> Iterator[Triple]:
        """The triples of graph ``name`` in order."""
        self._segments.flush()
        places = self._index.get(name, [])
        if len(places) == 1:
            for lines in _blocks(self._segments_path, *places[0]):
                for line in lines:
                    s, p, o = line.split("\t")
                    yield s, p, o
            return
        # the runs were sorted with their newlines, which the merge keeps so as to give the same order
        runs = [_segment_lines(self._segments_path, offset, size) for offset, size in places]
        for line in heapq.merge(*runs):
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
    for lines in _blocks(path, offset, size):
        for line in lines:
            yield line + "\n"


def _blocks(path: Path, offset: int, size: int) -> Iterator[list[str]]:
    """The lines (without their newline) of ``size`` bytes at ``offset`` of ``path``, a list for each block read."""
    for block in _byte_blocks(path, offset, size):
        # split on "\n" only: str.splitlines would also split at characters a literal may hold (U+2028, \x1c)
        lines = block.decode("utf-8").split("\n")
        lines.pop()
        yield lines


def _byte_blocks(path: Path, offset: int, size: int) -> Iterator[bytes]:
    """``size`` bytes at ``offset`` of ``path`` in blocks of whole lines (each ends with a newline)."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        rest = b""
        while size > 0:
            block = rest + handle.read(min(size, _READ_BLOCK))
            size -= len(block) - len(rest)
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            if cut:
                yield block[:cut]


def spill_of(data: Data, directory: str | Path | None = None) -> QuadSpill:
    """A spill (in a temporary folder under ``directory``, the system's by default) holding ``data``'s quads; use it
    as a context manager, which removes its files."""
    spill = QuadSpill(Path(directory or tempfile.gettempdir()), buffer_quads=max(1, len(as_quads(data))))
    try:
        for name, triples in as_quads(data).graphs.items():
            spill.add_graph(name, triples)
    except BaseException:
        spill.close()
        raise
    return spill
