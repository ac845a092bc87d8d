"""The lxml parse of an HTML page, shared by the reader and the HTML extractor.

The reader parses every HTML page to learn whether it nests past libxml2's default
depth (read.markup_depth), and the extractor needs the same page as an lxml.html tree.
Both use `parse_html`, and the reader hands its tree over (`hand_over`) to the
extractor of the same page (`parsed_tree`) in the same thread, so a page is parsed
once, not twice (~2.5 CPU ms per bench page). The tree handed over is exactly what
`parse_html` returns for the page's text; the extractor parses afresh whenever the
text is not the very string the reader parsed (another record of a multi-page file, a
stage that rewrote `raw`, a Document built without the reader).
"""

from __future__ import annotations

import threading

import lxml.html
from lxml import etree

_LOCAL = threading.local()


def _fast_parser() -> lxml.html.HTMLParser:
    """This thread's parser (its error log must be this thread's last parse).

    lxml.html's parser picks each element's class with a Python callback (form, input,
    label ... classes), called every time an element is touched from Python: about a
    tenth of the page's CPU time went there. trafilatura needs lxml.html elements
    (HtmlMixin: text_content, drop_tag), not the form classes, so every element gets
    HtmlElement by a lookup done in C. Same parser options as trafilatura's own load_html.
    """
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = lxml.html.HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8",
                                      remove_comments=True, remove_pis=True)
        parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
        _LOCAL.parser = parser
    return parser


def parse_html(raw: str) -> tuple[etree._Element | None, bool]:
    """(the page as an lxml.html tree, as trafilatura.utils.load_html parses it, with
    the fast lookup; whether libxml2 stopped at its default depth limit while parsing).

    The tree is None when the text is empty, not HTML, or refused by lxml.
    """
    if not raw or not raw.strip():
        return None, False
    from trafilatura.utils import decode_file, is_dubious_html

    parser = _fast_parser()
    tree: etree._Element | None = None
    try:
        html = decode_file(raw)
        beginning = html[:50].lower()
        dubious = is_dubious_html(beginning)
        html = repair_html(html, beginning)
        try:
            tree = lxml.html.fromstring(html, parser=parser)
        except ValueError:  # "Unicode strings with encoding declaration are not supported."
            tree = lxml.html.fromstring(html.encode("utf8", "surrogatepass"), parser=parser)
        if tree is None or len(tree) < 1:
            tree = lxml.html.fromstring(html.encode("utf8", "surrogatepass"), parser=parser)
        if tree is not None and dubious and len(tree) < 2:
            tree = None  # not HTML at all (trafilatura's own rejection test)
    except Exception:  # lxml refuses some inputs outright; the soup path takes them
        tree = None
    return tree, any(is_depth_error(e) for e in parser.error_log)


# The characters trafilatura's repair_faulty_html deletes (utils.INVALID_XML_CHARS): the C0
# controls but tab, LF and CR, which UTF-8 encodes as these single bytes (never part of
# a multi-byte sequence), and U+FFFE, U+FFFF.
_INVALID_XML_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_INVALID_XML_CHARS = ("\ufffe", "\uffff")


def repair_html(html: str, beginning: str) -> str:
    """trafilatura.utils.repair_faulty_html(html, beginning), without its regex pass over
    the whole page when the page holds none of the characters it deletes (nearly every
    page: the reader drops C0 controls). Encoding and deleting bytes finds that out in
    C, ~2.5x cheaper (0.34 vs 0.88 ms on a bench page); the doctype and <html/> steps
    are trafilatura's own, copied (tests/test_fast_paths.py compares the two)."""
    from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, repair_faulty_html

    encoded = html.encode("utf-8", "surrogatepass")
    if len(encoded.translate(None, _INVALID_XML_BYTES)) != len(encoded) \
            or any(c in html for c in _INVALID_XML_CHARS):
        return repair_faulty_html(html, beginning)
    if "doctype" in beginning:
        firstline, _, rest = html.partition("\n")
        html = DOCTYPE_TAG.sub("", firstline, count=1) + "\n" + rest
    for line in html[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            html = FAULTY_HTML.sub(r"\1>", html, count=1)
            break
    return html


def is_depth_error(entry: "etree._LogEntry") -> bool:
    """libxml2's 'Excessive depth in document: 256 use XML_PARSE_HUGE option'."""
    return "depth" in entry.message.lower() and "excessive" in entry.message.lower()


def hand_over(raw: str, tree: etree._Element | None) -> None:
    """Keep `tree` (parse_html(raw)'s) for the extractor of this page, in this thread.
    One page at a time: handing over another page's tree drops this one."""
    _LOCAL.handed = (raw, tree)


def parsed_tree(raw: str) -> etree._Element | None:
    """parse_html(raw)'s tree: the one the reader handed over for this very string
    (given out once: the extractor changes it), else a new parse. Another page's tree
    stays: the records of a multi-page file are read together, then extracted in turn,
    and the last one's tree then still serves it."""
    handed = getattr(_LOCAL, "handed", None)
    if handed is not None and handed[0] is raw:
        _LOCAL.handed = None
        return handed[1]
    return parse_html(raw)[0]
