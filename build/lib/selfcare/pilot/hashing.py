"""Salted SHA-256 buckets: the one recipe that decides who is in the pilot and in which arm.

A customer's bucket is a number in [0, 1) computed from the salt, a purpose word and the id:

    digest = SHA-256(UTF-8(f"{salt}:{purpose}:{customer_id}"))
    bucket = (first 8 bytes of digest, big-endian unsigned) >> 11, divided by 2**53

The 53 bits are exactly representable as a float, so every language computes the same
bucket. Unlike a 32-bit FNV hash, SHA-256 stays uniform on sequential, phone-number-like ids.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

SAMPLE = "sample"  # decides whether (and in which rollout wave) a customer joins the pilot
ARM = "arm"  # decides control or treatment, independently of the sample bucket
_SHIFT = 11
_SCALE = float(2**53)


def bucket(salt: str, purpose: str, customer_id: str) -> float:
    """The customer's bucket in [0, 1) for one purpose; the same on every machine."""
    digest = hashlib.sha256(f"{salt}:{purpose}:{customer_id}".encode()).digest()
    return (int.from_bytes(digest[:8], "big") >> _SHIFT) / _SCALE


def buckets(salt: str, purpose: str, customer_ids: Iterable[str]) -> npt.NDArray[np.float64]:
    """Buckets for many customers (one SHA-256 each; about a million a second)."""
    prefix = f"{salt}:{purpose}:".encode()
    values = [
        int.from_bytes(hashlib.sha256(prefix + str(c).encode()).digest()[:8], "big") >> _SHIFT
        for c in customer_ids
    ]
    return np.asarray(values, dtype=np.float64) / _SCALE
