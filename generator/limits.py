"""Size and decompression limits for untrusted files, checked before a parser or unzipper sees them.

Each reader calls one of these at its entrance. Errors name the file and the limit, never the
content. Python's `zipfile` never inflates a member past the size its directory declares, so
checking the declared sizes bounds what openpyxl or an extraction can write or hold in memory.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import CallpackError

MiB = 1024 * 1024
GiB = 1024 * MiB

# Translator exchange files: the bundled termbase exports to 0.5 MB (TBX) and 0.3 MB (XLSX); the
# whole guide's XLIFF is 1 MB. These bounds leave two orders of magnitude of room.
MAX_XML_BYTES = 64 * MiB  # TBX, TMX, XLIFF
MAX_TEXT_BYTES = 64 * MiB  # CSV termbases and review files, JSON work files
MAX_XLSX_BYTES = 64 * MiB  # the workbook file itself
MAX_METADATA_BYTES = 1 * MiB  # an Argos package's metadata.json


@dataclass(frozen=True)
class ZipLimits:
    """What an archive may expand to. The ratio applies to members above `ratio_floor` bytes, so
    small, very compressible members (XML headers, a README) pass."""

    max_members: int
    max_member_bytes: int
    max_total_bytes: int
    max_ratio: float
    ratio_floor: int = 1 * MiB


# A workbook is XML: ratios of 5–20 are normal; a bomb is in the hundreds or thousands.
XLSX_LIMITS = ZipLimits(max_members=2_000, max_member_bytes=256 * MiB, max_total_bytes=512 * MiB, max_ratio=100)
# An Argos package: real model weights compress little (opus-mt models are 100–300 MB unpacked),
# but small hand-built or pruned models are mostly zeros, so the ratio counts only from 64 MiB on:
# a bomb (a few MB writing gigabytes) is caught, a 5 MB test model that compresses 300× is not.
MODEL_LIMITS = ZipLimits(
    max_members=1_000, max_member_bytes=2 * GiB, max_total_bytes=3 * GiB, max_ratio=50, ratio_floor=64 * MiB
)


def _size(path: Path, error: type[CallpackError]) -> int:
    try:
        return path.stat().st_size
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror}", path) from None


def check_file_size(path: Path, max_bytes: int, error: type[CallpackError]) -> int:
    """The file's size, or `error` when it is larger than `max_bytes` (or cannot be read)."""
    size = _size(path, error)
    if size > max_bytes:
        raise error(f"file too large: {size:,} bytes (the limit is {max_bytes:,})", path)
    return size


def read_bytes_bounded(path: Path, max_bytes: int, error: type[CallpackError]) -> bytes:
    """The file's bytes, reading at most `max_bytes` + 1 whatever its size claims to be (a FIFO, a
    file growing while read)."""
    check_file_size(path, max_bytes, error)
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror}", path) from None
    if len(data) > max_bytes:
        raise error(f"file too large (the limit is {max_bytes:,} bytes)", path)
    return data


def check_zip(
    archive: zipfile.ZipFile, path: Path, limits: ZipLimits, error: type[CallpackError]
) -> list[zipfile.ZipInfo]:
    """The archive's members, or `error` when the archive would expand past `limits`."""
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise error(f"archive has {len(members):,} members (the limit is {limits.max_members:,})", path)
    total = 0
    for member in members:
        name = repr(member.filename[:80])
        if member.file_size > limits.max_member_bytes:
            raise error(
                f"archive member {name} expands to {member.file_size:,} bytes "
                f"(the limit is {limits.max_member_bytes:,})",
                path,
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise error(
                f"archive member {name} expands {ratio:,.0f}× (the limit is {limits.max_ratio:,.0f}×): "
                "a decompression bomb?",
                path,
            )
        total += member.file_size
        if total > limits.max_total_bytes:
            raise error(
                f"archive expands to more than {limits.max_total_bytes:,} bytes", path
            )
    return members


def check_zip_file(path: Path, limits: ZipLimits, error: type[CallpackError], max_bytes: int) -> None:
    """`check_file_size` then `check_zip` for an archive on disk (before a library opens it)."""
    check_file_size(path, max_bytes, error)
    try:
        with zipfile.ZipFile(path) as archive:
            check_zip(archive, path, limits, error)
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise error(f"damaged zip archive: {str(exc)[:200]}", path) from None
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror}", path) from None
