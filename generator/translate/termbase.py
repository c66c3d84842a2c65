"""The termbase as the translation stage sees it: a thin adapter over `generator.glossary`.

Matching (`Termbase.find_terms`) and the followed/forbidden checks (`generator.glossary.check`)
come from the glossary package, so MT enforcement and QA agree with the glossary's own QA.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..glossary import Status, Termbase, TermEntry, load_termbase
from ..glossary import forbidden_used as _forbidden_used
from ..glossary import term_followed as _term_followed
from ..paths import TERMS_DIR

Term = TermEntry
USABLE = (Status.APPROVED, Status.PROPOSED)


@dataclass(frozen=True)
class TermHit:
    term: TermEntry
    start: int
    end: int


class TermIndex:
    """Lookup of termbase entries in Chinese text (longest match, no overlaps)."""

    def __init__(self, termbase: Termbase | Iterable[TermEntry]) -> None:
        self.termbase = termbase if isinstance(termbase, Termbase) else Termbase(termbase)

    def __len__(self) -> int:
        return len(self.termbase)

    def get(self, zh: str) -> TermEntry | None:
        return self.termbase.get(zh.strip())

    def find(self, zh: str, *, include_deprecated: bool = False) -> list[TermHit]:
        statuses = (*USABLE, Status.DEPRECATED) if include_deprecated else USABLE
        return [TermHit(m.entry, m.start, m.end) for m in self.termbase.find_terms(zh, statuses)]


def term(
    zh: str,
    en: str,
    *,
    status: str = "approved",
    variants: Iterable[str] = (),
    forbidden: Iterable[str] = (),
    case_sensitive: bool = False,
) -> TermEntry:
    """A termbase entry built in code (tests, fixtures)."""
    return TermEntry(
        zh=zh,
        en=en,
        status=Status(status),
        variants=tuple(variants),
        forbidden=tuple(forbidden),
        case_sensitive=case_sensitive,
    )


def is_approved(entry: TermEntry) -> bool:
    return entry.status is Status.APPROVED


def term_followed(entry: TermEntry, en: str) -> bool:
    folded = en.casefold()
    if not any(_may_contain(form, folded) for form in entry.renderings):
        return False
    return _term_followed(entry, en)


def _blank_renderings(entry: TermEntry, en: str) -> str:
    """`en` with the admitted renderings blanked, so that a forbidden form that only occurs inside
    an admitted one ("program framework" inside "programming framework") is not reported."""
    for form in sorted(entry.renderings, key=len, reverse=True):
        words = [re.escape(word) for word in re.split(r"[\s\-–]+", form.strip()) if word]
        if words:
            pattern = re.compile(
                r"[\s\-–]+".join(words) + r"\w*", 0 if entry.case_sensitive else re.IGNORECASE
            )
            en = pattern.sub(lambda m: " " * len(m.group(0)), en)
    return en


def _may_contain(form: str, folded: str) -> bool:
    """Cheap necessary condition for `form` to occur in the case-folded text (skips regex compilation)."""
    return all(word[:3].casefold() in folded for word in re.split(r"[\s\-–]+", form) if word)


def forbidden_used(entry: TermEntry, en: str) -> list[str]:
    """Forbidden renderings of `entry` used in `en`, outside its admitted renderings."""
    folded = en.casefold()
    if not any(_may_contain(form, folded) for form in entry.forbidden):
        return []
    found = _forbidden_used(entry, en)
    return _forbidden_used(entry, _blank_renderings(entry, en)) if found else found


def load_term_index(terms_dir: Path | None = None) -> TermIndex:
    """The termbase folder (`glossary/terms/` by default) as a `TermIndex`."""
    return TermIndex(load_termbase(terms_dir or TERMS_DIR))
