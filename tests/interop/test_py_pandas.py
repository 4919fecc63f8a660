"""Table/RecordBatch/Array/ChunkedArray.to_pandas() against pyarrow's
to_pandas on the same data (issue 11, item 2): same values and dtypes. The
quiver module hands its data to pandas through the Arrow PyCapsule protocol;
it never imports pyarrow itself (test_py_numpy.py runs it without pyarrow).
"""
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import quiver as qv


def _data():
    return {"a": [1, None, 3], "s": ["x", None, "zz"], "f": [1.5, 2.5, None], "b": [True, False, True],
            "ts": qv.array(np.array(["2020-01-01T00:00:00.123456789", "NaT", "1970-01-01"], dtype="datetime64[ns]"))}


def test_table_to_pandas_matches_pyarrow():
    q = qv.table(_data())
    p = pa.table(q)
    pd.testing.assert_frame_equal(q.to_pandas(), p.to_pandas())
    pd.testing.assert_frame_equal(q.to_batches()[0].to_pandas(), p.to_batches()[0].to_pandas())
    two = qv.concat_tables([q, q.slice(1)])
    pd.testing.assert_frame_equal(two.to_pandas(), pa.table(two).to_pandas())


def test_columns_to_pandas_match_pyarrow():
    q = qv.table(_data())
    for name in q.column_names:
        pd.testing.assert_series_equal(q.column(name).to_pandas(), pa.chunked_array(q.column(name)).to_pandas(),
                                       check_names=False)
        chunk = q.column(name).chunk(0)
        pd.testing.assert_series_equal(chunk.to_pandas(), pa.array(chunk).to_pandas(), check_names=False)


def _arrow_chunks(series):
    """The pyarrow chunks behind a pandas.ArrowDtype column."""
    return series.array._pa_array.chunks


def test_types_mapper_arrow_dtype_matches_pyarrow_and_copies_nothing():
    q = qv.concat_tables([qv.table(_data()), qv.table(_data())])
    p = pa.table(q)
    got, want = q.to_pandas(types_mapper=pd.ArrowDtype), p.to_pandas(types_mapper=pd.ArrowDtype)
    pd.testing.assert_frame_equal(got, want)
    for name in q.column_names:
        assert isinstance(got[name].dtype, pd.ArrowDtype)
        chunks = _arrow_chunks(got[name])
        assert len(chunks) == q.column(name).num_chunks == 2
        for pc, qc in zip(chunks, q.column(name).chunks):
            # zero-copy: pandas holds quiver's buffers themselves
            for i, buf in enumerate(pc.buffers()):
                assert (buf.address if buf is not None else 0) == qc.buffer_address(i), (name, i)
    batch = q.to_batches()[0]
    pd.testing.assert_frame_equal(batch.to_pandas(types_mapper=pd.ArrowDtype),
                                  p.to_batches()[0].to_pandas(types_mapper=pd.ArrowDtype))


def test_types_mapper_choosing_some_columns_matches_pyarrow():
    q = qv.table(_data())
    p = pa.table(q)
    for mapper in ({pa.int64(): pd.Int64Dtype(), pa.string(): pd.StringDtype()}.get, {pa.bool_(): pd.BooleanDtype()}.get,
                   lambda t: None, lambda t: pd.ArrowDtype(t) if pa.types.is_floating(t) else None):
        pd.testing.assert_frame_equal(q.to_pandas(types_mapper=mapper), p.to_pandas(types_mapper=mapper))


def test_array_and_chunked_to_pandas_with_types_mapper():
    q = qv.table(_data())
    for name in q.column_names:
        col, chunk = q.column(name), q.column(name).chunk(0)
        pd.testing.assert_series_equal(col.to_pandas(types_mapper=pd.ArrowDtype),
                                       pa.chunked_array(col).to_pandas(types_mapper=pd.ArrowDtype), check_names=False)
        got = chunk.to_pandas(types_mapper=pd.ArrowDtype)
        pd.testing.assert_series_equal(got, pa.array(chunk).to_pandas(types_mapper=pd.ArrowDtype), check_names=False)
        assert _arrow_chunks(got)[0].buffers()[-1].address == chunk.buffer_address(chunk.num_buffers - 1)


def test_empty_and_columnless_tables_to_pandas():
    for p in (pa.table({"a": pa.array([], pa.int64())}), pa.table({})):
        q = qv.table(p)
        for mapper in (None, pd.ArrowDtype):
            pd.testing.assert_frame_equal(q.to_pandas(types_mapper=mapper), p.to_pandas(types_mapper=mapper))
