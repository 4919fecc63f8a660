"""Merges benchmark result lines into the one table `make bench` prints.

Input (stdin or the files named): lines `key|unit|implementation|value|label`
from bench/bench_*.c, bench/peer_pyarrow.py and bench/peers/rust, possibly
several per key and implementation (one per round); any other line is
ignored. Every figure shown is the median of its lines. Rows keep the order
of their first appearance, benchmarks P1..P9 first.

The ratio column says how many times faster quiver is: peer / quiver for
costs (time, bytes), quiver / peer for rates (units ending in "/s"). After
the table, each target of issues 3, 5 and 10 is checked against these figures
(a report, never an assertion: the exit status is 0 whatever they say).

Standard library only, so it runs with any python3.
"""

import re
import statistics
import sys

def parse(lines):
    rows = {}  # key -> {"unit", "label", "impls": {impl: [values]}}
    order = []
    for line in lines:
        parts = line.rstrip("\n").split("|")
        if len(parts) != 5:
            continue
        key, unit, impl, value, label = parts
        try:
            v = float(value)
        except ValueError:
            continue
        if key not in rows:
            rows[key] = {"unit": unit, "label": label, "impls": {}}
            order.append(key)
        rows[key]["impls"].setdefault(impl, []).append(v)
    first = {k: i for i, k in enumerate(order)}

    def rank(k):
        m = re.match(r"P(\d+)", k)
        return (int(m.group(1)) if m else 100, first[k])

    order.sort(key=rank)
    return rows, order


def fig(v):
    if v is None:
        return "-"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def speedup(unit, quiver, peer):
    """How many times faster (or smaller) quiver is; None if unknown."""
    if quiver is None or peer is None or quiver <= 0 or peer <= 0:
        return None
    return quiver / peer if unit.endswith("/s") else peer / quiver


def med(rows, key, impl):
    r = rows.get(key)
    if r is None or impl not in r["impls"]:
        return None
    return statistics.median(r["impls"][impl])


def table(rows, order):
    w_label = max([len("benchmark")] + [len(rows[k]["label"]) for k in order])
    w_peer = max([len("peer")] + [len(i) for k in order for i in rows[k]["impls"] if i != "quiver"])
    head = f"{'benchmark':<{w_label}}  {'quiver':>16}  {'peer':<{w_peer}}  {'peer figure':>16}  {'ratio':>7}"
    out = [head, "-" * len(head)]
    for k in order:
        r = rows[k]
        unit = r["unit"]
        q = med(rows, k, "quiver")
        qs = f"{fig(q)} {unit}" if q is not None else "-"
        peers = [i for i in r["impls"] if i != "quiver"]
        if not peers:
            out.append(f"{r['label']:<{w_label}}  {qs:>16}  {'-':<{w_peer}}  {'':>16}  {'':>7}")
            continue
        for n, p in enumerate(peers):
            pv = med(rows, k, p)
            ratio = speedup(unit, q, pv)
            rs = f"{ratio:.2f}x" if ratio is not None else "-"
            left = f"{r['label']:<{w_label}}  {qs:>16}" if n == 0 else f"{'':<{w_label}}  {'':>16}"
            out.append(f"{left}  {p:<{w_peer}}  {fig(pv) + ' ' + unit:>16}  {rs:>7}")
    return "\n".join(out)


