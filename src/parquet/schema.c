/* Parquet: schema elements -> node tree -> Arrow schema.
 *
 * The mapping follows pyarrow's: LogicalTypes.md for annotated groups
 * (LIST with the backward-compatibility rules for two-level forms, MAP and
 * MAP_KEY_VALUE), a repeated field without annotation as a non-null list of
 * non-null items named after the field, other groups as structs. A group
 * whose annotation does not fit its shape is read as what its shape says (a
 * struct), as Arrow C++ does for MAP. Depth is capped so a hostile schema
 * cannot exhaust the stack; every num_children is checked against the
 * elements that remain. */
#include "parquet/schema.h"

#include <string.h>

#include "core/internal.h"
#include "parquet/format.h"

typedef struct build_ctx {
  const qv__pq_file_meta *m;
  int32_t pos;   /* next element */
  int32_t depth;
  int32_t n_leaves;
  qv__pq_node **leaves;
  int32_t cap_leaves;
  qv_error *err;
} build_ctx;

void qv__pq_node_free(qv__pq_node *n) {
  if (n == NULL) return;
  for (int32_t i = 0; i < n->n_children; i++) qv__pq_node_free(n->children[i]);
  qv__free(n->children);
  qv_field_release(n->field);
  qv__free(n);
}

static bool annotated(const qv__pq_schema_element *e, int32_t lt, int32_t ct) {
  return e->logical.kind == lt || e->converted_type == ct;
}

static qv_status decimal_type(int32_t precision, int32_t scale, qv_type **out, qv_error *err) {
  if (precision < 1 || precision > 76 || scale < 0 || scale > precision)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet schema: DECIMAL(%d, %d) is not valid", (int)precision,
                        (int)scale);
  return qv_type_decimal(precision <= 38 ? 128 : 256, precision, scale, out, err);
}

static qv_status time_type(int32_t physical, int32_t unit, bool utc, bool timestamp, qv_type **out, qv_error *err) {
  qv_time_unit u = unit == 1 ? QV_UNIT_MILLI : unit == 2 ? QV_UNIT_MICRO : QV_UNIT_NANO;
  if (unit < 1 || unit > 3) return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet schema: unknown time unit");
  if (timestamp) {
    if (physical != QV__PQ_INT64) return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet schema: TIMESTAMP on a non-INT64 column");
    return qv_type_timestamp(u, utc ? "UTC" : NULL, out, err);
  }
  if (u == QV_UNIT_MILLI) {
    if (physical != QV__PQ_INT32) return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet schema: TIME(MILLIS) on a non-INT32 column");
    return qv_type_time32(u, out, err);
  }
  if (physical != QV__PQ_INT64) return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet schema: TIME(MICROS/NANOS) on a non-INT64 column");
  return qv_type_time64(u, out, err);
}

static qv_status int_type(int32_t physical, int32_t bits, bool is_signed, qv_type **out, qv_error *err) {
  int32_t cap = physical == QV__PQ_INT32 ? 32 : 64;
  if ((physical != QV__PQ_INT32 && physical != QV__PQ_INT64) || (bits != 8 && bits != 16 && bits != 32 && bits != 64) ||
      bits > cap)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet schema: INTEGER(%d) on physical type %d", (int)bits,
                        (int)physical);
  static qv_type *(*const sig[])(void) = {qv_type_int8, qv_type_int16, qv_type_int32, qv_type_int64};
  static qv_type *(*const uns[])(void) = {qv_type_uint8, qv_type_uint16, qv_type_uint32, qv_type_uint64};
  int k = bits == 8 ? 0 : bits == 16 ? 1 : bits == 32 ? 2 : 3;
  *out = is_signed ? sig[k]() : uns[k]();
  return QV_OK;
}

