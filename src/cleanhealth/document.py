"""The records that flow through the pipeline.

A `Page` is what the reader found (one file, or one record of a JSON-lines or WARC
file). `process_page` turns it into a `Document`, which every stage reads and
amends in turn. Everything here is plain data so that a Document can cross a
process boundary (pool or Dask worker) unchanged.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Document.status values. A row exists for every input whatever its status.
STATUS_OK = "ok"  # processed; `text` holds the clean main text
STATUS_NO_CONTENT = "no_content"  # processed, but nothing survived cleaning
STATUS_UNREADABLE = "unreadable"  # empty, binary, corrupt or undecodable input
STATUS_REFUSED = "refused"  # refused by a limit (size, decompressed size, depth)
STATUS_FAILED = "failed"  # a stage raised or timed out; `error` says which

STATUSES = (STATUS_OK, STATUS_NO_CONTENT, STATUS_UNREADABLE, STATUS_REFUSED, STATUS_FAILED)

# Page.format values: what the content is, after unwrapping containers.
FORMAT_HTML = "html"
FORMAT_TEXT = "text"

# Block.kind values.
KIND_TITLE = "title"  # the page title, opening the document as a level-1 heading
KIND_HEADING = "heading"
KIND_PARAGRAPH = "paragraph"
KIND_LIST_ITEM = "list_item"
KIND_TABLE_ROW = "table_row"
# How a table row's cells are joined in its block's text: every HTML reader joins them
# so, and the filters tell a row of several cells by it.
TABLE_CELL_SEPARATOR = " | "

HEADING_KINDS = frozenset({KIND_TITLE, KIND_HEADING})
# Consecutive blocks of these kinds are joined by one newline, not a blank line.
TIGHT_KINDS = frozenset({KIND_LIST_ITEM, KIND_TABLE_ROW})


@dataclass(slots=True)
class Page:
    """One page as read from the input folder, before any cleaning."""

    source: str  # path relative to the input folder, '/'-separated
    record: int = 0  # index of the page inside a multi-page file (JSON lines, WARC)
    format: str = FORMAT_TEXT  # html | text (after unwrapping containers)
    container: str = "file"  # file | gzip | jsonl | warc (how it was packed)
    content: str = ""  # decoded text of the page
    url: str | None = None  # from the container (JSON lines field, WARC header)
    encoding: str | None = None  # the encoding the bytes were decoded with
    size: int = 0  # bytes read for this page
    content_hash: str = ""  # sha1 of the raw bytes, for stable ids and resumption
    status: str = STATUS_OK  # anything but ok means the reader already gave up
    error: str | None = None
    flags: list[str] = field(default_factory=list)  # e.g. mojibake_repaired


@dataclass(slots=True)
class Block:
    """A unit of kept main content, in reading order."""

    text: str
    kind: str = KIND_PARAGRAPH
    level: int = 0  # 1-6 for headings and the title, 0 otherwise
    start: int = -1  # offsets into Document.text, set when the text is assembled
    end: int = -1


@dataclass(slots=True)
class Removed:
    """A span cut from the page, kept so that every removal can be audited."""

    text: str
    reason: str  # one of cleanhealth.reasons.REASONS
    stage: str  # the stage that cut it
    score: float | None = None  # the classifier's boilerplate score, if it had one


@dataclass(slots=True)
class Section:
    section_id: int
    heading: str
    level: int
    start: int  # Document.text[start:end] is the section, heading included
    end: int


@dataclass(slots=True)
class Entity:
    start: int  # Document.text[start:end] == text
    end: int
    text: str
    label: str  # CONDITION | SYMPTOM | ANATOMY | DRUG | PROCEDURE | TEST
    code: str | None = None
    vocabulary: str | None = None  # ICD-10-CM | HPO | MeSH | DrugBank | ICD-10-PCS | ...
    concept: str | None = None  # preferred name of the concept
    negated: bool = False
    section_id: int = 0


@dataclass
class Document:
    """A page on its way through the stages; becomes one row of `documents`."""

    doc_id: str
    source: str
    record: int = 0
    format: str = FORMAT_TEXT
    container: str = "file"
    url: str | None = None
    domain: str | None = None
    title: str | None = None
    language: str | None = None
    raw: str = ""  # the decoded input; stages read it, the writer does not store it
    encoding: str | None = None
    size: int = 0
    content_hash: str = ""
    blocks: list[Block] = field(default_factory=list)
    text: str = ""
    sections: list[Section] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    metadata: dict[str, str | None] = field(default_factory=dict)  # author, date, sitename, ...
    status: str = STATUS_OK
    error: str | None = None
    stats: Counter[str] = field(default_factory=Counter)  # '<stage>.<counter>' -> n
    timings: dict[str, float] = field(default_factory=dict)  # stage name -> seconds

    @classmethod
    def from_page(cls, page: Page) -> "Document":
        return cls(
            doc_id=make_doc_id(page.source, page.record, page.content_hash),
            source=page.source,
            record=page.record,
            format=page.format,
            container=page.container,
            url=page.url,
            domain=domain_of(page.url),
            raw=page.content,
            encoding=page.encoding,
            size=page.size,
            content_hash=page.content_hash,
            flags=list(page.flags),
            status=page.status,
            error=page.error,
        )

    def add_flag(self, flag: str) -> None:
        if flag not in self.flags:
            self.flags.append(flag)

    def assemble_text(self) -> None:
        """Join the kept blocks into `text`, recording each block's offsets.

        Blocks are separated by a blank line, list items and table rows that follow
        one another by a single newline, so the text reads naturally and paragraph
        boundaries survive for downstream sentence splitting.
        """
        parts: list[str] = []
        pos = 0
        previous: Block | None = None
        for block in self.blocks:
            if previous is not None:
                sep = "\n" if block.kind in TIGHT_KINDS and previous.kind in TIGHT_KINDS else "\n\n"
                parts.append(sep)
                pos += len(sep)
            block.start = pos
            parts.append(block.text)
            pos += len(block.text)
            block.end = pos
            previous = block
        self.text = "".join(parts)


def make_doc_id(source: str, record: int, content_hash: str) -> str:
    """Stable id from where the page came from and what it held.

    The same file in the same place always gets the same id; a changed file or a
    file moved elsewhere gets a new one.
    """
    key = f"{source}\x00{record}\x00{content_hash}".encode()
    return hashlib.sha1(key).hexdigest()[:16]


def domain_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.")
