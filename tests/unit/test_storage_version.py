"""The storage format of the databases we make: DuckDB 1.4's by default, so that older
clients open them; this DuckDB's own on request."""

import duckdb
import pytest

from incubation.settings import Settings
from incubation.store import ledger


def version_of(path) -> str:
    con = duckdb.connect()
    try:
        con.execute(f"attach '{path}' as probe (read_only)")
        return ledger.storage_of(con, "probe")
    finally:
        con.close()


def test_a_new_build_database_has_the_format_asked_for(tmp_path):
    with ledger.connect(tmp_path / "old.duckdb"):
        pass
    with ledger.connect(tmp_path / "new.duckdb", storage_version="latest"):
        pass
    assert version_of(tmp_path / "old.duckdb") == "v1.4.0+"
    assert version_of(tmp_path / "new.duckdb") != "v1.4.0+"


def test_an_existing_database_keeps_its_format(tmp_path):
    path = tmp_path / "kept.duckdb"
    with ledger.connect(path, storage_version="v1.4.0") as con:
        con.execute("create table t as select 1 as a")
    with ledger.connect(path, storage_version="latest") as con:
        con.execute("insert into t values (2)")
    assert version_of(path) == "v1.4.0+"


def test_the_setting_and_its_spelling():
    assert Settings.from_env("/tmp/x", environ={}).storage_version == "v1.4.0"
    env = {"INCUBATION_STORAGE_VERSION": "latest"}
    assert Settings.from_env("/tmp/x", environ=env).storage_version == "latest"
    assert ledger.storage_option("latest") == ""
    with pytest.raises(ValueError, match=r"vX\.Y\.Z"):
        ledger.storage_option("1.4'; drop table x; --")
