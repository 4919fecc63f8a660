//! arrow-rs side of quiver's IPC benchmarks (make bench): P1, P2, P3 and P6;
//! with `--parquet KEY FILE`, the Parquet read benchmark (parquet_read.rs);
//! with the argument `compute`, the compute benchmarks instead (compute.rs).
//!
//! Builds the same shapes as bench/bench_ipc.c (the seed table: 1M rows x 2
//! utf8 columns of random 10-character strings from the same xorshift; a
//! stream of 1,280 float64 columns x 1,024 rows) and prints result lines
//! `key|unit|implementation|value|label` (bench/bench_util.h) that
//! scripts/run-bench.sh merges with quiver's.
//!
//! Writing goes into a Vec reused across runs (quiver's memory sink reuses
//! its region too). Reading is zero-copy over an `arrow_buffer::Buffer`, two
//! ways: `StreamDecoder`, arrow-rs's public push decoder, which always runs
//! full validation of record batches (UTF-8 included) (keys P2, P2s, P3);
//! and the same framing walked here with `RecordBatchDecoder` and validation
//! skipped, arrow-rs's fastest path (keys P2-nv, P3-nv, set beside quiver
//! with skip_validation; quiver's default validates structure, not UTF-8).
//! Figures are medians of QV_BENCH_RUNS (default 7) samples; calls under
//! 20 ms are repeated inside a sample; QV_BENCH_ONLY=P2-nv,... measures
//! only the figures named (e.g. to count one figure's instructions with
//! callgrind). Nothing here asserts a duration.

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use arrow::array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow::buffer::{Buffer, OffsetBuffer, ScalarBuffer};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::datatypes::SchemaRef;
use arrow::ipc::reader::{RecordBatchDecoder, StreamDecoder};
use arrow::ipc::writer::{IpcWriteOptions, StreamWriter};
use arrow::ipc::{root_as_message, CompressionType, MessageHeader};
use arrow_data::UnsafeFlag;

mod compute;
mod parquet_read;

const SEED_ROWS: usize = 1_000_000;
const WIDE_COLS: usize = 1280;
const WIDE_ROWS: usize = 1024;

fn runs() -> usize {
    std::env::var("QV_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(7usize)
        .clamp(1, 64)
}

/// Median seconds per call of `f`, after one warm-up call.
fn bench_time<F: FnMut()>(mut f: F) -> f64 {
    let t0 = Instant::now();
    f();
    let once = t0.elapsed().as_secs_f64();
    let inner = if once >= 0.02 {
        1
    } else {
        ((0.02 / once.max(1e-8)).ceil() as usize).min(1_000_000)
    };
    let mut samples: Vec<f64> = (0..runs())
        .map(|_| {
            let t0 = Instant::now();
            for _ in 0..inner {
                f();
            }
            t0.elapsed().as_secs_f64() / inner as f64
        })
        .collect();
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = samples.len();
    if n % 2 == 1 {
        samples[n / 2]
    } else {
        0.5 * (samples[n / 2 - 1] + samples[n / 2])
    }
}

/// Whether figure `key` is to be measured: QV_BENCH_ONLY (keys separated
/// by commas, e.g. "P2-nv") picks some, to time or count the instructions
/// of one figure alone (callgrind); unset, every figure runs.
fn wanted(key: &str) -> bool {
    match std::env::var("QV_BENCH_ONLY") {
        Ok(list) => list.split(',').any(|k| k.trim() == key),
        Err(_) => true,
    }
}

fn line(key: &str, unit: &str, imp: &str, value: f64, label: &str) {
    println!("{key}|{unit}|{imp}|{value:.6}|{label}");
}

/// The seed generator of tools/demo/seed_table.c.
fn seed_table(rows: usize) -> RecordBatch {
    const ALPHABET: &[u8; 62] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut state: u64 = 0x9E3779B97F4A7C15;
    let mut cols: Vec<ArrayRef> = Vec::new();
    for _ in 0..2 {
        let mut data = Vec::with_capacity(rows * 10);
        for _ in 0..rows {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut r = state;
            for k in 0..10u64 {
                data.push(ALPHABET[(r % 62) as usize]);
                r = (r >> 6) | (k << 58);
            }
        }
        let offsets: Vec<i32> = (0..=rows as i32).map(|i| i * 10).collect();
        let arr = StringArray::new(
            OffsetBuffer::new(ScalarBuffer::from(offsets)),
            Buffer::from_vec(data),
            None,
        );
        cols.push(Arc::new(arr));
    }
    let schema = Schema::new(vec![
        Field::new("a", DataType::Utf8, true),
        Field::new("b", DataType::Utf8, true),
    ]);
    RecordBatch::try_new(Arc::new(schema), cols).unwrap()
}

fn wide_batch() -> RecordBatch {
    let values: ArrayRef = Arc::new(Float64Array::from_iter_values(
        (0..WIDE_ROWS).map(|i| i as f64 * 0.25),
    ));
    let fields: Vec<Field> = (0..WIDE_COLS)
        .map(|i| Field::new(format!("c{i}"), DataType::Float64, true))
        .collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), vec![values; WIDE_COLS]).unwrap()
}

fn write_stream(batch: &RecordBatch, opts: &IpcWriteOptions, out: Vec<u8>) -> Vec<u8> {
    let mut w = StreamWriter::try_new_with_options(out, &batch.schema(), opts.clone()).unwrap();
    w.write(batch).unwrap();
    w.finish().unwrap();
    w.into_inner().unwrap()
}

