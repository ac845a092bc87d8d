"""cleanhealth: scraped health web pages in, a clean analysis-ready dataset out.

    import cleanhealth
    tables = cleanhealth.load("output/")
    tables.documents.head()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from pathlib import Path

    from .dataset import Tables


def load(path: "str | Path", columns: dict[str, list[str]] | None = None) -> "Tables":
    """Read every table of an output folder as pandas DataFrames (see dataset.load).

    Imported lazily: pandas takes ~0.7 s to import, and workers, the tagger and the
    CLI's other commands never need it.
    """
    from .dataset import load as load_dataset

    return load_dataset(path, columns)


def __getattr__(name: str) -> Any:
    if name == "Tables":
        from .dataset import Tables

        return Tables
    raise AttributeError(f"module 'cleanhealth' has no attribute {name!r}")


__all__ = ["Tables", "load", "__version__"]
