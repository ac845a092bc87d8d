"""The user's mistakes get one line saying what is wrong and what to do, and exit 2.

Each mistake is made through the real command line (`cli.main`, and once through a
subprocess for the process exit code). Nothing the user owns is ever deleted.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleanhealth import cli

PAGE = ("<html><head><title>Sciatica</title></head><body><p>Sciatica is pain along the sciatic nerve "
        "from the lower back down one leg; most people recover with time and exercise.</p></body></html>")


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.html").write_text(PAGE)
    return folder


def fails(capsys, argv: list[str], code: str) -> str:
    """Run the CLI, expect exit 2 and exactly one error line carrying `code`."""
    status = cli.main(["run", *map(str, argv), "--quiet", "--no-entities"])
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert len(err.splitlines()) == 1, err
    assert f"[{code}]" in err, err
    assert err.startswith("cleanhealth: error:")
    return err


def test_input_folder_missing(capsys, tmp_path):
    err = fails(capsys, [tmp_path / "nope", "--out", tmp_path / "out"], "E301")
    assert "does not exist" in err and "pass the folder" in err
    assert not (tmp_path / "out").exists()


def test_input_folder_empty(capsys, tmp_path):
    empty = tmp_path / "empty"
    (empty / "sub" / "deeper").mkdir(parents=True)
    err = fails(capsys, [empty, "--out", tmp_path / "out"], "E302")
    assert "holds no files" in err


def test_input_is_not_a_file_or_folder(capsys, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    fails(capsys, [fifo, "--out", tmp_path / "out"], "E307")


def test_input_is_a_cleanhealth_output_folder(capsys, pages, tmp_path):
    out = tmp_path / "out"
    assert cli.main(["run", str(pages), "--out", str(out), "--quiet", "--no-entities"]) == 0
    capsys.readouterr()
    err = fails(capsys, [out, "--out", tmp_path / "out2"], "E313")
    assert "output folder" in err


def test_output_is_a_file(capsys, pages, tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("my notes")
    err = fails(capsys, [pages, "--out", target], "E303")
    assert "choose another --out" in err
    assert target.read_text() == "my notes"


def test_output_cannot_be_created(capsys, pages, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    fails(capsys, [pages, "--out", blocker / "sub" / "out"], "E303")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere; permission checks cannot fail")
def test_output_not_writable(capsys, pages, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        fails(capsys, [pages, "--out", locked], "E303")
    finally:
        locked.chmod(0o700)


def test_output_holding_other_files_is_refused_and_left_alone(capsys, pages, tmp_path):
    out = tmp_path / "thesis"
    (out / "chapter1").mkdir(parents=True)
    (out / "draft.docx").write_bytes(b"precious")
    (out / "documents").mkdir()  # a user folder that happens to share a table's name
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    err = fails(capsys, [pages, "--out", out], "E304")
    assert "never deletes your files" in err
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert (out / "draft.docx").read_bytes() == b"precious"


def test_output_equal_to_input_is_refused(capsys, pages):
    err = fails(capsys, [pages, "--out", pages], "E306")
    assert "--out is the input folder" in err
    assert (pages / "a.html").read_text() == PAGE


def test_rerun_into_own_output_is_fine(capsys, pages, tmp_path):
    out = tmp_path / "out"
    for _ in range(2):
        assert cli.main(["run", str(pages), "--out", str(out), "--quiet", "--no-entities"]) == 0
    assert (out / "run.json").exists()


@pytest.mark.parametrize("argv, option", [
    (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler"),
    (["--max-depth", "5000"], "--max-depth"),
    (["--max-depth", "0"], "--max-depth"),
    (["--max-file-bytes", "-1"], "--max-file-bytes"),
    (["--max-page-bytes", "0"], "--max-page-bytes"),
    (["--max-decompressed-bytes", "0"], "--max-decompressed-bytes"),
    (["--workers", "0"], "--workers"),
    (["--shard-files", "0"], "--shard-files"),
    (["--page-timeout", "-5"], "--page-timeout"),
])
def test_impossible_or_conflicting_options(capsys, pages, tmp_path, argv, option):
    out = tmp_path / "out"
    status = cli.main(["run", str(pages), "--out", str(out), "--quiet", *argv])
    err = capsys.readouterr().err.strip()
    assert status == 2 and len(err.splitlines()) == 1 and option in err
    assert "[E306]" in err or "[E312]" in err
    assert not (out / "documents").exists()


def test_exit_code_of_the_real_command(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "cleanhealth.cli", "run", str(tmp_path / "missing"),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "[E301]" in proc.stderr
    assert "Traceback" not in proc.stderr
