"""What every layer may use to run: timing of steps, the set-up of forked processes, and writing a file
atomically."""

from __future__ import annotations

import os
import signal
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import OutputError

_WRITE_BATCH = 1 << 20  # characters encoded and written at a time


@dataclass
class Timings:
    """Seconds spent per step (a stage name, or a phase such as ``resolve`` or ``rdf``), summed over workers."""

    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def measure(self, name: str) -> Iterator[None]:
        """Add the wall-clock time of the ``with`` block to ``name``."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    def merge(self, other: Timings) -> None:
        """Add the times of ``other`` (e.g. a worker's) to these."""
        for name, seconds in other.seconds.items():
            self.seconds[name] = self.seconds.get(name, 0.0) + seconds


def child_process_init(parent: int) -> None:
    """Set up a worker or writer process forked from ``parent``: leave signals to the parent, exit with it."""
    # Ctrl-C reaches the whole process group; only the parent decides how to stop, so workers ignore it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent may have turned SIGTERM into an exception for itself; a worker must simply end.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # A worker whose parent was killed (SIGKILL, OOM killer) would wait for work forever: leave with it.
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True, name="kg-parent-watch").start()


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def atomic_write(path: Path, data: str | bytes | Iterable[str | bytes]) -> None:
    """Write ``data`` (bytes, or text as UTF-8, whole or in pieces; a piece may be UTF-8 bytes already) to ``path``
    through a temporary file in the same folder and a rename, so ``path`` is never left half-written. Pieces are
    encoded as they are written: a big export never exists in memory as one string and its bytes at once."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                if isinstance(data, bytes):
                    handle.write(data)
                else:
                    batch: list[str] = []
                    size = 0
                    for piece in [data] if isinstance(data, str) else data:
                        if isinstance(piece, bytes):
                            handle.write("".join(batch).encode("utf-8"))
                            handle.write(piece)
                            batch, size = [], 0
                            continue
                        batch.append(piece)
                        size += len(piece)
                        if size >= _WRITE_BATCH:
                            handle.write("".join(batch).encode("utf-8"))
                            batch, size = [], 0
                    handle.write("".join(batch).encode("utf-8"))
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
