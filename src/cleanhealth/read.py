"""Stage 1, read: find every file under the input folder and turn it into Pages.

The format is sniffed from the bytes, not trusted from the extension: gzip (all
members, up to two layers, bombs refused at --max-decompressed-bytes) and WARC by
their magic numbers, JSON lines by parsing, HTML by its tags, anything else
printable as a text dump. Bytes are decoded in this order: BOM (UTF-8/16/32),
UTF-16 without BOM, valid UTF-8, the declared charset (<meta> or the WARC record's
HTTP header), UTF-8 with stray cp1252 bytes ('mixed_encoding'), cp1252 for lone
accented bytes, else charset-normalizer. Control characters are dropped and
mojibake repaired with ftfy. HTML nested deeper than --max-depth is refused (see
DEFAULT_MAX_DEPTH for the measurements). Damaged containers keep what can be read
and say so in `flags`. Every failure becomes a Page with a status and an error
message, never an exception: every input file is accounted for.
"""

from __future__ import annotations

import bisect
import codecs
import gzip
import hashlib
import io
import itertools
import json
import os
import re
import threading
import zlib
from dataclasses import dataclass, fields
from pathlib import Path

import ftfy
from charset_normalizer import from_bytes
from lxml import etree

from .document import (
    FORMAT_HTML,
    FORMAT_TEXT,
    STATUS_OK,
    STATUS_REFUSED,
    STATUS_UNREADABLE,
    Page,
)
from .errors import Errors
from .htmltree import hand_over, is_depth_error, parse_html

# Refusal limits. Defaults are generous for real pages (the largest page in the
# benchmark is ~3 MB) and small enough that one hostile file cannot exhaust memory.
DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024  # a WARC or JSON-lines file may hold many pages
DEFAULT_MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024  # refuses gzip bombs before expansion
DEFAULT_MAX_PAGE_BYTES = 16 * 1024 * 1024  # one page; beyond this it is not a web page
# Deepest element nesting accepted. Measured (lxml 6.1 / libxml2 2.14, trafilatura 2.3):
# libxml2's HTML parser silently stops at depth 256 unless told `huge_tree`, and even
# then caps at 2,048; trafilatura on a huge_tree parse kept all text at 2,000 levels
# and lost the rest of the page at 2,500. Real pages nest < 100 deep; 1,000 leaves a
# wide margin on both sides (and keeps BeautifulSoup's fallback, quadratic on nested
# lists, near 0.3 s at worst).
DEFAULT_MAX_DEPTH = 1000
# libxml2's default depth limit: pages deeper than this lose content with a default
# lxml parse, so they are flagged for extractors ('deep_markup').
LIBXML_DEFAULT_DEPTH = 255

GZIP_MAGIC = b"\x1f\x8b"
# gzip layers unwrapped (a doubly compressed response is a known server mistake);
# each layer is held to --max-decompressed-bytes.
MAX_GZIP_LAYERS = 2
# Compressed bytes fed to zlib at a time (bounded memory, bomb checks between chunks).
GZIP_CHUNK = 64 * 1024
# Most output taken from zlib per call. zlib discards the output of a call that
# ends in an error, so small steps bound what a damaged stream loses at its end.
GZIP_OUT_STEP = 16 * 1024
# How many bytes to look at when sniffing. Enough to pass a long <head>.
SNIFF_BYTES = 4096
# Share of control bytes (NUL included; tab, newline, form feed and CR excluded)
# above which a file is binary, not text. Text has next to none; uniformly random
# bytes have 28/256 = 11 %, compressed or encrypted data about the same.
BINARY_CONTROL_SHARE = 0.05
# A few stray NUL bytes in otherwise textual content (a common crawler artefact) are
# stripped; above this share of the sniffed bytes the file is binary.
STRAY_NUL_SHARE = 0.02
# UTF-16 without a BOM: NULs sit in every other byte. This share of the even (or odd)
# bytes being NUL while the other parity has almost none marks it.
UTF16_NUL_SHARE = 0.30
# A file that is not valid UTF-8 is treated as UTF-8 with stray single-byte (cp1252)
# characters when it holds at least this many valid multi-byte characters per invalid
# byte (a UTF-8 page with pasted Windows quotes), else the detector decides.
MIXED_UTF8_RATIO = 1.0
# Share of non-ASCII bytes standing alone between ASCII bytes above which undeclared,
# non-UTF-8 bytes are read as cp1252 (accented Latin letters) without asking the
# detector (see latin_single_byte).
LATIN_ISOLATED_SHARE = 0.9
# How much of a file the encoding detector looks at (charset-normalizer is slow on
# large inputs and gains nothing past a megabyte).
DETECT_BYTES = 1024 * 1024
# How far into the document a <meta charset> declaration is looked for.
META_SNIFF_BYTES = 16 * 1024
# How many leading lines decide whether a file is JSON lines.
JSONL_SNIFF_LINES = 20

