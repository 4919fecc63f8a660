"""quiver.csv.open_csv (the streaming reader) against pyarrow.csv.open_csv,
through every kind of input: a path, bytes in memory, a file object, a pipe
(a subprocess's stdout) and a redirected stdin; the batches reach pyarrow
through __arrow_c_stream__ too. A later value that does not fit the types
of the first blocks is an error naming line and column, as in pyarrow.
Memory stays bounded: a child process under RLIMIT_AS reads, from a pipe,
a CSV several times larger than its address-space headroom, and a 1 GB
line without a line break stops at max_record_size with a clear error.
ConvertOptions.column_types gives the same columns as pyarrow's.
"""
import io
import os
import subprocess
import sys
import textwrap

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import quiver as qv
import quiver.csv as qcsv

BLOCK = 1 << 14


def make_csv(rows, seed=3):
    """Mixed columns whose types do not change from block to block."""
    rng = np.random.default_rng(seed)
    t = pa.table({
        "id": pa.array(np.arange(rows, dtype=np.int64)),
        "x": pa.array(rng.standard_normal(rows)),
        "when": pa.array((np.int64(1_600_000_000) + rng.integers(0, 10**8, rows)).astype("datetime64[s]")),
        "name": pa.array(["n%d, \"q\"\nline" % i if i % 7 == 0 else "v%d" % i for i in range(rows)]),
        "ok": pa.array(rng.integers(0, 2, rows).astype(bool)),
    })
    out = io.BytesIO()
    pacsv.write_csv(t, out)
    return out.getvalue()


def expected(data, block=BLOCK):
    return pacsv.open_csv(io.BytesIO(data), read_options=pacsv.ReadOptions(block_size=block),
                          parse_options=pacsv.ParseOptions(newlines_in_values=True)).read_all()


def as_pyarrow(table_or_batches):
    return pa.table(table_or_batches)


def check_reader(reader, data, min_batches=2):
    exp = expected(data)
    assert pa.schema(reader.schema) == exp.schema
    batches = list(reader)
    assert len(batches) >= min_batches  # it streamed: one batch per block
    got = pa.Table.from_batches([pa.record_batch(b) for b in batches], schema=exp.schema)
    assert got.equals(exp)


@pytest.mark.parametrize("rows", [0, 1, 50, 3000])
def test_sizes_around_the_block(tmp_path, rows):
    data = make_csv(rows)
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    ro = qcsv.ReadOptions(block_size=BLOCK)
    many = len(data) > 2 * BLOCK
    for source in (str(path), data, io.BytesIO(data), open(path, "rb")):
        with qcsv.open_csv(source, read_options=ro) as r:
            check_reader(r, data, min_batches=2 if many else (1 if rows else 0))


def test_file_object_without_readinto():
    data = make_csv(2000)

    class OnlyRead:
        def __init__(self, b):
            self.f = io.BytesIO(b)

        def read(self, n=-1):
            return self.f.read(min(n, 777))  # short reads cut records and quotes anywhere

    check_reader(qcsv.open_csv(OnlyRead(data), read_options=qcsv.ReadOptions(block_size=BLOCK)), data)


def test_arrow_c_stream_to_pyarrow():
    data = make_csv(3000)
    r = qcsv.open_csv(data, read_options=qcsv.ReadOptions(block_size=BLOCK))
    first = r.read_next_batch()
    rest = pa.RecordBatchReader.from_stream(r).read_all()
    got = pa.Table.from_batches([pa.record_batch(first)] + rest.to_batches(), schema=rest.schema)
    assert got.equals(expected(data))
    with pytest.raises(qv.ArrowInvalid, match="handed to another library"):
        r.read_next_batch()


CHILD = textwrap.dedent("""
    import sys, quiver.csv as qcsv
    r = qcsv.open_csv(sys.stdin.buffer, read_options=qcsv.ReadOptions(block_size=%d))
    import pyarrow as pa
    t = pa.table(r.read_all())
    sys.stdout.buffer.write(t.to_pandas().to_csv(index=False).encode())
""")


