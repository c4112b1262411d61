"""Run independent pieces of one analysis on several cores.

Python runs one thread of analysis at a time, so the portfolio's account
rows (independent of each other) use a second core only in a second process.
The pieces run in *forked* children: a child starts with the parent's memory
(the graph already built, shared copy-on-write), so nothing but the results
crosses between processes.  Where ``fork`` does not exist (Windows) or a
child fails to deliver, the piece is computed in this process instead: the
result is always the same as running every piece here, in order.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


def _deliver(job: Callable[[], T], conn) -> None:
    try:
        conn.send((True, job()))
    except BaseException as exc:  # handed to the parent, which raises it
        conn.send((False, exc))
    finally:
        conn.close()


def run_pieces(jobs: list[Callable[[], T]]) -> list[T]:
    """``[job() for job in jobs]``, the first job in this process and each
    other one in a forked child at the same time.

    A job's exception is raised here; a child that ends without a result
    (killed, out of memory) has its job run again in this process.
    """
    if len(jobs) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [job() for job in jobs]
    context = multiprocessing.get_context("fork")
    children = []
    for job in jobs[1:]:
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_deliver, args=(job, send), daemon=True)
        child.start()
        send.close()
        children.append((job, child, receive))
    results = [jobs[0]()]
    for job, child, receive in children:
        try:
            ok, value = receive.recv()
        except EOFError:
            child.join()
            log.warning("an analysis process ended without a result (exit code %s); computing its part here",
                        child.exitcode)
            ok, value = True, job()
        finally:
            receive.close()
            child.join()
        if not ok:
            raise value
        results.append(value)
    return results
