"""Stage 1, read: find every file under the input folder and turn it into Pages.

The format is sniffed from the bytes, not trusted from the extension: gzip and
WARC by their magic numbers, JSON lines by parsing, HTML by its tags, anything else
printable as a text dump. Bytes are decoded with the encoding the file declares
(BOM, then <meta charset>), else UTF-8, else what charset-normalizer detects, and
mojibake is repaired with ftfy. Every failure becomes a Page with a status and an
error message, never an exception: every input file is accounted for.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import json
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import ftfy
from charset_normalizer import from_bytes

from .document import (
    FORMAT_HTML,
    FORMAT_TEXT,
    STATUS_OK,
    STATUS_REFUSED,
    STATUS_UNREADABLE,
    Page,
)
from .errors import Errors

# Refusal limits. Defaults are generous for real pages (the largest page in the
# benchmark is ~3 MB) and small enough that one hostile file cannot exhaust memory.
DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024  # a WARC or JSON-lines file may hold many pages
DEFAULT_MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024  # refuses gzip bombs before expansion
DEFAULT_MAX_PAGE_BYTES = 16 * 1024 * 1024  # one page; beyond this it is not a web page

GZIP_MAGIC = b"\x1f\x8b"
# How many bytes to look at when sniffing. Enough to pass a long <head>.
SNIFF_BYTES = 4096
# Share of control characters above which a file is binary, not text.
BINARY_CONTROL_SHARE = 0.10

HTML_SNIFF = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|div|p|article|section|h[1-6]|span|a\s|table|ul|script)\b",
    re.IGNORECASE,
)
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
BINARY_SIGNATURES: dict[bytes, str] = {
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive",
    b"\x7fELF": "executable",
    b"RIFF": "RIFF media",
    b"BZh": "bzip2 archive",
    b"\xfd7zXZ": "xz archive",
    b"OggS": "Ogg media",
}


@dataclass(frozen=True, slots=True)
class ReadLimits:
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_decompressed_bytes: int = DEFAULT_MAX_DECOMPRESSED_BYTES
    max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES


class ReadError(Exception):
    """A page cannot be read; carries the status for its row."""

    def __init__(self, message: str, status: str = STATUS_UNREADABLE) -> None:
        super().__init__(message)
        self.status = status


def discover(root: Path) -> list[Path]:
    """Every regular file under `root`, recursively, in a stable (sorted) order."""
    if root.is_file():
        return [root]
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file():
                files.append(path)
    return files


def relative_source(path: Path, root: Path) -> str:
    if root.is_file():
        return path.name
    return path.relative_to(root).as_posix()


def read_file(path: Path, root: Path, limits: ReadLimits = ReadLimits()) -> list[Page]:
    """Read one input file into one or more Pages (several for JSON lines and WARC)."""
    source = relative_source(path, root)
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise ReadError(Errors.E104.format(size=size, limit=limits.max_file_bytes), STATUS_REFUSED)
        data = path.read_bytes()
    except ReadError as err:
        return [_failed(source, err, size=path.stat().st_size)]
    except OSError as exc:
        return [_failed(source, ReadError(Errors.E110.format(detail=exc)))]
    return read_bytes(data, source, limits)


def read_bytes(data: bytes, source: str, limits: ReadLimits = ReadLimits()) -> list[Page]:
    """Sniff and decode the bytes of one file."""
    digest = hashlib.sha1(data).hexdigest()
    try:
        container = "file"
        if data.startswith(GZIP_MAGIC):
            data = gunzip_limited(data, limits.max_decompressed_bytes)
            container = "gzip"
        if not data.strip():
            raise ReadError(Errors.E101)
        if data.lstrip()[:8].startswith(b"WARC/"):
            return _read_warc(data, source, digest, limits)
        binary = binary_kind(data)
        if binary:
            raise ReadError(Errors.E102.format(kind=binary))
        records = _jsonl_records(data)
        if records is not None:
            return _read_jsonl(records, source, digest, limits)
        if len(data) > limits.max_page_bytes:
            raise ReadError(
                Errors.E104.format(size=len(data), limit=limits.max_page_bytes), STATUS_REFUSED
            )
        return [make_page(data, source, 0, container, digest)]
    except ReadError as err:
        return [_failed(source, err, size=len(data), content_hash=digest)]


def make_page(data: bytes, source: str, record: int, container: str, digest: str,
              url: str | None = None, fmt: str | None = None) -> Page:
    """Decode one page's bytes and decide whether it is HTML or a text dump."""
    fmt = fmt or sniff_format(data)
    text, encoding = decode(data, html=fmt == FORMAT_HTML)
    flags: list[str] = []
    fixed = repair_mojibake(text)
    if fixed != text:
        flags.append("mojibake_repaired")
        text = fixed
    return Page(
        source=source, record=record, format=fmt, container=container, content=text, url=url,
        encoding=encoding, size=len(data), content_hash=digest, flags=flags,
    )


def sniff_format(data: bytes) -> str:
    head = data[:SNIFF_BYTES].lstrip()
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        head = head.lstrip(b"\xef\xbb\xbf\xff\xfe")
    if head[:1] == b"<" and HTML_SNIFF.search(head):
        return FORMAT_HTML
    # Text dumps can quote a tag; HTML needs several tags in the first bytes.
    if len(HTML_SNIFF.findall(head)) >= 3:
        return FORMAT_HTML
    return FORMAT_TEXT


