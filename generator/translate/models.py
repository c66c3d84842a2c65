"""MT models on disk: Argos packages and converted CTranslate2 model folders, without argostranslate.translate.

An Argos package is a folder with `metadata.json` (`from_code`, `to_code`, `package_version`, …), a
CTranslate2 model in `model/` and a `sentencepiece.model`. Packages live in argospm's package
folder: `$ARGOS_PACKAGES_DIR`, else argostranslate's settings, else
`~/.local/share/argos-translate/packages`.

A CTranslate2 model folder (`ct2-transformers-converter` output plus the tokenizer files copied
with `--copy_files`) is one of three families, told apart by its files and vocabulary:

- `opus-mt` (Marian): `source.spm` and `target.spm`; input pieces + `</s>`, no language tokens;
- `nllb` (NLLB-200): `sentencepiece.bpe.model`, vocabulary with `zho_Hans`/`eng_Latn`; input
  `zho_Hans` + pieces + `</s>`, target prefix `eng_Latn`;
- `m2m100`: `sentencepiece.bpe.model`, vocabulary with `__zh__`/`__en__`; input `__zh__` + pieces
  + `</s>`, target prefix `__en__`.

They are installed (copied) into `$CALLPACK_MODELS_DIR`, else `~/.local/share/callpack/models`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

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
        return f"argos:{self.path.name}:{self.package_version}:{_stamp(self.model_dir / 'model.bin')}"

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

    def to_model(self) -> Ct2Model:
        """The package as a CTranslate2 model of the `argos` family."""
        prefix = (self.target_prefix,) if self.target_prefix else ()
        return Ct2Model(
            path=self.path,
            family="argos",
            name=self.name,
            model_dir=self.model_dir,
            source_tokenizer=self.tokenizer_path,
            target_tokenizer=self.tokenizer_path,
            source_language=self.from_code,
            target_language=self.to_code,
            version=self.package_version,
            target_prefix=prefix,
            engine_id=self.engine_id,
        )


Family = Literal["argos", "opus-mt", "nllb", "m2m100"]
EOS = "</s>"
# The language tokens of the multilingual families, for zh→en.
NLLB_CODES = {"zh": "zho_Hans", "en": "eng_Latn"}
M2M100_CODES = {"zh": "__zh__", "en": "__en__"}
MULTILINGUAL_SPM = "sentencepiece.bpe.model"


@dataclass(frozen=True)
class Ct2Model:
    """A CTranslate2 model with its tokenizers and its family's input/output conventions."""

    path: Path
    family: Family
    name: str
    model_dir: Path
    source_tokenizer: Path
    target_tokenizer: Path
    source_language: str
    target_language: str
    version: str = ""
    source_prefix: tuple[str, ...] = ()
    source_suffix: tuple[str, ...] = ()
    target_prefix: tuple[str, ...] = ()
    # Multilingual models: how many languages the vocabulary has tokens for.
    language_count: int = 0
    engine_id: str = ""

    @property
    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())

    @property
    def languages(self) -> str:
        pair = f"{self.source_language}→{self.target_language}"
        return f"{pair} (of {self.language_count} languages)" if self.language_count else pair

    def problems(self) -> list[str]:
        found = []
        if not (self.model_dir / "model.bin").is_file():
            found.append(f"no CTranslate2 model ({self.model_dir.name}/model.bin)")
        for tokenizer in dict.fromkeys((self.source_tokenizer, self.target_tokenizer)):
            if not tokenizer.is_file():
                found.append(f"no {tokenizer.name}")
        if (self.source_language, self.target_language) != (SOURCE_CODE, TARGET_CODE):
            found.append(f"translates {self.source_language}→{self.target_language}, not zh→en")
        return found


def _stamp(model_bin: Path) -> str:
    stat = model_bin.stat() if model_bin.exists() else None
    return f"{stat.st_size}-{int(stat.st_mtime)}" if stat else "missing"


def _vocabulary(path: Path) -> set[str]:
    """The tokens of a converted model's vocabulary files (JSON list or one token a line)."""
    tokens: set[str] = set()
    for name in ("shared_vocabulary", "source_vocabulary", "target_vocabulary"):
        json_file, text_file = path / f"{name}.json", path / f"{name}.txt"
        try:
            if json_file.is_file():
                data = json.loads(json_file.read_text(encoding="utf-8"))
                if isinstance(data, list):
                    tokens.update(str(token) for token in data)
            elif text_file.is_file():
                tokens.update(text_file.read_text(encoding="utf-8").splitlines())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise TranslationError(f"cannot read the vocabulary: {error}", json_file) from None
    return tokens


# Marian tokenizer configs often give ISO 639-3 / -2 codes.
_LANGUAGE_CODES = {"zho": "zh", "chi": "zh", "cmn": "zh", "eng": "en"}


def _opus_languages(path: Path) -> tuple[str, str]:
    """From `tokenizer_config.json` (Marian's source_lang/target_lang), else the folder name."""
    config = path / "tokenizer_config.json"
    if config.is_file():
        try:
            data = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            data = {}
        if isinstance(data, dict) and data.get("source_lang") and data.get("target_lang"):
            source, target = str(data["source_lang"]), str(data["target_lang"])
            return _LANGUAGE_CODES.get(source, source), _LANGUAGE_CODES.get(target, target)
    match = re.search(r"opus-mt-([a-z]{2,3})-([a-z]{2,3})(?![a-z])", path.name.lower())
    return (match.group(1), match.group(2)) if match else ("?", "?")


