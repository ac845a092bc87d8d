"""CI quality guard: score a small, fixed slice of the benchmark and fail when F1 drops
below the floors pinned in tests/quality_floors.json.

The file is shared by the cleaners: {"text": {...}, "html": {...}}; each entry names a
set, how many pages (the first N by id; wcxb-dev from its held-out split) and the
floors. Floors sit a little under the measured figures so that noise does not fail
CI but a real regression does. Skipped when ../shared/bench is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleanhealth.evaluate.bench import load_pages
from cleanhealth.evaluate.metric import score_page, summarize
from cleanhealth.evaluate.text import clean_pages

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"
FLOORS = json.loads((Path(__file__).with_name("quality_floors.json")).read_text())


@pytest.mark.parametrize("name", sorted(FLOORS.get("text", {})))
def test_text_cleaner_floor(name):
    spec = FLOORS["text"][name]
    if not (BENCH / spec["set"]).is_dir():
        pytest.skip("../shared/bench is absent: quality floors need the benchmark")
    pages = load_pages(BENCH, spec["set"], split=spec.get("split"), limit=spec["pages"])
    docs, _ = clean_pages(pages)
    summary = summarize([score_page(p.page_id, p.gold, d.text, p.snippets) for p, d in zip(pages, docs)])
    assert summary.f1 >= spec["min_f1"], f"{name}: F1 {summary.f1:.4f} < floor {spec['min_f1']}"
    if "max_exclude_leaked" in spec and summary.must_exclude_leaked is not None:
        assert summary.must_exclude_leaked <= spec["max_exclude_leaked"], (
            f"{name}: must-exclude leaked {summary.must_exclude_leaked:.4f} > {spec['max_exclude_leaked']}")


@pytest.mark.parametrize("name", sorted(FLOORS.get("html", {})))
def test_html_extractor_floor(name):
    """The HTML path on the slice, read from the page files as `cleanhealth run` reads them
    (measured 2026-12-05, session 6: scrapinghub_30 F1 0.9636, trafilatura 0.936;
    wcxb_heldout_40 F1 0.9182 (0.913 at session 4), trafilatura 0.901, leaked 0.007;
    wcxb_health_72, all 72 health pages, F1 0.9109, trafilatura 0.880, leaked 0.014).
    F1 floors of the slices sit about 0.008 below, leak ceilings about twice the measured
    share. The health pages and the two whole sets (`*_all`: scrapinghub 0.9685,
    wcxb-dev 0.8405 with 153 of 5,223 must-exclude snippets leaked, 2.9 %) are pinned
    at issue 4's targets themselves (0.91; 0.965; 0.83 and 3 %): the extraction is
    deterministic, so a drop below a target is a change, not noise."""
    from cleanhealth.evaluate.html import cleanhealth_text

    spec = FLOORS["html"][name]
    if not (BENCH / spec["set"]).is_dir():
        pytest.skip("../shared/bench is absent: quality floors need the benchmark")
    pages = load_pages(BENCH, spec["set"], health_only=spec.get("health", False), split=spec.get("split"),
                       limit=spec.get("pages"))
    summary = summarize([score_page(p.page_id, p.gold, cleanhealth_text(p.raw, source=f"{p.page_id}.html.gz"), p.snippets)
                         for p in pages])
    assert summary.f1 >= spec["min_f1"], f"{name}: F1 {summary.f1:.4f} < floor {spec['min_f1']}"
    if "max_exclude_leaked" in spec and summary.must_exclude_leaked is not None:
        assert summary.must_exclude_leaked <= spec["max_exclude_leaked"], (
            f"{name}: must-exclude leaked {summary.must_exclude_leaked:.4f} > {spec['max_exclude_leaked']}")


def test_the_evaluation_reads_page_files_as_the_pipeline_does():
    """Scored text of a page file comes through the reader (gzip, encoding, mojibake
    repair), as `cleanhealth run` would give it; a decoded string goes straight in."""
    import gzip

    from cleanhealth.evaluate.html import cleanhealth_text

    para = ("Most people with plantar fasciitis recover within a year when they stretch the calf, "
            "wear cushioned shoes and rest from running; you’re unlikely to need surgery. ")
    html = f"<html><head><title>Heel pain</title></head><body><article><h1>Heel pain</h1><p>{para * 3}</p></article></body></html>"
    double_encoded = html.encode("utf-8").decode("cp1252").encode("utf-8")  # 'youâ€™re'
    assert "you’re unlikely" in cleanhealth_text(gzip.compress(double_encoded), source="heel.html.gz")
    assert "youâ€™re" in cleanhealth_text(double_encoded.decode("utf-8"))
