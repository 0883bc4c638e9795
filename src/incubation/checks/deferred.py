"""Stand-ins for heavy modules, imported for real the first time one of their names is used.

Great Expectations imports ``scipy.stats`` and ``altair`` at module level for expectations and
charts that none of our suites uses (distribution tests, KL divergence): 3–4 s of the ~10 s
that ``import great_expectations`` costs every check. ``defer`` registers a stand-in before GX
is imported. The first use of a name (``stats.entropy``, ``alt.Chart``) imports the real module
and the stand-in takes on its contents, so code that does use them still works. Looking up a
dunder name (``__file__``, ``__path__``: what tools scanning ``sys.modules`` ask) does not
import it.
"""

from __future__ import annotations

import importlib
import sys
import types


class Deferred(types.ModuleType):
    """A module that imports the real one on the first lookup of a name it does not have."""

    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        real = _import_real(self.__name__)
        self.__dict__.update(real.__dict__)
        return getattr(real, name)


def _import_real(name: str) -> types.ModuleType:
    if isinstance(sys.modules.get(name), Deferred):
        del sys.modules[name]
    return importlib.import_module(name)


def defer(*names: str) -> None:
    """Register a stand-in for each module not imported yet (a submodule's package is
    imported, and the stand-in set as its attribute, as an import would)."""
    for name in names:
        if name in sys.modules:
            continue
        package, _, child = name.rpartition(".")
        sys.modules[name] = stand_in = Deferred(name)
        if package:
            setattr(importlib.import_module(package), child, stand_in)
