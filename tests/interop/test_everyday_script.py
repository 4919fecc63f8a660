"""The issue's "done when": a pyarrow user's everyday script runs on quiver
with only the import changed.

SCRIPT is one realistic pyarrow script (table building, numpy and pandas
round trips, column editing, scalars, compute methods, streaming IPC over a
file object and a path, pickling and a multiprocessing pool). It is run
twice from the same source text: once as it is, and once with its imports of
``pyarrow`` (and ``pyarrow.compute`` / ``pyarrow.ipc``) answered by
``quiver`` (and ``quiver.compute`` / ``quiver.ipc``). Every result it records
is a plain Python value (or a description of a value); both runs must record
the same ones.
"""
import builtins
import importlib
import os

import pytest

SCRIPT = r'''
import io
import multiprocessing
import operator
import os
import pickle

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc

out = {}

# ---- building tables
schema = pa.schema([pa.field("city", pa.string()), pa.field("temp", pa.float64()),
                    pa.field("day", pa.int32(), nullable=False)], metadata={"source": "sensors"})
t = pa.table({"city": ["Oslo", "Lima", None, "Oslo", "Pune"], "temp": [3.5, 19.0, 7.25, None, 31.0],
              "day": [1, 1, 2, 2, 3]}, schema=schema)
rows = pa.Table.from_pylist([{"city": "Rome", "temp": 12.0, "day": 4}], schema=schema)
t = pa.concat_tables([t, rows])
out["shape"] = t.shape
out["names"] = t.column_names
out["schema"] = [(f.name, str(f.type), f.nullable) for f in t.schema]
out["metadata"] = t.schema.metadata
batch = pa.record_batch([pa.array([1, 2, 3]), pa.array(["a", "b", None])], names=["n", "s"])
out["batch"] = batch.to_pydict()
out["from_arrays"] = pa.Table.from_arrays([pa.array([1.5, 2.5])], names=["x"]).to_pylist()

# ---- numpy in and out
values = np.arange(10, dtype=np.int64) * 3
arr = pa.array(values)
out["np_roundtrip"] = arr.to_numpy().tolist()
out["np_float_nulls"] = str(np.asarray(pa.array([1.0, None, 2.0])).tolist())
stamps = pa.array(np.array(["2024-01-01T00:00:00", "2024-06-30T12:30:00"], dtype="datetime64[ms]"))
out["np_stamps"] = (str(stamps.type), [s.isoformat() for s in stamps.to_pylist()])

# ---- pandas in and out
df = t.to_pandas()
out["pandas_dtypes"] = [str(d) for d in df.dtypes]
out["pandas_mean"] = round(float(df["temp"].mean()), 6)
back = pa.Table.from_pandas(df)
out["pandas_back"] = back.to_pydict()
indexed = pd.DataFrame({"v": [1, 2, 3]}, index=pd.Index(["x", "y", "z"], name="key"))
out["pandas_index"] = list(pa.Table.from_pandas(indexed).to_pandas().index)
out["pandas_index_name"] = pa.Table.from_pandas(indexed).to_pandas().index.name
as_float = pa.Table.from_pandas(indexed, schema=pa.schema([("v", pa.float32())]))
out["pandas_schema"] = [str(x) for x in as_float.schema.types]
out["series"] = pa.Array.from_pandas(pd.Series([1.0, None, 3.0])).to_pylist()

# ---- editing columns
t2 = t.append_column("temp_f", pc.add(pc.multiply(t["temp"], 1.8), 32))
t2 = t2.set_column(0, "place", t2["city"].fill_null("unknown"))
t2 = t2.rename_columns({"day": "d"}).drop_columns(["temp"])
t2 = t2.add_column(1, pa.field("flag", pa.bool_()), pa.array([True, False, True, True, False, True]))
t2 = t2.remove_column(1).select(["place", "d", "temp_f"])
out["edited"] = t2.to_pydict()
out["edited_schema"] = str(t2.schema)
t3 = t2.replace_schema_metadata({"edited": "yes"})
out["edited_metadata"] = t3.schema.metadata
renamed = t3.schema.field("d").with_name("day").with_nullable(True)
out["with_field"] = (renamed.name, str(renamed.type), renamed.nullable)

# ---- scalars
first = t["city"][0]
out["scalar"] = (first.as_py(), first.is_valid, str(first.type), str(first), type(first).__name__)
out["null_scalar"] = (t["city"][2].as_py(), t["city"][2].is_valid)
out["iterated"] = [s.as_py() for s in t.column("day")]
out["scalar_eq"] = (t["day"][0] == t["day"][1], t["day"][0] == pa.scalar(1, pa.int32()), t["day"][0] == 1)
out["list_scalar"] = [v.as_py() for v in pa.array([[1, 2, 3]])[0]]
out["struct_scalar"] = pa.array([{"a": 1, "b": "x"}])[0]["b"].as_py()
out["scalar_factory"] = (pa.scalar(5).as_py(), str(pa.scalar(5, pa.int8()).type))

# ---- compute as methods and functions
hot = t.filter(pc.greater(t["temp"], 10))
out["hot"] = hot["city"].to_pylist()
out["sorted"] = t.sort_by([("temp", "descending")])["city"].to_pylist()
out["taken"] = t.take([0, 2])["temp"].to_pylist()
out["sum"] = pc.sum(t["temp"]).as_py()
out["mean"] = pc.mean(t["temp"]).as_py()
out["min_max"] = pc.min_max(t["day"]).as_py()
out["unique"] = t["city"].unique().to_pylist()
out["counts"] = t["city"].value_counts().to_pylist()
out["encoded"] = t["city"].dictionary_encode().combine_chunks().indices.to_pylist()
out["cast"] = t["day"].cast(pa.float64()).to_pylist()
out["is_null"] = t["temp"].is_null().to_pylist()
out["drop_null"] = t.drop_null().num_rows
out["grouped"] = t.group_by("day").aggregate([("temp", "sum"), ("city", "count")]).sort_by("day").to_pydict()
out["array_sort"] = pa.array([3, 1, 2]).sort().to_pylist()
out["index"] = pa.array(["a", "b", "c"]).index("c").as_py()

# ---- streaming IPC: file object and path, batch by batch
sink = io.BytesIO()
with pa.ipc.new_stream(sink, t.schema) as writer:
    for b in t.to_batches(max_chunksize=2):
        writer.write_batch(b)
reader = pa.ipc.open_stream(sink.getvalue())
out["stream_batches"] = [b.num_rows for b in reader]
out["stream_table"] = pa.ipc.open_stream(sink.getvalue()).read_all().equals(t)
path = os.path.join(WORKDIR, "everyday.arrow")
with pa.ipc.new_file(path, t.schema) as writer:
    writer.write_table(t, max_chunksize=4)
with pa.ipc.open_file(path) as f:
    out["file_batches"] = f.num_record_batches
    out["file_batch1"] = f.get_batch(1).to_pydict()
    out["file_all"] = f.read_all().to_pydict()

# ---- pickling and a process pool
out["pickled"] = pickle.loads(pickle.dumps(t)).equals(t)
out["pickled_array"] = pickle.loads(pickle.dumps(t["temp"])).to_pylist()
with multiprocessing.get_context("fork").Pool(2) as pool:
    out["pool"] = pool.map(operator.methodcaller("to_pydict"), [t.slice(0, 2), t.slice(2)])
'''


