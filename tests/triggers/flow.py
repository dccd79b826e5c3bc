# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Test trigger for uflow: a known call chain, a known number of times.

Prints its PID, waits for a line on stdin (so a tracer can attach first),
then runs main(COUNT) in the main thread and then again in a second thread.
main() calls outer() COUNT times; outer() calls middle() twice; middle()
calls inner() once. Every one is a plain Python function of this module.

    python3.11 flow.py [COUNT]
"""
import os
import sys
import threading


def inner(x):
    return x + 1


def middle(x):
    return inner(x) * 2


def outer(n):
    total = 0
    for i in range(n):
        total += middle(i)
    return total


def main(count):
    for _ in range(count):
        outer(2)


# CPython 3.11 fires function__entry only while a profile or trace function
# is set (CPython gh-98894). slice is a C callable that takes the profiler's
# three arguments and runs no Python code, so it adds no events of its own.
if sys.version_info[:2] == (3, 11):
    sys.setprofile(slice)
    threading.setprofile(slice)

print(os.getpid(), flush=True)
sys.stdin.readline()
COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 1
main(COUNT)
worker = threading.Thread(target=main, args=(COUNT,))
worker.start()
worker.join()