# Flags the reader sets on pages (documents.flags).
FLAG_MOJIBAKE = "mojibake_repaired"
FLAG_CONTROL = "control_chars_removed"
FLAG_MIXED = "mixed_encoding"
FLAG_DEEP = "deep_markup"
FLAG_TRUNCATED_GZIP = "truncated_gzip"
FLAG_CORRUPT_GZIP = "corrupt_gzip"
FLAG_TRUNCATED_WARC = "truncated_warc"
FLAG_REPLACEMENT = "undecodable_bytes_replaced"
FLAG_HTTP_ERROR = "http_error"  # a WARC response with HTTP status >= 400

HTML_SNIFF = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|div|p|article|section|h[1-6]|span|a\s|table|ul|script)\b",
    re.IGNORECASE,
)
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
# C0 controls except tab, newline, form feed and carriage return, plus DEL: invalid in
# XML (trafilatura's output) and never meaningful in a web page's text.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _mojibake_chars() -> tuple[frozenset[str], frozenset[str]]:
    """The characters of a mojibake signature: (leads, continuations).

    What UTF-8 decoded with a single-byte code page looks like: a UTF-8 lead byte
    (0xC2-0xF4) followed by a continuation byte (0x80-0xBF), both decoded with one of
    the code pages ftfy knows how to undo. Text without such a pair (or a stray C1
    control) has no mojibake ftfy could fix.
    """
    import ftfy.bad_codecs  # noqa: F401 - registers the 'sloppy-windows-*' codecs
    from ftfy.chardata import CHARMAP_ENCODINGS

    leads: set[str] = set()
    continuations: set[str] = set()
    for encoding in CHARMAP_ENCODINGS:
        leads |= set(bytes(range(0xC2, 0xF5)).decode(encoding, errors="ignore"))
        continuations |= set(bytes(range(0x80, 0xC0)).decode(encoding, errors="ignore"))
    # MacRoman's 0xCA is a no-break space: as a lead it would send every '&nbsp;&nbsp;'
    # to ftfy, for UTF-8 sequences (U+0280-U+02BF, IPA letters) no web page garbles.
    leads.discard("\u00a0")
    return frozenset(leads), frozenset(continuations)


MOJIBAKE_LEADS, MOJIBAKE_CONTINUATIONS = _mojibake_chars()
C1_CONTROLS = frozenset(chr(c) for c in range(0x80, 0xA0))


