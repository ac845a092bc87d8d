"""Reader: format sniffing, decoding, limits and containers, one behaviour per test."""

from __future__ import annotations

import gzip
import io
import json
import zlib

import pytest

from cleanhealth.pipeline import Options
from cleanhealth.read import (
    DEFAULT_MAX_DEPTH,
    FLAG_CONTROL,
    FLAG_CORRUPT_GZIP,
    FLAG_DEEP,
    FLAG_MIXED,
    FLAG_MOJIBAKE,
    FLAG_TRUNCATED_GZIP,
    FLAG_TRUNCATED_WARC,
    HUGE_DEPTH_CAP,
    ReadLimits,
    decode,
    gunzip_limited,
    markup_depth,
    read_bytes,
    read_file,
    sniff_format,
)
from cleanhealth.read import ReadError

PARA = ("Sciatica is pain that travels along the sciatic nerve from the lower back down the leg. "
        "Most people recover with time, exercise and simple pain relief.")
HTML = f"<!DOCTYPE html><html><head><title>Sciatica</title></head><body><p>{PARA}</p></body></html>"


def one(data: bytes, limits: ReadLimits = ReadLimits()):
    pages = read_bytes(data, "page.html", limits)
    assert len(pages) == 1
    return pages[0]


def code(page) -> str | None:
    return page.error[1:5] if page.error else None


# --- sniffing -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, fmt", [
    (HTML, "html"),
    ("  \n<html><p>x</p></html>", "html"),
    ("<div><p>fragment</p></div>", "html"),
    ("Intro line\n<p>a</p><div>b</div><span>c</span>", "html"),
    ("Sciatica\n\nUse the <p> tag in text. " + PARA, "text"),
    (PARA, "text"),
])
def test_sniff_format_from_content(text, fmt):
    assert sniff_format(text) == fmt


def test_html_named_txt_is_html_and_text_named_html_is_text():
    assert read_bytes(HTML.encode(), "page.txt")[0].format == "html"
    assert read_bytes(PARA.encode(), "page.html")[0].format == "text"


# --- decoding -----------------------------------------------------------------------------

def test_valid_utf8_wins_over_a_declared_single_byte_charset():
    data = HTML.replace("<head>", '<head><meta charset="iso-8859-1">').replace("Sciatica is", "Ischias für").encode()
    text, encoding, flags = decode(data)
    assert encoding == "utf-8" and "Ischias für" in text and flags == []


def test_declared_charset_is_used_for_non_utf8_bytes():
    data = HTML.replace("<head>", '<head><meta charset="windows-1251">').replace(
        "Sciatica is pain", "Ишиас это боль").encode("cp1251")
    text, encoding, _ = decode(data)
    assert encoding == "cp1251" and "Ишиас это боль" in text


def test_http_charset_ranks_like_a_meta_charset():
    data = "<p>Ишиас это боль в спине и ноге</p>".encode("koi8_r")
    text, encoding, _ = decode(data, declared="koi8-r")
    assert encoding == "koi8-r" and "Ишиас" in text


def test_undeclared_latin1_is_not_mistaken_for_cjk():
    data = "<p>Ein Text über Gesundheit und Ärzte für Patienten.</p>".encode("latin-1")
    text, encoding, _ = decode(data)
    assert encoding == "cp1252" and "über Gesundheit und Ärzte" in text


def test_utf8_with_windows_quotes_is_mixed_not_redetected():
    data = "<p>Café naïve résumé señor, and ".encode() + b"\x93quoted\x94 words</p>"
    text, encoding, flags = decode(data)
    assert encoding == "utf-8" and flags == [FLAG_MIXED]
    assert "Café naïve résumé señor, and “quoted” words" in text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_unicode_encodings_with_and_without_bom(encoding):
    page = one(HTML.encode(encoding))
    assert page.status == "ok" and page.format == "html" and PARA in page.content


def test_meta_charset_naming_utf16_in_ascii_bytes_is_ignored():
    page = one(HTML.replace("<head>", '<head><meta charset="utf-16">').encode())
    assert page.status == "ok" and PARA in page.content


