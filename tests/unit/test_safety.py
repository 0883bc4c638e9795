"""Every kind of unreadable file is refused with its own message, before any parsing, and a
night with such files still decides the others."""

import datetime as dt
import io
import zipfile

import pytest

from incubation.checks.verdicts import ACCEPTED, REJECTED, check_files
from incubation.parsing.safety import Limits, inspect
from tests.helpers import write_xlsx

ROWS = [["报告期", "载体编码", "期末载体面积", "期末在孵企业数", "期末在孵创业团队数"]]


def good_workbook(path):
    return write_xlsx(path, {"季报": ROWS})


def encrypted(path, tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = good_workbook(tmp_path / "plain.xlsx")
    with plain.open("rb") as fh, path.open("wb") as out:
        OOXMLFile(fh).encrypt("secret", out)
    return path


def truncated(path, tmp_path):
    data = good_workbook(tmp_path / "whole.xlsx").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def zip_bomb(path, tmp_path):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    return path


def plain_zip(path, tmp_path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return path


def text_named_xlsx(path, tmp_path):
    path.write_text("载体编码,载体名称\nYZ-FH-0001,甲\n", encoding="utf-8")
    return path


def empty(path, tmp_path):
    path.write_bytes(b"")
    return path


def binary_csv(path, tmp_path):
    path.write_bytes(b"\x00\x01\x02binary")
    return path


def oversized(path, tmp_path):
    path.write_bytes(b"a,b\n" + b"1,2\n" * 300_000)
    return path


@pytest.mark.parametrize(
    ("name", "make", "rule", "words"),
    [
        ("p.xlsx", encrypted, "password_protected", "密码"),
        ("t.xlsx", truncated, "corrupt_file", "损坏"),
        ("b.xlsx", zip_bomb, "zip_bomb", "压缩比"),
        ("z.xlsx", plain_zip, "wrong_type", "压缩包"),
        ("x.xlsx", text_named_xlsx, "wrong_type", "改了扩展名"),
        ("e.csv", empty, "empty_file", "为空"),
        ("c.csv", binary_csv, "wrong_type", "二进制"),
        ("big.csv", oversized, "oversized_file", "上限"),
        ("n.pdf", empty, "empty_file", "为空"),
    ],
)
def test_refused_before_parsing(tmp_path, name, make, rule, words):
    refusal = inspect(make(tmp_path / name, tmp_path), Limits(max_file_bytes=1024 * 1024))
    assert refusal is not None and refusal.rule == rule and words in refusal.message_zh


def test_unsupported_type_and_declared_size(tmp_path):
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    assert inspect(pdf).rule == "wrong_type"
    huge = tmp_path / "huge.xlsx"
    with zipfile.ZipFile(huge, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/a.xml", b" " * (3 * 1024 * 1024))
    assert inspect(huge, Limits(max_uncompressed_bytes=1024 * 1024)).rule == "zip_bomb"
    assert inspect(good_workbook(tmp_path / "ok.xlsx")) is None
    assert io  # keep import for readers of this file


def test_bad_files_do_not_stop_the_others(tmp_path, contracts, units, runner, project_settings):
    good = write_xlsx(
        tmp_path / "good.xlsx",
        {
            "季报": [*ROWS, ["2025Q1", "YZ-FH-0001", 100, 1, 0]],
            "登记": [
                ["载体编码", "载体名称", "载体类型", "运营主体名称", "所属片区", "载体总面积"],
                ["YZ-FH-0001", "甲", "众创空间", "甲运营", "电创园片区", 800],
            ],
        },
    )
    bad = [
        encrypted(tmp_path / "p.xlsx", tmp_path),
        truncated(tmp_path / "t.xlsx", tmp_path),
        text_named_xlsx(tmp_path / "x.xlsx", tmp_path),
        empty(tmp_path / "e.csv", tmp_path),
    ]
    verdicts = check_files(
        [(p, "sci_tech_bureau") for p in [*bad, good]],
        contracts=contracts,
        units=units,
        runner=runner,
        today=dt.date(2026, 1, 1),
        seeds_dir=project_settings.seeds_dir,
    )
    assert [v.status for v in verdicts] == [REJECTED] * 4 + [ACCEPTED]
    assert [v.problems[0].rule for v in verdicts[:4]] == [
        "password_protected",
        "corrupt_file",
        "wrong_type",
        "empty_file",
    ]
