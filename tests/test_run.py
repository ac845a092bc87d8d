"""Run mechanics: shard planning, row order, progress per file, option errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import cleanhealth
from cleanhealth.errors import CleanhealthError
from cleanhealth.pipeline import Options
from cleanhealth.run import Progress, plan_shards, run

pytestmark = pytest.mark.timeout(120)
OPTS = Options(tag_entities=False)
PAGE = ("<html><head><title>{t}</title></head><body><article><h1>{t}</h1><p>{t} is a condition "
        "that causes pain and fatigue in many adults; treatment usually helps within weeks.</p>"
        "</article></body></html>")


def touch_files(folder: Path, names: list[str], size: int = 10) -> list[Path]:
    paths = []
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(name.encode().ljust(size, b"."))
        paths.append(path)
    return sorted(paths)


def test_shard_boundaries_do_not_move_when_a_file_is_added(tmp_path: Path) -> None:
    names = [f"site{i % 7}/page-{i:04d}.html" for i in range(400)]
    files = touch_files(tmp_path / "raw", names)
    before = plan_shards(tmp_path / "raw", files, tmp_path / "out", "digest", shard_files=16)
    assert all(len(s.files) <= 16 for s in before)
    assert sum(len(s.files) for s in before) == 400
    # every file once, in sorted order across shards: part files follow input order
    assert [f for s in before for f in s.files] == [str(f) for f in files]
    assert [s.index for s in before] == list(range(len(before)))

    files2 = touch_files(tmp_path / "raw", ["site3/page-0100a.html"]) + files
    after = plan_shards(tmp_path / "raw", sorted(files2), tmp_path / "out", "digest", shard_files=16)
    changed = {s.key for s in after} - {s.key for s in before}
    assert 1 <= len(changed) <= 2  # the shard it joins (and one more if a size cap shifted)
    # the old shards that vanished are the ones the new file joined (none when it starts its own)
    assert len({s.key for s in before} - {s.key for s in after}) <= len(changed)
    assert sum(len(s.files) for s in after) == 401


def test_shard_byte_cap_and_one_file_per_shard(tmp_path: Path) -> None:
    files = touch_files(tmp_path / "raw", [f"p{i}.html" for i in range(10)], size=1000)
    capped = plan_shards(tmp_path / "raw", files, tmp_path / "out", "d", shard_files=64, shard_bytes=2500)
    assert all(s.size <= 2500 for s in capped) and max(len(s.files) for s in capped) <= 2
    single = plan_shards(tmp_path / "raw", files, tmp_path / "out", "d", shard_files=1)
    assert [len(s.files) for s in single] == [1] * 10
    # the key depends on the options digest and the content
    other = plan_shards(tmp_path / "raw", files, tmp_path / "out", "e", shard_files=1)
    assert not {s.key for s in single} & {s.key for s in other}


def test_rows_follow_sorted_input_and_progress_counts_every_file(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    topics = ["gout", "asthma", "eczema", "lupus", "anemia", "sciatica", "shingles", "vertigo"]
    for i, topic in enumerate(topics):
        (raw / f"d{i % 3}").mkdir(parents=True, exist_ok=True)
        (raw / f"d{i % 3}" / f"{topic}.html").write_text(PAGE.format(t=topic.title()))
    ticks: list[Progress] = []
    planned: list[int] = []
    result = run(raw, tmp_path / "out", OPTS, shard_files=64, on_progress=ticks.append,
                 on_plan=planned.append)
    assert planned == [8]
    assert sum(t.files for t in ticks) == 8
    assert len(ticks) > result.shards  # the bar moved per file, not only per shard
    tables = cleanhealth.load(tmp_path / "out")
    expected = sorted(f"d{i % 3}/{t}.html" for i, t in enumerate(topics))
    assert list(tables.documents.source) == expected
    assert (tables.documents.status == "ok").all()
    # every section and removed row belongs to a document, in document order
    order = {d: n for n, d in enumerate(tables.documents.doc_id)}
    assert list(tables.sections.doc_id.map(order)) == sorted(tables.sections.doc_id.map(order))
    info = json.loads((tmp_path / "out" / "run.json").read_text())
    assert info["executor"] == "inprocess" and info["page_timeout"] == 60.0


def test_same_input_gives_identical_tables_across_shardings(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for topic in ["gout", "asthma", "eczema", "lupus", "anemia"]:
        (raw / f"{topic}.html").write_text(PAGE.format(t=topic.title()))
    run(raw, tmp_path / "a", OPTS, shard_files=1)
    run(raw, tmp_path / "b", OPTS, shard_files=64)
    a, b = cleanhealth.load(tmp_path / "a"), cleanhealth.load(tmp_path / "b")
    for table in ("documents", "sections", "removed"):
        pd.testing.assert_frame_equal(a[table], b[table])
    assert len(list((tmp_path / "a" / "documents").glob("part-*.parquet"))) == 5


@pytest.mark.parametrize("kwargs, code", [
    ({"workers": 0}, "E312"), ({"shard_files": 0}, "E312"), ({"page_timeout": -1}, "E312"),
    ({"executor": "spark"}, "E306"),
])
def test_bad_run_options_are_clear_errors(tmp_path: Path, kwargs: dict, code: str) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.html").write_text(PAGE.format(t="Gout"))
    with pytest.raises(CleanhealthError, match=code):
        run(raw, tmp_path / "out", OPTS, **kwargs)


def test_cli_page_timeout_and_exit_code(tmp_path: Path) -> None:
    from cleanhealth.cli import main

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.html").write_text(PAGE.format(t="Gout"))
    (raw / "b.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    assert main(["run", str(raw), "--out", str(tmp_path / "out"), "--quiet", "--no-entities",
                 "--page-timeout", "5"]) == 0
    docs = cleanhealth.load(tmp_path / "out").documents
    assert list(docs.status) == ["ok", "unreadable"]  # a bad page does not fail the run
    assert json.loads((tmp_path / "out" / "run.json").read_text())["page_timeout"] == 5.0
