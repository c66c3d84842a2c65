"""Size and decompression limits: every untrusted file is bounded before a parser or unzipper sees it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from generator import limits
from generator.errors import GlossaryError, TranslationError
from generator.glossary import xlsx_format
from generator.glossary.review import read_review_file
from generator.translate.tmx import TmxUnit, read_tmx, write_tmx
from generator.translate.workfiles import read_work_file

BOMB = 4 * limits.MiB


def test_check_zip_limits_each_dimension(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("small.xml", "<a/>" * 1000)  # ratio far above the limit, but tiny: fine
        archive.writestr("big.bin", b"\0" * BOMB)
        archive.writestr("stored.bin", b"x" * (2 * limits.MiB), compress_type=zipfile.ZIP_STORED)
    tight = limits.ZipLimits(max_members=10, max_member_bytes=10 * limits.MiB, max_total_bytes=20 * limits.MiB, max_ratio=100)
    with zipfile.ZipFile(path) as archive:
        with pytest.raises(GlossaryError, match="big.bin' expands .*× .*decompression bomb"):
            limits.check_zip(archive, path, tight, GlossaryError)
        loose = limits.ZipLimits(max_members=10, max_member_bytes=10 * limits.MiB, max_total_bytes=20 * limits.MiB, max_ratio=1e9)
        assert len(limits.check_zip(archive, path, loose, GlossaryError)) == 3
        with pytest.raises(GlossaryError, match="3 members"):
            limits.check_zip(archive, path, limits.ZipLimits(2, 10 * limits.MiB, 20 * limits.MiB, 1e9), GlossaryError)
        with pytest.raises(GlossaryError, match="expands to 4,194,304 bytes"):
            limits.check_zip(archive, path, limits.ZipLimits(10, 3 * limits.MiB, 20 * limits.MiB, 1e9), GlossaryError)
        with pytest.raises(GlossaryError, match="more than"):
            limits.check_zip(archive, path, limits.ZipLimits(10, 10 * limits.MiB, 5 * limits.MiB, 1e9), GlossaryError)


def test_read_bytes_bounded(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 11)
    assert limits.read_bytes_bounded(path, 11, GlossaryError) == b"x" * 11
    with pytest.raises(GlossaryError, match="too large: 11 bytes") as error:
        limits.read_bytes_bounded(path, 10, GlossaryError)
    assert error.value.path == str(path)
    with pytest.raises(GlossaryError, match="cannot read file"):
        limits.read_bytes_bounded(tmp_path / "missing", 10, GlossaryError)


def test_xlsx_bomb_is_refused_before_openpyxl_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["zh", "en", "status", "variants", "forbidden", "domain", "pos", "case_sensitive", "sources", "note"])
    sheet.append(["钙钛矿", "perovskite", "approved", "", "", "", "noun", "false", "", "NOTE"])
    plain = tmp_path / "plain.xlsx"
    workbook.save(plain)
    # openpyxl cuts cells at Excel's 32,767 characters, so the bomb is made by editing the XML.
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                assert b"NOTE" in data
                data = data.replace(b"NOTE", b"A" * BOMB)
            target.writestr(member.filename, data)
    assert path.stat().st_size < BOMB // 50
    opened: list[Path] = []
    monkeypatch.setattr(xlsx_format, "load_workbook", lambda *a, **k: opened.append(a[0]))
    review = read_review_file(path)
    assert not review.rows and not opened
    assert len(review.errors) == 1 and "decompression bomb" in str(review.errors[0])
    assert len(str(review.errors[0])) < 400


def test_oversized_xml_and_text_files_are_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tmx = tmp_path / "m.tmx"
    write_tmx(tmx, [TmxUnit(zh="研究内容", en="Research content")])
    work = tmp_path / "w.json"
    work.write_text(json.dumps([{"id": "1.1:content:0", "zh": "研究", "en": "Research"}]), encoding="utf-8")
    csv = tmp_path / "r.csv"
    csv.write_text("zh,en,status,variants,forbidden,domain,pos,case_sensitive,sources,note\n", encoding="utf-8")
    assert read_tmx(tmx) and read_work_file(work) and not read_review_file(csv).errors
    monkeypatch.setattr(limits, "MAX_XML_BYTES", 64)
    monkeypatch.setattr(limits, "MAX_TEXT_BYTES", 16)
    with pytest.raises(TranslationError, match="too large"):
        read_tmx(tmx)
    with pytest.raises(TranslationError, match="too large"):
        read_work_file(work)
    with pytest.raises(GlossaryError, match="too large"):
        read_review_file(csv)


def test_xliff_size_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.translate import xliff

    path = tmp_path / "w.xlf"
    path.write_text('<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0"/>', encoding="utf-8")
    assert xliff._read_units(path) == []
    monkeypatch.setattr(limits, "MAX_XML_BYTES", 10)
    with pytest.raises(TranslationError, match="too large"):
        xliff._read_units(path)
