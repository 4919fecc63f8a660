"""The seed's serialization experiment with quiver.

Serializes the seed table (1M rows x 2 random 10-character strings) and
reads it back three ways in the same run: pickle of a pandas DataFrame (the
row/object world), quiver's Arrow IPC stream, and pyarrow's Arrow IPC
stream. Prints the seed's lines (serialize, deserialize, total, speedups).

    build/venv/bin/python examples/seed_ipc_vs_pickle.py [ROWS]
"""
import pickle
import statistics
import sys
import time

import pandas as pd
import pyarrow as pa

import quiver
from seed_data import seed_columns

RUNS = 5


def timed(fn):
    times, result = [], None
    for _ in range(RUNS):
        result = None  # each run starts with the previous result freed, for every method alike
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def pyarrow_write(table):
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    a, b = seed_columns(rows)
    df = pd.DataFrame({"a": a, "b": b})
    qt = quiver.table({"a": a, "b": b})
    pt = pa.table({"a": a, "b": b})

    p_ser, blob = timed(lambda: pickle.dumps(df, protocol=pickle.HIGHEST_PROTOCOL))
    p_de, back = timed(lambda: pickle.loads(blob))
    assert back.shape == df.shape

    q_ser, stream = timed(lambda: quiver.ipc.write_stream(qt))
    q_de, qback = timed(lambda: quiver.ipc.read_stream(stream))
    assert qback.num_rows == rows and qback.equals(qt)

    a_ser, abuf = timed(lambda: pyarrow_write(pt))
    a_de, aback = timed(lambda: pa.ipc.open_stream(abuf).read_all())
    assert aback.num_rows == rows

    print(f"seed table: {rows} rows x 2 random 10-character strings; medians of {RUNS} runs\n")
    for name, ser, de, size in (("pickle (pandas DataFrame)", p_ser, p_de, len(blob)),
                                ("quiver IPC stream", q_ser, q_de, len(stream)),
                                ("pyarrow IPC stream", a_ser, a_de, abuf.size)):
        print(f"{name}:")
        print(f"  serialize:   {ser * 1e3:9.3f} ms")
        print(f"  deserialize: {de * 1e3:9.3f} ms")
        print(f"  total:       {(ser + de) * 1e3:9.3f} ms   ({size / 1e6:.1f} MB)")
    print()
    print(f"quiver IPC vs pickle:  serialize {p_ser / q_ser:6.1f}x, deserialize {p_de / q_de:8.1f}x, "
          f"total {(p_ser + p_de) / (q_ser + q_de):6.1f}x faster")
    print(f"pyarrow IPC vs pickle: serialize {p_ser / a_ser:6.1f}x, deserialize {p_de / a_de:8.1f}x, "
          f"total {(p_ser + p_de) / (a_ser + a_de):6.1f}x faster")
    print(f"quiver IPC vs pyarrow IPC: total {(a_ser + a_de) / (q_ser + q_de):.1f}x faster")


if __name__ == "__main__":
    main()
