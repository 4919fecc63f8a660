/* quiver Parquet writer: the Parquet schema of an Arrow schema.
 *
 * The mapping is pyarrow's (Arrow C++'s with its default format version
 * 2.6), so that files quiver writes look like pyarrow's to every reader:
 *   - integers: INT32/INT64 with an INTEGER logical type of their width and
 *     sign (uint32 as INT32, uint64 as INT64);
 *   - float16 as FIXED_LEN_BYTE_ARRAY(2) FLOAT16; float, double;
 *   - strings as BYTE_ARRAY STRING, binaries as plain BYTE_ARRAY (views and
 *     large forms alike), fixed_size_binary as FIXED_LEN_BYTE_ARRAY;
 *   - decimals as FIXED_LEN_BYTE_ARRAY of the fewest bytes the precision
 *     needs, DECIMAL(precision, scale) (or, with store_decimal_as_integer,
 *     INT32 up to precision 9 and INT64 up to 18, as pyarrow's option);
 *   - date32 and date64 as INT32 DATE; time32 as INT32 TIME(MILLIS) (seconds
 *     scaled), time64 as INT64 TIME(MICROS|NANOS), not adjusted to UTC;
 *   - timestamps as INT64 TIMESTAMP(unit), seconds scaled to MILLIS,
 *     isAdjustedToUTC when the type has a time zone;
 *   - durations as plain INT64 (the ARROW:schema restores them);
 *   - the null type as an OPTIONAL INT32 with the UNKNOWN logical type;
 *   - dictionaries as their value type, extensions as their storage;
 *   - structs as groups, list-likes as the three-level LIST group
 *     <name>.list.element, maps as <name>.key_value.{key, value}.
 * Unions, run-end encoded arrays and intervals have no Parquet form and
 * are refused naming the field.
 *
 * Each leaf also gets the steps that lead from its top-level array to its
 * values (write_levels.c walks them) and the definition level each step
 * reaches: an OPTIONAL element adds one, a repeated one adds one to both
 * levels.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "parquet/write_internal.h"

void qv__pqw_schema_free(qv__pqw_schema *s) {
  for (int32_t i = 0; i < s->n_elements; i++) free(s->elements[i].name);
  for (int32_t i = 0; i < s->n_leaves; i++) {
    for (int32_t k = 0; k < s->leaves[i].path_len; k++) free(s->leaves[i].path[k]);
    free(s->leaves[i].path);
    free(s->leaves[i].dotted);
  }
  free(s->elements);
  free(s->leaves);
  memset(s, 0, sizeof *s);
}

/* The walk's state: the steps and names from the top-level field down. */
typedef struct walk {
  qv__pqw_schema *s;
  int32_t top;
  qv__pq_step steps[QV__PQ_MAX_STEPS];
  int32_t n_steps;
  const char *names[QV__PQ_MAX_STEPS * 2];
  int32_t n_names;
  bool decimal_as_integer;
  qv_error *err;
} walk;

static qv_status new_element(walk *w, const char *name, int32_t repetition, int32_t *out) {
  qv__pqw_schema *s = w->s;
  if (s->n_elements == s->cap_elements) {
    int32_t cap = s->cap_elements ? s->cap_elements * 2 : 16;
    qv__pq_element *p = realloc(s->elements, (size_t)cap * sizeof *p);
    QV_CHECK_ALLOC(p, w->err);
    s->elements = p;
    s->cap_elements = cap;
  }
  qv__pq_element *e = &s->elements[s->n_elements];
  memset(e, 0, sizeof *e);
  e->name = qv__strdup(name);
  QV_CHECK_ALLOC(e->name, w->err);
  e->repetition = repetition;
  e->physical = -1;
  e->converted = -1;
  *out = s->n_elements++;
  return QV_OK;
}

static qv_status push_name(walk *w, const char *name) {
  if (w->n_names >= (int32_t)(sizeof w->names / sizeof w->names[0]))
    return qv_error_set(w->err, QV_ERR_LIMIT, "Parquet writer: field '%s' is nested deeper than %d levels", name,
                        QV__PQ_MAX_STEPS);
  w->names[w->n_names++] = name;
  return QV_OK;
}

static qv_status push_step(walk *w, qv__pq_step step) {
  if (w->n_steps >= QV__PQ_MAX_STEPS)
    return qv_error_set(w->err, QV_ERR_LIMIT, "Parquet writer: a column is nested deeper than %d levels",
                        QV__PQ_MAX_STEPS);
  w->steps[w->n_steps++] = step;
  return QV_OK;
}

