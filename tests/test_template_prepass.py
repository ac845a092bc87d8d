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