def test_control_characters_and_nul_are_removed_and_flagged():
    page = one(HTML.replace("travels", "tra\x00vels\x07").encode())
    assert page.status == "ok" and "travels along" in page.content and FLAG_CONTROL in page.flags


def test_mojibake_is_repaired():
    page = one("<html><body><p>The cafÃ© said â€œkeep movingâ€\x9d.</p></body></html>".encode())
    assert "The café said “keep moving”." in page.content and FLAG_MOJIBAKE in page.flags


# The fast paths of clean_text and repair_mojibake must give exactly what the plain
# definitions give (regex scans, ftfy on every line with a signature).
def _plain_clean(text: str) -> tuple[str, bool]:
    from cleanhealth.read import CONTROL_CHARS, LONE_SURROGATES

    cleaned = LONE_SURROGATES.sub("\ufffd", CONTROL_CHARS.sub("", text))
    return cleaned, cleaned != text


def _plain_repair(text: str) -> str:
    from cleanhealth.read import MOJIBAKE_HINT, _ftfy

    return "".join(_ftfy(line) if MOJIBAKE_HINT.search(line) else line
                   for line in text.splitlines(keepends=True))


FAST_PATH_CASES = [
    "plain ascii\nline two\r\n", "tab\tand\x0cform feed stay", "nul\x00 and bell\x07 go",
    "lone \ud800 surrogate", "Itâ€™s fine — “quoted” … ©2024 café\n", "ok line\nbad cafÃ© line\nok again",
    "C1 \x85 next-line and \x92 quote", "œuvre\nœ", "Ã at start", "\x1b[31mred\x1b[0m é»",
    "Ð¡Ð»Ð¾Ð²Ð¾ (Cyrillic mojibake)", "真正的中文文本，没有乱码。", "— “x” — “y”\u2028é€\n",
    "x" * 50 + "Â©" + "y" * 50, "mixed ’ line with cafÃ©\u2029and next",
]


@pytest.mark.parametrize("text", FAST_PATH_CASES)
def test_fast_clean_and_repair_equal_the_plain_definitions(text):
    from cleanhealth.read import clean_text, repair_mojibake

    assert clean_text(text) == _plain_clean(text)
    cleaned = clean_text(text)[0]
    assert repair_mojibake(cleaned) == _plain_repair(cleaned)


def test_every_ftfy_badness_pattern_is_short_and_holds_a_non_ascii_character():
    """What ftfy_may_change relies on to look only near the non-ASCII runs."""
    from re import _parser as sre_parse

    from ftfy.badness import BADNESS_RE

    from cleanhealth.read import BADNESS_CONTEXT

    assert not BADNESS_RE.flags & 2  # IGNORECASE would let classes match ASCII
    (op, (_, branches)), = sre_parse.parse(BADNESS_RE.pattern, BADNESS_RE.flags).data
    for branch in branches:
        assert branch.getwidth()[1] < BADNESS_CONTEXT
        non_ascii = False
        for item_op, value in branch.data:
            if item_op == sre_parse.LITERAL:
                non_ascii |= value >= 128
            elif item_op == sre_parse.IN and all(o in (sre_parse.LITERAL, sre_parse.RANGE) for o, _ in value):
                lowest = min(v if o == sre_parse.LITERAL else v[0] for o, v in value)
                non_ascii |= lowest >= 128
        assert non_ascii, branch


# --- refusals -----------------------------------------------------------------------------

@pytest.mark.parametrize("data, want", [
    (b"", "E101"), (b"  \n\t ", "E101"),
    (b"\x89PNG\r\n\x1a\n" + bytes(64), "E102"), (b"\xff\xd8\xff\xe0" + bytes(64), "E102"),
    (b"%PDF-1.4\n", "E102"), (bytes(range(256)) * 8, "E102"), (b"\x00" * 1000, "E102"),
])
def test_empty_and_binary_are_unreadable(data, want):
    page = one(data)
    assert page.status == "unreadable" and code(page) == want and page.content == ""


def test_page_over_the_page_limit_is_refused():
    page = one(HTML.encode(), ReadLimits(max_page_bytes=100))
    assert page.status == "refused" and code(page) == "E104"