/* Fewest bytes of a two's-complement integer holding every value of
 * `precision` decimal digits (pyarrow's choice for FIXED_LEN_BYTE_ARRAY). */
static int32_t decimal_bytes(int32_t precision) {
  return (int32_t)ceil(((double)precision * 3.321928094887362 + 1.0) / 8.0);
}

static void set_int(qv__pq_element *e, qv__pq_leaf *l, int32_t physical, int bits, bool is_signed, qv__pq_conv conv) {
  static const int32_t signed_ct[4] = {QV__PQ_CT_INT_8, QV__PQ_CT_INT_16, QV__PQ_CT_INT_32, QV__PQ_CT_INT_64};
  static const int32_t unsigned_ct[4] = {QV__PQ_CT_UINT_8, QV__PQ_CT_UINT_16, QV__PQ_CT_UINT_32, QV__PQ_CT_UINT_64};
  int k = bits == 8 ? 0 : bits == 16 ? 1 : bits == 32 ? 2 : 3;
  e->physical = physical;
  e->logical = QV__PQ_LT_INTEGER;
  e->int_bits = bits;
  e->int_signed = is_signed;
  e->converted = is_signed ? signed_ct[k] : unsigned_ct[k];
  l->conv = conv;
  l->sort_unsigned = !is_signed;
}

static void set_time_unit(qv__pq_element *e, qv_time_unit unit) {
  e->unit = unit == QV_UNIT_NANO ? 3 : unit == QV_UNIT_MICRO ? 2 : 1;
}

/* The element and value conversion of a leaf of Arrow type `t` (a storage
 * type; dictionaries already replaced by their values). The switch is over
 * the logical type: that is what decides the Parquet annotation. */
