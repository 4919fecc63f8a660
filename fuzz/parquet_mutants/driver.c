/* Attack driver: each argv (or stdin line) is a Parquet file; reads it every way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "quiver/parquet.h"
#include "quiver/table.h"
#include "quiver/validate.h"
#include "quiver/array.h"
#include "quiver/print.h"

static int bad_err(qv_status st, qv_error *e, const char *what, const char *path) {
  if (st != QV_OK && (e->message[0] == 0)) { fprintf(stderr, "EMPTY MESSAGE %s %s\n", what, path); abort(); }
  return 0;
}
static void check_batch(qv_batch *b, const char *path) {
  qv_error e;
  for (int32_t i = 0; i < b->n_columns; i++) {
    if (qv_array_validate(b->columns[i], QV_VALIDATE_STRUCTURE, &e) != QV_OK) {
      fprintf(stderr, "INVALID column %d of %s: %s\n", i, path, e.message); abort(); }
    qv_array_validate(b->columns[i], QV_VALIDATE_FULL, &e);
  }
}
static const qv_parquet_read_options k_opts = {
    .max_metadata_size = 1 << 20, .max_page_size = 1 << 22, .max_chunk_values = 1 << 20, .max_chunk_bytes = 1 << 24,
};
static void one(const char *path, const qv_parquet_read_options *o0, int variant) {
  qv_parquet_read_options o = *o0;
  qv_error e; qv_parquet_file *f = NULL;
  qv_status st = qv_parquet_open_path(path, &o, &f, &e);
  if (st != QV_OK) { bad_err(st, &e, "open", path); return; }
  int32_t nrg = qv_parquet_file_num_row_groups(f), nc = qv_parquet_file_num_columns(f);
  for (int32_t g = 0; g < nrg && g < 16; g++) {
    qv_batch *b = NULL;
    st = qv_parquet_file_read_row_group(f, g, NULL, 0, &b, &e);
    if (st == QV_OK) { check_batch(b, path); qv_batch_release(b); } else bad_err(st, &e, "rg", path);
  }
  /* every leaf alone, under predicates of each kind/op on it */
  for (int32_t c = 0; c < nc && c < 32; c++) {
    for (int k = 0; k < 4; k++) {
      static const uint8_t bytes[9] = {0x80, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 1};
      qv_parquet_predicate p = {.column = c, .op = (qv_parquet_compare_op)((c + k * 3 + variant) % 8),
                                .kind = (qv_parquet_value_kind)k, .int_value = k == 3 ? 1 : (int64_t)c * 3 - 2,
                                .double_value = 0.5, .bytes = bytes, .bytes_len = (c + k) % 10};
      qv_parquet_scan_options so = {.columns = &c, .n_columns = 1, .predicates = &p, .n_predicates = 1};
      qv_table *t = NULL; int32_t sk = 0;
      st = qv_parquet_file_scan(f, &so, &t, &sk, &e);
      if (st == QV_OK) {
        for (int64_t i = 0; i < t->n_batches; i++) check_batch(t->batches[i], path);
        qv_table_release(t);
      } else bad_err(st, &e, "scan", path);
      if (k) continue;
      qv_parquet_batch_reader *r = NULL;
      if (qv_parquet_batch_reader_open(f, &so, &r, &e) == QV_OK) {
        for (int i = 0; i < 16; i++) {
          qv_batch *b = NULL;
          if (qv_parquet_batch_reader_next(r, &b, &e) != QV_OK || b == NULL) break;
          check_batch(b, path); qv_batch_release(b);
        }
        qv_parquet_batch_reader_close(r);
      }
    }
  }
  qv_parquet_file_close(f);
}
static void all(const char *path) {
  fprintf(stderr, "FILE %s\n", path);
  qv_parquet_read_options o = k_opts;
  one(path, &o, 0);
  o.use_pread = true; o.max_threads = 1; o.binary_type = 2;
  one(path, &o, 1);
  /* read_dictionary on every leaf */
  qv_parquet_file *f = NULL; qv_error e;
  if (qv_parquet_open_path(path, &k_opts, &f, &e) != QV_OK) return;
  int32_t nc = qv_parquet_file_num_columns(f);
  const char *paths[64]; int n = 0;
  for (int32_t c = 0; c < nc && n < 64; c++) paths[n++] = strdup(qv_parquet_file_column_path(f, c));
  qv_parquet_file_close(f);
  o = k_opts; o.read_dictionary = paths; o.n_read_dictionary = n; o.skip_crc_check = true; o.ignore_arrow_schema = true;
  one(path, &o, 2);
  for (int i = 0; i < n; i++) free((void *)paths[i]);
}
int main(int argc, char **argv) {
  if (argc > 1) { for (int i = 1; i < argc; i++) all(argv[i]); return 0; }
  char line[4096];
  while (fgets(line, sizeof line, stdin)) { line[strcspn(line, "\n")] = 0; all(line); }
  return 0;
}
