/* Fuzz target body: the IPC file reader.
 *
 * The bytes are one IPC file, wrapped zero-copy in a qv_buffer (so ASan
 * sees any read past them) and opened with qv_ipc_file_reader_open_buffer
 * with full validation. Every batch the footer lists is read (random
 * access), validated again and printed; indices -1 and num_batches must be
 * QV_ERR_OUT_OF_RANGE; the one-call qv_ipc_read_file_buffer must agree
 * with the reader (it succeeds exactly when every batch read). Once all is
 * released, the wrapped buffer's release must have run exactly once.
 *
 * Last, the bytes are read once more with structural validation only (the
 * default), which lets content-invalid data through as the API allows, and
 * every batch read and the whole table go through every consumer of arrays
 * (fuzz_consume.h).
 */
#include <inttypes.h>

#include "quiver/ipc.h"
#include "support/fuzz_consume.h"
#include "support/fuzz_targets.h"

#define NAME "ipc_file"
#define FAIL(...) qv_fuzz_fail(NAME, __VA_ARGS__)

static void on_release(void *ctx, const uint8_t *data, int64_t size) {
  (void)data;
  (void)size;
  (*(int *)ctx)++;
}

/* Reads every batch; *all_ok tells whether each one read. */
static int read_batches(qv_ipc_file_reader *r, bool *all_ok, int64_t *rows) {
  int64_t n = qv_ipc_file_reader_num_batches(r);
  qv_error err;
  *all_ok = true;
  *rows = 0;
  if (n < 0) return FAIL("num_batches is %" PRId64, n);
  for (int64_t i = 0; i < n; i++) {
    qv_batch *b = NULL;
    qv_error_clear(&err);
    qv_status st = qv_ipc_file_reader_read_batch(r, i, &b, &err);
    if (st != QV_OK) {
      *all_ok = false;
      if (b != NULL) return FAIL("read_batch(%" PRId64 ") failed but returned a batch", i);
      if (qv_fuzz_check_error(NAME, st, &err, "qv_ipc_file_reader_read_batch")) return 1;
      continue;
    }
    if (b == NULL) return FAIL("read_batch(%" PRId64 ") succeeded without a batch", i);
    *rows += b->length;
    int rc = qv_fuzz_check_batch(NAME, b, true);
    qv_batch_release(b);
    if (rc != 0) return rc;
  }
  for (int k = 0; k < 2; k++) {
    qv_batch *b = NULL;
    int64_t i = k == 0 ? -1 : n;
    qv_status st = qv_ipc_file_reader_read_batch(r, i, &b, &err);
    qv_batch_release(b);
    if (st != QV_ERR_OUT_OF_RANGE)
      return FAIL("read_batch(%" PRId64 ") of %" PRId64 " returned %s, not QV_ERR_OUT_OF_RANGE", i, n,
                  qv_status_name(st));
  }
  return 0;
}

/* Reads with the default options (structural validation only) and runs
 * every consumer on what was read. */
static int consume_default_read(qv_buffer *buf, uint64_t seed) {
  qv_table *t = NULL;
  qv_error err;
  int rc = 0;
  qv_error_clear(&err);
  qv_status st = qv_ipc_read_file_buffer(buf, NULL, &t, &err);
  if (st != QV_OK) return qv_fuzz_check_error(NAME, st, &err, "qv_ipc_read_file_buffer");
  for (int64_t i = 0; i < t->n_batches && rc == 0; i++) rc = qv_fuzz_consume_batch(NAME, t->batches[i], seed + (uint64_t)i);
  if (rc == 0) rc = qv_fuzz_consume_table(NAME, t, seed);
  qv_table_release(t);
  return rc;
}

int qv_fuzz_ipc_file(const uint8_t *data, size_t size) {
  qv_ipc_read_options opts = QV_IPC_READ_OPTIONS_DEFAULT;
  qv_buffer *buf = NULL;
  qv_ipc_file_reader *r = NULL;
  qv_table *t = NULL;
  qv_error err;
  int released = 0, rc = 0;
  bool all_ok = false;
  int64_t rows = 0;
  opts.full_validation = true;
  if (qv_buffer_wrap(data, (int64_t)size, on_release, &released, &buf, NULL) != QV_OK) return 0;
  qv_error_clear(&err);
  qv_status st = qv_ipc_file_reader_open_buffer(buf, &opts, &r, &err);
  if (st != QV_OK) {
    rc = qv_fuzz_check_error(NAME, st, &err, "qv_ipc_file_reader_open_buffer");
  } else if (qv_ipc_file_reader_schema(r) == NULL) {
    rc = FAIL("an open file reader has no schema");
  } else {
    rc = read_batches(r, &all_ok, &rows);
  }
  if (rc == 0) {
    qv_error_clear(&err);
    qv_status st2 = qv_ipc_read_file_buffer(buf, &opts, &t, &err);
    rc = qv_fuzz_check_error(NAME, st2, &err, "qv_ipc_read_file_buffer");
    if (rc == 0 && (st2 == QV_OK) != (st == QV_OK && all_ok) && st2 != QV_ERR_NO_MEMORY)
      rc = FAIL("qv_ipc_read_file_buffer %s (%s) but the file reader %s", st2 == QV_OK ? "succeeded" : "failed",
                st2 == QV_OK ? "" : err.message, st == QV_OK && all_ok ? "read every batch" : "did not");
    else if (rc == 0 && st2 == QV_OK && t->n_rows != rows)
      rc = FAIL("qv_ipc_read_file_buffer read %" PRId64 " rows, the file reader %" PRId64, t->n_rows, rows);
  }
  if (rc == 0) rc = consume_default_read(buf, qv_fuzz_seed(data, size));
  qv_table_release(t);
  qv_ipc_file_reader_free(r);
  qv_buffer_release(buf);
  if (rc == 0 && released != 1) rc = FAIL("the wrapped input was released %d times, not once", released);
  return rc;
}
