/* quiver core: qv_type construction, reference counting and layout queries.
 *
 * Invariants:
 *   - parameterless types are static singletons with refcount_ < 0; retain
 *     and release ignore them, so callers treat every type the same way;
 *   - a constructed type is fully checked at construction (a qv_type that
 *     exists is a valid type), and owns references to its child fields,
 *     dictionary index/value types and extension storage;
 *   - `bit_width` is the width of one fixed-width value; dictionary types
 *     carry their index width and extension types copy their storage's, so
 *     the inline accessors in array.h work on them unchanged;
 *   - unions keep both type_codes[child] and child_index[code] (128 entries,
 *     -1 for unused codes).
 * Equality lives in type_equals.c and text in type_string.c.
 */
#include "core/internal.h"
#include "core/layout.h"

/* ---- singletons ---- */
#define QV__SINGLETON(NAME, ID, BITS)                                 \
  static qv_type k_type_##NAME = {.id = (ID), .bit_width = (BITS), .refcount_ = -1}; \
  qv_type *qv_type_##NAME(void) { return &k_type_##NAME; }

QV__SINGLETON(null, QV_TYPE_NULL, 0)
QV__SINGLETON(bool, QV_TYPE_BOOL, 1)
QV__SINGLETON(int8, QV_TYPE_INT8, 8)
QV__SINGLETON(int16, QV_TYPE_INT16, 16)
QV__SINGLETON(int32, QV_TYPE_INT32, 32)
QV__SINGLETON(int64, QV_TYPE_INT64, 64)
QV__SINGLETON(uint8, QV_TYPE_UINT8, 8)
QV__SINGLETON(uint16, QV_TYPE_UINT16, 16)
QV__SINGLETON(uint32, QV_TYPE_UINT32, 32)
QV__SINGLETON(uint64, QV_TYPE_UINT64, 64)
QV__SINGLETON(float16, QV_TYPE_FLOAT16, 16)
QV__SINGLETON(float32, QV_TYPE_FLOAT32, 32)
QV__SINGLETON(float64, QV_TYPE_FLOAT64, 64)
QV__SINGLETON(date32, QV_TYPE_DATE32, 32)
QV__SINGLETON(date64, QV_TYPE_DATE64, 64)
QV__SINGLETON(interval_months, QV_TYPE_INTERVAL_MONTHS, 32)
QV__SINGLETON(interval_day_time, QV_TYPE_INTERVAL_DAY_TIME, 64)
QV__SINGLETON(interval_month_day_nano, QV_TYPE_INTERVAL_MONTH_DAY_NANO, 128)
QV__SINGLETON(binary, QV_TYPE_BINARY, 0)
QV__SINGLETON(string, QV_TYPE_STRING, 0)
QV__SINGLETON(large_binary, QV_TYPE_LARGE_BINARY, 0)
QV__SINGLETON(large_string, QV_TYPE_LARGE_STRING, 0)
QV__SINGLETON(binary_view, QV_TYPE_BINARY_VIEW, 0)
QV__SINGLETON(string_view, QV_TYPE_STRING_VIEW, 0)
#undef QV__SINGLETON

qv_type *qv_type_from_id(qv_type_id id) {
  switch (id) {
    case QV_TYPE_NULL: return qv_type_null();
    case QV_TYPE_BOOL: return qv_type_bool();
    case QV_TYPE_INT8: return qv_type_int8();
    case QV_TYPE_INT16: return qv_type_int16();
    case QV_TYPE_INT32: return qv_type_int32();
    case QV_TYPE_INT64: return qv_type_int64();
    case QV_TYPE_UINT8: return qv_type_uint8();
    case QV_TYPE_UINT16: return qv_type_uint16();
    case QV_TYPE_UINT32: return qv_type_uint32();
    case QV_TYPE_UINT64: return qv_type_uint64();
    case QV_TYPE_FLOAT16: return qv_type_float16();
    case QV_TYPE_FLOAT32: return qv_type_float32();
    case QV_TYPE_FLOAT64: return qv_type_float64();
    case QV_TYPE_DATE32: return qv_type_date32();
    case QV_TYPE_DATE64: return qv_type_date64();
    case QV_TYPE_INTERVAL_MONTHS: return qv_type_interval_months();
    case QV_TYPE_INTERVAL_DAY_TIME: return qv_type_interval_day_time();
    case QV_TYPE_INTERVAL_MONTH_DAY_NANO: return qv_type_interval_month_day_nano();
    case QV_TYPE_BINARY: return qv_type_binary();
    case QV_TYPE_STRING: return qv_type_string();
    case QV_TYPE_LARGE_BINARY: return qv_type_large_binary();
    case QV_TYPE_LARGE_STRING: return qv_type_large_string();
    case QV_TYPE_BINARY_VIEW: return qv_type_binary_view();
    case QV_TYPE_STRING_VIEW: return qv_type_string_view();
    default: return NULL;
  }
}

