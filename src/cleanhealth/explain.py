"""`cleanhealth explain PAGE`: one page as the pipeline saw it.

People trust a cleaner when they can see what it removed. This runs the same
`process_page` a run uses on a single file and lays the result out in reading
order: kept blocks (headings with their section numbers, paragraphs, list items,
table rows, entities highlighted), and between them the spans that were cut, struck
through, with their reason and stage. Rich in a terminal; `--html FILE` writes the
same as one self-contained page.

Removed spans carry no offsets into the raw page, so their place is recovered by
finding their text in a flattened copy of the page (see `order_items`); spans that
cannot be found (rewritten by the extractor) are listed after the page.
"""

from __future__ import annotations

import html as htmlmod
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .config import EMPTY, Config
from .document import (
    FORMAT_HTML,
    HEADING_KINDS,
    KIND_LIST_ITEM,
    KIND_TABLE_ROW,
    KIND_TITLE,
    Block,
    Document,
    Entity,
    Page,
    Removed,
)
from .errors import CleanhealthError, Errors

# Characters of an item's (normalised) text used to find it in the flattened page:
# long enough to be unique on a page, short enough to survive the extractor
# rewriting the end of a block (joined lines, dropped trailing links).
FIND_KEY_CHARS = 60
# Fallback key when the long one is not found (the block's start was rewritten).
FIND_SHORT_KEY_CHARS = 24
# In the terminal a removed span longer than this is shortened (the HTML view shows all).
TERMINAL_SPAN_CHARS = 300

# Rich styles per entity label (and the matching CSS colours in the HTML view).
LABEL_STYLES = {
    "CONDITION": ("bold red", "#c0392b"),
    "SYMPTOM": ("bold magenta", "#8e44ad"),
    "ANATOMY": ("bold blue", "#2471a3"),
    "DRUG": ("bold green", "#1e8449"),
    "PROCEDURE": ("bold cyan", "#117a8b"),
    "TEST": ("bold yellow", "#9a7d0a"),
}
DEFAULT_LABEL_STYLE = ("bold", "#555555")
# Consecutive items of these kinds print without a blank line between them.
_TIGHT = frozenset({KIND_LIST_ITEM, KIND_TABLE_ROW, "removed"})


@dataclass
class Item:
    """One line of the explanation: a kept block or a removed span, at a place in the page."""

    pos: int  # where it starts in the flattened page (for ordering)
    block: Block | None = None
    removed: Removed | None = None


@dataclass
class Explanation:
    page: Page
    doc: Document
    items: list[Item]  # reading order
    unplaced: list[Removed]  # removed spans whose place in the page was not found
    record: int
    records: int
    config: Config = EMPTY


def explain_file(path: str | Path, config: Config = EMPTY, record: int = 0,
                 tag_entities: bool = True) -> Explanation:
    """Read one page file and run the pipeline on it exactly as `cleanhealth run` would."""
    from .pipeline import Options, RunContext, process_page
    from .read import read_file

    path = Path(path)
    if not path.is_file():
        raise CleanhealthError(Errors.E309.format(path=path))
    pages = read_file(path, path.parent)
    if not 0 <= record < len(pages):
        raise CleanhealthError(Errors.E310.format(path=path, count=len(pages), record=record,
                                                  last=len(pages) - 1))
    page = pages[record]
    original = page.content
    context = RunContext(options=Options(tag_entities=tag_entities, config=config))
    doc = process_page(page, context)
    items, unplaced = order_items(doc, original)
    return Explanation(page, doc, items, unplaced, record, len(pages), config)


# --------------------------------------------------------------------------- ordering


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def flatten(raw: str, fmt: str) -> str:
    """The page's visible text, normalised, for locating spans in reading order."""
    if fmt == FORMAT_HTML and raw.strip():
        try:
            from lxml import html as lxml_html

            root = lxml_html.fromstring(raw)
            for el in root.iter("script", "style", "noscript", "template"):
                el.text = ""
            return _norm(" ".join(root.itertext()))
        except Exception:  # unparsable markup: strip tags crudely
            return _norm(re.sub(r"<[^>]+>", " ", htmlmod.unescape(raw)))
    return _norm(raw)


def _find(flat: str, text: str, start: int = 0) -> int:
    """Where `text` starts in the flattened page at or after `start`, or -1."""
    key = _norm(text)
    if len(key) < 3:
        return -1
    for probe in (key[:FIND_KEY_CHARS], key[:FIND_SHORT_KEY_CHARS]):
        pos = flat.find(probe, start)
        if pos >= 0:
            return pos
    tail = key[-FIND_SHORT_KEY_CHARS:]  # the block's start was rewritten: place it by its end
    pos = flat.find(tail, start)
    return max(start, pos - len(key) + len(tail)) if pos >= 0 else -1


