"""The booking rules of a city, read once from the configuration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class BookingSettings:
    """How long times are held, whether activation is needed, and the other limits."""

    secret_key: str
    grid_minutes: int = 15
    hold: timedelta = timedelta(minutes=10)
    activation_required: bool = True
    activation: timedelta = timedelta(minutes=30)
    manage_cutoff: timedelta = timedelta(minutes=120)
    max_active_per_email: int = 3
    reopen_after: timedelta = timedelta(minutes=15)

    @classmethod
    def from_config(cls, config: Mapping) -> BookingSettings:
        """The settings of the running portal (``PORTAL_HOLD_MINUTES`` and friends)."""
        return cls(
            secret_key=config["SECRET_KEY"],
            grid_minutes=int(config["SLOT_GRID_MINUTES"]),
            hold=timedelta(minutes=int(config["HOLD_MINUTES"])),
            activation_required=bool(config["ACTIVATION_REQUIRED"]),
            activation=timedelta(minutes=int(config["ACTIVATION_MINUTES"])),
            manage_cutoff=timedelta(minutes=int(config["MANAGE_CUTOFF_MINUTES"])),
            max_active_per_email=int(config["MAX_ACTIVE_PER_EMAIL"]),
            reopen_after=timedelta(minutes=int(config["CANCELLED_REOPENS_AFTER_MINUTES"])),
        )

    @property
    def grid(self) -> timedelta:
        """The step of the times offered, which also rounds a team's reserved tails."""
        return timedelta(minutes=self.grid_minutes)

    @classmethod
    def current(cls) -> BookingSettings:
        """The settings of the app handling the current request or command."""
        from flask import current_app

        return cls.from_config(current_app.config)
