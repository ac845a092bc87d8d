"""The config file: validation with line numbers, and each kind of entry reaching the pipeline."""

from __future__ import annotations

import json
import pickle
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from lxml import html as lxml_html

from cleanhealth.cli import main
from cleanhealth.config import (
    EMPTY,
    Config,
    apply_site_rules,
    drop_site_blocks,
    find_terms,
    html_domain,
    load_config,
    match_boilerplate,
    merge_entities,
    parse_config,
    rules_for,
    threshold,
    ConfigTermsStage,
)
from cleanhealth.document import Entity
from cleanhealth.errors import CleanhealthError
from cleanhealth.pipeline import Options, RunContext, process_page
from cleanhealth.read import read_file

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / "tests" / "data" / "explain" / "heel-pain-clinic.html"
SPOTLIGHT = "Our podiatrists see walk-in patients every Saturday morning"
NO_TAGS = dict(tag_entities=False)


def cfg(text: str) -> Config:
    return parse_config(textwrap.dedent(text), "cleanhealth.toml")


def error_of(text: str) -> str:
    with pytest.raises(CleanhealthError) as info:
        cfg(text)
    return str(info.value)


def process(path: Path, config: Config = EMPTY, **options):
    page = read_file(path, path.parent)[0]
    return process_page(page, RunContext(options=Options(config=config, **options)))


# --------------------------------------------------------------------------- validation


def test_example_config_is_valid_hashable_and_picklable():
    config = load_config(REPO / "cleanhealth.example.toml")
    assert [p.reason for p in config.phrases] == ["cta", "editorial_policy"]
    assert [r.domain for r in config.site_rules] == ["example-clinic.org", "example-forum.com"]
    assert config.terms[0].code == "G57.00" and config.terms[1].synonyms == ("intramuscular stimulation",)
    assert config.threshold("min_text_chars") == 200
    assert config.describe().endswith("cleanhealth.example.toml: 2 phrases, 2 patterns, 2 site rules, "
                                      "2 terms, 1 threshold")
    options = Options(config=config)
    assert pickle.loads(pickle.dumps(options)) == options
    assert hash(RunContext(options=options)) == hash(RunContext(options=Options(config=config)))
    json.dumps(options.as_dict())  # run.json records the config


@pytest.mark.parametrize("text, expected", [
    ("[[phrase]]\ntext = \"Subscribe to our newsletter\"\nreason = \"newslettr\"\n",
     "line 3: unknown reason 'newslettr'"),
    ("[[phrase]]\ntext = \"ok phrase here\"\nreason = \"cta\"\n\n[[phrase]]\ntext = \"x\"\nreason = \"cta\"\n",
     "line 6: phrase 'x' is shorter than 4 characters"),
    ("[[pattern]]\nregex = '^(Call'\nreason = \"cta\"\n", "line 2: regex '^(Call' does not compile"),
    ("[[pattern]]\nregex = 'x*'\nreason = \"cta\"\n", "line 2: regex 'x*' matches the empty string"),
    ("[[site_rule]]\ndomain = \"example.org\"\nselector = \"div..promo\"\nreason = \"ad\"\n",
     "line 3: CSS selector 'div..promo' is not valid"),
    ("[[site_rule]]\ndomain = \"https://example.org/x\"\nselector = \"div.promo\"\nreason = \"ad\"\n",
     "line 2: domain 'https://example.org/x' should be a host name"),
    ("[[site_rule]]\ndomain = \"example.org\"\nselectr = \"div.promo\"\nreason = \"ad\"\n",
     "line 3: unknown key 'selectr' in [[site_rule]]"),
    ("[[site_rule]]\ndomain = \"example.org\"\nreason = \"ad\"\n",
     "line 1: [[site_rule]] entry 1 is missing 'selector'"),
    ("[site_rule]\ndomain = \"example.org\"\n", "line 1: 'site_rule' must be a list of tables"),
    ("[[term]]\ntext = \"dry needling\"\nlabel = \"TREATMENT\"\n", "line 3: unknown label 'TREATMENT'"),
    ("[[term]]\ntext = \"dry needling\"\nlabel = \"PROCEDURE\"\ncode = \"8E0\"\n",
     "line 4: term 'dry needling' has a code but no 'vocabulary'"),
    ("# thresholds\n[thresholds]\nmin_text_chars = 10\nmin_txt_chars = 3\n",
     "line 4: unknown threshold 'min_txt_chars'"),
    ("[thresholds]\nmin_text_chars = -5\n", "line 2: threshold 'min_text_chars' = -5 is outside"),
    ("[thresholds]\nmin_text_chars = \"200\"\n", "line 2: threshold 'min_text_chars' must be a number"),
    ("[boilerplate]\nx = 1\n", "line 1: unknown section 'boilerplate'"),
    ("[[phrase]]\ntext = \"unterminated\nreason = \"cta\"\n", "line 2: not valid TOML"),
])
def test_mistakes_are_reported_with_their_line(text, expected):
    message = error_of(text)
    assert message.startswith("[E308] config file 'cleanhealth.toml': ")
    assert expected in message


