"""`cleanhealth explain`: a page as the pipeline saw it, in reading order, in the terminal and as HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path


from cleanhealth.cli import main
from cleanhealth.document import KIND_PARAGRAPH, KIND_TITLE, Block, Document, Removed
from cleanhealth.explain import explain_file, order_items, render_html

DATA = Path(__file__).resolve().parent / "data" / "explain"
PAGE = DATA / "heel-pain-clinic.html"
SPOTLIGHT = "Our podiatrists see walk-in patients every Saturday morning"
FIRST = "Plantar fasciitis is one of the most common causes of heel pain in adults."
SECOND = "When the fascia is overloaded it develops small tears"
SITE_RULE = """\
# Harborview puts a practice promo box inside its articles.
[[site_rule]]
domain = "harborviewfootankle.com"
selector = "div.practice-spotlight"
reason = "cta"
"""


def explain_cli(args: list[str], capsys) -> str:
    assert main(["explain", *args, "--no-entities"]) == 0
    return capsys.readouterr().out


def test_a_site_rule_in_the_config_shows_in_explain_without_code(tmp_path, monkeypatch, capsys):
    """The user story: add a rule to cleanhealth.toml, see the block listed as removed."""
    monkeypatch.chdir(tmp_path)
    before = explain_cli([str(PAGE)], capsys)
    assert SPOTLIGHT in before and "[cta/site_rules]" not in before
    (tmp_path / "cleanhealth.toml").write_text(SITE_RULE)
    after = explain_cli([str(PAGE)], capsys)
    lines = after.splitlines()
    cut = [i for i, line in enumerate(lines) if "✂ [cta/site_rules] " + SPOTLIGHT[:40] in line]
    assert len(cut) == 1
    # In reading order: after the article's second paragraph, before the next heading.
    second = next(i for i, line in enumerate(lines) if line.startswith(SECOND))
    heading = next(i for i, line in enumerate(lines) if "## Who gets plantar fasciitis?" in line)
    assert second < cut[0] < heading
    assert "config    cleanhealth.toml: 1 site rule" in after
    assert re.search(r"│ cta\s+│\s+1 │\s+174 │", after)  # the removed-by-reason table
    # --config points at a file anywhere; the same rule gives the same result.
    elsewhere = tmp_path / "rules" / "harborview.toml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(SITE_RULE)
    (tmp_path / "cleanhealth.toml").unlink()
    assert "✂ [cta/site_rules] " + SPOTLIGHT[:40] in explain_cli([str(PAGE), "--config", str(elsewhere)], capsys)


def test_explain_shows_metadata_sections_and_kept_blocks(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = explain_cli([str(PAGE)], capsys)
    assert "domain    harborviewfootankle.com" in out
    assert "status    ok" in out
    assert "§0 # Plantar Fasciitis: Why Your Heel Hurts in the Morning" in out
    assert "§1 ## Who gets plantar fasciitis?" in out and "§2 ## How is it treated?" in out
    assert "• Tight calf muscles or a stiff Achilles tendon" in out
    assert out.index("§1 ##") < out.index("• Tight calf") < out.index("§2 ##")
    assert FIRST in out


def test_removed_spans_are_placed_in_reading_order():
    raw = ("Skip to content\nHome | Conditions | Contact\nSciatica explained\n"
           "Sciatica is pain along the sciatic nerve that runs down the leg.\n"
           "Advertisement\nMost cases improve within six weeks with gentle activity.\n"
           "Advertisement\n© 2025 Example Health. All rights reserved.\n")
    doc = Document(doc_id="x", source="x.txt", raw=raw, blocks=[
        Block("Sciatica explained", KIND_TITLE, 1),
        Block("Sciatica is pain along the sciatic nerve that runs down the leg.", KIND_PARAGRAPH),
        Block("Most cases improve within six weeks with gentle activity.", KIND_PARAGRAPH)],
        removed=[Removed("© 2025 Example Health. All rights reserved.", "footer", "extract"),
                 Removed("Advertisement", "ad", "extract"),
                 Removed("Advertisement", "ad", "extract"),  # cut twice: two places, in order
                 Removed("Skip to content Home | Conditions | Contact", "nav", "extract"),
                 Removed("text the extractor rewrote beyond recognition", "other", "extract")])
    doc.assemble_text()
    items, unplaced = order_items(doc, raw)
    order = [it.removed.reason if it.removed else it.block.text[:8] for it in items]
    assert order == ["nav", "Sciatica", "Sciatica", "ad", "Most cas", "ad", "footer"]
    assert [r.reason for r in unplaced] == ["other"]


def test_html_view_is_self_contained_and_escapes_page_strings(tmp_path, monkeypatch, capsys):
    page = tmp_path / "evil.html"
    page.write_text(
        "<html><head><title>Knee pain <script>alert('title')</script> &amp; you</title></head><body>"
        "<article><h1>Knee pain &lt;img src=x onerror=alert(1)&gt; and you</h1>"
        + "".join(f"<p>Paragraph {i}: knee pain after running often comes from overuse of the joint, "
                  "and rest with gradual return to activity usually helps within weeks.</p>" for i in range(4))
        + "<div class='promo'><p>Book your &lt;b&gt;knee&lt;/b&gt; scan today at our partner clinic "
          "and save on imaging costs this month.</p></div></article></body></html>")
    cfg = tmp_path / "c.toml"
    cfg.write_text('[[site_rule]]\ndomain = "*"\nselector = ".promo"\nreason = "ad"\n')
    target = tmp_path / "explain.html"
    monkeypatch.chdir(tmp_path)
    assert main(["explain", str(page), "--config", str(cfg), "--html", str(target), "--no-entities"]) == 0
    assert f"wrote {target}" in " ".join(capsys.readouterr().out.split())
    html = target.read_text()
    assert "<script" not in html.lower() and "onerror=alert(1)>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<del>Book your &lt;b&gt;knee&lt;/b&gt; scan today" in html
    assert '<span class="reason" title="stage site_rules">ad/site_rules</span>' in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing fetched from elsewhere


def test_entities_are_shown_with_labels_and_codes(tmp_path):
    """Extra terms from a config reach the page's entities (the built-in tagger is tested elsewhere)."""
    from cleanhealth.config import ConfigTermsStage, parse_config

    cfg = parse_config('[[term]]\ntext = "night splint"\nlabel = "PROCEDURE"\ncode = "D0FA"\n'
                       'vocabulary = "local"\nconcept = "Night splint for plantar fasciitis"\n')
    # Without the built-in tagger (slow to build, tested in test_tag); the terms stage as run uses it.
    exp = explain_file(PAGE, cfg, tag_entities=False)
    exp.doc = ConfigTermsStage(cfg, negation=False)(exp.doc)
    ours = [e for e in exp.doc.entities if e.text == "night splint"]
    assert [(e.label, e.code, e.vocabulary) for e in ours] == [("PROCEDURE", "D0FA", "local")]
    html = render_html(exp)
    assert ('title="PROCEDURE local:D0FA · Night splint for plantar fasciitis">night splint'
            '<span class="entlabel" style="color:#117a8b">PROCEDURE</span></mark>') in html


