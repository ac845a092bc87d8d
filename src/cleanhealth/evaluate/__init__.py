"""Quality evaluation against the gold benchmark in ../shared/bench (see `python -m cleanhealth.evaluate --help`)."""
