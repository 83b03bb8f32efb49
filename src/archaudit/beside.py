"""Run a list of independent tasks on two processes: the analysis (inventory sections and rules) on
both cores instead of one.

The analysis runs after the parse, once, in one process, while the other core sits idle. Its tasks
read the same `Repo` and write nothing to it but memoised indexes. A child forked from the parent
sees exactly the parent's facts (copy on write: nothing is copied or pickled on the way in). Parent
and child take the next task from either end of one shared list, so the slower tasks never leave one
process waiting on the other; the child hands its results back pickled through a pipe, and the parent puts
every result at its task's place. Each process builds the indexes its own tasks need, so every result
is the one a serial run gives (a test compares them), in the same order.

Where fork is unavailable, with one core or `--jobs 1`, or when the child fails in any way (killed,
a result that does not pickle), the tasks run here, in order.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import warnings
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
S = TypeVar("S")
Done = Callable[[int], None]  # called in the parent with a task's index when the parent finished it


def can_fork(jobs: int) -> bool:
    """Whether a second process may run beside this one (`jobs` as `--jobs` takes it: 0, one per core)."""
    return hasattr(os, "fork") and (jobs or os.cpu_count() or 1) > 1


def run_tasks(tasks: Sequence[Callable[[], T]], child_state: Callable[[], S], parallel: bool,
              done: Done = lambda i: None) -> tuple[list[T], S | None]:
    """(every task's result in task order, `child_state()` as the child saw it at its end, None when
    no child ran or it failed). Tasks must not raise: they return their failure as a value."""
    if not parallel or len(tasks) < 2 or not hasattr(os, "fork"):
        return _serial(tasks, range(len(tasks)), {}, done), None
    counter = multiprocessing.get_context("fork").Array("i", [0, len(tasks)])  # next from the front, the back
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():  # 3.12+ warns on fork with threads alive (a progress bar's)
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: take tasks, write the results, leave without the parent's exit handlers
        os.close(read_end)
        _child(tasks, counter, child_state, write_end)
    os.close(write_end)
    try:
        mine = _take(tasks, counter, done, front=True)
        blob = _read_all(read_end)
    except BaseException:  # an error or Ctrl-C here: the child's work is not wanted any more
        os.kill(pid, signal.SIGKILL)
        raise
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    try:
        theirs, state = pickle.loads(blob)
    except Exception:  # the child died before writing (killed, out of memory...) or wrote part of it
        theirs, state = {}, None
    results = {**theirs, **mine}
    return _serial(tasks, [i for i in range(len(tasks)) if i not in results], results, done), state


def _serial(tasks: Sequence[Callable[[], T]], todo: Sequence[int], results: dict[int, T], done: Done) -> list[T]:
    for i in todo:
        results[i] = tasks[i]()
        done(i)
    return [results[i] for i in range(len(tasks))]


def _take(tasks: Sequence[Callable[[], T]], ends: Any, done: Done, front: bool) -> dict[int, T]:
    """Run the next unclaimed task from one end of the list until none is left; the results by task
    index. The parent works from the front, the child from the back: they meet wherever the work
    divides evenly, and neither waits for the other."""
    out: dict[int, T] = {}
    while True:
        with ends.get_lock():
            first, end = ends[0], ends[1]
            if first >= end:
                return out
            i = first if front else end - 1
            ends[0 if front else 1] = i + 1 if front else i
        out[i] = tasks[i]()
        done(i)


def _child(tasks: Sequence[Callable[[], object]], counter: Any, state: Callable[[], object], fd: int) -> None:
    """Never returns: the results and the state, pickled, go to `fd`; any failure ends the child with
    nothing written, and the parent runs the tasks it had taken."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # the parent handles Ctrl-C and kills this child
        results = _take(tasks, counter, lambda i: None, front=False)
        blob = pickle.dumps((results, state()), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        code = 0
    except BaseException:  # whatever it was, the parent computes these results itself
        pass
    finally:
        os._exit(code)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)
