"""`install_package` against hostile archives and an occupied target name."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from generator import limits
from generator.errors import TranslationError
from generator.translate.models import install_package, read_package

METADATA = json.dumps({"from_code": "zh", "to_code": "en", "name": "pkg", "package_version": "1.0"})


def _archive(path: Path, members: dict[str, bytes], stored: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if name in stored else None)
    return path


def _nothing_written(target: Path) -> bool:
    return not target.exists() or not any(target.iterdir())


def test_decompression_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    bomb = _archive(
        tmp_path / "bomb.argosmodel",
        {"pkg/metadata.json": METADATA.encode(), "pkg/model/model.bin": b"\0" * (80 * limits.MiB)},
    )
    assert bomb.stat().st_size < 200_000
    target = tmp_path / "packages"
    with pytest.raises(TranslationError, match="model.bin' expands .*×"):
        install_package(bomb, target)
    assert _nothing_written(target)


def test_huge_metadata_is_refused_in_the_archive_and_on_disk(tmp_path: Path) -> None:
    padded = (METADATA[:-1] + ', "x": "' + " " * (2 * limits.MiB) + '"}').encode()
    archive = _archive(tmp_path / "meta.argosmodel", {"pkg/metadata.json": padded}, stored=("pkg/metadata.json",))
    target = tmp_path / "packages"
    with pytest.raises(TranslationError, match="metadata.json expands to") as error:
        install_package(archive, target)
    assert len(str(error.value)) < 300
    assert _nothing_written(target)
    folder = tmp_path / "installed" / "pkg"
    folder.mkdir(parents=True)
    (folder / "metadata.json").write_bytes(padded)
    with pytest.raises(TranslationError, match="too large"):
        read_package(folder)


@pytest.mark.parametrize("kind", ["file", "symlink"])
def test_target_name_taken_by_a_file_or_symlink(fixture_argosmodel: Path, tmp_path: Path, kind: str) -> None:
    target = tmp_path / "packages"
    target.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine", encoding="utf-8")
    name = target / "callpack-fixture-zh-en"
    if kind == "file":
        name.write_text("not a package", encoding="utf-8")
    else:
        name.symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(TranslationError, match="not a package folder"):
        install_package(fixture_argosmodel, target)
    assert (elsewhere / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in target.iterdir()) == ["callpack-fixture-zh-en"]
    assert name.is_symlink() == (kind == "symlink")


def test_package_folder_that_is_a_file(fixture_argosmodel: Path, tmp_path: Path) -> None:
    target = tmp_path / "packages"
    target.write_text("a file", encoding="utf-8")
    with pytest.raises(TranslationError, match="cannot create the package folder"):
        install_package(fixture_argosmodel, target)
