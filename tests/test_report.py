"""`cleanhealth report`: a self-contained HTML report with plots, checked in a real browser."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from cleanhealth.cli import main
from cleanhealth.report import build_report

from test_stats import make_dataset, make_documents

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BROWSER_TIMEOUT = 90  # seconds; a first start on a cold 2-core machine can take a while
PLOTS = 10  # status, format, language, site, removed by reason, removed by site, sections, labels, concepts, flags
BAR_BLUE = (0x4A, 0x7F, 0xB5)  # the report's bar colour (Plotter.barh default)

# A tiny probe added to a copy of the report (the report itself holds no script): after
# load it writes, into the DOM, each image's decoded width and how many scripts the page
# holds, so --dump-dom shows whether the plots really rendered and nothing was injected.
PROBE = ("<script>window.addEventListener('load',function(){var b=document.body;"
         "b.setAttribute('data-img-widths',Array.prototype.map.call(document.images,"
         "function(i){return i.complete?i.naturalWidth:0}).join(','));"
         "b.setAttribute('data-scripts',String(document.scripts.length));"
         "b.setAttribute('data-title-cell',String(Array.prototype.some.call(document.querySelectorAll('td'),"
         "function(td){return td.textContent.indexOf(\"<script>alert('owned')<\"+\"/script>\")>=0})));"
         "});</script>")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, str]:
    out = make_dataset(tmp_path_factory.mktemp("data") / "out")
    target = out.parent / "report.html"
    assert main(["report", str(out), "--out", str(target)]) == 0
    return target, target.read_text()


def test_report_escapes_every_page_string(report):
    _, html = report
    assert "<script" not in html.lower()
    assert "Asthma &lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt; &amp; inhalers" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # self-contained


def test_report_figures_are_exact(report):
    _, html = report
    docs = make_documents()
    kept = sum(len(d.text) for d in docs)
    nav = sum(len(r.text) for d in docs for r in d.removed if r.reason == "nav")
    removed = sum(len(r.text) for d in docs for r in d.removed)
    assert f"<td>nav</td><td class=\"n\">2</td><td class=\"n\">{nav}</td>" \
           f"<td class=\"n\">{100 * nav / (kept + removed):.1f} %</td>" in html
    assert '<td>lungs.example.org</td><td class="n">2</td>' in html
    assert '<td>CONDITION</td><td class="n">4</td><td class="n">57.1 %</td><td class="n">100.0 %</td>' in html
    assert "<td>asthma</td><td>CONDITION</td><td>J45.909</td><td>ICD-10-CM</td>" in html
    assert '<td>[E101] file is empty</td><td class="n">1</td>' in html
    for heading in ("Pages", "Text removed", "Sections per page", "Entities", "Flags"):
        assert f"<h2>{heading}</h2>" in html


def test_report_plots_are_real_pngs(report):
    from PIL import Image

    _, html = report
    images = re.findall(r'<img class="plot" alt="[^"]*" src="data:image/png;base64,([A-Za-z0-9+/=]+)">', html)
    assert len(images) == PLOTS
    for data in images:
        img = Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")
        assert img.width > 300 and img.height > 80
        assert len(img.getcolors(maxcolors=1 << 16) or range(1000)) > 10  # drawn, not blank


def test_report_without_matplotlib_still_has_the_tables(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("no matplotlib here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    html = build_report(make_dataset(tmp_path / "out"))
    assert "<img" not in html and "pip install &quot;cleanhealth[report]&quot;" not in html
    assert 'pip install "cleanhealth[report]"' in html and "<td>nav</td>" in html


def test_report_on_a_folder_that_is_not_a_dataset(tmp_path, capsys):
    assert main(["report", str(tmp_path), "--out", str(tmp_path / "r.html")]) == 2
    assert "[E305]" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=BROWSER_TIMEOUT)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (scripts/setup-tests.sh "
                    "installs Debian's chromium package); the report's browser test needs it")
def test_report_renders_with_its_plots_in_headless_chromium(report, tmp_path):
    from PIL import Image, ImageStat

    path, html = report
    probed = tmp_path / "probed.html"
    probed.write_text(html.replace("</body>", PROBE + "</body>"))
    dom = _chromium(["--virtual-time-budget=5000", "--dump-dom", probed.as_uri()], tmp_path / "p1")
    assert dom.returncode == 0, dom.stderr[-2000:]
    widths = re.search(r'data-img-widths="([0-9,]*)"', dom.stdout)
    assert widths, "the probe did not run: " + dom.stdout[:500]
    decoded = [int(w) for w in widths.group(1).split(",") if w]
    assert len(decoded) == PLOTS and all(w > 300 for w in decoded), decoded
    assert 'data-scripts="1"' in dom.stdout  # only the probe: the page strings stayed text
    assert 'data-title-cell="true"' in dom.stdout  # the evil title shows as text in the pages table

    shot = tmp_path / "shot.png"
    result = _chromium([f"--screenshot={shot}", "--window-size=1200,2000", path.as_uri()], tmp_path / "p2")
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    img = Image.open(shot).convert("RGB")
    assert img.size == (1200, 2000)
    assert max(ImageStat.Stat(img).stddev) > 20  # not a blank page
    # The bar plots were painted: many pixels of the bar colour (an unrendered <img> shows none).
    pixels = np.asarray(img, dtype=np.int16)
    blue = int((np.abs(pixels - np.array(BAR_BLUE, dtype=np.int16)).max(axis=2) <= 12).sum())
    assert blue > 5000, blue


def test_report_and_stats_on_a_dataset_where_nothing_was_processed(tmp_path):
    from cleanhealth.document import Document
    from cleanhealth.stats import dataset_stats

    out = make_dataset(tmp_path / "out", [Document(doc_id="z", source="empty.html", status="unreadable",
                                                   error="[E101] file is empty")])
    html = build_report(out)
    assert "<p>Nothing was removed.</p>" in html and "<p>No entities" in html
    assert "<p>No page was flagged.</p>" in html and '<td>[E101] file is empty</td><td class="n">1</td>' in html
    stats = dataset_stats(out)
    assert (stats.pages, stats.by_status, stats.entities) == (1, {"unreadable": 1}, 0)
