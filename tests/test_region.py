"""The main-region reader (cleanhealth.extract.region) and when the HTML extractor
takes its blocks instead of trafilatura's."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from cleanhealth.document import KIND_HEADING, KIND_LIST_ITEM, KIND_PARAGRAPH, KIND_TABLE_ROW
from cleanhealth.extract.markup import load_vocabulary
from cleanhealth.document import Block
from cleanhealth.extract.region import main_region, product_page, region_blocks, shop_region

from test_extract_html import bench_page, run

# A therapy platform's landing page, written the way such pages are: short blocks in
# plain <div>s, a button, a newsletter box and teaser links inside <main>.
LANDING = """
<header><a href="/">MindWell</a><nav><a href="/therapy">Therapy</a><a href="/login">Log in</a></nav></header>
<main>
  <header class="page-head"><a href="/">All services</a> / Anxiety</header>
  <section class="hero"><h1>Online therapy for <em>anxiety</em></h1>
    <div>Talk to a licensed therapist from home, on your schedule.</div>
    <div><a class="btn" href="/start">Get started</a></div></section>
  <section><h2>How it works</h2>
    <div class="step"><div>Answer a few questions about your needs.</div></div>
    <div class="step"><div>We match you with a licensed provider within two days.</div></div></section>
  <section><h2>What we treat</h2>
    <ul><li>Generalized anxiety</li><li><a href="/panic">Panic attacks</a></li><li>Social <a href="/sa">anxiety</a></li></ul></section>
  <section><h3>Plans</h3>
    <table><tr><th>Plan</th><th></th><th>Price</th></tr><tr><td>Messaging</td><td></td><td>$69 a week</td></tr></table></section>
  <div class="quote">"I finally understood what triggered my panic attacks."<div>Maria, member since 2023</div></div>
  <div style="display:none">Thanks! Your answers were saved.</div>
  <div class="newsletter-signup"><h3>Get mental health tips in your inbox</h3><div>Subscribe to our newsletter.</div></div>
  <div class="cards"><a href="/a">Five grounding techniques</a> <a href="/b">What is CBT?</a></div>
  <script>window.dataLayer = [];</script>
