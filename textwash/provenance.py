"""What a cleaned output depends on besides its input bytes, as one digest.

A record is a function of its input and of the cleaning settings: the pipeline version,
the thresholds in `Config` that change outputs, the vocabularies and models shipped in
`textwash/data` and `textwash/models`, and the libraries whose decisions end up in the
text (ftfy's fixes, langdetect's profiles, the charset detector, the HTML parser). The
run planner stores this digest with every input it cleans and cleans an input again
when the digest differs, so an upgraded pipeline or an edited config never leaves a
corpus mixing outputs of two settings.

It does not decide anything itself, and it does not cover template counts (those change
with the other documents of a site, see README "Incremental runs").
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata, resources
from importlib.abc import Traversable

import orjson

from textwash import __version__
from textwash.config import Config

# Config fields that only shape the work (how inputs are grouped into tasks), never
# what a record says: changing them must not re-clean a corpus.
WORK_SHAPE_FIELDS = frozenset({"batch_max_files", "batch_max_bytes"})
# Data files that shape reports, not records.
REPORT_ONLY_DATA = frozenset({"report"})
OUTPUT_LIBRARIES = ("ftfy", "langdetect", "chardet", "beautifulsoup4", "lxml")


def cleaning_settings_digest(config: Config) -> str:
    """A short hex digest of everything besides the input that decides its records."""
    output_settings = {
        name: value for name, value in config.to_dict().items()
        if name not in WORK_SHAPE_FIELDS
    }
    digest = hashlib.sha256()
    digest.update(orjson.dumps(
        {"pipeline": __version__, "config": output_settings},
        option=orjson.OPT_SORT_KEYS,
    ))
    digest.update(_shipped_files_digest().encode())
    digest.update(_library_versions().encode())
    return digest.hexdigest()[:16]


@cache
def _shipped_files_digest() -> str:
    digest = hashlib.sha256()
    for package in ("textwash.data", "textwash.models"):
        for name, data in sorted(_files(resources.files(package))):
            digest.update(f"{package}/{name}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()


def _files(folder: Traversable, prefix: str = "") -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    for entry in folder.iterdir():
        name = prefix + entry.name
        if entry.name.startswith(("_", ".")) or entry.name in REPORT_ONLY_DATA:
            continue
        if entry.is_dir():
            found.extend(_files(entry, name + "/"))
        else:
            found.append((name, entry.read_bytes()))
    return found


@cache
def _library_versions() -> str:
    versions = []
    for name in OUTPUT_LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=absent")
    return ";".join(versions)
