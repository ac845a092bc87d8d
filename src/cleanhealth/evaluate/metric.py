"""The benchmark's metric, identical to ../shared/bench/score.py so figures compare.

Bag-of-words precision, recall and F1 per page (lower-cased \\w+ tokens, multiset
overlap), averaged over pages; for WCXB also the share of must-include snippets
found and of must-exclude snippets leaked (whitespace-folded, lower-cased substring).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

TOKEN = re.compile(r"\w+")
SPACE = re.compile(r"\s+")


def tokens(text: str) -> Counter[str]:
    return Counter(TOKEN.findall(text.lower()))


def prf(gold: str, pred: str) -> tuple[float, float, float]:
    g, p = tokens(gold), tokens(pred)
    inter = sum((g & p).values())
    precision = inter / sum(p.values()) if p else 0.0
    recall = inter / sum(g.values()) if g else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def fold(text: str) -> str:
    return SPACE.sub(" ", text).lower()


@dataclass
class PageScore:
    page_id: str
    precision: float
    recall: float
    f1: float
    include_found: int = 0
    include_total: int = 0
    exclude_leaked: int = 0
    exclude_total: int = 0
    leaked: list[str] = field(default_factory=list)


def score_page(page_id: str, gold: str, pred: str, snippets: dict | None = None) -> PageScore:
    p, r, f = prf(gold, pred)
    score = PageScore(page_id, p, r, f)
    if snippets:
        flat = fold(pred)
        for snippet in snippets.get("with", []):
            score.include_total += 1
            score.include_found += fold(snippet) in flat
        for snippet in snippets.get("without", []):
            score.exclude_total += 1
            if fold(snippet) in flat:
                score.exclude_leaked += 1
                score.leaked.append(snippet)
    return score


@dataclass
class Summary:
    pages: int
    precision: float
    recall: float
    f1: float
    must_include_found: float | None
    must_exclude_leaked: float | None

    def line(self) -> str:
        out = f"pages={self.pages} precision={self.precision:.4f} recall={self.recall:.4f} f1={self.f1:.4f}"
        if self.must_include_found is not None:
            out += (f" must_include_found={self.must_include_found:.4f}"
                    f" must_exclude_leaked={self.must_exclude_leaked:.4f}")
        return out


def summarize(scores: list[PageScore]) -> Summary:
    n = len(scores) or 1
    inc = sum(s.include_total for s in scores)
    exc = sum(s.exclude_total for s in scores)
    return Summary(
        pages=len(scores),
        precision=sum(s.precision for s in scores) / n,
        recall=sum(s.recall for s in scores) / n,
        f1=sum(s.f1 for s in scores) / n,
        must_include_found=sum(s.include_found for s in scores) / inc if inc else None,
        must_exclude_leaked=sum(s.exclude_leaked for s in scores) / max(exc, 1) if inc or exc else None,
    )
