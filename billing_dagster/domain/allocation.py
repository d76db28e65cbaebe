"""Largest-remainder allocation: split an integer amount by weights; the parts always sum to the whole."""


def allocate(amount: int, weights: list[int]) -> list[int]:
    """Split `amount` minor units in proportion to non-negative integer `weights`.

    Ties in the remainders go to the earlier weight, so the result is deterministic.
    """
    if not weights:
        raise ValueError("allocate needs at least one weight")
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