static qv_status map_leaf(walk *w, const qv_type *t, const qv_type *declared, qv__pq_element *e, qv__pq_leaf *l,
                          const char *name) {
  l->conv = QV__CONV_COPY;
  switch (t->id) {
    case QV_TYPE_NULL:
      e->physical = QV__PQ_INT32;
      e->logical = QV__PQ_LT_UNKNOWN;
      l->conv = QV__CONV_NULL;
      break;
    case QV_TYPE_BOOL: e->physical = QV__PQ_BOOLEAN; l->conv = QV__CONV_BOOL; break;
    case QV_TYPE_INT8: set_int(e, l, QV__PQ_INT32, 8, true, QV__CONV_SEXT8); break;
    case QV_TYPE_INT16: set_int(e, l, QV__PQ_INT32, 16, true, QV__CONV_SEXT16); break;
    case QV_TYPE_INT32: set_int(e, l, QV__PQ_INT32, 32, true, QV__CONV_COPY); break;
    case QV_TYPE_INT64: set_int(e, l, QV__PQ_INT64, 64, true, QV__CONV_COPY); break;
    case QV_TYPE_UINT8: set_int(e, l, QV__PQ_INT32, 8, false, QV__CONV_ZEXT8); break;
    case QV_TYPE_UINT16: set_int(e, l, QV__PQ_INT32, 16, false, QV__CONV_ZEXT16); break;
    case QV_TYPE_UINT32: set_int(e, l, QV__PQ_INT32, 32, false, QV__CONV_COPY); break;
    case QV_TYPE_UINT64: set_int(e, l, QV__PQ_INT64, 64, false, QV__CONV_COPY); break;
    case QV_TYPE_FLOAT16:
      e->physical = QV__PQ_FIXED_LEN_BYTE_ARRAY;
      e->type_length = 2;
      e->logical = QV__PQ_LT_FLOAT16;
      l->sort_float16 = true;
      break;
    case QV_TYPE_FLOAT32: e->physical = QV__PQ_FLOAT; break;
    case QV_TYPE_FLOAT64: e->physical = QV__PQ_DOUBLE; break;
    case QV_TYPE_DECIMAL32:
    case QV_TYPE_DECIMAL64:
    case QV_TYPE_DECIMAL128:
    case QV_TYPE_DECIMAL256:
      e->physical = QV__PQ_FIXED_LEN_BYTE_ARRAY;
      e->type_length = decimal_bytes(t->precision);
      e->logical = QV__PQ_LT_DECIMAL;
      e->converted = QV__PQ_CT_DECIMAL;
      e->precision = t->precision;
      e->scale = t->scale;
      l->conv = QV__CONV_DECIMAL;
      l->src_width = t->bit_width / 8;
      l->sort_decimal = true;
      if (w->decimal_as_integer && t->precision <= 18) {
        e->physical = t->precision <= 9 ? QV__PQ_INT32 : QV__PQ_INT64;
        e->type_length = 0;
        l->conv = QV__CONV_DECIMAL_INT;
        l->sort_decimal = false;
      }
      break;
    case QV_TYPE_DATE32:
    case QV_TYPE_DATE64:
      e->physical = QV__PQ_INT32;
      e->logical = QV__PQ_LT_DATE;
      e->converted = QV__PQ_CT_DATE;
      l->conv = t->id == QV_TYPE_DATE64 ? QV__CONV_DATE64 : QV__CONV_COPY;
      break;
    case QV_TYPE_TIME32:
      e->physical = QV__PQ_INT32;
      e->logical = QV__PQ_LT_TIME;
      e->unit = 1;
      e->utc = false; /* Arrow's times are wall-clock: pyarrow writes them not adjusted to UTC */
      e->converted = QV__PQ_CT_TIME_MILLIS;
      if (t->unit == QV_UNIT_SECOND) {
        l->conv = QV__CONV_SCALE32;
        l->scale = 1000;
      }
      break;
    case QV_TYPE_TIME64:
      e->physical = QV__PQ_INT64;
      e->logical = QV__PQ_LT_TIME;
      set_time_unit(e, t->unit);
      e->utc = false;
      if (t->unit == QV_UNIT_MICRO) e->converted = QV__PQ_CT_TIME_MICROS;
      break;
    case QV_TYPE_TIMESTAMP:
      e->physical = QV__PQ_INT64;
      e->logical = QV__PQ_LT_TIMESTAMP;
      set_time_unit(e, t->unit);
      e->utc = t->timezone != NULL && t->timezone[0] != '\0';
      if (t->unit == QV_UNIT_SECOND) {
        l->conv = QV__CONV_SCALE64;
        l->scale = 1000;
      }
      /* Arrow sets the legacy annotation only for UTC-adjusted instants. */
      if (e->utc && e->unit == 1) e->converted = QV__PQ_CT_TIMESTAMP_MILLIS;
      if (e->utc && e->unit == 2) e->converted = QV__PQ_CT_TIMESTAMP_MICROS;
      break;
    case QV_TYPE_DURATION: e->physical = QV__PQ_INT64; break;
    case QV_TYPE_STRING:
    case QV_TYPE_LARGE_STRING:
    case QV_TYPE_STRING_VIEW:
      e->logical = QV__PQ_LT_STRING;
      e->converted = QV__PQ_CT_UTF8;
      l->utf8 = true;
      /* fall through */
    case QV_TYPE_BINARY:
    case QV_TYPE_LARGE_BINARY:
    case QV_TYPE_BINARY_VIEW:
      e->physical = QV__PQ_BYTE_ARRAY;
      l->conv = (t->id == QV_TYPE_STRING || t->id == QV_TYPE_BINARY)           ? QV__CONV_BINARY32
                : (t->id == QV_TYPE_LARGE_STRING || t->id == QV_TYPE_LARGE_BINARY) ? QV__CONV_BINARY64
                                                                                   : QV__CONV_VIEW;
      break;
    case QV_TYPE_FIXED_SIZE_BINARY:
      e->physical = QV__PQ_FIXED_LEN_BYTE_ARRAY;
      e->type_length = t->byte_width;
      if (declared->id == QV_TYPE_EXTENSION && declared->canonical == QV_EXT_UUID) e->logical = QV__PQ_LT_UUID;
      break;
    default:
      return qv_error_set(w->err, QV_ERR_NOT_IMPLEMENTED,
                          "Parquet writer: column '%s' has type %s, which Parquet cannot hold", name,
                          qv_type_id_name(t->id));
  }
  l->physical = e->physical;
  switch (e->physical) {
    case QV__PQ_BOOLEAN: l->width = 1; break;
    case QV__PQ_INT32:
    case QV__PQ_FLOAT: l->width = 4; break;
    case QV__PQ_INT64:
    case QV__PQ_DOUBLE: l->width = 8; break;
    case QV__PQ_FIXED_LEN_BYTE_ARRAY: l->width = e->type_length; break;
    default: l->width = 0; break;
  }
  if (e->physical == QV__PQ_FIXED_LEN_BYTE_ARRAY && e->type_length <= 0)
    return qv_error_set(w->err, QV_ERR_NOT_IMPLEMENTED,
                        "Parquet writer: column '%s' has values of 0 bytes, which Parquet cannot hold", name);
  return QV_OK;
}

