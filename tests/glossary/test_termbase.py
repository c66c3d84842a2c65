from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import GlossaryError
from generator.glossary.termbase import (
    Status,
    Termbase,
    TermEntry,
    load_termbase,
    read_termbase,
    render_term_file,
    write_termbase,
)

from .conftest import GENERAL, HEADER, NEW_ENERGY, write_terms


def test_load_fixture_termbase(terms_dir: Path) -> None:
    termbase = load_termbase(terms_dir)
    assert len(termbase) == 8
    entry = termbase["光电转换效率"]
    assert entry.en == "photoelectric conversion efficiency"
    assert entry.variants == ("power conversion efficiency", "PCE")
    assert entry.status is Status.APPROVED
    assert entry.origin == "01-new-energy.csv" and entry.line == 2
    ccus = termbase["CCUS"]
    assert ccus.case_sensitive and ccus.variants == ("carbon capture, utilization and storage",)
    assert termbase["原理样机"].sources == ("1.1", "2.1")
    assert {e.zh for e in termbase.approved()} == {
        "光电转换效率",
        "太阳能电池",
        "钙钛矿",
        "钙钛矿太阳能电池",
        "CCUS",
        "原理样机",
    }


def test_find_terms_longest_first_non_overlapping(terms_dir: Path) -> None:
    termbase = load_termbase(terms_dir)
    text = "柔性钙钛矿太阳能电池的光电转换效率与钙钛矿材料"
    matches = termbase.find_terms(text)
    assert [(m.zh, m.start, m.end) for m in matches] == [
        ("钙钛矿太阳能电池", 2, 10),
        ("光电转换效率", 11, 17),
        ("钙钛矿", 18, 21),
    ]
    for match in matches:
        assert text[match.start : match.end] == match.zh
    # Proposed entries are left out unless asked for.
    assert termbase.find_terms("锌离子储能电池") == []
    assert [m.zh for m in termbase.find_terms("锌离子储能电池", statuses=tuple(Status))] == ["锌离子储能电池"]


def test_find_terms_longest_wins_even_when_it_starts_later() -> None:
    termbase = Termbase(
        [
            TermEntry("储能", "energy storage", Status.APPROVED),
            TermEntry("能电池系统", "x", Status.APPROVED),
        ]
    )
    assert [m.zh for m in termbase.find_terms("储能电池系统")] == ["能电池系统"]


def test_find_terms_case_and_latin_boundaries(terms_dir: Path) -> None:
    termbase = load_termbase(terms_dir)
    assert [m.zh for m in termbase.find_terms("开展CCUS全流程示范")] == ["CCUS"]
    assert termbase.find_terms("开展ccus示范") == []  # case-sensitive entry
    assert termbase.find_terms("XCCUS") == []  # not cut out of a longer Latin word
    folded = Termbase([TermEntry("RISC-V", "RISC-V", Status.APPROVED)])
    assert [m.zh for m in folded.find_terms("基于risc-v的处理器")] == ["RISC-V"]


def test_writer_reproduces_the_files_exactly(terms_dir: Path, tmp_path: Path) -> None:
    termbase = load_termbase(terms_dir)
    out = tmp_path / "out"
    out.mkdir()
    written = write_termbase(termbase, out)
    assert {p.name for p in written} == {"01-new-energy.csv", "00-general.csv"}
    # The fixture files are sorted by zh already, so the writer gives the same bytes.
    for name in ("01-new-energy.csv", "00-general.csv"):
        assert (out / name).read_bytes() == (terms_dir / name).read_bytes()
    # Unchanged files are not rewritten.
    assert write_termbase(termbase, out) == []
    assert not list(out.glob(".*tmp"))


def test_writer_sorts_by_zh_and_quotes() -> None:
    entries = [
        TermEntry("乙", "b, with comma", Status.APPROVED, origin="x.csv"),
        TermEntry("甲", 'quote "q"', Status.APPROVED, variants=("v1", "v2"), origin="x.csv"),
    ]
    text = render_term_file(entries)
    lines = text.split("\n")
    assert lines[0] == HEADER.strip()
    assert lines[1].startswith("乙,") and '"b, with comma"' in lines[1]
    assert lines[2].startswith('甲,"quote ""q""",approved,v1 | v2,')
    assert text.endswith("\n") and "\r" not in text


