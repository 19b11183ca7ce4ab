"""Dask as the build's second scheduler (``kg build --engine dask``): extraction batches run as Dask tasks.

The build path is the same as with the local process pool: each task runs the pool's worker function
(:func:`kg.run._extract_batch`) on a batch of input files and writes every file's results to the spool folder,
``<index>.spool`` under a temporary name renamed into place (:mod:`kg.spool`). The client receives only counts and
spool paths, adopts each spool into the incremental cache as it arrives, then resolves and publishes as a local build
does. So:

* the spool folder and the inputs must be readable and writable at the same path by the client and every worker (the
  output's work folder by default: right for a ``LocalCluster``, a shared file system for remote workers);
* a task that is run again (its worker died; Dask reschedules it on another worker) writes the same bytes to the same
  names: retries are idempotent per file, and the graph is the same whichever worker ran what;
* a build stopped by an error or an interrupt leaves every spool already received in the cache: the next run resumes.

Dask is an optional dependency (``pip install 'kg-news[dask]'``); nothing here imports it until an engine is opened.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import uuid
from collections.abc import Callable, Iterator, Sequence
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

    Use as a context manager; :meth:`run_batches` submits the work.
    """

    scheduler: str | None = None
    workers: int = 2
    connect_timeout: float = field(default_factory=lambda: CONNECT_TIMEOUT)
    client: Any = field(default=None, init=False, repr=False)
    _cluster: Any = field(default=None, init=False, repr=False)
    _token: str = field(default_factory=lambda: secrets.token_hex(6), init=False, repr=False)
    _log_level: int = field(default=logging.NOTSET, init=False, repr=False)

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

    def run_batches(
        self,
        function: Callable[..., tuple[list[Any], Any]],
        batches: Sequence[Sequence[Any]],
        args: tuple[Any, ...],
        accept: Callable[[Any], bool],
        merge_timings: Callable[[Any], None],
        first_index: Callable[[Sequence[Any]], int],
    ) -> bool:
        """Run ``function(batch, *args)`` for every batch as a Dask task; hand each result of a finished task to
        ``accept`` (in completion order, as the scheduler reports them) and its timings to ``merge_timings``.

        Returns False when ``accept`` refused a result (an input failed and the run stops): the tasks after the
        failing batch are cancelled, those before it are still awaited, so the error reported is the first in input
        order. A task whose workers kept dying raises :class:`~kg.errors.ExtractionError` naming its first file.
        """
        distributed = _import_distributed()
        futures = {}
        for number, batch in enumerate(batches):
            future = self.client.submit(function, list(batch), *args, key=f"kg-extract-{self._token}-{number}",
                                        retries=TASK_RETRIES, pure=False)  # fmt: skip
            futures[future] = batch
        failed_at: int | None = None
        pending = distributed.as_completed(list(futures), with_results=False, loop=self.client.loop)
        try:
            for future in pending:
                batch = futures[future]
                if failed_at is not None and first_index(batch) > failed_at:
                    continue
                try:
                    results, timings = future.result()
                except distributed.KilledWorker:
                    raise ExtractionError(
                        f"{_first_path(batch)}: the Dask workers running it died repeatedly (out of "
                        "memory?); files done so far are cached, run again to resume"
                    ) from None
                except (OSError, TimeoutError) as error:  # distributed's CommClosedError is an OSError
                    if future.status == "error":  # raised by the task itself, not by the connection
                        raise ExtractionError(f"{_first_path(batch)}: {type(error).__name__}: {error}") from None
                    raise ClusterError(
                        f"lost the connection to the Dask scheduler {self.scheduler or '(local)'} "
                        "mid-build; files done so far are cached, run again to resume"
                    ) from None
                except distributed.client.FutureCancelledError:
                    raise ExtractionError(f"{_first_path(batch)}: its Dask task was cancelled (the scheduler or its "
                                          "workers went away); files done so far are cached, run again to resume") \
                        from None  # fmt: skip
                merge_timings(timings)
                failures = [
                    first_index([item]) for item, result in zip(batch, results, strict=False) if not accept(result)
                ]
                if failures:
                    failed_at = min([*failures, *([failed_at] if failed_at is not None else [])])
                    later = [f for f, b in futures.items() if first_index(b) > failed_at and not f.done()]
                    self.client.cancel(later)
        finally:
            self.client.cancel([future for future in futures if not future.done()])
        return failed_at is None


def _first_path(batch: Sequence[Any]) -> str:
    item = batch[0] if batch else None
    return str(item[1]) if isinstance(item, tuple) and len(item) > 1 else "a batch"


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