def test_pipe_and_stdin_redirect(tmp_path):
    data = make_csv(3000)
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    want = expected(data).to_pandas().to_csv(index=False).encode()
    code = CHILD % BLOCK
    # a pipe: another process's stdout
    feeder = subprocess.Popen(["cat", str(path)], stdout=subprocess.PIPE)
    got = subprocess.run([sys.executable, "-c", code], stdin=feeder.stdout, capture_output=True, timeout=120)
    feeder.stdout.close()
    feeder.wait()
    assert got.returncode == 0, got.stderr.decode()
    assert got.stdout == want
    # stdin redirected from the file
    with open(path, "rb") as f:
        got = subprocess.run([sys.executable, "-c", code], stdin=f, capture_output=True, timeout=120)
    assert got.returncode == 0, got.stderr.decode()
    assert got.stdout == want


def test_later_value_that_does_not_fit_names_line_and_column():
    lines = ["n,s"] + ["%d,v" % i for i in range(5000)] + ["oops,v"]
    data = ("\n".join(lines) + "\n").encode()
    with pytest.raises(pa.ArrowInvalid):  # pyarrow: the same input is an error
        pacsv.open_csv(io.BytesIO(data), read_options=pacsv.ReadOptions(block_size=BLOCK)).read_all()
    r = qcsv.open_csv(data, read_options=qcsv.ReadOptions(block_size=BLOCK))
    assert str(r.schema.field("n").type) == "int64"
    with pytest.raises(qv.ArrowInvalid, match=r"CSV line 5002, column 1 \('n'\): the value 'oops' is not of type "
                                              r"int64"):
        r.read_all()
    # the whole-input reader promotes instead
    assert str(qcsv.read_csv(data).schema.field("n").type) == "string"


STREAM_TYPES = {"id": pa.int32(), "x": pa.float32(), "when": pa.timestamp("ms"), "name": pa.large_string()}


def _sources(data, path):
    """Every kind of input open_csv reads: a path, bytes, a buffer, a file
    object with readinto, one with short reads only."""
    class ShortReads:
        def __init__(self, b):
            self.f = io.BytesIO(b)

        def read(self, n=-1):
            return self.f.read(min(n, 1000))

    return [("path", str(path)), ("bytes", data), ("buffer", io.BytesIO(data)), ("file", open(path, "rb")),
            ("short reads", ShortReads(data))]


@pytest.mark.parametrize("given", [False, True])
def test_every_source_on_both_sides_of_every_block_size(tmp_path, given):
    """The rounds after the first are read by the typed fast path: every
    source and block size (smaller than a record, around the input's size)
    gives pyarrow's columns, with and without column_types; the quoted
    line breaks in "name" fall across block and read boundaries."""
    data = make_csv(1500)
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    co = pacsv.ConvertOptions(column_types=STREAM_TYPES if given else None)
    want = pacsv.read_csv(io.BytesIO(data), convert_options=co,
                          parse_options=pacsv.ParseOptions(newlines_in_values=True))
    qco = qcsv.ConvertOptions(column_types=STREAM_TYPES if given else None)
    for block in (1 << 8, 1 << 12, 1 << 14, len(data) - 1, len(data) + 1):
        for name, source in _sources(data, path):
            r = qcsv.open_csv(source, read_options=qcsv.ReadOptions(block_size=block), convert_options=qco)
            got = pa.table(r.read_all())
            assert got.schema == want.schema, (name, block)
            assert got.equals(want), (name, block)
            r.close()


GIVEN_CHILD = textwrap.dedent("""
    import sys, quiver.csv as qcsv, pyarrow as pa
    co = qcsv.ConvertOptions(column_types={"id": pa.int32(), "x": pa.float32(), "when": pa.timestamp("ms")})
    r = qcsv.open_csv(sys.stdin.buffer, read_options=qcsv.ReadOptions(block_size=%d), convert_options=co)
    t = pa.table(r.read_all())
    sys.stdout.buffer.write(repr(t.schema).encode() + b"\\n" + t.to_pandas().to_csv(index=False).encode())
""")


