"""The translation memory: TMX files are the truth, a SQLite database under `STATE_DIR` the index.

Where reviewed work lives: the TMX files of the workspace's own memory folder (`glossary/memory/`
in the bundled workspace), one unit per segment id and file, each with its `changedate`. Imports
(XLIFF, TMX from a CAT tool) write those files atomically through `commit()`, never the database
alone, so no later sync can revert them. Read-only reference folders (the bundled reviewed memory
for a new workspace) sit beneath the own folder: the own layer always wins.

The database (`entries`, `segments`, `imports`) is rebuilt from the files whenever one changes (by
SHA-256) and also caches MT output per engine. Lookups use `source_key()`: NFKC, punctuation width
and spacing normalized. Between entries for one source the own layer wins, then the newest
`changedate`, then the entry made for the segment.

Optimistic concurrency: `revision()` is a hash of what a segment's translation is (source, English,
provenance, state). Exported files record it per unit; `decide()` applies a returning unit only when
the memory still has that revision, and reports a `Conflict` with both texts otherwise.

This module never calls the pipeline: callers pass the segments and current translations in.
"""

from __future__ import annotations

import getpass
import hashlib
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from difflib import SequenceMatcher
from pathlib import Path

from ..errors import TranslationError
from ..paths import MEMORY_DIR, STATE_DIR
from ..segments import Provenance, Segment, State, Translation
from .text import source_key
from .tmx import SOURCE_LANG, TARGET_LANG, TmxUnit, read_tmx, tmx_date, write_tmx

DEFAULT_DB = STATE_DIR / "memory.sqlite"
FUZZY_THRESHOLD = 0.75
# Bump when the tables change: the database is an index, rebuilt from the TMX files.
SCHEMA_VERSION = 2
OWN_LAYER = 1
REFERENCE_LAYER = 0
# Provenances of the memory entries that are a translator's work.
WORK = (Provenance.REVIEWED, Provenance.POST_EDITED)
_WORK_VALUES = tuple(provenance.value for provenance in WORK)

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
    updated TEXT NOT NULL,
    layer INTEGER NOT NULL DEFAULT 1,
    creationdate TEXT NOT NULL DEFAULT '',
    creationid TEXT NOT NULL DEFAULT '',
    changedate TEXT NOT NULL DEFAULT '',
    changeid TEXT NOT NULL DEFAULT ''
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
    layer: int = OWN_LAYER
    changedate: str = ""
    creationdate: str = ""
    creationid: str = ""
    changeid: str = ""


@dataclass(frozen=True)
class FuzzyMatch:
    entry: MemoryEntry
    score: float


@dataclass(frozen=True)
class SyncResult:
    imported: list[str]
    removed: list[str]
    units: int


@dataclass(frozen=True)
class Incoming:
    """One unit of a file that came back from a translator, matched to a segment.

    `base_*` is what the export said the memory held (None when the file does not say: a CAT tool's
    TMX); `changedate` is the unit's own TMX date, used when there is no base revision.
    """

    segment: Segment
    en: str
    state: State
    line: int | None = None
    note: str | None = None
    base_en: str | None = None
    base_state: str | None = None
    base_revision: str | None = None
    changedate: str = ""


@dataclass(frozen=True)
class Conflict:
    """A unit whose segment changed in the memory since the file was exported."""

    segment_id: str
    zh: str
    line: int | None
    base: str | None
    theirs: str
    theirs_state: str
    ours: str | None
    ours_provenance: str
    ours_revision: str

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.segment_id,
            "line": self.line,
            "zh": self.zh,
            "base": self.base,
            "theirs": self.theirs,
            "theirs_state": self.theirs_state,
            "ours": self.ours,
            "ours_provenance": self.ours_provenance,
            "ours_revision": self.ours_revision,
            "resolution": "",
        }


@dataclass(frozen=True)
class Resolution:
    """A translator's decision on a reported conflict: keep `ours` or take `theirs`.

    It holds only while the memory still has `ours_revision` (the text the decision was made on).
    """

    choice: str
    ours_revision: str


