"""Opening the database at all: a missing file, a refused connection or an unknown database
becomes one line that names the URL (never its password) and says what to do.

Only the first connection is checked here; errors after it are real faults, not set-up.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from selfcare.errors import DatabaseUnavailable

_SETTING = "SELFCARE_DATABASE_URL"


def masked(url: str) -> str:
    """The URL as it may be shown: the password replaced by ***."""
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown without its credentials
        return url.split("://", 1)[0] + "://…"
    return shown.replace("postgresql+psycopg://", "postgresql://", 1)  # as the user wrote it


def check_reachable(engine: Engine) -> None:
    """Open and close one connection; raise DatabaseUnavailable with the fix if that fails."""
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        url = engine.url.render_as_string(hide_password=False)
        raise DatabaseUnavailable(describe(url, exc)) from None


def describe(url: str, error: BaseException) -> str:
    """One line: which database, why it cannot be used, and what to do about it."""
    shown = masked(url)
    reason = _first_line(error)
    if make_url(url).get_backend_name() == "sqlite":
        return f"database {shown}: cannot open it ({reason}); {_sqlite_fix(url)}"
    return f"database {shown} cannot be reached ({reason}); {_postgres_fix(url, reason)}"


def _first_line(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    text = " ".join(str(original).split())
    return text[:200] if text else type(original).__name__


def _sqlite_fix(url: str) -> str:
    file = make_url(url).database or ""
    folder = Path(file).parent
    if file and not folder.is_dir():
        return f"create the folder {folder} or set {_SETTING} to a file in an existing folder"
    return f"check that the file and its folder are writable, or set {_SETTING} to another file"


def _postgres_fix(url: str, reason: str) -> str:
    name = make_url(url).database or "…"
    if "does not exist" in reason:
        return f"create it (createdb {name}) or set {_SETTING} to an existing database"
    if "authentication" in reason or "password" in reason:
        return f"check the user and password in {_SETTING}"
    return f"start PostgreSQL or check host and port in {_SETTING}"