def detect_model(path: Path) -> Ct2Model:
    """The family and conventions of the model folder at `path` (an Argos package or a converted model)."""
    if not path.is_dir():
        raise TranslationError("not a model folder", path)
    if (path / "metadata.json").is_file():
        return read_package(path).to_model()
    if not (path / "model.bin").is_file():
        raise TranslationError(
            "not a CTranslate2 model folder (no model.bin; convert the model with ct2-transformers-converter)",
            path,
        )
    stamp = _stamp(path / "model.bin")
    if (path / "source.spm").is_file() or (path / "target.spm").is_file():
        source, target = _opus_languages(path)
        return Ct2Model(
            path=path,
            family="opus-mt",
            name=path.name,
            model_dir=path,
            source_tokenizer=path / "source.spm",
            target_tokenizer=path / "target.spm",
            source_language=source,
            target_language=target,
            source_suffix=(EOS,),
            engine_id=f"ct2:opus-mt:{path.name}:{stamp}",
        )
    vocabulary = _vocabulary(path)
    for family, codes, pattern in (
        ("nllb", NLLB_CODES, r"^[a-z]{3}_[A-Z][a-z]{3}$"),
        ("m2m100", M2M100_CODES, r"^__[a-z]{2,3}__$"),
    ):
        language_tokens = [t for t in vocabulary if re.match(pattern, t)]
        if not language_tokens:
            continue
        missing = [code for code in codes.values() if code not in vocabulary]
        source, target = (SOURCE_CODE, TARGET_CODE) if not missing else ("?", "?")
        return Ct2Model(
            path=path,
            family=family,  # type: ignore[arg-type]
            name=path.name,
            model_dir=path,
            source_tokenizer=path / MULTILINGUAL_SPM,
            target_tokenizer=path / MULTILINGUAL_SPM,
            source_language=source,
            target_language=target,
            source_prefix=(codes[SOURCE_CODE],),
            source_suffix=(EOS,),
            target_prefix=(codes[TARGET_CODE],),
            language_count=len(language_tokens),
            engine_id=f"ct2:{family}:{path.name}:{stamp}",
        )
    raise TranslationError(
        "unknown CTranslate2 model family: expected source.spm and target.spm (OPUS-MT/Marian), or "
        f"{MULTILINGUAL_SPM} with NLLB (eng_Latn) or M2M100 (__en__) language tokens in the vocabulary",
        path,
    )


def models_dirs() -> list[Path]:
    """Where `callpack models install` copies converted CTranslate2 models."""
    configured = os.environ.get("CALLPACK_MODELS_DIR")
    if configured:
        return [Path(configured)]
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return [base / "callpack" / "models"]


def installed_models() -> list[Ct2Model]:
    """Converted models in the callpack model folder, then Argos packages; unreadable ones skipped."""
    models: list[Ct2Model] = []
    for directory in models_dirs():
        if directory.is_dir():
            for path in sorted(directory.iterdir()):
                if path.is_dir() and not path.name.startswith("."):
                    try:
                        models.append(detect_model(path))
                    except TranslationError:
                        continue
    return models + [package.to_model() for package in installed_packages()]


def find_model(name: str = "", *, family: str = "", root: Path | None = None) -> Ct2Model | None:
    """An installed usable zh→en model by name (or folder, relative to `root`), or the first one.

    `family` "ct2" means any converted model (not an Argos package); "argos" only packages.
    """
    if name:
        candidate = Path(name).expanduser()
        if not candidate.is_absolute() and root is not None:
            candidate = root / candidate
        if candidate.is_dir():
            return detect_model(candidate)
    for model in installed_models():
        if family == "ct2" and model.family == "argos":
            continue
        if family == "argos" and model.family != "argos":
            continue
        if name and name not in (model.name, model.path.name):
            continue
        if not model.problems():
            return model
    return None


def install_model(source: Path, target_dir: Path | None = None) -> Ct2Model:
    """Install an `.argosmodel` file, an Argos package folder or a converted CTranslate2 model folder.

    The folder is checked (family, files, zh→en) and copied beside the target, then moved into
    place: a bad folder changes nothing.
    """
    if source.is_file():
        return install_package(source, target_dir).to_model()
    model = detect_model(source)
    problems = model.problems()
    if problems:
        raise TranslationError("; ".join(problems), source)
    root = target_dir or (package_dirs() if model.family == "argos" else models_dirs())[0]
    root.mkdir(parents=True, exist_ok=True)
    final = root / source.name
    if final.resolve() == source.resolve():
        return model
    if final.is_symlink() or (final.exists() and not final.is_dir()):
        raise TranslationError(f"cannot install: {final} exists and is not a model folder", source)
    staging = Path(tempfile.mkdtemp(prefix=".install-", dir=root))
    try:
        copied = staging / source.name
        try:
            shutil.copytree(source, copied, symlinks=False)
        except OSError as error:
            raise TranslationError(f"cannot copy the model: {error}", source) from None
        if final.exists():
            shutil.rmtree(final)
        os.replace(copied, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return detect_model(final)


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
