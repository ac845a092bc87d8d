"""A generated corpus of >= 200 malformed and hostile inputs runs to completion.

Every file gets at least one row; every row matches what `hostile_corpus.py` says
it must be (status, error code, flags, language, a phrase that proves decoding).
One run (in-process, entities off: tagging is irrelevant to reading) is shared by
the tests of this module.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hostile_corpus  # noqa: E402
from cleanhealth.dedup import find_duplicates  # noqa: E402
from cleanhealth.document import STATUSES  # noqa: E402
from cleanhealth.pipeline import Options  # noqa: E402
from cleanhealth.run import run  # noqa: E402

OPTIONS = Options(
    tag_entities=False,
    max_file_bytes=hostile_corpus.MAX_FILE_BYTES,
    max_decompressed_bytes=hostile_corpus.MAX_DECOMPRESSED_BYTES,
    max_page_bytes=hostile_corpus.MAX_PAGE_BYTES,
    max_depth=hostile_corpus.MAX_DEPTH,
)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    cases = hostile_corpus.build(root / "raw")
    out = root / "out"
    result = run(root / "raw", out, OPTIONS)
    documents = pd.read_parquet(out / "documents")
    return cases, documents, result, out


def test_corpus_is_large_and_varied(hostile):
    cases, *_ = hostile
    assert len(cases) >= 200
    kinds = hostile_corpus.kind_counts(cases)
    assert len(kinds) >= 14 and min(kinds.values()) >= 4


def test_every_file_has_a_row(hostile):
    cases, documents, result, _ = hostile
    assert result.files == len(cases)
    rows_per_source = documents.groupby("source").size()
    missing = [c.path for c in cases if rows_per_source.get(c.path, 0) < c.min_rows]
    assert not missing, f"files without their rows: {missing}"
    assert set(documents["source"]) == {c.path for c in cases}
    assert set(documents["status"]) <= set(STATUSES)
    assert documents["doc_id"].is_unique


def test_no_page_failed(hostile):
    """No stage raised on any of them: refusals are reasons, not crashes."""
    _, documents, _, _ = hostile
    failed = documents[documents["status"] == "failed"]
    assert failed.empty, failed[["source", "record", "error"]].to_string()


def test_rows_match_expectations(hostile):
    cases, documents, _, _ = hostile
    by_key = {(row.source, row.record): row for row in documents.itertuples()}
    problems: list[str] = []
    for case in cases:
        for expect in case.rows:
            row = by_key.get((case.path, expect.record))
            if row is None:
                problems.append(f"{case.path}#{expect.record}: no row")
                continue
            statuses = (expect.status,) if isinstance(expect.status, str) else expect.status
            if row.status not in statuses:
                problems.append(f"{case.path}#{expect.record}: status {row.status} not in {statuses} "
                                f"({row.error})")
            if expect.code and not (row.error or "").startswith(f"[{expect.code}]"):
                problems.append(f"{case.path}#{expect.record}: error {row.error!r}, want {expect.code}")
            missing_flags = set(expect.flags) - set(row.flags)
            if missing_flags:
                problems.append(f"{case.path}#{expect.record}: flags {list(row.flags)} lack {missing_flags}")
            if expect.language and row.language != expect.language:
                problems.append(f"{case.path}#{expect.record}: language {row.language}, want {expect.language}")
            if expect.contains and expect.contains not in (row.text or ""):
                problems.append(f"{case.path}#{expect.record}: text lacks {expect.contains!r}: "
                                f"{(row.text or '')[:120]!r}")
    assert not problems, "\n".join(problems)


def test_refusals_and_failures_say_why(hostile):
    _, documents, _, _ = hostile
    bad = documents[documents["status"] != "ok"]
    assert bad["error"].str.match(r"^\[E\d{3}\] ").all()
    assert (bad["text"].fillna("") == "").all() | (bad["status"] == "no_content").all()


def test_duplicates_found_across_the_run(hostile):
    _, documents, _, out = hostile
    parts = sorted((out / "documents").glob("*.parquet"))
    found = find_duplicates(parts)
    ids = dict(zip(documents["source"] + "#" + documents["record"].astype(str), documents["doc_id"]))
    original = ids["duplicates/copy0.html#0"]
    for name in ("copy1.html", "copy2.html"):
        assert found[ids[f"duplicates/{name}#0"]] == (original, 1.0)
    for name in ("near0.html", "near1.html", "near2.html"):
        dup_of, similarity = found[ids[f"duplicates/{name}#0"]]
        assert dup_of == original and 0.8 <= similarity < 1.0
    assert original not in found
    # Wired into the run: the documents table carries it too.
    if documents["duplicate_of"].notna().any():
        marked = documents.set_index("doc_id")
        for doc_id, (dup_of, _) in found.items():
            assert marked.loc[doc_id, "duplicate_of"] == dup_of
            assert "duplicate" in marked.loc[doc_id, "flags"]
