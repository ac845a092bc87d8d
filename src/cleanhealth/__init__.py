"""cleanhealth: scraped health web pages in, a clean analysis-ready dataset out.

    import cleanhealth
    tables = cleanhealth.load("output/")
    tables.documents.head()
"""

from __future__ import annotations

__version__ = "0.1.0"

from .load import Tables, load  # noqa: E402

__all__ = ["Tables", "load", "__version__"]
