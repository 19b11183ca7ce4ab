"""Dask as the build's second scheduler (``kg build --engine dask``): extraction batches run as Dask tasks.

The build path is the same as with the local process pool (:func:`kg.run.drive`): the client cuts every plain-text
file into parts of about 500,000 characters (:mod:`kg.ingest.parts`), so a large file is many tasks, not one; each
task runs the pool's worker function (:func:`kg.run.extract_pieces`) on a batch of pieces and writes each piece's
results to the spool folder (``<index>.spool`` for a whole file, ``<index>.<part>.part`` for a part) under a temporary
name renamed into place (:mod:`kg.spool`). The client receives only counts and spool paths, joins a file's parts in
order into its spool, adopts each file's spool into the incremental cache, then resolves and publishes as a local
build does. At most two batches per worker are in flight, so the client and the scheduler hold a few parts at once. So:

* the spool folder and the inputs must be readable and writable at the same path by the client and every worker (the
  output's work folder by default: right for a ``LocalCluster``, a shared file system for remote workers);
* a task that is run again (its worker died; Dask reschedules it on another worker) writes the same bytes to the same
  names: retries are idempotent per part, and the graph is the same whichever worker ran what;
* a build stopped by an error or an interrupt leaves every spool already received in the cache: the next run resumes.

Dask is an optional dependency (``pip install 'kg-news[dask]'``); nothing here imports it until an engine is opened.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import ConfigError, ExtractionError, OutputError

ENGINES = ("pool", "dask")
CONNECT_TIMEOUT = 20.0  # seconds to reach a scheduler given by address
# Dask's housekeeping, measured on an idle LocalCluster of 2 workers here: 2.1 CPU seconds per 30 s with the defaults
# (the event-loop tick every 20 ms, work stealing every 100 ms, system and memory monitors every 0.1-0.5 s, the
# workers' statistical profiler), 0.4 with these. On a loaded machine a build lasts long, and that cost grows with the
# wall time: it was most of the extra CPU time of the PD-1998 month on Dask. Tasks are queued on the scheduler, so
# stealing has little to balance.
QUIET_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.scheduler.work-stealing": False,
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "2s",
}
TASK_RETRIES = 2  # re-runs of a task that raised (a worker that died is handled by the scheduler's allowed-failures)


class ClusterError(ConfigError):
    """The Dask scheduler cannot be reached, or the cluster cannot run the build."""


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ClusterError("--engine dask needs Dask: pip install 'kg-news[dask]' (dask and distributed)") from None
    return distributed


@dataclass
class DaskEngine:
    """A connection to a Dask cluster for one build: ``scheduler`` (``tcp://HOST:PORT``) or, when ``None``, a
    ``LocalCluster`` of ``workers`` single-threaded worker processes started for the build and stopped after it.

    Use as a context manager; it is an executor of :func:`kg.run.drive` (:meth:`submit`, :meth:`wait` …).
    """

    scheduler: str | None = None
    workers: int = 2
    connect_timeout: float = field(default_factory=lambda: CONNECT_TIMEOUT)
    client: Any = field(default=None, init=False, repr=False)
    _cluster: Any = field(default=None, init=False, repr=False)
    _token: str = field(default_factory=lambda: secrets.token_hex(6), init=False, repr=False)
    _log_level: int = field(default=logging.NOTSET, init=False, repr=False)
    _submitted: int = field(default=0, init=False, repr=False)
    _completed: Any = field(default=None, init=False, repr=False)

    def __enter__(self) -> DaskEngine:
        distributed = _import_distributed()
        import dask

        # distributed logs a worker's death or a lost connection as warnings on stderr; the build reports what matters
        logger = logging.getLogger("distributed")
        self._log_level = logger.level
        logger.setLevel(logging.ERROR)
        if self.scheduler is None:
            try:
                with dask.config.set(QUIET_CLUSTER):
                    self._cluster = distributed.LocalCluster(
                        n_workers=max(1, self.workers), threads_per_worker=1, processes=True, host="127.0.0.1",
                        dashboard_address=None, silence_logs=logging.ERROR,
                    )  # fmt: skip
                    self.client = distributed.Client(self._cluster, set_as_default=False)
            except (OSError, TimeoutError, RuntimeError) as error:  # RuntimeError: "Nanny failed to start"
                self.__exit__(None, None, None)
                raise ClusterError(f"cannot start a Dask LocalCluster of {self.workers} workers ({error})") from None
            return self
        if not self.scheduler.startswith(("tcp://", "tls://", "inproc://", "ucx://", "ws://", "wss://")):
            raise ClusterError(f"--scheduler must be an address like tcp://HOST:PORT, not {self.scheduler!r}")
        try:
            with dask.config.set(QUIET_CLUSTER):  # the client's own event loop; the cluster's owner sets the rest
                self.client = distributed.Client(self.scheduler, timeout=self.connect_timeout, set_as_default=False)
        except (OSError, TimeoutError) as error:
            raise ClusterError(f"cannot reach the Dask scheduler at {self.scheduler} within "
                               f"{self.connect_timeout:g} s ({type(error).__name__})") from None  # fmt: skip
        try:
            self.client.wait_for_workers(1, timeout=self.connect_timeout)
        except (OSError, TimeoutError):
            self.__exit__(None, None, None)
            raise ClusterError(f"the Dask scheduler at {self.scheduler} has no workers (waited "
                               f"{self.connect_timeout:g} s)") from None  # fmt: skip
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
        logging.getLogger("distributed").setLevel(self._log_level)

    @property
    def worker_count(self) -> int:
        """The workers the scheduler knows now."""
        return len(self.client.scheduler_info(n_workers=-1).get("workers", {})) if self.client is not None else 0

    def check_writable(self, folder: Path) -> None:
        """:class:`~kg.errors.OutputError` unless every worker can create and remove a file in ``folder`` (the spool
        folder), named by the first worker that cannot: a remote worker may not see the client's folder at all."""
        answers = self.client.run(_probe_folder, str(folder))
        refused = sorted((address, problem) for address, problem in answers.items() if problem)
        if refused:
            address, problem = refused[0]
            raise OutputError(f"Dask worker {address} cannot write the spool folder {folder} ({problem}); "
                              "give a folder every worker shares")  # fmt: skip

    @contextmanager
    def opened(self) -> Iterator[object]:
        """A run's tasks: their completions are followed with one ``as_completed`` on the client's event loop."""
        distributed = _import_distributed()
        self._completed = distributed.as_completed([], with_results=False, loop=self.client.loop)
        try:
            yield self
        finally:
            self._completed = None

    def submit(self, batch: list[Any], args: tuple[Any, ...]) -> Any:
        """Start ``kg.run.extract_pieces(batch, *args)`` as a Dask task (retried when it raised; rescheduled by the
        scheduler when its worker died); returns its future."""
        from kg.run import extract_pieces

        self._submitted += 1
        future = self.client.submit(extract_pieces, batch, *args, key=f"kg-extract-{self._token}-{self._submitted}",
                                    retries=TASK_RETRIES, pure=False)  # fmt: skip
        self._completed.add(future)
        return future

    def wait(self, futures: list[Any]) -> list[Any]:
        """Block until one or more of ``futures`` are done, as the scheduler reports them; returns those (tasks
        cancelled before are passed over)."""
        wanted = set(futures)
        while True:
            finished = [next(self._completed), *self._completed.next_batch(block=False)]
            done = [future for future in finished if future in wanted]
            if done:
                return done

    def result(self, future: Any, batch: list[Any]) -> Any:
        """What the finished task returned; :class:`~kg.errors.ExtractionError` or :class:`ClusterError` when it
        could not run (workers dying again and again, the scheduler gone)."""
        distributed = _import_distributed()
        try:
            return future.result()
        except distributed.KilledWorker:
            raise ExtractionError(f"{_first_path(batch)}: the Dask workers running it died repeatedly (out of "
                                  "memory?); files done so far are cached, run again to resume") from None  # fmt: skip
        except (OSError, TimeoutError) as error:  # distributed's CommClosedError is an OSError
            if future.status == "error":  # raised by the task itself, not by the connection
                raise ExtractionError(f"{_first_path(batch)}: {type(error).__name__}: {error}") from None
            raise ClusterError(f"lost the connection to the Dask scheduler {self.scheduler or '(local)'} mid-build; "
                               "files done so far are cached, run again to resume") from None  # fmt: skip
        except distributed.client.FutureCancelledError:
            raise ExtractionError(f"{_first_path(batch)}: its Dask task was cancelled (the scheduler or its "
                                  "workers went away); files done so far are cached, run again to resume") \
                from None  # fmt: skip

    def cancel(self, futures: list[Any]) -> None:
        """Drop tasks not needed any more."""
        if futures and self.client is not None:
            self.client.cancel(futures)


def _first_path(batch: Sequence[Any]) -> str:
    path = getattr(batch[0], "path", None) if batch else None
    return str(path) if path is not None else "a batch"


def _probe_folder(folder: str) -> str:
    """Run on each worker: "" when a file can be created and removed in ``folder``, else the reason."""
    probe = Path(folder) / f".probe-{uuid.uuid4().hex}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        return error.strerror or str(error)
    return ""


@contextmanager
def spool_folder(given: str | os.PathLike[str] | None, work: Path) -> Iterator[Path]:
    """The folder extraction spools go to: ``work`` (the build's work folder) unless a shared folder is ``given``,
    in which case a fresh subfolder of it is used and removed afterwards. OutputError when it cannot be written."""
    if given is None:
        yield work
        return
    folder = Path(given) / f"kg-spool-{secrets.token_hex(6)}"
    try:
        folder.mkdir(parents=True)
    except OSError as error:
        raise OutputError(f"cannot write the spool folder {given} ({error.strerror or error})") from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def engine(name: str, *, scheduler: str | None = None, workers: int = 2) -> Iterator[DaskEngine | None]:
    """The engine called ``name`` (``pool``: none, the local process pool is used; ``dask``: a :class:`DaskEngine`)."""
    if name not in ENGINES:
        raise ConfigError(f"unknown engine {name!r}; choose from {', '.join(ENGINES)}")
    if name == "pool":
        if scheduler is not None:
            raise ConfigError("--scheduler applies to --engine dask only")
        yield None
        return
    with DaskEngine(scheduler=scheduler, workers=workers) as opened:
        yield opened
