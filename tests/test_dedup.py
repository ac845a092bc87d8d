"""Exact and near-duplicate detection across a run's documents files."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile_corpus import ARTICLE, ARTICLE_2, FOREIGN  # noqa: E402

from cleanhealth.dedup import FLAG_DUPLICATE, DuplicateFinder, find_duplicates, mark_duplicates  # noqa: E402
from cleanhealth.document import Document  # noqa: E402
from cleanhealth.write import write_shard  # noqa: E402

LONG = ARTICLE + ARTICLE_2


def test_exact_copies_point_at_the_first_occurrence():
    finder = DuplicateFinder()
    assert finder.add("a", LONG) is None
    assert finder.add("b", LONG) == ("a", 1.0)
    assert finder.add("c", "  " + LONG.upper().replace(". ", " .  ")) == ("a", 1.0)  # case, spacing, punctuation
    assert finder.add("d", ARTICLE_2 * 2) is None


def test_near_copies_with_a_changed_line_are_found():
    finder = DuplicateFinder()
    finder.add("orig", LONG)
    dup = finder.add("dated", "Updated 3 March 2024. " + LONG.replace("usually", "often"))
    assert dup is not None and dup[0] == "orig" and 0.8 <= dup[1] < 1.0


def test_different_articles_on_the_same_topic_are_not_duplicates():
    finder = DuplicateFinder()
    finder.add("a", ARTICLE * 2)
    assert finder.add("b", ARTICLE_2 * 2) is None
    assert finder.add("c", FOREIGN["es"] * 3) is None
    half = LONG[: len(LONG) // 2]
    finder.add("d", LONG)
    assert finder.add("e", half + " " + FOREIGN["fr"] * 2) is None


def test_duplicates_always_name_an_original():
    finder = DuplicateFinder()
    finder.add("a", LONG)
    finder.add("b", LONG + " One more sentence at the end of the page.")
    third = finder.add("c", LONG + " One more sentence at the end of the page. And another one here.")
    assert third is not None and third[0] == "a"


def test_short_texts_match_only_exactly():
    finder = DuplicateFinder()
    finder.add("a", "Page not found")
    assert finder.add("b", "Page not found") == ("a", 1.0)
    assert finder.add("c", "Page not found here") is None


def doc(doc_id: str, text: str, status: str = "ok") -> Document:
    return Document(doc_id=doc_id, source=f"{doc_id}.html", text=text, status=status)


def test_find_duplicates_reads_shards_in_order_and_mark_rewrites_a_copy(tmp_path):
    first, second = tmp_path / "s0", tmp_path / "s1"
    write_shard([doc("a", LONG), doc("b", ARTICLE_2 * 2), doc("f", "", "unreadable")], first, {})
    write_shard([doc("c", LONG), doc("d", "Reviewed 2024. " + LONG), doc("e", ARTICLE * 3)], second, {})
    paths = [first / "documents.parquet", second / "documents.parquet"]
    found = find_duplicates(paths)
    assert set(found) == {"c", "d"}
    assert found["c"] == ("a", 1.0) and found["d"][0] == "a"
    # Reversed shard order: the first occurrence changes, nothing else.
    assert set(find_duplicates(paths[::-1])) == {"a", "d"}

    out = tmp_path / "part.parquet"
    assert mark_duplicates(paths[0], tmp_path / "unchanged.parquet", found) is False
    assert mark_duplicates(paths[1], out, found) is True
    table = pd.read_parquet(out).set_index("doc_id")
    assert table.loc["c", "duplicate_of"] == "a" and FLAG_DUPLICATE in table.loc["c", "flags"]
    assert table.loc["d", "duplicate_of"] == "a"
    assert pd.isna(table.loc["e", "duplicate_of"]) and FLAG_DUPLICATE not in table.loc["e", "flags"]
    assert pq.read_schema(out) == pq.read_schema(paths[1])
    assert pd.read_parquet(paths[1])["duplicate_of"].isna().all()  # the shard file is untouched


def test_a_run_marks_duplicates_and_keeps_shards_reusable(tmp_path):
    import cleanhealth
    from cleanhealth.pipeline import Options
    from cleanhealth.run import run

    from hostile_corpus import html_page, paragraphs

    inp = tmp_path / "in"
    inp.mkdir()
    page = html_page(paragraphs(LONG, 2), "Sciatica")
    for name in ("a.html", "b.html"):
        (inp / name).write_text(page)
    (inp / "c.html").write_text(page.replace("Sciatica is pain", "Updated 2024. Sciatica is pain"))
    (inp / "d.html").write_text(html_page(paragraphs(ARTICLE_2 * 2), "Diabetes"))
    for attempt in range(2):  # the second run reuses every shard and must mark them again
        result = run(inp, tmp_path / "out", Options(tag_entities=False))
        docs = cleanhealth.load(tmp_path / "out").documents.set_index("source")
        original = docs.loc["a.html", "doc_id"]
        assert list(docs["duplicate_of"].fillna("")) == ["", original, original, ""]
        assert [FLAG_DUPLICATE in f for f in docs["flags"]] == [False, True, True, False]
        assert result.counts["duplicates"] == 2
    assert result.reused_shards == result.shards
