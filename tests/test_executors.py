"""Executors: crash and hang isolation, per-worker model loading, identical tables.

The misbehaving page functions below are module-level so that a worker process can
unpickle them (the sandbox child receives the test process's sys.path).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pandas as pd
import pytest

import cleanhealth
from cleanhealth.document import STATUS_FAILED, STATUS_OK
from cleanhealth.pipeline import Options, process_page
from cleanhealth.run import run

pytestmark = pytest.mark.timeout(120)

PAGE = """<html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>{title} is a common condition. Back pain and numbness in the leg are typical symptoms,
and an MRI of the spine can confirm a herniated disc. Ibuprofen may help with the pain.</p>
<p>Most people with {title} recover within six weeks with rest, gentle exercise and
physiotherapy; see a doctor if the pain spreads or you lose bladder control.</p>
</article></body></html>"""


def make_corpus(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / f"{name}.html").write_text(PAGE.format(title=name.replace("-", " ").title()))
    return folder


def crashing_page(page, context):
    """Kills its worker process outright (as a segfault would) on 'crash' pages."""
    if "crash" in page.source:
        os._exit(3)
    return process_page(page, context)


def hanging_page(page, context):
    """Never returns on 'hang' pages (a parser stuck in a loop)."""
    if "hang" in page.source:
        while True:
            time.sleep(0.05)
    return process_page(page, context)


def memory_error_page(page, context):
    if "hog" in page.source:
        raise MemoryError("simulated allocation failure")
    return process_page(page, context)


def blocking_page(page, context):
    """Blocks where SIGALRM cannot interrupt (signals held off), so only the supervisor's
    backstop can stop it: the model of a parser stuck inside C code."""
    if "stuck" in page.source:
        import signal

        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        while True:
            time.sleep(0.05)
    return process_page(page, context)


NAMES = ["alpha-sciatica", "bravo-crash-page", "charlie-hang-page", "delta-gout", "echo-hog-page",
         "foxtrot-stuck-page", "golf-asthma"]
OPTS = Options(tag_entities=False)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("corpus"), NAMES)


def by_source(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "documents").set_index("source")


def test_crash_is_isolated_in_pool(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(corpus, out, OPTS, workers=2, executor="process", shard_files=4,
                 page_fn=crashing_page, page_timeout=30)
    docs = by_source(out)
    assert len(docs) == len(NAMES)
    crashed = docs.loc["bravo-crash-page.html"]
    assert crashed.status == STATUS_FAILED
    assert crashed.error.startswith("[E203]") and "exit code 3" in crashed.error
    others = docs.drop(index="bravo-crash-page.html")
    assert set(others.status) == {STATUS_OK}
    assert "recover within six weeks" in docs.loc["alpha-sciatica.html"].text
    assert result.counts["status.failed"] == 1


def test_hang_is_stopped_by_alarm_and_by_backstop(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    from cleanhealth import executors

    monkeypatch.setattr(executors, "BACKSTOP_GRACE", 1.0)  # the supervisor lives in this process

    # 'hang' pages are stopped by the worker's alarm, 'stuck' pages (alarm blocked) only
    # by the supervisor killing the worker after the limit plus BACKSTOP_GRACE.
    out = tmp_path / "out"
    run(corpus, out, OPTS, workers=1, executor="process", shard_files=64,
        page_fn=_hang_or_stuck, page_timeout=1.0)
    docs = by_source(out)
    for name in ("charlie-hang-page.html", "foxtrot-stuck-page.html"):
        assert docs.loc[name].status == STATUS_FAILED
        assert docs.loc[name].error.startswith("[E202]"), docs.loc[name].error
    assert docs.loc["golf-asthma.html"].status == STATUS_OK
    assert (docs.status == STATUS_OK).sum() == len(NAMES) - 2


def _hang_or_stuck(page, context):
    return blocking_page(page, context) if "stuck" in page.source else hanging_page(page, context)


def test_hang_in_process_uses_alarm(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(corpus, out, OPTS, page_fn=hanging_page, page_timeout=0.5)
    docs = by_source(out)
    assert docs.loc["charlie-hang-page.html"].status == STATUS_FAILED
    assert docs.loc["charlie-hang-page.html"].error.startswith("[E202]")
    assert (docs.status == STATUS_OK).sum() == len(NAMES) - 1


def test_memory_error_is_a_failed_row(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(corpus, out, OPTS, page_fn=memory_error_page)
    docs = by_source(out)
    assert docs.loc["echo-hog-page.html"].status == STATUS_FAILED
    assert "MemoryError" in docs.loc["echo-hog-page.html"].error
    assert (docs.status == STATUS_OK).sum() == len(NAMES) - 1


def test_models_load_once_per_worker(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "many", [f"page-{i:02d}" for i in range(12)])
    result = run(corpus, tmp_path / "out", Options(), workers=2, executor="process", shard_files=1)
    assert result.shards == 12
    assert 1 <= len(result.workers_seen) <= 2
    assert sum(w["shards"] for w in result.workers_seen.values()) == 12
    for worker in result.workers_seen.values():
        assert worker["model_loads"] == 1, result.workers_seen
    assert result.counts["entities"] > 0


def test_pool_and_inprocess_give_identical_tables(corpus: Path, tmp_path: Path) -> None:
    clean = make_corpus(tmp_path / "clean", ["a-sciatica", "b-gout", "c-asthma", "d-migraine", "e-flu"])
    run(clean, tmp_path / "one", Options(), shard_files=2)
    run(clean, tmp_path / "two", Options(), workers=2, shard_files=2)
    one, two = cleanhealth.load(tmp_path / "one"), cleanhealth.load(tmp_path / "two")
    for table in ("documents", "sections", "entities", "removed"):
        pd.testing.assert_frame_equal(one[table], two[table])
    assert two.run["executor"] == "process"


def test_worker_whose_memory_grows_is_replaced(tmp_path: Path, monkeypatch) -> None:
    from cleanhealth import executors

    # Any memory at all counts as growth, even if RSS shrank a little between shards
    # (the supervisor lives in this process).
    monkeypatch.setattr(executors, "RECYCLE_GROWTH_BYTES", -(1 << 40))
    corpus = make_corpus(tmp_path / "c", ["a-gout", "b-asthma", "c-eczema"])
    result = run(corpus, tmp_path / "out", OPTS, workers=1, executor="process", shard_files=1)
    run(corpus, tmp_path / "ref", OPTS, shard_files=1)
    # child 1: shard 1 sets its baseline, shard 2 grows past it -> replaced; child 2: shard 3
    assert len(result.workers_seen) == 2
    assert all(w["model_loads"] == 1 for w in result.workers_seen.values())
    pd.testing.assert_frame_equal(cleanhealth.load(tmp_path / "out").documents,
                                  cleanhealth.load(tmp_path / "ref").documents)
