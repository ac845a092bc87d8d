"""Access to the benchmark pages in ../shared/bench (not copied into the repo).

Splits: WCXB dev pages are divided deterministically by id hash into `train`
(anything learned or tuned) and `heldout` (reported figures); ScrapingHub is never
trained on.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

SETS = ("scrapinghub", "wcxb-dev")
# Share of WCXB dev pages in the training split; the rest is held out.
TRAIN_SHARE = 0.5


def default_bench_root() -> Path | None:
    """../shared/bench beside the repo (or $CLEANHEALTH_BENCH), if it exists."""
    env = os.environ.get("CLEANHEALTH_BENCH")
    candidates = [Path(env)] if env else []
    here = Path(__file__).resolve()
    candidates += [parent / "shared" / "bench" for parent in here.parents]
    candidates.append(Path.cwd().parent / "shared" / "bench")
    for path in candidates:
        if (path / "scrapinghub").is_dir() or (path / "wcxb-dev").is_dir():
            return path
    return None


@dataclass(frozen=True)
class BenchPage:
    set_name: str
    page_id: str
    folder: Path
    url: str | None
    title: str | None
    page_type: str | None
    health: bool
    encoding: str

    @property
    def gold(self) -> str:
        return (self.folder / f"{self.page_id}.gold.txt").read_text(encoding="utf-8", errors="replace")

    @property
    def scrape(self) -> str:
        return (self.folder / f"{self.page_id}.scrape.txt").read_text(encoding="utf-8", errors="replace")

    @property
    def raw(self) -> bytes:
        """The page's file as stored (gzip): what `cleanhealth run` would be given."""
        return (self.folder / f"{self.page_id}.html.gz").read_bytes()

    @property
    def html(self) -> str:
        data = gzip.decompress((self.folder / f"{self.page_id}.html.gz").read_bytes())
        return data.decode(self.encoding or "utf-8", errors="replace")

    @cached_property
    def snippets(self) -> dict | None:
        path = self.folder / f"{self.page_id}.snippets.json"
        return json.loads(path.read_text()) if path.exists() else None

    @property
    def split(self) -> str:
        if self.set_name != "wcxb-dev":
            return "test"
        h = int(hashlib.sha1(self.page_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
        return "train" if h < TRAIN_SHARE else "heldout"


def load_pages(root: Path, set_name: str, *, health_only: bool = False, split: str | None = None,
               limit: int | None = None) -> list[BenchPage]:
    folder = root / set_name
    pages: list[BenchPage] = []
    for line in (folder / "manifest.jsonl").read_text().splitlines():
        if not line.strip():
            continue
        m = json.loads(line)
        page = BenchPage(set_name, m["id"], folder, m.get("url"), m.get("title"), m.get("page_type"),
                         bool(m.get("health")), m.get("encoding") or "utf-8")
        if health_only and not page.health:
            continue
        if split and page.split != split:
            continue
        pages.append(page)
    pages.sort(key=lambda p: p.page_id)
    return pages[:limit] if limit else pages
