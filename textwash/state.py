"""The run-state database: what each input looked like when it was last cleaned.

An embedded SQLite file under the output folder (`_state.sqlite`) remembers, per input
path, its size, mtime, content hash, status and output, so that a scheduled run cleans
only new or changed inputs. It also keeps the per-site line counts behind template
detection, the template lines the corpus was last cleaned with (so inputs whose template
lines changed are cleaned again), and one row per run. It stores no document text.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STATE_FILE = "_state.sqlite"
# Bound on the parameters of one `IN (...)` query (SQLite allows at least 999).
_PATHS_PER_QUERY = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS inputs (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT,
    status TEXT NOT NULL,
    reason TEXT,
    output TEXT,
    documents INTEGER NOT NULL DEFAULT 0,
    run_id TEXT NOT NULL,
    settings TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    summary TEXT
);
CREATE TABLE IF NOT EXISTS template_docs (
    path TEXT NOT NULL,
    site TEXT NOT NULL,
    doc_hash TEXT NOT NULL,
    PRIMARY KEY (path, site, doc_hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS template_lines (
    site TEXT NOT NULL,
    line_key TEXT NOT NULL,
    doc_hash TEXT NOT NULL,
    PRIMARY KEY (site, line_key, doc_hash)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS template_lines_by_doc ON template_lines (site, doc_hash);
CREATE INDEX IF NOT EXISTS template_docs_by_doc ON template_docs (site, doc_hash);
-- The template line keys of the last finished run ('applied') and of the run in
-- progress ('pending', owned by the run named in template_keys_pending_run; left behind
-- by an interrupted run, whose committed batches used them).
CREATE TABLE IF NOT EXISTS template_keys_used (
    state TEXT NOT NULL CHECK (state IN ('applied', 'pending')),
    site TEXT NOT NULL,
    line_key TEXT NOT NULL,
    PRIMARY KEY (state, site, line_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS template_keys_pending_run (run_id TEXT PRIMARY KEY);
"""


@dataclass(frozen=True, slots=True)
class InputState:
    path: str
    size: int
    mtime_ns: int
    sha256: str | None
    status: str
    reason: str | None
    output: str | None
    documents: int
    run_id: str
    # `textwash.provenance.cleaning_settings_digest` of the run that cleaned the input.
    settings: str | None = None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