def test_inline_tables_are_located_too():
    message = error_of('phrase = [\n  { text = "Sign up today", reason = "cta" },\n'
                       '  { text = "Read our policy", reason = "polcy" },\n]\n')
    assert "line 3: unknown reason 'polcy'" in message


def test_config_is_found_in_the_current_folder_and_missing_file_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_config() is EMPTY
    (tmp_path / "cleanhealth.toml").write_text('[[phrase]]\ntext = "Shop our store"\nreason = "ad"\n')
    assert load_config().phrases[0].text == "Shop our store"
    with pytest.raises(CleanhealthError, match=r"\[E308\] config file 'nope.toml': no such file"):
        load_config("nope.toml")


def test_cli_reports_a_bad_config_on_one_line_and_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[site_rule]]\ndomain = "example.org"\nselector = "div["\nreason = "ad"\n')
    assert main(["explain", str(PAGE), "--config", str(bad)]) == 2
    err = " ".join(capsys.readouterr().err.split())  # rich wraps at the terminal width
    assert "E308" in err and "line 3: CSS selector 'div[' is not valid" in err


# --------------------------------------------------------------------------- matching


def test_phrases_match_whole_words_in_any_case_and_spacing():
    config = cfg('[[phrase]]\ntext = "Download our app"\nreason = "cta"\n')
    assert match_boilerplate("Feeling unwell? DOWNLOAD  our\napp for reminders.", config) == "cta"
    assert match_boilerplate("Download our application form from the clinic.", config) is None
    assert match_boilerplate("anything", EMPTY) is None


def test_patterns_use_re_search():
    config = cfg("[[pattern]]\nregex = '^Sponsored by [A-Z]'\nreason = \"ad\"\n")
    assert match_boilerplate("Sponsored by Acme Pharmaceuticals", config) == "ad"
    assert match_boilerplate("This trial was sponsored by the NIH.", config) is None


def test_site_rules_match_the_site_and_its_subdomains_only():
    config = cfg('[[site_rule]]\ndomain = "www.example.org"\nselector = ".promo"\nreason = "ad"\n'
                 '[[site_rule]]\ndomain = "*"\nselector = ".cookie-banner"\nreason = "privacy"\n')
    assert [r.reason for r in rules_for("example.org", config)] == ["ad", "privacy"]
    assert [r.reason for r in rules_for("health.example.org", config)] == ["ad", "privacy"]
    assert [r.reason for r in rules_for("notexample.org", config)] == ["privacy"]
    assert [r.reason for r in rules_for(None, config)] == ["privacy"]


def test_apply_site_rules_on_beautifulsoup_and_lxml_and_raw_html():
    config = cfg('[[site_rule]]\ndomain = "example.org"\nselector = "div.promo"\nreason = "ad"\n')
    page = ('<html><body><article><p>Keep this paragraph about asthma inhalers.</p>'
            '<div class="promo"><p>Save 20% on inhalers at our pharmacy.</p></div></article></body></html>')
    soup = BeautifulSoup(page, "lxml")
    assert apply_site_rules(soup, "example.org", config) == [("Save 20% on inhalers at our pharmacy.", "ad")]
    assert "Save 20%" not in str(soup) and "Keep this paragraph" in str(soup)
    root = lxml_html.fromstring(page)
    assert apply_site_rules(root, "example.org", config) == [("Save 20% on inhalers at our pharmacy.", "ad")]
    assert "Save 20%" not in lxml_html.tostring(root, encoding="unicode")
    assert apply_site_rules(BeautifulSoup(page, "lxml"), "other.org", config) == []
    html, dropped = drop_site_blocks(page, "other.org", config)
    assert html is page and dropped == []


