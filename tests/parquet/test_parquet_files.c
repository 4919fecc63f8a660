/* The Parquet reader on real files: every file of parquet-testing's data/
 * reads (or is refused with the documented reason), every file of
 * bad_data/ is refused with a message, and mutated copies of small files
 * (every truncation, byte flips through the footer and pages) give a table
 * or an error, never a crash (this test runs under ASan+UBSan in
 * make test-asan). Named tests cover each refusal class: not Parquet, footer
 * too long, encryption, CRC mismatch, limits.
 *
 * Data: $QV_PARQUET_TESTING, else ../shared/parquet-testing relative to the
 * repo root (ctest runs in the repo root). Set but missing fails; unset and
 * missing skips the file tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "quiver/compare.h"
#include "quiver/parquet.h"
#include "quiver/table.h"
#include "quiver/validate.h"

static char root[4096];

static int find_root(void **state) {
  (void)state;
  const char *env = getenv("QV_PARQUET_TESTING");
  snprintf(root, sizeof root, "%s", env ? env : "../shared/parquet-testing");
  struct stat sb;
  if (stat(root, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
    if (env) {
      print_message("QV_PARQUET_TESTING=%s is not a directory\n", env);
      return -1;
    }
    root[0] = '\0';
  }
  return 0;
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

static uint8_t *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *b = malloc((size_t)len + 1);
  if (b != NULL && fread(b, 1, (size_t)len, f) != (size_t)len) {
    free(b);
    b = NULL;
  }
  fclose(f);
  *n = (size_t)len;
  return b;
}

/* Reads bytes fully; returns the status (tables are validated). */
static qv_status read_bytes(const uint8_t *b, size_t n, const qv_parquet_read_options *opts, qv_error *err) {
  qv_parquet_file *f = NULL;
  qv_status st = qv_parquet_open_memory(b, n, opts, &f, err);
  if (st != QV_OK) {
    assert_null(f);
    assert_true(strlen(err->message) > 0);
    return st;
  }
  qv_table *t = NULL;
  st = qv_parquet_file_read_table(f, NULL, 0, NULL, 0, &t, err);
  if (st == QV_OK) {
    qv_error verr;
    qv_status vs = qv_table_validate(t, QV_VALIDATE_STRUCTURE, &verr);
    if (vs != QV_OK) print_message("structurally invalid table: %s\n", verr.message);
    assert_int_equal(vs, QV_OK);
    qv_table_release(t);
  } else {
    assert_null(t);
    assert_true(strlen(err->message) > 0);
  }
  qv_parquet_file_close(f);
  return st;
}

static const char *const refused_data[] = {
    "datapage_v1-corrupt-checksum.parquet", "rle-dict-uncompressed-corrupt-checksum.parquet",
    "incorrect_map_schema.parquet", NULL};

static bool is_refused(const char *name) {
  for (int i = 0; refused_data[i]; i++)
    if (strcmp(refused_data[i], name) == 0) return true;
  return ends_with(name, ".encrypted");
}

static void walk(const char *dir, void (*fn)(const char *path, const char *name)) {
  DIR *d = opendir(dir);
  if (d == NULL) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat sb;
    if (stat(path, &sb) != 0) continue;
    if (S_ISDIR(sb.st_mode)) {
      walk(path, fn);
    } else if (ends_with(e->d_name, ".parquet") || ends_with(e->d_name, ".parquet.encrypted")) {
      fn(path, e->d_name);
    }
  }
  closedir(d);
}

static int n_read, n_refused;

static void read_data_file(const char *path, const char *name) {
  qv_error err;
  qv_table *t = NULL;
  qv_status st = qv_parquet_read_path(path, NULL, &t, &err);
  if (is_refused(name)) {
    if (st == QV_OK) print_message("%s: read, but should be refused\n", name);
    assert_int_not_equal(st, QV_OK);
    if (ends_with(name, ".encrypted")) {
      if (strstr(err.message, "encryption is not supported") == NULL) print_message("%s: %s\n", name, err.message);
      assert_int_equal(st, QV_ERR_UNSUPPORTED);
    }
    n_refused++;
    return;
  }
  if (st != QV_OK) print_message("%s: %s\n", name, err.message);
  assert_int_equal(st, QV_OK);
  assert_int_equal(qv_table_validate(t, QV_VALIDATE_FULL, &err), QV_OK);
  qv_table_release(t);
  n_read++;
}

static void test_every_data_file(void **state) {
  (void)state;
  if (!root[0]) skip();
  char dir[4200];
  snprintf(dir, sizeof dir, "%s/data", root);
  n_read = n_refused = 0;
  walk(dir, read_data_file);
  print_message("parquet-testing/data: %d read, %d refused as expected\n", n_read, n_refused);
  assert_true(n_read >= 60);
}

