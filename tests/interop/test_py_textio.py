"""quiver.csv and quiver.json (the Python API over the C readers and
writers) against pyarrow.csv and pyarrow.json with the same option names:
same tables from paths, bytes and file objects, options mapped as pyarrow
means them, writers read back by pyarrow, errors as ArrowInvalid with the
line named."""
import io
import json

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pytest

import quiver as qv


def to_pa(t):
    return pa.table(t)


CSV = b'id,name,when,score\n1,"a, b",2020-01-01,1.5\n2,"say ""hi""",2021-05-06,NA\n3,,2022-02-03 04:05:06,7\n'


def test_read_csv_from_path_bytes_and_file_like_pyarrow(tmp_path):
    p = tmp_path / "t.csv"
    p.write_bytes(CSV)
    want = pacsv.read_csv(p)
    for source in (p, str(p), CSV, io.BytesIO(CSV)):
        got = to_pa(qv.csv.read_csv(source))
        assert got.schema == want.schema
        assert got.equals(want)


def test_read_csv_options_as_pyarrow_means_them():
    text = b"# skip me\nx;y\n1;yes\n2;no\n-;yes\n"
    kw = dict(read_options=dict(skip_rows=1), parse_options=dict(delimiter=";"),
              convert_options=dict(null_values=["-"], true_values=["yes"], false_values=["no"]))
    want = pacsv.read_csv(io.BytesIO(text), pacsv.ReadOptions(**kw["read_options"]),
                          pacsv.ParseOptions(**kw["parse_options"]), pacsv.ConvertOptions(**kw["convert_options"]))
    got = qv.csv.read_csv(text, qv.csv.ReadOptions(**kw["read_options"]), qv.csv.ParseOptions(**kw["parse_options"]),
                          qv.csv.ConvertOptions(**kw["convert_options"]))
    assert to_pa(got).equals(want)
    # column_names: the first record is data, as in pyarrow
    ro = dict(column_names=["a", "b"])
    want = pacsv.read_csv(io.BytesIO(b"1,2\n3,4\n"), pacsv.ReadOptions(**ro))
    assert to_pa(qv.csv.read_csv(b"1,2\n3,4\n", qv.csv.ReadOptions(**ro))).equals(want)
    ro = dict(autogenerate_column_names=True)
    want = pacsv.read_csv(io.BytesIO(b"1,2\n3,4\n"), pacsv.ReadOptions(**ro))
    assert to_pa(qv.csv.read_csv(b"1,2\n3,4\n", qv.csv.ReadOptions(**ro))).equals(want)


def test_read_csv_skips_invalid_rows_with_a_handler_and_errors_without():
    text = b"a,b\n1,2\n3\n4,5\n"
    got = qv.csv.read_csv(text, parse_options=qv.csv.ParseOptions(invalid_row_handler=lambda row: "skip"))
    assert to_pa(got).column("a").to_pylist() == [1, 4]
    with pytest.raises(qv.ArrowInvalid, match="CSV line 3: expected 2 fields"):
        qv.csv.read_csv(text)


def test_csv_options_quiver_lacks_are_refused_not_ignored():
    with pytest.raises(NotImplementedError, match="include_columns"):
        qv.csv.ConvertOptions(include_columns=["a"])
    with pytest.raises(NotImplementedError, match="escape_char"):
        qv.csv.ParseOptions(escape_char="\\")
    # pyarrow reads a quoted "" in a number column as text with this False
    # (the column becomes string); quiver would read null: refused, not ignored
    with pytest.raises(NotImplementedError, match="quoted_strings_can_be_null"):
        qv.csv.ConvertOptions(quoted_strings_can_be_null=False)


def test_open_csv_yields_the_batches():
    with qv.csv.open_csv(CSV) as reader:
        batches = list(reader)
    assert sum(b.num_rows for b in batches) == 3
    assert qv.csv.open_csv(CSV).read_all().num_rows == 3


def test_write_csv_reads_back_in_pyarrow(tmp_path):
    t = qv.csv.read_csv(CSV)
    p = tmp_path / "out.csv"
    qv.csv.write_csv(t, p)
    assert pacsv.read_csv(p).equals(to_pa(t))
    buf = io.BytesIO()
    qv.csv.write_csv(t, buf, qv.csv.WriteOptions(delimiter="\t", include_header=False))
    assert buf.getvalue().startswith(b"1\ta, b\t2020-01-01 00:00:00\t1.5\n")


JSONL = (b'{"a":1,"s":{"x":"y"},"l":[1,2],"t":"2020-01-01"}\n'
         b'{"a":2.5,"s":null,"l":[],"t":null,"new":true}\n')


def test_read_json_from_path_bytes_and_file_like_pyarrow(tmp_path):
    p = tmp_path / "t.jsonl"
    p.write_bytes(JSONL)
    want = pajson.read_json(p)
    for source in (p, str(p), JSONL, io.BytesIO(JSONL)):
        got = to_pa(qv.json.read_json(source))
        assert got.schema == want.schema
        assert got.equals(want)


@pytest.mark.parametrize("behavior", ["infer", "ignore", "error"])
def test_read_json_explicit_schema_as_pyarrow(behavior):
    schema = pa.schema([("a", pa.float32()), ("t", pa.timestamp("ms"))])
    text = b'{"a":1,"t":"2020-01-01T00:00:00.5","z":3}\n'
    po = dict(explicit_schema=schema, unexpected_field_behavior=behavior)
    if behavior == "error":
        with pytest.raises(pa.ArrowInvalid):
            pajson.read_json(io.BytesIO(text), parse_options=pajson.ParseOptions(**po))
        with pytest.raises(qv.ArrowInvalid, match=r"JSONL line 1, column 36 \(/z\): unexpected field"):
            qv.json.read_json(text, parse_options=qv.json.ParseOptions(**po))
        return
    want = pajson.read_json(io.BytesIO(text), parse_options=pajson.ParseOptions(**po))
    got = to_pa(qv.json.read_json(text, parse_options=qv.json.ParseOptions(**po)))
    assert got.schema == want.schema
    assert got.equals(want)


def test_read_json_errors_name_the_line():
    with pytest.raises(qv.ArrowInvalid, match=r"JSONL line 2, column 6 \(/a\): the column changed from number"):
        qv.json.read_json(b'{"a":1}\n{"a":"x"}\n')
    with pytest.raises(qv.ArrowInvalid, match="nested deeper than 2"):
        qv.json.read_json(b'{"a":{"b":{}}}\n', read_options=qv.json.ReadOptions(max_depth=2))


def test_write_json_reads_back_in_pyarrow(tmp_path):
    t = qv.json.read_json(JSONL)
    text = qv.json.write_json(t)
    assert pajson.read_json(io.BytesIO(text)).equals(to_pa(t))
    p = tmp_path / "out.jsonl"
    qv.json.write_json(pa.table({"x": [1, None]}), p)
    assert [json.loads(line) for line in p.read_text().splitlines()] == [{"x": 1}, {"x": None}]
