/* Fuzz target body: the CSV reader and writer.
 *
 * The bytes are one CSV text. It is read twice: with the default options,
 * and with options picked from a hash of the bytes (delimiter, quoting,
 * header, skipping ragged rows). Each read must accept or reject with an
 * error; an accepted table must be FULLY valid (the reader builds every
 * column itself and checks UTF-8), goes through every consumer of arrays
 * (fuzz_consume.h), and must write as CSV (every inferred type has a text
 * form); the text written must read back with the same rows and columns.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "quiver/compare.h"
#include "quiver/concat.h"
#include "quiver/csv.h"
#include "quiver/validate.h"
#include "support/fuzz_consume.h"
#include "support/fuzz_targets.h"

#define NAME "csv"
#define FAIL(...) qv_fuzz_fail(NAME, __VA_ARGS__)

static int round_trip(const qv_table *t, char delimiter) {
  qv_csv_write_options wo = QV_CSV_WRITE_OPTIONS_DEFAULT;
  wo.delimiter = delimiter;
  char *text = NULL;
  size_t n = 0;
  qv_error err;
  qv_status st = qv_csv_write_table_memory(t, &wo, &text, &n, &err);
  if (st == QV_ERR_NO_MEMORY) return 0;
  if (st != QV_OK) return FAIL("a table read from CSV does not write as CSV: %s", err.message);
  int rc = 0;
  if (t->schema->n_fields > 0) {
    qv_csv_read_options ro = QV_CSV_READ_OPTIONS_DEFAULT;
    ro.delimiter = delimiter;
    qv_table *back = NULL;
    st = qv_csv_read_memory(text, n, &ro, &back, &err);
    if (st != QV_OK && st != QV_ERR_NO_MEMORY)
      rc = FAIL("CSV written by quiver does not read back: %s", err.message);
    else if (st == QV_OK && (back->n_rows != t->n_rows || back->schema->n_fields != t->schema->n_fields))
      rc = FAIL("a CSV write + read changed the shape: %" PRId64 "x%d became %" PRId64 "x%d", t->n_rows,
                t->schema->n_fields, back->n_rows, back->schema->n_fields);
    qv_table_release(back);
  }
  qv_csv_free(text);
  return rc;
}

static int read_one(const uint8_t *data, size_t size, const qv_csv_read_options *o, uint64_t seed) {
  qv_table *t = NULL;
  qv_error err;
  qv_error_clear(&err);
  qv_status st = qv_csv_read_memory(data, size, o, &t, &err);
  if (st != QV_OK) {
    int rc = qv_fuzz_check_error(NAME, st, &err, "qv_csv_read_memory");
    if (rc == 0 && t != NULL) rc = FAIL("a failed read returned a table");
    return rc;
  }
  int rc = 0;
  if (qv_table_validate(t, QV_VALIDATE_FULL, &err) != QV_OK)
    rc = FAIL("a table read from CSV fails full validation: %s", err.message);
  for (int64_t i = 0; i < t->n_batches && rc == 0; i++) rc = qv_fuzz_check_batch(NAME, t->batches[i], true);
  if (rc == 0) rc = round_trip(t, o && o->delimiter ? o->delimiter : ',');
  if (rc == 0) rc = qv_fuzz_consume_table(NAME, t, seed);
  qv_table_release(t);
  return rc;
}

/* The same input cut into tiny blocks read on two threads must give the
 * same table (or the same error) as one block on one thread. */
static int blocks_agree(const uint8_t *data, size_t size, uint64_t seed) {
  qv_csv_read_options whole = QV_CSV_READ_OPTIONS_DEFAULT, cut = QV_CSV_READ_OPTIONS_DEFAULT;
  whole.block_size = (int64_t)1 << 40;
  whole.n_threads = 1;
  cut.block_size = 1 + (int64_t)(seed % 61);
  cut.n_threads = 2;
  qv_table *a = NULL, *b = NULL;
  qv_error ea, eb;
  qv_error_clear(&ea);
  qv_error_clear(&eb);
  const qv_status sa = qv_csv_read_memory(data, size, &whole, &a, &ea);
  const qv_status sb = qv_csv_read_memory(data, size, &cut, &b, &eb);
  int rc = 0;
  if (sa != sb || (sa != QV_OK && strcmp(ea.message, eb.message) != 0)) {
    rc = FAIL("blocks of %lld bytes on 2 threads: %s '%s', one block: %s '%s'", (long long)cut.block_size,
              qv_status_name(sb), eb.message, qv_status_name(sa), ea.message);
  } else if (sa == QV_OK) {
    qv_table *ca = NULL, *cb = NULL;
    qv_error why;
    qv_error_clear(&why);
    if (qv_table_combine_chunks(a, &ca, &why) != QV_OK || qv_table_combine_chunks(b, &cb, &why) != QV_OK)
      rc = FAIL("combining the chunks of a CSV table: %s", why.message);
    else if (!qv_schema_equals(ca->schema, cb->schema, true))
      rc = FAIL("blocks of %lld bytes give another schema than one block", (long long)cut.block_size);
    else if (qv_batch_diff(ca->batches[0], cb->batches[0], NULL, &why) != QV_OK)
      rc = FAIL("blocks of %lld bytes give other values than one block: %s", (long long)cut.block_size, why.message);
    qv_table_release(ca);
    qv_table_release(cb);
  }
  qv_table_release(a);
  qv_table_release(b);
  return rc;
}