def test_missing_page_and_bad_record_are_clear_errors(tmp_path, capsys):
    assert main(["explain", str(tmp_path / "nope.html")]) == 2
    assert "[E309] page" in capsys.readouterr().err
    pages = tmp_path / "crawl.jsonl"
    pages.write_text("\n".join(json.dumps({"url": f"https://a.example/{i}", "text": "Asthma is a "
                                           "long-term condition of the airways in the lungs. " * 3})
                               for i in range(2)) + "\n")
    assert main(["explain", str(pages), "--record", "1", "--no-entities"]) == 0
    assert "record 1 of 2" in capsys.readouterr().out
    assert main(["explain", str(pages), "--record", "2"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "[E310]" in err and "holds 2 page(s); --record 2 is out of range (use 0 to 1)" in err


def test_in_a_terminal_removed_spans_are_struck_through_and_entities_coloured():
    import io

    from rich.console import Console

    from cleanhealth.config import ConfigTermsStage, parse_config
    from cleanhealth.explain import render_console

    cfg = parse_config(SITE_RULE + '[[term]]\ntext = "night splint"\nlabel = "PROCEDURE"\n')
    exp = explain_file(PAGE, cfg, tag_entities=False)
    exp.doc = ConfigTermsStage(cfg, negation=False)(exp.doc)
    buf = io.StringIO()
    render_console(exp, Console(file=buf, force_terminal=True, color_system="standard", width=200))
    out = buf.getvalue()
    assert re.search(r"\x1b\[[0-9;]*\b9\b[0-9;]*m" + re.escape(SPOTLIGHT), out)  # SGR 9: strike
    assert re.search(r"\x1b\[[0-9;]*\b4\b[0-9;]*mnight splint", out)  # SGR 4: underline (entity)
