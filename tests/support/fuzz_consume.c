/* "Consume everything" (fuzz_consume.h): every consumer of quiver's arrays
 * run on one structurally valid array, batch or table.
 *
 * The data may break any content rule (offsets backwards, run ends
 * unsorted, indices out of range), so every consumer may fail; what may
 * not happen is a crash, a sanitizer report, an error without a message,
 * or output that silently differs from the input. Whether the input also
 * passes full validation decides how strict the oracles are (see the
 * header). Slices are picked by a small PRNG seeded by the caller.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quiver/cdata.h"
#include "quiver/compare.h"
#include "quiver/ipc.h"
#include "quiver/json.h"
#include "quiver/print.h"
#include "quiver/validate.h"
#include "support/fuzz_consume.h"
#include "support/fuzz_targets.h"
#include "core/utf8.h"

#define ACCESS_SLOTS 8 /* slots read by the accessors at each end */

typedef struct ctx {
  const char *target;
  uint64_t rng;
} ctx;

static const qv_equal_options k_same = {true, true};

static uint64_t next(ctx *c) {
  /* splitmix64: deterministic for a seed, good enough to pick slices */
  uint64_t z = (c->rng += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t qv_fuzz_seed(const uint8_t *data, size_t size) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 0x100000001B3ull;
  return h;
}

static bool ok_or_oom(qv_status st) { return st == QV_OK || st == QV_ERR_NO_MEMORY; }

#define CHECK_ERR(st, err, what)                                              \
  do {                                                                        \
    if (qv_fuzz_check_error(c->target, (st), (err), (what)) != 0) return 1;   \
  } while (0)

/* ------------------------------------------------------------------ */
/* Cost: slots an O(n) consumer visits, through children (saturating)   */
/* ------------------------------------------------------------------ */

static int64_t sat_add(int64_t a, int64_t b) { return a > INT64_MAX - b ? INT64_MAX : a + b; }

static int64_t array_cost(const qv_array *a, int depth) {
  if (a == NULL || depth > QV_VALIDATE_MAX_DEPTH) return 0;
  int64_t cost = a->length;
  for (int32_t i = 0; i < a->n_children && cost < INT64_MAX; i++) cost = sat_add(cost, array_cost(a->children[i], depth + 1));
  if (a->dictionary != NULL) cost = sat_add(cost, array_cost(a->dictionary, depth + 1));
  return cost;
}

static int64_t batch_cost(const qv_batch *b) {
  int64_t cost = b->length;
  for (int32_t i = 0; i < b->n_columns; i++) cost = sat_add(cost, array_cost(b->columns[i], 0));
  return cost;
}

static int64_t table_cost(const qv_table *t) {
  int64_t cost = 0;
  for (int64_t i = 0; i < t->n_batches; i++) cost = sat_add(cost, batch_cost(t->batches[i]));
  return cost;
}

/* ------------------------------------------------------------------ */
/* Text of the schema: integration JSON needs UTF-8 names and metadata  */
/* ------------------------------------------------------------------ */

static bool utf8(const char *s, int64_t n) { return s == NULL || qv__utf8_valid_prefix((const uint8_t *)s, n) == n; }

static bool metadata_utf8(const qv_metadata *md) {
  for (int64_t i = 0; md != NULL && i < md->n; i++)
    if (!utf8(md->pairs[i].key, md->pairs[i].key_len) || !utf8(md->pairs[i].value, md->pairs[i].value_len)) return false;
  return true;
}

static bool type_utf8(const qv_type *t, int depth);

static bool field_utf8(const qv_field *f, int depth) {
  return utf8(f->name, (int64_t)strlen(f->name)) && metadata_utf8(f->metadata) && type_utf8(f->type, depth + 1);
}

static bool type_utf8(const qv_type *t, int depth) {
  if (t == NULL || depth > QV_VALIDATE_MAX_DEPTH) return true;
  for (int32_t i = 0; i < t->n_children; i++)
    if (!field_utf8(t->children[i], depth)) return false;
  if (t->id == QV_TYPE_EXTENSION)
    return utf8(t->extension_name, (int64_t)strlen(t->extension_name)) &&
           utf8(t->extension_metadata, t->extension_metadata_len) && type_utf8(t->storage_type, depth + 1);
  if (t->id == QV_TYPE_DICTIONARY) return type_utf8(t->value_type, depth + 1);
  return true;
}

/* A dictionary whose values are an extension type: IPC and JSON encode it
 * like an extension over a dictionary, so it reads back as that (or, for a
 * canonical extension that needs other storage, as the plain dictionary
 * with the extension keys in the field metadata). The values survive. */
static bool dictionary_of_extension(const qv_type *t, int depth) {
  if (t == NULL || depth > QV_VALIDATE_MAX_DEPTH) return false;
  if (t->id == QV_TYPE_DICTIONARY)
    return (t->value_type != NULL && t->value_type->id == QV_TYPE_EXTENSION) ||
           dictionary_of_extension(t->value_type, depth + 1);
  if (t->id == QV_TYPE_EXTENSION) return dictionary_of_extension(t->storage_type, depth + 1);
  for (int32_t i = 0; i < t->n_children; i++)
    if (dictionary_of_extension(t->children[i]->type, depth + 1)) return true;
  return false;
}

static bool has_dictionary(const qv_type *t, int depth) {
  if (t == NULL || depth > QV_VALIDATE_MAX_DEPTH) return false;
  if (t->id == QV_TYPE_DICTIONARY) return true;
  if (t->id == QV_TYPE_EXTENSION) return has_dictionary(t->storage_type, depth + 1);
  for (int32_t i = 0; i < t->n_children; i++)
    if (has_dictionary(t->children[i]->type, depth + 1)) return true;
  return false;
}

/* An IPC file applies every dictionary (deltas included) before any batch
 * is read, and integration JSON holds one dictionary per field (the
 * longest), so each batch comes back with the last dictionary. */
static bool batches_keep_dictionaries(const qv_table *t, bool one_dictionary) {
  if (!one_dictionary || t->n_batches < 2) return true;
  for (int32_t i = 0; i < t->schema->n_fields; i++)
    if (has_dictionary(t->schema->fields[i]->type, 0)) return false;
  return true;
}

static bool schema_round_trips(const qv_schema *s) {
  for (int32_t i = 0; i < s->n_fields; i++)
    if (dictionary_of_extension(s->fields[i]->type, 0)) return false;
  return true;
}

static bool schema_utf8(const qv_schema *s) {
  for (int32_t i = 0; i < s->n_fields; i++)
    if (!field_utf8(s->fields[i], 0)) return false;
  return metadata_utf8(s->metadata);
}

/* ------------------------------------------------------------------ */
/* Array-level consumers                                                */
/* ------------------------------------------------------------------ */

static FILE *null_sink(void) {
  static FILE *sink;
  if (sink == NULL) sink = fopen("/dev/null", "w");
  return sink;
}

/* The accessors of array.h that take nothing the caller must check
 * beyond i in [0, length): they must stay inside the buffers. */
static int read_accessors(ctx *c, const qv_array *a) {
  const qv_type *s = qv_type_storage(a->type);
  int64_t nulls = qv_array_null_count(a);
  if (nulls < 0 || nulls > a->length)
    return qv_fuzz_fail(c->target, "null count %" PRId64 " outside [0, %" PRId64 "]", nulls, a->length);
  for (int64_t k = 0; k < 2 * ACCESS_SLOTS && k < a->length; k++) {
    int64_t i = k < ACCESS_SLOTS ? k : a->length - 1 - (k - ACCESS_SLOTS);
    (void)qv_array_is_valid_any(a, i);
    switch (s->id) {
      case QV_TYPE_SPARSE_UNION:
      case QV_TYPE_DENSE_UNION:
        (void)qv_array_union_type_code(a, i);
        (void)qv_array_union_child_offset(a, i);
        break;
      case QV_TYPE_RUN_END_ENCODED: {
        int64_t j = qv_array_ree_physical_index(a, i);
        if (j < 0 || j > a->children[0]->length)
          return qv_fuzz_fail(c->target, "REE physical index %" PRId64 " of slot %" PRId64 " outside [0, %" PRId64 "]",
                              j, i, a->children[0]->length);
        break;
      }
      case QV_TYPE_DICTIONARY:
        (void)qv_array_dictionary_index(a, i);
        break;
      case QV_TYPE_DECIMAL32:
      case QV_TYPE_DECIMAL64:
      case QV_TYPE_DECIMAL128:
      case QV_TYPE_DECIMAL256: {
        uint64_t words[4];
        qv_array_decimal_value(a, i, words);
        break;
      }
      default:
        break;
    }
  }
  return 0;
}

static int print_array(ctx *c, const qv_array *a, bool valid) {
  static const qv_print_options narrow = {3, 1, 0, 5, 0};
  const qv_print_options *opts[2] = {NULL, &narrow};
  for (int k = 0; k < 2; k++) {
    char *text = NULL;
    qv_error err;
    qv_error_clear(&err);
    qv_status st = qv_array_to_string(a, opts[k], &text, &err);
    qv_free_string(text);
    CHECK_ERR(st, &err, "qv_array_to_string");
    if (valid && !ok_or_oom(st)) return qv_fuzz_fail(c->target, "a valid array does not print: %s", err.message);
  }
  FILE *sink = null_sink();
  if (sink != NULL) {
    qv_error err;
    qv_error_clear(&err);
    qv_status st = qv_array_print(sink, a, NULL, &err);
    CHECK_ERR(st, &err, "qv_array_print");
  }
  return 0;
}

/* Picks [off, off + len) inside `length`: anywhere, near the end, or at 0,
 * at most `rows` long. */
static void pick_slice(ctx *c, int64_t length, int64_t rows, int64_t *off, int64_t *len) {
  uint64_t r = next(c);
  switch (r % 3) {
    case 0: *off = (int64_t)(next(c) % (uint64_t)(length < INT64_MAX ? length + 1 : length)); break;
    case 1: *off = length - (int64_t)(next(c) % (uint64_t)((length < rows ? length : rows) + 1)); break;
    default: *off = 0; break;
  }
  int64_t room = length - *off;
  *len = (int64_t)(next(c) % (uint64_t)((room < rows ? room : rows) + 1));
}

static int compare_arrays(ctx *c, qv_array *a, bool valid) {
  qv_error err;
  int rc = 0;
  if (array_cost(a, 0) <= QV_FUZZ_CONSUME_MAX_COST) {
    bool eq = qv_array_equals_opts(a, a, &k_same);
    qv_error_clear(&err);
    qv_status st = qv_array_diff_opts(a, a, &k_same, &err);
    CHECK_ERR(st, &err, "qv_array_diff");
    if ((st == QV_OK) != eq)
      return qv_fuzz_fail(c->target, "qv_array_equals says %d but qv_array_diff %s", eq, err.message);
    if (valid && !eq) return qv_fuzz_fail(c->target, "a valid array differs from itself: %s", err.message);
  }
  int64_t off, len, off2, len2;
  pick_slice(c, a->length, QV_FUZZ_CONSUME_SLICE_ROWS, &off, &len);
  pick_slice(c, a->length, QV_FUZZ_CONSUME_SLICE_ROWS, &off2, &len2);
  qv_array *s1 = NULL, *s2 = NULL, *s3 = NULL;
  if (qv_array_slice(a, off, len, &s1, &err) != QV_OK || qv_array_slice(a, off, len, &s2, &err) != QV_OK ||
      qv_array_slice(a, off2, len2, &s3, &err) != QV_OK)
    goto done;
  if (array_cost(s1, 0) <= QV_FUZZ_CONSUME_MAX_COST) {
    bool valid_slice = qv_array_validate(s1, QV_VALIDATE_FULL, &err) == QV_OK;
    if (!qv_array_equals_opts(s1, s2, &k_same) && valid_slice) {
      qv_array_diff_opts(s1, s2, &k_same, &err);
      rc = qv_fuzz_fail(c->target, "two equal valid slices [%" PRId64 ", +%" PRId64 ") differ: %s", off, len,
                        err.message);
      goto done;
    }
    if (array_cost(s3, 0) <= QV_FUZZ_CONSUME_MAX_COST) {
      qv_error_clear(&err);
      qv_status st = qv_array_diff(s1, s3, &err);
      if ((rc = qv_fuzz_check_error(c->target, st, &err, "qv_array_diff of two slices")) != 0) goto done;
      (void)qv_array_equals(a, s3);
    }
  }
  rc = print_array(c, s1, false);
done:
  qv_array_release(s1);
  qv_array_release(s2);
  qv_array_release(s3);
  return rc;
}

/* Export to C Data, import again (zero-copy), validate, compare, release. */
static int cdata_round_trip(ctx *c, qv_array *a, bool valid) {
  struct ArrowArray exp;
  qv_array *back = NULL;
  qv_error err;
  qv_error_clear(&err);
  qv_status st = qv_array_export(a, &exp, &err);
  CHECK_ERR(st, &err, "qv_array_export");
  if (st != QV_OK) return valid && !ok_or_oom(st) ? qv_fuzz_fail(c->target, "a valid array does not export: %s", err.message) : 0;
  qv_error_clear(&err);
  st = qv_array_import(&exp, a->type, &back, &err);
  int rc = 0;
  if (exp.release != NULL) {
    rc = qv_fuzz_fail(c->target, "qv_array_import left the exported struct unreleased");
    exp.release(&exp);
  } else if ((rc = qv_fuzz_check_error(c->target, st, &err, "qv_array_import")) != 0) {
  } else if (st != QV_OK) {
    if (!ok_or_oom(st)) rc = qv_fuzz_fail(c->target, "an exported structurally valid array does not import: %s", err.message);
  } else if (qv_array_validate(back, QV_VALIDATE_STRUCTURE, &err) != QV_OK) {
    rc = qv_fuzz_fail(c->target, "export + import broke the structure: %s", err.message);
  } else if (valid && array_cost(a, 0) <= QV_FUZZ_CONSUME_MAX_COST && !qv_array_equals_opts(a, back, &k_same)) {
    qv_array_diff_opts(a, back, &k_same, &err);
    rc = qv_fuzz_fail(c->target, "export + import changed a valid array: %s", err.message);
  }
  qv_array_release(back);
  return rc;
}

int qv_fuzz_consume_array(const char *target, qv_array *array, uint64_t seed) {
  ctx cx = {target, seed}, *c = &cx;
  qv_error err;
  qv_error_clear(&err);
  qv_status st = qv_array_validate(array, QV_VALIDATE_STRUCTURE, &err);
  if (st != QV_OK) return qv_fuzz_fail(target, "consume: the input fails structural validation: %s", err.message);
  qv_error_clear(&err);
  st = qv_array_validate(array, QV_VALIDATE_FULL, &err);
  CHECK_ERR(st, &err, "qv_array_validate(FULL)");
  bool valid = st == QV_OK;
  int rc = read_accessors(c, array);
  if (rc == 0) rc = print_array(c, array, valid);
  if (rc == 0) rc = compare_arrays(c, array, valid);
  if (rc == 0) rc = cdata_round_trip(c, array, valid);
  if (rc == 0) rc = qv_fuzz_consume_kernels(target, array, valid, seed);
  return rc;
}

/* ------------------------------------------------------------------ */
/* Writers: slice-then-write, read back                                 */
/* ------------------------------------------------------------------ */

typedef enum sink_kind { W_STREAM, W_FILE, W_STREAM_LZ4, W_FILE_ZSTD, W_JSON, W_COUNT } sink_kind;
static const char *const k_sink_names[W_COUNT] = {"IPC stream", "IPC file", "LZ4 IPC stream", "ZSTD IPC file",
                                                  "integration JSON"};

static qv_status write_and_read(sink_kind k, const qv_table *t, qv_status *write_st, qv_table **back, qv_error *err) {
  *back = NULL;
  if (k == W_JSON) {
    char *text = NULL;
    size_t n = 0;
    *write_st = qv_json_write_table_memory(t, NULL, &text, &n, err);
    if (*write_st != QV_OK) return *write_st;
    qv_status st = qv_json_read_table_memory(text, n, back, err);
    qv_json_free(text);
    return st;
  }
  qv_ipc_write_options o = QV_IPC_WRITE_OPTIONS_DEFAULT;
  if (k == W_STREAM_LZ4) o.compression = QV_IPC_COMPRESSION_LZ4_FRAME;
  if (k == W_FILE_ZSTD) o.compression = QV_IPC_COMPRESSION_ZSTD;
  if (k == W_FILE) o.alignment = 8;
  qv_buffer *out = NULL;
  qv_ipc_format f = k == W_FILE || k == W_FILE_ZSTD ? QV_IPC_FORMAT_FILE : QV_IPC_FORMAT_STREAM;
  *write_st = qv_ipc_write_buffer(f, t, &o, &out, err);
  if (*write_st != QV_OK) return *write_st;
  qv_status st = qv_ipc_read_buffer(out, NULL, back, err);
  qv_buffer_release(out);
  return st;
}

/* The compact (logical) text of a batch's columns: what follows the schema
 * section, which may legitimately differ after a round trip. */
static char *batch_values_text(const qv_batch *batch, qv_error *why) {
  static const qv_print_options opts = {20, 4, 1, 64, 0};
  char *text = NULL;
  qv_error_clear(why);
  if (qv_batch_to_string(batch, &opts, &text, why) != QV_OK) return NULL;
  return text;
}

static const char *values_part(const char *text) {
  const char *p = strstr(text, "\n----\n");
  return p != NULL ? p + 6 : text;
}

/* What was written and what came back print the same values (when both
 * print); data the source cannot print must not come back as fully valid
 * data (made-up values). */
static int same_text(ctx *c, sink_kind k, const qv_table *t, const qv_table *back) {
  if (back->n_batches != t->n_batches || back->n_rows != t->n_rows)
    return qv_fuzz_fail(c->target, "%s: wrote %" PRId64 " batches / %" PRId64 " rows, read %" PRId64 " / %" PRId64,
                        k_sink_names[k], t->n_batches, t->n_rows, back->n_batches, back->n_rows);
  int rc = 0;
  for (int64_t b = 0; b < t->n_batches && rc == 0; b++) {
    qv_error why, why_back;
    char *x = batch_values_text(t->batches[b], &why), *y = batch_values_text(back->batches[b], &why_back);
    if (x != NULL && y != NULL && strcmp(values_part(x), values_part(y)) != 0) {
      rc = qv_fuzz_fail(c->target, "%s: batch %" PRId64 " printed\n%s\nbefore the write and\n%s\nafter", k_sink_names[k],
                        b, values_part(x), values_part(y));
    } else if (x == NULL && y != NULL && t->batches[b]->length > 0 &&
               qv_batch_validate(back->batches[b], QV_VALIDATE_FULL, NULL) == QV_OK) {
      /* (an empty slice may fail structural validation for its offset alone) */
      rc = qv_fuzz_fail(c->target,
                        "%s: batch %" PRId64 " does not print (%s) but was written and read back as valid data:\n%s",
                        k_sink_names[k], b, why.message, values_part(y));
    }
    qv_free_string(x);
    qv_free_string(y);
  }
  return rc;
}

static int write_everywhere(ctx *c, const qv_table *t) {
  if (table_cost(t) > QV_FUZZ_CONSUME_MAX_COST) return 0;
  qv_error err;
  qv_error_clear(&err);
  qv_status vst = qv_table_validate(t, QV_VALIDATE_FULL, &err);
  CHECK_ERR(vst, &err, "qv_table_validate(FULL)");
  const bool valid = vst == QV_OK;
  const bool json_text = schema_utf8(t->schema);
  for (int k = 0; k < W_COUNT; k++) {
    qv_table *back = NULL;
    qv_status wst = QV_OK;
    qv_error_clear(&err);
    qv_status st = write_and_read((sink_kind)k, t, &wst, &back, &err);
    int rc = qv_fuzz_check_error(c->target, st, &err, k_sink_names[k]);
    if (rc == 0 && wst != QV_OK) {
      bool excused = !valid || wst == QV_ERR_NO_MEMORY || (k == W_JSON && (!json_text || wst == QV_ERR_NOT_IMPLEMENTED));
      if (!excused) rc = qv_fuzz_fail(c->target, "a valid table does not write as %s: %s", k_sink_names[k], err.message);
    } else if (rc == 0 && st != QV_OK) {
      if (st != QV_ERR_NO_MEMORY)
        rc = qv_fuzz_fail(c->target, "%s written by quiver does not read back (%s data): %s", k_sink_names[k],
                          valid ? "valid" : "invalid", err.message);
    } else if (rc == 0) {
      const bool same_dicts = batches_keep_dictionaries(t, k == W_FILE || k == W_FILE_ZSTD || k == W_JSON);
      if (valid && same_dicts && schema_round_trips(t->schema) && !qv_table_equals_opts(t, back, &k_same)) {
        qv_table_diff(t, back, &k_same, &err);
        rc = qv_fuzz_fail(c->target, "a valid table changed in a %s write + read: %s", k_sink_names[k], err.message);
      } else if (same_dicts) {
        rc = same_text(c, (sink_kind)k, t, back);
      }
    }
    qv_table_release(back);
    if (rc != 0) return rc;
  }
  return 0;
}

/* For a dictionary column: a copy whose dictionary is a prefix of the
 * original's, long enough for every index of the valid slots, so that
 * writing [copy, original] sends a delta (read back by concatenation). */
static qv_array *with_dictionary_prefix(ctx *c, qv_array *a) {
  const qv_type *s = qv_type_storage(a->type);
  if (s->id != QV_TYPE_DICTIONARY || a->dictionary == NULL || a->dictionary->length == 0) return NULL;
  int64_t need = 0;
  for (int64_t i = 0; i < a->length; i++) {
    if (!qv_array_is_valid(a, i)) continue;
    int64_t k = qv_array_dictionary_index(a, i);
    if (k < 0 || k >= a->dictionary->length) return NULL;
    if (k + 1 > need) need = k + 1;
  }
  int64_t keep = need + (int64_t)(next(c) % (uint64_t)(a->dictionary->length - need + 1));
  if (keep >= a->dictionary->length) keep = a->dictionary->length - 1;
  if (keep < need) return NULL;
  qv_array *prefix = NULL, *copy = NULL;
  if (qv_array_slice(a->dictionary, 0, keep, &prefix, NULL) != QV_OK) return NULL;
  (void)qv_array_new(a->type, a->length, a->offset, a->null_count, a->n_buffers, a->buffers, a->n_children,
                     a->children, prefix, &copy, NULL);
  qv_array_release(prefix);
  return copy;
}

static int write_delta_table(ctx *c, qv_batch *slice) {
  qv_array **cols = calloc((size_t)slice->n_columns + 1, sizeof *cols);
  qv_batch *first = NULL, *pair[2];
  qv_table *t = NULL;
  int rc = 0;
  bool any = false;
  if (cols == NULL) return 0;
  for (int32_t i = 0; i < slice->n_columns; i++) {
    cols[i] = with_dictionary_prefix(c, slice->columns[i]);
    if (cols[i] != NULL) any = true;
    else cols[i] = qv_array_retain(slice->columns[i]);
  }
  if (any && qv_batch_new(slice->schema, slice->length, cols, NULL, &first, NULL) == QV_OK) {
    pair[0] = first;
    pair[1] = slice;
    if (qv_table_new(slice->schema, pair, 2, &t, NULL) == QV_OK) rc = write_everywhere(c, t);
  }
  qv_table_release(t);
  qv_batch_release(first);
  for (int32_t i = 0; i < slice->n_columns; i++) qv_array_release(cols[i]);
  free(cols);
  return rc;
}

static int slice_then_write(ctx *c, qv_batch *b) {
  int64_t off, len;
  qv_batch *slice = NULL;
  qv_table *t = NULL;
  int rc = 0;
  pick_slice(c, b->length, QV_FUZZ_CONSUME_SLICE_ROWS, &off, &len);
  if (qv_batch_slice(b, off, len, &slice, NULL) != QV_OK) return 0;
  if (qv_table_new(slice->schema, &slice, 1, &t, NULL) == QV_OK) rc = write_everywhere(c, t);
  if (rc == 0) rc = write_delta_table(c, slice);
  qv_table_release(t);
  qv_batch_release(slice);
  return rc;
}

/* ------------------------------------------------------------------ */
/* Batches and tables                                                   */
/* ------------------------------------------------------------------ */

static int batch_cdata_round_trip(ctx *c, qv_batch *b, bool valid) {
  struct ArrowArray exp;
  qv_batch *back = NULL;
  qv_error err;
  qv_error_clear(&err);
  qv_status st = qv_batch_export(b, &exp, &err);
  CHECK_ERR(st, &err, "qv_batch_export");
  if (st != QV_OK) return 0;
  qv_error_clear(&err);
  st = qv_batch_import(&exp, b->schema, &back, &err);
  int rc = 0;
  if (exp.release != NULL) {
    rc = qv_fuzz_fail(c->target, "qv_batch_import left the exported struct unreleased");
    exp.release(&exp);
  } else if ((rc = qv_fuzz_check_error(c->target, st, &err, "qv_batch_import")) != 0) {
  } else if (st == QV_OK && valid && batch_cost(b) <= QV_FUZZ_CONSUME_MAX_COST && !qv_batch_equals_opts(b, back, &k_same)) {
    qv_batch_diff(b, back, &k_same, &err);
    rc = qv_fuzz_fail(c->target, "batch export + import changed a valid batch: %s", err.message);
  }
  qv_batch_release(back);
  return rc;
}

static int consume_batch(ctx *c, qv_batch *b) {
  qv_error err;
  qv_error_clear(&err);
  qv_status st = qv_batch_validate(b, QV_VALIDATE_FULL, &err);
  CHECK_ERR(st, &err, "qv_batch_validate(FULL)");
  bool valid = st == QV_OK;
  char *text = NULL;
  qv_error_clear(&err);
  st = qv_batch_to_string(b, NULL, &text, &err);
  qv_free_string(text);
  CHECK_ERR(st, &err, "qv_batch_to_string");
  if (valid && !ok_or_oom(st)) return qv_fuzz_fail(c->target, "a valid batch does not print: %s", err.message);
  FILE *sink = null_sink();
  if (sink != NULL) {
    qv_error_clear(&err);
    st = qv_batch_print(sink, b, NULL, &err);
    CHECK_ERR(st, &err, "qv_batch_print");
  }
  if (batch_cost(b) <= QV_FUZZ_CONSUME_MAX_COST) {
    bool eq = qv_batch_equals_opts(b, b, &k_same);
    if (valid && !eq) {
      qv_batch_diff(b, b, &k_same, &err);
      return qv_fuzz_fail(c->target, "a valid batch differs from itself: %s", err.message);
    }
  }
  int rc = batch_cdata_round_trip(c, b, valid);
  if (rc == 0) rc = slice_then_write(c, b);
  return rc;
}

int qv_fuzz_consume_batch(const char *target, qv_batch *batch, uint64_t seed) {
  ctx cx = {target, seed};
  qv_error err;
  qv_error_clear(&err);
  if (qv_batch_validate(batch, QV_VALIDATE_STRUCTURE, &err) != QV_OK)
    return qv_fuzz_fail(target, "consume: the batch fails structural validation: %s", err.message);
  for (int32_t i = 0; i < batch->n_columns; i++) {
    int rc = qv_fuzz_consume_array(target, batch->columns[i], seed + (uint64_t)i);
    if (rc != 0) return rc;
  }
  return consume_batch(&cx, batch);
}

int qv_fuzz_consume_table(const char *target, qv_table *table, uint64_t seed) {
  ctx cx = {target, seed}, *c = &cx;
  qv_error err;
  qv_error_clear(&err);
  if (qv_table_validate(table, QV_VALIDATE_STRUCTURE, &err) != QV_OK)
    return qv_fuzz_fail(target, "consume: the table fails structural validation: %s", err.message);
  qv_error_clear(&err);
  qv_status st = qv_table_validate(table, QV_VALIDATE_FULL, &err);
  CHECK_ERR(st, &err, "qv_table_validate(FULL)");
  bool valid = st == QV_OK;
  char *text = NULL;
  qv_error_clear(&err);
  st = qv_table_to_string(table, NULL, &text, &err);
  qv_free_string(text);
  CHECK_ERR(st, &err, "qv_table_to_string");
  if (valid && !ok_or_oom(st)) return qv_fuzz_fail(target, "a valid table does not print: %s", err.message);
  if (table_cost(table) <= QV_FUZZ_CONSUME_MAX_COST && valid && !qv_table_equals_opts(table, table, &k_same))
    return qv_fuzz_fail(target, "a valid table differs from itself");
  return write_everywhere(c, table);
}