def binary_kind(data: bytes) -> str | None:
    for signature, kind in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            return kind
    head = data[:SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None  # UTF-16 text has NUL bytes by design
    if b"\x00" in head:
        return "contains NUL bytes"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if head and controls / len(head) > BINARY_CONTROL_SHARE:
        return "mostly control characters"
    return None


def decode(data: bytes, html: bool) -> tuple[str, str]:
    """Decode with the declared encoding where there is one, else detect it."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name
    if html:
        match = META_CHARSET.search(data[:SNIFF_BYTES * 4])
        if match:
            name = match.group(1).decode("ascii", "ignore").lower()
            try:
                codecs.lookup(name)
                # A page that declares latin-1 but is valid UTF-8 is UTF-8 (a common lie).
                if name not in ("utf-8", "utf8"):
                    try:
                        return data.decode("utf-8"), "utf-8"
                    except UnicodeDecodeError:
                        pass
                return data.decode(name, errors="replace"), name
            except LookupError:
                pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[: 1024 * 1024]).best()
    if best is None or best.encoding is None:
        raise ReadError(Errors.E103)
    return data.decode(best.encoding, errors="replace"), best.encoding


def repair_mojibake(text: str) -> str:
    """Fix text that was decoded with the wrong encoding somewhere upstream.

    ftfy is conservative (it only changes text it is confident is mojibake); we
    leave HTML entities and line breaks to the extractors.
    """
    return ftfy.fix_text(text, unescape_html=False, fix_line_breaks=False, normalization=None,
                         uncurl_quotes=False, fix_latin_ligatures=False, fix_character_width=False)


def gunzip_limited(data: bytes, limit: int) -> bytes:
    """Decompress gzip, refusing to expand past `limit` bytes (gzip bombs)."""
    out = io.BytesIO()
    decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    pos = 0
    chunk = 64 * 1024
    try:
        while pos < len(data):
            piece = decomp.decompress(data[pos:pos + chunk], limit + 1 - out.tell())
            out.write(piece)
            if out.tell() > limit:
                raise ReadError(Errors.E105.format(limit=limit), STATUS_REFUSED)
            if decomp.unconsumed_tail:
                data = decomp.unconsumed_tail + data[pos + chunk:]
                pos = 0
                continue
            pos += chunk
            if decomp.eof:
                break
        if not decomp.eof:
            raise ReadError(Errors.E106.format(detail="stream ends before the gzip trailer"))
    except zlib.error as exc:
        raise ReadError(Errors.E106.format(detail=exc)) from exc
    return out.getvalue()


def _jsonl_records(data: bytes) -> list[tuple[int, bytes]] | None:
    """The lines of a JSON-lines file, or None when the file is not JSON lines."""
    head = data.lstrip()[:1]
    if head != b"{":
        return None
    lines = [(i, line) for i, line in enumerate(data.split(b"\n"), start=1) if line.strip()]
    try:
        first = json.loads(lines[0][1])
    except ValueError:
        return None
    if not isinstance(first, dict) or not ({"html", "text", "url"} & first.keys()):
        return None
    return lines


def _read_jsonl(records: list[tuple[int, bytes]], source: str, digest: str,
                limits: ReadLimits) -> list[Page]:
    pages: list[Page] = []
    for index, (line_no, line) in enumerate(records):
        record_hash = hashlib.sha1(line).hexdigest()
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("not an object")
        except ValueError as exc:
            pages.append(_failed(source, ReadError(Errors.E107.format(line=line_no, detail=exc)),
                                 record=index, content_hash=record_hash, container="jsonl"))
            continue
        body = obj.get("html")
        fmt = FORMAT_HTML
        if not isinstance(body, str) or not body.strip():
            body, fmt = obj.get("text"), FORMAT_TEXT
        if not isinstance(body, str) or not body.strip():
            pages.append(_failed(source, ReadError(Errors.E108.format(line=line_no)), record=index,
                                 content_hash=record_hash, container="jsonl"))
            continue
        url = obj.get("url") if isinstance(obj.get("url"), str) else None
        page = make_page(body.encode("utf-8", "surrogatepass"), source, index, "jsonl", record_hash,
                         url=url, fmt=fmt)
        pages.append(page)
    return pages


def _read_warc(data: bytes, source: str, digest: str, limits: ReadLimits) -> list[Page]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    pages: list[Page] = []
    try:
        for index, record in enumerate(ArchiveIterator(io.BytesIO(data))):
            if record.rec_type != "response":
                continue
            ctype = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
            if ctype and "html" not in ctype.lower():
                continue
            body = record.content_stream().read(limits.max_page_bytes + 1)
            url = record.rec_headers.get_header("WARC-Target-URI")
            record_hash = hashlib.sha1(body).hexdigest()
            if len(body) > limits.max_page_bytes:
                pages.append(_failed(source, ReadError(Errors.E104.format(
                    size=len(body), limit=limits.max_page_bytes), STATUS_REFUSED),
                    record=len(pages), content_hash=record_hash, container="warc"))
                continue
            if not body.strip():
                continue
            pages.append(make_page(body, source, len(pages), "warc", record_hash, url=url,
                                   fmt=FORMAT_HTML))
    except (ArchiveLoadFailed, EOFError, ValueError, zlib.error, OSError) as exc:
        pages.append(_failed(source, ReadError(Errors.E109.format(detail=exc)), record=len(pages),
                             content_hash=digest, container="warc"))
        return pages
    if not pages:
        return [_failed(source, ReadError(Errors.E112), content_hash=digest, container="warc")]
    return pages


def _failed(source: str, err: ReadError, *, record: int = 0, size: int = 0,
            content_hash: str = "", container: str = "file") -> Page:
    return Page(source=source, record=record, container=container, size=size,
                content_hash=content_hash or hashlib.sha1(source.encode()).hexdigest(),
                status=err.status, error=str(err))


__all__ = ["Page", "ReadLimits", "discover", "read_file", "read_bytes", "STATUS_OK"]
