"""Retrying a transaction that lost a race with another one (deadlock, lock timeout).

PostgreSQL may abort one of two transactions that lock rows in conflicting orders; SQLite
may give up waiting for the write lock. Both are safe to retry from the start, because the
transaction rolled back completely.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential

T = TypeVar("T")
_PG_RETRYABLE = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock timeout


def is_contention(exc: BaseException) -> bool:
    """True for errors that mean 'lost a race, try again', on either backend."""
    if not isinstance(exc, DBAPIError):
        return False
    code = getattr(exc.orig, "sqlstate", None)
    if code in _PG_RETRYABLE:
        return True
    return "database is locked" in str(exc.orig)


def retry_on_contention(work: Callable[[], T], *, attempts: int = 8) -> T:
    """Run `work` (one whole transaction), again after a short random wait if it lost a race."""
    retrying = Retrying(
        retry=retry_if_exception(is_contention),
        stop=stop_after_attempt(attempts),
        wait=wait_random_exponential(multiplier=0.05, max=2.0),
        reraise=True,
    )
    return retrying(work)
