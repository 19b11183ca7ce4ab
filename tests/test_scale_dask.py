"""The Dask engine (`kg build --engine dask`): extraction as Dask tasks on a real scheduler and two workers on
127.0.0.1 (or a LocalCluster) must publish the same bytes as the local process pool — also when a worker is killed
in the middle of the build — and a cluster that cannot do the work must fail with one line, publishing nothing."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("distributed", reason="the Dask engine's tests need dask and distributed (kg-news[dask])")

import kg  # noqa: E402
import kg.cluster  # noqa: E402
from kg.cli import main  # noqa: E402
from kg.errors import OutputError  # noqa: E402
from tests.dask_helpers import Cluster, dask_cluster  # noqa: E402
from tests.scale_helpers import sample_articles, write_archive  # noqa: E402

SETTINGS = kg.Settings(date=__import__("datetime").date(2021, 2, 22))
FORMATS = ["nq", "ttl", "jsonld"]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    # ten small files (the sample page's articles, twice) make three or four batches for two workers
    return write_archive(tmp_path_factory.mktemp("archive"), copies=2)


@pytest.fixture(scope="module")
def pool_build(archive: list[Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("pool")
    kg.build(archive, out, settings=SETTINGS, formats=FORMATS, workers=1, incremental=False)
    return _outputs(out)


def _outputs(out: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(out.iterdir()) if path.is_file()}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Cluster:
    with dask_cluster(tmp_path_factory.mktemp("dask")) as started:
        yield started


@pytest.mark.slow
def test_build_on_a_scheduler_and_two_workers_writes_the_pool_bytes(
    archive: list[Path], pool_build: dict[str, bytes], cluster: Cluster, tmp_path: Path
) -> None:
    seen: list[int] = []
    result = kg.build(archive, tmp_path / "out", settings=SETTINGS, formats=FORMATS, engine="dask",
                      scheduler=cluster.address, spool_dir=tmp_path / "shared",
                      progress=lambda info: seen.append(info.documents_done))  # fmt: skip
    assert result.stats.workers == 2 and result.stats.extracted == len(archive)
    assert _outputs(tmp_path / "out") == pool_build
    assert seen and max(seen) == len(archive)  # progress came as the tasks finished
    assert list((tmp_path / "shared").iterdir()) == []  # the build's spool folder on the shared folder is gone
    # a second build reuses the cache the first one filled from the workers' spools
    again = kg.build(archive, tmp_path / "out", settings=SETTINGS, formats=FORMATS, engine="dask",
                     scheduler=cluster.address)  # fmt: skip
    assert again.stats.reused == len(archive) and _outputs(tmp_path / "out") == pool_build


@pytest.mark.slow
def test_a_file_in_several_parts_on_dask_writes_the_bytes_of_the_pool_and_of_one_process(
    cluster: Cluster, tmp_path: Path
) -> None:
    # the sample's articles written twice into one file (each copy numbered): with parts of 3,000 characters it is
    # several tasks, which both workers run, and their spools are joined in file order
    big = tmp_path / "big.txt"
    big.write_text("".join(f"{text}（第{copy}辑）\n" for copy in range(2) for text in sample_articles()),
                   encoding="utf-8")  # fmt: skip
    parted = kg.Settings(date=SETTINGS.date, options={"part_chars": 3_000})
    one = kg.build([big], tmp_path / "one", settings=parted, formats=FORMATS, workers=1, incremental=False)
    assert one.stats.documents > 3, "the file was cut into parts"
    result = kg.build([big], tmp_path / "dask", settings=parted, formats=FORMATS, engine="dask",
                      scheduler=cluster.address, spool_dir=tmp_path / "shared", incremental=False)  # fmt: skip
    assert result.stats.documents == one.stats.documents and result.stats.workers == 2
    assert _outputs(tmp_path / "dask") == _outputs(tmp_path / "one")
    assert list((tmp_path / "shared").iterdir()) == []  # no part's spool left behind
    pool = kg.build([big], tmp_path / "pool", settings=parted, formats=FORMATS, workers=2, incremental=False)
    assert pool.stats.workers == 2 and _outputs(tmp_path / "pool") == _outputs(tmp_path / "one")


@pytest.mark.slow
def test_a_bad_input_fails_on_dask_as_it_fails_in_the_pool(archive: list[Path], cluster: Cluster,
                                                           tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02binary\x00" * 50)
    inputs = [archive[0], bad]
    with pytest.raises(kg.KGError) as pool_error:
        kg.build(inputs, tmp_path / "pool", settings=SETTINGS, formats=FORMATS, incremental=False)
    with pytest.raises(kg.KGError) as dask_error:
        kg.build(inputs, tmp_path / "dask", settings=SETTINGS, formats=FORMATS, incremental=False, engine="dask",
                 scheduler=cluster.address)  # fmt: skip
    assert type(dask_error.value) is type(pool_error.value) and str(dask_error.value) == str(pool_error.value)
    assert not (tmp_path / "dask" / "graph.nq").exists()
    # with keep_going the bad file is listed and the rest is built, on either engine
    kept = kg.build(inputs, tmp_path / "dask", settings=SETTINGS, formats=FORMATS, incremental=False,
                    engine="dask", scheduler=cluster.address, keep_going=True)  # fmt: skip
    assert [path for path, _ in kept.stats.skipped] == [str(bad)]


@pytest.mark.slow
def test_a_worker_killed_mid_build_changes_nothing(
    archive: list[Path], pool_build: dict[str, bytes], tmp_path: Path
) -> None:
    from distributed import Client

    with dask_cluster(tmp_path / "dask") as started, Client(started.address, set_as_default=False) as watcher:
        victim = started.workers["w1"]
        killed: list[str] = []

        def kill_when_busy() -> None:
            # kill w1 as soon as the scheduler has given it one of the build's extraction tasks
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not killed:
                for address, keys in watcher.processing().items():
                    name = watcher.scheduler_info()["workers"].get(address, {}).get("name")
                    if name == "w1" and any(str(key).startswith("kg-extract-") for key in keys):
                        os.kill(victim.pid, signal.SIGKILL)
                        killed.append(address)
                        return
                time.sleep(0.05)

        thread = threading.Thread(target=kill_when_busy)
        thread.start()
        result = kg.build(archive, tmp_path / "out", settings=SETTINGS, formats=FORMATS, engine="dask",
                          scheduler=started.address, incremental=False)  # fmt: skip
        thread.join()
        assert killed, "w1 never received a task: the test did not kill a busy worker"
        assert victim.wait(10) == -signal.SIGKILL
    assert result.stats.extracted == len(archive)
    assert _outputs(tmp_path / "out") == pool_build


@pytest.mark.slow
def test_cli_build_on_a_local_cluster_writes_the_pool_bytes(
    archive: list[Path], pool_build: dict[str, bytes], tmp_path: Path
) -> None:
    args = ["build", *map(str, archive), "-o", str(tmp_path / "out"), "--date", "2021-02-22", "--engine", "dask",
            "--workers", "2", "--no-cache", "--quiet", *[f"--format={f}" for f in FORMATS]]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert _outputs(tmp_path / "out") == pool_build


def _previous_outputs(out: Path) -> dict[str, bytes]:
    out.mkdir()
    (out / "graph.nq").write_text("<urn:old> <urn:p> <urn:o> <urn:g> .\n", encoding="utf-8")
    return _outputs(out)


def test_unreachable_scheduler_is_one_line_and_publishes_nothing(
    archive: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kg.cluster, "CONNECT_TIMEOUT", 2.0)
    out = tmp_path / "out"
    before = _previous_outputs(out)
    result = CliRunner().invoke(main, ["build", str(archive[0]), "-o", str(out), "--engine", "dask",
                                       "--scheduler", "tcp://127.0.0.1:9"])  # fmt: skip
    assert result.exit_code == 1
    assert result.output.strip() == "Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9 within 2 s " \
        "(OSError)", result.output  # fmt: skip
    assert _outputs(out) == before and not (out / ".kg-work").exists()


def test_bad_engine_options_are_usage_errors(archive: list[Path], tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["build", str(archive[0]), "-o", str(tmp_path), "--scheduler", "tcp://h:1"])
    assert result.exit_code == 2 and "apply to --engine dask" in result.output
    result = runner.invoke(main, ["build", str(archive[0]), "-o", str(tmp_path), "--engine", "dask",
                                  "--scheduler", "h:1"])  # fmt: skip
    assert result.exit_code == 1 and "must be an address like tcp://HOST:PORT" in result.output
    result = runner.invoke(main, ["build", str(archive[0]), "-o", str(tmp_path), "--engine", "dask", "--shard", "0/2"])
    assert result.exit_code == 2


def test_unwritable_spool_folder_is_one_line_and_publishes_nothing(archive: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = _previous_outputs(out)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(archive[0]), "-o", str(out), "--engine", "dask",
                                       "--spool-dir", str(blocker / "spool")])  # fmt: skip
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: cannot write the spool folder {blocker / 'spool'} (Not a directory)"
    assert _outputs(out) == before


def test_the_workers_probe_names_what_they_cannot_write(tmp_path: Path) -> None:
    # what each worker runs before the tasks: a folder it can write, and one it cannot
    assert kg.cluster._probe_folder(str(tmp_path)) == ""
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert kg.cluster._probe_folder(str(tmp_path / "file")) == "Not a directory"
    with pytest.raises(OutputError, match="cannot write the spool folder"):
        with kg.cluster.spool_folder(tmp_path / "file" / "sub", tmp_path):
            pass


@pytest.mark.slow
def test_a_task_run_twice_writes_the_same_spool(archive: list[Path], tmp_path: Path) -> None:
    # what makes a retried task safe: the worker function writes the same bytes under the same name again
    from kg.run import Piece, extract_pieces

    text = archive[0].read_text(encoding="utf-8")
    batch = [Piece(7, str(archive[0]), "key", text=text), Piece(8, str(archive[0]), "", 3, text, whole=False)]
    first, _ = extract_pieces(batch, SETTINGS, tmp_path)
    written = [Path(result.spool or "").read_bytes() for result in first]
    second, _ = extract_pieces(batch, SETTINGS, tmp_path)
    assert [result.spool for result in second] == [result.spool for result in first]
    assert [Path(result.spool or "").read_bytes() for result in second] == written
    # a whole file's spool and a part's; no temporary file left
    assert sorted(path.name for path in tmp_path.iterdir()) == ["00000007.spool", "00000008.000003.part"]