static qv_status add_leaf(walk *w, int32_t element, int16_t max_def, int16_t max_rep, const qv_type *t,
                          const qv_type *declared) {
  qv__pqw_schema *s = w->s;
  qv_strbuf sb;
  qv__strbuf_init(&sb);
  for (int32_t k = 0; k < w->n_names; k++) {
    if (k) qv__strbuf_appendc(&sb, '.');
    qv__strbuf_append(&sb, w->names[k]);
  }
  QV_RETURN_IF_ERROR(qv__strbuf_status(&sb, w->err));
  if (s->n_leaves == s->cap_leaves) {
    int32_t cap = s->cap_leaves ? s->cap_leaves * 2 : 8;
    qv__pq_leaf *p = realloc(s->leaves, (size_t)cap * sizeof *p);
    if (p == NULL) {
      qv__strbuf_free(&sb);
      return qv_error_set(w->err, QV_ERR_NO_MEMORY, "out of memory building the Parquet schema");
    }
    s->leaves = p;
    s->cap_leaves = cap;
  }
  qv__pq_leaf *l = &s->leaves[s->n_leaves];
  memset(l, 0, sizeof *l);
  l->dotted = qv__strbuf_take(&sb);
  QV_CHECK_ALLOC(l->dotted, w->err);
  s->n_leaves++;
  l->top = w->top;
  l->element = element;
  l->max_def = max_def;
  l->max_rep = max_rep;
  l->n_steps = w->n_steps;
  memcpy(l->steps, w->steps, (size_t)w->n_steps * sizeof w->steps[0]);
  l->path = calloc((size_t)w->n_names, sizeof *l->path);
  QV_CHECK_ALLOC(l->path, w->err);
  for (int32_t k = 0; k < w->n_names; k++) {
    l->path[k] = qv__strdup(w->names[k]);
    QV_CHECK_ALLOC(l->path[k], w->err);
    l->path_len = k + 1;
  }
  return map_leaf(w, t, declared, &s->elements[element], l, l->dotted);
}

static qv_status visit(walk *w, const qv_type *declared, const char *name, bool nullable, int16_t def, int16_t rep);

/* A repeated group of one level: the LIST or MAP annotation on `name`, a
 * repeated child `inner`, and below it `n` fields of `fields`. */
static qv_status visit_repeated(walk *w, const char *name, bool nullable, int16_t def, int16_t rep, bool is_map,
                                const qv_type *item_holder) {
  int32_t outer, inner;
  QV_RETURN_IF_ERROR(new_element(w, name, nullable ? QV__PQ_OPTIONAL : QV__PQ_REQUIRED, &outer));
  w->s->elements[outer].n_children = 1;
  w->s->elements[outer].logical = is_map ? QV__PQ_LT_MAP : QV__PQ_LT_LIST;
  w->s->elements[outer].converted = is_map ? QV__PQ_CT_MAP : QV__PQ_CT_LIST;
  const char *inner_name = is_map ? "key_value" : "list";
  QV_RETURN_IF_ERROR(new_element(w, inner_name, QV__PQ_REPEATED, &inner));
  int16_t d = (int16_t)(def + (nullable ? 1 : 0));
  QV_RETURN_IF_ERROR(push_name(w, name));
  QV_RETURN_IF_ERROR(push_name(w, inner_name));
  QV_RETURN_IF_ERROR(push_step(w, (qv__pq_step){QV__STEP_LIST, 0, nullable, d, (int16_t)(rep + 1)}));
  if (!is_map) {
    w->s->elements[inner].n_children = 1;
    const qv_field *item = item_holder->children[0];
    QV_RETURN_IF_ERROR(visit(w, item->type, "element", item->nullable, (int16_t)(d + 1), (int16_t)(rep + 1)));
  } else {
    const qv_field *entries = item_holder->children[0];
    const qv_type *et = qv_type_storage(entries->type);
    if (et->id != QV_TYPE_STRUCT || et->n_children != 2)
      return qv_error_set(w->err, QV_ERR_INVALID_ARGUMENT, "Parquet writer: map '%s' has no key/value entries", name);
    w->s->elements[inner].n_children = 2;
    static const char *const kv_names[2] = {"key", "value"};
    for (int32_t k = 0; k < 2; k++) {
      /* The entries struct is the repeated group itself: no level of its own. */
      QV_RETURN_IF_ERROR(push_step(w, (qv__pq_step){QV__STEP_STRUCT, k, false, (int16_t)(d + 1), 0}));
      const qv_field *f = et->children[k];
      QV_RETURN_IF_ERROR(visit(w, f->type, kv_names[k], k == 0 ? false : f->nullable, (int16_t)(d + 1),
                               (int16_t)(rep + 1)));
      w->n_steps--;
    }
  }
  w->n_steps--;
  w->n_names -= 2;
  return QV_OK;
}

