"""Table.from_pandas / RecordBatch.from_pandas against pyarrow's on the same
DataFrames: values, types, the index (range index as metadata, others as
__index_level_0__, dropped with preserve_index=False), column selection, and
the options not supported yet refused loudly."""
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
@pytest.mark.parametrize("preserve_index", [None, False])
def test_table_from_pandas_matches_pyarrow(k, preserve_index):
    df = list(_frames())[k]
    want = pa.Table.from_pandas(df, preserve_index=preserve_index)
    got = qv.Table.from_pandas(df, preserve_index=preserve_index)
    assert isinstance(got, qv.Table)
    back = pa.table(got)
    assert back.column_names == want.column_names
    assert back.schema.remove_metadata() == want.schema.remove_metadata()
    assert back.to_pydict() == want.to_pydict()


def test_record_batch_from_pandas_and_columns():
    df = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"], "c": [0.5, 1.5, 2.5]})
    got = qv.RecordBatch.from_pandas(df, columns=["c", "a"])
    assert isinstance(got, qv.RecordBatch)
    want = pa.RecordBatch.from_pandas(df, columns=["c", "a"])
    assert pa.record_batch(got).to_pydict() == want.to_pydict()
    assert got.num_rows == 3


def test_unsupported_options_are_refused():
    df = pd.DataFrame({"a": [1]})
    with pytest.raises(NotImplementedError, match="schema"):
        qv.Table.from_pandas(df, schema=qv.schema([("a", qv.int32())]))
    with pytest.raises(NotImplementedError, match="preserve_index=True"):
        qv.Table.from_pandas(df, preserve_index=True)
