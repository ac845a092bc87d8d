"""Cut a flattened text dump into candidate segments, keeping offsets into the raw text.

A naive scraper writes one block element per line, but real dumps also arrive as
one run-on line where menu items are glued together ('Skip contentCheck Your
Symptoms', 'HealthHeart DiseaseHeartburn') or as paragraphs many thousands of
characters long. The classifier needs units that are either boilerplate or content,
so run-on lines are split at the glue points and very long lines into groups of
sentences. Every segment keeps its `start`/`end` in the raw text so that adjacent
cuts can be reported as one span of the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A line this long is checked for glued menu items (shorter lines are real menus or
# headings already, one per line).
RUNON_MIN_CHARS = 200
# Glue joins per 1,000 characters above which a line is taken to be run-on text
# (ordinary prose has almost none: 'iPhone', 'McDonald' are rare; menus glued
# together have one every 10-30 characters).
RUNON_GLUE_PER_KCHAR = 6.0
# Code has camelCase joins too ('handleClick'); a line with this share of code symbols
# is never split as a run-on menu.
CODE_SYMBOL_SHARE = 0.02
CODE_SYMBOLS = re.compile(r"[{}();=<>\[\]]")
# Lines longer than this are split into groups of sentences so that a menu or a
# disclosure glued to a paragraph can be cut without the paragraph.
LONG_LINE_CHARS = 2000
# Target size of a sentence group when a long line is split.
SENTENCE_GROUP_CHARS = 400
# Hard cap on segment length (a huge line without any sentence end, e.g. junk).
MAX_SEGMENT_CHARS = 4000

# lower->Upper join: 'contentCheck', 'HealthHeart' ('WebMD' is not split because the
# capital must start a lower-case word), or a sentence end glued to the next word.
GLUE = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z])|(?<=[a-z][?!.])(?=[A-Z][a-z])|\s*\|\s*")
# The zero-width joins of GLUE alone (a '|' separator is not a join): counted with one
# findall instead of a Python loop over GLUE's matches.
JOIN = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z])|(?<=[a-z][?!.])(?=[A-Z][a-z])")
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
LIST_MARKER = re.compile(r"^\s*(?:[-*•·▪●◦‣–—]\s+|\(?\d{1,3}[.)]\s+|\(?[a-z][.)]\s+)")


@dataclass(slots=True)
class Segment:
    """One candidate unit: a line, a piece of a run-on line or a group of sentences."""

    text: str  # stripped text
    start: int  # offset of `text` in the raw input
    end: int
    line: int  # index of the raw line it came from
    blank_before: bool = False  # an empty line separated it from the previous line
    runon: bool = False  # cut out of a run-on line
    piece: int = 0  # index of the piece inside its line (0 for whole lines)
    pieces: int = 1  # number of pieces its line was cut into
    list_marker: bool = False  # started with a bullet or a number


def segment(raw: str) -> list[Segment]:
    """Split `raw` into segments in reading order."""
    out: list[Segment] = []
    pos = 0
    blank = False
    line_no = 0
    for line in raw.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if not stripped:
            blank = True
            pos += len(line)
            line_no += 1
            continue
        lead = len(body) - len(body.lstrip())
        start = pos + lead
        if len(stripped) < RUNON_MIN_CHARS:  # the common case: the whole line is one segment
            out.append(Segment(text=stripped, start=start, end=start + len(stripped), line=line_no,
                               blank_before=blank, list_marker=bool(LIST_MARKER.match(stripped))))
            blank = False
            pos += len(line)
            line_no += 1
            continue
        pieces, runon = _split_line(stripped)
        n = len(pieces)
        runon = runon and n > 1
        for k, (a, b) in enumerate(pieces):
            text = stripped[a:b]
            inner = len(text) - len(text.lstrip())
            text = text.strip()
            if not text:
                continue
            out.append(Segment(
                text=text, start=start + a + inner, end=start + a + inner + len(text), line=line_no,
                blank_before=blank and k == 0, runon=runon, piece=k, pieces=n,
                list_marker=bool(LIST_MARKER.match(text)),
            ))
        blank = False
        pos += len(line)
        line_no += 1
    return out


def _is_runon(line: str) -> bool:
    if len(CODE_SYMBOLS.findall(line)) >= CODE_SYMBOL_SHARE * len(line):
        return False
    joins = len(JOIN.findall(line))
    return joins * 1000 / max(len(line), 1) >= RUNON_GLUE_PER_KCHAR


def _split_line(line: str) -> tuple[list[tuple[int, int]], bool]:
    """Spans of `line` to use as segments, and whether the line is run-on text."""
    runon = len(line) >= RUNON_MIN_CHARS and _is_runon(line)
    if runon:
        spans = _cut(line, GLUE)
    else:
        spans = [(0, len(line))]
    result: list[tuple[int, int]] = []
    for a, b in spans:
        if b - a > LONG_LINE_CHARS:
            result.extend(_sentence_groups(line, a, b))
        else:
            result.append((a, b))
    return result, runon


def _cut(line: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    last = 0
    for m in pattern.finditer(line):
        if m.start() > last:
            spans.append((last, m.start()))
        last = m.end()
    if last < len(line):
        spans.append((last, len(line)))
    return spans or [(0, len(line))]


def _sentence_groups(line: str, a: int, b: int) -> list[tuple[int, int]]:
    """Group the sentences of line[a:b] into pieces of about SENTENCE_GROUP_CHARS."""
    bounds = [a] + [a + m.end() for m in SENTENCE_END.finditer(line[a:b])] + [b]
    groups: list[tuple[int, int]] = []
    start = a
    for end in bounds[1:]:
        if end - start >= SENTENCE_GROUP_CHARS or end == b:
            groups.append((start, end))
            start = end
    # A piece without sentence ends (junk, a giant token list) is cut hard.
    final: list[tuple[int, int]] = []
    for s, e in groups:
        while e - s > MAX_SEGMENT_CHARS:
            final.append((s, s + MAX_SEGMENT_CHARS))
            s += MAX_SEGMENT_CHARS
        if e > s:
            final.append((s, e))
    return final


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of `text` (for cutting a call to action out of a paragraph)."""
    bounds = [0] + [m.end() for m in SENTENCE_END.finditer(text)] + [len(text)]
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1) if bounds[i + 1] > bounds[i]]
