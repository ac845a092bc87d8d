"""Language detection: real pages in several languages, the flag, and English-only steps skipping them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile_corpus import ARTICLE, FOREIGN, html_page, paragraphs  # noqa: E402

from cleanhealth.document import Document, Page  # noqa: E402
from cleanhealth.language import FLAG_NON_ENGLISH, LanguageStage, detect_language, visible_text  # noqa: E402
from cleanhealth.pipeline import Options, RunContext, process_page  # noqa: E402

CONTEXT = RunContext(options=Options(tag_entities=False))


@pytest.mark.parametrize("code", sorted(FOREIGN))
def test_detects_each_language(code):
    assert detect_language(FOREIGN[code]) == code


def test_english_and_too_little_text():
    assert detect_language(ARTICLE) == "en"
    assert detect_language("Home | About") is None
    assert detect_language("") is None
    assert detect_language("12345 67890 !!!") is None


@pytest.mark.parametrize("code", ["es", "de", "ru", "ja"])
def test_pipeline_sets_language_and_flags_non_english(code):
    page = Page(source=f"{code}.html", format="html", content=html_page(paragraphs(FOREIGN[code], 3)),
                content_hash=code)
    doc = process_page(page, CONTEXT)
    assert doc.language == code
    assert FLAG_NON_ENGLISH in doc.flags
    assert doc.status in ("ok", "no_content")


def test_english_page_is_not_flagged():
    page = Page(source="en.html", format="html", content=html_page(paragraphs(ARTICLE, 2)), content_hash="en")
    doc = process_page(page, CONTEXT)
    assert doc.status == "ok" and doc.language == "en" and FLAG_NON_ENGLISH not in doc.flags


def test_language_of_a_page_with_no_kept_text_comes_from_the_raw_page():
    doc = Document(doc_id="x", source="x.html", format="html", status="no_content",
                   raw=f"<html><script>var english = 'words';</script><body><nav>{FOREIGN['fr']}</nav></body></html>")
    doc = LanguageStage()(doc)
    assert doc.language == "fr" and doc.status == "no_content" and FLAG_NON_ENGLISH in doc.flags


def test_unreadable_documents_are_left_alone():
    doc = Document(doc_id="x", source="x.html", status="unreadable", raw=FOREIGN["fr"])
    assert LanguageStage()(doc).language is None


def test_visible_text_drops_markup_and_scripts():
    html = "<html><style>p{}</style><script>var x = 1;</script><p>Hello&nbsp;there <b>friend</b></p></html>"
    assert visible_text(html) == "Hello there friend"


def test_tagger_skips_non_english_documents(monkeypatch):
    """English vocabularies must not run on other languages (false look-alike matches)."""
    import cleanhealth.tag as tag

    def boom():
        raise AssertionError("the tagger must not be built for a non-English page")

    monkeypatch.setattr(tag, "get_tagger", boom)
    doc = Document(doc_id="x", source="es.html", language="es", text=FOREIGN["es"])
    doc = tag.TagStage()(doc)
    assert doc.status == "ok" and doc.entities == []
