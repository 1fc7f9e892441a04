"""Access logs without secrets: customer tokens in a URL are masked before they are logged.

The login link carries its one-time secret in its query (`?token=scl_…`); uvicorn's access
log writes every request line. A filter on the `uvicorn.access` logger replaces any
`sct_…`, `scl_…`, `sck_…` or `scs_…` secret in the logged arguments with `sct_***`, so log files,
their backups and whoever reads them never hold a usable credential. The masking itself is
the one every log line goes through (`selfcare.telemetry.logs.mask`); `selfcare serve`
writes its own request line instead of uvicorn's, and this filter stays in case uvicorn's
access log is turned back on or its logger is handled elsewhere.
"""

from __future__ import annotations

import logging

from selfcare.telemetry.logs import mask

ACCESS_LOGGER = "uvicorn.access"


class MaskSecrets(logging.Filter):
    """Rewrites a record's message and string arguments; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(mask(a) if isinstance(a, str) else a for a in record.args)
        return True


def mask_access_log() -> None:
    """Install the filter on uvicorn's access logger (once; call after uvicorn's config)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, MaskSecrets) for f in logger.filters):
        logger.addFilter(MaskSecrets())
