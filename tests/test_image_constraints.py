"""The runtime lock fits the official Airflow image it is installed on.

The image ``apache/airflow:<version>-python3.11`` is built from Airflow's published constraints
(``constraints-<version>/constraints-3.11.txt`` of apache/airflow). The lock fits it when every
package both pin is pinned at the same version: ``pip install -r requirements.lock`` on the
image then changes none of the packages Airflow was released and tested with. The constraints
are read from ``AIRFLOW_CONSTRAINTS_FILE`` when set, else from GitHub; where neither can be
had the comparison is reported as not run (skipped with the reason), never passed.
"""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import pins

ROOT = Path(__file__).resolve().parents[1]
URL = "https://raw.githubusercontent.com/apache/airflow/constraints-{version}/constraints-3.11.txt"


def conflicts(lock: str, constraints: str) -> dict[str, tuple[str, str]]:
    """The packages both pin at different versions: name -> (lock's, constraints')."""
    ours, theirs = pins(lock), pins(constraints)
    return {
        n: (ours[n], theirs[n]) for n in sorted(ours.keys() & theirs.keys()) if ours[n] != theirs[n]
    }


def image_version() -> str:
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    return re.search(r"^FROM apache/airflow:([0-9.]+)-python3\.11$", dockerfile, re.M)[1]


def test_conflicts_are_the_packages_pinned_apart():
    lock = "celery==5.6.3\n    # via x\nRedis==8.1.0\nduckdb==1.4.0\n"
    constraints = "# header\ncelery==5.6.3\nredis==6.4.0\nsqlalchemy==1.4.54\n"
    assert conflicts(lock, constraints) == {"redis": ("8.1.0", "6.4.0")}


def test_the_runtime_lock_fits_the_official_images_constraints():
    version = image_version()
    if os.environ.get("AIRFLOW_CONSTRAINTS_FILE"):
        constraints = Path(os.environ["AIRFLOW_CONSTRAINTS_FILE"]).read_text("utf-8")
    else:
        url = URL.format(version=version)
        try:
            with urllib.request.urlopen(url, timeout=20) as response:
                constraints = response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:  # reached, and no such constraints: a wrong image
            pytest.fail(f"no constraints for Airflow {version} at {url}: {exc}")
        except OSError as exc:
            pytest.skip(
                f"NOT RUN: Airflow {version}'s constraints could not be read ({url}: {exc}); "
                "set AIRFLOW_CONSTRAINTS_FILE to a copy"
            )
    assert "apache-airflow-providers-celery==" in constraints  # the file is the constraints
    lock = (ROOT / "requirements.lock").read_text("utf-8")
    assert pins(lock)["apache-airflow"] == version
    assert conflicts(lock, constraints) == {}
