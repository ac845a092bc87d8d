"""The per-document function: one Page in, one finished Document out.

`process_page` is pure (it reads nothing but its arguments and writes nothing), so
any executor can map it: in-process, a process pool, or Dask workers. Heavy
objects (the spaCy tagger) are built once per process behind `functools.cache`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache

from .config import EMPTY as EMPTY_CONFIG, Config, config_stages
from .document import Document, Page
from .extract import ExtractStage
from .language import LanguageStage
from .segment import SegmentStage
from .stage import Stage
from .tag import TagStage


@dataclass(frozen=True)
class Options:
    """Everything that changes a run's output. Hashed to decide whether a shard can be reused."""

    tag_entities: bool = True
    max_file_bytes: int = 64 * 1024 * 1024
    max_decompressed_bytes: int = 256 * 1024 * 1024
    max_page_bytes: int = 16 * 1024 * 1024
    max_depth: int = 1000  # deepest markup nesting read (read.DEFAULT_MAX_DEPTH: why 1,000)
    config: Config = EMPTY_CONFIG  # the user's cleanhealth.toml (see config.py); part of the shard key

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class RunContext:
    """What a document needs to know about the rest of the run.

    Built by a cheap pre-pass over the corpus; passed unchanged to every worker so
    that `process_page` stays pure. `template_lines` holds hashes of lines that recur
    on many pages of the run (site template text).
    """

    options: Options = Options()
    template_lines: frozenset[int] = frozenset()


@cache
def build_stages(context: RunContext) -> tuple[Stage, ...]:
    """The stages for a run, built once per process and context."""
    extra = config_stages(context.options.config)  # empty lists when there is no config
    stages: list[Stage] = [*extra["before_extract"], ExtractStage(context), *extra["after_extract"],
                           LanguageStage(), SegmentStage()]
    if context.options.tag_entities:
        stages.append(TagStage())
        stages.extend(extra["after_tag"])
    return tuple(stages)


def process_page(page: Page, context: RunContext = RunContext()) -> Document:
    """Run every stage over one page. Never raises for a bad page: see Document.status."""
    doc = Document.from_page(page)
    for stage in build_stages(context):
        doc = stage(doc)
    return doc