class _Imports:
    """__import__ answering `pyarrow` (and its submodules) with `quiver`'s."""

    def __init__(self, replace):
        self.replace = replace

    def __call__(self, name, globals=None, locals=None, fromlist=(), level=0):
        if self.replace and (name == "pyarrow" or name.startswith("pyarrow.")):
            name = "quiver" + name[len("pyarrow"):]
            module = builtins.__import__(name, globals, locals, fromlist, level)
            return module
        return builtins.__import__(name, globals, locals, fromlist, level)


def _run(tmp_path, replace):
    namespace_builtins = dict(vars(builtins))
    namespace_builtins["__import__"] = _Imports(replace)
    namespace = {"__builtins__": namespace_builtins, "__name__": "everyday", "WORKDIR": str(tmp_path)}
    exec(compile(SCRIPT, "everyday_script.py", "exec"), namespace)
    return namespace["out"], namespace["pa"]


def test_everyday_script_runs_on_quiver_with_only_the_import_changed(tmp_path):
    pytest.importorskip("pandas")
    os.makedirs(tmp_path / "pa", exist_ok=True)
    os.makedirs(tmp_path / "qv", exist_ok=True)
    want, pa_module = _run(tmp_path / "pa", replace=False)
    got, qv_module = _run(tmp_path / "qv", replace=True)
    assert pa_module is importlib.import_module("pyarrow")
    assert qv_module is importlib.import_module("quiver")
    assert sorted(got) == sorted(want)
    different = {k: (got[k], want[k]) for k in want if got[k] != want[k]}
    assert not different
