//! arrow-rs side of quiver's compute benchmarks (`quiver-bench-peer compute`):
//! the keys bench/bench_compute.c (CS1, CS2: sums against memory bandwidth)
//! and bench/bench_compute_relational.py (R-*: filter, take, sort_indices)
//! print for quiver, pyarrow, polars and numpy. arrow-rs has no hash
//! group-by kernel (that lives in DataFusion), so it has no R-gb-* figure.
//!
//! Same shapes and sizes as the Python side (times QV_BENCH_SCALE, default
//! 1), data from a xorshift rather than numpy's generator (same
//! distributions). Figures are medians of QV_BENCH_RUNS runs.

use std::hint::black_box;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BooleanArray, Float64Array, Int32Array, Int64Array, StringArray};
use arrow::buffer::{Buffer, OffsetBuffer, ScalarBuffer};
use arrow::compute::{filter, sort_to_indices, sum, take};

use crate::{bench_time, line};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn scale() -> f64 {
    std::env::var("QV_BENCH_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1.0f64).max(1e-6)
}

/// "100M" for 100,000,000, "100,000" below a million (as the Python side
/// labels its keys).
fn count_text(n: usize) -> String {
    if n >= 1_000_000 {
        let m = n as f64 / 1e6;
        if m.fract() == 0.0 { format!("{}M", m as u64) } else { format!("{m}M") }
    } else {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    }
}

fn short_strings(rng: &mut Rng, n: usize) -> StringArray {
    let mut offsets: Vec<i32> = Vec::with_capacity(n + 1);
    let mut data: Vec<u8> = Vec::with_capacity(n * 8);
    offsets.push(0);
    for _ in 0..n {
        let len = 4 + (rng.next() % 9) as usize;
        for _ in 0..len {
            data.push(b'a' + (rng.next() % 26) as u8);
        }
        offsets.push(data.len() as i32);
    }
    StringArray::new(OffsetBuffer::new(ScalarBuffer::from(offsets)), Buffer::from_vec(data), None)
}

pub fn run() {
    let s = scale();
    let big = ((100_000_000f64 * s) as usize).max(1);
    let ten_m = ((10_000_000f64 * s) as usize).max(1);
    let mut rng = Rng(0x9E3779B97F4A7C15);

    let ints = Int64Array::from_iter_values((0..big).map(|_| (rng.next() % 1_000_000) as i64));
    let gb = big as f64 * 8.0 / 1e9;
    let (bigt, tent, tentht) = (count_text(big), count_text(ten_m), count_text(ten_m / 10));
    let label = format!("sum of {bigt} int64 (GB/s of values read)");
    let t = bench_time(|| {
        black_box(sum(&ints));
    });
    line("CS1", "GB/s", "arrow-rs", gb / t, &label);
    drop(ints);
    let floats = Float64Array::from_iter_values((0..big).map(|_| (rng.next() >> 11) as f64 * 1e-13));
    let label = format!("sum of {bigt} float64 (GB/s of values read)");
    let t = bench_time(|| {
        black_box(sum(&floats));
    });
    line("CS2", "GB/s", "arrow-rs", gb / t, &label);
    drop(floats);

    let values = Int32Array::from_iter_values((0..big).map(|_| rng.next() as i32));
    for (key, per_mille, pct) in [("R-filter50", 500u64, 50), ("R-filter1", 10u64, 1)] {
        let label = format!("filter {bigt} int32, {pct}% kept");
        let mask = BooleanArray::from_iter((0..big).map(|_| Some(rng.next() % 1000 < per_mille)));
        let t = bench_time(|| {
            black_box(filter(&values, &mask).unwrap());
        });
        line(key, "ms", "arrow-rs", t * 1e3, &label);
    }
    drop(values);

    let values = Int32Array::from_iter_values((0..ten_m).map(|_| rng.next() as i32));
    let idx = Int64Array::from_iter_values((0..ten_m / 10).map(|_| (rng.next() % ten_m as u64) as i64));
    let t = bench_time(|| {
        black_box(take(&values, &idx, None).unwrap());
    });
    line("R-take", "ms", "arrow-rs", t * 1e3, &format!("take {tentht} random int64 indices of {tent} int32"));

    let keys: ArrayRef = Arc::new(Int64Array::from_iter_values((0..ten_m).map(|_| (rng.next() >> 1) as i64 - (1i64 << 62))));
    let t = bench_time(|| {
        black_box(sort_to_indices(&keys, None, None).unwrap());
    });
    line("R-sort-i64", "ms", "arrow-rs", t * 1e3, &format!("sort_indices {tent} int64"));
    let strs: ArrayRef = Arc::new(short_strings(&mut rng, ten_m));
    assert_eq!(strs.len(), ten_m);
    let t = bench_time(|| {
        black_box(sort_to_indices(&strs, None, None).unwrap());
    });
    line("R-sort-str", "ms", "arrow-rs", t * 1e3, &format!("sort_indices {tent} short strings"));
}