def targets(rows):
    """(target, figure, verdict) for every target of issues 3, 5, 10, 12 and 13."""
    res = []

    def add(name, value_text, ok):
        res.append((name, value_text, "-" if ok is None else ("met" if ok else "MISSED")))

    q1, m1 = med(rows, "P1", "quiver"), med(rows, "P1", "memcpy (same process)")
    r = q1 / m1 if q1 and m1 else None
    add("P1 write <= 1.3x memcpy", f"{r:.2f}x memcpy" if r else "n/a", r <= 1.3 if r else None)
    for key, impl, need, name in (
        ("P1", "pyarrow", 5, "P1 write >= 5x faster than pyarrow"),
        ("P2", "pyarrow", 10, "P2 read >= 10x faster than pyarrow"),
    ):
        s = speedup(rows[key]["unit"], med(rows, key, "quiver"), med(rows, key, impl)) if key in rows else None
        add(name, f"{s:.2f}x" if s else "n/a", s >= need if s else None)
    if "P1p" in rows and "P1" in rows:
        s = speedup("ms", med(rows, "P1p", "quiver"), med(rows, "P1", "pyarrow"))
        add("P1 write as pieces >= 5x faster than pyarrow's write to memory", f"{s:.1f}x" if s else "n/a",
            s >= 5 if s else None)
    q2, q2s = med(rows, "P2", "quiver"), med(rows, "P2s", "quiver")
    if q2 and q2s:
        add("P2 read time independent of rows (1M vs 100k)", f"{q2:.2f} vs {q2s:.2f} us", q2 < 2 * q2s)
    if q2:
        add("P2 read one stream from memory <= 0.35 us (issue 10)", f"{q2:.3f} us", q2 <= 0.35)
    q2nv = med(rows, "P2-nv", "quiver")
    for impl in (rows.get("P2-nv") or {"impls": {}})["impls"]:
        if impl.startswith("arrow-rs"):
            s = speedup("us", q2nv, med(rows, "P2-nv", impl))
            add(f"P2 read, no validation, >= 2x faster than {impl} (issue 10)", f"{s:.2f}x" if s else "n/a",
                s >= 2 if s else None)
    q3 = med(rows, "P3", "quiver")
    add("P3 <= 0.3 us per column", f"{q3:.3f} us/col" if q3 else "n/a", q3 <= 0.3 if q3 else None)
    q4 = med(rows, "P4", "quiver")
    add("P4 open + read every batch < 1 ms", f"{q4:.2f} ms" if q4 else "n/a", q4 < 1 if q4 else None)
    for key in ("P4", "P4s"):
        rss = med(rows, f"{key}-rss", "quiver")
        m = re.search(r"= ([0-9.]+) MiB", rows.get(f"{key}-rss", {}).get("label", ""))
        if rss is not None and m:
            add(f"{key} peak RSS growth < 1% of the file", f"{rss:.2f} MiB of {m.group(1)} MiB allowed",
                rss < float(m.group(1)))
    for key in ("P6-lz4-w", "P6-lz4-r", "P6-zstd-w", "P6-zstd-r"):
        if key in rows:
            s = speedup(rows[key]["unit"], med(rows, key, "quiver"), med(rows, key, "pyarrow"))
            add(f"{rows[key]['label']} >= 1.5x pyarrow", f"{s:.2f}x" if s else "n/a", s >= 1.5 if s else None)
    for key, what in (("P1", "P1 write"), ("P2", "P2 read (arrow-rs validates UTF-8)"),
                      ("P2-nv", "P2 read, no validation either side"), ("P3", "P3 read"),
                      ("P3-nv", "P3 read, no validation either side")):
        for impl in (rows.get(key) or {"impls": {}})["impls"]:
            if impl.startswith("arrow-rs"):
                s = speedup(rows[key]["unit"], med(rows, key, "quiver"), med(rows, key, impl))
                add(f"{what} faster than {impl}", f"{s:.2f}x" if s else "n/a", s > 1 if s else None)
    for codec in ("SNAPPY", "ZSTD"):  # issue 13: Parquet read and write
        for key, what in ((f"PQR-{codec}", "read"), (f"PQR-{codec}-i64", "read of one column")):
            if key not in rows:
                continue
            q = med(rows, key, "quiver")
            for impl, need in (("pyarrow", 1.5), ("polars", 1.0), ("arrow-rs", 1.0)):
                p = med(rows, key, impl)
                if p is None:
                    continue
                s = speedup("s", q, p)
                name = f"Parquet {codec} {what} >= 1.5x pyarrow" if need > 1 else f"Parquet {codec} {what} faster than {impl}"
                add(name + " (issue 13)", f"{s:.2f}x", s >= need if need > 1 else s > 1)
        key = f"PQW-{codec}"
        if key in rows:
            s = speedup("s", med(rows, key, "quiver"), med(rows, key, "pyarrow"))
            add(f"Parquet {codec} write >= pyarrow (issue 13)", f"{s:.2f}x" if s else "n/a", s >= 1 if s else None)
            sq, sp = med(rows, key + "-size", "quiver"), med(rows, key + "-size", "pyarrow")
            if sq and sp:
                d = 100.0 * (sq - sp) / sp
                add(f"Parquet {codec} file size within 2% of pyarrow's (issue 13)", f"{d:+.2f}%", abs(d) <= 2)
    for key in [k for k in rows if k.startswith("C-") and "+release" in rows[k]["label"]]:
        v = med(rows, key, "quiver")
        add(f"{rows[key]['label']} <= 1 us per column", f"{v:.3f} us/col", v <= 1)
    res += compute_targets(rows, add)
    res += jsonl_targets(rows, add)
    return res


