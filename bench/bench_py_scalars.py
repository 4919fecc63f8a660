"""Scalar access from Python, quiver against pyarrow in the same process and run.

    build/venv/bin/python bench/bench_py_scalars.py [ROWS]

For an int64, a float64 and a string array of ROWS slots (default 100000,
5% nulls) built by pyarrow and imported into quiver through the C Data
interface (same values on both sides), times four loops on each library:
`arr[i]` for every i, `arr[i].as_py()` for every i, iteration
(`for s in arr`) and iteration with `s.as_py()`. Prints one line per case:
the median seconds of each side over QV_BENCH_RUNS (default 5) runs and
pyarrow's time divided by quiver's (> 1 means quiver is faster). Not part of
`make test`; nothing here asserts a duration. On a shared machine report the
load (uptime) with the ratios: only ratios from one run mean anything.
"""
import os
import statistics
import sys
import time

import pyarrow as pa

import quiver as qv


def median_seconds(fn, runs):
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def index_all(a):
    for i in range(len(a)):
        a[i]


def index_as_py(a):
    for i in range(len(a)):
        a[i].as_py()


def iterate(a):
    for _ in a:
        pass


def iterate_as_py(a):
    for s in a:
        s.as_py()


def columns(rows):
    ints = [None if i % 20 == 7 else i * 7919 - rows for i in range(rows)]
    floats = [None if i % 20 == 7 else i * 0.25 for i in range(rows)]
    strings = [None if i % 20 == 7 else "value-%d" % i for i in range(rows)]
    return {"int64": pa.array(ints, pa.int64()), "float64": pa.array(floats, pa.float64()),
            "string": pa.array(strings, pa.string())}


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    runs = int(os.environ.get("QV_BENCH_RUNS", "5"))
    print("load average: %s" % " ".join("%.2f" % x for x in os.getloadavg()))
    print("%-8s %-14s %10s %10s %8s" % ("type", "loop", "quiver s", "pyarrow s", "pa/qv"))
    for name, pa_array in columns(rows).items():
        qv_array = qv.array(pa_array)  # zero-copy import through __arrow_c_array__
        assert qv_array.to_pylist() == pa_array.to_pylist()
        for loop in (index_all, index_as_py, iterate, iterate_as_py):
            t_qv = median_seconds(lambda: loop(qv_array), runs)
            t_pa = median_seconds(lambda: loop(pa_array), runs)
            print("%-8s %-14s %10.4f %10.4f %8.2f" % (name, loop.__name__, t_qv, t_pa, t_pa / t_qv))


if __name__ == "__main__":
    main()
