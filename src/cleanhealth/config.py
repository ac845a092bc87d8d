"""The user's config file: extra boilerplate, per-site rules, extra terms, thresholds.

Teams cleaning one site's pages need to add a rule without forking the code. A
`cleanhealth.toml` in the current folder (or `--config FILE`) holds:

    [[phrase]]      text = "...", reason = "cta"         a block containing the phrase is cut
    [[pattern]]     regex = '...', reason = "nav"         a block matching the regex is cut
    [[site_rule]]   domain = "...", selector = "div.x", reason = "ad"
                                                          always drop blocks matching a CSS
                                                          selector on that site (and its subdomains)
    [[term]]        text = "...", label = "CONDITION", code = "...", vocabulary = "...",
                    concept = "...", synonyms = [...]     extra vocabulary for the tagger
    [thresholds]    name = value                          see THRESHOLDS

The file is validated once, up front, and every mistake is reported as E308 with the
line it is on, so a user never discovers a typo half-way through a million pages.

`Config` is a frozen dataclass of tuples: hashable (it is part of `pipeline.Options`,
so changing the config invalidates reused shards) and picklable (it reaches process
and Dask workers inside the RunContext). Compiled regexes and matchers are built
lazily, once per process, behind `functools.cache`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Iterable

from .errors import CleanhealthError, Errors
from .reasons import REASONS
from .stage import Stage

# The file looked for in the current folder when no --config is given.
DEFAULT_CONFIG_NAME = "cleanhealth.toml"

# Entity labels a term may carry (the tagger's label set; see tag/).
TERM_LABELS = ("CONDITION", "SYMPTOM", "ANATOMY", "DRUG", "PROCEDURE", "TEST")

# Phrases shorter than this match inside ordinary prose far too often ('app', 'call'):
# a phrase cuts whole blocks, so it must be specific enough to name boilerplate.
MIN_PHRASE_CHARS = 4
# A selector that matches (nearly) the whole page (e.g. 'body', a layout wrapper) would
# wipe the article; a match holding more than this share of the page's text is refused
# as a safety net: the page keeps its content and gets the site_rule_too_broad flag.
MAX_SITE_RULE_SHARE = 0.9
# ... except on tiny pages, where one block can honestly be most of the text.
MIN_GUARDED_PAGE_CHARS = 200
# The flag a page gets when a site rule was refused for selecting (nearly) all of it.
FLAG_SITE_RULE_TOO_BROAD = "site_rule_too_broad"

# Thresholds a config may override: name -> (default, minimum, maximum, what it does).
# A default of None means the stage's own constant (or trained value), which the stage
# passes in: `threshold(context, name, OWN_CONSTANT)`. Unknown names in a config file
# are an error, so a misspelt threshold is never silently ignored.
THRESHOLDS: dict[str, tuple[float | None, float, float, str]] = {
    "min_text_chars": (0, 0, 1_000_000,
                       "pages whose clean text is shorter than this become status no_content "
                       "(0 = keep every page with any text)"),
    "min_block_words": (0, 0, 1000,
                        "paragraph blocks with fewer words than this are cut as low_quality "
                        "(0 = off; headings, list items and table rows are never cut by it)"),
    "min_trafilatura_chars": (None, 0, 1_000_000,
                              "HTML: below this many extracted characters the BeautifulSoup "
                              "fallback is tried (default: extract/html.py MIN_TRAFILATURA_CHARS)"),
    "text_keep_probability": (None, 0.0, 1.0,
                              "text dumps: segments the classifier scores below this content "
                              "probability are cut (default: the trained model's own cut-off)"),
}

_TOP_LEVEL = {"phrase", "pattern", "site_rule", "term", "thresholds"}


@dataclass(frozen=True)
class Phrase:
    text: str
    reason: str


@dataclass(frozen=True)
class Pattern:
    regex: str
    reason: str


@dataclass(frozen=True)
class SiteRule:
    domain: str  # 'example.org' (matches its subdomains too) or '*' for every site
    selector: str  # a CSS selector (soupsieve syntax)
    reason: str


@dataclass(frozen=True)
class Term:
    text: str
    label: str
    code: str | None = None
    vocabulary: str | None = None
    concept: str | None = None
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    """A validated config file. The empty Config changes nothing."""

    path: str | None = None
    phrases: tuple[Phrase, ...] = ()
    patterns: tuple[Pattern, ...] = ()
    site_rules: tuple[SiteRule, ...] = ()
    terms: tuple[Term, ...] = ()
    thresholds: tuple[tuple[str, float], ...] = field(default_factory=tuple)

    @property
    def extra_phrases(self) -> tuple[Phrase, ...]:
        return self.phrases

    @property
    def extra_terms(self) -> tuple[Term, ...]:
        return self.terms

    def __bool__(self) -> bool:
        return bool(self.phrases or self.patterns or self.site_rules or self.terms or self.thresholds)

    def describe(self) -> str:
        """One line for the terminal: which file, and what it adds."""
        parts = [f"{len(items)} {word}{'' if len(items) == 1 else 's'}" for items, word in (
            (self.phrases, "phrase"), (self.patterns, "pattern"), (self.site_rules, "site rule"),
            (self.terms, "term"), (self.thresholds, "threshold")) if items]
        return f"{self.path or '(inline)'}: {', '.join(parts) or 'empty'}"

    def threshold(self, name: str, default: float | None = None) -> float | None:
        """The configured value of a threshold, else `default`, else THRESHOLDS' default."""
        if name not in THRESHOLDS:
            raise KeyError(f"unknown threshold {name!r}; add it to config.THRESHOLDS")
        for key, value in self.thresholds:
            if key == name:
                return value
        return default if default is not None else THRESHOLDS[name][0]


