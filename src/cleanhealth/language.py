"""Language detection: set `Document.language` (ISO 639-1) and flag non-English pages.

cleanhealth's boilerplate rules, stop-word features and medical vocabularies are
English. A page in another language is kept (it is still a page of the crawl) but
flagged `non_english`, so English-only steps can leave it alone and analysts can
filter it. Detection uses lingua (a real n-gram model shipped inside the PyPI
wheel; nothing is downloaded), restricted to the languages in
`data/languages.txt` and built once per process.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from .document import STATUS_FAILED, STATUS_NO_CONTENT, Document
from .stage import Stage

# How many characters of text are shown to the detector. lingua's accuracy on
# whole paragraphs saturates long before this; the cap bounds the cost of huge
# pages (detection time grows linearly with text length).
SAMPLE_CHARS = 2000
# Fewer letters than this and no language is claimed (a title or a menu is not
# enough evidence: lingua's own accuracy tables drop sharply under ~20 characters).
MIN_LETTERS = 20
# lingua's low-accuracy mode uses trigrams only. Measured on the 1,539 bench gold
# texts (`python -m cleanhealth.language BENCH_DIR`): 4.5 ms/text and 0.4 s to build
# versus 12.8 ms/text and 9.6 s to build in high-accuracy mode, with identical
# answers on all 1,539 texts (page texts are long enough for trigrams to suffice).
LOW_ACCURACY_MODE = True
# Documents whose detected language is not English get this flag.
FLAG_NON_ENGLISH = "non_english"
ENGLISH = "en"

LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# For pages where extraction kept nothing: drop scripts, styles and tags to get at
# whatever visible text the raw page has.
_SCRIPT_STYLE = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_ENTITY = re.compile(r"&[#A-Za-z0-9]+;")


def configured_languages() -> list[str]:
    """lingua Language names from data/languages.txt (comments and blanks skipped)."""
    text = files("cleanhealth").joinpath("data/languages.txt").read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@cache
def get_detector():
    """The lingua detector, built once per process (building loads the n-gram models)."""
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in configured_languages()]
    builder = LanguageDetectorBuilder.from_languages(*languages)
    if LOW_ACCURACY_MODE:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when there is too little text."""
    sample = text[:SAMPLE_CHARS]
    if len(LETTER.findall(sample)) < MIN_LETTERS:
        return None
    language = get_detector().detect_language_of(sample)
    if language is None:
        return None
    return language.iso_code_639_1.name.lower()


def visible_text(html: str) -> str:
    """A rough visible-text rendering of markup (for language detection only)."""
    text = _SCRIPT_STYLE.sub(" ", html[: SAMPLE_CHARS * 50])
    text = _ENTITY.sub(" ", _TAG.sub(" ", text))
    return " ".join(text.split())


class LanguageStage(Stage):
    """Sets `language` from the clean text (or the raw page when nothing was kept)."""

    name = "language"

    def __call__(self, doc: Document) -> Document:
        if doc.status in (STATUS_NO_CONTENT, STATUS_FAILED) and doc.raw:
            # The base class skips documents that are not ok; their language is still
            # worth knowing (English-only rules may be why nothing was kept), and a
            # best-effort guess must not change the row's status or error.
            try:
                self.process(doc)
            except Exception:  # noqa: BLE001 - the page is already recorded as not ok
                doc.language = None
            return doc
        return super().__call__(doc)

    def process(self, doc: Document) -> Document:
        text = doc.text if doc.text.strip() else visible_text(doc.raw)
        doc.language = detect_language(text)
        if doc.language is not None and doc.language != ENGLISH:
            doc.add_flag(FLAG_NON_ENGLISH)
        return doc


def _bench(root: str) -> None:
    """Print detection speed and the languages found on a folder of *.gold.txt files."""
    import time
    from collections import Counter
    from pathlib import Path

    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(Path(root).rglob("*.gold.txt"))]
    started = time.perf_counter()
    get_detector().detect_language_of("models load lazily, on the first detection")
    built = time.perf_counter() - started
    started = time.perf_counter()
    found = Counter(detect_language(t) for t in texts)
    seconds = time.perf_counter() - started
    print(f"{len(texts)} texts; detector built in {built:.2f} s; "
          f"{seconds / max(1, len(texts)) * 1000:.2f} ms/text; languages: {dict(found.most_common())}")


if __name__ == "__main__":
    import sys

    _bench(sys.argv[1] if len(sys.argv) > 1 else "../shared/bench")