def _char_class(chars: frozenset[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


# The same signature as one regex (kept for callers and tests; repair_mojibake finds
# the signatures without scanning every character with it, see mojibake_lines).
MOJIBAKE_HINT = re.compile(f"{_char_class(MOJIBAKE_LEADS)}{_char_class(MOJIBAKE_CONTINUATIONS)}"
                           f"|[\u0080-\u009f]")
# Line boundaries of str.splitlines. None of them is a signature lead, so a signature
# never starts on one line and ends on the next (checked at import below).
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
assert not MOJIBAKE_LEADS & LINE_BREAKS, "a line break may not start a mojibake signature"
LONE_SURROGATES = re.compile(r"[\ud800-\udfff]")
BINARY_SIGNATURES: dict[bytes, str] = {
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive",
    b"\x7fELF": "executable",
    b"MZ": "Windows executable",
    b"RIFF": "RIFF media",
    b"BZh": "bzip2 archive",
    b"\xfd7zXZ": "xz archive",
    b"7z\xbc\xaf\x27\x1c": "7z archive",
    b"OggS": "Ogg media",
    b"II*\x00": "TIFF image",
    b"MM\x00*": "TIFF image",
    b"\x00\x00\x01\x00": "icon",
    b"wOFF": "web font",
    b"wOF2": "web font",
    b"\x1aE\xdf\xa3": "Matroska/WebM media",
    b"ID3": "MP3 audio",
    b"\x28\xb5\x2f\xfd": "zstd archive",
}


@dataclass(frozen=True, slots=True)
class ReadLimits:
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES
    max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH

    @classmethod
    def from_options(cls, options: object) -> "ReadLimits":
        """The limits carried by a pipeline.Options (any object with the same fields)."""
        return cls(**{f.name: getattr(options, f.name, f.default) for f in fields(cls)})


class ReadError(Exception):
    """A page cannot be read; carries the status for its row."""

    def __init__(self, message: str, status: str = STATUS_UNREADABLE) -> None:
        super().__init__(message)
        self.status = status


def discover(root: Path) -> list[Path]:
    """Every regular file under `root`, recursively, in a stable (sorted) order.

    Dangling symlinks are listed too, so that they get a row saying why they could
    not be read instead of vanishing. Pipes, sockets and devices are skipped: reading
    one could block forever.
    """
    if root.is_file():
        return [root]
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() or (path.is_symlink() and not path.exists()):
                files.append(path)
    return files


def relative_source(path: Path, root: Path) -> str:
    if root.is_file():
        return path.name
    return path.relative_to(root).as_posix()


def read_file(path: Path, root: Path, limits: ReadLimits = ReadLimits()) -> list[Page]:
    """Read one input file into one or more Pages (several for JSON lines and WARC)."""
    source = relative_source(path, root)
    size = 0
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise ReadError(Errors.E104.format(size=size, limit=limits.max_file_bytes), STATUS_REFUSED)
        data = path.read_bytes()
    except ReadError as err:
        return [_failed(source, err, size=size)]
    except OSError as exc:
        return [_failed(source, ReadError(Errors.E110.format(detail=exc.strerror or exc)), size=size)]
    return read_bytes(data, source, limits)


def read_bytes(data: bytes, source: str, limits: ReadLimits = ReadLimits()) -> list[Page]:
    """Sniff and decode the bytes of one file. Never raises for bad content."""
    digest = hashlib.sha1(data).hexdigest()
    size = len(data)
    flags: list[str] = []
    try:
        container = "file"
        # Two levels: servers that apply Content-Encoding twice leave gzip in gzip.
        for _ in range(MAX_GZIP_LAYERS):
            if not data.startswith(GZIP_MAGIC):
                break
            data, damage = gunzip_limited(data, limits.max_decompressed_bytes)
            container = "gzip"
            if damage:
                flags.append(damage)
        if not data.strip():
            raise ReadError(Errors.E101)
        if data.lstrip()[:8].startswith(b"WARC/"):
            return _read_warc(data, source, digest, limits)
        binary = binary_kind(data)
        if binary:
            raise ReadError(Errors.E102.format(kind=binary))
        records = _jsonl_records(data)
        if records is not None:
            return _read_jsonl(records, source, limits)
        if len(data) > limits.max_page_bytes:
            raise ReadError(
                Errors.E104.format(size=len(data), limit=limits.max_page_bytes), STATUS_REFUSED
            )
        page = make_page(data, source, 0, container, digest, limits=limits)
        page.size = size
        page.flags[:0] = flags
        return [page]
    except ReadError as err:
        return [_failed(source, err, size=size, content_hash=digest, container=container)]


def make_page(data: bytes, source: str, record: int, container: str, digest: str,
              url: str | None = None, fmt: str | None = None, *,
              declared: str | None = None, limits: ReadLimits = ReadLimits()) -> Page:
    """Decode one page's bytes and decide whether it is HTML or a text dump.

    `declared` is an encoding the container announced (a WARC record's HTTP
    Content-Type charset); it ranks after a BOM and valid UTF-8, like a meta charset.
    Raises ReadError for undecodable bytes or markup nested past the depth limit.
    """
    text, encoding, flags = decode(data, declared=declared)
    return make_text_page(text, source, record, container, digest, url=url, fmt=fmt,
                          encoding=encoding, size=len(data), flags=flags, limits=limits)


def make_text_page(text: str, source: str, record: int, container: str, digest: str, *,
                   url: str | None = None, fmt: str | None = None, encoding: str | None = None,
                   size: int = 0, flags: list[str] | None = None,
                   limits: ReadLimits = ReadLimits()) -> Page:
    """Clean decoded text (controls, surrogates, mojibake) and check its nesting depth."""
    flags = list(flags or [])
    text, cleaned = clean_text(text)
    if cleaned:
        flags.append(FLAG_CONTROL)
    fixed = repair_mojibake(text)
    if fixed != text:
        flags.append(FLAG_MOJIBAKE)
        text = fixed
    fmt = fmt or sniff_format(text)
    if fmt == FORMAT_HTML:
        # the depth check's parse is the extractor's: handed over, it is not parsed twice
        tree, past_default = parse_html(text)
        depth = deep_depth(text) if past_default else 0
        if depth > limits.max_depth:
            raise ReadError(Errors.E111.format(depth=_depth_text(depth), limit=limits.max_depth),
                            STATUS_REFUSED)
        if depth > LIBXML_DEFAULT_DEPTH:
            flags.append(FLAG_DEEP)
        hand_over(text, tree)
    return Page(
        source=source, record=record, format=fmt, container=container, content=text, url=url,
        encoding=encoding, size=size, content_hash=digest, flags=flags,
    )


def sniff_format(text: str) -> str:
    """HTML when the text opens with markup or holds several tags early; else a text dump."""
    head = text[:SNIFF_BYTES].lstrip("\ufeff \t\r\n")
    if head[:1] == "<" and HTML_SNIFF.search(head):
        return FORMAT_HTML
    # Text dumps can quote a tag; HTML needs several tags in the first bytes.
    if len(HTML_SNIFF.findall(head)) >= 3:
        return FORMAT_HTML
    return FORMAT_TEXT


def binary_kind(data: bytes) -> str | None:
    """What binary thing this is (for the error message), or None for text."""
    for signature, kind in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            return kind
    if data[4:12] in (b"ftypisom", b"ftypmp42", b"ftypM4A ", b"ftypheic", b"ftypavif"):
        return "MP4/HEIF media"
    head = data[:SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or utf16_without_bom(head):
        return None  # UTF-16 text has NUL bytes by design
    nul_share = head.count(0) / len(head)
    if nul_share > STRAY_NUL_SHARE:
        return "contains NUL bytes"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13)) + head.count(127)
    if head and controls / len(head) > BINARY_CONTROL_SHARE:
        return "mostly control characters"
    return None


def utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when NULs sit in every other byte (ASCII-range UTF-16)."""
    if len(head) < 16:
        return None
    even, odd = head[0::2], head[1::2]
    even_share, odd_share = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_share >= UTF16_NUL_SHARE and even_share < STRAY_NUL_SHARE:
        return "utf-16-le"
    if even_share >= UTF16_NUL_SHARE and odd_share < STRAY_NUL_SHARE:
        return "utf-16-be"
    return None


def _cp1252_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    """Decode the bytes UTF-8 rejected as cp1252 (latin-1 for its 5 undefined bytes)."""
    bad = err.object[err.start:err.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad), err.end


codecs.register_error("cleanhealth-cp1252", _cp1252_fallback)


def declared_charset(data: bytes) -> str | None:
    """The <meta charset> of a page, if it names an ASCII-compatible codec Python knows."""
    match = META_CHARSET.search(data[:META_SNIFF_BYTES])
    if not match:
        return None
    return _usable_codec(match.group(1).decode("ascii", "ignore"))


def _usable_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().lower())
    except LookupError:
        return None
    # A page that announces UTF-16/32 in an ASCII-readable meta tag is not UTF-16/32.
    if codec.name.startswith(("utf-16", "utf-32")):
        return None
    return codec.name


def decode(data: bytes, declared: str | None = None) -> tuple[str, str, list[str]]:
    """Decode bytes to text: BOM, valid UTF-8, declared charset, mixed UTF-8, detector.

    Valid UTF-8 wins over a declared single-byte charset because pages that declare
    latin-1 yet are UTF-8 are common, and the reverse is almost impossible by chance.
    Returns the text, the encoding used, and flags.
    """
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                      (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _decode_replacing(data, name)
    utf16 = utf16_without_bom(data[:SNIFF_BYTES])
    if utf16:
        return _decode_replacing(data, utf16)
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    declared = _usable_codec(declared) or declared_charset(data)
    if declared and declared != "utf-8":
        return _decode_replacing(data, declared)
    lenient = data.decode("utf-8", errors="ignore")
    invalid_bytes = len(data) - len(lenient.encode("utf-8"))
    multibyte_chars = len(lenient) - len(lenient.encode("ascii", errors="ignore"))
    if multibyte_chars and multibyte_chars >= MIXED_UTF8_RATIO * invalid_bytes:
        return data.decode("utf-8", errors="cleanhealth-cp1252"), "utf-8", [FLAG_MIXED]
    if latin_single_byte(data[:DETECT_BYTES]):
        return _decode_replacing(data, "cp1252")
    matches = [m for m in from_bytes(data[:DETECT_BYTES]) if m.encoding]
    if not matches:
        raise ReadError(Errors.E103)
    # charset-normalizer ranks matches within 0.01 of each other's chaos as equal and
    # then prefers its own order; the least chaotic decoding is the better reading
    # (undeclared EUC-JP came back as big5 with more chaos than euc_jis_2004).
    best = min(matches, key=lambda m: (round(m.chaos, 3), -m.coherence))
    return _decode_replacing(data, best.encoding)


def latin_single_byte(data: bytes) -> bool:
    """True when the non-ASCII bytes stand alone between ASCII letters (accented Latin).

    charset-normalizer guesses badly on short pages (a German page in latin-1 came
    back as big5). In a Latin-script single-byte encoding each accented letter is
    one byte inside an ASCII word; CJK, Cyrillic or Greek text has runs of high bytes.
    """
    high = [i for i, b in enumerate(data) if b >= 0x80]
    if not high:
        return False
    isolated = sum(1 for i in high if (i == 0 or data[i - 1] < 0x80)
                   and (i + 1 == len(data) or data[i + 1] < 0x80))
    return isolated / len(high) >= LATIN_ISOLATED_SHARE


def _decode_replacing(data: bytes, encoding: str) -> tuple[str, str, list[str]]:
    text = data.decode(encoding, errors="replace")
    flags = [FLAG_REPLACEMENT] if "\ufffd" in text and b"\xef\xbf\xbd" not in data else []
    return text, encoding, flags


# The C0 controls CONTROL_CHARS drops, as bytes (the same values in UTF-8 and ASCII).
CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])


def clean_text(text: str) -> tuple[str, bool]:
    """Drop control characters and lone surrogates; say whether anything changed.

    The common page has neither: encoding it to UTF-8 (which fails on a lone
    surrogate) and deleting control bytes from that are C loops ~20x faster than the
    two regex scans, which run only when something is there to replace.
    """
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        encoded = None
    if encoded is not None and len(encoded.translate(None, CONTROL_BYTES)) == len(encoded):
        return text, False
    cleaned = CONTROL_CHARS.sub("", text)
    cleaned = LONE_SURROGATES.sub("\ufffd", cleaned)
    return cleaned, cleaned != text


_RUNS = threading.local()


def _collect_run(err: UnicodeError) -> tuple[str, int]:
    """Error handler for str.encode('ascii'): record each run of non-ASCII characters."""
    assert isinstance(err, UnicodeEncodeError)
    _RUNS.found.append((err.start, err.end))
    return "", err.end


codecs.register_error("cleanhealth-non-ascii-runs", _collect_run)


def non_ascii_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every maximal run of non-ASCII characters, in order.

    The ASCII encoder copies ASCII at C speed and calls the error handler once per
    run, so a mostly-English page costs a few hundred Python calls instead of a regex
    step per character. Adjacent runs are merged in case an encoder splits one.
    """
    if text.isascii():
        return []
    runs: list[tuple[int, int]] = []
    _RUNS.found = runs
    try:
        text.encode("ascii", errors="cleanhealth-non-ascii-runs")
    finally:
        _RUNS.found = None
    merged: list[tuple[int, int]] = []
    for start, end in runs:
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def mojibake_lines(text: str, runs: list[tuple[int, int]] | None = None) -> list[int]:
    """Indexes (into text.splitlines(keepends=True)) of the lines holding a mojibake
    signature: exactly the lines where MOJIBAKE_HINT.search(line) succeeds.

    A signature is made of non-ASCII characters only, so it is looked for inside the
    non-ASCII runs alone; each match start is mapped to its line. (A match never spans
    two lines: no line break is a signature lead.)
    """
    runs = non_ascii_runs(text) if runs is None else runs
    starts = [m.start() for s, e in runs for m in MOJIBAKE_HINT.finditer(text, s, e)]
    if not starts:
        return []
    line_starts = [0, *itertools.accumulate(map(len, text.splitlines(keepends=True)))]
    return sorted({bisect.bisect_right(line_starts, pos) - 1 for pos in starts})


def repair_mojibake(text: str) -> str:
    """Fix text that was decoded with the wrong encoding somewhere upstream.

    ftfy is conservative (it only changes text it is confident is mojibake); we
    leave HTML entities and line breaks to the extractors. ftfy examines text line
    by line and costs ~150 ms on an average bench page, so only lines holding a
    mojibake signature (MOJIBAKE_HINT) are given to it: on the 1,539 bench pages the
    output is identical to running ftfy on everything. The signatures are found from
    the non-ASCII runs (mojibake_lines), and a flagged line ftfy could not change
    (maybe_bad) skips ftfy: the same output at a fraction of the cost.
    """
    runs = non_ascii_runs(text)
    if not runs:
        return text
    flagged = mojibake_lines(text, runs)
    if not flagged:
        return text
    lines = text.splitlines(keepends=True)
    run_starts = [s for s, _ in runs]
    offset = 0
    offsets = []
    for line in lines:
        offsets.append(offset)
        offset += len(line)
    for index in flagged:
        line, start = lines[index], offsets[index]
        end = start + len(line)
        first = max(0, bisect.bisect_right(run_starts, start) - 1)
        last = bisect.bisect_left(run_starts, end)
        line_runs = [(max(s, start) - start, min(e, end) - start) for s, e in runs[first:last]
                     if e > start and s < end]
        lines[index] = _ftfy(line) if ftfy_may_change(line, line_runs) else line
    return "".join(lines)


# ftfy's longest badness pattern is 7 characters and every one holds a non-ASCII
# character (checked in tests/test_read.py), so any match lies within this many
# characters of a non-ASCII run.
BADNESS_CONTEXT = 8
# ftfy decodes a line in pieces of at most this many characters (TextFixerConfig).
FTFY_MAX_DECODE_LENGTH = 1_000_000
_FTFY_OTHER_FIXES = frozenset(chr(c) for c in range(0x80, 0xA0)) | {chr(c) for c in range(0xD800, 0xE000)}


def ftfy_may_change(line: str, runs: list[tuple[int, int]]) -> bool:
    """False only when ftfy (with our options) certainly returns `line` unchanged.

    With our options ftfy changes a line only through its encoding fix, which starts
    only when ftfy.badness.is_bad(line), or through the C1-control, surrogate and
    terminal-escape fixes. is_bad scans the whole (often minified, 100 kB) line with a
    large regex; running it on the windows around the non-ASCII runs instead finds
    every match it would find (each match holds a non-ASCII character and is at most
    BADNESS_CONTEXT long), and a window join can only add false alarms, which cost
    an ftfy call and nothing else.
    """
    from ftfy.badness import BADNESS_RE

    if len(line) > FTFY_MAX_DECODE_LENGTH or "\x1b" in line:
        return True
    windows: list[tuple[int, int]] = []
    for s, e in runs:
        if not _FTFY_OTHER_FIXES.isdisjoint(line[s:e]):
            return True
        lo, hi = max(0, s - BADNESS_CONTEXT), min(len(line), e + BADNESS_CONTEXT)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
        else:
            windows.append((lo, hi))
    return bool(BADNESS_RE.search("\n".join(line[lo:hi] for lo, hi in windows)))


def _ftfy(text: str) -> str:
    return ftfy.fix_text(text, unescape_html=False, fix_line_breaks=False, normalization=None,
                         uncurl_quotes=False, fix_latin_ligatures=False, fix_character_width=False,
                         remove_control_chars=False)


def markup_depth(html: str) -> int:
    """How deep the page's elements nest, as libxml2 (and so trafilatura) parses it.

    A default lxml parse is fast (~2 ms for a 250 kB page) and logs a resource-limit
    error when the page passes libxml2's default depth of 256; only such pages are
    parsed again with `huge_tree` and walked to measure the real depth (deep_depth).
    Returns HUGE_DEPTH_CAP + 1 when even that parse hits libxml2's hard cap.
    """
    _, past_default = parse_html(html)
    return deep_depth(html) if past_default else 0  # within the default, the figure does not matter


def deep_depth(html: str) -> int:
    """markup_depth of a page the default parse could not hold (a huge_tree parse)."""
    data = html.encode("utf-8", errors="replace")
    parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True, no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError):
        return LIBXML_DEFAULT_DEPTH + 1
    if any(is_depth_error(e) for e in parser.error_log):
        return HUGE_DEPTH_CAP + 1
    if root is None:
        return LIBXML_DEFAULT_DEPTH + 1
    depth = deepest = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