@dataclass
class MergeResult:
    applied: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def revision(zh: str, translation: Translation | None) -> str:
    """What a segment's translation is, as a short hash: source, English, provenance, state."""
    if translation is None:
        return "none"
    text = "\x1f".join(
        (source_key(zh), translation.en or "", translation.provenance.value, translation.state.value)
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def provenance_for(state: State) -> Provenance:
    """A translator's state means: `translated` a post-edited draft, `reviewed`/`final` reviewed."""
    return Provenance.POST_EDITED if state == State.TRANSLATED else Provenance.REVIEWED


def _rank(provenance: Provenance) -> int:
    return {Provenance.REVIEWED: 2, Provenance.POST_EDITED: 1}.get(provenance, 0)


def decide(
    incoming: Incoming,
    current: Translation | None,
    current_changedate: str = "",
    *,
    force: bool = False,
    resolution: Resolution | None = None,
) -> str | Conflict:
    """What to do with one returning unit: apply, unchanged, kept (resolved 'ours') or a `Conflict`."""
    segment = incoming.segment
    if (
        incoming.base_en is not None
        and incoming.en == incoming.base_en
        and incoming.state.value == incoming.base_state
    ):
        return "unchanged"  # untouched in the file: never a reason to change the memory
    provenance = provenance_for(incoming.state)
    # The same English: unchanged unless the file raises it (a draft the reviewer now marks reviewed).
    if (
        current is not None
        and current.en == incoming.en
        and (
            _rank(current.provenance) > _rank(provenance)
            or (current.provenance == provenance and current.state == incoming.state)
        )
    ):
        return "unchanged"
    ours = revision(segment.zh, current)
    if current is None or current.provenance not in WORK:
        return "apply"  # a machine draft or nothing: no translator's work to lose
    if incoming.base_revision:
        fresh = incoming.base_revision == ours
    else:
        fresh = bool(incoming.changedate) and incoming.changedate > current_changedate
    if fresh:
        return "apply"
    if resolution is not None and resolution.ours_revision == ours:
        if resolution.choice == "theirs":
            return "apply"
        if resolution.choice == "ours":
            return "kept"
    if force:
        return "apply"
    return Conflict(
        segment_id=segment.id,
        zh=segment.zh,
        line=incoming.line,
        base=incoming.base_en,
        theirs=incoming.en,
        theirs_state=incoming.state.value,
        ours=current.en,
        ours_provenance=current.provenance.value,
        ours_revision=ours,
    )


def memory_file_for(segment_id: str) -> str:
    """The TMX file of the own memory folder that holds a segment: `guide.tmx` or `area-NN.tmx`."""
    scope = segment_id.split(":", 1)[0]
    if scope == "guide":
        return "guide.tmx"
    area = scope.removeprefix("area-").split(".", 1)[0]
    return f"area-{int(area):02d}.tmx" if area.isdigit() else "memory.tmx"


def choose(entries: Sequence[MemoryEntry], segment_id: str | None) -> MemoryEntry:
    """The entry that translates `segment_id` among entries for its source (see the module doc)."""
    top = max(entry.layer for entry in entries)
    layer = [entry for entry in entries if entry.layer == top]
    own = [entry for entry in layer if entry.segment_id in (segment_id, None)] or layer
    # Entries come newest first; max() keeps the first of equals.
    return max(own, key=lambda e: (e.changedate, e.segment_id == segment_id and segment_id is not None))


class TranslationMemory:
    """The memory: its database `path`, its own (writable) folder and read-only reference folders.

    Use as a context manager or call `close()`.
    """

    def __init__(
        self,
        path: Path | None = None,
        memory_dir: Path | None = None,
        reference_dirs: Sequence[Path] = (),
    ) -> None:
        self.path = path or DEFAULT_DB
        self.memory_dir = memory_dir or MEMORY_DIR
        self.reference_dirs = tuple(reference_dirs)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(str(self.path), timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise TranslationError(f"cannot open the translation memory: {error}", self.path) from None
        self.db.row_factory = sqlite3.Row
        self._fuzzy_index: tuple[list[MemoryEntry], dict[str, list[int]]] | None = None

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            # The index is rebuilt from the TMX files; only the MT cache is kept across versions.
            tables = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            mt_rows: list[tuple[str, ...]] = []
            if "entries" in tables:
                mt_rows = self.db.execute(
                    "SELECT source_key, zh, en, note, engine, updated FROM entries WHERE provenance = 'mt'"
                ).fetchall()
            with self.db:
                self.db.execute("DROP TABLE IF EXISTS entries")
                self.db.execute("DROP TABLE IF EXISTS imports")
                self.db.executescript(_SCHEMA)
                self.db.executemany(
                    "INSERT INTO entries (source_key, zh, en, provenance, state, note, origin, engine, updated)"
                    " VALUES (?, ?, ?, 'mt', 'translated', ?, 'mt', ?, ?)",
                    mt_rows,
                )
                self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        else:
            self.db.executescript(_SCHEMA)

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # -- the TMX files -------------------------------------------------------------------------
    def _folders(self) -> list[tuple[Path, int]]:
        folders = [(folder, REFERENCE_LAYER) for folder in self.reference_dirs]
        return [*folders, (self.memory_dir, OWN_LAYER)]

    def sync_tmx(self) -> SyncResult:
        """Re-read the TMX files whose content changed (by SHA-256); drop removed ones.

        The files are the truth, so a changed file's units replace what the index held for it.
        """
        current: dict[str, tuple[Path, int]] = {}
        for folder, layer in self._folders():
            for path in sorted(folder.glob("*.tmx")) if folder.is_dir() else []:
                current.setdefault(str(path.resolve()), (path, layer))
        known = {row["path"]: row["sha256"] for row in self.db.execute("SELECT path, sha256 FROM imports")}
        imported: list[str] = []
        removed: list[str] = []
        total = 0
        # Parse everything before writing, so a malformed file changes nothing.
        pending: list[tuple[str, str, int, list[TmxUnit]]] = []
        for key, (path, layer) in current.items():
            try:
                data = path.read_bytes()
            except OSError as error:
                raise TranslationError(f"cannot read TMX file: {error.strerror}", path) from None
            digest = hashlib.sha256(data + bytes([layer])).hexdigest()
            if known.get(key) != digest:
                units = read_tmx(path)
                machine = next((unit for unit in units if unit.provenance not in _WORK_VALUES), None)
                if machine is not None:
                    raise TranslationError(
                        f"a {machine.provenance} unit in the reviewed memory folder; bring a TMX with machine "
                        "drafts in with `callpack memory import FILE`, which keeps what was edited",
                        path,
                        machine.line,
                    )
                pending.append((key, digest, layer, units))
        with self.db:
            for key in set(known) - set(current):
                self.db.execute("DELETE FROM entries WHERE origin = ?", (key,))
                self.db.execute("DELETE FROM imports WHERE path = ?", (key,))
                removed.append(key)
            for key, digest, layer, units in pending:
                self.db.execute("DELETE FROM entries WHERE origin = ?", (key,))
                for unit in units:
                    state = State(unit.state)
                    self._insert_unit(unit, provenance_for(state), state, key, layer)
                self.db.execute(
                    "INSERT OR REPLACE INTO imports (path, sha256, units, imported) VALUES (?, ?, ?, ?)",
                    (key, digest, len(units), _now()),
                )
                imported.append(key)
                total += len(units)
        if imported or removed:
            self._fuzzy_index = None
        return SyncResult(imported=imported, removed=removed, units=total)

    def _insert_unit(
        self, unit: TmxUnit, provenance: Provenance, state: State, origin: str, layer: int
    ) -> None:
        self.db.execute(
            "INSERT INTO entries (source_key, zh, en, provenance, state, segment_id, note, origin, engine,"
            " updated, layer, creationdate, creationid, changedate, changeid)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?)",
            (
                source_key(unit.zh),
                unit.zh,
                unit.en,
                provenance.value,
                state.value,
                unit.segment_id,
                unit.note or "",
                origin,
                _now(),
                layer,
                unit.creationdate,
                unit.creationid,
                unit.changedate,
                unit.changeid,
            ),
        )

    def commit(
        self,
        items: Iterable[tuple[Segment, Translation]],
        translator: str = "",
        moment: datetime | None = None,
        target_language: str = TARGET_LANG,
        source_language: str = SOURCE_LANG,
    ) -> list[Path]:
        """Write translators' work into the own folder's TMX files (atomically), then re-index.

        Each item replaces the unit for its segment id in `memory_file_for()` (keeping its creation
        date and id, and its note unless the item brings one) with `changedate` now. Two imports at
        once take turns (a lock file next to the database). Returns the files written.
        """
        with _locked(self.path.with_suffix(".lock")):
            return self._commit(list(items), translator, moment, target_language, source_language)

    def _commit(
        self,
        items: list[tuple[Segment, Translation]],
        translator: str,
        moment: datetime | None,
        target_language: str,
        source_language: str,
    ) -> list[Path]:
        changeid = translator or _login()
        date = tmx_date(moment)
        by_file: dict[str, list[tuple[Segment, Translation]]] = {}
        for segment, translation in items:
            if not translation.en or translation.provenance not in WORK:
                raise TranslationError(f"only reviewed or post-edited work is committed ({segment.id})")
            by_file.setdefault(memory_file_for(segment.id), []).append((segment, translation))
        staged: list[tuple[Path, list[TmxUnit]]] = []
        for name, changes in sorted(by_file.items()):
            path = self.memory_dir / name
            units = read_tmx(path) if path.exists() else []
            position = {unit.segment_id: number for number, unit in enumerate(units) if unit.segment_id}
            for segment, translation in changes:
                assert translation.en is not None
                old = units[position[segment.id]] if segment.id in position else None
                unit = TmxUnit(
                    zh=segment.zh,
                    en=translation.en,
                    segment_id=segment.id,
                    note=translation.note if translation.note is not None else (old.note if old else ""),
                    provenance=translation.provenance.value,
                    state=translation.state.value,
                    creationdate=(old.creationdate if old and old.creationdate else date),
                    creationid=(old.creationid if old and old.creationid else changeid),
                    changedate=date,
                    changeid=changeid,
                )
                if old is not None:
                    units[position[segment.id]] = unit
                else:
                    position[segment.id] = len(units)
                    units.append(unit)
            staged.append((path, units))
        self.memory_dir.mkdir(parents=True, exist_ok=True)
        written = [path for path, units in staged if write_tmx(path, units, target_language, source_language)]
        if written:
            self.sync_tmx()
        return written

    # -- the database -----------------------------------------------------------------------
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
            layer=row["layer"],
            changedate=row["changedate"],
            creationdate=row["creationdate"],
            creationid=row["creationid"],
            changeid=row["changeid"],
        )

    def exact(self, zh: str, segment_id: str | None = None) -> MemoryEntry | None:
        """The translators' entry for `zh` as `choose()` picks it for `segment_id`."""
        entries = self.exact_many([source_key(zh)]).get(source_key(zh))
        return choose(entries, segment_id) if entries else None

    def exact_many(self, keys: Iterable[str]) -> dict[str, list[MemoryEntry]]:
        """Reviewed and post-edited entries by source key (already normalized), newest first."""
        wanted = sorted(set(keys))
        found: dict[str, list[MemoryEntry]] = {}
        for start in range(0, len(wanted), 500):  # SQLite bounds the number of parameters
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in self.db.execute(
                "SELECT * FROM entries WHERE provenance IN ('reviewed', 'post-edited')"
                f" AND source_key IN ({marks}) ORDER BY id DESC",
                chunk,
            ):
                found.setdefault(row["source_key"], []).append(self._entry(row))
        return found  # each key lies in one chunk, so its entries stay newest first

    def export_units(self, everything: bool = False) -> list[TmxUnit]:
        """One unit per segment id (the one `choose()` picks) and per source of the id-less entries.

        Translators' work only, or MT cache entries too with `everything`. Each unit carries the
        revision it was exported at, so a CAT tool's edit of it can come back with `decide()`.
        """
        by_id: dict[str, list[MemoryEntry]] = {}
        by_key: dict[str, list[MemoryEntry]] = {}
        loose: dict[str, list[MemoryEntry]] = {}
        mt: list[MemoryEntry] = []
        for entry in reversed(list(self.entries())):  # newest first, as exact_many gives them
            if entry.provenance == Provenance.MT:
                mt.append(entry)
                continue
            by_key.setdefault(source_key(entry.zh), []).append(entry)
            if entry.segment_id:
                by_id.setdefault(entry.segment_id, []).append(entry)
            else:
                loose.setdefault(source_key(entry.zh), []).append(entry)
        chosen: list[MemoryEntry] = []
        for segment_id, entries in by_id.items():
            best = choose(by_key[source_key(entries[0].zh)], segment_id)
            # The segment's English is whatever translates it now, under the segment's own id.
            chosen.append(best if best.segment_id == segment_id else _with_id(best, segment_id))
        covered = {source_key(entry.zh) for entry in chosen}
        for key, entries in loose.items():
            if key not in covered:
                chosen.append(choose(entries, None))
        if everything:
            chosen.extend(mt[::-1])
        units = []
        for entry in sorted(chosen, key=lambda e: (e.segment_id or "~", source_key(e.zh), e.engine)):
            translation = Translation(entry.segment_id or "", entry.en, entry.provenance, entry.state)
            units.append(
                TmxUnit(
                    zh=entry.zh,
                    en=entry.en,
                    segment_id=entry.segment_id,
                    note=entry.note,
                    provenance=entry.provenance.value,
                    state=entry.state.value,
                    creationdate=entry.creationdate,
                    creationid=entry.creationid,
                    changedate=entry.changedate,
                    changeid=entry.changeid,
                    revision=revision(entry.zh, translation),
                )
            )
        return units

    def unused_units(self, segments: Sequence[Segment]) -> list[tuple[MemoryEntry, str]]:
        """Own-layer entries without a segment id that translate no segment, with the reason.

        A CAT tool's TMX put in the memory folder is matched by source text; what it cannot
        translate is reported, never silently ignored.
        """
        keys: dict[str, list[Segment]] = {}
        for segment in segments:
            keys.setdefault(source_key(segment.zh), []).append(segment)
        work = self.exact_many(keys)
        unused: list[tuple[MemoryEntry, str]] = []
        for entry in self.entries():
            if entry.provenance not in WORK or entry.segment_id or entry.layer != OWN_LAYER:
                continue
            key = source_key(entry.zh)
            if key not in keys:
                unused.append((entry, "its Chinese matches no segment of the guide"))
                continue
            winners = [choose(work[key], segment.id) for segment in keys[key]]
            if entry not in winners:
                newer = winners[0]
                unused.append(
                    (
                        entry,
                        f"older than the memory's translation from {Path(newer.origin).name}"
                        f" ({newer.changedate or 'no date'}): {newer.en}",
                    )
                )
        return unused

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


def open_memory(
    path: Path | None = None, memory_dir: Path | None = None, reference_dirs: Sequence[Path] = ()
) -> TranslationMemory:
    """The memory with its TMX files (own folder and reference folders) synchronized."""
    memory = TranslationMemory(path, memory_dir, reference_dirs)
    try:
        memory.sync_tmx()
    except BaseException:
        memory.close()
        raise
    return memory


def _with_id(entry: MemoryEntry, segment_id: str) -> MemoryEntry:
    return replace(entry, segment_id=segment_id)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive advisory lock on `path` (POSIX); elsewhere a no-op."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # not POSIX
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "callpack"


def current_dates(memory: TranslationMemory, segments: Iterable[Segment]) -> dict[str, str]:
    """The changedate of the entry that translates each segment (empty when none or undated)."""
    segments = list(segments)
    found = memory.exact_many(source_key(segment.zh) for segment in segments)
    dates: dict[str, str] = {}
    for segment in segments:
        entries = found.get(source_key(segment.zh))
        dates[segment.id] = choose(entries, segment.id).changedate if entries else ""
    return dates


def merge(
    incoming: Sequence[Incoming],
    current: Mapping[str, Translation],
    memory: TranslationMemory,
    *,
    force: bool = False,
    resolutions: Mapping[str, Resolution] | None = None,
    translator: str = "",
    dry_run: bool = False,
    languages: tuple[str, str] = (SOURCE_LANG, TARGET_LANG),
) -> MergeResult:
    """Apply the units whose segment has not changed since export; report the others as conflicts."""
    result = MergeResult()
    dates = current_dates(memory, [item.segment for item in incoming])
    apply: list[tuple[Segment, Translation]] = []
    for item in incoming:
        verdict = decide(
            item,
            current.get(item.segment.id),
            dates.get(item.segment.id, ""),
            force=force,
            resolution=(resolutions or {}).get(item.segment.id),
        )
        if isinstance(verdict, Conflict):
            result.conflicts.append(verdict)
        elif verdict == "apply":
            translation = Translation(
                item.segment.id, item.en, provenance_for(item.state), item.state, item.note
            )
            apply.append((item.segment, translation))
            result.applied.append(item.segment.id)
        elif verdict == "kept":
            result.kept.append(item.segment.id)
        else:
            result.unchanged += 1
    if apply and not dry_run:
        result.written = memory.commit(
            apply, translator, target_language=languages[1], source_language=languages[0]
        )
    return result


def incoming_from_tmx(
    units: Sequence[TmxUnit], segments: Sequence[Segment], path: Path
) -> tuple[list[Incoming], list[TmxUnit]]:
    """Match the units of a returned TMX to segments: by id when it has ours, else by source text.

    Returns the matched units and those that match no segment. A unit that still hashes to the
    revision it was exported with is untouched (its base is itself).
    """
    by_id = {segment.id: segment for segment in segments}
    by_key: dict[str, list[Segment]] = {}
    for segment in segments:
        by_key.setdefault(source_key(segment.zh), []).append(segment)
    incoming: list[Incoming] = []
    unmatched: list[TmxUnit] = []
    claimed: dict[str, TmxUnit] = {}
    for unit in units:
        key = source_key(unit.zh)
        if unit.segment_id and unit.segment_id in by_id and source_key(by_id[unit.segment_id].zh) == key:
            targets = [by_id[unit.segment_id]]
        else:
            targets = by_key.get(key, [])
        if not targets:
            unmatched.append(unit)
            continue
        state = State(unit.state)
        # Untouched: the unit still hashes to the revision it was exported with (MT drafts included).
        untouched = bool(unit.revision) and unit.revision == revision(
            unit.zh, Translation("", unit.en, Provenance(unit.provenance), state)
        )
        for segment in targets:
            other = claimed.get(segment.id)
            if other is not None:
                if other.en != unit.en:
                    raise TranslationError(
                        f"two units translate segment {segment.id} differently (lines {other.line} and {unit.line})",
                        path,
                        unit.line,
                    )
                continue
            claimed[segment.id] = unit
            incoming.append(
                Incoming(
                    segment=segment,
                    en=unit.en,
                    state=state,
                    line=unit.line,
                    note=unit.note or None,
                    base_en=unit.en if untouched else None,
                    base_state=unit.state if untouched else None,
                    base_revision=unit.revision or None,
                    changedate=unit.changedate,
                )
            )
    return incoming, unmatched