static qv_status plain_type(const qv__pq_schema_element *e, qv_type **out, qv_error *err) {
  switch (e->type) {
    case QV__PQ_BOOLEAN: *out = qv_type_bool(); return QV_OK;
    case QV__PQ_INT32: *out = qv_type_int32(); return QV_OK;
    case QV__PQ_INT64: *out = qv_type_int64(); return QV_OK;
    case QV__PQ_INT96: return qv_type_timestamp(QV_UNIT_NANO, NULL, out, err);
    case QV__PQ_FLOAT: *out = qv_type_float32(); return QV_OK;
    case QV__PQ_DOUBLE: *out = qv_type_float64(); return QV_OK;
    case QV__PQ_BYTE_ARRAY: *out = qv_type_binary(); return QV_OK;
    case QV__PQ_FIXED_LEN_BYTE_ARRAY:
      if (e->type_length <= 0)
        return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet schema: FIXED_LEN_BYTE_ARRAY '%s' has type_length %d",
                            e->name, (int)e->type_length);
      return qv_type_fixed_size_binary(e->type_length, out, err);
    default:
      return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet schema: column '%s' has unknown physical type %d", e->name,
                          (int)e->type);
  }
}

qv_status qv__pq_leaf_type(const qv__pq_schema_element *e, qv_type **out, qv_error *err) {
  const qv__pq_logical *lt = &e->logical;
  int32_t p = e->type;
  bool bytes = p == QV__PQ_BYTE_ARRAY, flba = p == QV__PQ_FIXED_LEN_BYTE_ARRAY;
  switch (lt->kind) {
    case QV__PQ_LT_STRING:
    case QV__PQ_LT_ENUM:
    case QV__PQ_LT_JSON:
      if (bytes) {
        *out = qv_type_string();
        return QV_OK;
      }
      break;
    case QV__PQ_LT_BSON: break;
    case QV__PQ_LT_DECIMAL:
      if (p == QV__PQ_INT32 || p == QV__PQ_INT64 || bytes || flba) return decimal_type(lt->precision, lt->scale, out, err);
      break;
    case QV__PQ_LT_DATE:
      if (p == QV__PQ_INT32) {
        *out = qv_type_date32();
        return QV_OK;
      }
      break;
    case QV__PQ_LT_TIME: return time_type(p, lt->unit, lt->utc, false, out, err);
    case QV__PQ_LT_TIMESTAMP: return time_type(p, lt->unit, lt->utc, true, out, err);
    case QV__PQ_LT_INTEGER: return int_type(p, lt->bit_width, lt->is_signed, out, err);
    case QV__PQ_LT_UNKNOWN: *out = qv_type_null(); return QV_OK;
    case QV__PQ_LT_FLOAT16:
      if (flba && e->type_length == 2) {
        *out = qv_type_float16();
        return QV_OK;
      }
      break;
    case QV__PQ_LT_UUID: break;
    case QV__PQ_LT_NONE: {
      switch (e->converted_type) {
        case QV__PQ_CT_UTF8:
        case QV__PQ_CT_ENUM:
        case QV__PQ_CT_JSON:
          if (bytes) {
            *out = qv_type_string();
            return QV_OK;
          }
          break;
        case QV__PQ_CT_DECIMAL:
          if (p == QV__PQ_INT32 || p == QV__PQ_INT64 || bytes || flba) return decimal_type(e->precision, e->scale, out, err);
          break;
        case QV__PQ_CT_DATE:
          if (p == QV__PQ_INT32) {
            *out = qv_type_date32();
            return QV_OK;
          }
          break;
        case QV__PQ_CT_TIME_MILLIS: return time_type(p, 1, true, false, out, err);
        case QV__PQ_CT_TIME_MICROS: return time_type(p, 2, true, false, out, err);
        case QV__PQ_CT_TIMESTAMP_MILLIS: return time_type(p, 1, true, true, out, err);
        case QV__PQ_CT_TIMESTAMP_MICROS: return time_type(p, 2, true, true, out, err);
        case QV__PQ_CT_UINT_8: return int_type(p, 8, false, out, err);
        case QV__PQ_CT_UINT_16: return int_type(p, 16, false, out, err);
        case QV__PQ_CT_UINT_32: return int_type(p, 32, false, out, err);
        case QV__PQ_CT_UINT_64: return int_type(p, 64, false, out, err);
        case QV__PQ_CT_INT_8: return int_type(p, 8, true, out, err);
        case QV__PQ_CT_INT_16: return int_type(p, 16, true, out, err);
        case QV__PQ_CT_INT_32: return int_type(p, 32, true, out, err);
        case QV__PQ_CT_INT_64: return int_type(p, 64, true, out, err);
        default: break;
      }
      break;
    }
    default: break;
  }
  return plain_type(e, out, err);
}

