"""Generate a corpus of malformed and hostile crawl files, with the row each must give.

Built at test time (no committed binaries) by `build(root)`, which writes the files
under `root` and returns what the run must record for each: its status, the error
code, flags that must be set, the language, a phrase the clean text must hold.
Everything is deterministic (fixed seeds), so the corpus is the same on every run.

Kinds (counts in KIND_COUNTS after a build): empty files, images and other binaries
named .html, random bytes, truncated/corrupt/nested gzip, gzip bombs, truncated and
damaged WARC, WARC with odd records, invalid UTF-8, mixed encodings, legacy and
Asian encodings with and without a declared charset, UTF-16 with and without BOM,
oversized pages and files, deep nesting, NUL bytes and control characters, JSON
lines with bad lines, non-English pages, exact and near duplicates, boilerplate-only
pages, markup hazards (XML declarations, broken entities, CDATA, huge attributes),
and odd text dumps.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# Limits the hostile run uses (small, so the oversized cases stay cheap to build).
MAX_FILE_BYTES = 24 * 1024 * 1024
MAX_DECOMPRESSED_BYTES = 32 * 1024 * 1024
MAX_PAGE_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 1000

ARTICLE = (
    "Sciatica is pain that travels along the path of the sciatic nerve, which branches from "
    "the lower back through the hips and buttocks and down each leg. It usually affects only "
    "one side of the body. Most people with sciatica get better on their own with time and "
    "self-care treatments. Doctors may recommend physical therapy, anti-inflammatory drugs "
    "and, in some cases, an epidural steroid injection when the pain does not improve. "
    "Keeping active, rather than resting in bed, helps the nerve recover more quickly. "
)
ARTICLE_2 = (
    "Type 2 diabetes is a condition in which the body does not use insulin properly, so sugar "
    "builds up in the blood. Over time, high blood sugar can damage the eyes, kidneys and "
    "nerves. Regular exercise, a balanced diet and weight loss can keep blood sugar in a "
    "healthy range, and many people also take metformin. Your doctor will check your HbA1c "
    "every three to six months to see how well the treatment is working. "
)

# Health paragraphs in other languages (written for this corpus), with ISO 639-1 codes.
FOREIGN: dict[str, str] = {
    "es": "La ciática es un dolor que recorre el trayecto del nervio ciático, desde la parte baja "
          "de la espalda hasta las piernas. La mayoría de las personas mejora con el tiempo y con "
          "tratamientos sencillos en casa, como el ejercicio suave y los analgésicos.",
    "fr": "La sciatique est une douleur qui suit le trajet du nerf sciatique, du bas du dos jusqu'à "
          "la jambe. La plupart des patients guérissent en quelques semaines grâce au repos relatif, "
          "à la kinésithérapie et aux médicaments contre la douleur.",
    "de": "Ischias ist ein Schmerz, der entlang des Ischiasnervs vom unteren Rücken bis in das Bein "
          "ausstrahlt. Die meisten Betroffenen erholen sich innerhalb weniger Wochen, wenn sie in "
          "Bewegung bleiben und bei Bedarf Schmerzmittel einnehmen.",
    "pt": "A ciática é uma dor que percorre o trajeto do nervo ciático, desde a parte inferior das "
          "costas até a perna. A maioria das pessoas melhora em poucas semanas com exercícios leves, "
          "fisioterapia e medicamentos para a dor.",
    "it": "La sciatica è un dolore che segue il percorso del nervo sciatico, dalla parte bassa della "
          "schiena fino alla gamba. La maggior parte dei pazienti migliora in poche settimane con il "
          "movimento, la fisioterapia e i farmaci antidolorifici.",
    "nl": "Ischias is pijn die langs de heupzenuw loopt, van de onderrug tot in het been. De meeste "
          "mensen herstellen binnen enkele weken als ze in beweging blijven en zo nodig pijnstillers "
          "gebruiken volgens het advies van de huisarts.",
    "pl": "Rwa kulszowa to ból, który biegnie wzdłuż nerwu kulszowego, od dolnej części pleców aż do "
          "nogi. Większość pacjentów wraca do zdrowia w ciągu kilku tygodni dzięki ruchowi, "
          "fizjoterapii i lekom przeciwbólowym.",
    "ru": "Ишиас - это боль, которая распространяется по ходу седалищного нерва от поясницы до ноги. "
          "Большинство пациентов выздоравливают за несколько недель благодаря умеренной физической "
          "активности, лечебной гимнастике и обезболивающим препаратам.",
    "zh": "坐骨神经痛是一种沿着坐骨神经从下背部放射到腿部的疼痛。大多数患者在几周内通过适度活动、"
          "物理治疗和止痛药物就能好转。如果疼痛持续加重或出现麻木无力，应及时就医。",
    "ja": "坐骨神経痛は、腰からお尻、足にかけて坐骨神経に沿って広がる痛みです。多くの人は、"
          "適度な運動や理学療法、痛み止めの薬によって数週間で良くなります。しびれが続く場合は医師に相談してください。",
    "ar": "عرق النسا هو ألم ينتشر على طول العصب الوركي من أسفل الظهر إلى الساق. يتحسن معظم المرضى "
          "خلال بضعة أسابيع من خلال الحركة المعتدلة والعلاج الطبيعي وتناول مسكنات الألم.",
    "tr": "Siyatik, bel bölgesinden bacağa doğru siyatik sinir boyunca yayılan bir ağrıdır. Hastaların "
          "çoğu birkaç hafta içinde hareketli kalarak, fizik tedavi ve ağrı kesici ilaçlarla iyileşir.",
}


@dataclass
class Expect:
    """What one row (one page of one file) must look like in `documents`."""

    status: str | tuple[str, ...]  # one status, or the acceptable ones
    code: str | None = None  # e.g. "E101": the error must start with "[E101]"
    flags: tuple[str, ...] = ()  # flags that must be present
    language: str | None = None  # expected documents.language (checked when set)
    contains: str | None = None  # a phrase documents.text must hold (decoding check)
    record: int = 0


@dataclass
class Case:
    kind: str
    path: str  # relative to the corpus root
    rows: list[Expect] = field(default_factory=list)
    min_rows: int = 1


def html_page(body: str, title: str = "Health information", head: str = "") -> str:
    return (f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/a'>Conditions</a></nav><article><h1>{title}</h1>"
            f"{body}</article><footer>Copyright 2024 Example Health</footer></body></html>")


def paragraphs(text: str, n: int = 2) -> str:
    return "".join(f"<p>{text}</p>" for _ in range(n))


class Builder:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.cases: list[Case] = []
        self.rng = random.Random(20240607)

    def add(self, kind: str, name: str, data: bytes, *rows: Expect, min_rows: int = 1) -> None:
        path = self.root / kind / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.cases.append(Case(kind, f"{kind}/{name}", list(rows), min_rows))


def build(root: Path) -> list[Case]:
    """Write the corpus under `root`; return the cases (at least 200 files)."""
    b = Builder(root)
    _empty(b)
    _binary(b)
    _gzip(b)
    _bombs(b)
    _warc(b)
    _encodings(b)
    _oversized(b)
    _deep(b)
    _controls(b)
    _jsonl(b)
    _foreign(b)
    _duplicates(b)
    _boilerplate(b)
    _markup_hazards(b)
    _text_dumps(b)
    return b.cases


def kind_counts(cases: list[Case]) -> Counter:
    return Counter(c.kind for c in cases)


# --- generators ---------------------------------------------------------------------------

def _empty(b: Builder) -> None:
    for i, data in enumerate([b"", b" ", b"\n\n\n", b"\t \r\n", b" " * 5000, b"\r\n" * 100]):
        for ext in (".html", ".txt"):
            b.add("empty", f"empty{i}{ext}", data, Expect("unreadable", "E101"))
    b.add("empty", "empty.html.gz", gzip.compress(b""), Expect("unreadable", "E101"))
    b.add("empty", "blank.html.gz", gzip.compress(b"   \n  "), Expect("unreadable", "E101"))


def _binary(b: Builder) -> None:
    signatures = {
        "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        "gif": b"GIF89a\x01\x00\x01\x00\x80\x00\x00",
        "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        "zip": b"PK\x03\x04\x14\x00\x00\x00",
        "elf": b"\x7fELF\x02\x01\x01\x00",
        "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 ",
        "ico": b"\x00\x00\x01\x00\x01\x00\x10\x10",
        "mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00",
        "woff": b"wOFF\x00\x01\x00\x00",
        "bz2": b"BZh91AY&SY",
        "tiff": b"II*\x00\x08\x00\x00\x00",
    }
    for name, sig in signatures.items():
        payload = sig + b.rng.randbytes(2000)
        b.add("binary", f"image_{name}.html", payload, Expect("unreadable", "E102"))
    for i in range(10):
        b.add("binary", f"random{i}.html", b.rng.randbytes(3000 + 500 * i), Expect("unreadable", "E102"))
    # Mostly NUL (a sparse file, a zeroed download).
    b.add("binary", "zeros.html", b"\x00" * 8192, Expect("unreadable", "E102"))
    b.add("binary", "gzipped_png.html.gz", gzip.compress(signatures["png"] + b.rng.randbytes(500)),
          Expect("unreadable", "E102"))


def _gzip(b: Builder) -> None:
    page = html_page(paragraphs(ARTICLE, 3), "Sciatica").encode()
    packed = gzip.compress(page)
    b.add("gzip", "ok.html.gz", packed, Expect("ok", contains="sciatic nerve"))
    b.add("gzip", "double.html.gz", gzip.compress(packed), Expect("ok", contains="sciatic nerve"))
    # Incompressible filler makes the compressed stream long, so a cut keeps real text.
    long_page = html_page("".join(f"<p>{ARTICLE} Reference {b.rng.random()}.</p>" for _ in range(60)),
                          "Sciatica").encode()
    long_packed = gzip.compress(long_page)
    for i, share in enumerate((0.5, 0.6, 0.7, 0.8, 0.9, 0.95)):
        b.add("gzip", f"truncated{i}.html.gz", long_packed[:int(len(long_packed) * share)],
              Expect(("ok", "no_content"), flags=("truncated_gzip",)))
    for i, cut in enumerate((2, 5, 10, 12)):
        b.add("gzip", f"header_only{i}.html.gz", packed[:cut], Expect("unreadable", "E106"))
    bad_method = packed[:2] + b"\x09" + packed[3:]
    b.add("gzip", "bad_method.html.gz", bad_method, Expect("unreadable", "E106"))
    bad_crc = long_packed[:-8] + bytes([long_packed[-8] ^ 0xFF]) + long_packed[-7:]
    b.add("gzip", "bad_crc.html.gz", bad_crc, Expect("ok", flags=("corrupt_gzip",), contains="sciatic nerve"))
    garbage = bytearray(long_packed)
    garbage[12] ^= 0xFF  # damage right after the header: nothing decompresses
    b.add("gzip", "garbage.html.gz", bytes(garbage), Expect("unreadable", "E106"))
    text = ("Sciatica\n\n" + ARTICLE * 3).encode()
    b.add("gzip", "text.txt.gz", gzip.compress(text), Expect(("ok", "no_content")))
    # Two members (a concatenated .gz): both are read.
    two = gzip.compress(html_page(paragraphs(ARTICLE)).encode()[:-14]) + gzip.compress(b"</body></html>")
    b.add("gzip", "two_members.html.gz", two, Expect("ok", contains="sciatic nerve"))


def _zero_bomb(size: int, layers: int = 1) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\x00" * (1 << 20)
    data = b"".join(comp.compress(chunk) for _ in range(size >> 20)) + comp.flush()
    for _ in range(layers - 1):
        data = gzip.compress(data)
    return data


def _bombs(b: Builder) -> None:
    over = MAX_DECOMPRESSED_BYTES + (8 << 20)
    b.add("bomb", "zeros.html.gz", _zero_bomb(over), Expect("refused", "E105"))
    b.add("bomb", "nested.html.gz", _zero_bomb(over, layers=2), Expect("refused", "E105"))
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    filler = b"<p>" + b"a" * (1 << 20) + b"</p>"
    spaces = comp.compress(b"<html><body>") + b"".join(comp.compress(filler) for _ in range(over >> 20))
    b.add("bomb", "html_bomb.html.gz", spaces + comp.flush(), Expect("refused", "E105"))
    # A bomb inside a WARC record's Content-Encoding: the record is refused, not expanded.
    payload = _zero_bomb(MAX_PAGE_BYTES + (4 << 20))
    warc = _warc_bytes([("http://example.org/bomb", payload,
                         [("Content-Type", "text/html"), ("Content-Encoding", "gzip")])])
    b.add("bomb", "record_bomb.warc", warc, Expect("refused", "E104"))


def _warc_bytes(records: list[tuple[str, bytes, list[tuple[str, str]]]], gz: bool = False,
                rec_type: str = "response") -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for url, body, headers in records:
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
        record = writer.create_warc_record(url, rec_type, payload=io.BytesIO(body), http_headers=http,
                                           warc_headers_dict={"WARC-Date": "2024-01-01T00:00:00Z",
                                                              "WARC-Record-ID": f"<urn:uuid:{url}>"})
        writer.write_record(record)
    return buf.getvalue()


def _warc(b: Builder) -> None:
    pages = [(f"https://health.example.org/page{i}",
              html_page(paragraphs(f"Page {i}. " + ARTICLE), f"Page {i}").encode("utf-8"),
              [("Content-Type", "text/html; charset=utf-8")]) for i in range(3)]
    cp1252 = ("https://health.example.org/latin", html_page(paragraphs("Café crème – “naïve” patients. "
              + ARTICLE)).encode("cp1252"), [("Content-Type", "text/html; charset=windows-1252")])
    image = ("https://health.example.org/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(100),
             [("Content-Type", "image/png")])
    full = _warc_bytes(pages + [cp1252, image])
    ok_rows = [Expect("ok", record=i, contains=f"Page {i}.") for i in range(3)]
    b.add("warc", "crawl.warc", full, *ok_rows,
          Expect("ok", record=3, contains="Café crème – “naïve”"), min_rows=4)
    full_gz = _warc_bytes(pages + [cp1252, image], gz=True)
    b.add("warc", "crawl.warc.gz", full_gz, *ok_rows, min_rows=4)
    # Cut inside the last HTML record's body: earlier pages kept, the last one flagged.
    three = _warc_bytes(pages)
    b.add("warc", "cut_body.warc", three[:len(three) - 300], *ok_rows[:2],
          Expect("ok", record=2, flags=("truncated_warc",)), min_rows=3)
    # Cut inside the last record's WARC headers: the damage is a row of its own.
    header_cut = three[:len(three) * 2 // 3 + 40]
    b.add("warc", "cut_header.warc", header_cut, *ok_rows[:1], min_rows=2)
    gz_three = _warc_bytes(pages, gz=True)
    b.add("warc", "cut.warc.gz", gz_three[:len(gz_three) - 200], *ok_rows[:2], min_rows=2)
    b.add("warc", "only_header.warc", b"WARC/1.0\r\nWARC-Type: response\r\n",
          Expect("unreadable", "E109"))
    b.add("warc", "no_html.warc", _warc_bytes([image]), Expect("unreadable", "E112"))
    b.add("warc", "requests_only.warc", _warc_bytes(pages[:1], rec_type="request"),
          Expect("unreadable", "E112"))
    empty_body = ("https://health.example.org/empty", b"", [("Content-Type", "text/html")])
    b.add("warc", "empty_record.warc", _warc_bytes([empty_body, pages[0]]),
          Expect("unreadable", "E101", record=0), Expect("ok", record=1), min_rows=2)
    b.add("warc", "binary_record.warc", _warc_bytes([("https://x.example/a.html", image[1],
                                                      [("Content-Type", "text/html")])]),
          Expect("unreadable", "E102"))
    b.add("warc", "garbage_after.warc", three + b"\r\nthis is not a record\r\n" * 5,
          *ok_rows, Expect("unreadable", "E109", record=3), min_rows=4)


def _encodings(b: Builder) -> None:
    phrase = "Ärzte empfehlen Bewegung für Patienten mit Rückenschmerzen"
    de = html_page(paragraphs(f"{phrase}. " + FOREIGN["de"], 3), "Rückenschmerzen")
    fr = html_page(paragraphs("Les médecins conseillent l'activité physique. " + FOREIGN["fr"], 3), "Sciatique")
    en_quotes = html_page(paragraphs("Doctors say “keep moving” – it’s the best café advice. " + ARTICLE, 2))
    for enc in ("latin-1", "cp1252", "iso-8859-15"):
        b.add("encoding", f"de_{enc}_declared.html",
              html_page(paragraphs(f"{phrase}. " + FOREIGN["de"], 3), "Rückenschmerzen",
                        f'<meta charset="{enc}">').encode(enc), Expect("ok", contains=phrase))
        b.add("encoding", f"de_{enc}_undeclared.html", de.encode(enc), Expect("ok", contains=phrase))
        b.add("encoding", f"fr_{enc}_undeclared.html", fr.encode(enc),
              Expect("ok", contains="Les médecins conseillent"))
    b.add("encoding", "en_cp1252_quotes.html", en_quotes.encode("cp1252"),
          Expect("ok", contains="“keep moving” – it’s the best café"))
    b.add("encoding", "utf8_declared_latin1.html",
          html_page(paragraphs(f"{phrase}. " + FOREIGN["de"], 3), "x", '<meta charset="iso-8859-1">').encode(),
          Expect("ok", contains=phrase))
    b.add("encoding", "latin1_declared_utf8.html",
          html_page(paragraphs(f"{phrase}. " + FOREIGN["de"], 3), "x", '<meta charset="utf-8">').encode("latin-1"),
          Expect("ok", contains=phrase))
    asian = {
        "ja_shift_jis": ("shift_jis", FOREIGN["ja"], "坐骨神経痛"),
        "ja_euc_jp": ("euc_jp", FOREIGN["ja"], "坐骨神経痛"),
        "zh_gbk": ("gbk", FOREIGN["zh"], "坐骨神经痛"),
        "zh_big5": ("big5", "坐骨神經痛是一種沿著坐骨神經從下背部放射到腿部的疼痛。大多數患者在幾週內通過適度活動、"
                    "物理治療和止痛藥物就能好轉。", "坐骨神經痛"),
        "ru_cp1251": ("cp1251", FOREIGN["ru"], "седалищного нерва"),
        "ru_koi8_r": ("koi8_r", FOREIGN["ru"], "седалищного нерва"),
    }
    for name, (enc, text, must) in asian.items():
        declared = html_page(paragraphs(text, 3), "x", f'<meta http-equiv="Content-Type" content="text/html; charset={enc}">')
        b.add("encoding", f"{name}_declared.html", declared.encode(enc), Expect("ok", contains=must))
        long_page = html_page(paragraphs(text, 8), "x")
        # Undeclared legacy CJK needs a few paragraphs for the detector (a single
        # EUC-JP paragraph still reads as cp949: the byte ranges overlap).
        b.add("encoding", f"{name}_undeclared.html", long_page.encode(enc), Expect("ok", contains=must))
    en = html_page(paragraphs(ARTICLE, 2), "Sciatica")
    b.add("encoding", "utf16_bom.html", en.encode("utf-16"), Expect("ok", contains="sciatic nerve"))
    b.add("encoding", "utf16be_bom.html", b"\xfe\xff" + en.encode("utf-16-be"), Expect("ok", contains="sciatic nerve"))
    b.add("encoding", "utf16le_nobom.html", en.encode("utf-16-le"), Expect("ok", contains="sciatic nerve"))
    b.add("encoding", "utf16be_nobom.html", en.encode("utf-16-be"), Expect("ok", contains="sciatic nerve"))
    b.add("encoding", "utf8_bom.html", b"\xef\xbb\xbf" + en.encode(), Expect("ok", contains="sciatic nerve"))
    b.add("encoding", "utf32_bom.html", en.encode("utf-32"), Expect("ok", contains="sciatic nerve"))
    b.add("encoding", "meta_utf16_lie.html", html_page(paragraphs(ARTICLE), "x", '<meta charset="utf-16">').encode(),
          Expect("ok", contains="sciatic nerve"))
    b.add("encoding", "unknown_charset.html", html_page(paragraphs(ARTICLE), "x", '<meta charset="x-klingon">').encode(),
          Expect("ok", contains="sciatic nerve"))
    # Invalid UTF-8: a UTF-8 page with Windows quotes pasted in (mixed encodings).
    for i in range(6):
        utf8_part = html_page(paragraphs(f"Café, naïve, résumé, señor {i}. " + ARTICLE, 2)).encode()
        mixed = utf8_part.replace(b"Keeping active", b"\x93Keeping active\x94")
        b.add("encoding", f"mixed{i}.html", mixed, Expect("ok", flags=("mixed_encoding",),
                                                           contains="“Keeping active”"))
    # Invalid UTF-8: stray bytes that are not text in any encoding, in ASCII text.
    for i in range(4):
        body = html_page(paragraphs(ARTICLE, 2)).encode()
        pos = len(body) // 2 + i * 7
        b.add("encoding", f"stray_bytes{i}.html", body[:pos] + b"\xff\xfe\xc0" + body[pos:],
              Expect("ok", contains="sciatic nerve"))
    b.add("encoding", "overlong_utf8.html", html_page(paragraphs(ARTICLE)).encode() + b"\xc0\xaf\xe0\x80\xaf",
          Expect("ok", contains="sciatic nerve"))
    b.add("encoding", "lone_surrogate_utf8.html", html_page(paragraphs(ARTICLE)).encode() + b"\xed\xa0\x80",
          Expect("ok", contains="sciatic nerve"))
    moji = html_page(paragraphs("Doctors say â€œkeep movingâ€\x9d â€“ itâ€™s the best cafÃ© advice. " + ARTICLE))
    b.add("encoding", "mojibake.html", moji.encode(), Expect("ok", flags=("mojibake_repaired",),
                                                           contains="“keep moving” – it’s the best café"))


def _oversized(b: Builder) -> None:
    block = ("<p>" + ARTICLE + "</p>") * 40
    for i in range(2):
        big = ("<html><body>" + block * ((20 << 20) // len(block) + 1) + "</body></html>").encode()
        b.add("oversized", f"page20mb_{i}.html", big, Expect("refused", "E104"))
    huge = b"<html><body>" + b"<p>x</p>" * ((MAX_FILE_BYTES + (1 << 20)) // 8) + b"</body></html>"
    b.add("oversized", "file_over_limit.html", huge, Expect("refused", "E104"))
    long_line = ("word " * ((17 << 20) // 5)).encode()
    b.add("oversized", "text17mb.txt", long_line, Expect("refused", "E104"))
    b.add("oversized", "big_ok.html", html_page(block * 15, "Sciatica").encode(),
          Expect("ok", contains="sciatic nerve"))


def _deep(b: Builder) -> None:
    inner = "<p>" + ARTICLE + "</p>"
    for depth in (1200, 5000, 10000, 100000):
        page = "<html><body>" + "<div>" * depth + inner + "</div>" * depth + "</body></html>"
        b.add("deep", f"div{depth}.html", page.encode(), Expect("refused", "E111"))
    lists = "<html><body>" + "<ul><li>" * 5000 + inner + "</li></ul>" * 5000 + "</body></html>"
    b.add("deep", "lists5000.html", lists.encode(), Expect("refused", "E111"))
    unclosed = "<html><body>" + "<b>" * 3000 + inner + "</body></html>"
    b.add("deep", "unclosed_b3000.html", unclosed.encode(), Expect("refused", "E111"))
    spans = "<html><body>" + "<span><i>" * 2000 + inner + "</body></html>"
    b.add("deep", "spans.html", spans.encode(), Expect("refused", "E111"))
    for depth in (300, 600, 900):
        page = ("<html><body><p>" + ARTICLE + "</p>" + "<div>" * depth + inner + "</div>" * depth
                + "<p>After the deep block: " + ARTICLE_2 + "</p></body></html>")
        b.add("deep", f"div{depth}_ok.html", page.encode(), Expect("ok", flags=("deep_markup",)))
    b.add("deep", "shallow_many.html", ("<html><body>" + ("<div>" * 50 + inner + "</div>" * 50) * 60
                                        + "</body></html>").encode(), Expect("ok", contains="sciatic nerve"))


def _controls(b: Builder) -> None:
    for i in range(5):
        body = html_page(paragraphs(ARTICLE, 2)).encode()
        pos = len(body) // 3 + 11 * i
        b.add("controls", f"nul{i}.html", body[:pos] + b"\x00" * (i + 1) + body[pos:],
              Expect("ok", flags=("control_chars_removed",), contains="sciatic nerve"))
    for i, ctl in enumerate((b"\x01", b"\x07\x08", b"\x1b[31m", b"\x0b\x0e", b"\x7f")):
        body = html_page(paragraphs(ARTICLE, 2)).encode()
        pos = len(body) // 2
        b.add("controls", f"ctl{i}.html", body[:pos] + ctl + body[pos:],
              Expect("ok", flags=("control_chars_removed",), contains="sciatic nerve"))
    text = ("Sciatica\n\n" + ARTICLE.replace(". ", ".\x00 ") * 2).encode()
    b.add("controls", "nul_text.txt", text, Expect(("ok", "no_content"), flags=("control_chars_removed",)))
    b.add("controls", "entity_controls.html", html_page(paragraphs("Bad &#0; &#1; &#x1b; entities. " + ARTICLE)).encode(),
          Expect("ok", contains="sciatic nerve"))


def _jsonl(b: Builder) -> None:
    good_html = {"url": "https://health.example.org/a", "html": html_page(paragraphs(ARTICLE))}
    good_text = {"url": "https://health.example.org/b", "text": "Diabetes\n\n" + ARTICLE_2 * 2}
    lines = [json.dumps(good_html), "{not json at all", json.dumps(good_text), json.dumps({"url": "x"}),
             "[1, 2, 3]", json.dumps({"url": "https://health.example.org/c", "html": ""}),
             '{"text": ' + "[" * 50000 + "}", json.dumps({"html": 42})]
    rows = [Expect("ok", record=0, contains="sciatic nerve"), Expect("unreadable", "E107", record=1),
            Expect(("ok", "no_content"), record=2), Expect("unreadable", "E108", record=3),
            Expect("unreadable", "E107", record=4), Expect("unreadable", "E108", record=5),
            Expect("unreadable", "E107", record=6), Expect("unreadable", "E108", record=7)]
    b.add("jsonl", "mixed.jsonl", "\n".join(lines).encode(), *rows, min_rows=8)
    b.add("jsonl", "bad_first_line.jsonl", ("{oops\n" + json.dumps(good_html) + "\n").encode(),
          Expect("unreadable", "E107", record=0), Expect("ok", record=1), min_rows=2)
    b.add("jsonl", "crlf.jsonl", (json.dumps(good_html) + "\r\n" + json.dumps(good_text) + "\r\n").encode(),
          Expect("ok", record=0), Expect(("ok", "no_content"), record=1), min_rows=2)
    b.add("jsonl", "gzipped.jsonl.gz", gzip.compress((json.dumps(good_html) + "\n").encode()),
          Expect("ok", contains="sciatic nerve"))
    surrogate = '{"url": "https://x.example/s", "html": "<html><body><p>' + ARTICLE + ' \\ud800 lone</p></body></html>"}'
    b.add("jsonl", "lone_surrogate.jsonl", surrogate.encode(), Expect("ok", contains="sciatic nerve"))
    truncated = (json.dumps(good_html) + "\n" + json.dumps(good_text))[:-40]
    b.add("jsonl", "truncated_last.jsonl", truncated.encode(), Expect("ok", record=0),
          Expect("unreadable", "E107", record=1), min_rows=2)
    deep_html = "<html><body>" + "<div>" * 3000 + "x" + "</div>" * 3000 + "</body></html>"
    b.add("jsonl", "deep_record.jsonl", (json.dumps({"url": "u", "html": deep_html}) + "\n"
                                          + json.dumps(good_html)).encode(),
          Expect("refused", "E111", record=0), Expect("ok", record=1), min_rows=2)
    b.add("jsonl", "not_pages.jsonl", b'{"name": "a"}\n{"name": "b"}\n', Expect(("ok", "no_content")))


def _foreign(b: Builder) -> None:
    for code, text in FOREIGN.items():
        b.add("foreign", f"{code}.html", html_page(paragraphs(text, 3), "Salud").encode(),
              Expect(("ok", "no_content"), language=code, flags=("non_english",)))
        b.add("foreign", f"{code}.txt", (text + "\n\n" + text + "\n").encode(),
              Expect(("ok", "no_content"), language=code, flags=("non_english",)))
    b.add("foreign", "en.html", html_page(paragraphs(ARTICLE, 2)).encode(), Expect("ok", language="en"))


def _duplicates(b: Builder) -> None:
    original = html_page(paragraphs(ARTICLE + ARTICLE_2, 2), "Sciatica and diabetes")
    for i in range(3):
        b.add("duplicates", f"copy{i}.html", original.encode(), Expect("ok"))
    for i in range(3):
        near = original.replace("Sciatica is pain", f"Updated March {i + 2}, 2024. Sciatica is pain")
        b.add("duplicates", f"near{i}.html", near.encode(), Expect("ok"))
    b.add("duplicates", "copy.txt", ("Sciatica\n\n" + ARTICLE).encode(), Expect(("ok", "no_content")))
    b.add("duplicates", "copy_again.txt", ("Sciatica\n\n" + ARTICLE).encode(), Expect(("ok", "no_content")))


def _boilerplate(b: Builder) -> None:
    pages = {
        "cookie": "<div class='cookie-banner'>We use cookies to improve your experience. Accept all cookies</div>",
        "nav": "<nav><ul>" + "".join(f"<li><a href='/{i}'>Topic {i}</a></li>" for i in range(40)) + "</ul></nav>",
        "notfound": "<h1>404 Not Found</h1><p>The page you requested could not be found.</p>",
        "scripts": "<script>var a = 1;" + "x=1;" * 5000 + "</script><style>p{color:red}</style>",
        "iframe": "<iframe src='https://ads.example/frame'></iframe>",
        "empty_body": "",
        "login": "<form><input name='user'><input type='password'><button>Log in</button></form>",
        "images": "".join(f"<img src='/img{i}.png' alt=''>" for i in range(50)),
    }
    for name, body in pages.items():
        b.add("boilerplate", f"{name}.html", f"<html><head><title>Site</title></head><body>{body}</body></html>".encode(),
              Expect(("ok", "no_content")))


def _markup_hazards(b: Builder) -> None:
    art = paragraphs(ARTICLE, 2)
    hazards = {
        "xml_decl_utf16": '<?xml version="1.0" encoding="utf-16"?>' + html_page(art),
        "xml_decl_utf8": '<?xml version="1.0" encoding="UTF-8"?>' + html_page(art),
        "xhtml": '<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
                 '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html xmlns="http://www.w3.org/1999/xhtml">'
                 f'<head><title>x</title></head><body>{art}</body></html>',
        "bad_entities": html_page("<p>&#xFFFFFFFF; &#99999999; &#xD800; &bogus; &amp &lt" + ARTICLE + "</p>" + art),
        "cdata": html_page("<![CDATA[ hidden ]]>" + art),
        "unclosed": "<html><body><p>" + ARTICLE + "<p>" + ARTICLE_2 + "<div><span><table><tr><td>cell",
        "no_html_tag": "<p>" + ARTICLE + "</p><p>" + ARTICLE_2 + "</p>",
        "huge_attribute": html_page(f"<div data-x='{'a' * 2_000_000}'></div>" + art),
        "many_attributes": html_page("<div " + " ".join(f"a{i}='{i}'" for i in range(5000)) + ">" + art + "</div>"),
        "comment_bomb": html_page("<!--" + "-" * 100000 + art),
        "script_unclosed": html_page(art) + "<script>var x = '</p>",
        "frameset": "<html><frameset><frame src='a.html'><frame src='b.html'></frameset></html>",
        "svg_math": html_page("<svg><text>" + ARTICLE + "</text></svg><math><mi>x</mi></math>" + art),
        "template_tags": html_page("<template><p>hidden template</p></template>" + art),
        "nested_tables": html_page("<table><tr><td>" * 200 + ARTICLE + "</td></tr></table>" * 200 + art),
        "many_small_paragraphs": html_page("".join(f"<p>Line {i}.</p>" for i in range(5000)) + art),
        "bidi_and_zero_width": html_page(paragraphs("\u202eReversed\u202c text with \u200bzero\u200b width. " + ARTICLE)),
        "emoji": html_page(paragraphs("Stay well 💪🏽 and hydrated 🚰. " + ARTICLE)),
        "long_word": html_page("<p>" + "x" * 100000 + "</p>" + art),
        "doctype_only": "<!DOCTYPE html>",
        "processing_instruction": "<?php echo 'hi'; ?>" + html_page(art),
        "null_title": html_page(art, title=""),
    }
    for name, page in hazards.items():
        expected = Expect(("ok", "no_content"))
        b.add("markup", f"{name}.html", page.encode("utf-8", "surrogatepass"), expected)


def _text_dumps(b: Builder) -> None:
    dumps = {
        "normal": "Sciatica\n\n" + ARTICLE + "\n\nTreatment\n\n" + ARTICLE_2,
        "one_line": (ARTICLE + ARTICLE_2) * 50,
        "no_spaces": "a" * 200000,
        "punctuation": "!?.,;:-" * 3000,
        "numbers": "\n".join(str(i) for i in range(3000)),
        "crlf": ("Sciatica\r\n\r\n" + ARTICLE + "\r\n") * 3,
        "cr_only": ("Sciatica\r\r" + ARTICLE + "\r") * 3,
        "tabs": "\t".join(ARTICLE.split()),
        "html_quote": "Use the <p> tag for paragraphs. " + ARTICLE,
        "markdown": "# Sciatica\n\n" + ARTICLE + "\n\n## Treatment\n\n- rest\n- exercise\n\n" + ARTICLE_2,
        "json_not_pages": '{"a": 1, "b": [1, 2, 3]}',
        "yaml": "title: Sciatica\nbody: |\n  " + ARTICLE,
        "very_many_lines": "\n".join(["Menu"] * 5000 + [ARTICLE]),
    }
    for name, text in dumps.items():
        b.add("text", f"{name}.txt", text.encode(), Expect(("ok", "no_content")))
    b.add("text", "noext", ("Sciatica\n\n" + ARTICLE).encode(), Expect(("ok", "no_content")))
    b.add("text", "nested/deeper/page.html", html_page(paragraphs(ARTICLE)).encode(),
          Expect("ok", contains="sciatic nerve"))
    b.add("text", "name with spaces & ünïcode.html", html_page(paragraphs(ARTICLE)).encode(),
          Expect("ok", contains="sciatic nerve"))
    dangling = b.root / "text" / "dangling_link.html"
    dangling.symlink_to(b.root / "text" / "no_such_file.html")
    b.cases.append(Case("text", "text/dangling_link.html", [Expect("unreadable", "E110")]))


if __name__ == "__main__":  # pragma: no cover - handy for looking at the corpus
    import sys
    import tempfile

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    built = build(target)
    print(f"{len(built)} files under {target}: {dict(kind_counts(built))}")
