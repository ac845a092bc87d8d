"""Peak resident memory per worker on a large corpus of real pages (issue 6's flat-memory check).

    python benchmarks/memory_at_scale.py 20000

Builds the corpus as throughput.py does (the bench pages repeated with distinct paths)
and runs cleanhealth once with 2 process workers, without the trafilatura baseline and the
1-worker run that make throughput.py too slow at this size (about 30 min here).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import throughput  # noqa: E402


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    root = Path(tempfile.mkdtemp(prefix="cleanhealth-mem-"))
    corpus = throughput.build_corpus(root, size, throughput.bench_pages())
    started = time.time()
    res = throughput.run_cleanhealth(corpus, root / "out", 2, "process")
    per_worker = ", ".join(throughput.mb(w["peak_rss"]) for w in res["workers"].values())
    print(f"{size:,} pages in {time.time() - started:.0f} s with 2 workers; peak RSS per worker process: "
          f"{per_worker}; parent {throughput.mb(res['parent_peak_rss'])}")


if __name__ == "__main__":
    main()
