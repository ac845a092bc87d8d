"""Regenerate the small crawl-format samples in raw/crawl/ from the pages in raw/pages/.

Why: the reader must accept every input format the README promises (JSON lines,
gzip-compressed HTML, WARC.gz). Deriving these samples from the hand-written pages
keeps them in step when a page changes, and makes the expected outcome of reading
them obvious (same pages, other wrappers). Output is deterministic (fixed record ids,
dates and gzip timestamps) so regenerating does not churn git.

Run:  python scripts/make_sample_crawl.py  [--pages raw/pages] [--out raw/crawl]

Writes:
- sample.jsonl: 3 records; two with `url` + `html`, one with `url` + `text` (the
  page's text as a naive scraper would dump it, boilerplate included).
- drug-info-ibuprofen.html.gz: one gzip-compressed HTML page.
- sample.warc.gz: 2 HTML response records (one UTF-8, one ISO-8859-1 declared in the
  HTTP header) and one non-HTML response (a PNG image) that a reader must skip.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
from pathlib import Path

from bs4 import BeautifulSoup
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1]

JSONL_HTML_PAGES = ("clinic-knee-osteoarthritis.html", "government-high-blood-pressure.html")
JSONL_TEXT_PAGE = "news-flu-vaccine.html"
GZIP_PAGE = "drug-info-ibuprofen.html"
# (page, HTTP charset) pairs: the Latin-1 page checks that the header charset is honoured
WARC_HTML_PAGES = (("hospital-library-sciatica.html", "utf-8"), ("old-table-layout-sjogrens-latin1.html", "ISO-8859-1"))
WARC_DATE = "2025-11-01T12:00:00Z"  # fixed so regenerated files are byte-identical

# A valid 1x1 transparent PNG: the non-HTML record of the WARC.
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def canonical_url(html: bytes) -> str:
    """The page's canonical URL (or og:url), as a crawler would have recorded it."""
    soup = BeautifulSoup(html, "lxml")
    link = soup.find("link", rel="canonical")
    if link and link.get("href"):
        return link["href"]
    og = soup.find("meta", property="og:url")
    return og["content"] if og else "https://example.org/"


def text_dump(html: bytes) -> str:
    """Page text as a naive scraper dumps it: every element's text, one per line."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    lines = (re.sub(r"\s+", " ", line).strip() for line in (soup.body or soup).get_text("\n").splitlines())
    return "\n".join(line for line in lines if line)


def write_jsonl(pages: Path, out: Path) -> Path:
    records = []
    for name in JSONL_HTML_PAGES:
        html = (pages / name).read_bytes()
        records.append({"url": canonical_url(html), "html": html.decode("utf-8")})
    html = (pages / JSONL_TEXT_PAGE).read_bytes()
    records.append({"url": canonical_url(html), "text": text_dump(html)})
    path = out / "sample.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def write_gzip(pages: Path, out: Path) -> Path:
    path = out / f"{GZIP_PAGE}.gz"
    buf = io.BytesIO()
    # mtime=0 and no file name in the header: deterministic bytes
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
        gz.write((pages / GZIP_PAGE).read_bytes())
    path.write_bytes(buf.getvalue())
    return path


def _response(writer: WARCWriter, url: str, body: bytes, content_type: str, record_id: str):
    http = StatusAndHeaders("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))],
                            protocol="HTTP/1.1")
    return writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=http,
        warc_headers_dict={"WARC-Date": WARC_DATE, "WARC-Record-ID": record_id},
    )


def write_warc(pages: Path, out: Path) -> Path:
    path = out / "sample.warc.gz"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, (name, charset) in enumerate(WARC_HTML_PAGES, start=1):
            html = (pages / name).read_bytes()
            rid = f"<urn:uuid:00000000-0000-4000-8000-00000000000{i}>"
            writer.write_record(_response(writer, canonical_url(html), html, f"text/html; charset={charset}", rid))
        writer.write_record(_response(writer, "https://www.riversideuhs.org/themes/custom/ruhs/pixel.png", PNG_1X1,
                                      "image/png", "<urn:uuid:00000000-0000-4000-8000-000000000009>"))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, default=ROOT / "raw" / "pages")
    parser.add_argument("--out", type=Path, default=ROOT / "raw" / "crawl")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in (write_jsonl(args.pages, args.out), write_gzip(args.pages, args.out), write_warc(args.pages, args.out)):
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
