"""The environment of the embedded Airflow: everything under the project, nothing phoning home."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from incubation.settings import PROJECT_ROOT, Settings


def airflow_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """Airflow settings for the embedded deployment; values already set in ``base`` win."""
    env = dict(os.environ if base is None else base)
    defaults = {
        "AIRFLOW_HOME": str(PROJECT_ROOT / "airflow_home"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT_ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DEFAULT_TIMEZONE": Settings.from_env(environ=env).timezone,
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__API__HOST": "127.0.0.1",  # the embedded UI is this machine's only
        "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": "False",
        "SCARF_ANALYTICS": "false",
        "GX_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "INCUBATION_HOME": str(PROJECT_ROOT / "data"),
    }
    for key, value in defaults.items():
        env.setdefault(key, value)
    if "AIRFLOW__API_AUTH__JWT_SECRET" not in env:
        env["AIRFLOW__API_AUTH__JWT_SECRET"] = jwt_secret(Path(env["AIRFLOW_HOME"]))
    passwords = env.setdefault(
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE",
        str(Path(env["AIRFLOW_HOME"]) / "simple_auth_manager_passwords.json.generated"),
    )
    owner_only(Path(passwords))
    # airflow standalone starts its components as `airflow …` found on PATH: the venv's
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    return env


def owner_only(path: Path) -> None:
    """The file (made empty if missing) readable by its owner alone: Airflow's simple auth
    manager writes the admin password into it, keeping the mode it finds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    os.chmod(path, 0o600)


def jwt_secret(airflow_home: Path) -> str:
    """The key every component of the embedded deployment signs its tokens with: 64 random
    bytes, made once and kept in ``AIRFLOW_HOME/jwt_secret`` (owner only). Airflow's own
    default is 16 bytes, and PyJWT warned on every token it signed or checked that an HMAC
    key for SHA-512 should have 64 ("InsecureKeyLengthWarning", in the scheduler's log)."""
    path = airflow_home / "jwt_secret"
    try:
        return path.read_text("ascii").strip()
    except FileNotFoundError:
        pass
    airflow_home.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(64)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made meanwhile by another component starting
        return path.read_text("ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secret + "\n")
    return secret