EMPTY = Config()


def threshold(holder: Any, name: str, default: float | None = None) -> float | None:
    """A threshold from a Config, Options or RunContext, else `default` (the stage's own).

    Stages hold a RunContext; this saves each of them from walking the attributes.
    """
    return config_of(holder).threshold(name, default)


def config_of(holder: Any) -> Config:
    """The Config inside a RunContext / Options / Config, or the empty Config."""
    if holder is None:
        return EMPTY
    if isinstance(holder, Config):
        return holder
    options = getattr(holder, "options", holder)
    cfg = getattr(options, "config", None)
    return cfg if isinstance(cfg, Config) else EMPTY


# --------------------------------------------------------------------------- loading


def find_config(explicit: str | Path | None, cwd: Path | None = None) -> Path | None:
    """The config file to use: --config if given (must exist), else ./cleanhealth.toml if present."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise CleanhealthError(Errors.E308.format(path=path, detail="no such file"))
        return path
    # Relative when found in the current folder, so messages name it as the user knows it.
    candidate = cwd / DEFAULT_CONFIG_NAME if cwd is not None else Path(DEFAULT_CONFIG_NAME)
    return candidate if candidate.is_file() else None


def load_config(explicit: str | Path | None = None, cwd: Path | None = None) -> Config:
    """Find, read and validate the config file; the empty Config when there is none."""
    path = find_config(explicit, cwd)
    if path is None:
        return EMPTY
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CleanhealthError(Errors.E308.format(path=path, detail=f"cannot read it: {exc}")) from exc
    return parse_config(source, str(path))


def parse_config(source: str, path: str = DEFAULT_CONFIG_NAME) -> Config:
    """Validate TOML text into a Config; raise E308 naming the line of the first mistake."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if match:
            detail = f"line {match.group(1)}: not valid TOML: {message[:match.start()].strip()} " \
                     f"(column {match.group(2)})"
        else:
            detail = f"not valid TOML: {message}"
        raise CleanhealthError(Errors.E308.format(path=path, detail=detail)) from exc
    return _Validator(source, path).build(data)