/* ---- refcounting ---- */
/* A new type of `id` in *t; fails on a NULL `caller_out` (the public
 * constructor's out-parameter, which would receive *t), else clears it. */
static qv_status type_new(qv_type_id id, qv_type **caller_out, qv_type **t, qv_error *err) {
  if (caller_out == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s type: out is NULL", qv_type_id_name(id));
  *caller_out = NULL;
  *t = (qv_type *)qv__calloc(1, sizeof **t);
  QV_CHECK_ALLOC(*t, err);
  (*t)->id = id;
  (*t)->refcount_ = 1;
  return QV_OK;
}

qv_type *qv_type_retain(qv_type *type) {
  if (type != NULL && __atomic_load_n(&type->refcount_, __ATOMIC_RELAXED) >= 0)
    __atomic_fetch_add(&type->refcount_, 1, __ATOMIC_RELAXED);
  return type;
}

void qv_type_release(qv_type *type) {
  if (type == NULL || __atomic_load_n(&type->refcount_, __ATOMIC_RELAXED) < 0) return;
  if (__atomic_sub_fetch(&type->refcount_, 1, __ATOMIC_ACQ_REL) != 0) return;
  for (int32_t i = 0; i < type->n_children; i++) qv_field_release(type->children[i]);
  free(type->children);
  free(type->type_codes);
  free(type->child_index);
  free(type->timezone);
  qv_type_release(type->index_type);
  qv_type_release(type->value_type);
  qv_type_release(type->storage_type);
  free(type->extension_name);
  free(type->extension_metadata);
  free(type);
}

/* Takes new references to `n` fields into t->children. */
static qv_status type_set_children(qv_type *t, qv_field *const *fields, int32_t n, qv_error *err) {
  if (n < 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s type: negative number of fields %d",
                                 qv_type_id_name(t->id), n);
  if (n > 0 && fields == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s type: fields is NULL", qv_type_id_name(t->id));
  for (int32_t i = 0; i < n; i++)
    if (fields[i] == NULL)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s type: field %d is NULL", qv_type_id_name(t->id), i);
  t->children = (qv_field **)qv__calloc((size_t)n, sizeof(qv_field *));
  QV_CHECK_ALLOC(t->children, err);
  for (int32_t i = 0; i < n; i++) t->children[i] = qv_field_retain(fields[i]);
  t->n_children = n;
  return QV_OK;
}

/* Finishes a constructor: on failure frees the half-built type. */
static qv_status type_finish(qv_type *t, qv_status st, qv_type **out) {
  if (st != QV_OK) {
    qv_type_release(t);
    *out = NULL;
    return st;
  }
  *out = t;
  return QV_OK;
}

static const char *unit_name(qv_time_unit u) {
  switch (u) {
    case QV_UNIT_SECOND: return "s";
    case QV_UNIT_MILLI: return "ms";
    case QV_UNIT_MICRO: return "us";
    case QV_UNIT_NANO: return "ns";
  }
  return "?";
}

/* ---- parameterised constructors ---- */
qv_status qv_type_decimal(int32_t bit_width, int32_t precision, int32_t scale, qv_type **out, qv_error *err) {
  qv_type_id id;
  int32_t max;
  switch (bit_width) {
    case 32: id = QV_TYPE_DECIMAL32; max = 9; break;
    case 64: id = QV_TYPE_DECIMAL64; max = 18; break;
    case 128: id = QV_TYPE_DECIMAL128; max = 38; break;
    case 256: id = QV_TYPE_DECIMAL256; max = 76; break;
    default:
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "decimal bit width %d is not one of 32, 64, 128, 256",
                          bit_width);
  }
  if (precision < 1 || precision > max)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "decimal%d precision %d out of range [1, %d]", bit_width,
                        precision, max);
  qv_type *t = NULL;
  QV_RETURN_IF_ERROR(type_new(id, out, &t, err));
  t->bit_width = bit_width;
  t->precision = precision;
  t->scale = scale;
  *out = t;
  return QV_OK;
}