/// Reads every batch of a stream held in `buf` (zero-copy).
fn read_stream(buf: &Buffer, skip_validation: bool) -> usize {
    if skip_validation {
        return read_stream_unchecked(buf);
    }
    let mut dec = StreamDecoder::new();
    let mut b = buf.clone();
    let mut rows = 0;
    while !b.is_empty() {
        if let Some(batch) = dec.decode(&mut b).unwrap() {
            rows += batch.num_rows();
            black_box(&batch);
        }
    }
    dec.finish().unwrap();
    rows
}

/// The StreamDecoder's walk (framing, flatbuffer-verified Message, body as a
/// slice of `buf`) with RecordBatchDecoder's validation skipped.
fn read_stream_unchecked(buf: &Buffer) -> usize {
    let u32_at = |p: usize| u32::from_le_bytes(buf[p..p + 4].try_into().unwrap()) as usize;
    let dictionaries = HashMap::new();
    let mut schema: Option<SchemaRef> = None;
    let (mut pos, mut rows) = (0usize, 0usize);
    loop {
        let mut len = u32_at(pos);
        pos += 4;
        if len == 0xFFFF_FFFF {
            len = u32_at(pos);
            pos += 4;
        }
        if len == 0 {
            return rows;
        }
        let message = root_as_message(&buf[pos..pos + len]).unwrap();
        pos += len;
        let body_len = message.bodyLength() as usize;
        let body = buf.slice_with_length(pos, body_len);
        pos += body_len;
        match message.header_type() {
            MessageHeader::Schema => {
                let fb = message.header_as_schema().unwrap();
                schema = Some(Arc::new(arrow::ipc::convert::try_fb_to_schema(fb).unwrap()));
            }
            MessageHeader::RecordBatch => {
                let mut skip = UnsafeFlag::new();
                // SAFETY: the bytes were written by arrow-rs itself in this process.
                unsafe { skip.set(true) };
                let version = message.version();
                let batch = RecordBatchDecoder::try_new(
                    &body,
                    message.header_as_record_batch().unwrap(),
                    schema.clone().unwrap(),
                    &dictionaries,
                    &version,
                )
                .unwrap()
                .with_skip_validation(skip)
                .read_record_batch()
                .unwrap();
                rows += batch.num_rows();
                black_box(&batch);
            }
            t => panic!("unexpected message {t:?}"),
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 4 && args[1] == "--parquet" {
        parquet_read::run(&args[2], &args[3]);
        return;
    }
    if args.len() >= 2 && args[1] == "compute" {
        compute::run();
        return;
    }
    let plain = IpcWriteOptions::default();
    let seed = seed_table(SEED_ROWS);

    // P1: write into a reused Vec.
    if wanted("P1") {
        let mut out = Some(Vec::with_capacity(32 << 20));
        let t = bench_time(|| {
            let mut v = out.take().unwrap();
            v.clear();
            v = write_stream(&seed, &plain, v);
            black_box(&v);
            out = Some(v);
        });
        line("P1", "ms", "arrow-rs", t * 1e3, "P1 write seed stream to memory");
    }

    // P2: zero-copy read, 1M and 100k rows.
    let small = seed_table(SEED_ROWS / 10);
    for (key, batch, label) in [
        ("P2", &seed, "P2 read seed stream from memory (1M rows)"),
        ("P2s", &small, "P2 same at 100k rows"),
    ] {
        let buf = Buffer::from_vec(write_stream(batch, &plain, Vec::new()));
        let rows = batch.num_rows();
        if wanted(key) {
            let t = bench_time(|| assert_eq!(read_stream(&buf, false), rows));
            line(key, "us", "arrow-rs", t * 1e6, label);
        }
        if key == "P2" && wanted("P2-nv") {
            let t = bench_time(|| assert_eq!(read_stream(&buf, true), rows));
            line("P2-nv", "us", "arrow-rs", t * 1e6, "P2 same, validation skipped (both sides)");
        }
    }

    // P3: wide stream, per column.
    let wide = wide_batch();
    let buf = Buffer::from_vec(write_stream(&wide, &plain, Vec::new()));
    let label = "P3 read 1,280 float64 cols x 1,024 rows stream";
    if wanted("P3") {
        let t = bench_time(|| assert_eq!(read_stream(&buf, false), WIDE_ROWS));
        line("P3", "us/col", "arrow-rs", t * 1e6 / WIDE_COLS as f64, label);
    }
    if wanted("P3-nv") {
        let t = bench_time(|| assert_eq!(read_stream(&buf, true), WIDE_ROWS));
        line("P3-nv", "us/col", "arrow-rs", t * 1e6 / WIDE_COLS as f64, "P3 same, validation skipped (both sides)");
    }

    // P6: compressed write (reused Vec) and read.
    for (codec, name, key) in [
        (CompressionType::LZ4_FRAME, "LZ4", "P6-lz4"),
        (CompressionType::ZSTD, "ZSTD", "P6-zstd"),
    ] {
        let opts = IpcWriteOptions::default()
            .try_with_compression(Some(codec))
            .unwrap();
        if wanted(&format!("{key}-w")) {
            let mut out = Some(Vec::with_capacity(32 << 20));
            let t = bench_time(|| {
                let mut v = out.take().unwrap();
                v.clear();
                v = write_stream(&seed, &opts, v);
                black_box(&v);
                out = Some(v);
            });
            line(&format!("{key}-w"), "ms", "arrow-rs", t * 1e3, &format!("P6 write seed stream, {name}"));
        }
        let buf = Buffer::from_vec(write_stream(&seed, &opts, Vec::new()));
        if wanted(&format!("{key}-r")) {
            let t = bench_time(|| assert_eq!(read_stream(&buf, false), SEED_ROWS));
            line(&format!("{key}-r"), "ms", "arrow-rs", t * 1e3, &format!("P6 read seed stream, {name}"));
        }
        line(&format!("{key}-size"), "MB", "arrow-rs", buf.len() as f64 / 1e6, &format!("P6 {name} stream size"));
    }
}
