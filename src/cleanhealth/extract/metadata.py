"""Page metadata from the HTML head, microdata and JSON-LD: title, canonical URL,
site name, author, published / updated / reviewed dates, and the declared language.

Why our own and not only trafilatura's: health pages carry the review date that
matters ('Medically reviewed … Last reviewed …', schema.org `lastReviewed`) and a
canonical URL that trafilatura does not return; and the declared `<html lang>` is a
cheap, strong prior for the language stage. Dates the markup does not state are left
to htmldate (the field's library), run on the already-parsed tree so the page is not
parsed twice.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, Iterator

from lxml import etree

# A title longer than this is a paragraph someone put in an <h1>, not a title.
MAX_TITLE_CHARS = 300
# Separators between a page title and the site name in <title> ('Sciatica | Riverside Health').
TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»]\s+")
_SPACE = re.compile(r"\s+")
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
# Dates written in text near 'reviewed' / 'updated' ('Last reviewed: May 15, 2024').
TEXT_DATE = re.compile(
    rf"(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})"
    rf"|(?P<mdy>(?:{_MONTHS})[a-z]*\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
    rf"|(?P<dmy>\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})[a-z]*\.?,?\s+\d{{4}})"
    rf"|(?P<my>(?:{_MONTHS})[a-z]*\.?\s+\d{{4}})",
    re.I,
)
REVIEWED_CUE = re.compile(r"\b(?:last\s+)?(?:medically\s+|clinically\s+)?reviewed\b|current as of|review date", re.I)
UPDATED_CUE = re.compile(r"\b(?:last\s+)?(?:updated|modified|revised)\b", re.I)
# How far after a cue word a date may start (characters), e.g. 'Reviewed by Dr. X on May 2, 2024'.
CUE_WINDOW = 80
# Review and update lines sit near the top or bottom of the article; the first this many
# characters of the page hold them on nearly every page (and scanning stops there).
CUE_SCAN_CHARS = 20000


def _text(el: etree._Element) -> str:
    return _SPACE.sub(" ", "".join(el.itertext())).strip()


def _head_text(el: etree._Element, limit: int) -> str:
    """The first `limit` characters of an element's text, without walking the rest."""
    parts, size = [], 0
    for piece in el.itertext():
        parts.append(piece)
        size += len(piece)
        if size >= limit:
            break
    return _SPACE.sub(" ", "".join(parts))


