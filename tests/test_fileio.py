from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from generator.fileio import atomic_path, write_atomic


def test_write_atomic_leaves_the_old_file_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.txt"
    write_atomic(target, b"old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_written_files_are_readable_by_others(tmp_path: Path) -> None:
    target = write_atomic(tmp_path / "sub" / "b.txt", "文本")
    assert target.read_text(encoding="utf-8") == "文本"
    mode = stat.S_IMODE(target.stat().st_mode)
    assert mode & stat.S_IRGRP, oct(mode)


def test_atomic_path_removes_the_temporary_file_when_the_writer_fails(tmp_path: Path) -> None:
    with pytest.raises(ValueError), atomic_path(tmp_path / "c.bin") as temporary:
        temporary.write_bytes(b"half")
        raise ValueError("writer failed")
    assert list(tmp_path.iterdir()) == []
