"""A real Dask cluster on loopback for the engine's tests: one ``dask scheduler`` and worker processes started with
the ``dask`` command of this interpreter's environment, each worker single-threaded and without a nanny (so a killed
worker stays dead). Everything started here is stopped by the context manager that started it."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.stores.servers import free_port
from tests.scale_helpers import kg_env
from tests.stores.servers import stop

DASK = Path(sys.executable).with_name("dask")


@dataclass
class Cluster:
    """The scheduler's address and the worker processes by name."""

    address: str
    workers: dict[str, subprocess.Popen[bytes]]


@contextmanager
def dask_cluster(folder: Path, workers: int = 2) -> Iterator[Cluster]:
    """Start a scheduler and ``workers`` workers on 127.0.0.1 and wait until the scheduler knows them all."""
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = kg_env()
    started: list[subprocess.Popen[bytes]] = []
    logs = folder / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    try:
        with (logs / "scheduler.log").open("wb") as log:
            started.append(subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                             "--no-dashboard"], stdout=log, stderr=log, env=env))  # fmt: skip
        named: dict[str, subprocess.Popen[bytes]] = {}
        for number in range(workers):
            name = f"w{number + 1}"
            with (logs / f"{name}.log").open("wb") as log:
                named[name] = subprocess.Popen(
                    [str(DASK), "worker", address, "--name", name, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                     "--local-directory", str(folder / name)], stdout=log, stderr=log, env=env,
                )  # fmt: skip
            started.append(named[name])
        deadline = time.monotonic() + 120
        with Client(address, timeout=120, set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=max(1.0, deadline - time.monotonic()))
        yield Cluster(address=address, workers=named)
    finally:
        for process in reversed(started):
            stop(process)
