"""The run's corpus pre-pass: lines repeated across text dumps are cut as site template."""

from pathlib import Path

import pandas as pd

from cleanhealth.pipeline import Options
from cleanhealth.run import run

TEMPLATE = "Explore the Wellness Hub library of guides and tools"
ARTICLES = [
    "Migraine is a headache disorder that causes throbbing pain, often on one side of the head. "
    "Many people also notice nausea and sensitivity to light during an attack.",
    "Asthma narrows the airways in the lungs. Inhalers that contain corticosteroids reduce the "
    "swelling and make attacks less frequent when they are used every day.",
    "High blood pressure rarely causes symptoms, which is why regular checks matter. Cutting "
    "down on salt and staying active both lower blood pressure over a few months.",
    "Gout is a form of arthritis caused by uric acid crystals in a joint. An attack usually "
    "starts suddenly at night, most often in the big toe, and can last for a week.",
]


def test_a_line_on_every_dump_of_a_site_is_removed_as_template(tmp_path: Path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for i, article in enumerate(ARTICLES):
        (pages / f"page{i}.txt").write_text(f"Condition guide {i}\n{TEMPLATE}\n{article}\n")
    result = run(pages, tmp_path / "out", Options(tag_entities=False))
    assert result.counts["reason.template"] >= len(ARTICLES)
    docs = pd.read_parquet(tmp_path / "out" / "documents")
    removed = pd.read_parquet(tmp_path / "out" / "removed")
    assert not docs["text"].str.contains(TEMPLATE).any()
    assert (removed.loc[removed["text"].str.contains(TEMPLATE), "reason"] == "template").all()
    for article in ARTICLES:
        assert docs["text"].str.contains(article.split(". ")[0], regex=False).any()


def test_a_single_page_has_no_template_and_keeps_the_line(tmp_path: Path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "page.txt").write_text(f"{TEMPLATE}\n{ARTICLES[0]}\n")
    result = run(pages, tmp_path / "out", Options(tag_entities=False))
    assert result.counts["reason.template"] == 0


def test_gzipped_html_is_skipped_by_its_head_and_gzipped_dumps_still_count(tmp_path: Path, monkeypatch):
    """The pre-pass reads a gzipped page whole only when its content is not HTML."""
    import gzip

    from cleanhealth import run as run_module
    from cleanhealth.read import ReadLimits

    pages = tmp_path / "pages"
    pages.mkdir()
    html = ("<!DOCTYPE html><html><head><title>Gout</title></head><body>"
            + "<p>" + ARTICLES[3] + "</p>" * 40 + "</body></html>") * 4
    (pages / "page.html.gz").write_bytes(gzip.compress(html.encode()))
    for i, article in enumerate(ARTICLES):
        (pages / f"dump{i}.txt.gz").write_bytes(gzip.compress(f"Guide {i}\n{TEMPLATE}\n{article}\n".encode()))
    read_whole: list[str] = []
    real_read_file = run_module.read_file

    def counting_read_file(path, root, limits=ReadLimits()):
        read_whole.append(Path(path).name)
        return real_read_file(path, root, limits)

    monkeypatch.setattr(run_module, "read_file", counting_read_file)
    files = sorted(pages.iterdir())
    lines = run_module.template_lines_of(files, pages, ReadLimits())
    assert "page.html.gz" not in read_whole
    assert sorted(read_whole) == [f"dump{i}.txt.gz" for i in range(len(ARTICLES))]
    assert lines  # the template line recurs on every dump