def test_pipe_and_stdin_redirect_with_column_types(tmp_path):
    data = make_csv(3000)
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    co = pacsv.ConvertOptions(column_types={"id": pa.int32(), "x": pa.float32(), "when": pa.timestamp("ms")})
    exp = pacsv.read_csv(io.BytesIO(data), convert_options=co)
    want = repr(exp.schema).encode() + b"\n" + exp.to_pandas().to_csv(index=False).encode()
    for block in (1 << 10, BLOCK):
        code = GIVEN_CHILD % block
        feeder = subprocess.Popen(["cat", str(path)], stdout=subprocess.PIPE)
        got = subprocess.run([sys.executable, "-c", code], stdin=feeder.stdout, capture_output=True, timeout=120)
        feeder.stdout.close()
        feeder.wait()
        assert got.returncode == 0, got.stderr.decode()
        assert got.stdout == want
        with open(path, "rb") as f:
            got = subprocess.run([sys.executable, "-c", code], stdin=f, capture_output=True, timeout=120)
        assert got.returncode == 0, got.stderr.decode()
        assert got.stdout == want


@pytest.mark.parametrize("late,type_,match", [
    (b"300", pa.int8(), r"CSV line 8002, column 1 \('n'\): the value '300' is not of type int8"),
    (b"1.5", None, r"CSV line 8002, column 1 \('n'\): the value '1.5' is not of type int64"),
    (b"x", pa.int16(), r"CSV line 8002, column 1 \('n'\): the value 'x' is not of type int16"),
])
def test_late_misfits_in_later_rounds_are_errors_like_pyarrow(late, type_, match):
    data = b"n,s\n" + b"".join(b"%d,\"v\nw\"\n" % (i % 100) for i in range(4000)) + late + b",v\n"
    types = {"n": type_} if type_ is not None else None
    with pytest.raises(pa.ArrowInvalid):
        pacsv.open_csv(io.BytesIO(data), read_options=pacsv.ReadOptions(block_size=1 << 12),
                       parse_options=pacsv.ParseOptions(newlines_in_values=True),
                       convert_options=pacsv.ConvertOptions(column_types=types)).read_all()
    for source in (data, io.BytesIO(data)):
        r = qcsv.open_csv(source, read_options=qcsv.ReadOptions(block_size=1 << 12),
                          convert_options=qcsv.ConvertOptions(column_types=types))
        with pytest.raises(qv.ArrowInvalid, match=match):
            r.read_all()


LIMITED = textwrap.dedent("""
    import os, resource, sys
    import quiver.csv as qcsv
    def vm():
        for line in open("/proc/self/status"):
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    # the limit: what the interpreter takes now, plus a headroom far
    # smaller than the input
    limit = vm() + %d
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    ro = qcsv.ReadOptions(block_size=1 << 20, max_record_size=%d)
    rows = 0
    try:
        for batch in qcsv.open_csv(sys.stdin.buffer, read_options=ro):
            rows += batch.num_rows
    except Exception as e:
        print("error:", type(e).__name__, e)
        sys.exit(3)
    print("rows", rows)
""")

HEADROOM = 200 << 20


def run_limited(feeder_code, max_record=64 << 20):
    env = dict(os.environ, MALLOC_ARENA_MAX="2")
    feeder = subprocess.Popen([sys.executable, "-c", feeder_code], stdout=subprocess.PIPE)
    try:
        child = subprocess.run([sys.executable, "-c", LIMITED % (HEADROOM, max_record)], stdin=feeder.stdout,
                               capture_output=True, timeout=600, env=env)
    finally:
        feeder.stdout.close()
        feeder.kill()
        feeder.wait()
    return child


def test_bounded_memory_on_a_pipe_larger_than_the_limit():
    # 600 MB of CSV (3x the headroom) through a pipe
    feeder = textwrap.dedent("""
        import sys
        out = sys.stdout.buffer
        out.write(b"id,name,x,when\\n")
        row = b"%d,some name here,%d.25,2024-01-02 03:04:05\\n"
        chunk = b"".join(row % (i, i) for i in range(100000))
        for _ in range(600 * 10**6 // len(chunk) + 1):
            out.write(chunk)
    """)
    child = run_limited(feeder)
    assert child.returncode == 0, (child.stdout + child.stderr).decode()[-2000:]
    rows = int(child.stdout.split()[-1])
    assert rows > 600 * 10**6 // 50  # every row of the 600 MB arrived