static qv_status type_unit(qv_type_id id, qv_time_unit unit, int32_t bits, qv_type **out, qv_error *err) {
  if ((int)unit < QV_UNIT_SECOND || (int)unit > QV_UNIT_NANO)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: invalid time unit %d", qv_type_id_name(id), (int)unit);
  qv_type *t = NULL;
  QV_RETURN_IF_ERROR(type_new(id, out, &t, err));
  t->unit = unit;
  t->bit_width = bits;
  *out = t;
  return QV_OK;
}

qv_status qv_type_time32(qv_time_unit unit, qv_type **out, qv_error *err) {
  if (unit != QV_UNIT_SECOND && unit != QV_UNIT_MILLI)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "time32 unit must be s or ms, got %s", unit_name(unit));
  return type_unit(QV_TYPE_TIME32, unit, 32, out, err);
}

qv_status qv_type_time64(qv_time_unit unit, qv_type **out, qv_error *err) {
  if (unit != QV_UNIT_MICRO && unit != QV_UNIT_NANO)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "time64 unit must be us or ns, got %s", unit_name(unit));
  return type_unit(QV_TYPE_TIME64, unit, 64, out, err);
}

qv_status qv_type_timestamp(qv_time_unit unit, const char *timezone, qv_type **out, qv_error *err) {
  QV_RETURN_IF_ERROR(type_unit(QV_TYPE_TIMESTAMP, unit, 64, out, err));
  if (timezone != NULL && timezone[0] != '\0') {
    (*out)->timezone = qv__strdup(timezone);
    if ((*out)->timezone == NULL) {
      qv_type_release(*out);
      *out = NULL;
      return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory copying timezone");
    }
  }
  return QV_OK;
}

qv_status qv_type_duration(qv_time_unit unit, qv_type **out, qv_error *err) {
  return type_unit(QV_TYPE_DURATION, unit, 64, out, err);
}

qv_status qv_type_fixed_size_binary(int32_t byte_width, qv_type **out, qv_error *err) {
  if (byte_width < 0 || byte_width > INT32_MAX / 8)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "fixed_size_binary byte width %d out of range [0, %d]",
                        byte_width, INT32_MAX / 8);
  qv_type *t = NULL;
  QV_RETURN_IF_ERROR(type_new(QV_TYPE_FIXED_SIZE_BINARY, out, &t, err));
  t->byte_width = byte_width;
  t->bit_width = byte_width * 8;
  *out = t;
  return QV_OK;
}

static qv_status type_listlike(qv_type_id id, qv_field *item, qv_type **out, qv_error *err) {
  if (item == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s type: item field is NULL", qv_type_id_name(id));
  qv_type *t = NULL;
  QV_RETURN_IF_ERROR(type_new(id, out, &t, err));
  return type_finish(t, type_set_children(t, &item, 1, err), out);
}

qv_status qv_type_list(qv_field *item, qv_type **out, qv_error *err) {
  return type_listlike(QV_TYPE_LIST, item, out, err);
}
qv_status qv_type_large_list(qv_field *item, qv_type **out, qv_error *err) {
  return type_listlike(QV_TYPE_LARGE_LIST, item, out, err);
}
qv_status qv_type_list_view(qv_field *item, qv_type **out, qv_error *err) {
  return type_listlike(QV_TYPE_LIST_VIEW, item, out, err);
}
qv_status qv_type_large_list_view(qv_field *item, qv_type **out, qv_error *err) {
  return type_listlike(QV_TYPE_LARGE_LIST_VIEW, item, out, err);
}

qv_status qv_type_fixed_size_list(qv_field *item, int32_t list_size, qv_type **out, qv_error *err) {
  if (list_size < 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "fixed_size_list size %d must not be negative", list_size);
  QV_RETURN_IF_ERROR(type_listlike(QV_TYPE_FIXED_SIZE_LIST, item, out, err));
  (*out)->list_size = list_size;
  return QV_OK;
}

qv_status qv_type_list_of(qv_type_id list_id, qv_type *value_type, qv_type **out, qv_error *err) {
  if (list_id != QV_TYPE_LIST && list_id != QV_TYPE_LARGE_LIST && list_id != QV_TYPE_LIST_VIEW &&
      list_id != QV_TYPE_LARGE_LIST_VIEW)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                        "qv_type_list_of: %s is not list, large_list, list_view or large_list_view",
                        qv_type_id_name(list_id));
  qv_field *item = NULL;
  QV_RETURN_IF_ERROR(qv_field_new("item", value_type, true, NULL, &item, err));
  qv_status st = type_listlike(list_id, item, out, err);
  qv_field_release(item);
  return st;
}

