"""Shared test fixtures. Keep this file small; add fixtures below the network guard.

Network guard: cleanhealth must not touch the network at run time, so the whole
suite runs with outbound sockets blocked. A `sys.addaudithook` hook sees every
`socket.connect`, `socket.sendto` and `socket.getaddrinfo` in this process (C code
included, unlike patching `socket.socket.connect`). Loopback and Unix sockets stay
allowed (process pools and the Dask tests' LocalCluster talk over them). Every
blocked attempt is recorded in NETWORK_ATTEMPTS, even when a library catches the
error, so tests can assert that nothing was tried (see test_no_network.py).
Worker subprocesses are not covered by this hook; test_no_network.py runs the CLI
with a sitecustomize that installs the same guard in every child process.
"""

from __future__ import annotations

import ipaddress
import socket
import sys

import pytest

NETWORK_ATTEMPTS: list[tuple[str, object]] = []
_GUARD = {"active": False}
# Names that resolve locally (/etc/hosts). The machine's own name is resolved by
# Dask when it picks an interface for a LocalCluster.
_LOCAL_NAMES = {None, "", "localhost", "localhost.localdomain", "ip6-localhost", socket.gethostname()}


class NetworkBlocked(OSError):
    """Raised for an outbound connection while the test-suite guard is on."""


def _is_local_host(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "ignore")
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback or str(host) in ("0.0.0.0", "::")
    except ValueError:
        return False


def _audit(event: str, args: tuple) -> None:
    if not _GUARD["active"] or not event.startswith("socket."):
        return
    if event in ("socket.connect", "socket.sendto"):
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6):
            return  # Unix sockets (process pools, forkserver) are local by definition
        host = address[0] if isinstance(address, tuple) else address
    elif event == "socket.getaddrinfo":
        host = args[0]
    else:
        return
    if _is_local_host(host):
        return
    NETWORK_ATTEMPTS.append((event, host))
    raise NetworkBlocked(f"network access blocked in tests: {event} {host!r}")


sys.addaudithook(_audit)  # audit hooks cannot be removed; the flag turns it on and off


@pytest.fixture(autouse=True, scope="session")
def _block_network():
    """Block outbound network for the whole test session."""
    _GUARD["active"] = True
    yield
    _GUARD["active"] = False


@pytest.fixture
def network_attempts() -> list[tuple[str, object]]:
    """The attempts blocked during the requesting test (cleared at its start)."""
    NETWORK_ATTEMPTS.clear()
    return NETWORK_ATTEMPTS