static qv_status visit(walk *w, const qv_type *declared, const char *name, bool nullable, int16_t def, int16_t rep) {
  const qv_type *t = qv_type_storage(declared);
  switch (t->id) {
    case QV_TYPE_STRUCT: {
      if (t->n_children == 0)
        return qv_error_set(w->err, QV_ERR_NOT_IMPLEMENTED,
                            "Parquet writer: struct column '%s' has no fields, which Parquet cannot hold", name);
      int32_t g;
      QV_RETURN_IF_ERROR(new_element(w, name, nullable ? QV__PQ_OPTIONAL : QV__PQ_REQUIRED, &g));
      w->s->elements[g].n_children = t->n_children;
      int16_t d = (int16_t)(def + (nullable ? 1 : 0));
      QV_RETURN_IF_ERROR(push_name(w, name));
      for (int32_t k = 0; k < t->n_children; k++) {
        QV_RETURN_IF_ERROR(push_step(w, (qv__pq_step){QV__STEP_STRUCT, k, nullable, d, 0}));
        const qv_field *f = t->children[k];
        QV_RETURN_IF_ERROR(visit(w, f->type, f->name, f->nullable, d, rep));
        w->n_steps--;
      }
      w->n_names--;
      return QV_OK;
    }
    case QV_TYPE_LIST:
    case QV_TYPE_LARGE_LIST:
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW:
    case QV_TYPE_FIXED_SIZE_LIST: return visit_repeated(w, name, nullable, def, rep, false, t);
    case QV_TYPE_MAP: return visit_repeated(w, name, nullable, def, rep, true, t);
    default: break;
  }
  const qv_type *values = t;
  if (t->id == QV_TYPE_DICTIONARY) {
    declared = t->value_type;
    values = qv_type_storage(t->value_type);
    if (values->id == QV_TYPE_DICTIONARY || qv_type_is_nested(values->id))
      return qv_error_set(w->err, QV_ERR_NOT_IMPLEMENTED,
                          "Parquet writer: column '%s' is a dictionary of %s values, which Parquet cannot hold", name,
                          qv_type_id_name(values->id));
  }
  int32_t e;
  bool optional = nullable || values->id == QV_TYPE_NULL;
  QV_RETURN_IF_ERROR(new_element(w, name, optional ? QV__PQ_OPTIONAL : QV__PQ_REQUIRED, &e));
  QV_RETURN_IF_ERROR(push_name(w, name));
  QV_RETURN_IF_ERROR(
      push_step(w, (qv__pq_step){QV__STEP_LEAF, 0, optional, (int16_t)(def + (optional ? 1 : 0)), 0}));
  qv_status st = add_leaf(w, e, (int16_t)(def + (optional ? 1 : 0)), rep, values, declared);
  w->n_steps--;
  w->n_names--;
  return st;
}

qv_status qv__pqw_schema_build(const qv_schema *schema, bool decimal_as_integer, qv__pqw_schema *out, qv_error *err) {
  memset(out, 0, sizeof *out);
  walk w;
  memset(&w, 0, sizeof w);
  w.s = out;
  w.decimal_as_integer = decimal_as_integer;
  w.err = err;
  int32_t root;
  qv_status st = new_element(&w, "schema", -1, &root);
  if (st == QV_OK) out->elements[root].n_children = schema->n_fields;
  if (st == QV_OK && schema->n_fields == 0)
    st = qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "Parquet writer: a Parquet file needs at least one column");
  for (int32_t i = 0; st == QV_OK && i < schema->n_fields; i++) {
    const qv_field *f = schema->fields[i];
    w.top = i;
    st = visit(&w, f->type, f->name, f->nullable, 0, 0);
  }
  if (st != QV_OK) qv__pqw_schema_free(out);
  return st;
}
