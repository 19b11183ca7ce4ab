"""Shared fixtures: paths to the sample page and the shared data folder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "kg" / "data" / "sample" / "inner_mongolia_daily_2021-02-22_p3.txt"
SAMPLE_DATE = dt.date(2021, 2, 22)
SAMPLE_PUBLICATION = "内蒙古日报"  # what `make sample` passes as --publication
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory):
    """The sample page built once per test session (the result of kg.build)."""
    import kg

    out = tmp_path_factory.mktemp("sample-build")
    return kg.build([SAMPLE], out, settings=kg.Settings(date=SAMPLE_DATE, publication=SAMPLE_PUBLICATION))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


@pytest.fixture(scope="session")
def gold_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made gold dataset (tests/stores/gold.py) exported into a folder, as a build would write it."""
    from kg.publish.export import write_exports
    from tests.stores.gold import gold_dataset

    out = tmp_path_factory.mktemp("gold")
    write_exports(gold_dataset(), out)
    return out


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A Virtuoso server of its own for each test module that asks for one (tests/stores/servers.py)."""
    from tests.stores.servers import ISQL, VIRTUOSO, virtuoso_server

    if VIRTUOSO is None or ISQL is None:
        pytest.skip("Virtuoso (Debian package virtuoso-opensource) is not installed")
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server
