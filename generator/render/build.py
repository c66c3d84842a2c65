"""Build orchestration: which documents, where they go, what can be skipped, the manifest.

A job is one document (kind, language, direction) in one or more formats. Its input hash covers
the slice of the render context it uses, the templates, the catalogs and the render code; when
the hash and every output file match the manifest, the job is skipped. Jobs run in a process
pool; each worker writes its files atomically and returns their records.
"""

from __future__ import annotations

import ctypes
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from markupsafe import Markup

from ..errors import RenderError
from ..fileio import write_atomic
from ..model import Guide
from ..paths import TEMPLATES_DIR
from ..settings import CallInfo, Settings, check_parties
from .context import CallContext, build_call_context
from .html import KIND_LANGUAGES, KINDS, STYLESHEET, HtmlDocument, environment, render_html
from .i18n import catalog_files, load_translations

FORMATS = ("pdf", "docx", "html")
BRIEFING_MAX_PAGES = 2
BRIEFING_MAX_DETAIL = 3
MANIFEST_NAME = "index.json"
INDEX_NAME = "index.html"
LOCK_NAME = ".index.lock"
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class Job:
    kind: str
    lang: str
    direction_id: str | None
    formats: tuple[str, ...]

    @property
    def stem(self) -> str:
        if self.direction_id is None:
            return f"whole/{self.kind}-call.{self.lang}"
        return f"directions/{self.direction_id}/{self.direction_id}-{self.kind}.{self.lang}"

    def path(self, fmt: str) -> str:
        return f"{self.stem}.{fmt}"


@dataclass(frozen=True)
class FileRecord:
    path: str
    sha256: str
    bytes: int
    kind: str
    lang: str
    format: str
    direction: str | None
    input_hash: str
    pages: int | None = None


@dataclass
class BuildReport:
    built: list[FileRecord] = field(default_factory=list)
    skipped: list[FileRecord] = field(default_factory=list)
    jobs_built: int = 0
    jobs_skipped: int = 0
    out: Path = Path(".")
    warnings: list[str] = field(default_factory=list)


# --- file writing ------------------------------------------------------------------------------


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- selection ---------------------------------------------------------------------------------


def plan_jobs(
    call: CallContext,
    kinds: Iterable[str],
    langs: Iterable[str],
    formats: Iterable[str],
    direction_ids: Sequence[str] | None = None,
) -> list[Job]:
    """The documents to make. The whole call is made only when no direction is picked."""
    kinds = list(dict.fromkeys(kinds))
    langs = list(dict.fromkeys(langs))
    chosen_formats = tuple(f for f in FORMATS if f in set(formats))
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise RenderError(f"unknown kind {unknown[0]!r}; choose from call, briefing, agreement, whole, all")
    if not chosen_formats:
        raise RenderError("no known format chosen; choose from pdf, docx, html")
    known_ids = [d.id for d in call.directions]
    if direction_ids:
        missing = [d for d in direction_ids if d not in known_ids]
        if missing:
            raise RenderError(
                f"no direction {missing[0]!r} in the guide (directions run 1.1 … {known_ids[-1]})"
            )
        ids = [d for d in known_ids if d in set(direction_ids)]
    else:
        ids = known_ids
    jobs: list[Job] = []
    if "whole" in kinds and not direction_ids:
        for lang in langs:
            if lang in KIND_LANGUAGES["whole"]:
                jobs.append(Job("whole", lang, None, chosen_formats))
    for direction_id in ids:
        for kind in kinds:
            if kind == "whole":
                continue
            for lang in langs:
                if lang in KIND_LANGUAGES[kind]:
                    jobs.append(Job(kind, lang, direction_id, chosen_formats))
    if not jobs:
        raise RenderError(
            "nothing to build for that choice: briefings are English (en), agreements bilingual, "
            "call packs and the whole call en, bilingual or zh"
        )
    return jobs


# --- input hashes ------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    return str(value)