qv_status qv_type_struct(qv_field *const *fields, int32_t n_fields, qv_type **out, qv_error *err) {
  qv_type *t = NULL;
  QV_RETURN_IF_ERROR(type_new(QV_TYPE_STRUCT, out, &t, err));
  return type_finish(t, type_set_children(t, fields, n_fields, err), out);
}

qv_status qv_type_map_from_entries(qv_field *entries, bool keys_sorted, qv_type **out, qv_error *err) {
  if (entries == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "map type: entries field is NULL");
  const qv_type *et = entries->type;
  if (et->id != QV_TYPE_STRUCT || et->n_children != 2) {
    char buf[128];
    qv_type_format(et, buf, sizeof buf);
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                        "map type: entries field '%s' must be a struct of 2 fields (key, value), got %s",
                        entries->name, buf);
  }
  if (et->children[0]->nullable)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "map type: key field '%s' must not be nullable",
                        et->children[0]->name);
  qv_type *t = NULL;
  QV_RETURN_IF_ERROR(type_new(QV_TYPE_MAP, out, &t, err));
  t->keys_sorted = keys_sorted;
  return type_finish(t, type_set_children(t, &entries, 1, err), out);
}

qv_status qv_type_map(qv_type *key_type, qv_type *item_type, bool keys_sorted, qv_type **out, qv_error *err) {
  if (key_type == NULL || item_type == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "map type: %s type is NULL", key_type ? "item" : "key");
  qv_status st = QV_OK;
  qv_field *kv[2] = {NULL, NULL};
  qv_field *entries = NULL;
  qv_type *st_type = NULL;
  QV_GOTO_IF_ERROR(st, qv_field_new("key", key_type, false, NULL, &kv[0], err), cleanup);
  QV_GOTO_IF_ERROR(st, qv_field_new("value", item_type, true, NULL, &kv[1], err), cleanup);
  QV_GOTO_IF_ERROR(st, qv_type_struct(kv, 2, &st_type, err), cleanup);
  QV_GOTO_IF_ERROR(st, qv_field_new("entries", st_type, false, NULL, &entries, err), cleanup);
  QV_GOTO_IF_ERROR(st, qv_type_map_from_entries(entries, keys_sorted, out, err), cleanup);
cleanup:
  qv_field_release(kv[0]);
  qv_field_release(kv[1]);
  qv_field_release(entries);
  qv_type_release(st_type);
  return st;
}

qv_status qv_type_union(qv_type_id id, qv_field *const *fields, int32_t n_fields, const int8_t *type_codes,
                        qv_type **out, qv_error *err) {
  if (id != QV_TYPE_SPARSE_UNION && id != QV_TYPE_DENSE_UNION)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_type_union: id %s is not sparse_union or dense_union",
                        qv_type_id_name(id));
  if (n_fields < 0 || n_fields > 128)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s type: %d fields out of range [0, 128]",
                        qv_type_id_name(id), n_fields);
  qv_type *t = NULL;
  qv_status st = QV_OK;
  QV_RETURN_IF_ERROR(type_new(id, out, &t, err));
  QV_GOTO_IF_ERROR(st, type_set_children(t, fields, n_fields, err), done);
  t->type_codes = (int8_t *)qv__calloc((size_t)n_fields, 1);
  t->child_index = (int8_t *)qv__malloc(128);
  QV_CHECK_ALLOC_GOTO(t->type_codes, st, err, done);
  QV_CHECK_ALLOC_GOTO(t->child_index, st, err, done);
  memset(t->child_index, -1, 128);
  for (int32_t i = 0; i < n_fields; i++) {
    int8_t code = type_codes ? type_codes[i] : (int8_t)i;
    if (code < 0)
      QV_FAIL_GOTO(st, done, err, QV_ERR_INVALID_ARGUMENT, "%s type: type code %d of field %d ('%s') out of range [0, 127]",
                   qv_type_id_name(id), code, i, fields[i]->name);
    if (t->child_index[code] >= 0)
      QV_FAIL_GOTO(st, done, err, QV_ERR_INVALID_ARGUMENT, "%s type: type code %d is used by fields %d and %d",
                   qv_type_id_name(id), code, t->child_index[code], i);
    t->type_codes[i] = code;
    t->child_index[code] = (int8_t)i;
  }
