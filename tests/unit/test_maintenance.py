"""Housekeeping: old archive removed past retention, young kept; old refusals listed."""

import json
import os
import time

from incubation.store.maintenance import apply_archive_retention, list_old_quarantine


def touch(path, age_days):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x", encoding="utf-8")
    then = time.time() - age_days * 86400
    os.utime(path, (then, then))


def test_retention_and_quarantine_listing(settings):
    touch(settings.archive / "sci_tech_bureau" / "000001__old.xlsx", 400)
    touch(settings.archive / "sci_tech_bureau" / "000002__new.xlsx", 10)
    touch(settings.quarantine / "digital_park_mc" / "000003__bad.xlsx", 45)
    touch(settings.quarantine / "digital_park_mc" / "000004__recent.xlsx", 2)
    assert apply_archive_retention(settings, 365) == ["sci_tech_bureau/000001__old.xlsx"]
    assert (settings.archive / "sci_tech_bureau" / "000002__new.xlsx").exists()
    listing = json.loads(list_old_quarantine(settings, 30).read_text("utf-8"))
    assert listing["files"] == ["digital_park_mc/000003__bad.xlsx"]
    assert (settings.quarantine / "digital_park_mc" / "000003__bad.xlsx").exists()