static qv_status new_node(qv__pq_node_kind kind, qv__pq_node **out, qv_error *err) {
  *out = qv__calloc(1, sizeof(qv__pq_node));
  QV_CHECK_ALLOC(*out, err);
  (*out)->kind = kind;
  (*out)->column = -1;
  return QV_OK;
}

static qv_status add_child(qv__pq_node *parent, qv__pq_node *child, qv_error *err) {
  qv__pq_node **c = qv__realloc(parent->children, sizeof(qv__pq_node *) * (size_t)(parent->n_children + 1));
  if (c == NULL) {
    qv__pq_node_free(child);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (Parquet schema)");
  }
  parent->children = c;
  c[parent->n_children++] = child;
  return QV_OK;
}

typedef enum { AS_FIELD, AS_ELEMENT } parse_mode;

static qv_status parse(build_ctx *c, int16_t pdef, int16_t prep, parse_mode mode, qv__pq_node **out);

/* The Arrow field of a finished node. */
static qv_status finish_field(qv__pq_node *n, const char *name, bool nullable, qv_error *err) {
  qv_type *type = NULL;
  qv_status st = QV_OK;
  if (n->kind == QV__PQ_NODE_STRUCT) {
    qv_field **fs = qv__calloc((size_t)n->n_children, sizeof(qv_field *));
    QV_CHECK_ALLOC(fs, err);
    for (int32_t i = 0; i < n->n_children; i++) fs[i] = n->children[i]->field;
    st = qv_type_struct(fs, n->n_children, &type, err);
    qv__free(fs);
  } else if (n->kind == QV__PQ_NODE_LIST) {
    st = qv_type_list(n->children[0]->field, &type, err);
  } else if (n->kind == QV__PQ_NODE_MAP) {
    st = qv_type_map_from_entries(n->children[0]->field, false, &type, err);
  } else {
    st = qv__pq_leaf_type(n->elem, &type, err);
  }
  if (st != QV_OK) return st;
  n->nullable = nullable;
  st = qv_field_new(name, type, nullable, NULL, &n->field, err);
  qv_type_release(type);
  return st;
}

static qv_status parse_children(build_ctx *c, qv__pq_node *n, int32_t count, int16_t def, int16_t rep) {
  for (int32_t i = 0; i < count; i++) {
    qv__pq_node *child = NULL;
    QV_RETURN_IF_ERROR(parse(c, def, rep, AS_FIELD, &child));
    QV_RETURN_IF_ERROR(add_child(n, child, c->err));
  }
  return QV_OK;
}

static bool is_group(const qv__pq_schema_element *e) { return e->num_children > 0 || e->type < 0; }

/* A LIST-annotated group whose one child is repeated: the three-level form,
 * or one of the two-level forms the spec's compatibility rules name. */
static qv_status parse_list(build_ctx *c, qv__pq_node *n, const qv__pq_schema_element *e, int16_t own_def,
                            int16_t prep) {
  const qv__pq_schema_element *r = &c->m->schema[c->pos];
  n->elem_def = (int16_t)(own_def + 1);
  n->elem_rep = (int16_t)(prep + 1);
  size_t nl = strlen(e->name);
  bool tuple = strlen(r->name) == nl + 6 && strncmp(r->name, e->name, nl) == 0 && strcmp(r->name + nl, "_tuple") == 0;
  qv__pq_node *item = NULL;
  if (!is_group(r) || r->num_children != 1 || strcmp(r->name, "array") == 0 || tuple) {
    QV_RETURN_IF_ERROR(parse(c, n->elem_def, n->elem_rep, AS_ELEMENT, &item));
  } else {
    c->pos++; /* the repeated group itself only carries the levels */
    if (c->pos >= c->m->n_schema)
      return qv_error_set(c->err, QV_ERR_INVALID_DATA, "Parquet schema: list '%s' ends early", e->name);
    QV_RETURN_IF_ERROR(parse(c, n->elem_def, n->elem_rep, AS_FIELD, &item));
  }
  return add_child(n, item, c->err);
}

