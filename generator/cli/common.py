"""What every command shares: the console, error reporting, loading the guide."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import CallpackError

if TYPE_CHECKING:
    from ..glossary.termbase import Termbase
    from ..model import Guide
    from ..segments import Translation
    from ..translate.termbase import TermIndex
    from ..workspace import Workspace

console = Console()
err_console = Console(stderr=True)


# Terminal escape sequences (CSI, OSC, and the two-character ones) are removed whole, so no
# parameter bytes are left behind when the ESC itself is stripped.
_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])|\x9b[0-?]*[ -/]*[@-~]")
# Bidirectional overrides and isolates can make a printed line read differently from its bytes.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
VALUE_LIMIT = 300
MESSAGE_LIMIT = 4000


def clean(text: object, limit: int = VALUE_LIMIT, *, multiline: bool = False) -> str:
    """Untrusted text made printable: escape sequences and control characters removed (a newline
    and a tab kept only when `multiline`), at most `limit` characters plus a note of how many were
    cut. Plain text: for Rich output use `safe`."""
    text = _ESCAPE_SEQUENCE.sub("", str(text))
    keep = "\n\t" if multiline else ""
    out = []
    for char in text:
        if char in keep:
            out.append(char)
        elif char in "\r\n\t":
            out.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cs") or char in _BIDI_CONTROLS:
            continue
        else:
            out.append(char)
    text = "".join(out)
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text) - limit} more characters)"
    return text


def safe(text: object, limit: int = VALUE_LIMIT, *, multiline: bool = False) -> str:
    """Untrusted text (guide text, titles, paths, ids, termbase values, error messages) for a Rich
    markup string: `clean`ed, then markup-escaped so `[/]` or `[bold]` print as themselves."""
    return escape(clean(text, limit, multiline=multiline))


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn a CallpackError into a one-line message and its exit code, never a traceback."""
    try:
        yield
    except CallpackError as error:
        err_console.print(
            f"[bold red]error:[/] {safe(error, MESSAGE_LIMIT, multiline=True)}", highlight=False, soft_wrap=True
        )
        raise typer.Exit(error.exit_code) from None
    except OSError as error:
        # A safety net: an I/O failure no stage turned into a CallpackError is still one line.
        where = f"{safe(error.filename)}: " if error.filename else ""
        err_console.print(
            f"[bold red]error:[/] {where}{safe(error.strerror or error, MESSAGE_LIMIT)}", highlight=False, soft_wrap=True
        )
        raise typer.Exit(1) from None


class _Selection:
    """The workspace chosen by the global options, resolved once per process."""

    workspace: Path | None = None
    config: Path | None = None
    resolved: Workspace | None = None


def select_workspace(workspace: Path | None, config: Path | None) -> None:
    """Record `--workspace`/`--config` (the root command's options); resolved on first use."""
    _Selection.workspace, _Selection.config, _Selection.resolved = workspace, config, None


def current_workspace() -> Workspace:
    """The workspace of this command: `--config`, `--workspace`, or `callpack.toml` upward from here."""
    if _Selection.resolved is None:
        from ..workspace import locate_workspace

        workspace, fallback = locate_workspace(Path.cwd(), _Selection.workspace, _Selection.config)
        if fallback:
            err_console.print(
                "[yellow]note:[/] no callpack.toml here or above; using the bundled guide's workspace "
                f"({safe(workspace.root)}). Start your own with `callpack init`.",
                highlight=False,
                soft_wrap=True,
            )
        _Selection.resolved = workspace
    return _Selection.resolved


def exchange_languages() -> tuple[str, str]:
    """The (source, target) language tags written into exchange files (`[exchange]`)."""
    exchange = current_workspace().settings.exchange
    return exchange.source_language, exchange.target_language


def guide_path_or_bundled(path: Path | None) -> Path:
    """`path`, or the current workspace's guide."""
    return path if path is not None else current_workspace().guide


def load_workspace_guide(path: Path | None) -> Guide:
    """The guide at `path`, or the workspace's (the bundled one parsed once per process)."""
    from ..parse import load_bundled_guide, parse_guide
    from ..paths import BUNDLED_GUIDE

    chosen = guide_path_or_bundled(path)
    if chosen.resolve() == BUNDLED_GUIDE.resolve():
        return load_bundled_guide()
    return parse_guide(chosen)


class MemoryPaths(TypedDict):
    """Where the workspace's translation memory lives, as `translate_guide` takes it."""

    memory_path: Path
    memory_dir: Path
    reference_dirs: tuple[Path, ...]


def workspace_memory() -> MemoryPaths:
    """The workspace's memory: database, own folder (written by imports), read-only reference folders."""
    workspace = current_workspace()
    return MemoryPaths(
        memory_path=workspace.memory_db,
        memory_dir=workspace.memory_dir,
        reference_dirs=workspace.reference_memory_dirs,
    )


def workspace_termbase(terms: Path | None = None) -> Termbase:
    """`--terms FOLDER` alone, or the workspace's layers (bundled reference below the project's own)."""
    from ..glossary.termbase import load_termbase, load_termbase_layers

    if terms is not None:
        return load_termbase(terms)
    return load_termbase_layers(current_workspace().terms_layers)


def workspace_term_index() -> TermIndex:
    """The workspace's layered termbase, as the translation stage uses it."""
    from ..translate.termbase import TermIndex

    return TermIndex(workspace_termbase())


def workspace_translations(guide: Guide, terms: TermIndex | None = None) -> dict[str, Translation]:
    """The current translation of every segment of `guide` from the workspace's memory (no MT).

    `terms`: the workspace's term index when the caller has it already (it is read otherwise).
    """
    from ..translate.pipeline import current_translations

    terms = terms if terms is not None else workspace_term_index()
    return current_translations(guide, terms=terms, **workspace_memory())
