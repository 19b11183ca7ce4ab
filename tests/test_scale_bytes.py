"""The bytes of every output of a build of real People's Daily articles are pinned by their SHA-256.

The digests in tests/cases/peoples_daily_sha256.json were taken with the writers that walked an rdflib Dataset; the
writers over kg's own quads (kg/rdf/quads.py), sorted on disk by the build path (kg/lowmem.py) and written in
parallel, must give exactly the same bytes. After an
intended change of the graph or of a format, regenerate with ``KG_UPDATE_GOLDEN=1 pytest tests/test_scale_bytes.py``
and check with ``git diff`` that only the files you meant to change have new digests.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

import kg
from bench.peoples_daily import write_archive

from .conftest import SHARED_DATA

CORPUS = SHARED_DATA / "peoples_daily_199801" / "199801.utf8.txt"
DIGESTS = Path(__file__).parent / "cases" / "peoples_daily_sha256.json"
EVERY = 80  # every 80th article of the month: 40 articles from every day and page type


@pytest.mark.parametrize("workers", [1, 2])
def test_outputs_of_real_articles_keep_their_bytes(tmp_path: Path, workers: int) -> None:
    if not CORPUS.is_file():
        pytest.skip("../shared/data is not present")
    files = write_archive(CORPUS, tmp_path / "archive", every=EVERY)
    assert len(files) == 40
    result = kg.build([tmp_path / "archive"], tmp_path / "out", workers=workers, incremental=False)
    digests = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(result.files)}
    assert len(digests) == 8  # seven graph formats and the view
    if os.environ.get("KG_UPDATE_GOLDEN") == "1" and workers == 1:
        DIGESTS.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert digests == json.loads(DIGESTS.read_text(encoding="utf-8"))