@cache
def code_fingerprint() -> str:
    """Templates, stylesheet, catalogs and render code: a change in any of them rebuilds all."""
    digest = hashlib.sha256()
    sources = sorted(TEMPLATES_DIR.rglob("*"))
    sources += sorted(Path(__file__).parent.glob("*.py"))
    sources += catalog_files()
    for path in sources:
        if path.is_file():
            digest.update(str(path.name).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


def job_input_hash(job: Job, call: CallContext) -> str:
    common = {
        "title": call.title,
        "programme": call.programme,
        "conditions": call.conditions,
        "issued": call.issued,
        # callpack.toml [call] and what the preamble binds: printed in every pack and briefing
        "info": call.info,
        "rules": call.rules,
        "restricted": call.restricted,
    }
    if job.direction_id is None:
        data: Any = dataclasses.asdict(call)
        # The settings only shape agreements: a change to them must not rebuild the whole call.
        data.pop("parties", None)
        data.pop("agreement_choices", None)
    else:
        direction = call.direction(job.direction_id)
        data = {
            "direction": dataclasses.asdict(direction),
            **{k: _plain(v) for k, v in common.items()},
        }
        if job.kind == "agreement":
            data.update(agreement_settings_data(call))
    payload = json.dumps(
        {
            "code": code_fingerprint(),
            "job": [job.kind, job.lang, job.direction_id, job.formats],
            "data": data,
        },
        sort_keys=True,
        ensure_ascii=False,
        default=_json_default,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def agreement_settings_data(call: CallContext) -> dict[str, Any]:
    """What of callpack.toml an agreement depends on: its parties and the contracts officer's choices.

    The source line of each party is left out: moving a table in the file changes no document.
    """
    parties = [{k: v for k, v in dataclasses.asdict(party).items() if k != "line"} for party in call.parties]
    return {"parties": parties, "agreement_choices": dataclasses.asdict(call.agreement_choices)}


def with_agreement_settings(call: CallContext, settings: Settings, kinds: Iterable[str]) -> CallContext:
    """The render context with `[[parties]]` and `[agreement]`; the parties checked against the call's rules."""
    if "agreement" in set(kinds):
        check_parties(settings, call.conditions.max_chinese_units, call.conditions.min_foreign_partners)
    return dataclasses.replace(call, parties=settings.parties, agreement_choices=settings.agreement)


# --- rendering one job (runs in a worker) ----------------------------------------------------------

_WORKER_CALL: CallContext | None = None


def _init_worker(call: CallContext) -> None:
    global _WORKER_CALL
    exit_with_parent()
    _WORKER_CALL = call
    warm_up()


_PR_SET_PDEATHSIG = 1


def exit_with_parent() -> None:
    """Make this worker process end when the build that started it dies, even by `kill -9`.

    On Linux the kernel sends SIGTERM at the parent's death (prctl PR_SET_PDEATHSIG); SIGTERM
    unwinds the running job (a half-written temporary file is removed), then exits. Where prctl
    is missing, nothing is set up and the pool's own shutdown is all there is.
    """
    parent = os.getppid()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
            return
    if os.getppid() != parent:  # the parent died before the signal was armed
        raise SystemExit(1)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    # Unwind the current job, so that `atomic_path` removes its temporary file; the pool's worker
    # loop catches SystemExit and would wait for work from a parent that is gone, so a timer ends
    # the process in any case.
    timer = threading.Timer(1.0, os._exit, (128 + signum,))
    timer.daemon = True
    timer.start()
    raise SystemExit(128 + signum)


def warm_up() -> None:
    """Load what every document needs once per process: catalogs, templates, fonts."""
    from .pdf import font_configuration

    load_translations("en")
    load_translations("zh")
    environment()
    font_configuration()


def _fit_briefing(job: Job, call: CallContext) -> tuple[HtmlDocument, Any]:
    """The fullest briefing on 2 pages; else the full one on 3; indicators are never cut.

    Detail 1 summarizes the research content (and says so), 2 sets smaller type, 3 also leaves
    out the generic "what a partner would bring" list.
    """
    from .pdf import layout_pdf

    tried: list[tuple[HtmlDocument, Any]] = []
    for detail in range(BRIEFING_MAX_DETAIL + 1):
        document = render_html(job.kind, job.lang, call, job.direction_id, detail=detail)
        rendered = layout_pdf(document.html)
        if rendered.pages <= BRIEFING_MAX_PAGES:
            return document, rendered
        tried.append((document, rendered))
    for document, rendered in tried:
        if rendered.pages <= BRIEFING_MAX_PAGES + 1:
            return document, rendered
    return min(tried, key=lambda item: item[1].pages)


def render_job(job: Job, call: CallContext, out: Path, input_hash: str) -> list[FileRecord]:
    """Render one document in its formats and write the files atomically."""
    try:
        return _render_job(job, call, out, input_hash)
    except RenderError:
        raise
    except Exception as error:  # a library failure names the document instead of a traceback
        raise RenderError(f"{job.stem}: {type(error).__name__}: {error}") from error


def _render_job(job: Job, call: CallContext, out: Path, input_hash: str) -> list[FileRecord]:
    from .docx import html_to_docx, meta_from_html
    from .pdf import layout_pdf

    rendered = None
    if job.kind == "briefing":
        document, rendered = _fit_briefing(job, call)
    else:
        document = render_html(job.kind, job.lang, call, job.direction_id)
    records: list[FileRecord] = []

    def record(fmt: str, data: bytes, pages: int | None = None) -> None:
        relative = job.path(fmt)
        write_atomic(out / relative, data)
        records.append(
            FileRecord(
                path=relative,
                sha256=sha256_bytes(data),
                bytes=len(data),
                kind=job.kind,
                lang=job.lang,
                format=fmt,
                direction=job.direction_id,
                input_hash=input_hash,
                pages=pages,
            )
        )

    if "html" in job.formats:
        record("html", document.html.encode("utf-8"))
    if "pdf" in job.formats:
        if rendered is None:
            rendered = layout_pdf(document.html)
        if rendered.fetcher.refused:
            raise RenderError(f"{job.path('pdf')}: the document asked for {rendered.fetcher.refused[0]}")
        record("pdf", rendered.write(), rendered.pages)
    if "docx" in job.formats:
        created = dt.datetime.combine(call.issued, dt.time(0, 0)) if call.issued else None
        record("docx", html_to_docx(document.html, meta_from_html(document.html, job.lang, created)))
    return records


def _worker_job(job: Job, out: str, input_hash: str) -> list[FileRecord]:
    if _WORKER_CALL is None:  # pragma: no cover - the initializer always runs first
        raise RenderError("worker started without a render context")
    return render_job(job, _WORKER_CALL, Path(out), input_hash)


# --- manifest ------------------------------------------------------------------------------------


def confined(out: Path, relative: str) -> bool:
    """Whether a manifest path names a file inside `out`: relative, no `..`, no URL scheme, no
    backslash, and no symbolic link leading out."""
    if not isinstance(relative, str) or not relative or "\\" in relative or ":" in relative:
        return False
    pure = PurePosixPath(relative)
    if pure.is_absolute() or any(part in ("", ".", "..") for part in relative.split("/")):
        return False
    root = out.resolve()
    return (root / pure).resolve().is_relative_to(root)


def load_manifest(out: Path, warnings: list[str] | None = None) -> dict[str, FileRecord]:
    """The records of `out/index.json`; entries whose path leaves `out` are dropped (and reported
    in `warnings`), never linked or trusted."""
    path = out / MANIFEST_NAME
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
        entries = data.get("files", [])
        records = {}
        for entry in entries:
            record = FileRecord(**entry)
            if not confined(out, record.path):
                if warnings is not None:
                    warnings.append(f"{path}: dropped an entry outside the output folder: {str(record.path)[:200]!r}")
                continue
            records[record.path] = record
        return records
    except FileNotFoundError:
        return {}
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError):
        # A damaged manifest only costs a full rebuild.
        if warnings is not None:
            warnings.append(f"{path}: damaged manifest ignored (everything is rebuilt)")
        return {}
    except OSError as error:
        raise RenderError(f"cannot read the manifest: {error.strerror}", path) from None


@contextmanager
def manifest_lock(out: Path) -> Iterator[None]:
    """An exclusive lock on the output folder's manifest, so that builds running side by side into
    one folder merge their entries instead of overwriting each other's."""
    path = out / LOCK_NAME
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        # A read-only output folder: nothing will be written there, so there is nothing to guard.
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _up_to_date(
    job: Job, input_hash: str, manifest: dict[str, FileRecord], out: Path
) -> list[FileRecord] | None:
    records = []
    for fmt in job.formats:
        entry = manifest.get(job.path(fmt))
        target = out / job.path(fmt)
        if entry is None or entry.input_hash != input_hash or not target.exists():
            return None
        if target.stat().st_size != entry.bytes or sha256_file(target) != entry.sha256:
            return None
        records.append(entry)
    return records


def manifest_bytes(records: dict[str, FileRecord], call: CallContext) -> bytes:
    files = [dataclasses.asdict(records[path]) for path in sorted(records, key=_sort_key)]
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "generator": "callpack",
        "source_sha256": call.source_sha256,
        "issued": call.issued.isoformat() if call.issued else None,
        "files": files,
    }
    return json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


