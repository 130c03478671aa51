"""Counts every worker shares (kit.counters): each lives the time it was given from its first count, however it
is counted after, and counts sent at the same instant each count. The PDF limit's slots come back in time."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from childnrm.kit.counters import count_down, count_up
from childnrm.kit.models import SharedCount
from childnrm.kit.pdf import pdf_render_slot
from childnrm.kit.tests.clock import Clock, stopped_clock

pytestmark = pytest.mark.django_db

HOUR = 60 * 60


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return stopped_clock(monkeypatch, window=60)


def test_a_count_is_kept_the_time_it_was_given_across_a_pause(clock):
    # An hour's count (a practitioner's session starts): a pause of a few minutes does not start it again.
    assert count_up("starts", HOUR) == 1
    clock.travel(6 * 60)
    assert count_up("starts", HOUR) == 2
    clock.travel(50 * 60)
    assert count_up("starts", HOUR) == 3


def test_counting_again_does_not_keep_a_count_past_its_time(clock):
    assert count_up("starts", HOUR) == 1
    for expected in range(2, 16):  # counted every four minutes, up to 56 minutes in
        clock.travel(4 * 60)
        assert count_up("starts", HOUR) == expected
    clock.travel(4 * 60 + 1)  # an hour and a second after the first count
    assert count_up("starts", HOUR) == 1


def test_a_count_given_back_to_nothing_starts_afresh_with_its_own_time(clock):
    assert count_up("running", 120) == 1
    count_down("running")
    count_down("running")  # never below nothing
    clock.travel(100)
    assert count_up("running", 120) == 1
    clock.travel(100)  # 200 s after the first count, 100 s after this one: still counted
    assert count_up("running", 120) == 2
    clock.travel(121)
    count_down("running")  # expired meanwhile: nothing to take from
    assert count_up("running", 120) == 1


def test_expired_counts_are_deleted_as_new_ones_start(clock):
    count_up("an address's wrong codes", 60)
    count_up("another address's wrong codes", 600)
    clock.travel(61)
    count_up("a third address's wrong codes", 60)
    # The table holds what still counts: a flood of addresses does not fill it.
    assert sorted(SharedCount.objects.values_list("key", flat=True)) == [
        "a third address's wrong codes",
        "another address's wrong codes",
    ]


def test_a_pdf_slot_left_by_a_dead_worker_comes_back_though_the_user_keeps_trying(clock, settings):
    settings.PDF_RENDERS_AT_ONCE = 1
    user_id = 4242
    dead = pdf_render_slot(user_id)
    assert dead.__enter__()  # its worker is killed mid-render (gunicorn's timeout): the slot is never given back
    for _ in range(4):  # the user tries again every 25 seconds, refused while that render may still be running
        clock.travel(25)
        with pdf_render_slot(user_id) as allowed:
            assert not allowed
    clock.travel(25)  # 125 s after the dead render was counted: its slot is back
    with pdf_render_slot(user_id) as allowed:
        assert allowed
    dead.__exit__(None, None, None)  # the test's own clean-up: nothing left to finish at garbage collection


@pytest.mark.skipif(connection.vendor != "postgresql", reason="workers racing on their own connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_counts_sent_at_the_same_instant_each_count():
    workers, tries = 8, 25
    start = threading.Barrier(workers)
    seen: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            start.wait()
            for _ in range(tries):
                value = count_up("wrong codes from one address", 600)
                with lock:
                    seen.append(value)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Each try saw its own count: none was lost, none let through on another's.
    assert sorted(seen) == list(range(1, workers * tries + 1))
