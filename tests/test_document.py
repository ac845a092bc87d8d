"""The Document record: text assembly, block offsets, stable ids."""

from cleanhealth.document import (
    KIND_HEADING,
    KIND_LIST_ITEM,
    KIND_PARAGRAPH,
    KIND_TITLE,
    Block,
    Document,
    Page,
    domain_of,
    make_doc_id,
)


def test_assemble_text_separates_blocks_and_records_exact_offsets():
    doc = Document(doc_id="x", source="a.html")
    doc.blocks = [
        Block("Sciatica", KIND_TITLE, 1),
        Block("Sciatica is pain along the sciatic nerve.", KIND_PARAGRAPH),
        Block("Numbness", KIND_LIST_ITEM),
        Block("Tingling", KIND_LIST_ITEM),
        Block("Treatment", KIND_HEADING, 2),
    ]
    doc.assemble_text()
    assert doc.text == (
        "Sciatica\n\nSciatica is pain along the sciatic nerve.\n\nNumbness\nTingling\n\nTreatment"
    )
    for block in doc.blocks:
        assert doc.text[block.start:block.end] == block.text


def test_doc_id_is_stable_and_depends_on_source_record_and_content():
    a = make_doc_id("pages/a.html", 0, "abc")
    assert a == make_doc_id("pages/a.html", 0, "abc")
    assert len(a) == 16
    assert a != make_doc_id("pages/b.html", 0, "abc")
    assert a != make_doc_id("pages/a.html", 1, "abc")
    assert a != make_doc_id("pages/a.html", 0, "abd")


def test_from_page_carries_source_url_domain_and_reader_flags():
    page = Page(source="crawl/x.jsonl", record=2, format="html", container="jsonl",
                content="<p>hi</p>", url="https://www.nhs.uk/conditions/sciatica/",
                content_hash="h", flags=["mojibake_repaired"])
    doc = Document.from_page(page)
    assert (doc.source, doc.record, doc.container, doc.domain) == ("crawl/x.jsonl", 2, "jsonl", "nhs.uk")
    assert doc.flags == ["mojibake_repaired"]
    doc.add_flag("mojibake_repaired")
    assert doc.flags == ["mojibake_repaired"]


def test_domain_of_handles_missing_and_malformed_urls():
    assert domain_of(None) is None
    assert domain_of("not a url") is None
    assert domain_of("http://[bad") is None
    assert domain_of("https://my.clevelandclinic.org/health") == "my.clevelandclinic.org"
