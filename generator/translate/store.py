"""The SQLite translation memory under `STATE_DIR` (`.callpack/memory.sqlite`).

Two tables hold what matters:
- `entries`: source → English pairs with provenance (reviewed entries come from the TMX files in
  `glossary/memory/` and from XLIFF imports; MT entries are cached per engine so a second run is
  instant). Lookups use `source_key()`: NFKC, punctuation width and spacing normalized.
- `segments`: the latest translation of every segment id, with provenance and state. A reviewed
  segment is never overwritten by anything but another reviewed translation.

The database is working state: delete it and it is rebuilt from the TMX files (MT entries and
unexported XLIFF imports are lost, so export those with `callpack memory export --tmx`).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import TranslationError
from ..paths import MEMORY_DIR, STATE_DIR
from ..segments import Provenance, Segment, State, Translation
from .text import source_key
from .tmx import TmxUnit, read_tmx

if TYPE_CHECKING:
    from ..model import Guide

DEFAULT_DB = STATE_DIR / "memory.sqlite"
FUZZY_THRESHOLD = 0.75

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,
    source_key TEXT NOT NULL,
    zh TEXT NOT NULL,
    en TEXT NOT NULL,
    provenance TEXT NOT NULL,
    state TEXT NOT NULL,
    segment_id TEXT,
    note TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL DEFAULT '',
    engine TEXT NOT NULL DEFAULT '',
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_key ON entries (source_key, provenance);
CREATE UNIQUE INDEX IF NOT EXISTS entries_mt ON entries (source_key, engine) WHERE provenance = 'mt';
CREATE TABLE IF NOT EXISTS segments (
    segment_id TEXT PRIMARY KEY,
    zh TEXT NOT NULL,
    source_key TEXT NOT NULL,
    en TEXT,
    provenance TEXT NOT NULL,
    state TEXT NOT NULL,
    note TEXT,
    updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS imports (
    path TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    units INTEGER NOT NULL,
    imported TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class MemoryEntry:
    zh: str
    en: str
    provenance: Provenance
    state: State
    segment_id: str | None
    note: str
    origin: str
    engine: str = ""


@dataclass(frozen=True)
class FuzzyMatch:
    entry: MemoryEntry
    score: float


@dataclass(frozen=True)
class SyncResult:
    imported: list[str]
    removed: list[str]
    units: int


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


class TranslationMemory:
    """The memory database. Use as a context manager or call `close()`."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or DEFAULT_DB
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(str(self.path), timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as error:
            raise TranslationError(f"cannot open the translation memory: {error}", self.path) from None
        self.db.row_factory = sqlite3.Row
        self._fuzzy_index: tuple[list[MemoryEntry], dict[str, list[int]]] | None = None

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # -- reviewed memory from TMX -------------------------------------------------------------
    def sync_tmx(self, memory_dir: Path | None = None) -> SyncResult:
        """Import the TMX files of `memory_dir` whose content changed (by SHA-256); drop removed ones."""
        directory = memory_dir or MEMORY_DIR
        files = sorted(directory.glob("*.tmx")) if directory.is_dir() else []
        known = {row["path"]: row["sha256"] for row in self.db.execute("SELECT path, sha256 FROM imports")}
        current = {str(path.resolve()): path for path in files}
        imported: list[str] = []
        removed: list[str] = []
        total = 0
        # Parse everything before writing, so a malformed file changes nothing.
        pending: list[tuple[str, str, list[TmxUnit]]] = []
        for key, path in current.items():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if known.get(key) != digest:
                pending.append((key, digest, read_tmx(path)))
        with self.db:
            for key in set(known) - set(current):
                self.db.execute("DELETE FROM entries WHERE origin = ?", (key,))
                self.db.execute("DELETE FROM imports WHERE path = ?", (key,))
                removed.append(key)
            for key, digest, units in pending:
                self.db.execute("DELETE FROM entries WHERE origin = ?", (key,))
                for unit in units:
                    provenance = Provenance.REVIEWED
                    state = (
                        State(unit.state) if unit.state in (State.REVIEWED, State.FINAL) else State.REVIEWED
                    )
                    self._insert(unit.zh, unit.en, provenance, state, unit.segment_id, unit.note, key)
                self.db.execute(
                    "INSERT OR REPLACE INTO imports (path, sha256, units, imported) VALUES (?, ?, ?, ?)",
                    (key, digest, len(units), _now()),
                )
                imported.append(key)
                total += len(units)
        if imported or removed:
            self._fuzzy_index = None
        return SyncResult(imported=imported, removed=removed, units=total)

    # -- writing --------------------------------------------------------------------------
    def _insert(
        self,
        zh: str,
        en: str,
        provenance: Provenance,
        state: State,
        segment_id: str | None,
        note: str,
        origin: str,
        engine: str = "",
    ) -> None:
        self.db.execute(
            "INSERT INTO entries (source_key, zh, en, provenance, state, segment_id, note, origin, engine, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                source_key(zh),
                zh,
                en,
                provenance.value,
                state.value,
                segment_id,
                note or "",
                origin,
                engine,
                _now(),
            ),
        )

    def apply_reviewed(self, items: Iterable[tuple[Segment, Translation]], origin: str) -> int:
        """Store translators' reviewed translations as memory entries and segment rows, in one transaction."""
        pairs = [(segment, translation) for segment, translation in items if translation.en]
        with self.db:
            for segment, translation in pairs:
                assert translation.en is not None
                self.db.execute(
                    "DELETE FROM entries WHERE provenance = 'reviewed' AND source_key = ? AND origin = ?"
                    " AND ifnull(segment_id, '') = ?",
                    (source_key(segment.zh), origin, segment.id),
                )
                self._insert(
                    segment.zh,
                    translation.en,
                    Provenance.REVIEWED,
                    translation.state,
                    segment.id,
                    translation.note or "",
                    origin,
                )
                self.db.execute(
                    "INSERT OR REPLACE INTO segments (segment_id, zh, source_key, en, provenance, state, note, updated)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        segment.id,
                        segment.zh,
                        source_key(segment.zh),
                        translation.en,
                        Provenance.REVIEWED.value,
                        translation.state.value,
                        translation.note,
                        _now(),
                    ),
                )
        self._fuzzy_index = None
        return len(pairs)

    def add_mt(self, items: Iterable[tuple[str, str, str]], engine: str) -> None:
        """Cache MT output: (zh, en, note) per source, keyed by engine."""
        with self.db:
            for zh, en, note in items:
                self.db.execute(
                    "INSERT INTO entries (source_key, zh, en, provenance, state, segment_id, note, origin, engine, updated)"
                    " VALUES (?, ?, ?, 'mt', 'translated', NULL, ?, 'mt', ?, ?)"
                    " ON CONFLICT (source_key, engine) WHERE provenance = 'mt'"
                    " DO UPDATE SET en = excluded.en, note = excluded.note, updated = excluded.updated",
                    (source_key(zh), zh, en, note or "", engine, _now()),
                )

    def record_segments(self, pairs: Iterable[tuple[Segment, Translation]]) -> int:
        """Store the latest translation per segment; returns how many rows changed.

        A reviewed segment whose source has not changed is kept when the new translation is not
        reviewed: MT never overwrites a translator's work.
        """
        changed = 0
        with self.db:
            for segment, translation in pairs:
                key = source_key(segment.zh)
                row = self.db.execute(
                    "SELECT source_key, provenance, en, state, note FROM segments WHERE segment_id = ?",
                    (segment.id,),
                ).fetchone()
                if (
                    row is not None
                    and row["provenance"] == Provenance.REVIEWED
                    and row["source_key"] == key
                    and translation.provenance != Provenance.REVIEWED
                ):
                    continue
                if (
                    row is not None
                    and (row["en"], row["provenance"], row["state"], row["note"])
                    == (
                        translation.en,
                        translation.provenance.value,
                        translation.state.value,
                        translation.note,
                    )
                    and row["source_key"] == key
                ):
                    continue
                self.db.execute(
                    "INSERT OR REPLACE INTO segments (segment_id, zh, source_key, en, provenance, state, note, updated)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        segment.id,
                        segment.zh,
                        key,
                        translation.en,
                        translation.provenance.value,
                        translation.state.value,
                        translation.note,
                        _now(),
                    ),
                )
                changed += 1
        return changed

    # -- reading --------------------------------------------------------------------------
    @staticmethod
    def _entry(row: sqlite3.Row) -> MemoryEntry:
        return MemoryEntry(
            zh=row["zh"],
            en=row["en"],
            provenance=Provenance(row["provenance"]),
            state=State(row["state"]),
            segment_id=row["segment_id"],
            note=row["note"],
            origin=row["origin"],
            engine=row["engine"],
        )

    def exact(self, zh: str, segment_id: str | None = None) -> MemoryEntry | None:
        """The reviewed entry for `zh`; the one reviewed for `segment_id` first, then the newest."""
        rows = self.db.execute(
            "SELECT * FROM entries WHERE source_key = ? AND provenance = 'reviewed'"
            " ORDER BY (ifnull(segment_id, '') = ?) DESC, id DESC",
            (source_key(zh), segment_id or ""),
        ).fetchall()
        return self._entry(rows[0]) if rows else None

    def exact_many(self, keys: Iterable[str]) -> dict[str, list[MemoryEntry]]:
        """Reviewed entries by source key (already normalized), newest first."""
        wanted = set(keys)
        found: dict[str, list[MemoryEntry]] = {}
        for row in self.db.execute("SELECT * FROM entries WHERE provenance = 'reviewed' ORDER BY id DESC"):
            if row["source_key"] in wanted:
                found.setdefault(row["source_key"], []).append(self._entry(row))
        return found

    def mt_cache(self, engine: str) -> dict[str, MemoryEntry]:
        rows = self.db.execute("SELECT * FROM entries WHERE provenance = 'mt' AND engine = ?", (engine,))
        return {row["source_key"]: self._entry(row) for row in rows}

    def entries(self, provenance: Provenance | None = None) -> Iterator[MemoryEntry]:
        if provenance is None:
            rows = self.db.execute("SELECT * FROM entries ORDER BY id")
        else:
            rows = self.db.execute(
                "SELECT * FROM entries WHERE provenance = ? ORDER BY id", (provenance.value,)
            )
        for row in rows:
            yield self._entry(row)

    def segment_rows(self) -> dict[str, Translation]:
        """The stored translation of every segment id, with the source key it was made for."""
        result: dict[str, Translation] = {}
        for row in self.db.execute("SELECT * FROM segments"):
            result[row["segment_id"]] = Translation(
                segment_id=row["segment_id"],
                en=row["en"],
                provenance=Provenance(row["provenance"]),
                state=State(row["state"]),
                note=row["note"],
            )
        return result

    def segment_source_keys(self) -> dict[str, str]:
        return {row[0]: row[1] for row in self.db.execute("SELECT segment_id, source_key FROM segments")}

    def fuzzy(self, zh: str, threshold: float = FUZZY_THRESHOLD, limit: int = 3) -> list[FuzzyMatch]:
        """Reviewed entries similar to `zh` (suggestions only, never used as a translation)."""
        if self._fuzzy_index is None:
            entries = list(self.entries(Provenance.REVIEWED))
            index: dict[str, list[int]] = {}
            for number, entry in enumerate(entries):
                for gram in _bigrams(source_key(entry.zh)):
                    index.setdefault(gram, []).append(number)
            self._fuzzy_index = (entries, index)
        entries, index = self._fuzzy_index
        key = source_key(zh)
        grams = _bigrams(key)
        shared: dict[int, int] = {}
        for gram in grams:
            for number in index.get(gram, ()):
                shared[number] = shared.get(number, 0) + 1
        matches: list[FuzzyMatch] = []
        # Dice coefficient on bigrams bounds the candidates before the exact ratio is computed.
        candidates = sorted(shared.items(), key=lambda item: -item[1])[:20]
        for number, count in candidates:
            entry = entries[number]
            other = source_key(entry.zh)
            if other == key or 2 * count / (len(grams) + len(_bigrams(other))) < threshold - 0.15:
                continue
            score = SequenceMatcher(None, key, other, autojunk=False).ratio()
            if score >= threshold:
                matches.append(FuzzyMatch(entry, round(score, 3)))
        matches.sort(key=lambda match: -match.score)
        return matches[:limit]


