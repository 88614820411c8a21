"""Legal rules of mine-site qualification (SPEC §2), as pure functions over dated decisions.

- vert (green): valid 1 year, then no valid class until a new decision;
- jaune (yellow): stands, but is due for re-evaluation 6 months after the decision;
- rouge (red): stands until a new decision;
- bleu (blue, decree n°677 of 12 November 2021): valid 3 years, then AUTOMATICALLY red;
- none: no class.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

STATUS_CHOICES = [
    ("vert", "Vert (green)"),
    ("jaune", "Jaune (yellow)"),
    ("rouge", "Rouge (red)"),
    ("bleu", "Bleu (blue)"),
    ("none", "No class"),
]
# the IPIS project name of rows that only record a qualification decision (not field visits)
QUALIFICATION_PROJECT = "Qualification status"

COLOURS = {"vert": "#2e9e44", "jaune": "#f2c200", "rouge": "#d7301f", "bleu": "#2b6cc4", "none": "#9e9e9e"}

GREEN_VALID_YEARS = 1
YELLOW_REVIEW_MONTHS = 6
BLUE_VALID_YEARS = 3
BLUE_DECREE_DATE = dt.date(2021, 11, 12)


def add_months(date: dt.date, months: int) -> dt.date:
    """Same day `months` later, clamped to the month's end (31 Aug + 6 months = 28/29 Feb)."""
    total = date.month - 1 + months
    year, month = date.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


def add_years(date: dt.date, years: int) -> dt.date:
    return add_months(date, 12 * years)


@dataclass(frozen=True)
class Status:
    """What held on a date: the effective status and why."""

    on: dt.date
    status: str  # effective: vert/jaune/rouge/bleu/none
    decided: str | None = None  # the decision in force (None: no decision yet)
    decided_on: dt.date | None = None
    decision_id: int | None = None
    since: dt.date | None = None  # when the effective status began
    valid_until: dt.date | None = None  # first day it no longer holds (vert, bleu)
    review_due: dt.date | None = None  # jaune
    expired: bool = False  # vert past its year
    automatic: bool = False  # bleu turned rouge by the 3-year rule

    @property
    def valid(self) -> bool:
        """True when a decision is in force on the date (not expired, not turned automatically)."""
        return self.decided not in (None, "none") and not self.expired and not self.automatic

    @property
    def review_overdue(self) -> bool:
        return self.review_due is not None and self.on >= self.review_due

    def explain(self) -> str:
        if self.decided is None:
            return "no qualification recorded"
        if self.expired:
            return (
                f"green qualification of {self.decided_on} expired on {self.valid_until} "
                f"(valid {GREEN_VALID_YEARS} year)"
            )
        if self.automatic:
            return (
                f"blue qualification of {self.decided_on} became red automatically on {self.since} "
                f"(valid {BLUE_VALID_YEARS} years, decree n°677 of 12 November 2021)"
            )
        text = f"{self.decided} since {self.decided_on}"
        if self.valid_until:
            text += f", valid until {self.valid_until - dt.timedelta(days=1)}"
        if self.review_due:
            text += f", re-evaluation {'overdue since' if self.review_overdue else 'due on'} {self.review_due}"
        return text


def status_on(decisions: Iterable[tuple[dt.date, str, int | None]], on: dt.date) -> Status:
    """The status on date `on`, from (date, status, id) decisions in any order.

    The latest decision dated on or before `on` is in force (ties: the larger id wins).
    """
    in_force = max((d for d in decisions if d[0] <= on), key=lambda d: (d[0], d[2] or 0), default=None)
    if in_force is None:
        return Status(on=on, status="none")
    date, status, pk = in_force
    base: dict[str, Any] = dict(on=on, decided=status, decided_on=date, decision_id=pk)
    if status == "vert":
        until = add_years(date, GREEN_VALID_YEARS)
        if on >= until:
            return Status(status="none", since=until, valid_until=until, expired=True, **base)
        return Status(status="vert", since=date, valid_until=until, **base)
    if status == "bleu":
        until = add_years(date, BLUE_VALID_YEARS)
        if on >= until:
            return Status(status="rouge", since=until, valid_until=None, automatic=True, **base)
        return Status(status="bleu", since=date, valid_until=until, **base)
    if status == "jaune":
        return Status(status="jaune", since=date, review_due=add_months(date, YELLOW_REVIEW_MONTHS), **base)
    return Status(status=status, since=date, **base)
