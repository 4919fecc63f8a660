//! arrow-rs side of quiver's Parquet read benchmark (bench/bench_parquet.py
//! runs `quiver-bench-peer --parquet KEY FILE`): reads the file into record
//! batches with the `parquet` crate's Arrow reader, all columns and the
//! first column alone, and prints result lines `KEY|s|arrow-rs|...` and
//! `KEY-i64|s|arrow-rs|...`.
//!
//! arrow-rs decodes one row group at a time on the calling thread; to give
//! it the two threads pyarrow and quiver use, the row groups are split
//! between two threads, each running its own reader over its half (the
//! batches are kept until the read ends, as a table would keep them).
//! Figures are medians of QV_BENCH_RUNS samples after one warm-up read.

use std::fs::File;
use std::hint::black_box;
use std::thread;

use arrow::array::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;

use crate::{bench_time, line};

/// Reads row groups `groups` of `path` (only the first column when `first_only`).
fn read_groups(path: &str, groups: Vec<usize>, first_only: bool) -> Vec<RecordBatch> {
    let file = File::open(path).expect("open the Parquet file");
    let mut b = ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("Parquet footer")
        .with_batch_size(64 * 1024)
        .with_row_groups(groups);
    if first_only {
        let mask = ProjectionMask::roots(b.parquet_schema(), [0]);
        b = b.with_projection(mask);
    }
    b.build()
        .expect("reader")
        .map(|r| r.expect("a record batch"))
        .collect()
}

fn read_two_threads(path: &str, n_groups: usize, first_only: bool) -> usize {
    let (even, odd): (Vec<usize>, Vec<usize>) = (0..n_groups).partition(|g| g % 2 == 0);
    let p = path.to_string();
    let other = thread::spawn(move || read_groups(&p, odd, first_only));
    let mine = read_groups(path, even, first_only);
    let theirs = other.join().expect("reader thread");
    let rows = mine.iter().chain(theirs.iter()).map(|b| b.num_rows()).sum();
    black_box((&mine, &theirs));
    rows
}

pub fn run(key: &str, path: &str) {
    let file = File::open(path).expect("open the Parquet file");
    let meta = ParquetRecordBatchReaderBuilder::try_new(file).expect("Parquet footer").metadata().clone();
    let n_groups = meta.num_row_groups();
    let rows = meta.file_metadata().num_rows() as usize;
    let t = bench_time(|| assert_eq!(read_two_threads(path, n_groups, false), rows));
    line(key, "s", "arrow-rs", t, "Parquet read_table, all columns");
    let t = bench_time(|| assert_eq!(read_two_threads(path, n_groups, true), rows));
    line(&format!("{key}-i64"), "s", "arrow-rs", t, "Parquet read_table, column i64");
}