done:
  return type_finish(t, st, out);
}

qv_status qv_type_dictionary(qv_type *index_type, qv_type *value_type, bool ordered, qv_type **out, qv_error *err) {
  if (index_type == NULL || value_type == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "dictionary type: %s type is NULL",
                        index_type ? "value" : "index");
  if (!qv_type_is_integer(index_type->id)) {
    char buf[128];
    qv_type_format(index_type, buf, sizeof buf);
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "dictionary index type must be an integer type, got %s", buf);
  }
  qv_type *t = NULL;
  QV_RETURN_IF_ERROR(type_new(QV_TYPE_DICTIONARY, out, &t, err));
  t->index_type = qv_type_retain(index_type);
  t->value_type = qv_type_retain(value_type);
  t->ordered = ordered;
  t->bit_width = index_type->bit_width;
  *out = t;
  return QV_OK;
}

qv_status qv_type_run_end_encoded_fields(qv_field *run_ends, qv_field *values, qv_type **out, qv_error *err) {
  if (run_ends == NULL || values == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "run_end_encoded type: %s field is NULL",
                        run_ends ? "values" : "run_ends");
  qv_type_id rid = run_ends->type->id;
  if (rid != QV_TYPE_INT16 && rid != QV_TYPE_INT32 && rid != QV_TYPE_INT64) {
    char buf[128];
    qv_type_format(run_ends->type, buf, sizeof buf);
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "run_end_encoded run_ends type must be int16, int32 or int64, got %s",
                        buf);
  }
  if (run_ends->nullable)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "run_end_encoded run_ends field '%s' must not be nullable",
                        run_ends->name);
  qv_type *t = NULL;
  QV_RETURN_IF_ERROR(type_new(QV_TYPE_RUN_END_ENCODED, out, &t, err));
  qv_field *kids[2] = {run_ends, values};
  return type_finish(t, type_set_children(t, kids, 2, err), out);
}

qv_status qv_type_run_end_encoded(qv_type *run_ends_type, qv_type *value_type, qv_type **out, qv_error *err) {
  if (run_ends_type == NULL || value_type == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "run_end_encoded type: %s type is NULL",
                        run_ends_type ? "value" : "run_ends");
  qv_status st = QV_OK;
  qv_field *re = NULL, *vals = NULL;
  QV_GOTO_IF_ERROR(st, qv_field_new("run_ends", run_ends_type, false, NULL, &re, err), cleanup);
  QV_GOTO_IF_ERROR(st, qv_field_new("values", value_type, true, NULL, &vals, err), cleanup);
  QV_GOTO_IF_ERROR(st, qv_type_run_end_encoded_fields(re, vals, out, err), cleanup);
cleanup:
  qv_field_release(re);
  qv_field_release(vals);
  return st;
}

/* Checks the storage of a recognised canonical extension. */
static qv_status canonical_check(const char *name, const qv_type *storage, qv_canonical_extension *kind,
                                 qv_error *err) {
  const qv_type *s = qv_type_storage(storage);
  const char *need = NULL;
  bool ok = true;
  *kind = QV_EXT_NONE;
  if (strcmp(name, "arrow.uuid") == 0) {
    *kind = QV_EXT_UUID;
    ok = s->id == QV_TYPE_FIXED_SIZE_BINARY && s->byte_width == 16;
    need = "fixed_size_binary[16]";
  } else if (strcmp(name, "arrow.json") == 0) {
    *kind = QV_EXT_JSON;
    ok = s->id == QV_TYPE_STRING || s->id == QV_TYPE_LARGE_STRING || s->id == QV_TYPE_STRING_VIEW;
    need = "string, large_string or string_view";
  } else if (strcmp(name, "arrow.bool8") == 0) {
    *kind = QV_EXT_BOOL8;
    ok = s->id == QV_TYPE_INT8;
    need = "int8";
  } else if (strcmp(name, "arrow.fixed_shape_tensor") == 0) {
    *kind = QV_EXT_FIXED_SHAPE_TENSOR;
    ok = s->id == QV_TYPE_FIXED_SIZE_LIST;
    need = "a fixed_size_list";
  } else if (strcmp(name, "arrow.opaque") == 0) {
    *kind = QV_EXT_OPAQUE;
  }
  if (ok) return QV_OK;
  char buf[128];
  qv_type_format(storage, buf, sizeof buf);
  return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "extension %s requires storage %s, got %s", name, need, buf);
}