class _Validator:
    """Turns parsed TOML into a Config, locating each mistake in the source text."""

    def __init__(self, source: str, path: str) -> None:
        self.lines = source.splitlines()
        self.path = path

    # -- error reporting
    def fail(self, where: tuple, message: str, value: Any = None) -> None:
        line = _locate(self.lines, where, value)
        prefix = f"line {line}: " if line else ""
        raise CleanhealthError(Errors.E308.format(path=self.path, detail=f"{prefix}{message}"))

    # -- the sections
    def build(self, data: dict) -> Config:
        for key in data:
            if key not in _TOP_LEVEL:
                self.fail((key,), f"unknown section '{key}'; expected one of "
                          f"{', '.join(sorted(_TOP_LEVEL))}")
        phrases = tuple(self._phrase(i, t) for i, t in enumerate(self._tables(data, "phrase")))
        patterns = tuple(self._pattern(i, t) for i, t in enumerate(self._tables(data, "pattern")))
        rules = tuple(self._site_rule(i, t) for i, t in enumerate(self._tables(data, "site_rule")))
        terms = tuple(self._term(i, t) for i, t in enumerate(self._tables(data, "term")))
        thresholds = self._thresholds(data.get("thresholds", {}))
        return Config(path=self.path, phrases=phrases, patterns=patterns, site_rules=rules,
                      terms=terms, thresholds=thresholds)

    def _tables(self, data: dict, name: str) -> list[dict]:
        value = data.get(name, [])
        if isinstance(value, dict):  # a single [name] table instead of [[name]]
            self.fail((name,), f"'{name}' must be a list of tables: write [[{name}]], not [{name}]")
        if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
            self.fail((name,), f"'{name}' must be a list of tables ([[{name}]] entries)")
        return value

    def _keys(self, where: tuple, table: dict, required: set[str], optional: set[str]) -> None:
        for key in table:
            if key not in required | optional:
                allowed = ", ".join(sorted(required | optional))
                self.fail((*where, key), f"unknown key '{key}' in [[{where[0]}]]; allowed: {allowed}")
        for key in sorted(required):
            if key not in table:
                self.fail(where, f"[[{where[0]}]] entry {where[1] + 1} is missing '{key}'")

    def _string(self, where: tuple, value: Any, *, empty_ok: bool = False) -> str:
        if not isinstance(value, str):
            self.fail(where, f"'{where[-1]}' must be a string, not {type(value).__name__}", value)
        if not empty_ok and not value.strip():
            self.fail(where, f"'{where[-1]}' is empty", value)
        return value

    def _reason(self, where: tuple, value: Any) -> str:
        reason = self._string(where, value)
        if reason not in REASONS:
            self.fail(where, f"unknown reason '{reason}'; use one of {', '.join(REASONS)}", value)
        return reason

    def _phrase(self, index: int, table: dict) -> Phrase:
        where = ("phrase", index)
        self._keys(where, table, {"text", "reason"}, set())
        text = " ".join(self._string((*where, "text"), table["text"]).split())
        if len(text) < MIN_PHRASE_CHARS:
            self.fail((*where, "text"), f"phrase '{text}' is shorter than {MIN_PHRASE_CHARS} "
                      "characters and would cut ordinary prose", table["text"])
        return Phrase(text, self._reason((*where, "reason"), table["reason"]))

    def _pattern(self, index: int, table: dict) -> Pattern:
        where = ("pattern", index)
        self._keys(where, table, {"regex", "reason"}, set())
        regex = self._string((*where, "regex"), table["regex"])
        try:
            compiled = re.compile(regex)
        except re.error as exc:
            self.fail((*where, "regex"), f"regex {regex!r} does not compile: {exc}", regex)
        if compiled.search(""):
            self.fail((*where, "regex"), f"regex {regex!r} matches the empty string and would cut "
                      "every block", regex)
        return Pattern(regex, self._reason((*where, "reason"), table["reason"]))

    def _site_rule(self, index: int, table: dict) -> SiteRule:
        import soupsieve

        where = ("site_rule", index)
        self._keys(where, table, {"domain", "selector", "reason"}, set())
        domain = self._string((*where, "domain"), table["domain"]).strip().lower()
        domain = domain.removeprefix("www.")
        if domain != "*" and ("/" in domain or ":" in domain or " " in domain or "." not in domain):
            self.fail((*where, "domain"), f"domain '{table['domain']}' should be a host name like "
                      "'example.org' (no scheme or path), or '*' for every site", table["domain"])
        selector = self._string((*where, "selector"), table["selector"]).strip()
        try:
            soupsieve.compile(selector)
        except Exception as exc:  # soupsieve.SelectorSyntaxError and friends
            first = str(exc).splitlines()[0]
            self.fail((*where, "selector"), f"CSS selector {selector!r} is not valid: {first}",
                      table["selector"])
        return SiteRule(domain, selector, self._reason((*where, "reason"), table["reason"]))

    def _term(self, index: int, table: dict) -> Term:
        where = ("term", index)
        self._keys(where, table, {"text", "label"}, {"code", "vocabulary", "concept", "synonyms"})
        text = " ".join(self._string((*where, "text"), table["text"]).split())
        label = self._string((*where, "label"), table["label"]).strip().upper()
        if label not in TERM_LABELS:
            self.fail((*where, "label"), f"unknown label '{table['label']}'; use one of "
                      f"{', '.join(TERM_LABELS)}", table["label"])
        optional = {k: self._string((*where, k), table[k]).strip()
                    for k in ("code", "vocabulary", "concept") if k in table}
        synonyms = table.get("synonyms", [])
        if not isinstance(synonyms, list):
            self.fail((*where, "synonyms"), "'synonyms' must be a list of strings")
        syns = tuple(" ".join(self._string((*where, "synonyms"), s).split()) for s in synonyms)
        if optional.get("code") and not optional.get("vocabulary"):
            self.fail((*where, "code"), f"term '{text}' has a code but no 'vocabulary' "
                      "(e.g. ICD-10-CM, HPO, MeSH)", table.get("code"))
        return Term(text, label, optional.get("code"), optional.get("vocabulary"),
                    optional.get("concept") or text, syns)

    def _thresholds(self, table: Any) -> tuple[tuple[str, float], ...]:
        if not isinstance(table, dict):
            self.fail(("thresholds",), "'thresholds' must be a table: [thresholds]")
        out: list[tuple[str, float]] = []
        for name, value in table.items():
            where = ("thresholds", name)
            if name not in THRESHOLDS:
                self.fail(where, f"unknown threshold '{name}'; known: {', '.join(THRESHOLDS)}")
            _, low, high, _ = THRESHOLDS[name]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.fail(where, f"threshold '{name}' must be a number, not {type(value).__name__}")
            if not low <= value <= high:
                self.fail(where, f"threshold '{name}' = {value} is outside {low}..{high}")
            out.append((name, value))  # TOML keeps 200 an int and 0.5 a float
        return tuple(sorted(out))


