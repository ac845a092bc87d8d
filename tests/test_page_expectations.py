"""The hand-written page expectations must stay in step with raw/pages/.

Other tests (HTML extraction, evaluation) assert that each `must_stay` string survives
cleaning and each `must_go` string is removed with its reason; those assertions are
only meaningful if the strings really occur in the pages. This test checks that, plus
the shape of the file (reasons from REASONS, 5-10 must_stay per page, every page
covered), and that the sample pages exercise the encodings and kinds they claim to.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "raw" / "pages"
EXPECTATIONS = ROOT / "tests" / "data" / "page_expectations.json"


def _checker():
    spec = importlib.util.spec_from_file_location("check_expectations", ROOT / "tests" / "data" / "check_expectations.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def expectations() -> dict:
    return json.loads(EXPECTATIONS.read_text(encoding="utf-8"))


def test_expectations_match_pages(expectations: dict) -> None:
    problems = _checker().check(expectations, PAGES)
    assert problems == []


def test_enough_pages_and_reasons(expectations: dict) -> None:
    assert len(expectations) >= 14
    reasons = {g["reason"] for e in expectations.values() for g in e["must_go"]}
    # the leftovers issue 4 lists must each be exercised by at least one page
    for needed in ("cta", "byline", "date_stamp", "ad", "affiliate_disclosure", "toc", "related_links",
                   "newsletter", "privacy", "share", "author_bio", "spam_injection", "hidden", "comments",
                   "footer", "nav", "editorial_policy", "contamination"):
        assert needed in reasons, needed


def test_checker_catches_a_string_split_by_markup(expectations: dict) -> None:
    """A string straddling '<a>register</a>.' is rejected, so the checker is not vacuous."""
    broken = json.loads(json.dumps(expectations))
    broken["forum-thread-migraine.html"]["must_stay"].append("Please login or register.")
    problems = _checker().check(broken, PAGES)
    assert any("Please login or register." in p for p in problems)


def test_encoding_samples_present() -> None:
    latin1 = (PAGES / "old-table-layout-sjogrens-latin1.html").read_bytes()
    assert b"charset=iso-8859-1" in latin1
    assert "Sjögren".encode("latin-1") in latin1
    with pytest.raises(UnicodeDecodeError):
        latin1.decode("utf-8")
    assert (PAGES / "bom-utf8-depression-blog.html").read_bytes().startswith(b"\xef\xbb\xbf")


def test_pages_are_realistic_size() -> None:
    sizes = {p.name: p.stat().st_size for p in PAGES.glob("*.html")}
    assert all(4_000 <= s <= 15_000 for s in sizes.values()), sizes


def _warc_payloads(path: Path) -> list[tuple[str, str, bytes]]:
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as fh:
        return [(r.rec_headers.get_header("WARC-Target-URI"), r.http_headers.get_header("Content-Type"),
                 r.content_stream().read()) for r in ArchiveIterator(fh)]


def test_crawl_samples_are_up_to_date(tmp_path: Path) -> None:
    """raw/crawl/ is what scripts/make_sample_crawl.py makes from raw/pages/ today.

    Compared by content (not compressed bytes, which may differ between zlib builds).
    """
    import gzip
    import subprocess
    import sys

    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_sample_crawl.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    crawl = ROOT / "raw" / "crawl"
    assert (tmp_path / "sample.jsonl").read_bytes() == (crawl / "sample.jsonl").read_bytes()
    name = "drug-info-ibuprofen.html.gz"
    assert gzip.decompress((tmp_path / name).read_bytes()) == gzip.decompress((crawl / name).read_bytes())
    committed = _warc_payloads(crawl / "sample.warc.gz")
    assert committed == _warc_payloads(tmp_path / "sample.warc.gz")
    kinds = [ctype.split(";")[0] for _, ctype, _ in committed]
    assert kinds == ["text/html", "text/html", "image/png"]
    records = [json.loads(line) for line in (crawl / "sample.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [sorted(r) for r in records] == [["html", "url"], ["html", "url"], ["text", "url"]]


def test_raw_stays_small() -> None:
    total = sum(p.stat().st_size for p in (ROOT / "raw").rglob("*") if p.is_file())
    assert total < 400_000, total
