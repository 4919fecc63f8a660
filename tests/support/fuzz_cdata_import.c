/* Fuzz target body: the C Data importer fed structures described by bytes.
 *
 * The input is a little program (fuzz_cdata_producer.h): an import mode
 * (type / field / schema+batch), then an ArrowSchema tree, then, once the
 * schema imported, an ArrowArray tree laid out for the imported type.
 *
 * Oracle: every import takes ownership (the caller's struct is released on
 * return) and the producer's root release runs exactly once, freeing every
 * node (counted); failures fill the error; imported types, fields and
 * schemas survive export + re-import equal; a successful array import is
 * validated (QV_VALIDATE_FULL); data that validates must print, slice (and
 * the slice validate and print) and survive an export + re-import round
 * trip equal to itself. Whatever passes structural validation (valid or
 * not) goes through every consumer of arrays (fuzz_consume.h).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "quiver/cdata.h"
#include "quiver/compare.h"
#include "quiver/print.h"
#include "quiver/validate.h"
#include "support/fuzz_cdata_producer.h"
#include "support/fuzz_consume.h"
#include "support/fuzz_targets.h"

#define NAME "cdata_import"
#define FAIL(...) qv_fuzz_fail(NAME, __VA_ARGS__)

#define u8 qv_fuzz_u8
#define chance qv_fuzz_chance
#define G qv_fuzz_cdata

typedef qv_fuzz_prog prog;
typedef qv_fuzz_node_spec node_spec;

static const qv_fuzz_arr_hint k_any_array = {-1, false, 0};

/* ------------------------------------------------------------------ */
/* The consumer side                                                    */
/* ------------------------------------------------------------------ */

static int check_error(qv_status st, const qv_error *err, const char *what) {
  return qv_fuzz_check_error(NAME, st, err, what);
}

static bool ok_or_oom(qv_status st) { return st == QV_OK || st == QV_ERR_NO_MEMORY; }

/* Valid data must print. */
static int print_array(const qv_array *arr, const char *what) {
  char *s = NULL;
  qv_error err;
  qv_status st = qv_array_to_string(arr, NULL, &s, &err);
  qv_free_string(s);
  if (!ok_or_oom(st)) return FAIL("%s validated but does not print: %s", what, err.message);
  return 0;
}

/* A round trip must give back the same values, NaNs included. */
static const qv_equal_options k_same = {true, true};

/* Checks on an imported array that validated. */
static int exercise_valid_array(prog *gp, qv_array *arr) {
  qv_array *sl = NULL, *re = NULL;
  struct ArrowArray exp;
  qv_error err;
  int rc = print_array(arr, "the imported array");
  if (rc != 0) return rc;
  int64_t off = u8(gp) % (arr->length + 1);
  int64_t len = u8(gp) % (arr->length - off + 1);
  qv_status st = qv_array_slice(arr, off, len, &sl, &err);
  if (st == QV_OK) {
    st = qv_array_validate(sl, QV_VALIDATE_FULL, &err);
    if (st != QV_OK) rc = FAIL("slice [%" PRId64 ", +%" PRId64 ") of a valid array fails validation: %s", off, len,
                               err.message);
    else rc = print_array(sl, "a slice");
  } else if (!ok_or_oom(st)) {
    rc = FAIL("slicing [%" PRId64 ", +%" PRId64 ") of length %" PRId64 " fails: %s", off, len, arr->length,
              err.message);
  }
  qv_array_release(sl);
  if (rc != 0) return rc;
  st = qv_array_export(arr, &exp, &err);
  if (st != QV_OK) return ok_or_oom(st) ? 0 : FAIL("a valid imported array does not export: %s", err.message);
  st = qv_array_import(&exp, arr->type, &re, &err);
  if (exp.release != NULL) rc = FAIL("qv_array_import left the exported struct unreleased");
  else if (st != QV_OK && !ok_or_oom(st)) rc = FAIL("an exported valid array does not import: %s", err.message);
  else if (st == QV_OK && qv_array_validate(re, QV_VALIDATE_FULL, &err) != QV_OK)
    rc = FAIL("a re-imported valid array fails validation: %s", err.message);
  else if (st == QV_OK && !qv_array_equals_opts(arr, re, &k_same)) {
    char t[128];
    qv_type_format(arr->type, t, sizeof t);
    qv_array_diff_opts(arr, re, &k_same, &err);
    rc = FAIL("export + import changed the %s array (length %" PRId64 ", offset %" PRId64 "): %s", t, arr->length,
              arr->offset, err.message);
  }
  qv_array_release(re);
  return rc;
}