typedef struct drip {
  const uint8_t *data;
  size_t size, at, chunk;
} drip;

static qv_status drip_read(void *ctx, void *buf, size_t cap, size_t *got, qv_error *err) {
  drip *d = ctx;
  size_t k = d->size - d->at;
  if (k > cap) k = cap;
  if (k > d->chunk) k = d->chunk;
  if (k > 0) memcpy(buf, d->data + d->at, k);
  d->at += k;
  *got = k;
  return QV_OK;
}

/* The stream's batches as one table (NULL with the error on failure). */
static qv_status stream_all(const uint8_t *data, size_t size, uint64_t seed, qv_table **out, qv_error *err,
                            int *rc) {
  drip d = {data, size, 0, 1 + (size_t)((seed >> 8) % 7)};
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  o.block_size = 1 + (int64_t)((seed >> 12) % 61);
  o.n_threads = 2;
  qv_csv_reader *r = NULL;
  qv_status st = qv_csv_reader_open_callback(drip_read, &d, &o, &r, err);
  if (st != QV_OK) return st;
  qv_batch **batches = NULL;
  int64_t n = 0;
  for (;;) {
    qv_batch *b = NULL;
    st = qv_csv_reader_next(r, &b, err);
    if (st != QV_OK || b == NULL) break;
    if (*rc == 0) *rc = qv_fuzz_check_batch(NAME, b, true);
    qv_batch **more = realloc(batches, sizeof *more * (size_t)(n + 1));
    if (more == NULL) {
      qv_batch_release(b);
      st = qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory");
      break;
    }
    batches = more;
    batches[n++] = b;
  }
  qv_table *t = NULL;
  if (st == QV_OK) st = qv_table_new(qv_csv_reader_schema(r), batches, n, &t, err);
  if (st == QV_OK) st = qv_table_combine_chunks(t, out, err);
  qv_table_release(t);
  for (int64_t i = 0; i < n; i++) qv_batch_release(batches[i]);
  free(batches);
  qv_csv_reader_free(r);
  return st;
}

static int stream_agrees(const uint8_t *data, size_t size, uint64_t seed) {
  qv_table *whole = NULL, *streamed = NULL, *combined = NULL;
  qv_error ew, es;
  qv_error_clear(&ew);
  qv_error_clear(&es);
  int rc = 0;
  const qv_status sw = qv_csv_read_memory(data, size, NULL, &whole, &ew);
  const qv_status ss = stream_all(data, size, seed, &streamed, &es, &rc);
  if (rc != 0 || sw == QV_ERR_NO_MEMORY || ss == QV_ERR_NO_MEMORY) goto done;
  if (ss != QV_OK) {
    rc = qv_fuzz_check_error(NAME, ss, &es, "qv_csv_reader");
    if (rc == 0 && sw == QV_OK && strstr(es.message, "is not of type") == NULL)
      rc = FAIL("the stream fails ('%s') where the whole read succeeds", es.message);
  } else if (sw != QV_OK) {
    rc = FAIL("the stream succeeds where the whole read fails ('%s')", ew.message);
  } else {
    qv_error why;
    qv_error_clear(&why);
    if (qv_table_combine_chunks(whole, &combined, &why) != QV_OK)
      rc = FAIL("combining the chunks of a CSV table: %s", why.message);
    else if (!qv_schema_equals(combined->schema, streamed->schema, true))
      rc = FAIL("the stream gives another schema than the whole read");
    else if (combined->n_rows != streamed->n_rows)
      rc = FAIL("the stream gives %lld rows, the whole read %lld", (long long)streamed->n_rows,
                (long long)combined->n_rows);
    else if (combined->n_rows > 0 && qv_batch_diff(combined->batches[0], streamed->batches[0], NULL, &why) != QV_OK)
      rc = FAIL("the stream gives other values than the whole read: %s", why.message);
  }
done:
  qv_table_release(whole);
  qv_table_release(combined);
  qv_table_release(streamed);
  return rc;
}

int qv_fuzz_csv(const uint8_t *data, size_t size) {
  const uint64_t seed = qv_fuzz_seed(data, size);
  int rc = read_one(data, size, NULL, seed);
  if (rc != 0) return rc;
  rc = blocks_agree(data, size, seed);
  if (rc != 0) return rc;
  rc = stream_agrees(data, size, seed);
  if (rc != 0) return rc;
  static const char delimiters[] = {',', '\t', ';', '|'};
  qv_csv_read_options o = QV_CSV_READ_OPTIONS_DEFAULT;
  o.delimiter = delimiters[seed % 4];
  o.no_quoting = (seed >> 2) % 4 == 0;
  o.no_header = (seed >> 4) % 2 == 1;
  o.skip_invalid_rows = (seed >> 5) % 2 == 1;
  o.skip_rows = (int64_t)((seed >> 6) % 3);
  return read_one(data, size, &o, seed + 1);
}