def order_items(doc: Document, raw: str) -> tuple[list[Item], list[Removed]]:
    """Interleave kept blocks and removed spans in the order they appear on the page.

    Blocks are already in reading order; each is located searching forward from the
    previous one, so their order never changes. A removed span is placed at the first
    place its text occurs; ties go to the removed span first (it preceded the block).
    """
    flat = flatten(raw, doc.format)
    items: list[tuple[int, int, int, Item]] = []
    last = 0
    for seq, block in enumerate(doc.blocks):
        pos = _find(flat, block.text, last)
        if pos < 0:
            pos = last
        last = pos
        items.append((pos, 1, seq, Item(pos, block=block)))
    unplaced: list[Removed] = []
    next_from: dict[str, int] = {}  # a span cut several times ('Get Started') takes successive places
    for seq, span in enumerate(doc.removed):
        key = _norm(span.text)
        pos = _find(flat, span.text, next_from.get(key, 0))
        if pos < 0 and key in next_from:
            pos = _find(flat, span.text)
        if pos < 0:
            unplaced.append(span)
            continue
        next_from[key] = pos + 1
        items.append((pos, 0, seq, Item(pos, removed=span)))
    items.sort(key=lambda t: t[:3])
    return [t[3] for t in items], unplaced


# --------------------------------------------------------------------------- helpers


def _entities_in(doc: Document, block: Block) -> list[Entity]:
    if block.start < 0:
        return []
    return [e for e in doc.entities if e.start >= block.start and e.end <= block.end]


def _section_at(doc: Document, block: Block) -> int | None:
    for section in doc.sections:
        if section.start == block.start:
            return section.section_id
    return None


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def _entity_note(ent: Entity) -> str:
    code = f" {ent.vocabulary or ''}:{ent.code}" if ent.code else ""
    neg = " negated" if ent.negated else ""
    return f"{ent.label}{code}{neg}"


def removed_summary(doc: Document) -> list[tuple[str, int, int]]:
    """(reason, spans, characters) for the page, most characters first."""
    spans: Counter[str] = Counter()
    chars: Counter[str] = Counter()
    for span in doc.removed:
        spans[span.reason] += 1
        chars[span.reason] += len(span.text)
    return sorted(((r, spans[r], chars[r]) for r in spans), key=lambda t: (-t[2], t[0]))


# --------------------------------------------------------------------------- terminal


def _block_text(doc: Document, block: Block) -> Text:
    text = Text(block.text)
    for ent in _entities_in(doc, block):
        style = LABEL_STYLES.get(ent.label, DEFAULT_LABEL_STYLE)[0]
        if ent.negated:
            style += " italic"
        text.stylize(style + " underline", ent.start - block.start, ent.end - block.start)
    return text


def render_console(exp: Explanation, console: Console) -> None:
    """Print the explanation with rich (styles vanish when piped; the markers stay)."""
    doc = exp.doc
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    rows = [
        ("source", doc.source + (f"  (record {exp.record} of {exp.records})" if exp.records > 1 else "")),
        ("format", f"{doc.format} ({doc.container}, {doc.encoding or 'n/a'})"),
        ("url", doc.url or "-"), ("domain", doc.domain or "-"), ("title", doc.title or "-"),
        ("language", doc.language or "-"), ("status", doc.status + (f": {doc.error}" if doc.error else "")),
        ("flags", ", ".join(doc.flags) or "-"),
        ("kept", f"{len(doc.text):,} chars in {len(doc.blocks)} blocks, {len(doc.sections)} sections, "
                 f"{len(doc.entities)} entities"),
        ("removed", f"{sum(len(r.text) for r in doc.removed):,} chars in {_n(len(doc.removed), 'span')}"),
        ("config", exp.config.describe() if exp.config else "-"),
    ]
    for key, value in rows:
        head.add_row(key, Text(value))
    console.print(Panel(head, title="cleanhealth explain", expand=False))
    legend = Text("legend: ")
    legend.append("kept text", style="default")
    legend.append("   ")
    legend.append("✂ [reason/stage] removed text", style="dim strike")
    legend.append("   §N section   ")
    for label, (style, _) in LABEL_STYLES.items():
        legend.append(label, style=style + " underline")
        legend.append(" ")
    console.print(legend)
    console.print()
    previous = None  # blank lines between blocks, as in the clean text (lists stay tight)
    for item in exp.items:
        kind = item.block.kind if item.block is not None else "removed"
        if previous is not None and not (kind in _TIGHT and previous in _TIGHT) \
                and kind not in HEADING_KINDS:
            console.print()
        previous = kind
        if item.block is not None:
            console.print(_console_block(doc, item.block))
        else:
            console.print(_console_removed(item.removed))
    if not exp.items and not exp.unplaced:
        console.print(Text(f"nothing to show: the page is {doc.status}"
                           + (f" ({doc.error})" if doc.error else ""), style="bold"))
    if exp.unplaced:
        console.print()
        console.print(Text("removed, place on the page not found:", style="bold"))
        for span in exp.unplaced:
            console.print(_console_removed(span))
    console.print()
    if doc.entities:
        console.print(entity_table(doc))
    if doc.removed:
        table = Table(title="removed by reason", show_header=True)
        table.add_column("reason")
        table.add_column("spans", justify="right")
        table.add_column("chars", justify="right")
        for reason, spans, chars in removed_summary(doc):
            table.add_row(reason, str(spans), f"{chars:,}")
        console.print(table)