def test_file_over_the_file_limit_is_refused_without_reading(tmp_path):
    path = tmp_path / "big.html"
    path.write_bytes(HTML.encode())
    [page] = read_file(path, tmp_path, ReadLimits(max_file_bytes=10))
    assert page.status == "refused" and code(page) == "E104" and page.source == "big.html"


# --- gzip ---------------------------------------------------------------------------------

def test_gzip_bomb_is_refused_at_the_limit():
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = b"".join(comp.compress(bytes(1 << 20)) for _ in range(64)) + comp.flush()
    with pytest.raises(ReadError) as err:
        gunzip_limited(bomb, 8 << 20)
    assert err.value.status == "refused" and str(err.value).startswith("[E105]")


def test_gzip_of_gzip_is_unwrapped():
    page = one(gzip.compress(gzip.compress(HTML.encode())))
    assert page.status == "ok" and page.container == "gzip" and PARA in page.content


def test_multi_member_gzip_is_read_to_the_end():
    data, damage = gunzip_limited(gzip.compress(b"first ") + gzip.compress(b"second"), 1 << 20)
    assert data == b"first second" and damage is None


def test_truncated_gzip_keeps_what_arrived():
    body = "".join(f"<p>{PARA} {i}</p>" for i in range(300))
    packed = gzip.compress(f"<html><body>{body}</body></html>".encode())
    page = one(packed[: len(packed) // 2])
    assert page.status == "ok" and FLAG_TRUNCATED_GZIP in page.flags and PARA in page.content


def test_gzip_with_a_bad_checksum_keeps_its_content_and_is_flagged():
    packed = gzip.compress(HTML.encode())
    damaged = packed[:-8] + bytes([packed[-8] ^ 0xFF]) + packed[-7:]
    page = one(damaged)
    assert page.status == "ok" and FLAG_CORRUPT_GZIP in page.flags and "<title>Sciatica" in page.content


def test_gzip_cut_in_its_header_is_unreadable():
    page = one(gzip.compress(HTML.encode())[:10])
    assert page.status == "unreadable" and code(page) == "E106"


# --- nesting depth ------------------------------------------------------------------------

def nested(depth: int) -> str:
    return f"<html><body><p>{PARA}</p>" + "<div>" * depth + "<p>deep</p>" + "</div>" * depth + "</body></html>"


def test_depth_of_ordinary_pages_is_not_measured_precisely():
    assert markup_depth(HTML) == 0  # within libxml2's default limit: no second parse


def test_depth_past_libxml2_default_is_measured_and_flagged():
    assert 500 <= markup_depth(nested(500)) <= 505
    page = one(nested(500).encode())
    assert page.status == "ok" and FLAG_DEEP in page.flags


def test_depth_past_the_limit_is_refused():
    page = one(nested(DEFAULT_MAX_DEPTH + 10).encode())
    assert page.status == "refused" and code(page) == "E111"
    assert markup_depth(nested(10_000)) == HUGE_DEPTH_CAP + 1
    page = one(nested(10_000).encode())
    assert "more than 2048" in page.error


def test_depth_limit_comes_from_options():
    limits = ReadLimits.from_options(Options(max_depth=300))
    assert limits.max_depth == 300
    assert one(nested(400).encode(), limits).status == "refused"


# --- JSON lines ---------------------------------------------------------------------------

def test_jsonl_rows_per_line_with_reasons():
    lines = [json.dumps({"url": "https://a.example/x", "html": HTML}), "{broken",
             json.dumps({"url": "https://a.example/y", "text": PARA}), json.dumps({"url": "z"}),
             '{"text": ' + "[" * 20000 + "}"]
    pages = read_bytes("\n".join(lines).encode(), "crawl.jsonl")
    assert [(p.record, p.status, code(p)) for p in pages] == [
        (0, "ok", None), (1, "unreadable", "E107"), (2, "ok", None), (3, "unreadable", "E108"),
        (4, "unreadable", "E107")]
    assert pages[0].format == "html" and pages[0].url == "https://a.example/x"
    assert pages[2].format == "text" and pages[2].content == PARA
    assert len({p.content_hash for p in pages}) == 5


def test_jsonl_with_a_broken_first_line_is_still_jsonl():
    pages = read_bytes(("{oops\n" + json.dumps({"url": "u", "html": HTML})).encode(), "c.jsonl")
    assert [(p.status, p.container) for p in pages] == [("unreadable", "jsonl"), ("ok", "jsonl")]


# --- WARC ---------------------------------------------------------------------------------

def warc(records, gz=False) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for url, body, ctype in records:
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                      http_headers=http))
    return buf.getvalue()


