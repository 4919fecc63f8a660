"""Part 7 of `make demo`: other Arrow implementations open the file quiver
wrote. pyarrow and polars map it and read it without conversion."""
import sys
import time

path = sys.argv[1] if len(sys.argv) > 1 else "build/demo/seed.arrow"
print("== Part 7: pyarrow and polars open the file quiver wrote ==")
try:
    import pyarrow as pa
except ImportError:
    print("pyarrow is not installed in this venv; skipped")
    sys.exit(0)

t0 = time.perf_counter()
with pa.memory_map(path) as source:
    table = pa.ipc.open_file(source).read_all()
t1 = time.perf_counter()
table.validate(full=True)
print(f"pyarrow: {table.num_rows} rows, schema {table.schema.types}, read in {(t1 - t0) * 1e3:.2f} ms")
print("pyarrow: first rows:", table.slice(0, 3).to_pydict())
try:
    import polars as pl
except ImportError:
    print("polars is not installed in this venv; skipped")
    sys.exit(0)
t0 = time.perf_counter()
df = pl.read_ipc(path)
t1 = time.perf_counter()
print(f"polars: {df.shape}, read in {(t1 - t0) * 1e3:.2f} ms")
print(df.head(3))
