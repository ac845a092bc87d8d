"""Exact and near-duplicate pages across a whole run (MinHash LSH, datasketch).

Crawls hold the same article many times: mirrors, syndicated copies, print views,
the same page fetched under two URLs with a different date line. Duplicates are
corpus-level facts, so they are found after every shard is written, from the
shards' `documents` files (only `doc_id`, `status` and `text` are read, file by
file). The first occurrence in the run's stable order (shard order, then row
order: sorted input paths, then record index) is the original; every later copy
gets `duplicate_of` = the original's doc_id and the flag 'duplicate'. Rows are
never dropped: the analyst decides.

Shard files are never modified (they are reused by later runs whose other shards
may differ); `mark_duplicates` writes a rewritten copy for the run instead.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

# Word n-grams hashed into the MinHash. Five words is the usual choice for web
# near-duplicate detection (Broder 1997; datatrove's and dolma's MinHash dedup use
# 5-grams): short enough that a changed date line breaks only a few shingles, long
# enough that two different articles on one topic share few.
SHINGLE_WORDS = 5
# Permutations per signature: 128 gives a Jaccard estimate within about +/-0.09
# (1/sqrt(128)) at 1 kB per document.
NUM_PERM = 128
# Estimated Jaccard similarity of shingle sets above which a page is a near copy.
# 0.8 is the threshold used by datatrove's and the BigCode MinHash pipelines; a
# page that differs from another by one sentence in twenty stays above it.
NEAR_THRESHOLD = 0.8
# Texts with fewer words than this are compared exactly only: a handful of shingles
# makes MinHash estimates meaningless (two short stubs look alike by chance).
MIN_WORDS_FOR_NEAR = 30
# Shingles hashed into a signature at a time (NUM_PERM x 8 bytes each: 4 MB a batch).
MINHASH_BATCH = 4096
# Fixed seed: the same run always draws the same permutations (determinism).
SEED = 1
FLAG_DUPLICATE = "duplicate"
STATUS_OK = "ok"

WORD = re.compile(r"\w+", re.UNICODE)

Duplicates = dict[str, tuple[str, float]]  # doc_id -> (duplicate_of doc_id, similarity)


def words_of(text: str) -> list[str]:
    """Lower-cased words: case, punctuation and spacing do not make a page different."""
    return WORD.findall(text.lower())


# Mixing multiplier for rolling word hashes into shingle hashes (a prime < 2^21 so
# that hash * multiplier stays below 2^53 and exact in uint64).
SHINGLE_MULTIPLIER = 1_000_003
HASH_MASK = 0xFFFFFFFF


def shingle_hashes(words: list[str]) -> "np.ndarray":
    """32-bit hashes of the distinct word n-grams of a text.

    Words are hashed once (crc32: stable across processes and Python versions, unlike
    hash()) and combined into n-gram hashes with numpy, about 10x faster than
    hashing each n-gram string with sha1 as datasketch does by default.
    """
    ids = np.fromiter((zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64,
                      count=len(words))
    n = min(SHINGLE_WORDS, len(ids))
    width = len(ids) - n + 1
    combined = np.zeros(width, dtype=np.uint64)
    for k in range(n):
        combined = (combined * np.uint64(SHINGLE_MULTIPLIER) + ids[k:k + width]) & np.uint64(HASH_MASK)
    return np.unique(combined)


@lru_cache(maxsize=1)
def _permutations() -> tuple:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32").permutations


def minhash_of(words: list[str]):
    """The MinHash signature of a text's word n-grams (fixed seed and permutations)."""
    from datasketch import MinHash

    signature = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int,  # values are already hashes
                        permutations=_permutations(), scheme="affine32")
    hashes = shingle_hashes(words)
    # update_batch holds NUM_PERM values per shingle in several temporary arrays (a
    # 50,000-word page: ~50 MB each); in batches the peak stays a few MB, and the
    # signature (a running minimum) is the same.
    for start in range(0, len(hashes), MINHASH_BATCH):
        signature.update_batch(hashes[start:start + MINHASH_BATCH])
    return signature


# The per-shard side file of dedup facts, written by the worker beside the shard's
# tables so that the parent only looks signatures up (it used to hash every text
# itself, ~3 ms a page on one core while the workers waited). Not a dataset table.
DEDUP_FILE = "dedup.parquet"
DEDUP_SCHEMA = pa.schema([("doc_id", pa.string()), ("key", pa.binary()), ("signature", pa.binary())])


def signature_row(doc_id: str, text: str) -> dict | None:
    """What the duplicate finder needs of one text: its exact key (sha1 of its
    lower-cased words) and MinHash values as bytes (None below MIN_WORDS_FOR_NEAR
    words); None for a text without words."""
    words = words_of(text)
    if not words:
        return None
    key = hashlib.sha1(" ".join(words).encode("utf-8")).digest()
    signature = None
    if len(words) >= MIN_WORDS_FOR_NEAR:  # affine32 values are below 2**32
        signature = minhash_of(words).hashvalues.astype(np.uint32).tobytes()
    return {"doc_id": doc_id, "key": key, "signature": signature}


