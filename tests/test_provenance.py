"""Outputs made under other cleaning settings are cleaned again; work-shape settings
and unchanged settings leave unchanged inputs alone."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from tests.library_run import run_corpus
from textwash.config import Config
from textwash.inputs import discover
from textwash.provenance import cleaning_settings_digest
from textwash.runner import plan_work
from textwash.state import STATE_FILE, StateDB

ARTICLE = (
    "A harbour town votes on its new sea wall\n\n"
    "The council met on Tuesday evening to decide how the town should protect its "
    "harbour from winter storms, after two floods in three years.\n\n"
    "Residents asked for a wall that keeps the view of the bay open to everyone.\n"
)


def _corpus(root: Path, count: int = 3) -> Path:
    root.mkdir()
    for index in range(count):
        (root / f"article-{index}.txt").write_text(ARTICLE.replace("Tuesday", f"day {index}"))
    return root


def test_digest_is_stable_and_ignores_how_work_is_batched():
    config = Config()
    assert cleaning_settings_digest(config) == cleaning_settings_digest(Config())
    assert cleaning_settings_digest(replace(config, batch_max_files=7)) \
        == cleaning_settings_digest(config)
    assert cleaning_settings_digest(replace(config, template_min_documents=5)) \
        != cleaning_settings_digest(config)
    assert cleaning_settings_digest(replace(config, language_max_chars=500)) \
        != cleaning_settings_digest(config)


def test_changed_cleaning_settings_clean_unchanged_inputs_again(tmp_path: Path):
    raw = _corpus(tmp_path / "raw")
    out = tmp_path / "clean"
    assert run_corpus(raw, out)["staged_writes"] == 3
    assert run_corpus(raw, out)["staged_writes"] == 0
    stricter = replace(Config(), template_min_documents=5)
    assert run_corpus(raw, out, config=stricter)["staged_writes"] == 3
    assert run_corpus(raw, out, config=stricter)["staged_writes"] == 0


def test_batching_settings_do_not_clean_unchanged_inputs_again(tmp_path: Path):
    raw = _corpus(tmp_path / "raw")
    out = tmp_path / "clean"
    run_corpus(raw, out)
    rebatched = replace(Config(), batch_max_files=1, batch_max_bytes=1024)
    assert run_corpus(raw, out, config=rebatched, max_files=1)["staged_writes"] == 0


def test_state_from_before_settings_were_recorded_is_upgraded_and_cleaned_once(
    tmp_path: Path,
):
    raw = _corpus(tmp_path / "raw")
    out = tmp_path / "clean"
    run_corpus(raw, out)
    conn = sqlite3.connect(out / STATE_FILE)
    conn.execute("ALTER TABLE inputs DROP COLUMN settings")
    conn.commit()
    conn.close()

    state = StateDB(out)
    known = state.inputs()
    state.close()
    assert {item.settings for item in known.values()} == {None}
    plan = plan_work(discover(raw), known, full=False,
                     settings=cleaning_settings_digest(Config()))
    assert (len(plan.to_clean), len(plan.unchanged), plan.outdated) == (3, 0, 3)

    assert run_corpus(raw, out)["staged_writes"] == 3
    assert run_corpus(raw, out)["staged_writes"] == 0