static qv_status parse(build_ctx *c, int16_t pdef, int16_t prep, parse_mode mode, qv__pq_node **out) {
  *out = NULL;
  if (c->pos >= c->m->n_schema)
    return qv_error_set(c->err, QV_ERR_INVALID_DATA, "Parquet schema: the elements end before the children counts say");
  if (++c->depth > QV__PQ_MAX_SCHEMA_DEPTH)
    return qv_error_set(c->err, QV_ERR_LIMIT, "Parquet schema: nested deeper than %d", QV__PQ_MAX_SCHEMA_DEPTH);
  const qv__pq_schema_element *e = &c->m->schema[c->pos];
  qv__pq_node *n = NULL;
  qv_status st = QV_OK;
  if (pdef > 30000 || prep > 30000) {
    st = qv_error_set(c->err, QV_ERR_LIMIT, "Parquet schema: too many levels");
    goto fail;
  }
  if (mode == AS_FIELD && e->repetition == QV__PQ_REPEATED) {
    /* a repeated field without LIST annotation: list<name: T not null> not null */
    QV_GOTO_IF_ERROR(st, new_node(QV__PQ_NODE_LIST, &n, c->err), fail);
    n->def_level = pdef;
    n->rep_level = prep;
    n->elem_def = (int16_t)(pdef + 1);
    n->elem_rep = (int16_t)(prep + 1);
    qv__pq_node *item = NULL;
    QV_GOTO_IF_ERROR(st, parse(c, n->elem_def, n->elem_rep, AS_ELEMENT, &item), fail);
    QV_GOTO_IF_ERROR(st, add_child(n, item, c->err), fail);
    n->first_leaf = item->first_leaf;
    n->n_leaves = item->n_leaves;
    QV_GOTO_IF_ERROR(st, finish_field(n, e->name, false, c->err), fail);
    goto done;
  }
  bool optional = mode == AS_FIELD && e->repetition == QV__PQ_OPTIONAL;
  int16_t own_def = (int16_t)(pdef + (optional ? 1 : 0));
  c->pos++;
  if (!is_group(e)) {
    QV_GOTO_IF_ERROR(st, new_node(QV__PQ_NODE_LEAF, &n, c->err), fail);
    n->elem = e;
    n->def_level = own_def;
    n->rep_level = prep;
    n->column = c->n_leaves;
    if (c->n_leaves == c->cap_leaves) {
      int32_t cap = c->cap_leaves ? c->cap_leaves * 2 : 16;
      qv__pq_node **l = qv__realloc(c->leaves, sizeof(qv__pq_node *) * (size_t)cap);
      if (l == NULL) QV_FAIL_GOTO(st, fail, c->err, QV_ERR_NO_MEMORY, "out of memory (Parquet schema)");
      c->leaves = l;
      c->cap_leaves = cap;
    }
    c->leaves[c->n_leaves++] = n;
    n->first_leaf = n->column;
    n->n_leaves = 1;
    QV_GOTO_IF_ERROR(st, finish_field(n, e->name, optional, c->err), fail);
    goto done;
  }
  if (e->num_children <= 0 || e->num_children > c->m->n_schema - c->pos)
    QV_FAIL_GOTO(st, fail, c->err, QV_ERR_INVALID_DATA, "Parquet schema: group '%s' announces %d children, %d elements remain",
                 e->name, (int)e->num_children, (int)(c->m->n_schema - c->pos));
  int32_t first_leaf = c->n_leaves;
  const qv__pq_schema_element *r = &c->m->schema[c->pos];
  bool one_repeated = e->num_children == 1 && r->repetition == QV__PQ_REPEATED;
  if (annotated(e, QV__PQ_LT_LIST, QV__PQ_CT_LIST) && one_repeated) {
    QV_GOTO_IF_ERROR(st, new_node(QV__PQ_NODE_LIST, &n, c->err), fail);
    n->def_level = own_def;
    n->rep_level = prep;
    QV_GOTO_IF_ERROR(st, parse_list(c, n, e, own_def, prep), fail);
  } else if ((annotated(e, QV__PQ_LT_MAP, QV__PQ_CT_MAP) || e->converted_type == QV__PQ_CT_MAP_KEY_VALUE) &&
             one_repeated && is_group(r) && r->num_children == 1) {
    /* a map without values reads as the list of its keys (as Arrow C++ does) */
    QV_GOTO_IF_ERROR(st, new_node(QV__PQ_NODE_LIST, &n, c->err), fail);
    n->def_level = own_def;
    n->rep_level = prep;
    n->elem_def = (int16_t)(own_def + 1);
    n->elem_rep = (int16_t)(prep + 1);
    c->pos++;
    qv__pq_node *item = NULL;
    QV_GOTO_IF_ERROR(st, parse(c, n->elem_def, n->elem_rep, AS_FIELD, &item), fail);
    QV_GOTO_IF_ERROR(st, add_child(n, item, c->err), fail);
  } else if ((annotated(e, QV__PQ_LT_MAP, QV__PQ_CT_MAP) || e->converted_type == QV__PQ_CT_MAP_KEY_VALUE) &&
             one_repeated && is_group(r) && r->num_children == 2) {
    QV_GOTO_IF_ERROR(st, new_node(QV__PQ_NODE_MAP, &n, c->err), fail);
    n->def_level = own_def;
    n->rep_level = prep;
    n->elem_def = (int16_t)(own_def + 1);
    n->elem_rep = (int16_t)(prep + 1);
    qv__pq_node *entries = NULL;
    QV_GOTO_IF_ERROR(st, parse(c, n->elem_def, n->elem_rep, AS_ELEMENT, &entries), fail);
    QV_GOTO_IF_ERROR(st, add_child(n, entries, c->err), fail);
    /* Arrow map keys are never null; Arrow C++ refuses an optional key too */
    if (entries->children[0]->field->nullable)
      QV_FAIL_GOTO(st, fail, c->err, QV_ERR_INVALID_DATA,
                   "Parquet schema: map '%s' has an optional key (map keys must be required)", e->name);
  } else {
    QV_GOTO_IF_ERROR(st, new_node(QV__PQ_NODE_STRUCT, &n, c->err), fail);
    n->def_level = own_def;
    n->rep_level = prep;
    QV_GOTO_IF_ERROR(st, parse_children(c, n, e->num_children, own_def, prep), fail);
  }
  n->first_leaf = first_leaf;
  n->n_leaves = c->n_leaves - first_leaf;
  if (n->n_leaves == 0) QV_FAIL_GOTO(st, fail, c->err, QV_ERR_INVALID_DATA, "Parquet schema: group '%s' has no columns", e->name);
  QV_GOTO_IF_ERROR(st, finish_field(n, e->name, optional, c->err), fail);
done:
  c->depth--;
  *out = n;
  return QV_OK;
fail:
  qv__pq_node_free(n);
  return st;
}

