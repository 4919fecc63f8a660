/* Fuzz target body: the IPC stream readers.
 *
 * The bytes are one IPC stream, read twice:
 *   1. by qv_ipc_stream_reader over a qv_buffer that wraps the fuzz bytes
 *      zero-copy (so ASan sees any read past them), with full validation;
 *      every batch is validated again and printed, and once everything is
 *      released the wrapped buffer's release must have run exactly once
 *      (no batch, dictionary or reader kept a reference);
 *   2. by the push decoder (qv_ipc_decoder_feed, copying), the bytes cut
 *      in three pieces at points derived from the input, events drained
 *      after every feed.
 * The two must agree: both read the stream to a clean end or both fail,
 * and when both succeed they return equal schemas and equal batches.
 *
 * Two more reads must agree with the first to the message: the one-call
 * read (qv_ipc_read_stream_buffer, which walks the messages itself and
 * leaves anything but a clean read to the reader), and the reader again
 * with the flat batch loader switched off (ipc/body_flat.c decides only
 * what the general loader accepts, the same way).
 *
 * Last, the bytes are read once more with structural validation only (the
 * default), which lets content-invalid data through as the API allows, and
 * every batch read and the whole table go through every consumer of arrays
 * (fuzz_consume.h).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/body.h"
#include "quiver/compare.h"
#include "quiver/ipc.h"
#include "support/fuzz_consume.h"
#include "support/fuzz_targets.h"

#define NAME "ipc_stream"
#define FAIL(...) qv_fuzz_fail(NAME, __VA_ARGS__)
#define MAX_KEPT 256 /* batches kept for the comparison; more are checked and dropped */

typedef struct outcome {
  bool ok;                    /* read to a clean end */
  qv_status st;               /* the first failure */
  qv_error err;
  qv_schema *schema;          /* retained */
  int64_t n_batches;
  qv_batch *batches[MAX_KEPT];
} outcome;

static void outcome_free(outcome *o) {
  qv_schema_release(o->schema);
  for (int64_t i = 0; i < o->n_batches && i < MAX_KEPT; i++) qv_batch_release(o->batches[i]);
}

/* Keeps (or checks and drops) one batch. */
static int take(outcome *o, qv_batch *b) {
  int rc = qv_fuzz_check_batch(NAME, b, true);
  if (o->n_batches < MAX_KEPT) o->batches[o->n_batches] = b;
  else qv_batch_release(b);
  o->n_batches++;
  return rc;
}

static void on_release(void *ctx, const uint8_t *data, int64_t size) {
  (void)data;
  (void)size;
  (*(int *)ctx)++;
}

static int read_with_reader(qv_buffer *buf, const qv_ipc_read_options *opts, outcome *o) {
  qv_ipc_stream_reader *r = NULL;
  int rc = 0;
  qv_error_clear(&o->err);
  o->st = qv_ipc_stream_reader_open_buffer(buf, opts, &r, &o->err);
  if (o->st == QV_OK) {
    o->schema = qv_schema_retain(qv_ipc_stream_reader_schema(r));
    for (;;) {
      qv_batch *b = NULL;
      o->st = qv_ipc_stream_reader_next(r, &b, &o->err);
      if (o->st != QV_OK || b == NULL) break;
      if ((rc = take(o, b)) != 0) break;
    }
  }
  if (rc == 0) rc = qv_fuzz_check_error(NAME, o->st, &o->err, "the stream reader");
  o->ok = o->st == QV_OK;
  qv_ipc_stream_reader_free(r);
  return rc;
}

/* Drains the decoder's queued events into *o. */
static qv_status drain(qv_ipc_decoder *dec, outcome *o, int *rc) {
  for (;;) {
    qv_ipc_event ev;
    qv_status st = qv_ipc_decoder_next(dec, &ev, &o->err);
    if (st != QV_OK) return st;
    if (ev.kind == QV_IPC_EVENT_NONE) return QV_OK;
    if (ev.kind == QV_IPC_EVENT_SCHEMA && o->schema == NULL) o->schema = qv_schema_retain(qv_ipc_decoder_schema(dec));
    if (ev.kind == QV_IPC_EVENT_BATCH) {
      if (ev.batch == NULL) {
        *rc = FAIL("a BATCH event without a batch");
        return QV_OK;
      }
      if ((*rc = take(o, ev.batch)) != 0) return QV_OK;
    }
  }
}

static int read_with_decoder(const uint8_t *data, size_t size, const qv_ipc_read_options *opts, outcome *o) {
  qv_ipc_decoder *dec = NULL;
  int rc = 0;
  qv_error_clear(&o->err);
  o->st = qv_ipc_decoder_new(opts, &dec, &o->err);
  if (o->st != QV_OK) return 0;
  /* three pieces, cut where the input says (deterministic for a given input) */
  size_t cut1 = size ? (size_t)data[size / 2] * 131u % (size + 1) : 0;
  size_t cut2 = size ? (size_t)data[size - 1] * 257u % (size + 1) : 0;
  if (cut1 > cut2) {
    size_t t = cut1;
    cut1 = cut2, cut2 = t;
  }
  size_t cuts[4] = {0, cut1, cut2, size};
  for (int i = 0; i < 3 && o->st == QV_OK && rc == 0; i++) {
    o->st = qv_ipc_decoder_feed(dec, data + cuts[i], cuts[i + 1] - cuts[i], &o->err);
    if (o->st == QV_OK) o->st = drain(dec, o, &rc);
  }
  if (o->st == QV_OK && rc == 0) o->st = qv_ipc_decoder_finish(dec, &o->err);
  if (o->st == QV_OK && rc == 0) o->st = drain(dec, o, &rc);
  if (rc == 0) rc = qv_fuzz_check_error(NAME, o->st, &o->err, "the push decoder");
  o->ok = o->st == QV_OK;
  qv_ipc_decoder_free(dec);
  return rc;
}

