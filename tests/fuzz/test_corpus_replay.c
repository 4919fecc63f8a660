/* Replays the fuzz regression corpus: every file of tests/corpus/<target>/
 * goes through the same body the libFuzzer target runs (fuzz_targets.h), so
 * each fixed finding stays fixed under the normal and the ASan+UBSan test
 * builds. A body returns non-zero for a broken invariant; crashes, leaks and
 * sanitizer reports fail the test process itself. A target whose folder is
 * missing or holds no file fails: a replay of nothing proves nothing. Also
 * runs a few edge inputs through every target, so a target that stops
 * accepting garbage gracefully is caught whatever its corpus holds.
 * tests/corpus/hand_seeds.py writes the cdata_format and json seeds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ipc/metadata.h"
#include "quiver/cdata.h"
#include "quiver/field.h"
#include "quiver/json.h"
#include "quiver/validate.h"
#include "quiver/schema.h"
#include "support/fuzz_targets.h"

typedef int (*target_fn)(const uint8_t *data, size_t size);

typedef struct target {
  const char *name; /* folder under tests/corpus */
  target_fn fn;
} target;

static const target k_targets[] = {
    {"flatbuf", qv_fuzz_flatbuf},
    {"cdata_format", qv_fuzz_cdata_format},
    {"cdata_import", qv_fuzz_cdata_import},
    {"ipc_stream", qv_fuzz_ipc_stream},
    {"ipc_file", qv_fuzz_ipc_file},
    {"json", qv_fuzz_json},
    {"hostile_array", qv_fuzz_hostile_array},
    {"csv", qv_fuzz_csv},
    {"jsonl", qv_fuzz_jsonl},
    {"flight_data", qv_fuzz_flight_data},
    {"parquet", qv_fuzz_parquet},
    {"regex", qv_fuzz_regex},
};
#define N_TARGETS (sizeof k_targets / sizeof k_targets[0])

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static uint8_t *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  assert_int_equal(fseek(f, 0, SEEK_END), 0);
  long n = ftell(f);
  assert_true(n >= 0);
  rewind(f);
  uint8_t *data = malloc((size_t)n + 1); /* exactly n bytes are read: ASan sees over-reads past them */
  assert_non_null(data);
  assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  *size = (size_t)n;
  return data;
}

/* Calls check(name, bytes) for every regular file of tests/corpus/<folder>/
 * in name order; returns how many failed a check (each reported on stderr).
 * Fails the test when the folder is missing or holds no file: a replay of
 * nothing proves nothing. */
typedef bool (*file_check)(const target *t, const char *name, const uint8_t *data, size_t size);

static int for_each_input(const target *t, file_check check) {
  char dir[256];
  snprintf(dir, sizeof dir, "tests/corpus/%s", t->name);
  DIR *d = opendir(dir);
  if (d == NULL) fail_msg("no corpus folder %s (the tests run from the repository root)", dir);
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 16;
      names = realloc(names, cap * sizeof *names);
      assert_non_null(names);
    }
    names[n] = strdup(e->d_name);
    assert_non_null(names[n]);
    n++;
  }
  closedir(d);
  if (n > 0) qsort(names, n, sizeof *names, cmp_names);
  int ran = 0, failed = 0;
  for (size_t i = 0; i < n; i++) {
    char path[512];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
      size_t size;
      uint8_t *data = read_file(path, &size);
      if (!check(t, names[i], data, size)) {
        fprintf(stderr, "replay: %s failed its check for the %s target\n", path, t->name);
        failed++;
      }
      free(data);
      ran++;
    }
    free(names[i]);
  }
  free(names);
  if (ran == 0) fail_msg("corpus folder %s holds no input: the %s replay would prove nothing", dir, t->name);
  return failed;
}

static int g_ran;

static bool keeps_invariants(const target *t, const char *name, const uint8_t *data, size_t size) {
  (void)name;
  g_ran++;
  return t->fn(data, size) == 0;
}

