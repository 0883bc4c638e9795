"""A deferred module is not imported by GX's import, and is the real module once used."""

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
from incubation.checks.suites import SuiteRunner, UNUSED_BY_SUITES
from incubation.checks.deferred import Deferred
runner = SuiteRunner(EXPECTATIONS, SEEDS, ["carrier_registry"])
assert "scipy.stats._stats_py" not in sys.modules and "altair.vegalite" not in sys.modules
assert all(isinstance(sys.modules[name], Deferred) for name in UNUSED_BY_SUITES)
assert not hasattr(sys.modules["altair"], "__file__")  # a scan of sys.modules imports nothing
from great_expectations.expectations.core import expect_column_kl_divergence_to_be_less_than as kl
assert kl.stats.entropy([0.5, 0.5], [0.5, 0.5]) == 0.0  # GX's own reference, imported on use
assert "scipy.stats._stats_py" in sys.modules
import altair
assert altair.Chart is sys.modules["altair"].Chart and "altair.vegalite" in sys.modules
from scipy.stats import norm  # imports after the first use see the real module
assert norm.cdf(0) == 0.5
print("ok")
"""


def test_gx_imports_without_the_modules_our_suites_do_not_use(settings):
    root = Path(__file__).resolve().parents[2]
    code = (
        f"EXPECTATIONS, SEEDS = {str(settings.expectations_dir)!r}, {str(settings.seeds_dir)!r}\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code + SCRIPT],
        cwd=root,
        env={"PYTHONPATH": str(root / "src"), "GX_ANALYTICS_ENABLED": "false"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("ok")