RECORDS = [(f"https://h.example/{i}", HTML.replace("Sciatica is", f"Page {i}: sciatica is").encode(),
            "text/html; charset=utf-8") for i in range(3)]


@pytest.mark.parametrize("gz", [False, True])
def test_warc_html_responses_become_pages(gz):
    records = RECORDS + [("https://h.example/logo.png", b"\x89PNG" + bytes(50), "image/png"),
                         ("https://h.example/latin", "<p>Café crème</p>".encode("cp1252"),
                          "text/html; charset=windows-1252")]
    pages = read_bytes(warc(records, gz), "crawl.warc.gz" if gz else "crawl.warc")
    assert [(p.record, p.status, p.url) for p in pages] == [
        (0, "ok", "https://h.example/0"), (1, "ok", "https://h.example/1"),
        (2, "ok", "https://h.example/2"), (3, "ok", "https://h.example/latin")]
    assert "Café crème" in pages[3].content and pages[3].encoding == "cp1252"


def test_warc_record_cut_in_its_body_is_kept_and_flagged():
    data = warc(RECORDS)
    pages = read_bytes(data[:-200], "cut.warc")
    assert [p.status for p in pages] == ["ok", "ok", "ok"]
    assert FLAG_TRUNCATED_WARC in pages[2].flags and FLAG_TRUNCATED_WARC not in pages[1].flags


def test_warc_cut_in_record_headers_reports_the_loss():
    data = warc(RECORDS)
    second = data.index(b"WARC/1.0", data.index(b"WARC/1.0", 10) + 10)
    for cut in (second + 30, second + 120):
        pages = read_bytes(data[:cut], "cut.warc")
        assert [p.status for p in pages[:2]] == ["ok", "ok"]
        assert pages[-1].status == "unreadable" and code(pages[-1]) == "E109"


def test_warc_without_html_is_one_row():
    pages = read_bytes(warc([("https://h.example/a.png", b"\x89PNG" + bytes(9), "image/png")]), "x.warc")
    assert [(p.status, code(p)) for p in pages] == [("unreadable", "E112")]


def test_dangling_symlink_gets_a_row_and_fifos_are_skipped(tmp_path):
    import os

    from cleanhealth.read import discover

    (tmp_path / "a.html").write_text(HTML)
    (tmp_path / "gone.html").symlink_to(tmp_path / "missing.html")
    os.mkfifo(tmp_path / "pipe.html")
    files = discover(tmp_path)
    assert [f.name for f in files] == ["a.html", "gone.html"]
    [page] = read_file(tmp_path / "gone.html", tmp_path)
    assert page.status == "unreadable" and code(page) == "E110" and page.source == "gone.html"


def test_warc_error_responses_are_kept_and_flagged():
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from cleanhealth.read import FLAG_HTTP_ERROR

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    for status in ("200 OK", "404 Not Found"):
        http = StatusAndHeaders(status, [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(f"https://h.example/{status[:3]}", "response",
                                                      payload=io.BytesIO(HTML.encode()), http_headers=http))
    pages = read_bytes(buf.getvalue(), "x.warc")
    assert [(p.status, FLAG_HTTP_ERROR in p.flags) for p in pages] == [("ok", False), ("ok", True)]


def test_fast_repair_equals_the_plain_definition_on_random_text():
    from hypothesis import given, settings, strategies as st

    from cleanhealth.read import repair_mojibake

    alphabet = st.sampled_from(list("ab Z.\n\r\x85\u2028") + list("ÃÂâ€™œ\x9d©é»—“”…ÐŸ¡Ø°Œœ×²√±") + ["\x92", "\x80"])

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=alphabet, max_size=40))
    def check(text):
        assert repair_mojibake(text) == _plain_repair(text)

    check()
