"""A batch runs the stages across its documents (cleaner.batch): its
guarantees, besides the same-results property in test_properties.py."""

from __future__ import annotations

import json
import time

from hypothesis import given
from hypothesis import strategies as st

from cleaner.batch import batches, each
from cleaner.errors import InputError
from cleaner.limits import Deadline


class _Job:
    def __init__(self, seconds: float | None) -> None:
        self.deadline = Deadline(seconds)
        self.error: Exception | None = None
        self.turns = 0


def _sleep_a_turn(job: _Job) -> None:
    job.deadline.check()
    job.turns += 1
    time.sleep(0.02)


def test_each_charges_a_job_its_own_time_only():
    """Six jobs of 20 ms a turn and 250 ms each: after three turns 360 ms
    have passed, but each job has spent 60 ms of its own, and none has run
    out. Turns go on until each has spent its 250 ms: at the latest, the
    check before its 14th turn stops it."""
    jobs = [_Job(0.25) for _ in range(6)]
    started = time.perf_counter()
    for _ in range(3):
        each(jobs, _sleep_a_turn)
    assert time.perf_counter() - started > 0.25
    assert [job.error for job in jobs] == [None] * 6
    for _ in range(30):
        each(jobs, _sleep_a_turn)
    assert all(isinstance(job.error, InputError) for job in jobs)
    assert all(job.turns <= 13 for job in jobs)


def test_each_keeps_a_failure_with_its_job():
    jobs = [_Job(None) for _ in range(3)]

    def fail_the_second(job: _Job) -> None:
        if job is jobs[1]:
            raise ValueError("broken")
        job.turns += 1

    each(jobs, fail_the_second)
    each(jobs, fail_the_second)
    assert [job.turns for job in jobs] == [2, 0, 2]
    assert isinstance(jobs[1].error, ValueError)


def test_a_paused_deadline_does_not_run_out():
    deadline = Deadline(0.05)
    deadline.pause(time.perf_counter())
    time.sleep(0.08)
    deadline.resume(time.perf_counter())
    deadline.check()  # the 80 ms paused do not count
    assert 0 < deadline.left() <= 0.05


@given(st.lists(st.integers(min_value=0, max_value=50)),
       st.integers(min_value=1, max_value=6), st.integers(min_value=1, max_value=60))
def test_batches_keep_order_and_bounds(sizes, max_items, max_chars):
    items = list(enumerate(sizes))
    cut = list(batches(items, size=lambda item: item[1], max_items=max_items,
                       max_chars=max_chars))
    assert [item for batch in cut for item in batch] == items
    for batch in cut:
        assert 1 <= len(batch) <= max_items
        assert len(batch) == 1 or sum(size for _, size in batch) <= max_chars


def test_batches_take_items_as_they_go():
    taken = []

    def source():
        for n in range(10):
            taken.append(n)
            yield n

    first = next(batches(source(), size=lambda n: 1, max_items=4))
    assert first == [0, 1, 2, 3] and taken == [0, 1, 2, 3]


def test_a_chunk_in_batches_gives_each_record_its_own_outcome():
    """The runner cleans a chunk in batches: every record's outcome (output
    bytes, statistics, error) is the one it gets cleaned alone, bad records
    and all, across more records than one batch holds."""
    from cleaner import Cleaner
    from cleaner.runner import JobSettings, Task, process, process_chunk
    from cleaner.streams import RawRecord

    article = ("Council Approves Budget\n\nBy Jane Doe | June 3, 2024\n\n"
               "The council approved the budget on Monday after a long debate.\n\n"
               "Share this Post:\n")
    lines = [json.dumps({"id": f"d{n}", "text": article + f"Item {n} closed the meeting.\n",
                         "url": f"https://example{n % 3}.com/a"}) for n in range(150)]
    lines[7] = "{not json"
    lines[70] = json.dumps({"id": "n", "text": 42})
    lines[90] = json.dumps({"id": "big", "text": "x" * 5000})
    tasks = [Task(n, f"r{n}", record=RawRecord("in.jsonl", n + 1, line.encode()))
             for n, line in enumerate(lines)]
    cleaner = Cleaner(max_bytes=4000)
    settings = JobSettings(output="jsonl-record", explain=True)
    alone = [process(task, cleaner, settings) for task in tasks]
    assert process_chunk(tasks, cleaner, settings) == alone
    assert [o.error is not None for o in alone].count(True) == 2