def _meta(root: etree._Element) -> dict[str, str]:
    """<meta> values by lower-cased name/property/itemprop (first one wins)."""
    out: dict[str, str] = {}
    for m in root.iter("meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        value = (m.get("content") or "").strip()
        if key and value and key not in out:
            out[key] = value
    return out


def _jsonld(root: etree._Element) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object on the page, flattened out of @graph and lists."""
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                for key in ("@graph", "mainEntity", "mainEntityOfPage"):
                    if isinstance(item.get(key), (list, dict)):
                        stack.append(item[key])


def _name(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _name(value.get("name"))
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(dict.fromkeys(names)) or None
    return None


def iso_date(text: str | None) -> str | None:
    """YYYY-MM-DD from an ISO timestamp or a written date ('May 15, 2024', 'Feb 2025')."""
    if not text:
        return None
    m = TEXT_DATE.search(text)
    if not m:
        return None
    raw = re.sub(r"(\d)(st|nd|rd|th)", r"\1", m.group(0)).replace(",", "").replace(".", "")
    raw = _SPACE.sub(" ", raw).strip()
    if m.group("iso"):
        return raw
    for fmt in ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%B %Y", "%b %Y"):
        try:
            parsed = datetime.strptime(raw.replace("Sept ", "Sep "), fmt)
        except ValueError:
            continue
        return parsed.strftime("%Y-%m" if fmt in ("%B %Y", "%b %Y") else "%Y-%m-%d")
    return None


# Words every match of a cue contains: when none is in the page's text (lower-cased),
# the case-insensitive cue regex (~2 ms on 20,000 characters) need not scan it.
_CUE_WORDS: dict[re.Pattern[str], tuple[str, ...]] = {
    REVIEWED_CUE: ("reviewed", "current as of", "review date"),
    UPDATED_CUE: ("updated", "modified", "revised"),
}


def cue_date(text: str, cue: re.Pattern[str]) -> str | None:
    """The first date written shortly after a cue ('Last reviewed: May 15, 2024')."""
    words = _CUE_WORDS.get(cue)
    if words:
        low = text.lower()
        if not any(w in low for w in words):
            return None
    for m in cue.finditer(text):
        found = iso_date(text[m.end(): m.end() + CUE_WINDOW])
        if found:
            return found
    return None


def clean_title(title: str, site: str | None) -> str:
    """Drop the site name from '<page> | <site>' titles."""
    separators = list(TITLE_SEPARATORS.finditer(title))
    if separators:
        last = separators[-1]
        head, tail = title[: last.start()].strip(), title[last.end():].strip()
        if site and tail.lower() == site.strip().lower():
            return head
        if len(tail.split()) <= 4 and len(head.split()) >= 2:
            return head
    return title.strip()


ROOT_LINK = re.compile(r"^(?:https?://[^/]+)?/?(?:index\.\w+)?(?:[?#].*)?$", re.I)


def _logo_h1(h1: etree._Element, site: str | None) -> bool:
    """An H1 that is the site's logo: its text is one link to the home page, or the site name."""
    text = _text(h1)
    if site and text.strip().lower() == site.strip().lower():
        return True
    links = h1.findall(".//a")
    return len(links) == 1 and _text(links[0]) == text and bool(ROOT_LINK.match((links[0].get("href") or "").strip()))


def page_h1(root: etree._Element, site: str | None = None) -> str | None:
    """The page's H1, preferring one inside <main>/<article>; None if absent, implausible
    or the site's logo (old forums and blogs put the site name in an H1)."""
    scoped = root.xpath("//main//h1 | //article//h1 | //*[@role='main']//h1")
    for h1 in scoped or root.xpath("//h1"):
        if _logo_h1(h1, site):
            continue
        text = _text(h1)
        return text if 2 < len(text) <= MAX_TITLE_CHARS else None
    return None


def extract_metadata(root: etree._Element, *, dates: bool = True) -> dict[str, str | None]:
    """All metadata cleanhealth records; missing fields are None."""
    meta = _meta(root)
    ld = list(_jsonld(root))
    out: dict[str, str | None] = {}
    html_el = root if root.tag == "html" else root.find(".//html")
    lang = (html_el.get("lang") or html_el.get("{http://www.w3.org/XML/1998/namespace}lang")) if html_el is not None else None
    out["html_lang"] = lang.strip().replace("_", "-") if lang and lang.strip() else None

    canonical = None
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            canonical = link.get("href").strip()
            break
    out["canonical_url"] = canonical or meta.get("og:url")

    site = meta.get("og:site_name") or meta.get("application-name")
    if not site:
        site = next((_name(o.get("publisher")) for o in ld if o.get("publisher")), None)
    out["sitename"] = site

    head_title = None
    t = root.find(".//title")
    if t is not None and t.text:
        head_title = _SPACE.sub(" ", t.text).strip()
    h1 = page_h1(root, site)
    og = meta.get("og:title") or meta.get("twitter:title")
    title = h1 or (clean_title(og, site) if og else None) or (clean_title(head_title, site) if head_title else None)
    out["title"] = title
    out["description"] = meta.get("description") or meta.get("og:description")

    author = meta.get("author") or meta.get("article:author") or meta.get("parsely-author")
    if author and author.startswith("http"):
        author = None
    if not author:
        author = next((_name(o.get("author")) for o in ld if o.get("author")), None)
    if not author:
        el = next(iter(root.xpath("//*[@itemprop='author'] | //*[@rel='author']")), None)
        author = _text(el) if el is not None else None
        author = author if author and len(author) < 100 else None
    out["author"] = author

    published = (meta.get("article:published_time") or meta.get("datepublished") or meta.get("date")
                 or next((o.get("datePublished") for o in ld if isinstance(o.get("datePublished"), str)), None))
    updated = (meta.get("article:modified_time") or meta.get("og:updated_time") or meta.get("datemodified")
               or next((o.get("dateModified") for o in ld if isinstance(o.get("dateModified"), str)), None))
    reviewed = next((o.get("lastReviewed") for o in ld if isinstance(o.get("lastReviewed"), str)), None)
    for el in root.xpath("//*[@itemprop='datePublished' or @itemprop='dateModified' or @itemprop='lastReviewed']"):
        value = el.get("datetime") or el.get("content") or _text(el)
        prop = el.get("itemprop")
        if prop == "datePublished":
            published = published or value
        elif prop == "dateModified":
            updated = updated or value
        else:
            reviewed = reviewed or value
    body = root.find(".//body")
    body_text = _head_text(body, CUE_SCAN_CHARS) if body is not None and (not reviewed or not updated) else ""
    reviewed = iso_date(reviewed) or (cue_date(body_text, REVIEWED_CUE) if body_text else None)
    updated = iso_date(updated) or (cue_date(body_text, UPDATED_CUE) if body_text else None)
    published = iso_date(published)
    if dates and not published:
        published = _htmldate(root, original=True)
    out["date"] = published
    out["date_updated"] = updated
    out["date_reviewed"] = reviewed
    return out


def _htmldate(root: etree._Element, *, original: bool) -> str | None:
    """htmldate on the parsed tree; never lets a date failure fail the page."""
    try:
        from htmldate import find_date

        return find_date(root, original_date=original, extensive_search=False)
    except Exception:  # htmldate raises on odd trees; a missing date is fine
        return None
