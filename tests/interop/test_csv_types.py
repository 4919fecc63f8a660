"""quiver.csv.read_csv against pyarrow.csv.read_csv (the oracle) for the
types and forms added with the typed fast path: times of day (inferred as
time32[s], given as time32/time64 in every unit), spaces around numbers,
dates and times, decimals given as decimal128(p, s), and inputs of many
blocks whose later blocks hold values the first block did not (the fast
path's guesses must never change a result)."""
import io

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import quiver as qv
import quiver.csv  # noqa: F401  (submodule)


def to_pa(t):
    return pa.table(t)


def both(text, column_types=None, block_size=None):
    """(quiver's table or its error, pyarrow's table or its error)."""
    ro_kw = {"block_size": block_size} if block_size else {}
    co_kw = {"column_types": column_types} if column_types else {}
    try:
        got = to_pa(qv.csv.read_csv(text, qv.csv.ReadOptions(**ro_kw), convert_options=qv.csv.ConvertOptions(**co_kw)))
    except Exception as e:  # noqa: BLE001 (compared with pyarrow's failure below)
        got = e
    try:
        want = pacsv.read_csv(io.BytesIO(text), pacsv.ReadOptions(**ro_kw),
                              convert_options=pacsv.ConvertOptions(**co_kw))
    except pa.ArrowInvalid as e:
        want = e
    return got, want


def assert_like_pyarrow(text, column_types=None, block_size=None):
    got, want = both(text, column_types, block_size)
    if isinstance(want, Exception):
        assert isinstance(got, Exception), f"pyarrow fails ({want}) but quiver reads {got}"
        return
    assert not isinstance(got, Exception), f"quiver fails: {got}; pyarrow reads {want}"
    got, want = got.combine_chunks(), want.combine_chunks()
    assert got.schema == want.schema, f"{text!r}: {got.schema} vs pyarrow's {want.schema}"
    assert got.equals(want), f"{text!r}: {got.to_pydict()} vs pyarrow's {want.to_pydict()}"


TIME_TEXTS = [b"a\n12:34:56\n01:02:03\n", b"a\n12:34\n12:34:56\n", b"a\n12:34\nNA\n\n13:00\n",
              b"a\n 12:34:56\n", b"a\n12:34:56 \n", b"a\n12:34:56.123\n", b"a\n24:00:00\n",
              b"a\n1:02:03\n", b"a\n12:34:60\n", b"a\n12:34:5\n", b"a\n12:34:56.\n",
              b"a\n12:34\n2020-01-01\n", b"a\n12:34\n1\n", b"a\n23:59\n00:00:00\n"]


@pytest.mark.parametrize("text", TIME_TEXTS)
def test_times_of_day_are_inferred_like_pyarrow(text):
    assert_like_pyarrow(text)


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
@pytest.mark.parametrize("value", ["12:34:56", "12:34", "12:34:56.123", "12:34:56.1234567", "12:34:56.123456789",
                                   "12:34:56.1234567891", "23:59:60", "12:34:56.", " 12:34:56", "12:34:56Z",
                                   "12:34.5", "", "NA"])
def test_given_time_types_read_like_pyarrow(unit, value):
    ty = pa.time32(unit) if unit in ("s", "ms") else pa.time64(unit)
    assert_like_pyarrow(f"a\n{value}\n00:00:01\n".encode(), {"a": ty})


@pytest.mark.parametrize("text", [b"a\n 1 \n 2\n", b"a\n\t12\t\n", b"a\n 1.5 \n", b"a\n1\n 1.5\n",
                                  b"a\n\t2020-01-01\n", b"a\n  \n1\n", b"a\n true\n", b"a\n NA\n1\n",
                                  b"a\n 2020-01-01 00:00:00\n", b'a\n" 12"\n', b"a\n 1e5\n"])
def test_spaces_around_values_are_read_like_pyarrow(text):
    assert_like_pyarrow(text)


@pytest.mark.parametrize("ty", [pa.int8(), pa.uint8(), pa.uint64(), pa.float32(), pa.date64()])
def test_spaces_around_given_numbers_and_dates(ty):
    value = "2020-01-01" if ty == pa.date64() else "7"
    assert_like_pyarrow(f"a\n {value} \n".encode(), {"a": ty})


