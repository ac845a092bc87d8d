"""The fixed vocabulary of removal reasons.

Every row of the `removed` table carries one of these. Keeping them in one place
lets tests check that each reason fires on a real example and lets analysts group
removals without guessing at spellings.
"""

from __future__ import annotations

REASONS: dict[str, str] = {
    "nav": "site navigation: menus, breadcrumbs, skip links, section lists",
    "ad": "advertisement slots and sponsored content",
    "affiliate_disclosure": "affiliate or advertiser disclosures, 'how we make money'",
    "newsletter": "newsletter and e-mail sign-up prompts",
    "privacy": "cookie, consent and privacy-policy text",
    "related_links": "'see also', 'related articles', 'read more' link lists",
    "author_bio": "author biographies",
    "byline": "bylines and reviewer lines ('By …', 'Medically reviewed by …')",
    "date_stamp": "publication, update and review dates",
    "cta": "calls to action: appointments, phone numbers, 'contact us', buy buttons",
    "share": "social sharing and print/e-mail buttons",
    "footer": "copyright, legal and site footer text",
    "spam_injection": "spam inserted inside the article (foreign-script runs, gambling, replicas)",
    "contamination": "unrelated text appended to the page (another page's text, repeated blocks)",
    "toc": "tables of contents",
    "comments": "reader comments and discussion threads",
    "editorial_policy": "editorial-process and trust statements",
    "duplicate": "a block repeated within the page",
    "template": "a line that recurs across many pages of the run (site template)",
    "hidden": "markup hidden from readers (display:none, aria-hidden, hidden)",
    "markup": "chrome identified by its markup (nav, aside, footer, class/id tokens)",
    "low_quality": "short or link-dense text with no article signal",
    "other": "boilerplate with no more specific reason",
}


def check_reason(reason: str) -> str:
    """Return `reason` if it is in the vocabulary, else raise (a programming error)."""
    if reason not in REASONS:
        from .errors import Errors

        raise ValueError(Errors.E900.format(reason=reason, known=", ".join(REASONS)))
    return reason
