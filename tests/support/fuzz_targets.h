/* Shared bodies of quiver's fuzz targets.
 *
 * Each qv_fuzz_<name> takes arbitrary bytes and drives one input-facing part
 * of the library with them. The same functions are called by the libFuzzer
 * wrappers in fuzz/fuzz_<name>.c (built with clang and
 * -fsanitize=fuzzer,address,undefined) and by the regression replay test
 * tests/fuzz/test_corpus_replay.c, which runs every file of
 * tests/corpus/<name>/ through them under the normal test builds.
 *
 * Contract: a target returns 0 when the library behaved (accepted the input
 * or rejected it with an error), and 1 after printing to stderr which
 * invariant broke (a decoded value outside what the decoder promises, a
 * round trip that changed a value, a release callback not run exactly
 * once...). Crashes, leaks, hangs and sanitizer reports are the other kind
 * of failure and need no return value. A target never aborts by itself: the
 * libFuzzer wrapper turns a 1 into abort() so libFuzzer saves the input.
 */
#ifndef QV_TESTS_SUPPORT_FUZZ_TARGETS_H
#define QV_TESTS_SUPPORT_FUZZ_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quiver/status.h"

/* FlatBuffers verifier and Arrow metadata decoding: the bytes are one
 * Message flatbuffer (the metadata of an encapsulated IPC message, without
 * the 8-byte prefix) and also, separately, one file Footer flatbuffer. */
int qv_fuzz_flatbuf(const uint8_t *data, size_t size);

/* C Data format-string parser: the first bytes pick flags and child fields,
 * the rest is the format string. */
int qv_fuzz_cdata_format(const uint8_t *data, size_t size);

/* C Data importer: the bytes are a little program that builds an
 * ArrowSchema tree and an ArrowArray tree (fuzz_cdata_import.c). */
int qv_fuzz_cdata_import(const uint8_t *data, size_t size);

/* IPC stream reader and push decoder: the bytes are a whole IPC stream. */
int qv_fuzz_ipc_stream(const uint8_t *data, size_t size);

/* IPC file reader: the bytes are a whole IPC file. */
int qv_fuzz_ipc_file(const uint8_t *data, size_t size);

/* Integration JSON reader: the bytes are a whole JSON file. */
int qv_fuzz_json(const uint8_t *data, size_t size);

/* CSV reader and writer: the bytes are a whole CSV text. */
int qv_fuzz_csv(const uint8_t *data, size_t size);

/* JSON Lines reader and writer: the bytes are a whole JSON Lines text. */
int qv_fuzz_jsonl(const uint8_t *data, size_t size);

/* Parquet reader: the bytes are a whole Parquet file. */
int qv_fuzz_parquet(const uint8_t *data, size_t size);

/* Hostile arrays: the bytes are a program that builds an array passing
 * structural validation but breaking content rules (fuzz_hostile_build.h);
 * every consumer runs on it (fuzz_consume.h). */
int qv_fuzz_hostile_array(const uint8_t *data, size_t size);

/* Arrow Flight: the bytes are one FlightData protobuf message (parsed by
 * hand in src/flight/wire.c) whose data_header, if any, is decoded as an
 * IPC Message. */
int qv_fuzz_flight_data(const uint8_t *data, size_t size);

/* Regular-expression kernels: a flags byte, the pattern and the
 * replacement (each ended by a 0x00 byte), then the values, one per line
 * (fuzz_regex.c). */
int qv_fuzz_regex(const uint8_t *data, size_t size);

/* ---- helpers shared by the bodies (fuzz_common.c) ---- */

/* Prints "fuzz <target>: <message>" to stderr and returns 1 (the value a
 * target returns for a broken invariant). */
int qv_fuzz_fail(const char *target, const char *fmt, ...) QV_PRINTF(2, 3);

/* 1 (after qv_fuzz_fail) when a failed call left `err` without its status
 * or without a message; 0 otherwise (and always for QV_OK). */
int qv_fuzz_check_error(const char *target, qv_status st, const qv_error *err, const char *what);

struct qv_batch;
/* Checks a batch a reader returned: validating it fully must pass when the
 * reader promised full validation (`validated`), and a batch that passes
 * must print. Unvalidated batches are validated and printed too (printing
 * must not crash whatever the data). */
int qv_fuzz_check_batch(const char *target, const struct qv_batch *batch, bool validated);

#endif
