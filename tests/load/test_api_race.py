"""Fifty form-engine requests hold and book the last free time at once, through the API:
one visit, forty-nine answers ``409 slot_taken`` with other times, and no 5xx.

Real threads, each with its own test client and database connection, on SQLite and
PostgreSQL. The winner is decided by the primary key of ``slot_claim``.
"""

from __future__ import annotations

import threading

import time_machine
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Appointment, OutboxMail
from portal.timeutil import isoformat_local
from tests.load.conftest import KEY, NOW, RACERS, START


def test_fifty_api_clients_one_time_one_visit(race_app, one_clerk):
    app, city = race_app, one_clerk
    hold_body = {"service_ids": [city.service.id], "start": isoformat_local(START)}
    barrier = threading.Barrier(RACERS)
    outcomes: list[tuple[int, str]] = []
    lock = threading.Lock()

    def form_engine(number: int) -> None:
        client = app.test_client()
        headers = {"X-API-Key": KEY}
        try:
            barrier.wait(timeout=60)
            hold = client.post("/api/v1/holds", json=hold_body, headers=headers)
            if hold.status_code != 201:
                outcome = (hold.status_code, hold.json["error"]["code"])
                assert hold.json.get("alternatives"), hold.json
            else:
                details = {"name": f"Bewoner {number}", "email": f"r{number}@example.org"}
                booked = client.post(
                    "/api/v1/appointments",
                    json={"hold": hold.json["hold"]["token"], **details},
                    headers=headers,
                )
                outcome = (booked.status_code, "booked" if booked.status_code == 201 else "")
        except Exception as error:  # every other outcome is a failure of the test
            outcome = (0, repr(error))
        with lock:
            outcomes.append(outcome)

    with time_machine.travel(NOW, tick=False):
        threads = [threading.Thread(target=form_engine, args=(n,)) for n in range(RACERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)

    assert len(outcomes) == RACERS, outcomes
    assert outcomes.count((201, "booked")) == 1, outcomes
    assert outcomes.count((409, "slot_taken")) == RACERS - 1, outcomes
    db.session.expire_all()
    active = db.session.scalar(
        select(func.count()).select_from(Appointment).where(Appointment.filter_active(NOW))
    )
    assert active == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 1
