"""The identity of a program's rules: the SHA-256 of the validated program.

Two files that differ only in comments, spacing or the order of keys are the same
program; any change to a rule gives another digest. Grants carry it, so each keeps the
program version that made it even after a new version is published.
"""

from __future__ import annotations

import hashlib
import json
import threading

from selfcare.domain.program import Program

_CACHE_SIZE = 16
_cache: dict[int, tuple[Program, str]] = {}
_lock = threading.Lock()


def program_digest(program: Program) -> str:
    """Hex SHA-256 of the program's canonical JSON (remembered for the last few programs:
    the ledger asks for it on every write)."""
    with _lock:
        known = _cache.get(id(program))
        if known is not None and known[0] is program:
            return known[1]
    canonical = json.dumps(program.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    with _lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        _cache[id(program)] = (program, digest)
    return digest