/* Runs every input of tests/corpus/<name>/ through its target; returns how
 * many ran and asserts none broke an invariant. */
static int replay(const target *t) {
  g_ran = 0;
  assert_int_equal(for_each_input(t, keeps_invariants), 0);
  return g_ran;
}

static void test_flatbuf_corpus(void **state) {
  (void)state;
  /* two fixed findings are committed (fuzz/README.md) */
  assert_true(replay(&k_targets[0]) >= 2);
}

static void test_cdata_format_corpus(void **state) {
  (void)state;
  /* a valid and an invalid format of every kind (hand_seeds.py) */
  assert_true(replay(&k_targets[1]) >= 60);
}

static void test_cdata_import_corpus(void **state) {
  (void)state;
  assert_true(replay(&k_targets[2]) >= 2);
}

static void test_ipc_stream_corpus(void **state) {
  (void)state;
  assert_true(replay(&k_targets[3]) >= 1);
}

static void test_ipc_file_corpus(void **state) {
  (void)state;
  assert_true(replay(&k_targets[4]) >= 1);
}

static void test_json_corpus(void **state) {
  (void)state;
  /* valid files of the main layouts, plain and gzip, and rejected ones (hand_seeds.py) */
  assert_true(replay(&k_targets[5]) >= 12);
}

/* The hand-written seeds are named valid-* or invalid-* (hand_seeds.py):
 * hold each to its name, so a seed meant to reach an error path does. */
static bool starts_with(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

/* A format seed without child fields parses exactly when it is valid-*
 * (seeds with children need the target's child menu: the replay covers them). */
static bool format_matches_name(const target *t, const char *name, const uint8_t *data, size_t size) {
  (void)t;
  if (!starts_with(name, "valid-") && !starts_with(name, "invalid-")) return true;
  if (size < 2 || data[1] % 8 != 0) return true;
  char format[64];
  size_t n = size - 2 < sizeof format - 1 ? size - 2 : sizeof format - 1;
  memcpy(format, data + 2, n);
  format[n] = '\0';
  qv_type *type = NULL;
  qv_error err;
  qv_status st = qv_type_from_format(format, data[0], NULL, 0, &type, &err);
  qv_type_release(type);
  if (st != QV_OK && err.message[0] == '\0') return false;
  return starts_with(name, "valid-") ? st == QV_OK : st == QV_ERR_INVALID_DATA || st == QV_ERR_UNSUPPORTED;
}

/* A JSON seed reads and validates fully exactly when it is valid-*. */
static bool json_matches_name(const target *t, const char *name, const uint8_t *data, size_t size) {
  (void)t;
  qv_json_file *f = NULL;
  qv_error err;
  qv_status st = qv_json_read_memory(data, size, &f, &err);
  bool valid = st == QV_OK;
  if (!valid && err.message[0] == '\0') return false;
  for (int64_t i = 0; valid && i < f->n_batches; i++)
    valid = qv_batch_validate(f->batches[i], QV_VALIDATE_FULL, &err) == QV_OK;
  qv_json_file_free(f);
  if (starts_with(name, "valid-")) return valid;
  if (starts_with(name, "invalid-")) return !valid;
  return true;
}

static void test_cdata_format_seeds_match_names(void **state) {
  (void)state;
  assert_int_equal(for_each_input(&k_targets[1], format_matches_name), 0);
}

static void test_json_seeds_match_names(void **state) {
  (void)state;
  assert_int_equal(for_each_input(&k_targets[5], json_matches_name), 0);
}

/* The hostile-array corpus (fixed findings and the inputs that reach each
 * consumer) must exist and replay: a missing or empty folder fails. */
static void test_hostile_array_corpus(void **state) {
  (void)state;
  assert_true(replay(&k_targets[6]) >= 4);
}

/* Garbage of every short shape is accepted or rejected cleanly by every target. */
static void test_edge_inputs(void **state) {
  (void)state;
  uint8_t buf[256];
  for (size_t t = 0; t < N_TARGETS; t++) {
    assert_int_equal(k_targets[t].fn(NULL, 0), 0);
    for (int fill = 0; fill < 256; fill += 51) {
      memset(buf, fill, sizeof buf);
      for (size_t n = 1; n <= sizeof buf; n *= 2) assert_int_equal(k_targets[t].fn(buf, n), 0);
    }
  }
}

/* A real Schema message (what the seeds look like) passes the flatbuf
 * target's decode, round-trip and walk checks. */
static void test_flatbuf_valid_schema(void **state) {
  (void)state;
  qv_field *a = NULL, *b = NULL;
  qv_schema *s = NULL;
  qv_fb_builder fb;
  const uint8_t *bytes;
  size_t len;
  assert_int_equal(qv_field_new("a", qv_type_int32(), true, NULL, &a, NULL), QV_OK);
  assert_int_equal(qv_field_new("b", qv_type_string(), false, NULL, &b, NULL), QV_OK);
  qv_field *fields[2] = {a, b};
  assert_int_equal(qv_schema_new(fields, 2, NULL, &s, NULL), QV_OK);
  qv__fb_builder_init(&fb);
  assert_int_equal(qv__ipc_schema_message_encode(&fb, s, NULL, 0, &bytes, &len, NULL), QV_OK);
  uint8_t *copy = malloc(len);
  assert_non_null(copy);
  memcpy(copy, bytes, len);
  assert_int_equal(qv_fuzz_flatbuf(copy, len), 0);
  free(copy);
  qv__fb_builder_free(&fb);
  qv_schema_release(s);
  qv_field_release(a);
  qv_field_release(b);
}

/* Format strings the parser must accept and round-trip (flags 0, no children). */
static void test_cdata_format_simple(void **state) {
  (void)state;
  static const char *const formats[] = {"i", "tsu:UTC", "d:10,2", "w:16", "vu", "tin"};
  for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
    uint8_t in[32] = {0, 0};
    size_t n = strlen(formats[i]);
    memcpy(in + 2, formats[i], n);
    assert_int_equal(qv_fuzz_cdata_format(in, n + 2), 0);
  }
}

