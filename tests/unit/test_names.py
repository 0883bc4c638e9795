"""Any name a file system allows: kept as the contact wrote it, stored and given back byte
for byte, and every name made from it fits and never collides."""

import os

from incubation.answers.receipts import report_stem
from incubation.intake.names import NAME_MAX, display_name, fit, path_text, text_path


def test_gbk_bytes_read_as_the_contact_wrote_them(tmp_path):
    raw = "季报".encode("gbk") + b".xlsx"
    name = os.fsdecode(raw)  # as the file system gives it back: not valid UTF-8
    assert display_name(name) == "季报.xlsx"
    assert display_name("普通.xlsx") == "普通.xlsx"
    path = tmp_path / name
    path.write_bytes(b"x")
    stored = path_text(path)
    stored.encode("utf-8")  # any text column takes it
    assert text_path(stored) == path and text_path(stored).read_bytes() == b"x"
    assert path_text(tmp_path / "普通.xlsx") == str(tmp_path / "普通.xlsx")


def test_long_names_fit_and_do_not_collide():
    long_a = "很" * 80 + "a.xlsx"  # 246 bytes
    long_b = "很" * 80 + "b.xlsx"
    made = {fit("000123__", n) for n in (long_a, long_b)}
    assert len(made) == 2
    for name in made:
        assert len(name.encode("utf-8")) <= NAME_MAX and name.endswith(".xlsx")
        assert name.startswith("000123__很")
    stem = report_stem(123, long_a, accepted=True)
    assert len((stem + ".xlsx.tmp").encode("utf-8")) <= NAME_MAX
    assert stem.startswith("000123_很") and stem.endswith("_回执")
    assert fit("000001__", "a.xlsx") == "000001__a.xlsx"  # short names unchanged
