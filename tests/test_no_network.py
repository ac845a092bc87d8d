"""cleanhealth makes no network connection at run time.

1. In this process (conftest.py's audit hook records every outbound attempt, even
   one a library catches): a full run with entity tagging over real pages.
2. Across processes: the `cleanhealth` CLI with a two-worker pool, under a
   sitecustomize that installs the same kind of guard in the parent and in every
   worker process and logs any attempt to a file.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cleanhealth.pipeline import Options
from cleanhealth.run import run

RAW = Path(__file__).resolve().parents[1] / "raw"

GUARD = textwrap.dedent('''
    """Installed by test_no_network.py: log and refuse any non-local network use."""
    import ipaddress, os, socket, sys

    LOG = os.environ["CLEANHEALTH_NETLOG"]
    LOCAL = {None, "", "localhost", socket.gethostname()}

    def local(host):
        if isinstance(host, bytes):
            host = host.decode("ascii", "ignore")
        if host in LOCAL:
            return True
        try:
            return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
        except ValueError:
            return False

    def hook(event, args):
        if not event.startswith("socket."):
            return
        if event in ("socket.connect", "socket.sendto"):
            if getattr(args[0], "family", None) not in (socket.AF_INET, socket.AF_INET6):
                return
            host = args[1][0] if isinstance(args[1], tuple) else args[1]
        elif event == "socket.getaddrinfo":
            host = args[0]
        else:
            return
        if not local(host):
            with open(LOG, "a") as fh:
                fh.write(f"{os.getpid()} {event} {host!r}\\n")
            raise OSError(f"network blocked: {event} {host!r}")

    sys.addaudithook(hook)
''')


def small_input(tmp_path: Path) -> Path:
    if not RAW.is_dir():
        pytest.skip("raw/ sample pages are missing")
    inp = tmp_path / "input"
    shutil.copytree(RAW, inp)
    return inp


def test_guard_is_active(network_attempts):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(OSError):
        sock.connect(("198.51.100.7", 80))
    with pytest.raises(OSError):
        socket.getaddrinfo("pypi.org", 443)
    assert [event for event, _ in network_attempts] == ["socket.connect", "socket.getaddrinfo"]
    network_attempts.clear()


def test_full_run_with_entities_makes_no_connection(tmp_path, network_attempts):
    inp = small_input(tmp_path)
    result = run(inp, tmp_path / "out", Options(tag_entities=True), executor="inprocess")
    assert result.counts["pages"] >= 10
    assert result.counts.get("entities", 0) > 0  # the tagger really ran
    assert network_attempts == []


def test_cli_with_worker_processes_makes_no_connection(tmp_path):
    inp = tmp_path / "few"
    inp.mkdir()
    for path in sorted(p for p in small_input(tmp_path).rglob("*") if p.is_file())[:4]:
        shutil.copy(path, inp / path.name)  # a few pages: worker start-up is what is tested
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(GUARD)
    log = tmp_path / "network.log"
    env = dict(os.environ, CLEANHEALTH_NETLOG=str(log),
               PYTHONPATH=os.pathsep.join([str(site), *filter(None, [os.environ.get("PYTHONPATH")])]))
    proc = subprocess.run([sys.executable, "-m", "cleanhealth.cli", "run", str(inp), "--out",
                           str(tmp_path / "out"), "--workers", "2", "--no-entities", "--quiet"],
                          env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tmp_path / "out" / "documents").exists()
    assert not log.exists(), log.read_text()
    # The guard really was installed in the CLI's processes.
    probe = subprocess.run([sys.executable, "-c", "import socket; socket.getaddrinfo('example.com', 80)"],
                           env=env, capture_output=True, text=True, timeout=60)
    assert probe.returncode != 0 and "network blocked" in probe.stderr
    assert "example.com" in log.read_text()
