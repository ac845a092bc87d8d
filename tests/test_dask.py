"""The Dask executor: a LocalCluster of two workers gives the in-process tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import cleanhealth
from cleanhealth.pipeline import Options
from cleanhealth.run import Progress, run

pytest.importorskip("distributed", reason="the [dask] extra is not installed")
pytestmark = pytest.mark.timeout(180)

RAW = Path(__file__).resolve().parents[1] / "raw"


def test_dask_local_cluster_matches_in_process(tmp_path: Path) -> None:
    if not any(RAW.rglob("*")):
        pytest.skip("raw/ holds no pages")
    options = Options(tag_entities=True)
    run(RAW, tmp_path / "inprocess", options, shard_files=4)
    ticks: list[Progress] = []
    result = run(RAW, tmp_path / "dask", options, executor="dask", workers=2, shard_files=4,
                 on_progress=ticks.append)
    local, dask = cleanhealth.load(tmp_path / "inprocess"), cleanhealth.load(tmp_path / "dask")
    assert len(local.documents) >= sum(1 for f in RAW.rglob("*") if f.is_file())
    for table in ("documents", "sections", "entities", "removed"):
        pd.testing.assert_frame_equal(local[table], dask[table])
    assert dask.run["executor"] == "dask"
    # Two worker processes, each with its own sandbox that loaded the models once.
    assert 1 <= len(result.workers_seen) <= 2
    assert all(w["model_loads"] == 1 for w in result.workers_seen.values())
    # Every file is reported exactly once, whether by per-file events or at shard end.
    assert sum(t.files for t in ticks) == result.files
