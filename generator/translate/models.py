"""Argos Translate packages: find installed ones and install `.argosmodel` files, without argostranslate.translate.

A package is a folder with `metadata.json` (`from_code`, `to_code`, `package_version`, …), a
CTranslate2 model in `model/` and a `sentencepiece.model`. Packages live in argospm's package
folder: `$ARGOS_PACKAGES_DIR`, else argostranslate's settings, else
`~/.local/share/argos-translate/packages`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .. import limits
from ..errors import TranslationError

SOURCE_CODE = "zh"
TARGET_CODE = "en"


@dataclass(frozen=True)
class ArgosPackage:
    path: Path
    from_code: str
    to_code: str
    package_version: str
    name: str
    target_prefix: str = ""

    @property
    def model_dir(self) -> Path:
        return self.path / "model"

    @property
    def tokenizer_path(self) -> Path:
        return self.path / "sentencepiece.model"

    @property
    def engine_id(self) -> str:
        """Identifies the model in the MT cache: package name, version and model file size and time."""
        model_bin = self.model_dir / "model.bin"
        stat = model_bin.stat() if model_bin.exists() else None
        stamp = f"{stat.st_size}-{int(stat.st_mtime)}" if stat else "missing"
        return f"argos:{self.path.name}:{self.package_version}:{stamp}"

    def problems(self) -> list[str]:
        """Why this package cannot be used by callpack (empty when it can)."""
        found = []
        if not (self.model_dir / "model.bin").is_file():
            found.append("no CTranslate2 model (model/model.bin)")
        if not self.tokenizer_path.is_file():
            if (self.path / "bpe.model").is_file():
                found.append("BPE tokenizer (bpe.model) is not supported; needs sentencepiece.model")
            else:
                found.append("no sentencepiece.model")
        return found


def package_dirs() -> list[Path]:
    """Where argospm installs packages (first is where `install` writes)."""
    configured = os.environ.get("ARGOS_PACKAGES_DIR")
    if configured:
        return [Path(configured)]
    try:
        from argostranslate import settings  # light: does not import stanza or torch

        return [Path(p) for p in settings.package_dirs]
    except Exception:  # noqa: BLE001 - argostranslate is an optional extra
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
        return [base / "argos-translate" / "packages"]


def read_package(path: Path) -> ArgosPackage:
    metadata_path = path / "metadata.json"
    data = limits.read_bytes_bounded(metadata_path, limits.MAX_METADATA_BYTES, TranslationError)
    try:
        metadata = json.loads(data.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise TranslationError(f"package metadata is not valid JSON: {str(error)[:200]}", metadata_path) from None
    if not isinstance(metadata, dict) or not metadata.get("from_code") or not metadata.get("to_code"):
        raise TranslationError("package metadata needs from_code and to_code", metadata_path)
    return ArgosPackage(
        path=path,
        from_code=str(metadata["from_code"]),
        to_code=str(metadata["to_code"]),
        package_version=str(metadata.get("package_version", "")),
        name=str(metadata.get("name") or path.name),
        target_prefix=str(metadata.get("target_prefix", "")),
    )


def installed_packages(dirs: list[Path] | None = None) -> list[ArgosPackage]:
    """Every readable package folder; unreadable ones are skipped (listed by `models list`)."""
    packages = []
    for directory in dirs or package_dirs():
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            if path.is_dir() and (path / "metadata.json").is_file():
                try:
                    packages.append(read_package(path))
                except TranslationError:
                    continue
    return packages


def _version_key(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split("."):
        parts.append(int(piece) if piece.isdigit() else 0)
    return tuple(parts)


def find_package(
    from_code: str = SOURCE_CODE, to_code: str = TARGET_CODE, dirs: list[Path] | None = None
) -> ArgosPackage | None:
    """The newest usable installed package for the language pair, or None."""
    candidates = [
        package
        for package in installed_packages(dirs)
        if package.from_code == from_code and package.to_code == to_code and not package.problems()
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda package: _version_key(package.package_version))


def _safe_members(archive: zipfile.ZipFile, path: Path) -> tuple[str, list[zipfile.ZipInfo]]:
    members = limits.check_zip(archive, path, limits.MODEL_LIMITS, TranslationError)
    roots = set()
    for member in members:
        name = PurePosixPath(member.filename)
        if name.is_absolute() or ".." in name.parts or "\\" in member.filename:
            raise TranslationError(f"unsafe path in archive: {member.filename[:200]!r}", path)
        if name.parts:
            roots.add(name.parts[0])
        if name.parts[1:] == ("metadata.json",) and member.file_size > limits.MAX_METADATA_BYTES:
            raise TranslationError(
                f"metadata.json expands to {member.file_size:,} bytes (the limit is {limits.MAX_METADATA_BYTES:,})",
                path,
            )
    if len(roots) != 1:
        raise TranslationError("an .argosmodel must hold exactly one package folder", path)
    return roots.pop(), members


def install_package(archive_path: Path, target_dir: Path | None = None) -> ArgosPackage:
    """Install an `.argosmodel` (zip of one package folder) into argospm's package folder.

    The archive is checked (one folder, safe paths, metadata, model, tokenizer) and unpacked to a
    temporary folder beside the target, then moved into place: a bad file changes nothing.
    """
    if not archive_path.is_file():
        raise TranslationError("no such file", archive_path)
    if not zipfile.is_zipfile(archive_path):
        raise TranslationError("not an .argosmodel file (not a zip archive)", archive_path)
    destination_root = target_dir or package_dirs()[0]
    try:
        destination_root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise TranslationError(f"cannot create the package folder: {error.strerror}", destination_root) from None
    with zipfile.ZipFile(archive_path) as archive:
        root, members = _safe_members(archive, archive_path)
        final = destination_root / root
        if final.is_symlink() or (final.exists() and not final.is_dir()):
            # Never follow or delete something that is not a package folder we installed.
            raise TranslationError(
                "the package's name exists there and is not a package folder (a file or a symbolic link); "
                "remove it first",
                final,
            )
        try:
            staging = Path(tempfile.mkdtemp(prefix=".install-", dir=destination_root))
        except OSError as error:
            raise TranslationError(f"cannot write to the package folder: {error.strerror}", destination_root) from None
        try:
            try:
                archive.extractall(staging, members)
            except (zipfile.BadZipFile, OSError) as error:
                raise TranslationError(f"cannot unpack: {str(error)[:200]}", archive_path) from None
            unpacked = staging / root
            package = read_package(unpacked)
            problems = package.problems()
            if problems:
                raise TranslationError("; ".join(problems), archive_path)
            try:
                if final.exists():
                    shutil.rmtree(final)
                os.replace(unpacked, final)
            except OSError as error:
                raise TranslationError(f"cannot install the package: {error.strerror}", final) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return read_package(final)