def open_memory(path: Path | None = None, memory_dir: Path | None = None) -> TranslationMemory:
    """The memory with the reviewed TMX files synchronized."""
    memory = TranslationMemory(path)
    try:
        memory.sync_tmx(memory_dir)
    except BaseException:
        memory.close()
        raise
    return memory


def current_translations(guide: Guide | None = None) -> dict[str, Translation]:
    """The latest translation of every segment of `guide` (the bundled guide by default), without MT.

    Reviewed memory first, then what the last `callpack translate` stored (MT output included),
    then the pattern rules and the termbase; everything else is untranslated with `en` None.
    """
    from .pipeline import translate_guide  # the pipeline imports this module

    result = translate_guide(guide, engine=None, record=False)
    return {translation.segment_id: translation for translation in result.translations}


def current_english_by_zh(guide: Guide | None = None) -> dict[str, str]:
    """Chinese segment text → current English, for every translated segment and reviewed entry."""
    from .pipeline import load_guide, translate_guide

    guide = guide or load_guide()
    result = translate_guide(guide, engine=None, record=False)
    english: dict[str, str] = {}
    with open_memory() as memory:
        for entry in memory.entries(Provenance.REVIEWED):
            english.setdefault(entry.zh, entry.en)
    for segment, translation in zip(result.segments, result.translations, strict=True):
        if translation.en:
            english[segment.zh] = translation.en
    return english
