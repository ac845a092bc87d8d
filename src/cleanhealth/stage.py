"""The base class every pipeline stage derives from (after datatrove's BaseFilter).

A stage has a `name` and one job, implemented in `process(doc)`. The base class
does the bookkeeping so that no stage has to: it skips documents an earlier step
already gave up on, times the stage, turns an exception into a `failed` row rather
than a crashed run, and counts what the stage removed, by reason, into the
document's own `stats` (so counts add up across any executor).
"""

from __future__ import annotations

import time
import traceback
from typing import ClassVar

from .document import STATUS_FAILED, STATUS_OK, Document, Removed
from .errors import Errors
from .reasons import check_reason


class Stage:
    """One step of the per-document pipeline. Subclasses implement `process`."""

    name: ClassVar[str] = "stage"

    def __call__(self, doc: Document) -> Document:
        if doc.status != STATUS_OK:
            return doc
        removed_before = len(doc.removed)
        started = time.perf_counter()
        try:
            doc = self.process(doc)
        except Exception as exc:  # one bad page must not end the run
            doc.status = STATUS_FAILED
            detail = f"{type(exc).__name__}: {exc}".strip()
            doc.error = Errors.E201.format(stage=self.name, detail=detail[:500])
            doc.metadata["traceback"] = traceback.format_exc(limit=8)
        doc.timings[self.name] = doc.timings.get(self.name, 0.0) + time.perf_counter() - started
        doc.stats[f"{self.name}.documents"] += 1
        for span in doc.removed[removed_before:]:
            doc.stats[f"{self.name}.removed.{span.reason}"] += 1
            doc.stats[f"{self.name}.removed_chars"] += len(span.text)
        return doc

    def process(self, doc: Document) -> Document:  # pragma: no cover - abstract
        raise NotImplementedError

    def remove(self, doc: Document, text: str, reason: str, score: float | None = None) -> None:
        """Record a cut span on the document, under this stage's name."""
        if text.strip():
            doc.removed.append(Removed(text=text, reason=check_reason(reason), stage=self.name, score=score))
