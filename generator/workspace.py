"""Workspaces: one guide, its settings, its termbase layer, its reviewed memory, its output.

A workspace is a folder with a `callpack.toml`. Commands find it by looking upward from the
working directory (as git finds `.git`), or take `--workspace DIR` / `--config FILE`. The
repository root is the workspace of the bundled guide. A new workspace (`callpack init`) reads the
bundled termbase and reviewed memory as read-only reference layers under its own.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from .errors import SettingsError
from .fileio import write_atomic
from .paths import MEMORY_DIR as BUNDLED_MEMORY_DIR
from .paths import PROJECT_ROOT, STATE_DIR_NAME, TERMS_DIR
from .settings import SETTINGS_FILE, Settings, find_settings, read_settings


@dataclass(frozen=True)
class Workspace:
    """Resolved, absolute paths of one workspace and its settings."""

    root: Path
    settings: Settings
    guide: Path
    terms_dir: Path
    memory_dir: Path
    output_dir: Path
    state_dir: Path
    # Read-only layers beneath the workspace's own (lowest first).
    reference_terms_dirs: tuple[Path, ...] = ()
    reference_memory_dirs: tuple[Path, ...] = ()

    @property
    def memory_db(self) -> Path:
        """The working translation-memory database (rebuilt from the TMX files)."""
        return self.state_dir / "memory.sqlite"

    @property
    def terms_layers(self) -> tuple[Path, ...]:
        """Termbase folders from the lowest layer to the workspace's own (which wins)."""
        return (*self.reference_terms_dirs, self.terms_dir)

    @property
    def is_bundled(self) -> bool:
        return self.root == PROJECT_ROOT.resolve()


def open_workspace(settings: Settings) -> Workspace:
    """The workspace described by `settings` (read from `<root>/callpack.toml`)."""
    if settings.path is None:
        raise SettingsError("a workspace needs a callpack.toml")
    root = settings.path.resolve().parent
    paths = settings.workspace

    def resolve(value: str) -> Path:
        path = Path(value).expanduser()
        return path if path.is_absolute() else (root / path)

    guide = resolve(paths.guide) if paths.guide else _only_guide(root, settings.path)
    terms_dir = resolve(paths.terms).resolve()
    memory_dir = resolve(paths.memory).resolve()
    reference_terms: tuple[Path, ...] = ()
    reference_memory: tuple[Path, ...] = ()
    if paths.bundled_reference:
        if terms_dir != TERMS_DIR.resolve():
            reference_terms = (TERMS_DIR.resolve(),)
        if memory_dir != BUNDLED_MEMORY_DIR.resolve():
            reference_memory = (BUNDLED_MEMORY_DIR.resolve(),)
    return Workspace(
        root=root,
        settings=settings,
        guide=guide,
        terms_dir=terms_dir,
        memory_dir=memory_dir,
        output_dir=resolve(paths.output),
        state_dir=root / STATE_DIR_NAME,
        reference_terms_dirs=reference_terms,
        reference_memory_dirs=reference_memory,
    )


def _only_guide(root: Path, settings_path: Path) -> Path:
    """Without `[workspace] guide`, the one `*.txt` file in `guide/`."""
    candidates = sorted((root / "guide").glob("*.txt"))
    if len(candidates) == 1:
        return candidates[0]
    raise SettingsError(
        "set [workspace] guide = \"path/to/guide.txt\" (no single guide/*.txt file to take instead)",
        settings_path,
    )


def locate_workspace(
    start: Path, workspace: Path | None = None, config: Path | None = None
) -> tuple[Workspace, bool]:
    """The workspace for a command, and whether it fell back to the bundled one.

    `config` names the settings file; `workspace` its folder; otherwise the nearest
    `callpack.toml` upward from `start`, and failing that the bundled guide's workspace.
    """
    if config is not None:
        return open_workspace(read_settings(config)), False
    if workspace is not None:
        path = workspace / SETTINGS_FILE
        if not path.is_file():
            raise SettingsError(
                f"no {SETTINGS_FILE} in this folder (create a workspace with `callpack init`)", workspace
            )
        return open_workspace(read_settings(path)), False
    found = find_settings(start)
    if found is not None:
        return open_workspace(read_settings(found)), False
    return open_workspace(read_settings(PROJECT_ROOT / SETTINGS_FILE)), True


_TEMPLATE = """\
# callpack settings for one guide. Documented in the README ("Your own guide").
# Paths are relative to this file.

[workspace]
guide = "{guide}"
terms = "terms"          # this project's termbase entries (CSV), layered over the bundled termbase
memory = "memory"        # this project's reviewed translation memory (TMX)
output = "output"

# Call information that partners look for and the guide lacks. An absent value shows as
# "to be completed by the issuing office" in the documents; nothing is invented.
[call]
# id = ""
# issuing_office = ""
# opening = 2027-01-15
# deadline = 2027-03-31
# how_to_apply = ""
# portal = "https://"
# contact = ""
# foreign_funding = ""
cleared_for_release = false   # true only when the issuing office cleared the text for release abroad

# One table per institution of a project, for the cooperation-agreement skeleton.
# [[parties]]
# role = "lead"              # lead | chinese | foreign
# name_en = ""
# name_zh = ""
# country = "CN"
# address = ""
# representative = ""
# representative_title = ""

# [agreement]
# ownership = "generator"    # generator | joint | single_owner
# governing_law = ""
# disputes = "arbitration"   # arbitration | courts
# language = "equal"         # equal | zh | en

# [mt]
# engine = "auto"            # auto | memory | argos | ct2 | llm
# threads = 0                # CPU threads for argos/ct2 (0: all cores)
"""


def create_workspace(folder: Path, guide: Path) -> Path:
    """Lay out a new workspace in `folder` for the guide file `guide`; return its settings path.

    Refuses to touch a folder that already has a `callpack.toml`. The guide is copied into
    `guide/` so the workspace holds everything it was built from.
    """
    from .glossary.termbase import render_term_file  # here, not at start-up

    settings_path = folder / SETTINGS_FILE
    if settings_path.exists():
        raise SettingsError(f"{SETTINGS_FILE} already exists: this folder is a workspace", settings_path)
    copied = folder / "guide" / guide.name
    copied.parent.mkdir(parents=True, exist_ok=True)
    if copied.resolve() != guide.resolve():
        shutil.copyfile(guide, copied)
    terms = folder / "terms"
    terms.mkdir(exist_ok=True)
    if not any(terms.glob("*.csv")):
        write_atomic(terms / "project.csv", render_term_file(()))
    (folder / "memory").mkdir(exist_ok=True)
    (folder / "output").mkdir(exist_ok=True)
    write_atomic(folder / ".gitignore", "/output/\n/.callpack/\n")
    guide_setting = copied.relative_to(folder).as_posix().replace('"', '\\"')
    write_atomic(settings_path, _TEMPLATE.format(guide=guide_setting))
    return settings_path