# libxml2's depth cap even with huge_tree (measured: parses stop at 2,048 levels).
HUGE_DEPTH_CAP = 2048


def _depth_text(depth: int) -> str:
    return f"more than {HUGE_DEPTH_CAP}" if depth > HUGE_DEPTH_CAP else str(depth)


def gunzip_limited(data: bytes, limit: int) -> tuple[bytes, str | None]:
    """Decompress gzip (all members), refusing to expand past `limit` bytes.

    Bombs are stopped after at most `limit` + 64 kB of output: zlib is asked for
    no more than the remaining allowance at each step. A stream cut short (a
    truncated download) or damaged after some output keeps what was decompressed
    and returns the flag 'truncated_gzip' or 'corrupt_gzip'; nothing usable raises.
    Multi-member files (WARC.gz is one member per record) are read to the end.
    """
    view = memoryview(data)
    out: list[bytes] = []
    total = 0
    pos = 0
    damage: str | None = None
    try:
        while pos < len(data) and data.startswith(GZIP_MAGIC, pos):
            decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
            pending: bytes | memoryview = b""
            while not decomp.eof:
                if not pending:
                    if pos >= len(data):
                        damage = FLAG_TRUNCATED_GZIP
                        break
                    pending = view[pos:pos + GZIP_CHUNK]
                    pos += len(pending)
                piece = decomp.decompress(pending, min(limit + 1 - total, GZIP_OUT_STEP))
                total += len(piece)
                if total > limit:
                    raise ReadError(Errors.E105.format(limit=limit), STATUS_REFUSED)
                out.append(piece)
                pending = decomp.unconsumed_tail
            if damage:
                break
            pos -= len(decomp.unused_data)
    except zlib.error as exc:
        if not total:
            # zlib drops the output of the call that failed; a small page whose only
            # fault is its checksum comes back whole from a raw, unchecked inflate.
            salvaged = _inflate_unchecked(data, limit)
            if not salvaged.strip():
                raise ReadError(Errors.E106.format(detail=exc)) from exc
            out = [salvaged]
        damage = FLAG_CORRUPT_GZIP
    result = b"".join(out)
    if damage and not result.strip():
        raise ReadError(Errors.E106.format(detail="stream ends before any content"))
    return result, damage