@pytest.mark.parametrize("value", ["1.5", " 1.5", "1.555", "1.550", "1.5e2", "-1.50", "1000.5", "1000.25",
                                   ".5", "5.", "+5", "1.50E-1", "1E+2", "NaN", "", "abc", "1.2.3", "-0",
                                   "0.001", "1e-3", "99999.99", "-99999.99", "1e", "--1", "1e400", "-.5",
                                   "5.e1", ".e1", "1e+", "00001.50", "inf", "1_0"])
def test_given_decimals_read_like_pyarrow(value):
    assert_like_pyarrow(f"a\n{value}\n".encode(), {"a": pa.decimal128(7, 2)})


@pytest.mark.parametrize("value", ["100000", "-123456.7", "12345678901234567890123456789012345678"])
def test_decimals_past_the_precision_are_refused(value):
    # pyarrow stores these as decimal128(7, 2) values of more than 7 digits,
    # which are not valid values of the type; quiver names the cell instead.
    with pytest.raises(Exception, match=r"CSV line 2, column 1 \('a'\): the value .* is not of type decimal128\(7, 2\)"):
        qv.csv.read_csv(f"a\n{value}\n".encode(), convert_options=qv.csv.ConvertOptions(
            column_types={"a": pa.decimal128(7, 2)}))


@pytest.mark.parametrize("scale", [0, 3, 36])
def test_wide_decimals_are_exact_or_refused(scale):
    # pyarrow wraps some of these around (1e37 at scale 3); the oracle here
    # is exact decimal arithmetic: the value when it is representable, an
    # error when it is not.
    import decimal
    ctx = decimal.Context(prec=200)
    values = ["12345678901234567890123456.789012", "-99999999999999999999999999999999999.999",
              "0.000000000000000000000000000000000001", "1e37", "1e38", "-1.5e-3", "170141183460469231731687303715884105727"]
    ty = pa.decimal128(38, scale)
    for v in values:
        exact = ctx.multiply(decimal.Decimal(v), decimal.Decimal(10) ** scale)
        ok = exact == exact.to_integral_value() and abs(exact) < decimal.Decimal(10) ** 38
        try:
            got = qv.csv.read_csv(f"a\n{v}\n".encode(), convert_options=qv.csv.ConvertOptions(column_types={"a": ty}))
        except Exception as e:  # noqa: BLE001
            assert not ok, f"{v} at scale {scale}: quiver fails ({e}) but it is representable"
            continue
        assert ok, f"{v} at scale {scale}: quiver reads {to_pa(got)} but it is not representable"
        assert to_pa(got).column(0)[0].as_py() == ctx.divide(exact, decimal.Decimal(10) ** scale)


def _mixed_text(seed, rows):
    """Benchmark-like columns (ints, floats, timestamps, times, short and
    quoted long strings, ~5 % empty), with, past the first block, values
    the first block never showed (a float among ints, a string among
    timestamps, a zone, a fraction)."""
    rng = np.random.default_rng(seed)
    lines = ["id,qty,price,ts,t,code,text"]
    for r in range(rows):
        def cell(v):
            return "" if rng.random() < 0.05 else v
        qty = str(int(rng.integers(-1000, 1000)))
        price = f"{rng.random() * 1000:.2f}"
        ts = f"2021-{1 + r % 12:02d}-{1 + r % 28:02d} {r % 24:02d}:{r % 60:02d}:{(r * 7) % 60:02d}"
        t = f"{r % 24:02d}:{(r * 3) % 60:02d}:{(r * 11) % 60:02d}"
        code = "".join(chr(97 + int(c)) for c in rng.integers(0, 26, int(rng.integers(1, 6))))
        text = '"' + "".join(chr(97 + int(c)) for c in rng.integers(0, 26, int(rng.integers(10, 40)))) + '"'
        if r > rows // 2 and rng.random() < 0.002:
            choice = int(rng.integers(0, 5))
            if choice == 0:
                qty = "1.5"
            elif choice == 1:
                ts = "not a time"
            elif choice == 2:
                ts = ts + ".5"
            elif choice == 3:
                t = "12:00:00.25"
            else:
                text = '"say ""hi"",\nthere"'
        lines.append(",".join([str(r), cell(qty), cell(price), cell(ts), cell(t), cell(code), cell(text)]))
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("seed", range(4))
def test_many_blocks_read_like_pyarrow(seed):
    text = _mixed_text(seed, 4000)
    assert_like_pyarrow(text, block_size=1 << 14)
    assert_like_pyarrow(text)
