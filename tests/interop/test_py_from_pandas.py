"""Table.from_pandas / RecordBatch.from_pandas against pyarrow's on the same
DataFrames: values, types, the index (range index as metadata, others as
__index_level_0__, every index as columns with preserve_index=True, dropped
with preserve_index=False) and the pandas metadata itself, schema=, column
selection; quiver.table(stream or DataFrame, schema=) honouring the schema;
to_pandas restoring the index the pandas metadata describes."""
import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import quiver as qv


def _frames():
    yield pd.DataFrame({"a": [1, 2, None], "b": ["x", None, "z"], "c": [1.5, np.nan, -0.0]})
    yield pd.DataFrame({"t": pd.to_datetime(["2020-01-01", "2021-06-30", None]), "n": [True, False, True]})
    yield pd.DataFrame({"a": [1, 2, 3]}, index=[10, 20, 30])
    yield pd.DataFrame({"a": [1, 2]}, index=pd.Index(["p", "q"], name="key"))
    yield pd.DataFrame({"a": pd.Series([], dtype="int64"), "s": pd.Series([], dtype=object)})


@pytest.mark.parametrize("k", range(5))
@pytest.mark.parametrize("preserve_index", [None, False, True])
def test_table_from_pandas_matches_pyarrow(k, preserve_index):
    df = list(_frames())[k]
    want = pa.Table.from_pandas(df, preserve_index=preserve_index)
    got = qv.Table.from_pandas(df, preserve_index=preserve_index)
    assert isinstance(got, qv.Table)
    back = pa.table(got)
    assert back.column_names == want.column_names
    assert back.schema.remove_metadata() == want.schema.remove_metadata()
    assert back.to_pydict() == want.to_pydict()
    assert _pandas_metadata(got) == _pandas_metadata(want)
    # and back to pandas: the same frame, index included, as pyarrow gives
    pd.testing.assert_frame_equal(got.to_pandas(), want.to_pandas())


def _pandas_metadata(t):
    meta = json.loads(t.schema.metadata[b"pandas"])
    meta.pop("creator", None)
    return meta


@pytest.mark.parametrize("k", range(5))
def test_from_pandas_with_schema_matches_pyarrow(k):
    df = list(_frames())[k]
    wanted_fields = {"a": pa.float64(), "b": pa.large_string(), "c": pa.float32(), "t": pa.timestamp("us"),
                     "n": pa.bool_(), "s": pa.large_string()}
    schema = pa.schema([(c, wanted_fields[c]) for c in df.columns])
    want = pa.Table.from_pandas(df, schema=schema)
    got = qv.Table.from_pandas(df, schema=qv.schema(schema))
    assert pa.table(got).schema.equals(want.schema, check_metadata=True)
    assert pa.table(got).to_pydict() == want.to_pydict()
    batch = qv.RecordBatch.from_pandas(df, schema=qv.schema(schema))
    assert isinstance(batch, qv.RecordBatch) and batch.to_pydict() == want.to_pydict()
    assert qv.table(df, schema=qv.schema(schema)).to_pydict() == pa.table(df, schema=schema).to_pydict()


def test_record_batch_from_pandas_and_columns():
    df = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"], "c": [0.5, 1.5, 2.5]})
    got = qv.RecordBatch.from_pandas(df, columns=["c", "a"])
    assert isinstance(got, qv.RecordBatch)
    want = pa.RecordBatch.from_pandas(df, columns=["c", "a"])
    assert pa.record_batch(got).to_pydict() == want.to_pydict()
    assert got.num_rows == 3


def test_table_of_a_stream_honours_schema_like_pyarrow():
    source = pa.table({"a": [1, 2, None], "b": ["x", "y", "z"]}, metadata={"k": "v"})
    schema = pa.schema([("a", pa.float64()), ("b", pa.large_string())])
    want = pa.table(source, schema=schema)
    got = qv.table(source, schema=qv.schema(schema))
    assert pa.table(got).schema.equals(want.schema, check_metadata=True)
    assert got.to_pydict() == want.to_pydict()
    same = qv.table(source, schema=qv.schema(source.schema))  # already that schema: as it is
    assert pa.table(same).schema.equals(pa.table(source, schema=source.schema).schema, check_metadata=True)
    bad = pa.schema([("a", pa.int64()), ("b", pa.int64())])
    with pytest.raises(pa.ArrowInvalid):
        pa.table(source, schema=bad)
    with pytest.raises(qv.ArrowInvalid):
        qv.table(source, schema=qv.schema(bad))
    renamed = pa.schema([("x", pa.int64()), ("b", pa.string())])
    with pytest.raises(ValueError):
        pa.table(source, schema=renamed)
    with pytest.raises(ValueError):
        qv.table(source, schema=qv.schema(renamed))
    with pytest.raises(ValueError):
        qv.table(source, names=["p", "q"])
    qt = qv.table({"a": [1]})
    assert qv.table(qt, schema=qv.schema([("a", qv.float64())])).schema.types == [qv.float64()]


def test_to_pandas_restores_the_index_with_types_mapper():
    df = pd.DataFrame({"a": [1, 2]}, index=pd.Index(["p", "q"], name="key"))
    t, p = qv.Table.from_pandas(df), pa.Table.from_pandas(df)
    got = t.to_pandas(types_mapper=pd.ArrowDtype)
    want = p.to_pandas(types_mapper=pd.ArrowDtype)
    assert list(got.index) == list(want.index) and got.index.name == want.index.name == "key"
    assert list(got.columns) == list(want.columns) == ["a"]
    ranged = pd.DataFrame({"a": [1, 2, 3]}, index=pd.RangeIndex(10, 16, 2))
    got = qv.Table.from_pandas(ranged).to_pandas(types_mapper=pd.ArrowDtype)
    want = pa.Table.from_pandas(ranged).to_pandas(types_mapper=pd.ArrowDtype)
    assert list(got.index) == list(want.index) == [10, 12, 14]