def _sort_key(path: str) -> tuple[Any, ...]:
    parts = path.split("/")
    if parts[0] == "directions" and len(parts) > 1:
        numbers = tuple(int(x) if x.isdigit() else 0 for x in parts[1].split("."))
        return (1, numbers, path)
    return (0, (), path)


def index_bytes(out: Path, records: dict[str, FileRecord], call: CallContext) -> bytes:
    """output/index.html: every file, by direction and kind, with hashes on hover. Only paths
    confined to `out` are linked."""
    records = {path: record for path, record in records.items() if confined(out, path)}
    titles = {d.id: d.title for d in call.directions}
    whole_rows: dict[str, list[FileRecord]] = {}
    direction_rows: dict[str, dict[tuple[str, str], list[FileRecord]]] = {}
    columns: list[tuple[str, str]] = []
    for path in sorted(records, key=_sort_key):
        record = records[path]
        if record.direction is None:
            whole_rows.setdefault(record.lang, []).append(record)
        else:
            key = (record.kind, record.lang)
            if key not in columns:
                columns.append(key)
            direction_rows.setdefault(record.direction, {}).setdefault(key, []).append(record)
    format_order = {fmt: index for index, fmt in enumerate(FORMATS)}
    for group in [*whole_rows.values(), *(f for row in direction_rows.values() for f in row.values())]:
        group.sort(key=lambda record: format_order.get(record.format, 9))
    order = {kind: index for index, kind in enumerate(KINDS)}
    columns.sort(key=lambda key: (order.get(key[0], 9), ["en", "bilingual", "zh"].index(key[1])))
    known = [d.id for d in call.directions]
    translations = load_translations("en")
    html = (
        environment()
        .get_template("index.html.j2")
        .render(
            title="callpack: " + (call.title.en or call.title.zh),
            title_zh=call.title.zh,
            stylesheet=Markup((TEMPLATES_DIR / STYLESHEET).read_text(encoding="utf-8")),
            built=call.issued.isoformat() if call.issued else "",
            whole=[{"lang": lang, "files": files} for lang, files in whole_rows.items()],
            directions=[
                {"id": d, "title": titles.get(d), "files": direction_rows[d]}
                for d in sorted(direction_rows, key=lambda d: known.index(d) if d in known else 10_000)
            ],
            columns=columns,
            _=translations.gettext,
            gettext=translations.gettext,
            ngettext=translations.ngettext,
        )
    )
    return html.encode("utf-8")


