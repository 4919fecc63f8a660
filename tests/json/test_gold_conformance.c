/* Gold-file conformance: every .stream and .arrow_file of arrow-testing's
 * data/arrow-ipc-stream/integration/<dir>/ decodes (IPC reader) to exactly
 * what its .json.gz describes (JSON reader): equal schemas including
 * metadata, the same number of batches, and equal batches, column by column
 * (qv_batch_diff; NaN equals NaN, since both sides hold the same bits).
 * This is what archery's consumer.validate(json, gold file) checks.
 *
 * Values are compared, not validated: some old files hold decimals beyond
 * their declared precision (archery's no_decimal_validate quirk), so the IPC
 * reader runs with its default structural validation only. The
 * 1.0.0-bigendian files must decode to the values their JSON gives, like the
 * little-endian ones. Map field names (entries/key/value) are not
 * significant (Arrow C++ ignores them in type equality since ARROW-14999):
 * the map_non_canonical .stream gold files carry the canonical names where
 * their JSON and .arrow_file carry "some_entries"/"some_key"/"some_value"
 * (an Arrow C++ writer bug, apache/arrow#49415), so such a difference is
 * reported and the values are compared under the JSON's types. Every file
 * is reported on its own line; the test fails if any file does not conform.
 * A second test goes the other way (IPC -> JSON -> table), as the CLI's
 * `convert --to json` does. Fails when arrow-testing is absent (see
 * json_test_util.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "json/json_test_util.h"
#include "quiver/compare.h"
#include "quiver/ipc.h"
#include "quiver/json.h"

static bool fields_equiv(const qv_field *a, const qv_field *b, bool check_name);

/* Type equality (metadata included) except that the names of a map's
 * entries field and of its key and value fields may differ. */
static bool types_equiv(const qv_type *a, const qv_type *b, bool map_entries) {
  if (a->id != b->id) return false;
  if (a->id == QV_TYPE_EXTENSION) {
    return strcmp(a->extension_name, b->extension_name) == 0 &&
           a->extension_metadata_len == b->extension_metadata_len &&
           memcmp(a->extension_metadata, b->extension_metadata, (size_t)a->extension_metadata_len) == 0 &&
           types_equiv(a->storage_type, b->storage_type, false);
  }
  if (a->id == QV_TYPE_DICTIONARY) {
    return qv_type_equals(a->index_type, b->index_type, true) && a->ordered == b->ordered &&
           types_equiv(a->value_type, b->value_type, false);
  }
  if (a->n_children == 0 || b->n_children == 0) return qv_type_equals(a, b, true);
  if (a->n_children != b->n_children || a->list_size != b->list_size || a->keys_sorted != b->keys_sorted) {
    return false;
  }
  for (int32_t i = 0; i < a->n_children; i++) {
    if (a->type_codes != NULL && a->type_codes[i] != b->type_codes[i]) return false;
    bool names_matter = a->id != QV_TYPE_MAP && !map_entries;
    if (!fields_equiv(a->children[i], b->children[i], names_matter)) return false;
    if (!types_equiv(a->children[i]->type, b->children[i]->type, a->id == QV_TYPE_MAP)) return false;
  }
  return true;
}

static bool fields_equiv(const qv_field *a, const qv_field *b, bool check_name) {
  return (!check_name || strcmp(a->name, b->name) == 0) && a->nullable == b->nullable &&
         qv_metadata_equals(a->metadata, b->metadata);
}

/* `a` with type `t` (equivalent to a's type), sharing every buffer. */
static qv_status retype(const qv_array *a, qv_type *t, qv_array **out, qv_error *err) {
  const qv_type *s = qv_type_storage(t);
  qv_array *kids[64] = {NULL}, *dict = NULL;
  qv_status st = QV_OK;
  if (a->n_children > 64) return qv_error_set(err, QV_ERR_LIMIT, "too many children");
  for (int32_t i = 0; i < a->n_children && st == QV_OK; i++) {
    st = retype(a->children[i], s->children[i]->type, &kids[i], err);
  }
  if (st == QV_OK && a->dictionary != NULL) st = retype(a->dictionary, s->value_type, &dict, err);
  if (st == QV_OK) {
    st = qv_array_new(t, a->length, a->offset, a->null_count, a->n_buffers, a->buffers, a->n_children, kids, dict,
                      out, err);
  }
  for (int32_t i = 0; i < a->n_children; i++) qv_array_release(kids[i]);
  qv_array_release(dict);
  return st;
}

/* The columns of `b` under `schema`'s types (equivalent ones). */
static qv_status rebatch(const qv_batch *b, qv_schema *schema, qv_batch **out, qv_error *err) {
  qv_array *cols[256] = {NULL};
  qv_status st = QV_OK;
  if (b->n_columns > 256) return qv_error_set(err, QV_ERR_LIMIT, "too many columns");
  for (int32_t i = 0; i < b->n_columns && st == QV_OK; i++) {
    st = retype(b->columns[i], schema->fields[i]->type, &cols[i], err);
  }
  if (st == QV_OK) st = qv_batch_new(schema, b->length, cols, b->metadata, out, err);
  for (int32_t i = 0; i < b->n_columns; i++) qv_array_release(cols[i]);
  return st;
}

/* Compares `got` (decoded from an IPC file) with `want` (from JSON). Sets
 * *relaxed when only map field names differed. */