def test_site_of_a_bare_html_file_comes_from_its_canonical_link():
    assert html_domain(PAGE.read_text()) == "harborviewfootankle.com"
    assert html_domain("<html><head><meta property='og:url' content='https://m.site.net/a'></head></html>") \
        == "m.site.net"
    assert html_domain("<p>no address</p>") is None


def test_terms_are_found_longest_first_and_win_over_builtin_entities():
    config = cfg('[[term]]\ntext = "piriformis syndrome"\nlabel = "CONDITION"\ncode = "G57.00"\n'
                 'vocabulary = "ICD-10-CM"\n[[term]]\ntext = "piriformis"\nlabel = "ANATOMY"\n'
                 '[[term]]\ntext = "dry needling"\nlabel = "procedure"\nsynonyms = ["intramuscular stimulation"]\n')
    text = "Piriformis  syndrome responds to dry needling; the piriformis muscle and intramuscular stimulation."
    found = find_terms(text, config)
    assert [(e.text, e.label, e.code) for e in found] == [
        ("Piriformis  syndrome", "CONDITION", "G57.00"), ("dry needling", "PROCEDURE", None),
        ("piriformis", "ANATOMY", None), ("intramuscular stimulation", "PROCEDURE", None)]
    assert found[3].concept == "dry needling"
    at = text.index("intramuscular")
    builtin = [Entity(0, 10, "Piriformis", "ANATOMY"), Entity(at, at + 13, "intramuscular", "ANATOMY"),
               Entity(text.index("muscle"), text.index("muscle") + 6, "muscle", "ANATOMY")]
    merged = merge_entities(builtin, found)
    assert [(e.text, e.label) for e in merged] == [
        ("Piriformis  syndrome", "CONDITION"), ("dry needling", "PROCEDURE"), ("piriformis", "ANATOMY"),
        ("muscle", "ANATOMY"), ("intramuscular stimulation", "PROCEDURE")]


# --------------------------------------------------------------------------- in the pipeline


def test_site_rule_drops_the_block_before_extraction():
    plain = process(PAGE, **NO_TAGS)
    assert SPOTLIGHT in plain.text  # the extractor alone keeps it: it looks like article prose
    config = cfg('[[site_rule]]\ndomain = "harborviewfootankle.com"\nselector = "div.practice-spotlight"\n'
                 'reason = "cta"\n')
    doc = process(PAGE, config, **NO_TAGS)
    assert SPOTLIGHT not in doc.text
    assert "Plantar fasciitis is one of the most common causes of heel pain" in doc.text
    cut = [r for r in doc.removed if r.stage == "site_rules"]
    assert [(r.reason, r.text[:len(SPOTLIGHT)]) for r in cut] == [("cta", SPOTLIGHT)]
    assert doc.stats["site_rules.removed.cta"] == 1


def test_phrase_cuts_a_kept_block_and_text_offsets_stay_exact():
    config = cfg('[[phrase]]\ntext = "covered by the major insurance plans"\nreason = "cta"\n')
    doc = process(PAGE, config, **NO_TAGS)
    assert SPOTLIGHT not in doc.text
    assert [(r.reason, r.stage) for r in doc.removed if SPOTLIGHT in r.text] == [("cta", "config")]
    for section in doc.sections:
        assert doc.text[section.start:section.end].startswith(section.heading)
    for block in doc.blocks:
        assert doc.text[block.start:block.end] == block.text


def test_thresholds_min_block_words_and_min_text_chars():
    doc = process(PAGE, cfg("[thresholds]\nmin_block_words = 30\n"), **NO_TAGS)
    assert "Tight calf muscles" in doc.text  # list items are never cut by it
    assert "Surgery is rarely needed." not in doc.text  # a 26-word paragraph
    assert any(r.reason == "low_quality" and "Surgery is rarely needed." in r.text for r in doc.removed)
    short = process(PAGE, cfg("[thresholds]\nmin_text_chars = 100000\n"), **NO_TAGS)
    assert short.status == "no_content"
    assert short.error.startswith("[E205] clean text is ") and "threshold of 100000" in short.error
    assert threshold(RunContext(), "min_text_chars") == 0


