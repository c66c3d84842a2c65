"""The termbase: typed entries, the folder loader with validation, longest-match lookup, the writer.

The source of truth is `glossary/terms/*.csv`, one file per area, in the fixed format of
TRANSLATION.md section 1 (header `zh,en,status,variants,forbidden,domain,pos,case_sensitive,sources,note`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from .. import limits
from ..errors import GlossaryError
from ..fileio import write_atomic
from ..paths import TERMS_DIR

HEADER: tuple[str, ...] = (
    "zh",
    "en",
    "status",
    "variants",
    "forbidden",
    "domain",
    "pos",
    "case_sensitive",
    "sources",
    "note",
)
LIST_SEPARATOR = " | "
PARTS_OF_SPEECH: tuple[str, ...] = ("noun", "verb", "adjective", "adverb", "other")
DEFAULT_FILE = "00-general.csv"
_DIRECTION_ID = re.compile(r"^\d+\.\d+$")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


class Status(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    DEPRECATED = "deprecated"


@dataclass(frozen=True)
class TermEntry:
    """One concept: a Chinese term and its English renderings.

    `origin` and `line` say where the entry was read; they are not part of its value, so two entries
    with the same content compare equal wherever they come from.
    """

    zh: str
    en: str = ""
    status: Status = Status.PROPOSED
    variants: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    domain: str = ""
    pos: str = ""
    case_sensitive: bool = False
    sources: tuple[str, ...] = ()
    note: str = ""
    origin: str | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)

    @property
    def renderings(self) -> tuple[str, ...]:
        """The admitted English forms: the preferred one first, then the variants."""
        return ((self.en,) if self.en else ()) + self.variants

    def to_row(self) -> dict[str, str]:
        """The entry as the ten CSV fields of the termbase format."""
        return {
            "zh": self.zh,
            "en": self.en,
            "status": self.status.value,
            "variants": LIST_SEPARATOR.join(self.variants),
            "forbidden": LIST_SEPARATOR.join(self.forbidden),
            "domain": self.domain,
            "pos": self.pos,
            "case_sensitive": "true" if self.case_sensitive else "false",
            "sources": LIST_SEPARATOR.join(self.sources),
            "note": self.note,
        }

    def where(self) -> str:
        return f"{self.origin}:{self.line}" if self.origin and self.line else (self.origin or "?")


@dataclass(frozen=True)
class TermMatch:
    """An occurrence of a termbase entry in a Chinese text: `text[start:end] == entry.zh` (up to case)."""

    start: int
    end: int
    entry: TermEntry

    @property
    def zh(self) -> str:
        return self.entry.zh


def split_list(value: str) -> tuple[str, ...]:
    """Split a ` | `-separated field; tolerant of missing spaces around the bar."""
    return tuple(item.strip() for item in value.split("|") if item.strip())


def entry_from_fields(
    fields: Mapping[str, str | None], path: str | Path, line: int, origin: str | None = None
) -> TermEntry:
    """Validate one row (already split into named fields) and build its entry.

    Raises `GlossaryError(path, line)` naming the first bad field.
    """

    def value(name: str) -> str:
        raw = fields.get(name)
        return "" if raw is None else str(raw).strip()

    zh = value("zh")
    if not zh:
        raise GlossaryError("empty zh", path, line)
    if "\n" in zh or "\r" in zh:
        raise GlossaryError(f"zh {zh!r} contains a line break", path, line)
    status_text = value("status").lower()
    try:
        status = Status(status_text)
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        raise GlossaryError(
            f"unknown status {status_text!r} for {zh!r} (allowed: {allowed})", path, line
        ) from None
    en = value("en")
    if status is Status.APPROVED and not en:
        raise GlossaryError(f"approved entry {zh!r} has an empty en", path, line)
    pos = value("pos").lower()
    if pos and pos not in PARTS_OF_SPEECH:
        raise GlossaryError(f"bad pos {pos!r} for {zh!r} (allowed: {', '.join(PARTS_OF_SPEECH)})", path, line)
    case_text = value("case_sensitive").lower()
    if case_text in ("true", "1", "yes"):
        case_sensitive = True
    elif case_text in ("false", "0", "no", ""):
        case_sensitive = False
    else:
        raise GlossaryError(f"bad case_sensitive {case_text!r} for {zh!r} (use true or false)", path, line)
    sources = split_list(value("sources"))
    for source in sources:
        if not _DIRECTION_ID.match(source):
            raise GlossaryError(f"bad direction id {source!r} in sources of {zh!r}", path, line)
    return TermEntry(
        zh=zh,
        en=en,
        status=status,
        variants=split_list(value("variants")),
        forbidden=split_list(value("forbidden")),
        domain=value("domain"),
        pos=pos,
        case_sensitive=case_sensitive,
        sources=sources,
        note=value("note"),
        origin=origin,
        line=line,
    )


def read_text(path: Path, *, allow_bom: bool = True) -> str:
    """Read a UTF-8 file, or raise a GlossaryError naming the line of the first bad byte."""
    data = limits.read_bytes_bounded(path, limits.MAX_TEXT_BYTES, GlossaryError)
    try:
        text = data.decode("utf-8-sig" if allow_bom else "utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise GlossaryError("not valid UTF-8 (save the file as UTF-8)", path, line) from None
    if "\x00" in text:
        raise GlossaryError(
            "binary file (contains NUL bytes)", path, text[: text.index("\x00")].count("\n") + 1
        )
    return text


def iter_csv_records(text: str, path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line number, fields) of each non-blank CSV record; malformed quoting is an error."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise GlossaryError(f"malformed CSV: {error}", path, reader.line_num or start) from None
        if not record or all(not cell.strip() for cell in record):
            continue
        yield start, record


def read_term_file(path: Path, errors: list[GlossaryError] | None = None) -> list[TermEntry]:
    """Read one termbase CSV file.

    With `errors` given, bad rows are appended to it and skipped; without, the first one is raised.
    A bad header or an unreadable file is always raised.
    """
    text = read_text(path)
    records = iter_csv_records(text, path)
    first = next(records, None)
    if first is None:
        raise GlossaryError(f"empty file; the first line must be the header {','.join(HEADER)}", path, 1)
    header_line, header = first
    if tuple(cell.strip() for cell in header) != HEADER:
        raise GlossaryError(
            f"bad header {','.join(header)!r}; expected {','.join(HEADER)}", path, header_line
        )
    entries: list[TermEntry] = []
    while True:
        try:
            item = next(records, None)
        except GlossaryError as error:
            if errors is None:
                raise
            errors.append(error)
            break  # the csv reader cannot resynchronise after a quoting error
        if item is None:
            break
        line, record = item
        try:
            if len(record) != len(HEADER):
                raise GlossaryError(
                    f"{len(record)} columns instead of {len(HEADER)} (quote fields that contain commas)",
                    path,
                    line,
                )
            entries.append(entry_from_fields(dict(zip(HEADER, record, strict=True)), path, line, path.name))
        except GlossaryError as error:
            if errors is None:
                raise
            errors.append(error)
    return entries


class Termbase:
    """The entries of the termbase, indexed by their Chinese term."""

    def __init__(
        self,
        entries: Iterable[TermEntry] = (),
        folder: Path | None = None,
        reference_zh: Iterable[str] = (),
    ) -> None:
        self.folder = folder
        # zh of the entries read from read-only reference layers (not overridden by the project).
        self.reference_zh = frozenset(reference_zh)
        self.entries: list[TermEntry] = []
        self._by_zh: dict[str, TermEntry] = {}
        for entry in entries:
            self.add(entry)
        self._index: dict[frozenset[Status], _MatchIndex] = {}

    def add(self, entry: TermEntry) -> None:
        if entry.zh in self._by_zh:
            first = self._by_zh[entry.zh]
            raise GlossaryError(
                f"duplicate zh {entry.zh!r} (first at {first.where()})", entry.origin, entry.line
            )
        self.entries.append(entry)
        self._by_zh[entry.zh] = entry
        self._index = {}

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[TermEntry]:
        return iter(self.entries)

    def __contains__(self, zh: object) -> bool:
        return zh in self._by_zh

    def get(self, zh: str) -> TermEntry | None:
        return self._by_zh.get(zh)

    def __getitem__(self, zh: str) -> TermEntry:
        return self._by_zh[zh]

    def approved(self) -> list[TermEntry]:
        return [entry for entry in self.entries if entry.status is Status.APPROVED]

    def files(self) -> list[str]:
        return sorted({entry.origin or DEFAULT_FILE for entry in self.entries})

    def find_all(self, zh_text: str, statuses: Iterable[Status] = (Status.APPROVED,)) -> list[TermMatch]:
        """Every occurrence of every entry with one of `statuses`, overlaps included, by position."""
        return self._match_index(statuses).occurrences(zh_text)

    def find_terms(self, zh_text: str, statuses: Iterable[Status] = (Status.APPROVED,)) -> list[TermMatch]:
        """Non-overlapping occurrences of entries in `zh_text`, longest terms first, sorted by start.

        A longer term wins over any shorter one it overlaps (钙钛矿太阳能电池 over 太阳能电池); between
        equally long overlapping terms the leftmost wins. Only approved entries by default.
        """
        occurrences = self.find_all(zh_text, statuses)
        occurrences.sort(key=lambda m: (m.start - m.end, m.start))
        taken = bytearray(len(zh_text))
        chosen: list[TermMatch] = []
        for match in occurrences:
            if any(taken[match.start : match.end]):
                continue
            taken[match.start : match.end] = b"\x01" * (match.end - match.start)
            chosen.append(match)
        chosen.sort(key=lambda m: m.start)
        return chosen

    def _match_index(self, statuses: Iterable[Status]) -> _MatchIndex:
        key = frozenset(statuses)
        index = self._index.get(key)
        if index is None:
            index = _MatchIndex([entry for entry in self.entries if entry.status in key])
            self._index[key] = index
        return index


def _fold(text: str) -> str:
    """Lower-case without changing the length (so spans stay valid)."""
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


class _MatchIndex:
    """Terms keyed by their first character, with the lengths to try at each position."""

    def __init__(self, entries: Sequence[TermEntry]) -> None:
        self.exact: dict[str, TermEntry] = {}
        self.folded: dict[str, TermEntry] = {}
        exact_lengths: dict[str, set[int]] = {}
        folded_lengths: dict[str, set[int]] = {}
        for entry in entries:
            if entry.case_sensitive:
                self.exact.setdefault(entry.zh, entry)
                exact_lengths.setdefault(entry.zh[0], set()).add(len(entry.zh))
            else:
                key = _fold(entry.zh)
                self.folded.setdefault(key, entry)
                folded_lengths.setdefault(key[0], set()).add(len(key))
        self.exact_lengths = {ch: sorted(v, reverse=True) for ch, v in exact_lengths.items()}
        self.folded_lengths = {ch: sorted(v, reverse=True) for ch, v in folded_lengths.items()}

    def occurrences(self, text: str) -> list[TermMatch]:
        folded = _fold(text)
        found: list[TermMatch] = []
        size = len(text)
        for start in range(size):
            for table, lengths, source in (
                (self.exact, self.exact_lengths.get(text[start]), text),
                (self.folded, self.folded_lengths.get(folded[start]), folded),
            ):
                if not lengths:
                    continue
                for length in lengths:
                    end = start + length
                    if end > size:
                        continue
                    entry = table.get(source[start:end])
                    if entry is not None and _ascii_bounded(text, start, end):
                        found.append(TermMatch(start, end, entry))
        return found


def _ascii_bounded(text: str, start: int, end: int) -> bool:
    """A term that begins or ends with a Latin letter or digit must not be cut out of a longer word."""
    if _ASCII_WORD.match(text[start]) and start > 0 and _ASCII_WORD.match(text[start - 1]):
        return False
    return not (_ASCII_WORD.match(text[end - 1]) and end < len(text) and _ASCII_WORD.match(text[end]))


def read_termbase(folder: Path) -> tuple[list[TermEntry], list[GlossaryError]]:
    """Read every `*.csv` of `folder`, collecting every error instead of stopping at the first.

    Duplicated zh are reported (naming both places) and the later entry is dropped.
    """
    if not folder.is_dir():
        return [], [GlossaryError("termbase folder not found", folder)]
    entries: list[TermEntry] = []
    errors: list[GlossaryError] = []
    seen: dict[str, TermEntry] = {}
    for path in sorted(folder.glob("*.csv")):
        try:
            file_entries = read_term_file(path, errors)
        except GlossaryError as error:
            errors.append(error)
            continue
        for entry in file_entries:
            first = seen.get(entry.zh)
            if first is not None:
                errors.append(
                    GlossaryError(f"duplicate zh {entry.zh!r} (first at {first.where()})", path, entry.line)
                )
                continue
            seen[entry.zh] = entry
            entries.append(entry)
    return entries, errors


def load_termbase(folder: Path = TERMS_DIR) -> Termbase:
    """Load and validate the termbase folder; the first error found is raised as a GlossaryError."""
    entries, errors = read_termbase(folder)
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more; run `callpack glossary check`)" if len(errors) > 1 else ""
        raise GlossaryError(first.message + more, first.path, first.line)
    return Termbase(entries, folder=folder)


def load_termbase_layers(folders: Sequence[Path]) -> Termbase:
    """The termbase of layered folders, lowest first (the bundled reference termbase, then the
    project's own folder): an entry of a later folder overrides one with the same zh below it.
    `folder` of the result is the last (writable) one; `reference_zh` names what comes from below.
    """
    if not folders:
        raise GlossaryError("no termbase folder given")
    by_zh: dict[str, TermEntry] = {}
    reference: set[str] = set()
    *lower, own = folders
    for folder in lower:
        for entry in load_termbase(folder):
            by_zh[entry.zh] = entry
            reference.add(entry.zh)
    own_entries = load_termbase(own) if own.is_dir() or not lower else Termbase()
    for entry in own_entries:
        by_zh[entry.zh] = entry
        reference.discard(entry.zh)
    return Termbase(by_zh.values(), folder=own, reference_zh=reference)


def render_term_file(entries: Iterable[TermEntry], cell: Callable[[str], str] = str) -> str:
    """The exact text of one termbase file: header, then rows sorted by zh, `\\n` line ends.

    `cell` maps each value on its way out (the CSV export neutralizes formula-looking cells).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # csv quotes a field with the line terminator in it, but not one with a bare CR, which a
    # reader then takes for a line end: such rows are written fully quoted.
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(HEADER)
    for entry in sorted(entries, key=lambda e: e.zh):
        row = entry.to_row()
        values = [cell(row[name]) for name in HEADER]
        (quoted if any("\r" in value for value in values) else writer).writerow(values)
    return buffer.getvalue()


def write_termbase(
    entries: Iterable[TermEntry],
    folder: Path,
    files: Iterable[str] = (),
    default_file: str = DEFAULT_FILE,
    only: Iterable[str] | None = None,
) -> list[Path]:
    """Write entries back to their own files (`origin`), sorted by zh; return the files that changed.

    Files listed in `files` are written even when no entry is left in them (header only). Files whose
    text would not change are not touched, nor, when `only` is given, files not named in it. Every new text is staged first, so a failure to render
    changes nothing.
    """
    by_file: dict[str, list[TermEntry]] = {name: [] for name in files}
    for entry in entries:
        by_file.setdefault(entry.origin or default_file, []).append(entry)
    staged: list[tuple[Path, str]] = []
    wanted = set(only) if only is not None else None
    for name, file_entries in sorted(by_file.items()):
        if wanted is not None and name not in wanted:
            continue
        path = folder / name
        text = render_term_file(file_entries)
        if path.exists() and path.read_bytes() == text.encode("utf-8"):
            continue
        staged.append((path, text))
    if staged:
        folder.mkdir(parents=True, exist_ok=True)
    for path, text in staged:
        write_atomic(path, text)
    return [path for path, _ in staged]
