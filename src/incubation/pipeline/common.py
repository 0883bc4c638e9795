"""What the stages share: the contracts, the ledger's clock and a run id as a file name."""

from __future__ import annotations

import datetime as dt

from incubation.contracts import Contract, load_contracts
from incubation.settings import Settings


def contracts_of(settings: Settings) -> dict[str, Contract]:
    return load_contracts(settings.contracts_dir)


def timestamp() -> dt.datetime:
    """The local time to the second, as the ledger records it."""
    return dt.datetime.now().replace(microsecond=0)


def run_stem(run_id: str) -> str:
    """A run id as a file name: letters, digits, ``-_.``, anything else ``_``."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in run_id)