static int exercise_valid_batch(qv_batch *b, qv_schema *schema) {
  char *s = NULL;
  qv_batch *re = NULL;
  struct ArrowArray exp;
  qv_error err;
  int rc = 0;
  qv_status st = qv_batch_to_string(b, NULL, &s, &err);
  qv_free_string(s);
  if (!ok_or_oom(st)) return FAIL("a valid batch does not print: %s", err.message);
  st = qv_batch_export(b, &exp, &err);
  if (st != QV_OK) return ok_or_oom(st) ? 0 : FAIL("a valid batch does not export: %s", err.message);
  st = qv_batch_import(&exp, schema, &re, &err);
  if (exp.release != NULL) rc = FAIL("qv_batch_import left the exported struct unreleased");
  else if (st != QV_OK && !ok_or_oom(st)) rc = FAIL("an exported valid batch does not import: %s", err.message);
  else if (st == QV_OK && !qv_batch_equals_opts(b, re, &k_same)) {
    qv_batch_diff(b, re, &k_same, &err);
    rc = FAIL("batch export + import changed the batch: %s", err.message);
  }
  qv_batch_release(re);
  return rc;
}

/* "a" vs "b" for a failure message (the texts of two fields/types/schemas). */
#define DESCRIBE(fn, a, b, what)                                                        \
  do {                                                                                  \
    char x_[256], y_[256];                                                              \
    fn(a, x_, sizeof x_);                                                               \
    fn(b, y_, sizeof y_);                                                               \
    rc = FAIL("%s export + import changed it: '%s' came back as '%s'", what, x_, y_);   \
  } while (0)

/* The imported type/field/schema, exported and imported again, must be equal. */
static int schema_round_trip(qv_type *type, qv_field *field, qv_schema *schema) {
  struct ArrowSchema s;
  qv_error err;
  qv_status st;
  int rc = 0;
  if (schema != NULL) {
    qv_schema *back = NULL;
    st = qv_schema_export(schema, &s, &err);
    if (st == QV_OK) st = qv_schema_import(&s, &back, &err);
    if (!ok_or_oom(st)) rc = FAIL("an imported schema does not export + import: %s", err.message);
    else if (st == QV_OK && !qv_schema_equals(schema, back, true)) DESCRIBE(qv_schema_format, schema, back, "schema");
    qv_schema_release(back);
  } else if (field != NULL) {
    qv_field *back = NULL;
    st = qv_field_export(field, &s, &err);
    if (st == QV_OK) st = qv_field_import(&s, &back, &err);
    if (!ok_or_oom(st)) rc = FAIL("an imported field does not export + import: %s", err.message);
    else if (st == QV_OK && !qv_field_equals(field, back, true)) DESCRIBE(qv_field_format, field, back, "field");
    qv_field_release(back);
  } else {
    qv_type *back = NULL;
    st = qv_type_export(type, &s, &err);
    if (st == QV_OK) st = qv_type_import(&s, &back, &err);
    if (!ok_or_oom(st)) rc = FAIL("an imported type does not export + import: %s", err.message);
    else if (st == QV_OK && !qv_type_equals(type, back, true)) DESCRIBE(qv_type_format, type, back, "type");
    qv_type_release(back);
  }
  return rc;
}