def _console_block(doc: Document, block: Block) -> Text:
    if block.kind in HEADING_KINDS:
        section = _section_at(doc, block)
        line = Text(f"§{section} " if section is not None else "", style="bold dim")
        line.append("#" * max(1, block.level or 1) + " ", style="bold")
        body = _block_text(doc, block)
        body.stylize("bold")
        line.append_text(body)
        return Text("\n").append_text(line) if block.kind != KIND_TITLE else line
    prefix = "• " if block.kind == KIND_LIST_ITEM else ("| " if block.kind == KIND_TABLE_ROW else "")
    line = Text(prefix)
    line.append_text(_block_text(doc, block))
    return line


def _console_removed(span: Removed) -> Text:
    shown = " ".join(span.text.split())
    if len(shown) > TERMINAL_SPAN_CHARS:
        shown = shown[:TERMINAL_SPAN_CHARS] + f"… (+{len(shown) - TERMINAL_SPAN_CHARS} chars)"
    line = Text("  ✂ ", style="red")
    line.append(f"[{span.reason}/{span.stage}] ", style="red")
    line.append(shown, style="dim strike")
    return line


def entity_table(doc: Document) -> Table:
    table = Table(title="entities", show_header=True)
    for col in ("§", "text", "label", "code", "vocabulary", "concept", "negated"):
        table.add_column(col)
    for ent in doc.entities:
        style = LABEL_STYLES.get(ent.label, DEFAULT_LABEL_STYLE)[0]
        table.add_row(str(ent.section_id), Text(ent.text), Text(ent.label, style=style),
                      Text(ent.code or "-"), Text(ent.vocabulary or "-"), Text(ent.concept or "-"),
                      "yes" if ent.negated else "")
    return table


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font:16px/1.55 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0;font-size:14px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}.meta th{width:8rem}
.removed{color:#999;background:#fafafa;border-left:3px solid #e0a0a0;padding:2px 8px;margin:4px 0;font-size:14px}
.removed del{text-decoration:line-through}
.reason{display:inline-block;font:12px monospace;color:#a33;background:#fbeaea;border-radius:3px;padding:0 4px;margin-right:6px;text-decoration:none}
.sec{font:12px monospace;color:#888;margin-right:6px}
mark.ent{background:none;border-bottom:2px solid;padding:0 1px}
mark.neg{border-bottom-style:dashed;font-style:italic}
.entlabel{font:10px monospace;vertical-align:super;margin-left:1px}
.kept-li{margin:2px 0 2px 1.2rem;list-style:disc;display:list-item}.kept-tr{font-family:monospace;font-size:14px}
.legend span{margin-right:1rem}
"""


def _esc(value: object) -> str:
    return htmlmod.escape("" if value is None else str(value), quote=True)


def _html_block_text(doc: Document, block: Block) -> str:
    out: list[str] = []
    pos = 0
    for ent in _entities_in(doc, block):
        s, e = ent.start - block.start, ent.end - block.start
        if s < pos:
            continue  # overlapping entities: keep the first
        colour = LABEL_STYLES.get(ent.label, DEFAULT_LABEL_STYLE)[1]
        out.append(_esc(block.text[pos:s]))
        cls = "ent neg" if ent.negated else "ent"
        out.append(f'<mark class="{cls}" style="border-color:{colour}" title="{_esc(_entity_note(ent))}'
                   f'{_esc(" · " + ent.concept) if ent.concept else ""}">{_esc(block.text[s:e])}'
                   f'<span class="entlabel" style="color:{colour}">{_esc(ent.label)}</span></mark>')
        pos = e
    out.append(_esc(block.text[pos:]))
    return "".join(out)


def _html_removed(span: Removed) -> str:
    score = f" score {span.score:.2f}" if span.score is not None else ""
    return (f'<div class="removed"><span class="reason" title="stage {_esc(span.stage)}{_esc(score)}">'
            f'{_esc(span.reason)}/{_esc(span.stage)}</span><del>{_esc(span.text)}</del></div>')


def render_html(exp: Explanation) -> str:
    """The explanation as one self-contained HTML page (no scripts, no external files)."""
    doc = exp.doc
    parts: list[str] = [
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        f"<title>cleanhealth explain: {_esc(doc.title or doc.source)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>cleanhealth explain: {_esc(doc.source)}</h1>",
        "<table class=\"meta\">",
    ]
    meta = [
        ("record", f"{exp.record} of {exp.records}"), ("format", f"{doc.format} ({doc.container})"),
        ("encoding", doc.encoding), ("url", doc.url), ("domain", doc.domain), ("title", doc.title),
        ("language", doc.language), ("status", doc.status), ("error", doc.error),
        ("flags", ", ".join(doc.flags)),
        ("kept", f"{len(doc.text):,} chars, {len(doc.blocks)} blocks, {len(doc.sections)} sections, "
                 f"{len(doc.entities)} entities"),
        ("removed", f"{sum(len(r.text) for r in doc.removed):,} chars in {_n(len(doc.removed), 'span')}"),
        ("config", exp.config.describe() if exp.config else None),
    ]
    for key, value in meta:
        if value:
            parts.append(f"<tr><th>{_esc(key)}</th><td>{_esc(value)}</td></tr>")
    parts.append("</table>")
    legend = ['<p class="legend"><span>kept text</span>',
              '<span class="removed" style="display:inline"><span class="reason">reason/stage</span>'
              '<del>removed text</del></span>']
    for label, (_, colour) in LABEL_STYLES.items():
        legend.append(f'<span><mark class="ent" style="border-color:{colour}">{label}</mark></span>')
    parts.append("".join(legend) + "</p><hr><main>")
    for item in exp.items:
        if item.removed is not None:
            parts.append(_html_removed(item.removed))
            continue
        block = item.block
        body = _html_block_text(doc, block)
        if block.kind in HEADING_KINDS:
            level = min(6, max(1, block.level or 1)) + (1 if block.kind != KIND_TITLE else 0)
            level = min(level, 6)
            section = _section_at(doc, block)
            sec = f'<span class="sec">§{section}</span>' if section is not None else ""
            parts.append(f"<h{level}>{sec}{body}</h{level}>")
        elif block.kind == KIND_LIST_ITEM:
            parts.append(f'<div class="kept-li">{body}</div>')
        elif block.kind == KIND_TABLE_ROW:
            parts.append(f'<div class="kept-tr">{body}</div>')
        else:
            parts.append(f"<p>{body}</p>")
    parts.append("</main>")
    if exp.unplaced:
        parts.append("<h2>Removed, place on the page not found</h2>")
        parts.extend(_html_removed(span) for span in exp.unplaced)
    if doc.entities:
        parts.append("<h2>Entities</h2><table><tr><th>§</th><th>text</th><th>label</th><th>code</th>"
                     "<th>vocabulary</th><th>concept</th><th>negated</th></tr>")
        for ent in doc.entities:
            parts.append("<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in (
                ent.section_id, ent.text, ent.label, ent.code or "", ent.vocabulary or "",
                ent.concept or "", "yes" if ent.negated else "")) + "</tr>")
        parts.append("</table>")
    if doc.removed:
        parts.append("<h2>Removed by reason</h2><table><tr><th>reason</th><th>spans</th><th>chars</th></tr>")
        for reason, spans, chars in removed_summary(doc):
            parts.append(f"<tr><td>{_esc(reason)}</td><td>{spans}</td><td>{chars:,}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_html(exp: Explanation, path: str | Path) -> Path:
    path = Path(path)
    try:
        path.write_text(render_html(exp), encoding="utf-8")
    except OSError as exc:
        raise CleanhealthError(Errors.E311.format(path=path, detail=exc.strerror or exc)) from exc
    return path
