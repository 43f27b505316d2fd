"""Live analysis waits out an intake surge (decision 28): SurgeWatch with a fake clock."""

from __future__ import annotations

from collections.abc import Callable

from kenes.insights.services.incremental import SurgeWatch


class FakeTime:
    """A clock that a sleep moves on, and an id counter that grows by a rate per second."""

    def __init__(self, rates: Callable[[float], float]) -> None:
        self.now = 100.0
        self.top = 1000.0
        self.rates = rates
        self.sleeps = 0
        self.reads = 0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        self.top += self.rates(self.now) * seconds
        self.now += seconds

    def read_max(self) -> int:
        self.reads += 1
        return int(self.top)

    def watch(self) -> SurgeWatch:
        return SurgeWatch(read_max=self.read_max, clock=self.clock, sleep=self.sleep)


def test_a_quiet_site_never_waits():
    t = FakeTime(lambda now: 2.0)
    watch = t.watch()
    assert watch.wait(limit=200, max_seconds=300) == 0.0  # the first look has nothing before it
    t.now += 60
    t.top += 120  # two proposals a second since the last look
    assert watch.wait(limit=200, max_seconds=300) == 0.0
    assert t.sleeps == 0


def test_the_worker_waits_while_the_surge_lasts_then_goes_on():
    # given a surge of 800 a second that ends 6 seconds after the second look
    t = FakeTime(lambda now: 800.0 if now < 106.5 else 0.0)
    watch = t.watch()
    watch.wait(limit=200, max_seconds=300)
    t.now += 0.5
    t.top += 400  # 800 a second since the first look
    # when the next task looks, it waits, one second at a time, until the rate falls
    waited = watch.wait(limit=200, max_seconds=300)
    # (the second that saw the last of the surge, then the quiet one that ended the wait)
    assert waited == 7.0
    assert t.sleeps == 7


def test_a_surge_is_waited_out_for_at_most_the_limit():
    t = FakeTime(lambda now: 5000.0)
    watch = t.watch()
    watch.wait(limit=200, max_seconds=30)
    t.now += 1
    t.top += 5000
    assert watch.wait(limit=200, max_seconds=30) == 30.0


def test_a_rate_limit_of_zero_never_looks():
    t = FakeTime(lambda now: 5000.0)
    watch = t.watch()
    assert watch.wait(limit=0, max_seconds=30) == 0.0
    assert t.reads == 0 and t.sleeps == 0