_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")


def _locate(lines: list[str], where: tuple, value: Any = None) -> int | None:
    """The 1-based line a validation error belongs to, found by scanning the source.

    tomllib gives no positions for valid TOML, so this follows the structure the
    validator knows: the N-th `[[table]]` header (or the `[table]`), then the
    `key =` line inside it, then (for inline tables and arrays) the line holding
    the offending value. None when nothing matched.
    """
    table, rest = where[0], where[1:]
    index = rest[0] if rest and isinstance(rest[0], int) else None
    keys = [k for k in rest if isinstance(k, str)]
    key = keys[0] if keys else None
    # The line range of the table (or of the index-th array-of-tables entry).
    start, end, seen = None, len(lines), -1
    for n, line in enumerate(lines):
        m = _HEADER.match(line)
        if not m:
            continue
        name = m.group(2).strip().strip("\"'")
        if start is not None:
            end = n
            break
        if name == table:
            seen += 1
            if index is None or seen == index:
                start = n
    if start is None:  # an inline `table = [...]` or `table = {...}` at top level
        for n, line in enumerate(lines):
            if re.match(rf"^\s*{re.escape(table)}\s*=", line):
                start, end = n, len(lines)
                if key is None:
                    return n + 1
                break
        else:
            return None
    if key is None:
        return start + 1
    needle = _value_text(value)
    key_line = None
    for n in range(start, end):
        if re.match(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", lines[n]) or \
                re.search(rf"[{{,]\s*[\"']?{re.escape(key)}[\"']?\s*=", lines[n]):
            if needle is None or needle in lines[n]:
                return n + 1
            key_line = key_line or n + 1
    if needle is not None:
        for n in range(start, end):
            if needle in lines[n]:
                return n + 1
    return key_line or start + 1


def _value_text(value: Any) -> str | None:
    if isinstance(value, str) and value:
        return value.splitlines()[0][:60] if "\\" not in value else value.split("\\")[0][:60] or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


# --------------------------------------------------------------------------- using it


@cache
def _phrase_matchers(cfg: Config) -> tuple[tuple[re.Pattern, str], ...]:
    out: list[tuple[re.Pattern, str]] = []
    for phrase in cfg.phrases:
        words = [re.escape(w) for w in phrase.text.split()]
        # Whole words, case-insensitive, any whitespace between them: a phrase from
        # the config must match the same words however the page wrapped them.
        body = r"\s+".join(words)
        out.append((re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE), phrase.reason))
    for pattern in cfg.patterns:
        out.append((re.compile(pattern.regex), pattern.reason))
    return tuple(out)


def match_boilerplate(text: str, cfg: Config | Any) -> str | None:
    """The reason the config gives for cutting a block of text, or None to keep it.

    A block is cut when it contains one of the config's phrases (whole words, any
    case) or when one of its regex patterns matches it (re.search; anchor with ^…$
    to require the whole block).
    """
    cfg = config_of(cfg)
    if not (cfg.phrases or cfg.patterns):
        return None
    for regex, reason in _phrase_matchers(cfg):
        if regex.search(text):
            return reason
    return None


def rules_for(domain: str | None, cfg: Config | Any) -> tuple[SiteRule, ...]:
    """The site rules that apply to a page of `domain` ('*' rules apply to all pages)."""
    cfg = config_of(cfg)
    host = (domain or "").lower().removeprefix("www.")
    return tuple(r for r in cfg.site_rules
                 if r.domain == "*" or (host and (host == r.domain or host.endswith("." + r.domain))))


def apply_site_rules(tree: Any, domain: str | None, cfg: Config | Any) -> list[tuple[str, str]]:
    """Remove from a parsed page every element a site rule selects; return (text, reason) pairs.

    Call it on the parsed page before extraction. Works on a BeautifulSoup object
    (selectors via soupsieve, which ships with beautifulsoup4) and on an lxml element
    (round-tripped through BeautifulSoup, since lxml needs cssselect for CSS).
    """
    rules = rules_for(domain, cfg)
    if not rules:
        return []
    if hasattr(tree, "select"):  # BeautifulSoup / bs4.Tag
        return _apply_bs4(tree, rules)
    return _apply_lxml(tree, rules)


def _apply_bs4(soup: Any, rules: Iterable[SiteRule],
               too_broad: list[SiteRule] | None = None) -> list[tuple[str, str]]:
    dropped: list[tuple[str, str]] = []
    total = len(" ".join(soup.get_text(" ").split())) or 1
    for rule in rules:
        for el in soup.select(rule.selector):
            if getattr(el, "decomposed", False):
                continue  # inside an element an earlier match already dropped
            text = " ".join(el.get_text(" ").split())
            if el.name in ("html", "body", "head") or \
                    (len(text) > MAX_SITE_RULE_SHARE * total and total > MIN_GUARDED_PAGE_CHARS):
                # A selector matching (nearly) the whole page is a mistake, not boilerplate.
                if too_broad is not None:
                    too_broad.append(rule)
                continue
            el.decompose()
            if text:
                dropped.append((text, rule.reason))
    return dropped


def _apply_lxml(root: Any, rules: Iterable[SiteRule]) -> list[tuple[str, str]]:
    """lxml has no CSS engine without cssselect; round-trip the subtree through bs4."""
    from bs4 import BeautifulSoup
    from lxml import html as lxml_html

    soup = BeautifulSoup(lxml_html.tostring(root, encoding="unicode"), "lxml")
    dropped = _apply_bs4(soup, rules)
    if dropped:
        new = lxml_html.fromstring(str(soup))
        tail = root.tail
        root.clear()
        root.tail = tail
        root.tag = new.tag
        for key, val in new.attrib.items():
            root.set(key, val)
        root.text = new.text
        for child in list(new):
            root.append(child)
    return dropped


def drop_site_blocks(html: str, domain: str | None, cfg: Config | Any) -> tuple[str, list[tuple[str, str]]]:
    """`apply_site_rules` on raw HTML: the page without the dropped blocks, and what was dropped.

    The page is parsed only when a rule applies to its domain, so a config with no
    rule for a site costs that site's pages nothing.
    """
    html, dropped, _ = _drop_site_blocks(html, domain, cfg)
    return html, dropped


def _drop_site_blocks(html: str, domain: str | None, cfg: Config | Any
                      ) -> tuple[str, list[tuple[str, str]], list[SiteRule]]:
    rules = rules_for(domain, cfg)
    if not rules:
        return html, [], []
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    too_broad: list[SiteRule] = []
    dropped = _apply_bs4(soup, rules, too_broad)
    return (str(soup) if dropped else html), dropped, too_broad


_CANONICAL = re.compile(
    r"<link\b[^>]*\brel\s*=\s*[\"']?canonical[\"']?[^>]*>|<meta\b[^>]*\bproperty\s*=\s*[\"']?og:url[\"']?[^>]*>",
    re.IGNORECASE)
_HREF = re.compile(r"\b(?:href|content)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)


def html_domain(html: str) -> str | None:
    """The site of a page read from a bare HTML file: its canonical link or og:url.

    Files saved from a crawl often carry no URL beside them; the page itself names
    its address, and site rules need it before the extractor has read the metadata.
    """
    from .document import domain_of

    for tag in _CANONICAL.finditer(html[:200_000]):
        href = _HREF.search(tag.group(0))
        if href:
            domain = domain_of(href.group(1).strip())
            if domain:
                return domain
    return None


@cache
def _term_regex(cfg: Config) -> tuple[re.Pattern, dict[str, Term]] | None:
    lookup: dict[str, Term] = {}
    for term in cfg.terms:
        for surface in (term.text, *term.synonyms):
            lookup.setdefault(surface.lower(), term)
    if not lookup:
        return None
    # Longest first so 'piriformis syndrome' wins over 'piriformis'.
    alternatives = sorted(lookup, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(w) for w in s.split()) for s in alternatives)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE), lookup


def find_terms(text: str, cfg: Config | Any) -> list:
    """Entities for the config's extra terms in `text` (whole words, any case, longest match)."""
    from .document import Entity

    compiled = _term_regex(config_of(cfg))
    if compiled is None:
        return []
    regex, lookup = compiled
    out = []
    for m in regex.finditer(text):
        term = lookup[" ".join(m.group(0).split()).lower()]
        out.append(Entity(m.start(), m.end(), m.group(0), term.label, code=term.code,
                          vocabulary=term.vocabulary, concept=term.concept))
    return out


def merge_entities(base: list, extra: list) -> list:
    """Add the config's entities to the tagger's; where they overlap, the user's term wins.

    The user listed the term on purpose (a local drug name, a clinic's procedure), so
    it overrides a built-in match over the same words; built-in entities elsewhere stay.
    """
    if not extra:
        return base
    kept = [e for e in base if not any(e.start < x.end and x.start < e.end for x in extra)]
    return sorted(kept + extra, key=lambda e: (e.start, e.end))


# --------------------------------------------------------------------------- stages
# The config reaches the pipeline through three small stages that `pipeline.build_stages`
# adds only when the config asks for them, so an empty config costs nothing and the
# extract / tag stages owned elsewhere need no knowledge of the file format.


class SiteRulesStage(Stage):
    """Before extraction: drop the blocks a site rule selects from the page's HTML."""

    name = "site_rules"

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg

    def process(self, doc):
        from .document import FORMAT_HTML

        if doc.format != FORMAT_HTML:
            return doc
        domain = doc.domain or html_domain(doc.raw)
        raw, dropped, too_broad = _drop_site_blocks(doc.raw, domain, self.cfg)
        if too_broad:
            doc.add_flag(FLAG_SITE_RULE_TOO_BROAD)
        if dropped:
            doc.raw = raw
            for text, reason in dropped:
                self.remove(doc, text, reason)
        return doc


class ConfigFilterStage(Stage):
    """After extraction: cut blocks the config's phrases and patterns name; apply its thresholds."""

    name = "config"

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg

    def process(self, doc):
        from .document import KIND_PARAGRAPH, KIND_TITLE, STATUS_NO_CONTENT

        min_words = self.cfg.threshold("min_block_words")
        kept = []
        for block in doc.blocks:
            reason = None if block.kind == KIND_TITLE else match_boilerplate(block.text, self.cfg)
            if reason is None and min_words and block.kind == KIND_PARAGRAPH \
                    and len(block.text.split()) < min_words:
                reason = "low_quality"
            if reason is None:
                kept.append(block)
            else:
                self.remove(doc, block.text, reason)
        if len(kept) != len(doc.blocks):
            doc.blocks = kept
            doc.assemble_text()
        min_chars = self.cfg.threshold("min_text_chars")
        if not doc.text.strip():
            doc.status, doc.error = STATUS_NO_CONTENT, Errors.E204
        elif min_chars and len(doc.text) < min_chars:
            doc.status = STATUS_NO_CONTENT
            doc.error = Errors.E205.format(chars=len(doc.text), limit=int(min_chars))
        return doc


class ConfigTermsStage(Stage):
    """After tagging: add the config's extra terms as entities (they win where they overlap).

    Negation comes from the built-in tagger's negation component, so 'no piriformis
    syndrome' reads the same whether the term came from a package or from the config.
    """

    name = "terms"

    def __init__(self, cfg: Config, negation: bool = True) -> None:
        self.cfg = cfg
        self.negation = negation

    def process(self, doc):
        from .segment import section_of

        extra = find_terms(doc.text, self.cfg)
        if extra and self.negation and doc.language in (None, "en"):
            for ent, negated in zip(extra, _negation(doc.text, extra)):
                ent.negated = negated and ent.label != "ANATOMY"  # body parts are never negated
        for ent in extra:
            ent.section_id = section_of(doc.sections, ent.start)
            doc.stats[f"terms.entities.{ent.label}"] += 1
        doc.entities = merge_entities(doc.entities, extra)
        return doc


def _negation(text: str, entities: list) -> list[bool]:
    """The built-in tagger's negation for given spans; all False if the tagger offers none."""
    try:
        from .tag import get_tagger
        from .tag.tagger import negation_for_spans
    except ImportError:
        return [False] * len(entities)
    return negation_for_spans(get_tagger(), text, [(e.start, e.end) for e in entities])


def config_stages(cfg: Config) -> dict[str, list]:
    """The config's stages by where they go: before extract, after extract, after tag."""
    before = [SiteRulesStage(cfg)] if cfg.site_rules else []
    filtering = bool(cfg.phrases or cfg.patterns or cfg.threshold("min_block_words")
                     or cfg.threshold("min_text_chars"))
    after_extract = [ConfigFilterStage(cfg)] if filtering else []
    after_tag = [ConfigTermsStage(cfg)] if cfg.terms else []
    return {"before_extract": before, "after_extract": after_extract, "after_tag": after_tag}