/* metadata_len -1 means strlen(metadata), like qv_metadata_append. */
qv_status qv_type_extension(const char *name, const char *metadata, int32_t metadata_len, qv_type *storage,
                            qv_type **out, qv_error *err) {
  if (name == NULL || name[0] == '\0')
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "extension type: name is empty");
  if (storage == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "extension type %s: storage type is NULL", name);
  if (metadata_len == -1) {
    size_t n = metadata ? strlen(metadata) : 0;
    if (n > INT32_MAX) return qv_error_set(err, QV_ERR_LIMIT, "extension type %s: metadata too long", name);
    metadata_len = (int32_t)n;
  }
  if (metadata_len < 0 || (metadata == NULL && metadata_len > 0))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "extension type %s: bad metadata length %d", name,
                        metadata_len);
  qv_canonical_extension kind;
  QV_RETURN_IF_ERROR(canonical_check(name, storage, &kind, err));
  qv_type *t = NULL;
  qv_status st = QV_OK;
  QV_RETURN_IF_ERROR(type_new(QV_TYPE_EXTENSION, out, &t, err));
  t->storage_type = qv_type_retain(storage);
  t->bit_width = storage->bit_width;
  t->byte_width = storage->byte_width;
  t->list_size = storage->list_size;
  t->canonical = kind;
  t->extension_name = qv__strdup(name);
  t->extension_metadata = qv__strndup(metadata, (size_t)metadata_len);
  t->extension_metadata_len = metadata_len;
  QV_CHECK_ALLOC_GOTO(t->extension_name, st, err, done);
  QV_CHECK_ALLOC_GOTO(t->extension_metadata, st, err, done);
done:
  return type_finish(t, st, out);
}

/* ---- queries ---- */
const qv_type *qv_type_storage(const qv_type *type) {
  while (type != NULL && type->id == QV_TYPE_EXTENSION) type = type->storage_type;
  return type;
}

/* The layout queries read the layout table (layout.c). */
int32_t qv_type_num_buffers(const qv_type *type) { return qv__layout_of(type)->n_buffers; }

bool qv_type_has_validity(const qv_type *type) { return qv__layout_of(type)->nulls == QV__NULLS_BITMAP; }

bool qv_type_is_integer(qv_type_id id) { return id >= QV_TYPE_INT8 && id <= QV_TYPE_UINT64; }
bool qv_type_is_signed_integer(qv_type_id id) { return id >= QV_TYPE_INT8 && id <= QV_TYPE_INT64; }

bool qv_type_is_nested(qv_type_id id) {
  switch (id) {
    case QV_TYPE_LIST:
    case QV_TYPE_LARGE_LIST:
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW:
    case QV_TYPE_FIXED_SIZE_LIST:
    case QV_TYPE_STRUCT:
    case QV_TYPE_MAP:
    case QV_TYPE_SPARSE_UNION:
    case QV_TYPE_DENSE_UNION:
    case QV_TYPE_RUN_END_ENCODED:
      return true;
    default:
      return false;
  }
}

int32_t qv__type_byte_width(const qv_type *type) {
  const qv__layout *l = qv__layout_of(type);
  if (l->n_buffers < 2 || l->buffers[1].role != QV__BUF_VALUES) return 0;
  return qv__layout_width(&l->buffers[1], qv_type_storage(type));
}

const char *qv_type_id_name(qv_type_id id) {
  static const char *const names[QV_TYPE_ID_COUNT] = {
      "null", "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
      "float16", "float32", "float64", "decimal32", "decimal64", "decimal128", "decimal256",
      "date32", "date64", "time32", "time64", "timestamp", "duration", "interval_months",
      "interval_day_time", "interval_month_day_nano", "binary", "string", "large_binary",
      "large_string", "binary_view", "string_view", "fixed_size_binary", "list", "large_list",
      "list_view", "large_list_view", "fixed_size_list", "struct", "map", "sparse_union",
      "dense_union", "dictionary", "run_end_encoded", "extension"};
  if ((int)id < 0 || id >= QV_TYPE_ID_COUNT) return "unknown";
  return names[id];
}
