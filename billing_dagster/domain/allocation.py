"""Largest-remainder allocation: split an integer amount by weights; the parts always sum to the whole."""

import math
from collections.abc import Sequence
from fractions import Fraction


def allocate(amount: int, weights: list[int]) -> list[int]:
    """Split `amount` minor units in proportion to non-negative integer `weights`.

    Ties in the remainders go to the earlier weight, so the result is deterministic. A negative amount
    is split as the negation of its magnitude's split.
    """
    _require_int(amount, "allocate amount")
    if not weights:
        raise ValueError("allocate needs at least one weight")
    for weight in weights:
        _require_int(weight, "allocate weight")
    if any(w < 0 for w in weights):
        raise ValueError("allocate weights must be non-negative")
    weight_sum = sum(weights)
    if weight_sum == 0:
        raise ValueError("allocate weights must not all be zero")
    sign = -1 if amount < 0 else 1
    magnitude = abs(amount)
    floors = [magnitude * w // weight_sum for w in weights]
    remainders = [magnitude * w % weight_sum for w in weights]
    leftover = magnitude - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for index in order[:leftover]:
        floors[index] += 1
    return [sign * part for part in floors]


def apportion(exact: Sequence[Fraction], total: int) -> list[int]:
    """Round exact parts to integers summing to `total`; each part goes to its floor or its ceiling.

    `total` must lie between the sum of the floors and the sum of the ceilings, which holds whenever it
    is the exact sum rounded by any mode. The extra units go to the largest fractional remainders, ties
    to the earlier part, so the result is deterministic.
    """
    _require_int(total, "apportion total")
    floors = [math.floor(x) for x in exact]
    remainders = [x - f for x, f in zip(exact, floors)]
    candidates = [i for i, r in enumerate(remainders) if r]
    leftover = total - sum(floors)
    if not 0 <= leftover <= len(candidates):
        raise ValueError(f"apportion total {total} is not a rounding of the parts' sum {sum(exact)}")
    for index in sorted(candidates, key=lambda i: (-remainders[i], i))[:leftover]:
        floors[index] += 1
    return floors


def _require_int(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
