"""Write the files of a build from its quads: the graph in each export format and the HTML view.

With more than one worker the files are split over forked processes, which share the quads with the parent
copy-on-write and write their files themselves, so nothing big crosses a pipe. Files that share work (Turtle, TriG and
JSON-LD group the triples by subject; GraphML and GEXF draw the same entity network) stay in one process, and the
shares are balanced by the relative cost of each file, measured on the People's Daily archive and scaled to the
build's size. The bytes do not depend on the split: every file is written by the same code whichever process writes
it.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import sys
from collections.abc import Iterable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Protocol

from kg.errors import KGError, OutputError
from kg.graph.quads import Data
from kg.graph.spill import QuadSpill, spill_of
from kg.publish.export import DEFAULT_BASE, FORMATS, VIEW, VIEW_FILE, Rendering, chosen_formats, export_format
from kg.runtime import Timings, child_process_init

# CPU seconds of the view per million quads of the People's Daily archive, the unit of each export format's cost
# (registered with it, kg.registry.Writer.cost); the view's layout is bounded by its node limit, so the view weighs
# relatively more in smaller builds.
VIEW_COST = 6.3
# The quads the costs were measured on. The files' costs grow with the quads, the view's more slowly, as their power
# VIEW_GROWTH (its layout is bounded by the node limit): half the archive took 3.5 s for the view, not 2.7.
COST_QUADS = 1_190_000
VIEW_GROWTH = 0.6


def plan(tasks: list[str], processes: int, quads: int | None = None) -> list[list[str]]:
    """``tasks`` (formats and ``VIEW``) cut into at most ``processes`` shares whose largest cost is the smallest
    possible; tasks that share work stay together. The costs are those of ``quads`` quads (those they were measured
    on when None). There are few units of work (five for the built-in formats), so every assignment is tried."""
    cost = {task: VIEW_COST if task == VIEW else export_format(task).cost for task in tasks}
    if quads and VIEW in cost:
        cost[VIEW] *= (quads / COST_QUADS) ** (VIEW_GROWTH - 1)  # relative to the files, whose costs scale as one
    groups: dict[str, list[str]] = {}
    for task in tasks:
        shared = "" if task == VIEW else export_format(task).shares
        if shared:
            groups.setdefault(shared, []).append(task)
    units = [*groups.values(), *([task] for task in tasks if task == VIEW or not export_format(task).shares)]
    if not units:
        return []
    units.sort(key=lambda unit: -sum(cost[task] for task in unit))
    count = max(1, min(processes, len(units)))
    costs = [sum(cost[task] for task in unit) for unit in units]

    def makespan(assignment: tuple[int, ...]) -> float:
        loads = [0.0] * count
        for share, cost in zip(assignment, costs, strict=False):
            loads[share] += cost
        return max(loads)

    # the first unit always goes to share 0, which spares trying the same split under other share numbers
    best = min(
        ((0, *rest) for rest in itertools.product(range(count), repeat=len(units) - 1)),
        key=lambda assignment: (makespan(assignment), assignment),
    )
    shares: list[list[str]] = [[] for _ in range(count)]
    for share, unit in zip(best, units, strict=False):
        shares[share].extend(unit)
    return [share for share in shares if share]


def write_files(
    quads: Data,
    out_dir: Path,
    formats: Iterable[str] | None = None,
    *,
    base: str | None = DEFAULT_BASE,
    workers: int = 1,
    timings: Timings | None = None,
) -> list[Path]:
    """Write the files of a dataset held in memory as :func:`write_spilled` does (it is spilled first)."""
    with spill_of(quads) as spill:
        return write_spilled(spill, out_dir, formats, base=base, workers=workers, timings=timings)


def write_spilled(
    spill: QuadSpill,
    out_dir: Path,
    formats: Iterable[str] | None = None,
    *,
    base: str | None = DEFAULT_BASE,
    workers: int = 1,
    timings: Timings | None = None,
) -> list[Path]:
    """Write ``formats`` (all export formats by default) and the view of ``spill`` into ``out_dir`` with up to
    ``workers`` forked processes, which read the spill's files independently; add the time spent to ``timings``
    (``serialize`` and ``view``, summed over the processes) and return the paths, the graph files in ``FORMATS``
    order and the view last."""
    spill.prepare()  # before forking: the children only read
    return write_with(Rendering(spill, base), out_dir, formats, workers=workers, timings=timings, quads=len(spill))


class Writer(Protocol):
    """What writes the files of one dataset: each task (an export format or ``VIEW``) into a folder."""

    def write(self, task: str, out_dir: Path) -> None:
        """Write the file of ``task`` into ``out_dir``."""

    def keep_only(self, tasks: list[str]) -> None:
        """Drop the shared work none of ``tasks`` (those still to be written by this process) needs."""


def write_with(
    writer: Writer,
    out_dir: Path,
    formats: Iterable[str] | None = None,
    *,
    workers: int = 1,
    timings: Timings | None = None,
    quads: int | None = None,
) -> list[Path]:
    """Write ``formats`` and the view with ``writer`` as :func:`write_files` does (forked processes share the
    writer's state copy-on-write); ``quads``, the size of the dataset, balances the processes' shares."""
    timings = timings if timings is not None else Timings()
    chosen = chosen_formats(formats)
    forking = workers > 1 and "fork" in multiprocessing.get_all_start_methods()
    shares = plan([*chosen, VIEW], workers if forking else 1, quads)
    # The quads and the corpus live until the end: the collector need not walk them again and again while the files
    # are made, and in a forked child walking them would copy every page it shares with the parent.
    gc.freeze()
    children: list[tuple[BaseProcess, Connection]] = []
    try:
        children.extend(_start(writer, share, out_dir) for share in shares[1:])
        timings.merge(_write(writer, shares[0], out_dir))
        for _, connection in children:
            timings.merge(_receive(connection))
    finally:
        gc.unfreeze()
        for process, connection in children:
            if process.is_alive():
                process.terminate()  # the parent failed or was interrupted: the staged files are discarded anyway
            process.join()
            connection.close()
    return [out_dir / FORMATS[fmt] for fmt in chosen] + [out_dir / VIEW_FILE]


def _write(writer: Writer, share: list[str], out_dir: Path) -> Timings:
    timings = Timings()
    for number, task in enumerate(share):
        with timings.measure("view" if task == VIEW else "serialize"):
            writer.write(task, out_dir)
            writer.keep_only(share[number + 1 :])
    return timings


def _start(writer: Writer, share: list[str], out_dir: Path) -> tuple[BaseProcess, Connection]:
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()  # a forked child flushes its copy of unwritten output on exit
    process = context.Process(
        target=_child, args=(writer, share, out_dir, sender, os.getpid()), daemon=True, name="kg-writer"
    )
    process.start()
    sender.close()
    return process, receiver


def _child(writer: Writer, share: list[str], out_dir: Path, sender: Connection, parent: int) -> None:
    child_process_init(parent)
    try:
        sender.send((None, _write(writer, share, out_dir)))
    except Exception as error:  # noqa: BLE001  handed to the parent, which raises it
        sender.send(
            (error if isinstance(error, KGError) else OutputError(f"writing {', '.join(share)}: {error}"), None)
        )


def _receive(connection: Connection) -> Timings:
    try:
        error, timings = connection.recv()
    except EOFError:
        raise OutputError("a process writing the outputs ended unexpectedly (out of memory?)") from None
    if error is not None:
        raise error
    return timings
