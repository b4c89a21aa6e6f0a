"""Small helpers the benchmarks share: percentiles, the machine's load, synthetic appointments."""

import datetime
import math
import os
import random

from django.utils import timezone


def appointment(rng: random.Random | None = None) -> datetime.datetime:
    """A weekday appointment 2–60 days ahead, 8:00–18:30."""
    rng = rng or random.Random()  # noqa: S311  (synthetic data, not crypto)
    day = timezone.localdate() + datetime.timedelta(days=rng.randrange(2, 60))
    while day.weekday() == 6:
        day += datetime.timedelta(days=1)
    hour = rng.randrange(8, 19)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, rng.choice([0, 30]))))


def load() -> str:
    """The machine's load (1, 5, 15 minutes): figures from a busy machine are read with it."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, math.ceil(pct / 100 * len(ordered)) - 1)
    return ordered[index]