BAD_ROWS = {
    "unknown status": ("钙钛矿,perovskite,aproved,,,,noun,false,1.1,\n", "unknown status 'aproved'"),
    "empty en on approved": ("钙钛矿,,approved,,,,noun,false,1.1,\n", "empty en"),
    "bad pos": ("钙钛矿,perovskite,approved,,,,substantive,false,1.1,\n", "bad pos 'substantive'"),
    "bad case_sensitive": ("钙钛矿,perovskite,approved,,,,noun,maybe,1.1,\n", "bad case_sensitive 'maybe'"),
    "too few columns": ("钙钛矿,perovskite,approved\n", "3 columns instead of 10"),
    "too many columns": (
        "钙钛矿,perovskite,approved,,,,noun,false,1.1,note, more\n",
        "11 columns instead of 10",
    ),
    "bad direction id": ("钙钛矿,perovskite,approved,,,,noun,false,area one,\n", "bad direction id"),
    "empty zh": (",perovskite,approved,,,,noun,false,1.1,\n", "empty zh"),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_malformed_rows_name_file_and_line(tmp_path: Path, case: str) -> None:
    row, message = BAD_ROWS[case]
    good = "太阳能电池,solar cell,approved,,,,noun,false,1.1,\n"
    folder = write_terms(tmp_path / "t", {"01-x.csv": HEADER + good + row})
    with pytest.raises(GlossaryError) as caught:
        load_termbase(folder)
    assert caught.value.path is not None and caught.value.path.endswith("01-x.csv")
    assert caught.value.line == 3
    assert message in caught.value.message


def test_bad_header(tmp_path: Path) -> None:
    folder = write_terms(tmp_path / "t", {"01-x.csv": "zh,en,state\n钙钛矿,perovskite,approved\n"})
    with pytest.raises(GlossaryError, match="bad header") as caught:
        load_termbase(folder)
    assert caught.value.line == 1


def test_empty_file(tmp_path: Path) -> None:
    folder = write_terms(tmp_path / "t", {"01-x.csv": ""})
    with pytest.raises(GlossaryError, match="empty file"):
        load_termbase(folder)


def test_undecodable_file_names_the_line(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    data = (HEADER + "太阳能电池,solar cell,approved,,,,noun,false,1.1,\n").encode("utf-8")
    (folder / "01-x.csv").write_bytes(data + "钙钛矿,perovskite,approved,,,,noun,false,1.1,\n".encode("gbk"))
    with pytest.raises(GlossaryError, match="UTF-8") as caught:
        load_termbase(folder)
    assert caught.value.line == 3


def test_unterminated_quote(tmp_path: Path) -> None:
    folder = write_terms(
        tmp_path / "t", {"01-x.csv": HEADER + '钙钛矿,"perovskite,approved,,,,noun,false,1.1,\n'}
    )
    with pytest.raises(GlossaryError, match="malformed CSV|columns"):
        load_termbase(folder)


def test_duplicate_zh_names_both_files_and_lines(tmp_path: Path) -> None:
    folder = write_terms(
        tmp_path / "t",
        {
            "01-a.csv": HEADER + "钙钛矿,perovskite,approved,,,,noun,false,1.1,\n",
            "02-b.csv": HEADER + "太阳能电池,solar cell,approved,,,,noun,false,1.1,\n"
            "钙钛矿,perovskites,approved,,,,noun,false,2.1,\n",
        },
    )
    with pytest.raises(GlossaryError) as caught:
        load_termbase(folder)
    error = caught.value
    assert error.path is not None and error.path.endswith("02-b.csv") and error.line == 3
    assert "01-a.csv:2" in error.message
    entries, errors = read_termbase(folder)
    assert len(entries) == 2 and len(errors) == 1


def test_all_errors_are_collected_for_check(tmp_path: Path) -> None:
    folder = write_terms(
        tmp_path / "t",
        {
            "01-a.csv": HEADER
            + "甲,,approved,,,,noun,false,,\n乙,b,approved,,,,noun,false,,\n丙,c,wrong,,,,noun,false,,\n",
            "02-b.csv": NEW_ENERGY,
            "03-c.csv": GENERAL.replace("zh,en", "zh,english"),
        },
    )
    entries, errors = read_termbase(folder)
    assert [(Path(e.path or "").name, e.line) for e in errors] == [
        ("01-a.csv", 2),
        ("01-a.csv", 4),
        ("03-c.csv", 1),
    ]
    assert "乙" in {e.zh for e in entries}


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="not found"):
        load_termbase(tmp_path / "nope")


TERMS = ["储能", "储能电池", "电池", "电池系统", "锂", "锂离子", "离子电池", "CO₂", "CO₂捕集"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="储能电池系统锂离子CO₂捕集的与", max_size=40))
def test_find_terms_properties(text: str) -> None:
    termbase = Termbase(TermEntry(zh, zh, Status.APPROVED) for zh in TERMS)
    matches = termbase.find_terms(text)
    covered = [False] * len(text)
    for previous, match in zip(matches, matches[1:], strict=False):
        assert previous.end <= match.start  # sorted, non-overlapping
    for match in matches:
        assert text[match.start : match.end] == match.zh
        for i in range(match.start, match.end):
            covered[i] = True
    # Longest first: no occurrence is longer than a chosen match it overlaps, and every occurrence
    # overlaps some chosen match (nothing is left out).
    for occurrence in termbase.find_all(text):
        overlapping = [m for m in matches if m.start < occurrence.end and occurrence.start < m.end]
        assert overlapping
        assert any(len(m.zh) >= len(occurrence.zh) for m in overlapping)


def test_a_carriage_return_inside_a_value_survives_the_csv(tmp_path) -> None:
    from generator.glossary.termbase import Status, TermEntry, read_term_file, render_term_file

    entries = [TermEntry("钙钛矿", "perovskite", Status.APPROVED, note="line one\rline two"), TermEntry("太阳", "sun")]
    path = tmp_path / "01-x.csv"
    path.write_text(render_term_file(entries), encoding="utf-8", newline="")
    assert [(e.zh, e.note) for e in read_term_file(path)] == [("太阳", ""), ("钙钛矿", "line one\rline two")]
    assert path.read_bytes().count(b"\n") == 3 and b"\n\xe5\xa4\xaa\xe9\x98\xb3,sun," in path.read_bytes()  # plain style elsewhere
