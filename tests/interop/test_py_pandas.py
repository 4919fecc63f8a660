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


def test_types_mapper_is_refused_not_ignored():
    with pytest.raises(NotImplementedError):
        qv.table({"a": [1]}).to_pandas(types_mapper=pd.ArrowDtype)
