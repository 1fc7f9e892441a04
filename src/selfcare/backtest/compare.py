"""What a program change does, per reward and month: a pure comparison of two result streams.

Both streams are the evaluations of the same history (baseline program and changed
program), each in customer-id order as every engine writes them, so they are merged like two
sorted files: one customer of each at a time, whatever the number of customers. A grant
belongs to the month it is granted in (`granted_on`, the program's calendar).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from selfcare.domain.progress import CustomerProgress
from selfcare.errors import InvalidInput

Key = tuple[str, str]  # (reward, month "YYYY-MM")


@dataclass
class Cell:
    """One reward in one month: customers granted and MB under each program, and the change."""

    customers_baseline: int = 0
    customers_new: int = 0
    customers_gained: int = 0  # granted under the new program only
    customers_lost: int = 0  # granted under the baseline only
    customers_changed: int = 0  # any other MB for this customer, reward and month
    mb_baseline: int = 0
    mb_new: int = 0

    @property
    def mb_delta(self) -> int:
        return self.mb_new - self.mb_baseline

    def add(self, baseline_mb: int, new_mb: int) -> None:
        self.customers_baseline += baseline_mb > 0
        self.customers_new += new_mb > 0
        self.customers_gained += baseline_mb == 0 < new_mb
        self.customers_lost += new_mb == 0 < baseline_mb
        self.customers_changed += baseline_mb != new_mb
        self.mb_baseline += baseline_mb
        self.mb_new += new_mb


@dataclass
class Comparison:
    """Every reward-month cell, and how many customers the change touches at all."""

    cells: dict[Key, Cell] = field(default_factory=dict)
    customers: int = 0
    customers_changed: int = 0
    only_in_baseline: int = 0  # customers one engine saw and the other did not
    only_in_new: int = 0

    def sorted_cells(self) -> list[tuple[Key, Cell]]:
        return sorted(self.cells.items())

    def months(self) -> list[str]:
        return sorted({month for _, month in self.cells})

    def rewards(self) -> list[str]:
        return sorted({reward for reward, _ in self.cells})


def compare(baseline: Iterable[CustomerProgress], new: Iterable[CustomerProgress]) -> Comparison:
    """Merge the two streams customer by customer and add up every difference."""
    result = Comparison()
    for old, changed in _merged(iter(baseline), iter(new)):
        result.customers += 1
        result.only_in_baseline += changed is None
        result.only_in_new += old is None
        before, after = _by_key(old), _by_key(changed)
        if before != after:
            result.customers_changed += 1
        for key in before.keys() | after.keys():
            result.cells.setdefault(key, Cell()).add(before.get(key, 0), after.get(key, 0))
    return result


def _by_key(customer: CustomerProgress | None) -> dict[Key, int]:
    granted: dict[Key, int] = {}
    for grant in customer.grants if customer is not None else ():
        key = (grant.reward, grant.granted_on.isoformat()[:7])
        granted[key] = granted.get(key, 0) + grant.amount_mb
    return granted


def _merged(
    left: Iterator[CustomerProgress], right: Iterator[CustomerProgress]
) -> Iterator[tuple[CustomerProgress | None, CustomerProgress | None]]:
    """Pairs of the same customer (None where one stream lacks it), in customer-id order."""
    a, b = _next(left, None), _next(right, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a.customer_id < b.customer_id):
            yield a, None
            a = _next(left, a)
        elif a is None or b.customer_id < a.customer_id:
            yield None, b
            b = _next(right, b)
        else:
            yield a, b
            a, b = _next(left, a), _next(right, b)


def _next(
    stream: Iterator[CustomerProgress], previous: CustomerProgress | None
) -> CustomerProgress | None:
    item = next(stream, None)
    if item is not None and previous is not None and item.customer_id <= previous.customer_id:
        raise InvalidInput(
            f"results not in customer-id order: {item.customer_id!r} after {previous.customer_id!r}"
        )
    return item
