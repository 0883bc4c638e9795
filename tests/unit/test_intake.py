"""Discovery: temp and lock files skipped, unsettled files wait, misplaced files named."""

import os
import time

from incubation.intake import scan_inbox


def test_scan_inbox(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "sci_tech_bureau").mkdir(parents=True)
    (inbox / "nobody").mkdir()
    old = time.time() - 3600
    for rel in [
        "sci_tech_bureau/a.xlsx",
        "sci_tech_bureau/~$a.xlsx",
        "sci_tech_bureau/b.csv.part",
        "sci_tech_bureau/.hidden.csv",
        "nobody/c.csv",
        "top.csv",
    ]:
        path = inbox / rel
        path.write_bytes(rel.encode())
        os.utime(path, (old, old))
    fresh = inbox / "sci_tech_bureau" / "still_copying.xlsx"
    fresh.write_bytes(b"partial")
    found, misplaced = scan_inbox(inbox, {"sci_tech_bureau"}, settle_seconds=60)
    assert [(f.unit_code, os.path.basename(f.path)) for f in found] == [
        ("sci_tech_bureau", "a.xlsx")
    ]
    assert len(found[0].sha256) == 64
    assert sorted(p.name for p, _ in misplaced) == ["c.csv", "top.csv"]