def _inflate_unchecked(data: bytes, limit: int) -> bytes:
    """Inflate the first gzip member's deflate data without checking its trailer."""
    if len(data) < 10 or data[2] != 8:  # 8 = deflate, the only method gzip defines
        return b""
    flags, pos = data[3], 10
    try:
        if flags & 4:  # FEXTRA
            pos += 2 + int.from_bytes(data[pos:pos + 2], "little")
        for bit in (8, 16):  # FNAME, FCOMMENT: NUL-terminated
            if flags & bit:
                pos = data.index(b"\x00", pos) + 1
        if flags & 2:  # FHCRC
            pos += 2
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        return inflater.decompress(data[pos:], limit)
    except (ValueError, zlib.error):
        return b""


def _jsonl_records(data: bytes) -> list[tuple[int, bytes]] | None:
    """The lines of a JSON-lines file, or None when the file is not JSON lines.

    It is JSON lines when it opens with '{' and one of its first lines parses as an
    object with a url, html or text field (so a corrupt first line does not turn
    the whole file into a text dump).
    """
    if data.lstrip()[:1] != b"{":
        return None
    lines = [(i, line) for i, line in enumerate(data.split(b"\n"), start=1) if line.strip()]
    for _, line in lines[:JSONL_SNIFF_LINES]:
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(obj, dict) and {"html", "text", "url"} & obj.keys():
            return lines
    return None