def compute_targets(rows, add):
    """Issue 12's speed targets (bench_compute, bench_compute_relational.py,
    the arrow-rs peer's compute keys)."""
    bw = "memory read (C loop, same run)"
    for key in ("CS1", "CS2"):
        q, m = med(rows, key, "quiver"), med(rows, key, bw)
        if q and m:
            add(f"{rows[key]['label']}: >= 80% of the memory read bandwidth", f"{100 * q / m:.0f}%", q >= 0.8 * m)

    def vs(key, impl, need, what):
        if key not in rows:
            return
        s = speedup(rows[key]["unit"], med(rows, key, "quiver"), med(rows, key, impl))
        if s is not None:
            add(f"{rows[key]['label']}: {what}", f"{s:.2f}x", s >= need)

    for key in ("R-filter50", "R-filter1"):
        vs(key, "pyarrow", 1.5, ">= 1.5x pyarrow")
        vs(key, "arrow-rs", 1.0, ">= arrow-rs")
    vs("R-take", "pyarrow", 1.0, ">= pyarrow")
    for key in ("R-sort-i64", "R-sort-str"):
        vs(key, "polars", 1.0, "faster than polars arg_sort")
    for key in ("R-gb-1k", "R-gb-1m", "R-gb-str"):
        vs(key, "pyarrow", 1.0, "faster than pyarrow")
        vs(key, "polars", 1.0, "faster than polars")
    for key in ("R-cast-f64", "R-cast-i64"):
        vs(key, "pyarrow", 1.0, ">= pyarrow")
    return []


def jsonl_targets(rows, add):
    """Issue 14's JSON Lines target (bench/bench_jsonl.py): read >= pyarrow's
    read_json, both on 2 threads."""
    if "J1" in rows:
        s = speedup("s", med(rows, "J1", "quiver"), med(rows, "J1", "pyarrow"))
        if s is not None:
            add("JSON Lines read >= pyarrow read_json (issue 14)", f"{s:.2f}x", s >= 1)
    return []


def main():
    lines = []
    if len(sys.argv) > 1:
        for path in sys.argv[1:]:
            with open(path) as f:
                lines += f.readlines()
    else:
        lines = sys.stdin.readlines()
    rows, order = parse(lines)
    if not rows:
        print("no benchmark results")
        return
    print(table(rows, order))
    print()
    print("targets (issues 3, 5, 10, 12, 13 and 14; checked on the figures above, never asserted)")
    res = targets(rows)
    w = max(len(t[0]) for t in res)
    w2 = max(len(t[1]) for t in res)
    for name, val, verdict in res:
        print(f"  {name:<{w}}  {val:>{w2}}  {verdict}")


if __name__ == "__main__":
    main()
