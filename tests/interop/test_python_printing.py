"""quiver prints floats as pyarrow does (str() of an array goes through the
C printer, src/print).

The float16 expectations of the C tests were once written by hand
(0.33325195, the float32-shortest digits) while pyarrow prints the double a
half decodes to, shortest round-trip (0.333251953125): the oracle decides,
so every one of the 65536 float16 bit patterns is compared here, with
samples of float32 and float64 and the values where a naive shortest-digit
search goes wrong (powers of two, whose lower neighbour is closer).
"""
import numpy as np
import pyarrow as pa
import pytest

import quiver as qv


def _compare(values):
    """str() of quiver and pyarrow arrays of `values`, ten at a time (within
    both printers' default window); returns the first few mismatches."""
    bad = []
    for i in range(0, len(values), 10):
        p = pa.array(values[i:i + 10])
        want, got = str(p), str(qv.array(p))
        if want != got:
            bad.append((values[i:i + 10].tolist(), want, got))
            if len(bad) >= 3:
                break
    return bad


def test_every_float16_prints_as_pyarrow_prints_it():
    values = np.arange(1 << 16, dtype=np.uint16).view(np.float16)
    assert _compare(values) == []
    third = pa.array(np.array([1 / 3], dtype=np.float16))
    assert str(qv.array(third)) == "[\n  0.333251953125\n]" == str(third)


@pytest.mark.parametrize("dtype, bits", [(np.float32, np.uint32), (np.float64, np.uint64)])
def test_float32_and_float64_print_as_pyarrow_prints_them(dtype, bits):
    rng = np.random.default_rng(20261207)
    raw = rng.integers(0, np.iinfo(bits).max, 20_000, dtype=bits, endpoint=True)
    assert _compare(raw.view(dtype)) == []
    exps = np.arange(-140 if dtype is np.float32 else -1070, 120 if dtype is np.float32 else 1020)
    powers = np.ldexp(np.ones(len(exps), dtype=dtype), exps.astype(np.int32)).astype(dtype)
    assert _compare(powers[np.isfinite(powers)]) == []
    tricky = np.array([0.1, 1 / 3, 2 ** -24, 5e-324, 1e23, 9007199254740993, 123456789012345678, 1e-7, 1e10,
                       0.000001, 65504, 3.4028235e38], dtype=dtype)
    assert _compare(tricky[np.isfinite(tricky)]) == []
