"""Writing an evaluation as it is computed: the JSON document, JSON Lines, or nothing held.

`selfcare evaluate --format json` prints one document, byte for byte what
`json.dumps(progress_to_json(...), ensure_ascii=False, indent=2)` printed when everything was
held in memory; here each customer is serialised (by pydantic's Rust serialiser, about six
times faster than the standard library's indenting encoder) and written as soon as it is
evaluated. `--format jsonl` writes one customer per line for tools that read line by line.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TextIO

import pydantic_core

from selfcare.domain.progress import CustomerProgress, customer_to_json

_NESTED = "\n    "


def write_document(as_of: date, customers: Iterable[CustomerProgress], out: TextIO) -> int:
    """The `{"as_of", "customers": [...]}` document, indented by two; returns the count."""
    out.write('{\n  "as_of": "' + as_of.isoformat() + '",\n  "customers": [')
    count = 0
    for customer in customers:
        body = pydantic_core.to_json(customer_to_json(customer), indent=2).decode()
        out.write(("," if count else "") + _NESTED + body.replace("\n", _NESTED))
        count += 1
    out.write("\n  ]\n}\n" if count else "]\n}\n")
    return count


def write_lines(customers: Iterable[CustomerProgress], out: TextIO) -> int:
    """One customer per line (JSON Lines), compact; returns the count."""
    count = 0
    for customer in customers:
        out.write(pydantic_core.to_json(customer_to_json(customer)).decode() + "\n")
        count += 1
    return count
