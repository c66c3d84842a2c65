"""Property-based tests of the review-file importers (CSV, XLSX, TBX): whatever the file holds,
reading it raises nothing but a GlossaryError, and every data row comes back as a row or an error."""

from __future__ import annotations

import csv
import io
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from generator.errors import GlossaryError
from generator.glossary.review import ReviewFile, read_review_file
from generator.glossary.tbx_format import export_tbx
from generator.glossary.termbase import HEADER, Status, Termbase, TermEntry, read_termbase

from ..strategies import mutated

BUDGET = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters that break naive readers: separators, quotes, markup, formula prefixes, line breaks.
TRICKY = list("研究内容钙钛矿 ,;|\"'=+-@[]/<>&{}\t\r\n\\ab1.")
CELL = st.text(alphabet=st.sampled_from(TRICKY) | st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
STATUS = st.sampled_from(["approved", "proposed", "deprecated", "Approved", "", "aproved"])
ROW = st.fixed_dictionaries(
    {name: CELL for name in HEADER}
    | {"status": STATUS, "case_sensitive": st.sampled_from(["", "true", "false", "maybe"]), "sources": st.sampled_from(["", "1.1", "1.1 | 2.10", "x"])}
)


def _blank(row: dict[str, str]) -> bool:
    return all(not value.strip() for value in row.values())


def _accounted(review: ReviewFile, rows: list[dict[str, str]]) -> None:
    """No silent loss: each non-blank row is a row or an error; an accepted row keeps its text."""
    expected = [row for row in rows if not _blank(row)]
    assert len(review.rows) + len(review.errors) == len(expected), (review.rows, review.errors)
    given = Counter((row["zh"].strip(), row["en"].strip(), row["note"].strip()) for row in expected)
    read = Counter((r.entry.zh, r.entry.en, r.entry.note) for r in review.rows)
    assert not read - given, "a row came back with other text than it was given"


def _read(path: Path) -> ReviewFile | None:
    try:
        return read_review_file(path)
    except GlossaryError:
        return None


@BUDGET
@given(rows=st.lists(ROW, max_size=6))
def test_csv_rows_are_read_or_reported(rows: list[dict[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "review.csv"
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)  # as a spreadsheet writes it
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow([row[name] for name in HEADER])
        path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
        review = _read(path)
        if review is not None:
            _accounted(review, rows)
        # The same file as a termbase: all rows are entries, or errors say why not (a termbase with
        # any error is refused as a whole, so nothing is lost quietly).
        terms = Path(folder) / "terms"
        terms.mkdir()
        path.rename(terms / "01-x.csv")
        entries, errors = read_termbase(terms)
        assert errors or len(entries) == sum(1 for row in rows if not _blank(row))


# XML 1.0 cannot hold most control characters, so neither can a workbook.
XML_CELL = st.text(
    alphabet=st.sampled_from(TRICKY) | st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12
)
XLSX_ROW = st.fixed_dictionaries(
    {name: XML_CELL for name in HEADER} | {"status": STATUS, "case_sensitive": st.sampled_from(["", "true", "maybe"])}
)


@BUDGET
@given(rows=st.lists(XLSX_ROW, max_size=6))
def test_xlsx_rows_are_read_or_reported(rows: list[dict[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "review.xlsx"
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(list(HEADER))
        for number, row in enumerate(rows, start=2):
            for column, name in enumerate(HEADER, start=1):
                # Typed as text, as a translator's cell is: "=x" is not a formula here.
                cell = sheet.cell(number, column)
                cell.value = row[name]
                cell.data_type = "s"
        workbook.save(path)
        review = _read(path)
        assert review is not None
        _accounted(review, rows)


TERM = st.text(alphabet=st.sampled_from(TRICKY) | st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=10)


@st.composite
def entries(draw: st.DrawFn) -> list[TermEntry]:
    # TBX text is whitespace-normalized on reading (pretty-printed XML), so terms are drawn normalized.
    zh_terms = draw(st.lists(TERM.map(lambda t: " ".join(t.split())).filter(bool), max_size=5, unique_by=str))
    result = []
    for zh in zh_terms:
        result.append(
            TermEntry(
                zh=zh,
                en=" ".join(draw(TERM).split()) or "x",
                status=draw(st.sampled_from(list(Status))),
                note=" ".join(draw(st.text(alphabet=st.sampled_from(TRICKY), max_size=8)).split()),
                origin="01-x.csv",
            )
        )
    return result


@BUDGET
@given(terms=entries())
def test_tbx_round_trip_loses_nothing(terms: list[TermEntry]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "terms.tbx"
        termbase = Termbase(terms)
        try:
            export_tbx(termbase, path, {})
        except GlossaryError:
            assert not terms  # an empty termbase is refused; nothing else is
            return
        review = read_review_file(path)
        assert not review.errors
        got = {row.entry.zh: row.entry for row in review.rows}
        assert set(got) == {t.zh for t in terms}
        for term in terms:
            assert (got[term.zh].en, got[term.zh].status) == (term.en, term.status)


def _sample_files(folder: Path) -> dict[str, bytes]:
    terms = Termbase(
        [
            TermEntry("钙钛矿", "perovskite", Status.APPROVED, note="a & b <c>", origin="01-x.csv"),
            TermEntry("太阳能电池", "solar cell", Status.PROPOSED, variants=("PV cell",), origin="01-x.csv"),
        ]
    )
    from generator.glossary.csv_format import export_csv
    from generator.glossary.xlsx_format import export_xlsx

    export_tbx(terms, folder / "s.tbx", {})
    export_xlsx(terms, folder / "s.xlsx", {})
    export_csv(list(terms), folder / "s.csv")
    return {name: (folder / name).read_bytes() for name in ("s.tbx", "s.xlsx", "s.csv")}


with tempfile.TemporaryDirectory() as _folder:
    SAMPLES = _sample_files(Path(_folder))


@BUDGET
@given(data=st.data(), name=st.sampled_from(sorted(SAMPLES)))
def test_mutated_files_raise_only_glossary_errors(data: st.DataObject, name: str) -> None:
    content = data.draw(mutated(SAMPLES[name]))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        review = _read(path)  # anything but a GlossaryError propagates and fails the test
        if review is not None:
            for row in review.rows:
                assert row.entry.zh and row.line >= 1