static void test_csv_corpus(void **state) {
  (void)state;
  /* quoting, line endings, BOM, inference, nulls, and rejected texts */
  assert_true(replay(&k_targets[7]) >= 8);
}

static void test_parquet_corpus(void **state) {
  (void)state;
  /* small parquet-testing files (codecs, encodings, nesting) and findings */
  assert_true(replay(&k_targets[10]) >= 8);
}

static void test_jsonl_corpus(void **state) {
  (void)state;
  assert_true(replay(&k_targets[8]) >= 1);
}

static void test_flight_data_corpus(void **state) {
  (void)state;
  assert_true(replay(&k_targets[9]) >= 1);
}

static void test_regex_corpus(void **state) {
  (void)state;
  /* named and numbered groups, a catastrophic pattern, patterns that do
   * not compile, empty matches, binary values and invalid UTF-8 */
  assert_true(replay(&k_targets[11]) >= 8);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_flatbuf_corpus),    cmocka_unit_test(test_cdata_format_corpus),
      cmocka_unit_test(test_cdata_import_corpus), cmocka_unit_test(test_ipc_stream_corpus),
      cmocka_unit_test(test_ipc_file_corpus),     cmocka_unit_test(test_json_corpus),
      cmocka_unit_test(test_cdata_format_seeds_match_names), cmocka_unit_test(test_json_seeds_match_names),
      cmocka_unit_test(test_hostile_array_corpus), cmocka_unit_test(test_csv_corpus),
      cmocka_unit_test(test_parquet_corpus),
      cmocka_unit_test(test_jsonl_corpus),      cmocka_unit_test(test_flight_data_corpus),
      cmocka_unit_test(test_regex_corpus),
      cmocka_unit_test(test_edge_inputs),
      cmocka_unit_test(test_flatbuf_valid_schema), cmocka_unit_test(test_cdata_format_simple),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