</main>
<footer><p>© 2026 MindWell Health.</p></footer>
"""


def tree_of(body: str, head: str = ""):
    return lxml_html.fromstring(f"<html><head>{head}</head><body>{body}</body></html>")


def test_region_blocks_read_the_landing_page_as_a_reader_sees_it() -> None:
    """Headings with their levels, loose <div> text as paragraphs, list items, a table
    row with its cells joined; the region's own header, hidden text, a newsletter box,
    link-only lines (a button, teaser cards, a linked list item) and scripts left out."""
    blocks = region_blocks(main_region(tree_of(LANDING)), load_vocabulary())
    assert [(b.kind, b.level, b.text) for b in blocks] == [
        (KIND_HEADING, 1, "Online therapy for anxiety"),
        (KIND_PARAGRAPH, 0, "Talk to a licensed therapist from home, on your schedule."),
        (KIND_HEADING, 2, "How it works"),
        (KIND_PARAGRAPH, 0, "Answer a few questions about your needs."),
        (KIND_PARAGRAPH, 0, "We match you with a licensed provider within two days."),
        (KIND_HEADING, 2, "What we treat"),
        (KIND_LIST_ITEM, 0, "Generalized anxiety"),
        (KIND_LIST_ITEM, 0, "Social anxiety"),
        (KIND_HEADING, 3, "Plans"),
        (KIND_TABLE_ROW, 0, "Plan | Price"),
        (KIND_TABLE_ROW, 0, "Messaging | $69 a week"),
        (KIND_PARAGRAPH, 0, '"I finally understood what triggered my panic attacks."'),
        (KIND_PARAGRAPH, 0, "Maria, member since 2023"),
    ]


def test_main_region_is_the_one_element_the_markup_names() -> None:
    assert main_region(tree_of("<div role='main'><p>Care</p></div>")).get("role") == "main"
    assert main_region(tree_of("<main role='main'><p>Care</p></main>")).tag == "main"
    assert main_region(tree_of("<div><p>Care</p></div>")) is None
    # two regions: the markup does not say which one is the content
    assert main_region(tree_of("<main><p>Care</p></main><div role='main'><p>More</p></div>")) is None


@pytest.mark.parametrize(("head", "body", "expected"), [
    ("<meta property='og:type' content='product'>", "", True),
    ("<meta property='og:type' content='product.group'>", "", True),
    ("", "<div itemscope itemtype='https://schema.org/Product'><span itemprop='name'>Knee brace</span></div>", True),
    ("<script type='application/ld+json'>{\"@type\": \"Product\", \"name\": \"Knee brace\"}</script>", "", True),
    # a review article that lists the products it tested is an article
    ("<script type='application/ld+json'>[{\"@type\": \"NewsArticle\"}, {\"@type\": \"Product\"}]</script>", "", False),
    ("<meta property='og:type' content='website'>", "", False),
])
def test_product_pages_are_told_by_their_metadata(head: str, body: str, expected: bool) -> None:
    assert product_page(tree_of(body, head)) is expected


def test_a_region_listing_prices_is_a_shop_grid() -> None:
    """Cards of name, variety and price: three price lines make the region a shop's
    grid (a service page quoting one price, or prices inside sentences, is not)."""
    tree = tree_of("")
    grid = [Block(t) for t in ("Sayuri Nigori", "Junmai Nigori", "$22.00", "Awa Yuki", "Sparkling", "Starting at $8.00",
                               "Plum wine", "12,90 €")]
    assert shop_region(tree, grid)
    assert not shop_region(tree, grid[:6])
    prose = [Block("Sessions cost $65 a week, billed every four weeks."), Block("$99"), Block("Save $30 today"),
             Block("Most insured members pay $0")]
    assert not shop_region(tree, prose)


@pytest.mark.parametrize(("page_id", "phrases"), [
    # BetterHelp: the comparison table's rows and the note on its therapists
    ("4869", ["Qualified therapists ready to help",
              "Every therapist providing services on BetterHelp is a qualified and experienced counselor"]),
    # Talkspace: the steps of 'how it works' and the members' stories
    ("4866", ["Switch providers any time", "If your first therapist isn't a fit, it's easy to select a new one",
              "talkspace member"]),
])
def test_landing_page_takes_the_region_trafilatura_read_a_fraction_of(page_id: str, phrases: list[str]) -> None:
    """Therapy service pages: trafilatura keeps the opening paragraphs and drops the
    steps, the members' stories and the FAQ; the page's <main> region has them all."""
    doc = run(bench_page("wcxb-dev", page_id))
    assert "extractor_main" in doc.flags
    for phrase in phrases:
        assert phrase in doc.text


def test_article_with_teasers_in_its_region_keeps_trafilatura() -> None:
    """A paper summary (wcxb 0381) whose <main> also holds an FAQ and a feed of other
    papers' teasers: trafilatura kept well under the region's text, but as many
    paragraphs of prose as an article has, so its article stays the text."""
    doc = run(bench_page("wcxb-dev", "0381"))
    assert "extractor_main" not in doc.flags
    assert "information bottleneck" in doc.text
    assert "Creating high-fidelity 3D head avatars" not in doc.text


def test_article_trafilatura_read_most_of_keeps_trafilatura() -> None:
    """A news article (wcxb 0174) whose <main> also holds a fundraising appeal and a
    republishing notice: trafilatura kept most of the region, and its text stays."""
    doc = run(bench_page("wcxb-dev", "0174"))
    assert "extractor_main" not in doc.flags
    assert "Since you made it to the bottom of this article" not in doc.text


def test_product_page_keeps_trafilatura_description() -> None:
    """A shop's product page (wcxb 2894): the region holds specifications, bundles and
    reviews that are not the description; the page is a product page, so trafilatura's
    choice stays."""
    doc = run(bench_page("wcxb-dev", "2894"))
    assert "extractor_main" not in doc.flags
    assert "Add All To Cart" not in doc.text