static qv_status conform(const qv_table *want, const qv_table *got, bool *relaxed, qv_error *why) {
  qv_equal_options eo = {true, true};
  *relaxed = false;
  if (!qv_schema_equals(want->schema, got->schema, true)) {
    bool equiv = want->schema->n_fields == got->schema->n_fields &&
                 qv_metadata_equals(want->schema->metadata, got->schema->metadata);
    for (int32_t i = 0; equiv && i < want->schema->n_fields; i++) {
      const qv_field *a = want->schema->fields[i], *b = got->schema->fields[i];
      equiv = fields_equiv(a, b, true) && types_equiv(a->type, b->type, false);
    }
    if (!equiv) {
      char a[2048], b[2048];
      qv_schema_format(want->schema, a, sizeof a);
      qv_schema_format(got->schema, b, sizeof b);
      return qv_error_set(why, QV_ERR_INVALID_DATA, "schemas differ:\n  JSON: %s\n  IPC:  %s", a, b);
    }
    *relaxed = true;
  }
  if (want->n_batches != got->n_batches) {
    return qv_error_set(why, QV_ERR_INVALID_DATA, "JSON has %lld batches, IPC %lld", (long long)want->n_batches,
                        (long long)got->n_batches);
  }
  for (int64_t b = 0; b < want->n_batches; b++) {
    qv_batch *mine = NULL;
    qv_status st = *relaxed ? rebatch(got->batches[b], want->schema, &mine, why) : QV_OK;
    if (st == QV_OK) st = qv_batch_diff(want->batches[b], mine ? mine : got->batches[b], &eo, why);
    qv_batch_release(mine);
    if (st != QV_OK) {
      qv_error_prefix(why, "batch %lld: ", (long long)b);
      return st;
    }
  }
  return QV_OK;
}

typedef qv_status (*read_fn)(const char *path, const qv_ipc_read_options *opts, qv_table **out, qv_error *err);

/* Checks one IPC file against the JSON table; returns 1 if it conforms, 0 if
 * not, -1 if the file does not exist. Prints one line. */
static int check_one(const char *json_path, const qv_table *want, const char *suffix, read_fn reader) {
  char path[4096];
  size_t n = strlen(json_path) - strlen(".json.gz");
  snprintf(path, sizeof path, "%.*s%s", (int)n, json_path, suffix);
  if (access(path, R_OK) != 0) return -1;
  qv_error err;
  qv_table *got = NULL;
  bool relaxed = false;
  qv_status st = reader(path, NULL, &got, &err);
  if (st == QV_OK) st = conform(want, got, &relaxed, &err);
  print_message("%-6s %s%s\n", st == QV_OK ? "ok" : "FAIL", qvt_short_name(path),
                relaxed ? " (map field names differ from the JSON's; values equal)" : "");
  if (st != QV_OK) print_message("       %s: %s\n", qv_status_name(st), err.message);
  qv_table_release(got);
  return st == QV_OK;
}

static void test_gold_conformance(void **state) {
  (void)state;
  const char *root = qvt_testing_root();
  glob_t g;
  size_t n = qvt_gold_glob(root, "generated_*.json.gz", &g);
  assert_true(n > 0);
  int checked = 0, bad = 0;
  for (size_t i = 0; i < n; i++) {
    qv_error err;
    qv_table *want = NULL;
    qv_status st = qv_json_read_table_path(g.gl_pathv[i], &want, &err);
    if (st != QV_OK) {
      print_message("FAIL   %s: %s\n", qvt_short_name(g.gl_pathv[i]), err.message);
      bad++;
      continue;
    }
    int r = check_one(g.gl_pathv[i], want, ".stream", qv_ipc_read_stream_path);
    if (r >= 0) checked++, bad += !r;
    r = check_one(g.gl_pathv[i], want, ".arrow_file", qv_ipc_read_file_path);
    if (r >= 0) checked++, bad += !r;
    qv_table_release(want);
  }
  globfree(&g);
  print_message("%d gold IPC files checked against their JSON: %d conform, %d do not\n", checked, checked - bad,
                bad);
  assert_true(checked >= 2 * 60); /* a .stream and an .arrow_file per case (69 cases at 9cfebfef) */
  assert_int_equal(bad, 0);
}

/* The other direction, as `quiver convert --to json` does it: every gold
 * IPC file, decoded and written as JSON, reads back to an equal table. */
static void test_ipc_to_json(void **state) {
  (void)state;
  const char *root = qvt_testing_root();
  static const char *const patterns[] = {"generated_*.stream", "generated_*.arrow_file"};
  int done = 0;
  for (int k = 0; k < 2; k++) {
    glob_t g;
    size_t n = qvt_gold_glob(root, patterns[k], &g);
    for (size_t i = 0; i < n; i++) {
      qv_error err;
      qv_table *t = NULL, *back = NULL;
      char *text = NULL;
      size_t len = 0;
      qv_status st = qv_ipc_read_path(g.gl_pathv[i], NULL, &t, &err);
      if (st == QV_OK) st = qv_json_write_table_memory(t, NULL, &text, &len, &err);
      if (st == QV_OK) st = qv_json_read_table_memory(text, len, &back, &err);
      qv_equal_options eo = {true, true};
      if (st == QV_OK) st = qv_table_diff(t, back, &eo, &err);
      if (st != QV_OK) print_message("FAIL   %s: %s\n", qvt_short_name(g.gl_pathv[i]), err.message);
      assert_int_equal(st, QV_OK);
      qv_json_free(text);
      qv_table_release(back);
      qv_table_release(t);
      done++;
    }
    globfree(&g);
  }
  print_message("%d gold IPC files written as JSON and read back\n", done);
  assert_true(done >= 2 * 60);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gold_conformance),
      cmocka_unit_test(test_ipc_to_json),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
