"""Racers that start together, for tests of what must happen exactly once (one accept, one booking)."""

import threading

from django.db import connections


def race(workers: int, action) -> list:
    """Run ``action(i)`` in threads that start together, each on its own database connection.

    Returns each racer's result, or the exception it raised: the outcome of each racer is what the tests count.
    """
    barrier = threading.Barrier(workers)
    results: list = [None] * workers

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = action(i)
        except Exception as error:  # noqa: BLE001
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
