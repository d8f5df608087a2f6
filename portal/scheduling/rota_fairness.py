"""The fair shares of the rota's special turns (the report's ``fair_evenings`` and
``fair_saturdays``) and the rotation that keeps everyone within one turn of them. Pure.

Everyone who can take an evening (or Saturday) turn earns ``people staffed / people who
could`` of it: that is their fair share. Absences make a plain "largest credit first"
rotation drift (someone eligible on few turns can end up more than a turn behind), so the
rotation is planned for the whole period at once: a flow through a network in which
person ``i``'s running count of turns ``X_i`` after each of their turns must lie between
the floor and the ceiling of their running fair share ``F_i``, every turn gets exactly its
staff, and booked visits are forced in. The fractional answer (everyone takes their share
of every turn) satisfies all bounds, so an integral flow exists: without pins, every
count stays strictly within one turn of the fair share, at every moment of the period.
Day by day the generator may still swap people (to prefer the largest credit, or to
cover a wished service) when both swapped people's bounds stay met.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from math import lcm
from typing import Protocol


class Candidate(Protocol):
    """What the rotation needs to know of a person."""

    @property
    def id(self) -> int: ...

    @property
    def hours(self) -> float: ...


@dataclass(frozen=True, slots=True)
class SpecialTurn:
    """A special turn as planned ahead: its position in time order, who could take it
    (not away, working that weekday), how many take it and who is pinned to it."""

    position: int
    able: tuple[int, ...]
    staffed: int
    pinned: tuple[int, ...] = ()


class FairRotation:
    """The rotation of one kind of special turn over a period."""

    def __init__(self, people: Sequence[int], turns: Sequence[SpecialTurn]) -> None:
        self.unit = lcm(*range(1, max(1, len(people)) + 1))  # fair shares in 1/unit turns
        self.fair = {person_id: 0 for person_id in people}
        self.taken = dict.fromkeys(people, 0)
        self.positions: dict[int, list[int]] = {person_id: [] for person_id in people}
        self.ahead: dict[int, list[int]] = {person_id: [] for person_id in people}
        for turn in turns:
            for person_id in turn.able:
                running = self.ahead[person_id][-1] if self.ahead[person_id] else 0
                self.positions[person_id].append(turn.position)
                self.ahead[person_id].append(running + turn.staffed * self.unit // len(turn.able))
        # Each person's planned and taken turns (positions, sorted); None: no plan found.
        self.plan: dict[int, list[int]] | None = None
        for slack in (0, 1):
            self.plan = self._solve(turns, slack)
            if self.plan is not None:
                break

    def accrue(self, able: Sequence[int], staffed: int) -> None:
        """Share a turn that ``staffed`` people take among the ``able`` ones."""
        for person_id in able:
            self.fair[person_id] += staffed * self.unit // len(able)

    def share(self, person_id: int) -> float:
        """The person's fair share so far, in turns."""
        return self.fair[person_id] / self.unit

    def credit(self, person_id: int) -> int:
        """Turns earned and not taken, in 1/unit turns (negative: taken ahead)."""
        return self.fair[person_id] - self.taken[person_id] * self.unit

    def preference(self, member: Candidate) -> tuple:
        """Who should go first: the largest credit, then fewest counter hours, lowest id."""
        return (-self.credit(member.id), member.hours, member.id)

    def rank(self, position: int, candidates: Sequence[Candidate], seats: int) -> list:
        """``candidates`` best first: the ``seats`` planned for the turn at ``position``
        (improved towards larger credits where the plan allows), then the others."""
        ranked = sorted(candidates, key=self.preference)
        if self.plan is None:
            return ranked
        chosen = [m for m in ranked if self.planned(m.id, position)][:seats]
        chosen += [m for m in ranked if m not in chosen][: seats - len(chosen)]
        for member in chosen:
            self._set(member.id, position, True)
        for member in ranked:
            if member in chosen:
                continue
            worse = sorted(
                (m for m in chosen if self.preference(m) > self.preference(member)),
                key=self.preference,
                reverse=True,
            )
            for drop in worse:
                if self.swap(member, drop, position):
                    chosen[chosen.index(drop)] = member
                    break
        chosen.sort(key=self.preference)
        return chosen + [m for m in ranked if m not in chosen]

    def swap(self, add: Candidate, drop: Candidate, position: int) -> bool:
        """Give ``drop``'s seat at ``position`` to ``add`` if both stay within their
        bounds for the rest of the period; tell whether it was done."""
        if self.plan is not None:
            if not (self._room(add.id, position, 1) and self._room(drop.id, position, -1)):
                return False
            self._set(add.id, position, True)
            self._set(drop.id, position, False)
        return True

    def commit(self, position: int, team: Sequence[int]) -> None:
        """Record who took the turn at ``position`` (the plan follows what happened)."""
        for person_id in team:
            self.taken[person_id] += 1
        if self.plan is not None:
            for person_id in self.plan:
                self._set(person_id, position, person_id in team)

    def planned(self, person_id: int, position: int) -> bool:
        """Whether the plan has ``person_id`` on the turn at ``position``."""
        mine = self.plan[person_id] if self.plan is not None else []
        at = bisect_left(mine, position)
        return at < len(mine) and mine[at] == position

    def _set(self, person_id: int, position: int, on: bool) -> None:
        mine = self.plan[person_id]
        at = bisect_left(mine, position)
        present = at < len(mine) and mine[at] == position
        if on and not present:
            mine.insert(at, position)
        elif present and not on:
            del mine[at]

    def _room(self, person_id: int, position: int, change: int) -> bool:
        """Whether one turn more (``change`` 1) or less (-1) from ``position`` on keeps
        the person's running count within floor and ceiling of their fair share."""
        positions, ahead, mine = (
            self.positions[person_id],
            self.ahead[person_id],
            self.plan[person_id],
        )
        for k in range(bisect_left(positions, position), len(positions)):
            count = bisect_right(mine, positions[k]) * self.unit
            if (change > 0 and count >= ahead[k]) or (change < 0 and count <= ahead[k]):
                return False
        return True

    def _solve(self, turns: Sequence[SpecialTurn], slack: int) -> dict[int, list[int]] | None:
        """A plan whose running counts lie within floor − slack and ceiling + slack of
        the running fair shares, by a feasible flow with lower bounds; None if none."""
        network = _Network()
        source, sink = network.node(), network.node()
        seat_edges = []
        last: dict[int, int] = {}
        count: dict[int, int] = dict.fromkeys(self.positions, 0)
        for turn in turns:
            node = network.node()
            network.edge(source, node, turn.staffed, turn.staffed)
            for person_id in turn.able:
                step = network.node()
                forced = 1 if person_id in turn.pinned else 0
                seat_edges.append((network.edge(node, step, forced, 1), person_id, turn.position))
                if person_id in last:
                    share = self.ahead[person_id][count[person_id] - 1]
                    network.edge(last[person_id], step, *self._bounds(share, slack))
                last[person_id] = step
                count[person_id] += 1
        for person_id, step in last.items():
            network.edge(step, sink, *self._bounds(self.ahead[person_id][-1], slack))
        network.edge(sink, source, 0, sum(turn.staffed for turn in turns))
        if not network.feasible():
            return None
        plan: dict[int, list[int]] = {person_id: [] for person_id in self.positions}
        for edge, person_id, position in seat_edges:
            if network.flow(edge):
                plan[person_id].append(position)
        return plan

    def _bounds(self, share: int, slack: int) -> tuple[int, int]:
        return max(0, share // self.unit - slack), -(-share // self.unit) + slack


class _Network:
    """A small flow network with lower bounds on edges (Edmonds–Karp on the usual
    reduction to a maximum flow from a super source to a super sink)."""

    def __init__(self) -> None:
        self.heads: list[int] = []
        self.capacity: list[int] = []
        self.lower: list[int] = []
        self.out: list[list[int]] = []
        self.excess: list[int] = []

    def node(self) -> int:
        self.out.append([])
        self.excess.append(0)
        return len(self.out) - 1

    def edge(self, tail: int, head: int, low: int, high: int) -> int:
        """Add an edge carrying between ``low`` and ``high``; returns its number."""
        number = len(self.heads)
        self.heads += [head, tail]
        self.capacity += [high - low, 0]
        self.lower += [low, 0]
        self.out[tail].append(number)
        self.out[head].append(number + 1)
        self.excess[head] += low
        self.excess[tail] -= low
        return number

    def flow(self, edge: int) -> int:
        """What ``edge`` carries in the feasible flow found."""
        return self.lower[edge] + self.capacity[edge ^ 1]

    def feasible(self) -> bool:
        """Whether a flow meeting every edge's bounds exists (and find it)."""
        excess = list(self.excess)
        top, bottom = self.node(), self.node()
        wanted = 0
        for node, amount in enumerate(excess):
            if amount > 0:
                self.edge(top, node, 0, amount)
                wanted += amount
            elif amount < 0:
                self.edge(node, bottom, 0, -amount)
        return self._max_flow(top, bottom) == wanted

    def _max_flow(self, source: int, sink: int) -> int:
        total = 0
        while True:
            came = [-1] * len(self.out)
            came[source] = -2
            queue = deque([source])
            while queue and came[sink] == -1:
                node = queue.popleft()
                for edge in self.out[node]:
                    head = self.heads[edge]
                    if self.capacity[edge] > 0 and came[head] == -1:
                        came[head] = edge
                        queue.append(head)
            if came[sink] == -1:
                return total
            path, node = [], sink
            while node != source:
                path.append(came[node])
                node = self.heads[came[node] ^ 1]
            amount = min(self.capacity[edge] for edge in path)
            for edge in path:
                self.capacity[edge] -= amount
                self.capacity[edge ^ 1] += amount
            total += amount
