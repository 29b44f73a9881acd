"""textwash: turn scraped web documents into clean, normalized JSONL corpora.

The public API is re-exported here; each stage lives in its own module
(`decode`, `repair`, `html`, `boilerplate`, `language`, `normalize`, `records`).
"""

__version__ = "0.2.0"

from textwash.language import detect_language, detect_languages  # noqa: E402
from textwash.pipeline import clean_document  # noqa: E402
from textwash.repair import decode_and_repair  # noqa: E402

__all__ = [
    "__version__",
    "clean_document",
    "decode_and_repair",
    "detect_language",
    "detect_languages",
]