def minhash_from_bytes(data: bytes):
    """The MinHash whose values signature_row stored."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=np.frombuffer(data, dtype=np.uint32),
                   permutations=_permutations(), scheme="affine32")


def write_signatures(rows: list[dict], path: Path) -> None:
    """The shard's dedup side file (rows in the shard's documents order)."""
    pq.write_table(pa.Table.from_pylist(rows, schema=DEDUP_SCHEMA), path, compression="zstd")


class DuplicateFinder:
    """Feed documents in the run's stable order; ask which are copies of earlier ones.

    Only originals are indexed, so `duplicate_of` always names a page that is not
    itself a duplicate.
    """

    def __init__(self, threshold: float = NEAR_THRESHOLD) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.exact: dict[bytes, str] = {}
        self.signatures: dict[str, object] = {}
        self.order: dict[str, int] = {}
        self.found: Duplicates = {}

    def add(self, doc_id: str, text: str) -> tuple[str, float] | None:
        """Register one document; return (original doc_id, similarity) if it is a copy."""
        row = signature_row(doc_id, text)
        if row is None:
            if doc_id not in self.order:
                self.order[doc_id] = len(self.order)
            return self.found.get(doc_id)
        return self.add_signed(doc_id, row["key"], row["signature"])

    def add_signed(self, doc_id: str, key: bytes, signature_bytes: bytes | None) -> tuple[str, float] | None:
        """`add` from what signature_row computed (in a worker): the exact key of the
        text's words and its MinHash values (None for texts too short to compare)."""
        if doc_id in self.order:
            return self.found.get(doc_id)  # the same row seen twice: nothing new
        self.order[doc_id] = len(self.order)
        original = self.exact.get(key)
        if original is not None:
            self.found[doc_id] = (original, 1.0)
            return self.found[doc_id]
        self.exact[key] = doc_id
        if signature_bytes is None:
            return None
        signature = minhash_from_bytes(signature_bytes)
        best: tuple[float, int, str] | None = None
        for candidate in self.lsh.query(signature):
            similarity = signature.jaccard(self.signatures[candidate])
            if similarity < self.threshold:
                continue
            rank = (similarity, -self.order[candidate], candidate)
            if best is None or rank > best:
                best = rank
        if best is not None:
            self.found[doc_id] = (best[2], round(best[0], 4))
            return self.found[doc_id]
        self.lsh.insert(doc_id, signature)
        self.signatures[doc_id] = signature
        return None


def find_duplicates(shard_document_paths: list[Path], threshold: float = NEAR_THRESHOLD) -> Duplicates:
    """Map each duplicate page's doc_id to (the original's doc_id, similarity).

    `shard_document_paths` are the shards' documents Parquet files in shard order.
    Only pages with status 'ok' and some text take part. Exact copies (same words
    after lower-casing) have similarity 1.0; near copies the MinHash estimate.
    """
    finder = DuplicateFinder(threshold)
    for path in shard_document_paths:
        if not Path(path).is_file():
            continue
        signed = Path(path).with_name(DEDUP_FILE)
        if signed.is_file():  # computed by the worker that wrote the shard
            table = pq.read_table(signed)
            for doc_id, key, signature in zip(*(table.column(i).to_pylist() for i in range(3))):
                finder.add_signed(doc_id, key, signature)
            continue
        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(columns=["doc_id", "status", "text"], batch_size=1024):
            ids, statuses, texts = (batch.column(i).to_pylist() for i in range(3))
            for doc_id, status, text in zip(ids, statuses, texts):
                if status == STATUS_OK and text:
                    finder.add(doc_id, text)
    return finder.found


def mark_duplicates(src: Path, dst: Path, duplicates: Duplicates) -> bool:
    """Write `src` (a documents file) to `dst` with duplicate_of and the flag set.

    Returns False, writing nothing, when no row of `src` is a duplicate (the caller
    then links the shard file unchanged).
    """
    table = pq.read_table(src)
    ids = table.column("doc_id").to_pylist()
    if not any(doc_id in duplicates for doc_id in ids):
        return False
    current = table.column("duplicate_of").to_pylist()
    flags = table.column("flags").to_pylist()
    new_dup, new_flags = [], []
    for doc_id, dup, fl in zip(ids, current, flags):
        hit = duplicates.get(doc_id)
        fl = list(fl or [])
        if hit is not None:
            dup = hit[0]
            if FLAG_DUPLICATE not in fl:
                fl.append(FLAG_DUPLICATE)
        new_dup.append(dup)
        new_flags.append(fl)
    schema = table.schema
    table = table.set_column(schema.get_field_index("duplicate_of"), schema.field("duplicate_of"),
                             pa.array(new_dup, type=schema.field("duplicate_of").type))
    table = table.set_column(schema.get_field_index("flags"), schema.field("flags"),
                             pa.array(new_flags, type=schema.field("flags").type))
    tmp = dst.with_name(dst.name + ".tmp")
    pq.write_table(table, tmp, compression="zstd")
    tmp.replace(dst)
    return True


__all__ = ["find_duplicates", "mark_duplicates", "DuplicateFinder", "NEAR_THRESHOLD", "signature_row",
           "write_signatures", "DEDUP_FILE"]
