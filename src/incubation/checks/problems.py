"""Problems a department contact must see: values, not exceptions."""

from __future__ import annotations

from typing import NamedTuple

SEVERITY_ERROR = "E"
SEVERITY_WARNING = "W"
SEVERITY_INFO = "I"

SEVERITY_ZH = {SEVERITY_ERROR: "错误", SEVERITY_WARNING: "警告", SEVERITY_INFO: "提示"}

# A file's verdict: accepted (no error: its rows load, warnings reported) or rejected.
ACCEPTED = "accepted"
REJECTED = "rejected"


class Problem(NamedTuple):
    """One thing wrong with a file, located as the contact sees it in Excel.

    ``row`` is the 1-based row number shown by Excel (or the line number of a CSV file),
    ``column`` the header as written in the contact's file.

    A named tuple of text and numbers: a night holds hundreds of thousands of them, and the
    garbage collector stops tracking a tuple of plain values after it first survives a
    collection (a dataclass instance it would walk at every full collection).
    """

    severity: str
    rule: str
    message_zh: str
    fix_zh: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    source: str = "parse"

    @property
    def is_error(self) -> bool:
        return self.severity == SEVERITY_ERROR

    def to_dict(self) -> dict:
        return self._asdict()


def count(problems: list[Problem], severity: str) -> int:
    return sum(1 for p in problems if p.severity == severity)