def test_one_gigabyte_line_gives_a_clear_error_with_bounded_memory():
    feeder = textwrap.dedent("""
        import sys
        out = sys.stdout.buffer
        out.write(b"h\\n")
        block = b"a" * (1 << 20)
        try:
            for _ in range(1024):  # 1 GB without a line break
                out.write(block)
        except BrokenPipeError:
            pass
    """)
    child = run_limited(feeder, max_record=32 << 20)
    assert child.returncode == 3, (child.stdout + child.stderr).decode()[-2000:]
    out = child.stdout.decode()
    assert "ArrowInvalid" in out and "CSV line 2: no record ends within 33554432 bytes (max_record_size)" in out


def test_unclosed_quote_and_binary_input_are_clear_errors():
    with pytest.raises(qv.ArrowInvalid, match="CSV line 3, column 2: the quoted field that opens here is never closed"):
        qcsv.open_csv(b"a,b\n1,2\n3,\"open\n" + b"x\n" * 10).read_all()
    with pytest.raises(qv.ArrowInvalid, match="invalid UTF-8"):
        qcsv.open_csv(b"a\n\xff\xfe\x00\x01\n").read_all()


TYPES = {
    "i8": pa.int8(), "u16": pa.uint16(), "u64": pa.uint64(), "f32": pa.float32(), "s": pa.string(),
    "ls": pa.large_string(), "bin": pa.binary(), "d32": pa.date32(), "d64": pa.date64(),
    "ts_ms": pa.timestamp("ms"), "ts_us_utc": pa.timestamp("us", "UTC"), "b": pa.bool_(), "n": pa.null(),
}


def test_column_types_like_pyarrow():
    data = (b"i8,u16,u64,f32,s,ls,bin,d32,d64,ts_ms,ts_us_utc,b,n,other\n"
            b"-128,65535,18446744073709551615,1.5,007,x,\xff,2020-01-02,2020-01-02,2020-01-01 00:00:00.123,"
            b"2020-01-01T00:00:00.000001Z,true,,12\n"
            b"127,,0,-2.25e3,,,,,1969-12-31,1969-12-31 23:59:59,2020-01-01 01:00:00+01:00,0,NA,13\n")
    exp = pacsv.read_csv(io.BytesIO(data), convert_options=pacsv.ConvertOptions(column_types=TYPES))
    for types in (TYPES, list(TYPES.items()), {k: qv.type_for(v) for k, v in TYPES.items()}):
        co = qcsv.ConvertOptions(column_types=types)
        got = pa.table(qcsv.read_csv(data, convert_options=co))
        assert got.equals(exp), (got.schema, exp.schema)
        got = pa.table(qcsv.open_csv(data, convert_options=co).read_all())
        assert got.equals(exp)


@pytest.mark.parametrize("value,type_", [(b"300", pa.int8()), (b"-1", pa.uint8()), (b"1.5", pa.int32()),
                                          (b"2020-01-01 00:00:00", pa.timestamp("s", "UTC")),
                                          (b"2020-01-01 00:00:00.5", pa.timestamp("s")), (b"x", pa.null())])
def test_column_types_misfits_are_errors_like_pyarrow(value, type_):
    data = b"a\n1\n" + value + b"\n" if type_ != pa.null() else b"a\n\n" + value + b"\n"
    co = {"a": type_}
    with pytest.raises(pa.ArrowInvalid):
        pacsv.read_csv(io.BytesIO(data), convert_options=pacsv.ConvertOptions(column_types=co))
    with pytest.raises(qv.ArrowInvalid, match=r"CSV line \d, column 1 \('a'\)"):
        qcsv.read_csv(data, convert_options=qcsv.ConvertOptions(column_types=co))


def test_column_types_without_a_csv_text_form():
    with pytest.raises(qv.ArrowNotImplementedError, match="reading list"):
        qcsv.read_csv(b"a\n1\n", convert_options=qcsv.ConvertOptions(column_types={"a": pa.list_(pa.int8())}))
