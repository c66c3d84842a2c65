"""The curated zh→en termbase and the translators' review workflow."""

from .check import forbidden_used, term_followed
from .termbase import HEADER, Status, Termbase, TermEntry, TermMatch, load_termbase

__all__ = [
    "HEADER",
    "Status",
    "TermEntry",
    "TermMatch",
    "Termbase",
    "forbidden_used",
    "load_termbase",
    "term_followed",
]