qv_status qv__pq_schema_build(const qv__pq_file_meta *meta, qv__pq_schema *out, qv_error *err) {
  memset(out, 0, sizeof(*out));
  build_ctx c = {.m = meta, .pos = 1, .err = err};
  const qv__pq_schema_element *root = &meta->schema[0];
  qv_status st = QV_OK;
  int32_t n = root->num_children < 0 ? 0 : root->num_children;
  if (n > meta->n_schema - 1)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet schema: the root announces %d children, %d elements follow",
                        (int)n, (int)(meta->n_schema - 1));
  out->fields = qv__calloc((size_t)n, sizeof(qv__pq_node *));
  QV_CHECK_ALLOC(out->fields, err);
  for (int32_t i = 0; i < n; i++) {
    QV_GOTO_IF_ERROR(st, parse(&c, 0, 0, AS_FIELD, &out->fields[i]), fail);
    out->n_fields++;
  }
  if (c.pos != meta->n_schema)
    QV_FAIL_GOTO(st, fail, err, QV_ERR_INVALID_DATA, "Parquet schema: %d elements follow the tree the children counts describe",
                 (int)(meta->n_schema - c.pos));
  out->leaves = c.leaves;
  out->n_leaves = c.n_leaves;
  c.leaves = NULL;
  qv_field **fs = qv__calloc((size_t)n, sizeof(qv_field *));
  if (fs == NULL) QV_FAIL_GOTO(st, fail, err, QV_ERR_NO_MEMORY, "out of memory (Parquet schema)");
  for (int32_t i = 0; i < n; i++) fs[i] = out->fields[i]->field;
  st = qv_schema_new(fs, n, NULL, &out->arrow, err);
  qv__free(fs);
  if (st != QV_OK) goto fail;
  return QV_OK;
fail:
  qv__free(c.leaves);
  qv__pq_schema_free(out);
  return st;
}

void qv__pq_schema_free(qv__pq_schema *s) {
  for (int32_t i = 0; i < s->n_fields; i++) qv__pq_node_free(s->fields[i]);
  qv__free(s->fields);
  qv__free(s->leaves);
  qv_schema_release(s->arrow);
  memset(s, 0, sizeof(*s));
}
