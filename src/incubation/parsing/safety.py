"""Looking at a file before parsing it: size, type, encryption and zip bombs.

Nothing here expands an archive or evaluates a formula: an .xlsx is judged by its zip central
directory (declared sizes and compression ratios), an encrypted workbook by its OLE2 container.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class Limits:
    """A file's budgets. Past one, that file alone is refused with the reason and the night
    goes on: its size and its zip's before it is opened, the cells a sheet spans before the
    reader allocates them, the seconds a worker may spend on it, and the memory of a worker
    (``max_worker_mb``: its address space, so that an allocation past it fails in the worker
    rather than exhausting the machine)."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_uncompressed_bytes: int = 500 * 1024 * 1024
    max_ratio: float = 200.0
    max_sheet_cells: int = 10_000_000
    max_file_seconds: float = 600.0
    max_worker_mb: int = 6144


@dataclass(frozen=True)
class Refusal:
    rule: str
    message_zh: str


def _is_encrypted(path: Path) -> bool:
    import msoffcrypto

    try:
        with path.open("rb") as fh:
            return bool(msoffcrypto.OfficeFile(fh).is_encrypted())
    except Exception:  # not an Office container msoffcrypto knows
        return False


def _inspect_zip(path: Path, limits: Limits) -> Refusal | None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        return Refusal("corrupt_file", "文件不完整或已损坏（可能上传中断），请重新保存后提交")
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names:
        return Refusal("wrong_type", "文件是压缩包而不是 Excel 工作簿，请提交 .xlsx 文件")
    declared = sum(m.file_size for m in members)
    if declared > limits.max_uncompressed_bytes:
        return Refusal("zip_bomb", "工作簿解压后体积异常巨大，出于安全原因未打开，请检查文件")
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > limits.max_ratio * max(
            member.compress_size, 1
        ):
            return Refusal("zip_bomb", "工作簿的压缩比异常，出于安全原因未打开，请检查文件")
    return None


def inspect(path: Path, limits: Limits | None = None) -> Refusal | None:
    """Why a file must be refused before parsing, or None when it may be read."""
    limits = limits or Limits()
    size = path.stat().st_size
    if size == 0:
        return Refusal("empty_file", "文件为空（0 字节），请检查后重新提交")
    if size > limits.max_file_bytes:
        mb = limits.max_file_bytes // (1024 * 1024)
        return Refusal("oversized_file", f"文件超过 {mb} MB 的上限，请拆分后分别提交")
    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        head = fh.read(8)
    if suffix in (".xlsx", ".xlsm"):
        if head.startswith(ZIP_SIGNATURE):
            return _inspect_zip(path, limits)
        if head == OLE2_SIGNATURE:
            if _is_encrypted(path):
                return Refusal("password_protected", "工作簿设置了打开密码，请取消密码后重新提交")
            return Refusal(
                "wrong_type", "文件是旧版 .xls 格式却以 .xlsx 命名，请另存为 .xlsx 后提交"
            )
        return Refusal(
            "wrong_type",
            "文件内容不是 Excel 工作簿（可能是改了扩展名的其他文件），请提交 .xlsx 文件",
        )
    if suffix == ".xls":
        if head == OLE2_SIGNATURE:
            if _is_encrypted(path):
                return Refusal("password_protected", "工作簿设置了打开密码，请取消密码后重新提交")
            return None
        if head.startswith(ZIP_SIGNATURE):
            return Refusal("wrong_type", "文件是 .xlsx 格式却以 .xls 命名，请改回 .xlsx 后提交")
        return Refusal(
            "wrong_type",
            "文件内容不是 Excel 工作簿（可能是改了扩展名的其他文件），请提交 .xls 或 .xlsx 文件",
        )
    if suffix == ".csv":
        with path.open("rb") as fh:
            if b"\x00" in fh.read(64 * 1024):
                return Refusal("wrong_type", "CSV 文件中含有二进制内容，不是文本文件，请重新导出")
        return None
    return Refusal(
        "wrong_type", f"不支持的文件类型“{suffix or '无扩展名'}”，请提交 .xlsx、.xls 或 .csv 文件"
    )