class StateDB:
    """A thin wrapper over the SQLite file; one instance per run, in the flow process."""

    def __init__(self, output_dir: Path) -> None:
        output_dir.mkdir(parents=True, exist_ok=True)
        self.path = output_dir / STATE_FILE
        self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=60)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(_SCHEMA)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """State written by an older textwash lacks `inputs.settings`: add it (NULL,
        so each of those inputs is cleaned once more under the current settings)."""
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(inputs)")}
        if "settings" not in columns:
            self.conn.execute("ALTER TABLE inputs ADD COLUMN settings TEXT")

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def inputs(self) -> dict[str, InputState]:
        rows = self.conn.execute(
            "SELECT path, size, mtime_ns, sha256, status, reason, output, documents, run_id,"
            " settings FROM inputs"
        )
        return {row[0]: InputState(*row) for row in rows}

    def record_inputs(self, states: Iterable[InputState]) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO inputs (path, size, mtime_ns, sha256, status, reason,"
                " output, documents, run_id, settings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (s.path, s.size, s.mtime_ns, s.sha256, s.status, s.reason, s.output,
                     s.documents, s.run_id, s.settings)
                    for s in states
                ],
            )

    def forget_inputs(self, paths: Iterable[str]) -> None:
        with self.transaction() as conn:
            conn.executemany("DELETE FROM inputs WHERE path = ?", [(p,) for p in paths])

    # -- runs -------------------------------------------------------------------------

    def start_run(self, run_id: str, started_at: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO runs (run_id, started_at, status) VALUES (?, ?, 'running')",
                (run_id, started_at),
            )

    def mark_interrupted_runs(self) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")

    def finish_run(self, run_id: str, finished_at: str, status: str, summary: str) -> None:
        """Close the run's row; its pending template keys become the applied ones."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE run_id = ?",
                (finished_at, status, summary, run_id),
            )
            if conn.execute(
                "SELECT 1 FROM template_keys_pending_run WHERE run_id = ?", (run_id,)
            ).fetchone():
                conn.execute("DELETE FROM template_keys_used WHERE state = 'applied'")
                conn.execute(
                    "UPDATE template_keys_used SET state = 'applied' WHERE state = 'pending'"
                )
                conn.execute("DELETE FROM template_keys_pending_run")

    def previous_run(self, run_id: str) -> str | None:
        """The last finished run started before `run_id` (by start order, not by id:
        two runs in the same second have ids that sort at random)."""
        row = self.conn.execute(
            "SELECT run_id FROM runs WHERE status = 'finished'"
            " AND rowid < (SELECT rowid FROM runs WHERE run_id = ?)"
            " ORDER BY rowid DESC LIMIT 1",
            (run_id,),
        ).fetchone()
        return row[0] if row else None

    # -- template line counts ---------------------------------------------------------

    def replace_template_fingerprints(
        self, path: str, fingerprints: Iterable[tuple[str, str, list[str]]]
    ) -> None:
        """Record the (site, document hash, line keys) of one input, replacing old ones."""
        self.replace_many_template_fingerprints([(path, fingerprints)])

    def replace_many_template_fingerprints(
        self,
        inputs: Iterable[tuple[str, Iterable[tuple[str, str, list[str]]]]],
        after_each: Callable[[], None] | None = None,
    ) -> None:
        """`replace_template_fingerprints` for many inputs, in one transaction.

        The inputs' old rows are dropped first (only for inputs that have any), then all
        new rows go in with one statement per table. `after_each` is called once per
        input when the rows are written (not yet committed).
        """
        group = [(path, list(fingerprints)) for path, fingerprints in inputs]
        with self.transaction() as conn:
            self._drop_template_docs(conn, self._with_template_docs(conn, [p for p, _ in group]))
            conn.executemany(
                "INSERT OR IGNORE INTO template_docs VALUES (?, ?, ?)",
                [(path, site, doc_hash) for path, documents in group
                 for site, doc_hash, _ in documents],
            )
            conn.executemany(
                "INSERT OR IGNORE INTO template_lines VALUES (?, ?, ?)",
                sorted([(site, key, doc_hash) for _, documents in group
                        for site, doc_hash, keys in documents for key in keys]),
            )
            if after_each is not None:
                for _ in group:
                    after_each()

    @staticmethod
    def _with_template_docs(conn: sqlite3.Connection, paths: list[str]) -> list[str]:
        """Those of `paths` that have template rows (a fresh input has none to drop)."""
        found: set[str] = set()
        for start in range(0, len(paths), _PATHS_PER_QUERY):
            chunk = paths[start:start + _PATHS_PER_QUERY]
            found.update(row[0] for row in conn.execute(
                "SELECT DISTINCT path FROM template_docs WHERE path IN"
                f" ({', '.join('?' * len(chunk))})", chunk))
        return [path for path in paths if path in found]

    def forget_template_inputs(self, paths: Iterable[str]) -> None:
        with self.transaction() as conn:
            self._drop_template_docs(conn, list(paths))

    @staticmethod
    def _drop_template_docs(conn: sqlite3.Connection, paths: list[str]) -> None:
        for path in paths:
            old = conn.execute(
                "SELECT site, doc_hash FROM template_docs WHERE path = ?", (path,)
            ).fetchall()
            conn.execute("DELETE FROM template_docs WHERE path = ?", (path,))
            for site, doc_hash in old:
                still_used = conn.execute(
                    "SELECT 1 FROM template_docs WHERE site = ? AND doc_hash = ? LIMIT 1",
                    (site, doc_hash),
                ).fetchone()
                if not still_used:
                    conn.execute(
                        "DELETE FROM template_lines WHERE site = ? AND doc_hash = ?",
                        (site, doc_hash),
                    )

    def begin_template_keys(
        self, run_id: str, keys: dict[str, frozenset[str]]
    ) -> set[tuple[str, str]]:
        """Record `keys` as run `run_id`'s template keys (they become the applied ones
        when the run finishes); return the (site, key) pairs whose template status
        differs from what committed outputs may have been cleaned with: the last finished
        run's keys, and those of a run interrupted since (its committed batches used them).
        """
        now = {(site, key) for site, site_keys in keys.items() for key in site_keys}
        with self.transaction() as conn:
            states = ["applied"]
            if conn.execute("SELECT 1 FROM template_keys_pending_run").fetchone():
                states.append("pending")
            changed: set[tuple[str, str]] = set()
            for state in states:
                used = set(conn.execute(
                    "SELECT site, line_key FROM template_keys_used WHERE state = ?", (state,)
                ).fetchall())
                changed |= used ^ now
            conn.execute("DELETE FROM template_keys_used WHERE state = 'pending'")
            conn.executemany(
                "INSERT INTO template_keys_used VALUES ('pending', ?, ?)", sorted(now)
            )
            conn.execute("DELETE FROM template_keys_pending_run")
            conn.execute("INSERT INTO template_keys_pending_run VALUES (?)", (run_id,))
        return changed

    def inputs_with_template_lines(self, pairs: Iterable[tuple[str, str]]) -> set[str]:
        """Paths of the inputs with a document holding any of these (site, line key)."""
        found: set[str] = set()
        for site, key in pairs:
            found.update(path for (path,) in self.conn.execute(
                "SELECT DISTINCT d.path FROM template_lines AS l JOIN template_docs AS d"
                " ON d.site = l.site AND d.doc_hash = l.doc_hash"
                " WHERE l.site = ? AND l.line_key = ?",
                (site, key),
            ))
        return found

    def template_keys(self, min_documents: int) -> dict[str, frozenset[str]]:
        """Per site, the line keys found in at least `min_documents` distinct documents."""
        found: dict[str, set[str]] = {}
        rows = self.conn.execute(
            "SELECT site, line_key FROM template_lines GROUP BY site, line_key"
            " HAVING COUNT(*) >= ?",
            (min_documents,),
        )
        for site, key in rows:
            found.setdefault(site, set()).add(key)
        return {site: frozenset(keys) for site, keys in found.items()}
