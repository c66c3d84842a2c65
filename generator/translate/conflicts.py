"""Conflict reports and resolution files for imports of translators' files (XLIFF, TMX).

An import that finds units whose segment changed in the memory since the export writes them to a
JSON report (`<file>.conflicts.json` by default): for each, the id, the Chinese, the exported text
(`base`), the file's text (`theirs`), the memory's (`ours`) and the memory revision it was compared
with. The translator fills `resolution` with `theirs` or `ours` and passes the file back with
`--resolve`; a resolution holds only while the memory still has that revision.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ..errors import TranslationError
from ..fileio import write_atomic
from .store import Conflict, Resolution

CHOICES = ("theirs", "ours")


def conflicts_json(source: Path, conflicts: Sequence[Conflict]) -> str:
    data = {
        "file": str(source),
        "how_to_resolve": (
            "Set each resolution to 'theirs' (take the file's text) or 'ours' (keep the memory's), then "
            "run the same import with --resolve THIS_FILE. Empty resolutions stay conflicts."
        ),
        "conflicts": [conflict.to_json() for conflict in conflicts],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def write_conflicts(path: Path, source: Path, conflicts: Sequence[Conflict]) -> None:
    write_atomic(path, conflicts_json(source, conflicts))


def read_resolutions(path: Path) -> dict[str, Resolution]:
    """The filled-in resolutions of a conflicts report; a bad entry names its position."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TranslationError(f"cannot read the resolution file: {error.strerror}", path) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line = getattr(error, "lineno", None)
        raise TranslationError(f"not a JSON conflicts report: {error}", path, line) from None
    items = data.get("conflicts") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise TranslationError("a resolution file needs a 'conflicts' list (the import's report)", path)
    resolutions: dict[str, Resolution] = {}
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise TranslationError(f"conflict {number} has no id", path)
        choice = str(item.get("resolution") or "").strip().lower()
        if not choice:
            continue
        if choice not in CHOICES:
            raise TranslationError(
                f"conflict {number} ({item['id']}): resolution {choice!r} is not 'theirs' or 'ours'", path
            )
        resolutions[item["id"]] = Resolution(choice, str(item.get("ours_revision") or ""))
    return resolutions