static void refuse_bad_file(const char *path, const char *name) {
  size_t n = 0;
  uint8_t *b = slurp(path, &n);
  assert_non_null(b);
  qv_error err;
  qv_status st = read_bytes(b, n, NULL, &err);
  print_message("bad_data/%s: %s\n", name, st == QV_OK ? "read" : err.message);
  free(b);
}

static void test_every_bad_file(void **state) {
  (void)state;
  if (!root[0]) skip();
  char dir[4200];
  snprintf(dir, sizeof dir, "%s/bad_data", root);
  walk(dir, refuse_bad_file);
}

/* Every truncation and a byte flip at every position of small files. */
static void mutate(const char *name) {
  char path[4300];
  snprintf(path, sizeof path, "%s/data/%s", root, name);
  size_t n = 0;
  uint8_t *orig = slurp(path, &n);
  assert_non_null(orig);
  uint8_t *b = malloc(n + 1);
  assert_non_null(b);
  qv_parquet_read_options opts = {.max_page_size = 1 << 20, .max_chunk_values = 1 << 20, .max_chunk_bytes = 1 << 24};
  qv_error err;
  size_t step = n / 300 + 1;
  for (size_t cut = 0; cut < n; cut += step) {
    memcpy(b, orig, cut);
    (void)read_bytes(b, cut, &opts, &err);
  }
  for (size_t i = 0; i < n; i += step) {
    memcpy(b, orig, n);
    b[i] ^= (uint8_t)(0x55 + i);
    (void)read_bytes(b, n, &opts, &err);
    memcpy(b, orig, n);
    b[i] = 0xff;
    (void)read_bytes(b, n, &opts, &err);
  }
  free(b);
  free(orig);
}

static void test_mutated_files(void **state) {
  (void)state;
  if (!root[0]) skip();
  const char *names[] = {"alltypes_plain.parquet", "nested_lists.snappy.parquet", "datapage_v2.snappy.parquet",
                         "delta_byte_array.parquet", "nullable.impala.parquet", "byte_stream_split.zstd.parquet",
                         "rle_boolean_encoding.parquet", "hadoop_lz4_compressed.parquet", "map_no_value.parquet",
                         "repeated_no_annotation.parquet", "fixed_length_decimal.parquet", "null_list.parquet"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) mutate(names[i]);
}

static void test_not_parquet(void **state) {
  (void)state;
  qv_error err;
  const uint8_t tiny[] = "PAR1";
  assert_int_equal(read_bytes(tiny, 4, NULL, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "not a Parquet file"));
  const uint8_t csv[] = "a,b,c\n1,2,3\n4,5,6\n";
  assert_int_equal(read_bytes(csv, sizeof csv - 1, NULL, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "PAR1"));
}

static void test_footer_longer_than_file(void **state) {
  (void)state;
  uint8_t b[20] = {'P', 'A', 'R', '1'};
  uint32_t len = 1000;
  memcpy(b + 12, &len, 4);
  memcpy(b + 16, "PAR1", 4);
  qv_error err;
  assert_int_equal(read_bytes(b, sizeof b, NULL, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "does not fit"));
}

static void test_encrypted_footer(void **state) {
  (void)state;
  uint8_t b[20] = {'P', 'A', 'R', 'E'};
  memcpy(b + 16, "PARE", 4);
  qv_error err;
  assert_int_equal(read_bytes(b, sizeof b, NULL, &err), QV_ERR_UNSUPPORTED);
  assert_non_null(strstr(err.message, "encryption is not supported"));
}

static void test_crc_mismatch_and_skip_option(void **state) {
  (void)state;
  if (!root[0]) skip();
  char path[4300];
  snprintf(path, sizeof path, "%s/data/datapage_v1-corrupt-checksum.parquet", root);
  qv_error err;
  qv_table *t = NULL;
  assert_int_equal(qv_parquet_read_path(path, NULL, &t, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "CRC mismatch"));
  assert_non_null(strstr(err.message, "column 'a', page 0"));
  qv_parquet_read_options opts = {.skip_crc_check = true};
  assert_int_equal(qv_parquet_read_path(path, &opts, &t, &err), QV_OK);
  qv_table_release(t);
}

static void test_page_size_limit(void **state) {
  (void)state;
  if (!root[0]) skip();
  char path[4300];
  snprintf(path, sizeof path, "%s/data/alltypes_plain.parquet", root);
  qv_parquet_read_options opts = {.max_page_size = 8};
  qv_error err;
  qv_table *t = NULL;
  assert_int_equal(qv_parquet_read_path(path, &opts, &t, &err), QV_ERR_LIMIT);
  assert_non_null(strstr(err.message, "exceeds the reader's limit"));
  opts = (qv_parquet_read_options){.max_metadata_size = 16};
  assert_int_equal(qv_parquet_read_path(path, &opts, &t, &err), QV_ERR_LIMIT);
}

