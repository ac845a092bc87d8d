"""Negation for web prose: NegEx-style triggers with pseudo-triggers and scope rules.

Off-the-shelf NegEx (negspacy's clinical termsets) was written for clinical notes
('denies chest pain') and over-negates health-site prose: 'not always caused by a
herniated disc', 'if the pain does not improve with physical therapy', 'rule out a
fracture'. Measured on tests/data/entities/negation_probe.tsv (see
`python -m cleanhealth.evaluate entities`). Trigger lists live in
data/negation.json; this module only applies them:
- a *pre* trigger negates entities that start after it, within WINDOW words, up to
  the end of the clause (a terminator such as 'but', or sentence punctuation);
- a *post* trigger negates the entity right before it ('pain-free', 'was ruled out');
- a *pseudo* trigger is a phrase that contains a trigger word but does not negate
  ('not only', 'no longer', 'not always', 'with or without'): its words can't trigger.
"""

from __future__ import annotations

import bisect
import json
from importlib import resources

from spacy.tokens import Doc

from .matcher import BREAK, MATCHES, NORMS

FILE = "negation.json"
# A pre-trigger reaches this many words: enough for 'no fever, chills or weight
# loss', short enough that a long sentence's later clause stays affirmed.
WINDOW = 8
# A post-trigger must follow its entity within this many words ('pain is now absent').
POST_WINDOW = 3
SENTENCE_END = frozenset({".", "!", "?", ";", ":", BREAK})
# Clause boundaries that also stop a post-trigger reaching back ('pain, but not absent').
STRONG_TERMINATORS = frozenset({"but", "however", "although", "though", "which", "who", "whereas", "while"})
# Body parts are not asserted absent by 'no tingling in my hands': they are never negated.
NEVER_NEGATED = frozenset({"ANATOMY"})


def _phrases(items: list[str]) -> list[tuple[str, ...]]:
    return sorted({tuple(p.lower().replace("n't", " not").split()) for p in items}, key=len, reverse=True)


class Negation:
    name = "cleanhealth_negation"

    def __init__(self, config: dict | None = None, labels: list[str] | None = None) -> None:
        cfg = config or json.loads(resources.files("cleanhealth.data").joinpath(FILE).read_text("utf-8"))
        self.pre = _phrases(cfg["pre"])
        self.post = _phrases(cfg["post"])
        self.pseudo = _phrases(cfg["pseudo"])
        self.terminate = _phrases(cfg["terminate"])
        self.first_words = {p[0] for group in (self.pre, self.post, self.pseudo, self.terminate) for p in group}
        # tie-break order for phrases of equal length: pseudo beats pre beats post beats terminator
        self.groups = (("pseudo", self.pseudo), ("pre", self.pre), ("post", self.post), ("term", self.terminate))
        self.table_labels = labels
        # phrases by first word, longest first, so a position costs one dict lookup
        self.by_first: dict[str, list[tuple[int, str, tuple[str, ...]]]] = {}
        order = {kind: k for k, (kind, _) in enumerate(self.groups)}
        for kind, group in self.groups:
            for p in group:
                self.by_first.setdefault(p[0], []).append((len(p), kind, p))
        for cands in self.by_first.values():
            cands.sort(key=lambda c: (-c[0], order[c[1]]))
        self.pseudo_first = {p[0] for p in self.pseudo}

    @staticmethod
    def _norm(words: list[str]) -> list[str]:
        return ["not" if w in ("n't", "n’t", "nt") else w for w in words]

    def _scan(self, words: list[str]) -> tuple[list[tuple[int, int]], list[int], list[tuple[int, int]], list[int]]:
        """Positions of pre triggers (start, end), terminators, post triggers and hard stops.

        At each position the longest phrase of any kind wins ('is not needed' over
        'is not'); a phrase that would swallow the start of a pseudo-trigger yields
        to it ('are not sure' is 'are' + pseudo 'not sure').
        """
        pre, term, post, hard = [], [], [], []
        i, n = 0, len(words)
        while i < n:
            w = words[i]
            if w in SENTENCE_END:
                term.append(i)
                hard.append(i)
                i += 1
                continue
            cands = self.by_first.get(w)
            if cands is None:
                i += 1
                continue
            best: tuple[int, str] | None = None
            for length, kind, p in cands:
                if tuple(words[i:i + length]) == p:
                    best = (length, kind)
                    break
            if best is None:
                i += 1
                continue
            length, kind = best
            if kind != "pseudo" and any(self._starts_pseudo(words, j) for j in range(i + 1, i + length)):
                i += 1
                continue
            if kind == "pre":
                pre.append((i, i + length))
            elif kind == "post":
                post.append((i, i + length))
            elif kind == "term":
                term.append(i)
                if words[i] in STRONG_TERMINATORS:
                    hard.append(i)
            i += length
        return pre, term, post, hard

    def _scan_around(self, words: list[str], spans: list[tuple[int, int]]):
        """`_scan` restricted to the sentences that hold entities (most words hold none)."""
        if not spans:
            return [], [], [], []
        bounds = [i for i, w in enumerate(words) if w in SENTENCE_END]
        wanted: set[int] = set()
        for start, _ in spans:
            wanted.add(bisect.bisect_right(bounds, start - 1))
        pre, term, post, hard = [], [], [], []
        for k in sorted(wanted):
            lo = bounds[k - 1] + 1 if k > 0 else 0
            hi = bounds[k] if k < len(bounds) else len(words)
            p, t, q, h = self._scan(words[lo:hi])
            pre += [(a + lo, b + lo) for a, b in p]
            post += [(a + lo, b + lo) for a, b in q]
            term += [a + lo for a in t] + [hi]
            hard += [a + lo for a in h] + [hi]
        return pre, term, post, hard

    def _starts_pseudo(self, words: list[str], j: int) -> bool:
        if words[j] not in self.pseudo_first:
            return False
        return any(kind == "pseudo" and tuple(words[j:j + length]) == p for length, kind, p in self.by_first[words[j]])

    def negated(self, words: list[str], spans: list[tuple[int, int]]) -> list[bool]:
        """For entity spans over `words` (normalised), whether each is negated."""
        words = self._norm(words)
        pre, term, post, hard = self._scan_around(words, spans)
        out = []
        for start, end in spans:
            neg = False
            for ts, te in pre:
                if te <= start and start - te < WINDOW and not any(te <= t < start for t in term):
                    neg = True
                    break
            if not neg:
                for ts, te in post:
                    if ts >= end and ts - end < POST_WINDOW and not any(end <= t < ts for t in hard):
                        neg = True
                        break
            out.append(neg)
        return out

    def __call__(self, doc: Doc) -> Doc:
        matches = doc.user_data[MATCHES]
        if matches:
            flags = self.negated(doc.user_data[NORMS], [(m.start, m.end) for m in matches])
            labels = self.table_labels
            for m, flag in zip(matches, flags):
                m.negated = flag and not (labels is not None and labels[m.concept] in NEVER_NEGATED)
        return doc
