"""What the check task hands the rest of the night: a small XCom naming the verdicts' file."""

import pytest

from incubation import pipeline


def test_the_verdicts_wait_in_a_file_the_xcom_names(settings):
    verdicts = [
        {"submission_id": i, "status": status, "columns": [{"header": "载体编码"}] * 40}
        for i, status in enumerate(["accepted", "rejected", "accepted"], start=1)
    ]
    files = [{"submission_id": v["submission_id"]} for v in verdicts]
    checked = pipeline.hand_over(
        settings, "manual__2026-01-15T02:00:00+08:00", "t0", files, verdicts
    )
    assert {k: v for k, v in checked.items() if k != "verdicts"} == {
        "started_at": "t0",
        "files_seen": 3,
        "accepted": 2,
        "rejected": 1,
    }
    path = settings.work / "_staged" / "night-manual__2026-01-15T02_00_00_08_00.json"
    assert checked["verdicts"] == str(path)
    assert all(isinstance(v, str | int) for v in checked.values())  # whatever verdicts weigh
    assert pipeline.handed_over(checked) == verdicts

    path.unlink()  # a later night's check cleared the staging area
    with pytest.raises(FileNotFoundError, match="rerun the run's check task"):
        pipeline.handed_over(checked)