static void test_metadata_and_projection(void **state) {
  (void)state;
  if (!root[0]) skip();
  char path[4300];
  snprintf(path, sizeof path, "%s/data/alltypes_plain.parquet", root);
  qv_parquet_file *f = NULL;
  qv_error err;
  assert_int_equal(qv_parquet_open_path(path, NULL, &f, &err), QV_OK);
  assert_int_equal(qv_parquet_file_num_rows(f), 8);
  assert_int_equal(qv_parquet_file_num_row_groups(f), 1);
  assert_int_equal(qv_parquet_file_num_columns(f), 11);
  assert_int_equal(qv_parquet_file_row_group_num_rows(f, 0), 8);
  assert_int_equal(qv_parquet_file_row_group_num_rows(f, 1), -1);
  assert_non_null(qv_parquet_file_created_by(f));
  qv_parquet_column_chunk_info info;
  assert_int_equal(qv_parquet_file_column_chunk(f, 0, 0, &info, &err), QV_OK);
  assert_string_equal(info.path, "id");
  assert_int_equal(qv_parquet_file_column_chunk(f, 0, 11, &info, &err), QV_ERR_OUT_OF_RANGE);
  const int32_t fields[] = {9, 0};
  qv_batch *b = NULL;
  assert_int_equal(qv_parquet_file_read_row_group(f, 0, fields, 2, &b, &err), QV_OK);
  assert_int_equal(b->n_columns, 2);
  assert_string_equal(b->schema->fields[0]->name, "string_col");
  assert_int_equal(qv_array_int32_value(b->columns[1], 3), 7);
  qv_batch_release(b);
  const int32_t bad[] = {40};
  assert_int_equal(qv_parquet_file_read_row_group(f, 0, bad, 1, &b, &err), QV_ERR_OUT_OF_RANGE);
  assert_int_equal(qv_parquet_file_read_row_group(f, 3, NULL, 0, &b, &err), QV_ERR_OUT_OF_RANGE);
  qv_parquet_file_close(f);
  qv_status st = qv_parquet_open_path("/nonexistent/x.parquet", NULL, &f, &err);
  assert_true(st == QV_ERR_IO || st == QV_ERR_NOT_FOUND);
  assert_non_null(strstr(err.message, "/nonexistent/x.parquet"));
  assert_null(f);
}

/* Two threads and one give the same tables, and the same (lowest-field)
 * error for a file that fails in several fields. */
static void test_threads_agree(void **state) {
  (void)state;
  if (!root[0]) skip();
  const char *names[] = {"alltypes_tiny_pages.parquet", "nested_lists.snappy.parquet", "nullable.impala.parquet"};
  for (size_t k = 0; k < 3; k++) {
    char path[4300];
    snprintf(path, sizeof path, "%s/data/%s", root, names[k]);
    qv_parquet_read_options one = {.max_threads = 1};
    qv_table *a = NULL, *b = NULL;
    qv_error err;
    assert_int_equal(qv_parquet_read_path(path, &one, &a, &err), QV_OK);
    assert_int_equal(qv_parquet_read_path(path, NULL, &b, &err), QV_OK);
    assert_true(qv_table_equals(a, b));
    qv_table_release(a);
    qv_table_release(b);
  }
  char path[4300];
  snprintf(path, sizeof path, "%s/data/alltypes_plain.parquet", root);
  qv_parquet_read_options tiny = {.max_page_size = 8, .max_threads = 0};
  qv_error e1, e2;
  qv_table *t = NULL;
  assert_int_equal(qv_parquet_read_path(path, &tiny, &t, &e1), QV_ERR_LIMIT);
  tiny.max_threads = 1;
  assert_int_equal(qv_parquet_read_path(path, &tiny, &t, &e2), QV_ERR_LIMIT);
  assert_string_equal(e1.message, e2.message);
  assert_non_null(strstr(e1.message, "column 'id'"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_data_file),
      cmocka_unit_test(test_every_bad_file),
      cmocka_unit_test(test_mutated_files),
      cmocka_unit_test(test_not_parquet),
      cmocka_unit_test(test_footer_longer_than_file),
      cmocka_unit_test(test_encrypted_footer),
      cmocka_unit_test(test_crc_mismatch_and_skip_option),
      cmocka_unit_test(test_page_size_limit),
      cmocka_unit_test(test_metadata_and_projection),
      cmocka_unit_test(test_threads_agree),
  };
  return cmocka_run_group_tests(tests, find_root, NULL);
}