def _read_jsonl(records: list[tuple[int, bytes]], source: str, limits: ReadLimits) -> list[Page]:
    pages: list[Page] = []
    for index, (line_no, line) in enumerate(records):
        record_hash = hashlib.sha1(line).hexdigest()

        def failed(err: ReadError) -> Page:
            return _failed(source, err, record=index, size=len(line), content_hash=record_hash,
                           container="jsonl")

        if len(line) > limits.max_page_bytes:
            pages.append(failed(ReadError(Errors.E104.format(size=len(line), limit=limits.max_page_bytes),
                                          STATUS_REFUSED)))
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("not an object")
        except (ValueError, RecursionError) as exc:
            detail = "nested too deeply" if isinstance(exc, RecursionError) else exc
            pages.append(failed(ReadError(Errors.E107.format(line=line_no, detail=detail))))
            continue
        body = obj.get("html")
        fmt = FORMAT_HTML
        if not isinstance(body, str) or not body.strip():
            body, fmt = obj.get("text"), FORMAT_TEXT
        if not isinstance(body, str) or not body.strip():
            pages.append(failed(ReadError(Errors.E108.format(line=line_no))))
            continue
        url = obj.get("url") if isinstance(obj.get("url"), str) else None
        try:
            page = make_text_page(body, source, index, "jsonl", record_hash, url=url, encoding="utf-8",
                                  fmt=fmt if fmt == FORMAT_TEXT else None, size=len(line),
                                  limits=limits)
        except ReadError as err:
            pages.append(failed(err))
            continue
        if fmt == FORMAT_HTML:
            page.format = FORMAT_HTML  # the field says so, whatever the markup looks like
        pages.append(page)
    return pages