static const qv_equal_options k_same = {true, true};

/* a and b (read by `an` and `bn`) agree; with same_error, failures must
 * also have the same status and message. */
static int compare_named(const outcome *a, const char *an, const outcome *b, const char *bn, bool same_error) {
  if (a->ok != b->ok)
    return FAIL("%s %s (%s) but %s %s (%s)", an, a->ok ? "succeeded" : "failed", a->ok ? "" : a->err.message, bn,
                b->ok ? "succeeded" : "failed", b->ok ? "" : b->err.message);
  if (!a->ok) {
    if (same_error && (a->st != b->st || strcmp(a->err.message, b->err.message) != 0))
      return FAIL("%s failed with '%s', %s with '%s'", an, a->err.message, bn, b->err.message);
    return 0;
  }
  if (!qv_schema_equals(a->schema, b->schema, true)) return FAIL("%s and %s read different schemas", an, bn);
  if (a->n_batches != b->n_batches)
    return FAIL("%s read %" PRId64 " batches, %s %" PRId64, an, a->n_batches, bn, b->n_batches);
  for (int64_t i = 0; i < a->n_batches && i < MAX_KEPT; i++) {
    if (!qv_batch_equals_opts(a->batches[i], b->batches[i], &k_same)) {
      qv_error why;
      qv_batch_diff(a->batches[i], b->batches[i], &k_same, &why);
      return FAIL("batch %" PRId64 " differs between %s and %s: %s", i, an, bn, why.message);
    }
  }
  return 0;
}

static int compare(const outcome *a, const outcome *b) {
  return compare_named(a, "the stream reader", b, "the push decoder", false);
}

/* The one-call read into *o (batches taken from its table). */
static int read_one_call(qv_buffer *buf, const qv_ipc_read_options *opts, outcome *o) {
  qv_table *t = NULL;
  int rc = 0;
  qv_error_clear(&o->err);
  o->st = qv_ipc_read_stream_buffer(buf, opts, &t, &o->err);
  o->ok = o->st == QV_OK;
  if (o->ok) {
    o->schema = qv_schema_retain(t->schema);
    for (int64_t i = 0; i < t->n_batches && rc == 0; i++) rc = take(o, qv_batch_retain(t->batches[i]));
  }
  qv_table_release(t);
  if (rc == 0) rc = qv_fuzz_check_error(NAME, o->st, &o->err, "qv_ipc_read_stream_buffer");
  return rc;
}

/* The one-call read, and the reader with the flat loader off, agree with
 * the reader's outcome a to the message. */
static int compare_fast_paths(qv_buffer *buf, const qv_ipc_read_options *opts, const outcome *a) {
  outcome *o = calloc(1, sizeof *o);
  if (o == NULL) return 0;
  int rc = read_one_call(buf, opts, o);
  if (rc == 0) rc = compare_named(a, "the stream reader", o, "the one-call read", true);
  outcome_free(o);
  memset(o, 0, sizeof *o);
  if (rc == 0) {
    qv__flat_plan_set_disabled(true);
    rc = read_with_reader(buf, opts, o);
    qv__flat_plan_set_disabled(false);
    if (rc == 0) rc = compare_named(a, "the stream reader", o, "the reader without the flat loader", true);
  }
  outcome_free(o);
  free(o);
  return rc;
}

/* Reads with the default options (structural validation only) and runs
 * every consumer on what was read. */
static int consume_default_read(qv_buffer *buf, uint64_t seed) {
  qv_table *t = NULL;
  qv_error err;
  int rc = 0;
  qv_error_clear(&err);
  qv_status st = qv_ipc_read_stream_buffer(buf, NULL, &t, &err);
  if (st != QV_OK) return qv_fuzz_check_error(NAME, st, &err, "qv_ipc_read_stream_buffer");
  for (int64_t i = 0; i < t->n_batches && rc == 0; i++) rc = qv_fuzz_consume_batch(NAME, t->batches[i], seed + (uint64_t)i);
  if (rc == 0) rc = qv_fuzz_consume_table(NAME, t, seed);
  qv_table_release(t);
  return rc;
}

int qv_fuzz_ipc_stream(const uint8_t *data, size_t size) {
  qv_ipc_read_options opts = QV_IPC_READ_OPTIONS_DEFAULT;
  qv_buffer *buf = NULL;
  outcome *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
  int released = 0, rc = 0;
  opts.full_validation = true;
  if (a == NULL || b == NULL) goto done;
  if (qv_buffer_wrap(data, (int64_t)size, on_release, &released, &buf, NULL) != QV_OK) goto done;
  rc = read_with_reader(buf, &opts, a);
  /* The reader reads an IPC file as the stream inside it (skipping the
   * 8-byte "ARROW1\0\0" magic); the decoder is given the same stream. */
  size_t skip = size >= 8 && memcmp(data, "ARROW1\0\0", 8) == 0 ? 8 : 0;
  if (rc == 0) rc = read_with_decoder(data + skip, size - skip, &opts, b);
  if (rc == 0) rc = compare(a, b);
  if (rc == 0) rc = compare_fast_paths(buf, &opts, a);
  if (rc == 0) rc = consume_default_read(buf, qv_fuzz_seed(data, size));
done:
  if (a != NULL) outcome_free(a);
  if (b != NULL) outcome_free(b);
  free(a);
  free(b);
  if (buf != NULL) {
    qv_buffer_release(buf);
    /* every batch, dictionary and reader is gone: nothing may still hold the bytes */
    if (rc == 0 && released != 1) rc = FAIL("the wrapped input was released %d times, not once", released);
  }
  return rc;
}
