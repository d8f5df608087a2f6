"""The demo's visit references: the same for a seed, never drawn twice."""

from __future__ import annotations

import random

from portal.demo.loader import _unique_reference
from portal.models.appointments import REFERENCE_ALPHABET, REFERENCE_LENGTH


class _RepeatingRandom(random.Random):
    """A generator whose first draws repeat themselves, as a run of bad luck would."""

    def __init__(self) -> None:
        super().__init__(7)
        self.repeats = 3

    def choices(self, population, weights=None, *, cum_weights=None, k=1):
        if self.repeats:
            self.repeats -= 1
            return [population[0]] * k
        return super().choices(population, weights, cum_weights=cum_weights, k=k)


def test_a_reference_already_drawn_is_drawn_again():
    taken: set[str] = set()
    rng = _RepeatingRandom()
    first = _unique_reference(rng, taken)
    second = _unique_reference(rng, taken)
    assert first == REFERENCE_ALPHABET[0] * REFERENCE_LENGTH
    assert second != first and taken == {first, second}
    assert set(second) <= set(REFERENCE_ALPHABET) and len(second) == REFERENCE_LENGTH


def test_the_same_seed_draws_the_same_references():
    def draw(seed):
        rng, taken = random.Random(seed), set()
        return [_unique_reference(rng, taken) for _ in range(50)]

    assert draw(2026) == draw(2026)
    assert len(set(draw(2026))) == 50