int qv_fuzz_cdata_import(const uint8_t *data, size_t size) {
  prog gp = {data, size, 0};
  struct ArrowSchema schema;
  struct ArrowArray array;
  qv_type *type = NULL, *batch_type = NULL;
  qv_field *field = NULL;
  qv_schema *qschema = NULL;
  qv_array *arr = NULL;
  qv_batch *batch = NULL;
  qv_error err;
  qv_status st;
  int rc = 0;
  bool have_array = false;
  qv_fuzz_cdata_reset();
  memset(&array, 0, sizeof array);

  /* 1. the schema */
  int mode = u8(&gp) % 3;
  node_spec top = {mode == 2 && !chance(&gp, 8) ? "+s" : NULL, -1, 0, false, false};
  if (!qv_fuzz_fill_schema(&gp, &schema, 0, &top)) {
    if (schema.release != NULL) schema.release(&schema);
    goto done; /* out of memory while building */
  }
  qv_fuzz_schema_set_root(&schema);
  qv_error_clear(&err);
  st = mode == 0 ? qv_type_import(&schema, &type, &err)
       : mode == 1 ? qv_field_import(&schema, &field, &err)
                   : qv_schema_import(&schema, &qschema, &err);
  if (schema.release != NULL) {
    rc = FAIL("schema import (mode %d) left the caller's struct unreleased", mode);
    schema.release(&schema);
    goto done;
  }
  if (G.schema_root_releases != 1 || G.schema_alive != 0) {
    rc = FAIL("schema import: root release ran %d times, %d nodes left unreleased", G.schema_root_releases,
              G.schema_alive);
    goto done;
  }
  if (st != QV_OK) {
    rc = check_error(st, &err, "schema import");
    if (rc == 0 && (type != NULL || field != NULL || qschema != NULL)) rc = FAIL("a failed schema import returned an object");
    goto done;
  }
  if (field != NULL) type = qv_type_retain(field->type);
  if (qschema != NULL) {
    st = qv_type_struct(qschema->fields, qschema->n_fields, &batch_type, &err);
    if (st != QV_OK) goto done;
  }
  if ((rc = schema_round_trip(type, field, qschema)) != 0) goto done;

  /* 2. the array, laid out for what was imported */
  have_array = true;
  bool built = qv_fuzz_fill_array(&gp, &array, qschema != NULL ? batch_type : type, 0, &k_any_array);
  qv_fuzz_array_set_root(&array);
  if (!built) {
    G.skip = true; /* out of memory while building */
    goto done;
  }
  if (G.skip) goto done; /* a buffer over budget: not a valid producer */
  int64_t length = array.length, offset = array.offset;
  qv_error_clear(&err);
  st = qschema != NULL ? qv_batch_import(&array, qschema, &batch, &err) : qv_array_import(&array, type, &arr, &err);
  if (array.release != NULL) {
    rc = FAIL("array import left the caller's struct unreleased");
    goto done;
  }
  if (st != QV_OK) {
    rc = check_error(st, &err, "array import");
    if (rc == 0 && (arr != NULL || batch != NULL)) rc = FAIL("a failed array import returned an object");
    if (rc == 0 && (G.array_root_releases != 1 || G.array_alive != 0))
      rc = FAIL("failed array import: root release ran %d times, %d nodes left", G.array_root_releases,
                G.array_alive);
    goto done;
  }
  if (G.array_root_releases > 1) {
    rc = FAIL("array import: root release ran %d times", G.array_root_releases);
    goto done;
  }
  if (arr != NULL) {
    if (arr->length != length || arr->offset != offset) {
      rc = FAIL("imported length/offset %" PRId64 "/%" PRId64 " instead of %" PRId64 "/%" PRId64, arr->length,
                arr->offset, length, offset);
      goto done;
    }
    st = qv_array_validate(arr, QV_VALIDATE_FULL, &err);
    if (st != QV_OK) rc = check_error(st, &err, "qv_array_validate");
    else rc = exercise_valid_array(&gp, arr);
    if (rc == 0 && qv_array_validate(arr, QV_VALIDATE_STRUCTURE, NULL) == QV_OK)
      rc = qv_fuzz_consume_array(NAME, arr, qv_fuzz_seed(data, size));
  } else {
    st = qv_batch_validate(batch, QV_VALIDATE_FULL, &err);
    if (st != QV_OK) rc = check_error(st, &err, "qv_batch_validate");
    else rc = exercise_valid_batch(batch, qschema);
    if (rc == 0 && qv_batch_validate(batch, QV_VALIDATE_STRUCTURE, NULL) == QV_OK)
      rc = qv_fuzz_consume_batch(NAME, batch, qv_fuzz_seed(data, size));
  }

done:
  qv_array_release(arr);
  qv_batch_release(batch);
  if (have_array && array.release != NULL) array.release(&array);
  if (rc == 0 && have_array && !G.skip && (G.array_root_releases != 1 || G.array_alive != 0))
    rc = FAIL("after releasing everything: array root release ran %d times, %d nodes left unreleased",
              G.array_root_releases, G.array_alive);
  else if (rc == 0 && have_array && G.array_alive != 0)
    rc = FAIL("%d array nodes left unreleased", G.array_alive);
  qv_type_release(type);
  qv_type_release(batch_type);
  qv_field_release(field);
  qv_schema_release(qschema);
  return rc;
}
