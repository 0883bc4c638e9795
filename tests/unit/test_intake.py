"""Discovery: temp and lock files skipped, unsettled files wait, misplaced files and links
named, never followed."""

import os
import time

from incubation.intake.inbox import LINK_ZH, is_settled, scan_inbox


def test_scan_inbox(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "sci_tech_bureau" / "sub").mkdir(parents=True)
    (inbox / "nobody").mkdir()
    for rel in [
        "sci_tech_bureau/a.xlsx",
        "sci_tech_bureau/sub/b.csv",
        "sci_tech_bureau/~$a.xlsx",
        "sci_tech_bureau/b.csv.part",
        "sci_tech_bureau/.hidden.csv",
        "nobody/c.csv",
        "top.csv",
    ]:
        (inbox / rel).write_bytes(rel.encode())
    elsewhere = tmp_path / "secret.xlsx"
    elsewhere.write_bytes(b"another unit's bytes")
    (inbox / "sci_tech_bureau" / "link.xlsx").symlink_to(elsewhere)
    (inbox / "sci_tech_bureau" / "folder_link").symlink_to(tmp_path, target_is_directory=True)
    time.sleep(1.1)
    fresh = inbox / "sci_tech_bureau" / "still_copying.xlsx"
    fresh.write_bytes(b"partial")
    found, refused = scan_inbox(inbox, {"sci_tech_bureau"}, settle_seconds=1)
    assert [(f.unit_code, os.path.relpath(f.path, inbox)) for f in found] == [
        ("sci_tech_bureau", "sci_tech_bureau/a.xlsx"),
        ("sci_tech_bureau", "sci_tech_bureau/sub/b.csv"),
    ]
    assert len(found[0].sha256) == 64
    assert sorted((p.name, unit) for p, _, unit in refused) == [
        ("c.csv", None),
        ("folder_link", "sci_tech_bureau"),
        ("link.xlsx", "sci_tech_bureau"),
        ("top.csv", None),
    ]
    assert {reason for p, reason, _ in refused if p.is_symlink()} == {LINK_ZH}


def test_a_copy_that_keeps_the_old_mtime_is_not_settled_yet(tmp_path):
    """Windows Explorer keeps the original's mtime on a copy: the ctime tells the copy is
    still being written."""
    path = tmp_path / "copied.xlsx"
    path.write_bytes(b"half of it")
    old = time.time() - 3600
    os.utime(path, (old, old))
    assert not is_settled(path, settle_seconds=60)
    assert is_settled(path, settle_seconds=60, now=time.time() + 61)
    assert not is_settled(tmp_path / "gone.xlsx", settle_seconds=0)
