"""Incremental and resumable runs: reuse, partial re-processing, SIGKILL and resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import cleanhealth
from cleanhealth.pipeline import Options
from cleanhealth.run import run

pytestmark = pytest.mark.timeout(150)

TOPICS = ["sciatica", "gout", "asthma", "migraine", "influenza", "eczema", "anemia", "psoriasis",
          "insomnia", "bronchitis", "shingles", "tinnitus", "vertigo", "sinusitis", "lupus",
          "rosacea", "scoliosis", "tendinitis", "bursitis", "cystitis", "gastritis", "hepatitis",
          "glaucoma", "cataract"]
PAGE = """<html><head><title>{t} | Health Library</title></head><body>
<nav><a href="/">Home</a> <a href="/a-z">Conditions A-Z</a> <a href="/contact">Contact</a></nav>
<article><h1>What is {t}?</h1><p>{t} is a condition that affects many adults. Symptoms of {t}
include pain, fatigue and swelling; a doctor may order an MRI or blood tests to confirm it.</p>
<h2>Treatment of {t}</h2><p>Treatment of {t} depends on the cause. Ibuprofen can ease the pain,
and most people with {t} feel better within a few weeks.</p></article>
<footer>Copyright 2024 Health Library. Subscribe to our newsletter.</footer></body></html>"""


def make_corpus(folder: Path, topics: list[str] = TOPICS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, topic in enumerate(topics):
        sub = folder / ("a" if i % 2 else "b")
        sub.mkdir(exist_ok=True)
        (sub / f"{i:03d}-{topic}.html").write_text(PAGE.format(t=topic.title()))
    return folder


def frames(out: Path) -> dict[str, pd.DataFrame]:
    tables = cleanhealth.load(out)
    return {name: tables[name] for name in ("documents", "sections", "entities", "removed")}


def assert_same_tables(a: Path, b: Path) -> None:
    fa, fb = frames(a), frames(b)
    for name in fa:
        pd.testing.assert_frame_equal(fa[name], fb[name], obj=name)


OPTS = Options(tag_entities=False)


def test_rerun_reuses_every_shard_and_changed_file_reprocesses_its_shard(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "raw")
    out = tmp_path / "out"
    first = run(corpus, out, OPTS, shard_files=4)
    assert first.reused_shards == 0 and first.shards >= 6
    second = run(corpus, out, OPTS, shard_files=4)
    assert second.reused_shards == second.shards == first.shards
    before = frames(out)["documents"]

    changed = corpus / "a" / "001-gout.html"
    changed.write_text(changed.read_text().replace("many adults", "many older adults"))
    third = run(corpus, out, OPTS, shard_files=4)
    assert third.shards == first.shards
    assert third.reused_shards == first.shards - 1
    after = frames(out)["documents"]
    row = after[after.source == "a/001-gout.html"].iloc[0]
    assert "many older adults" in row.text
    old_row = before[before.source == "a/001-gout.html"].iloc[0]
    assert row.doc_id != old_row.doc_id  # the content changed, so the id did
    unchanged = after[after.source != "a/001-gout.html"].reset_index(drop=True)
    pd.testing.assert_frame_equal(unchanged, before[before.source != "a/001-gout.html"].reset_index(drop=True))

    # Different options: nothing can be reused.
    fourth = run(corpus, out, Options(tag_entities=True), shard_files=4)
    assert fourth.reused_shards == 0
    # The old shards are pruned once a run no longer uses them.
    shard_dirs = list((out / ".cleanhealth" / "shards").iterdir())
    assert len(shard_dirs) == fourth.shards


def test_added_file_reprocesses_only_its_shard(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "raw")
    out = tmp_path / "out"
    first = run(corpus, out, OPTS, shard_files=4)
    (corpus / "a" / "001-zz-added.html").write_text(PAGE.format(t="Bunions"))
    second = run(corpus, out, OPTS, shard_files=4)
    # Boundaries depend on file names, not positions: the files after the new one
    # stay in the same shards (a shard that hit its size cap may shift one more).
    assert second.reused_shards >= first.shards - 2
    docs = frames(out)["documents"]
    assert len(docs) == len(TOPICS) + 1
    assert list(docs.source) == sorted(docs.source, key=lambda s: (s.split("/")[0], s))


def _cli(corpus: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "cleanhealth.cli", "run", str(corpus), "--out", str(out),
            "--no-entities", "--quiet", "--shard-files", "1", *extra]


@pytest.mark.parametrize("extra", [(), ("--workers", "2")], ids=["inprocess", "pool"])
def test_sigkill_midway_then_resume_equals_uninterrupted(tmp_path: Path, extra: tuple[str, ...]) -> None:
    corpus = make_corpus(tmp_path / "raw", TOPICS[:12])
    reference = tmp_path / "reference"  # uninterrupted, in-process
    subprocess.run(_cli(corpus, reference), check=True, capture_output=True)

    out = tmp_path / "out"
    shards = out / ".cleanhealth" / "shards"
    proc = subprocess.Popen(_cli(corpus, out, *extra), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done: list[Path] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        done = list(shards.glob("*/DONE.json")) if shards.is_dir() else []
        if len(done) >= 3:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed midway"
    assert not (out / "run.json").exists()  # nothing committed: no half-written dataset
    killed_done = len(list(shards.glob("*/DONE.json")))
    assert 3 <= killed_done < 12
    time.sleep(0.2)  # children die with their parent (PR_SET_PDEATHSIG)

    resumed = subprocess.run(_cli(corpus, out, *extra), capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    info = json.loads((out / "run.json").read_text())
    assert info["reused_shards"] >= killed_done
    assert info["shards"] == 12
    assert_same_tables(reference, out)
    assert not list(shards.glob("*.tmp"))  # the killed shard's partial files are gone


def test_failed_run_leaves_previous_output(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "raw", TOPICS[:3])
    out = tmp_path / "out"
    run(corpus, out, OPTS)
    before = frames(out)["documents"]

    def explode(progress) -> None:
        raise KeyboardInterrupt

    (corpus / "b" / "new.html").write_text(PAGE.format(t="Gout"))
    with pytest.raises(KeyboardInterrupt):
        run(corpus, out, OPTS, shard_files=1, on_progress=explode)
    pd.testing.assert_frame_equal(frames(out)["documents"], before)
    assert os.path.islink(out / "documents")