def test_terms_stage_adds_entities_with_sections():
    config = cfg('[[term]]\ntext = "night splint"\nlabel = "PROCEDURE"\ncode = "D0FA"\nvocabulary = "local"\n')
    doc = process(PAGE, **NO_TAGS)
    doc = ConfigTermsStage(config, negation=False)(doc)  # negation: see test_config_terms_get_the_taggers_negation
    ents = [(e.text, e.label, e.code, e.section_id) for e in doc.entities]
    assert ents == [("night splint", "PROCEDURE", "D0FA", 2)]
    assert doc.text[doc.entities[0].start:doc.entities[0].end] == "night splint"


def test_config_terms_get_the_taggers_negation():
    """Loads the built-in tagger (shared with the tagger's own tests in one pytest process)."""
    from cleanhealth.document import Document

    config = cfg('[[term]]\ntext = "piriformis syndrome"\nlabel = "CONDITION"\n'
                 '[[term]]\ntext = "dry needling"\nlabel = "PROCEDURE"\n')
    doc = Document(doc_id="n", source="n.txt", language="en",
                   text="The scan showed no piriformis syndrome. Dry needling helped her calf.")
    doc = ConfigTermsStage(config)(doc)
    assert [(e.text, e.negated) for e in doc.entities if e.label in ("CONDITION", "PROCEDURE")
            and e.concept in ("piriformis syndrome", "dry needling")] == [
        ("piriformis syndrome", True), ("Dry needling", False)]


def test_run_with_config_records_it_and_invalidates_reused_shards(tmp_path, monkeypatch, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "heel.html").write_bytes(PAGE.read_bytes())
    out = tmp_path / "out"
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(raw), "--out", str(out), "--no-entities", "--quiet"]) == 0
    assert SPOTLIGHT in pd.read_parquet(out / "documents")["text"][0]
    (tmp_path / "cleanhealth.toml").write_text(
        '[[site_rule]]\ndomain = "harborviewfootankle.com"\nselector = ".practice-spotlight"\nreason = "cta"\n')
    assert main(["run", str(raw), "--out", str(out), "--no-entities"]) == 0
    assert "config: cleanhealth.toml: 1 site rule" in capsys.readouterr().out
    run = json.loads((out / "run.json").read_text())
    assert run["reused_shards"] == 0 and run["options"]["config"]["path"].endswith("cleanhealth.toml")
    assert SPOTLIGHT not in pd.read_parquet(out / "documents")["text"][0]
    removed = pd.read_parquet(out / "removed")
    assert removed.loc[removed["stage"] == "site_rules", "reason"].tolist() == ["cta"]


def test_a_site_rule_selecting_the_whole_page_is_refused_and_flagged():
    config = cfg('[[site_rule]]\ndomain = "harborviewfootankle.com"\nselector = "main, body"\nreason = "ad"\n')
    doc = process(PAGE, config, **NO_TAGS)
    assert "Plantar fasciitis is one of the most common causes of heel pain" in doc.text
    assert "site_rule_too_broad" in doc.flags
    assert not [r for r in doc.removed if r.stage == "site_rules"]


def test_thresholds_reach_the_extractors():
    """min_trafilatura_chars (HTML) and text_keep_probability (text dumps) override the stages' own."""
    dump = REPO / "tests" / "data" / "explain" / "knee-dump.txt"
    article = "Losing even a small amount of weight reduces the load on the knee"
    plain = process(dump, **NO_TAGS)
    assert article in plain.text and "Home | Conditions" not in plain.text
    lenient = process(dump, cfg("[thresholds]\ntext_keep_probability = 0.0\n"), **NO_TAGS)
    assert "Home | Conditions" in lenient.text and article in lenient.text
    strict = process(dump, cfg("[thresholds]\ntext_keep_probability = 0.999\n"), **NO_TAGS)
    assert article not in strict.text
    assert "extractor_fallback" not in process(PAGE, **NO_TAGS).flags
    forced = process(PAGE, cfg("[thresholds]\nmin_trafilatura_chars = 1000000\n"), **NO_TAGS)
    assert "extractor_fallback" in forced.flags
    assert "Plantar fasciitis is one of the most common causes of heel pain" in forced.text
