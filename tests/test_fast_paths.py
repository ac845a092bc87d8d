"""Fast paths give the answers of the slower code they replace (see each docstring)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cleanhealth.extract.lexicon import load_lexicon, normalise, trim
from cleanhealth.extract.markup import fold_spaces

# Segments from the benchmark pages that hit a line or strong rule of each kind, and prose.
SEGMENTS = [
    "Best of the Web newsletter",
    "Copyright Policy",
    "Sponsored Narratives",
    "Skip to main content",
    "When you purchase through links on our site, we may earn an affiliate commission.",
    "We use cookies to understand how you use our site and to improve user experience.",
    "Updated 5:27 AM CST, Wednesday, November 20, 2019",
    "Posted by industryselect on Tuesday, August 29, 2023",
    "Follow us on social media",
    "Ready to get started? Contact us today",
    "Your email address will not be published. Required fields are marked *",
    "Taste of Home's Editorial Process",
    "Home",
    "Privacy Policy",
    "Sciatica is pain that travels along the sciatic nerve, from the lower back down one leg.",
    "Call your doctor if the pain lasts more than a week or follows an injury.",
    "",
]


def _both(text: str) -> tuple[tuple, tuple]:
    lexicon = load_lexicon()
    norm = normalise(text)
    trimmed = trim(norm)
    words = len(norm.split())
    return lexicon.decisive(norm, trimmed, words), lexicon.match(norm, trimmed, words)[:2]


def test_decisive_is_match_without_phrases() -> None:
    found = set()
    for text in SEGMENTS:
        decisive, full = _both(text)
        assert decisive == full, text
        found.update(r for r in decisive if r)
    assert len(found) >= 10  # the samples do exercise the rules


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(SEGMENTS + ["by", "reviewed", "2024", "|", "share", "cookies"]), max_size=6))
def test_decisive_agrees_on_mixtures(parts: list[str]) -> None:
    decisive, full = _both(" ".join(parts))
    assert decisive == full


def test_str_split_whitespace_is_regex_whitespace() -> None:
    """fold_spaces relies on str.split() and re's \\s agreeing on every code point."""
    space = re.compile(r"\s")
    assert [c for c in range(0x110000) if bool(space.match(chr(c))) != chr(c).isspace()] == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" \t\n\r\x0b\x0c\x1c\x85\xa0\u2003\u3000ab.")), max_size=30))
def test_fold_spaces_is_regex_fold(text: str) -> None:
    assert fold_spaces(text) == re.sub(r"\s+", " ", text).strip()


def test_reader_hands_its_parse_to_the_extractor_once() -> None:
    """The reader's depth-check parse is the tree the extractor gets for that very text."""
    from lxml import etree

    from cleanhealth import htmltree
    from cleanhealth.read import read_bytes

    html = "<html><head><title>T</title></head><body><h1>Sciatica</h1><p>" + "Pain down one leg. " * 20 \
        + "</p></body></html>"
    page = read_bytes(html.encode(), "a.html")[0]
    fresh = htmltree.parse_html(page.content)[0]
    copy = "".join(list(page.content))  # equal text, another string: not the one the reader parsed
    assert copy is not page.content
    stored = htmltree._LOCAL.handed
    assert stored[0] is page.content
    other = htmltree.parsed_tree(copy)  # parsed anew; the reader's tree stays for its page
    handed = htmltree.parsed_tree(page.content)
    again = htmltree.parsed_tree(page.content)
    assert handed is stored[1] and other is not handed
    assert again is not handed  # given out once: the extractor prunes it
    for tree in (other, handed, again):
        assert etree.tostring(tree) == etree.tostring(fresh)


REPAIR_PIECES = ["<!DOCTYPE html/>", "<!doctype html PUBLIC '-//W3C//DTD/x'>", "<html lang='en'/>", "<html>",
                 "<body>", "<p>Pain</p>", "\n", " ", "/>", "\x00", "\x0c", "\x1f", "\t", "\r", "\ufffe", "\uffff",
                 "\ud800", "é", "—", "<html", "x"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(REPAIR_PIECES), max_size=12))
def test_repair_html_is_trafilaturas(pieces: list[str]) -> None:
    """htmltree.repair_html skips a regex pass; its output is repair_faulty_html's."""
    from trafilatura.utils import repair_faulty_html

    from cleanhealth.htmltree import repair_html

    html = "".join(pieces)
    beginning = html[:50].lower()
    assert repair_html(html, beginning) == repair_faulty_html(html, beginning)
