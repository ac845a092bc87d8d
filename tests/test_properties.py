"""Property-based tests (hypothesis) on the public pipeline: offsets and accounting.

For any input, through `process_page`:
- every block, section and entity indexes the document text exactly
  (`text[start:end]` is what the row says), sections are ordered, disjoint and
  cover every non-blank character of the text, and each entity lies in its section;
- (text dumps) kept plus removed text accounts for the input: every non-blank
  token of the input is in the kept text or in some removed span.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanhealth.document import Page
from cleanhealth.pipeline import Options, RunContext, process_page

WITH_ENTITIES = RunContext(options=Options(tag_entities=True))
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Words that make the generated pages look like health pages with boilerplate, so
# that every path of the cleaners (content, headings, menus, calls to action, terms
# the tagger knows) is exercised, not only random noise.
WORDS = ("sciatica back pain the a of and to in is it with for nerve leg spine disc MRI ibuprofen "
         "treatment doctor patients exercise physical therapy numbness may can symptoms diabetes "
         "Home About Contact Subscribe newsletter Advertisement cookies privacy policy Call "
         "1-800-555-0199 today Read more Share Facebook Last reviewed 2024 By Dr. Smith "
         "Skip content Check Your Symptoms no not without HealthHeart DiseaseHeartburn").split()
PUNCT = [".", ",", "?", "!", ":", ";", " -", " |", "", "", "", ""]

word = st.sampled_from(WORDS)
sentence = st.builds(lambda ws, p: " ".join(ws) + p, st.lists(word, min_size=1, max_size=25),
                     st.sampled_from(PUNCT))
line = st.one_of(sentence, st.builds(" ".join, st.lists(sentence, min_size=1, max_size=6)),
                 st.builds(lambda w: w.title(), sentence), st.just(""))
text_dump = st.builds("\n".join, st.lists(line, min_size=1, max_size=30))
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)
block = st.tuples(st.sampled_from(["h1", "h2", "h3", "p", "p", "p", "li", "td"]), sentence)


def html_of(blocks: list[tuple[str, str]], title: str) -> str:
    body = []
    for tag, text in blocks:
        if tag == "li":
            body.append(f"<ul><li>{text}</li></ul>")
        elif tag == "td":
            body.append(f"<table><tr><td>{text}</td><td>{text[::-1]}</td></tr></table>")
        else:
            body.append(f"<{tag}>{text}</{tag}>")
    return (f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article>{''.join(body)}</article><footer>Copyright 2024</footer></body></html>")


def check_offsets(doc) -> None:
    text = doc.text
    for b in doc.blocks:
        assert 0 <= b.start <= b.end <= len(text)
        assert text[b.start:b.end] == b.text
    previous_end = 0
    for s in doc.sections:
        assert 0 <= s.start <= s.end <= len(text)
        assert s.start >= previous_end  # ordered and disjoint
        assert text[previous_end:s.start].strip() == ""  # nothing falls between sections
        if s.heading and s.start < s.end and s.section_id > 0:
            assert text[s.start:s.end].startswith(s.heading)
        previous_end = s.end
    assert text[previous_end:].strip() == ""
    assert [s.section_id for s in doc.sections] == list(range(len(doc.sections)))
    for e in doc.entities:
        assert 0 <= e.start < e.end <= len(text)
        assert text[e.start:e.end] == e.text
        section = doc.sections[e.section_id]
        assert section.start <= e.start and e.end <= section.end


def page(content: str, fmt: str) -> Page:
    return Page(source=f"p.{'html' if fmt == 'html' else 'txt'}", format=fmt, content=content,
                content_hash=str(hash(content)))


@SETTINGS
@given(text_dump)
def test_text_dump_offsets(content):
    doc = process_page(page(content, "text"), WITH_ENTITIES)
    assert doc.status in ("ok", "no_content"), doc.error
    check_offsets(doc)


@SETTINGS
@given(any_text)
def test_offsets_hold_for_any_unicode_text(content):
    doc = process_page(page(content, "text"), WITH_ENTITIES)
    assert doc.status in ("ok", "no_content"), doc.error
    check_offsets(doc)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(block, min_size=1, max_size=15), sentence)
def test_html_offsets(blocks, title):
    doc = process_page(page(html_of(blocks, title), "html"), WITH_ENTITIES)
    assert doc.status in ("ok", "no_content"), doc.error
    check_offsets(doc)


# Menu separators ('Home | About', 'A · B') are where the cleaner splits a run-on
# line into segments; the separator itself belongs to neither side.
SEPARATOR = re.compile(r"[|·•»>/\\-]+")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def covered(token: str, pieces: list[str], parts: int = 3) -> bool:
    """The token is found whole, or split into at most `parts` pieces each found somewhere.

    A run-on line is split where words are glued ('HealthHeart' -> 'Health' | 'Heart'),
    and the two halves may land on different sides of a cut.
    """
    if any(token in piece for piece in pieces):
        return True
    if parts == 1:
        return False
    return any(any(token[:i] in piece for piece in pieces) and covered(token[i:], pieces, parts - 1)
               for i in range(1, len(token)))


@SETTINGS
@given(text_dump)
def test_kept_plus_removed_accounts_for_the_input(content):
    """Every non-blank token of a text dump is kept or recorded as removed.

    Compared without whitespace, so that splitting a run-on line ('Skip contentCheck')
    into segments does not count as a loss.
    """
    doc = process_page(page(content, "text"), RunContext(options=Options(tag_entities=False)))
    assert doc.status in ("ok", "no_content"), doc.error
    pieces = [squash(doc.text)] + [squash(r.text) for r in doc.removed]
    lost = [tok for tok in content.split() if not SEPARATOR.fullmatch(tok) and not covered(tok, pieces)]
    assert not lost, f"tokens neither kept nor removed: {lost[:10]}"


# Control, format and private-use characters never reach the cleaners: the reader
# strips controls (flag 'control_chars_removed') before a page is processed.
printable_text = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Co", "Cn")), max_size=600)


@SETTINGS
@given(printable_text)
def test_kept_plus_removed_accounts_for_any_printable_text(content):
    doc = process_page(page(content, "text"), RunContext(options=Options(tag_entities=False)))
    assert doc.status in ("ok", "no_content"), doc.error
    pieces = [squash(doc.text)] + [squash(r.text) for r in doc.removed]
    lost = [tok for tok in content.split() if not SEPARATOR.fullmatch(tok) and not covered(tok, pieces)]
    assert not lost, f"tokens neither kept nor removed: {lost[:10]}"