def _read_warc(data: bytes, source: str, digest: str, limits: ReadLimits) -> list[Page]:
    """HTML response records of a WARC file.

    A record cut short (a truncated download) keeps what arrived and is flagged
    'truncated_warc'; a file damaged past reading ends with one failed row for the
    rest, so the pages before the damage are kept and the loss is visible.
    """
    from warcio.archiveiterator import ArchiveIterator

    pages: list[Page] = []
    records = ArchiveIterator(io.BytesIO(data))
    try:
        for record in records:
            if record.rec_type != "response":
                continue
            headers = record.http_headers
            ctype = ((headers.get_header("Content-Type") if headers else "") or "").lower()
            if ctype and "html" not in ctype and "text/plain" not in ctype:
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            body = record.content_stream().read(limits.max_page_bytes + 1)
            cut_short = len(body) <= limits.max_page_bytes and getattr(record.raw_stream, "limit", 0) > 0
            record_hash = hashlib.sha1(body).hexdigest()
            index = len(pages)
            try:
                if len(body) > limits.max_page_bytes:
                    raise ReadError(Errors.E104.format(size=len(body), limit=limits.max_page_bytes),
                                    STATUS_REFUSED)
                if not body.strip():
                    raise ReadError(Errors.E101)
                kind = binary_kind(body)
                if kind:
                    raise ReadError(Errors.E102.format(kind=kind))
                charset = _CHARSET.search(ctype)
                page = make_page(body, source, index, "warc", record_hash, url=url,
                                 fmt=FORMAT_TEXT if "text/plain" in ctype else None,
                                 declared=charset.group(1) if charset else None, limits=limits)
                if cut_short:
                    page.flags.append(FLAG_TRUNCATED_WARC)
                status_code = headers.get_statuscode() if headers else None
                if status_code and status_code.isdigit() and int(status_code) >= 400:
                    page.flags.append(FLAG_HTTP_ERROR)  # an error page, kept but marked
            except ReadError as err:
                page = _failed(source, err, record=index, size=len(body), content_hash=record_hash,
                               container="warc")
                page.url = url
            pages.append(page)
    except Exception as exc:  # warcio raises many types on damaged input; all mean "corrupt"
        detail = f"{type(exc).__name__}: {exc}"[:200]
        pages.append(_failed(source, ReadError(Errors.E109.format(detail=detail)),
                             record=len(pages), content_hash=digest, container="warc"))
        return pages
    # warcio stops quietly at a record whose headers were cut off: say so.
    leftover = len(data) - records.offset
    if leftover > 0 and data[records.offset:].strip():
        detail = f"{leftover} bytes after the last complete record could not be read"
        pages.append(_failed(source, ReadError(Errors.E109.format(detail=detail)),
                             record=len(pages), content_hash=digest, container="warc"))
    if not pages:
        return [_failed(source, ReadError(Errors.E112), content_hash=digest, container="warc")]
    return pages


_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", re.IGNORECASE)


def _failed(source: str, err: ReadError, *, record: int = 0, size: int = 0,
            content_hash: str = "", container: str = "file") -> Page:
    return Page(source=source, record=record, container=container, size=size,
                content_hash=content_hash or hashlib.sha1(source.encode()).hexdigest(),
                status=err.status, error=str(err))


__all__ = ["Page", "ReadLimits", "discover", "read_file", "read_bytes", "STATUS_OK"]