# --- the build -----------------------------------------------------------------------------------


def issued_date(info: CallInfo | None = None) -> dt.date | None:
    """The edition date printed on documents: `[call] edition_date`, else SOURCE_DATE_EPOCH, else
    none. Never the clock: the same inputs must give the same documents on any day."""
    if info is not None and info.edition_date is not None:
        return info.edition_date
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return None


def build(
    guide: Guide,
    out: Path,
    kinds: Iterable[str] = KINDS,
    langs: Iterable[str] = ("en", "bilingual", "zh"),
    formats: Iterable[str] = FORMATS,
    direction_ids: Sequence[str] | None = None,
    jobs: int = 1,
    force: bool = False,
    progress: Callable[[Job, bool], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    call: CallContext | None = None,
    settings: Settings | None = None,
    info: CallInfo | None = None,
) -> BuildReport:
    """Make the documents; returns what was built and what was up to date.

    `settings` (callpack.toml) gives the agreements their parties and choices and every pack and
    briefing its call information (`[call]`, or `info` alone); its parties are checked against the
    call's rules before anything is built (SettingsError).
    """
    kinds = list(kinds)
    if info is None and settings is not None:
        info = settings.call
    call = call or build_call_context(guide, issued=issued_date(info), info=info)
    if settings is not None:
        call = with_agreement_settings(call, settings, kinds)
    planned = plan_jobs(call, kinds, langs, formats, direction_ids)
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise RenderError(f"cannot create the output folder: {error.strerror}", out) from None
    report = BuildReport(out=out)
    manifest = load_manifest(out, report.warnings)
    if force:
        manifest = {}
    todo: list[tuple[Job, str]] = []
    for job in planned:
        input_hash = job_input_hash(job, call)
        current = _up_to_date(job, input_hash, manifest, out)
        if current is not None:
            report.skipped.extend(current)
            report.jobs_skipped += 1
            if progress:
                progress(job, False)
        else:
            todo.append((job, input_hash))
    if on_start:
        on_start(len(todo))
    made: dict[str, FileRecord] = {}
    if todo:
        from .fonts import document_fonts

        document_fonts()  # cut the static CJK fonts once, before any worker needs them
        load_translations("en")  # and compile stale catalogs once
        load_translations("zh")
        if jobs <= 1 or len(todo) == 1:
            warm_up()  # in this process: no worker set-up (its parent-death signal is for workers only)
            for job, input_hash in todo:
                _collect(render_job(job, call, out, input_hash), made, report, job, progress)
        else:
            # Big documents first so that they do not finish last on their own.
            todo.sort(key=lambda item: item[0].direction_id is not None)
            with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(call,)) as pool:
                futures = {pool.submit(_worker_job, job, str(out), h): job for job, h in todo}
                for future in as_completed(futures):
                    _collect(future.result(), made, report, futures[future], progress)
    with manifest_lock(out):
        # Read again under the lock: another build may have finished into this folder meanwhile.
        records = {**load_manifest(out), **made}
        # Forget entries whose files were removed by hand.
        records = {path: record for path, record in records.items() if (out / path).exists()}
        _write_if_changed(out / MANIFEST_NAME, manifest_bytes(records, call))
        _write_if_changed(out / INDEX_NAME, index_bytes(out, records, call))
    return report


def _write_if_changed(path: Path, data: bytes) -> None:
    """A no-op build writes nothing: an up-to-date file is left alone (also on a full or
    read-only disk)."""
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    try:
        write_atomic(path, data)
    except OSError as error:
        raise RenderError(f"cannot write: {error.strerror}", path) from None


def _collect(
    made: list[FileRecord],
    records: dict[str, FileRecord],
    report: BuildReport,
    job: Job,
    progress: Callable[[Job, bool], None] | None,
) -> None:
    for record in made:
        records[record.path] = record
    report.built.extend(made)
    report.jobs_built += 1
    if progress:
        progress(job, True)
