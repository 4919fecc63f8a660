/* quiver IPC: encoding quiver schemas and batch descriptions as Arrow
 * metadata flatbuffers (the inverse of metadata_decode.c).
 *
 * Everything is written through the caller's qv_fb_builder, children first
 * (the builder writes back to front). Child-field refs travel on the
 * builder's ref stack, so a schema of any shape is encoded without heap
 * allocation once the builder has warmed up; the batch encoders, on the
 * writer's per-batch path, allocate nothing either.
 *
 * Choices that matter to other readers, following Arrow C++: every Field
 * gets a name (possibly "") and a children vector (possibly empty); union
 * typeIds are always written; Decimal.bitWidth is written unless 128 (the
 * default); an extension type becomes its storage type plus the
 * ARROW:extension:name / ARROW:extension:metadata field metadata keys.
 * Dictionary ids are assigned in pre-order (see metadata.h).
 */
#include <inttypes.h>

#include "core/internal.h"
#include "ipc/metadata.h"

typedef struct ectx {
  qv_fb_builder *b;
  const int64_t *ids; /* caller's dictionary ids, or NULL for 0, 1, ... */
  int32_t n_ids;
  int32_t next_dict;  /* pre-order index of the next dictionary field */
  qv_error *err;
} ectx;

/* A failed builder call: report the builder's sticky error. */
#define B(c, expr)                                                 \
  do {                                                             \
    if ((expr) != QV_OK) return qv__fb_builder_error((c)->b, (c)->err); \
  } while (0)

static qv_status empty_table(ectx *c, qv_fb_ref *out) {
  B(c, qv__fb_start_table(c->b));
  B(c, qv__fb_end_table(c->b, out));
  return QV_OK;
}

static qv_status int_table(ectx *c, const qv_type *t, qv_fb_ref *out) {
  B(c, qv__fb_start_table(c->b));
  B(c, qv__fb_add_int32(c->b, FB_INT_BIT_WIDTH, t->bit_width, 0));
  B(c, qv__fb_add_bool(c->b, FB_INT_IS_SIGNED, qv_type_is_signed_integer(t->id), false));
  B(c, qv__fb_end_table(c->b, out));
  return QV_OK;
}

static qv_status one_scalar_table(ectx *c, unsigned slot, int32_t v, int32_t def, int bytes,
                                  qv_fb_ref *out) {
  B(c, qv__fb_start_table(c->b));
  if (bytes == 2) B(c, qv__fb_add_int16(c->b, slot, (int16_t)v, (int16_t)def));
  else if (bytes == 1) B(c, qv__fb_add_bool(c->b, slot, v != 0, def != 0));
  else B(c, qv__fb_add_int32(c->b, slot, v, def));
  B(c, qv__fb_end_table(c->b, out));
  return QV_OK;
}

/* The Type union member for a (non-dictionary, non-extension) type. */
static qv_status encode_type(ectx *c, const qv_type *t, uint8_t *tag, qv_fb_ref *out) {
  qv_fb_builder *b = c->b;
  switch (t->id) {
    case QV_TYPE_NULL: *tag = FB_TYPE_NULL; return empty_table(c, out);
    case QV_TYPE_BOOL: *tag = FB_TYPE_BOOL; return empty_table(c, out);
    case QV_TYPE_BINARY: *tag = FB_TYPE_BINARY; return empty_table(c, out);
    case QV_TYPE_STRING: *tag = FB_TYPE_UTF8; return empty_table(c, out);
    case QV_TYPE_LARGE_BINARY: *tag = FB_TYPE_LARGE_BINARY; return empty_table(c, out);
    case QV_TYPE_LARGE_STRING: *tag = FB_TYPE_LARGE_UTF8; return empty_table(c, out);
    case QV_TYPE_BINARY_VIEW: *tag = FB_TYPE_BINARY_VIEW; return empty_table(c, out);
    case QV_TYPE_STRING_VIEW: *tag = FB_TYPE_UTF8_VIEW; return empty_table(c, out);
    case QV_TYPE_LIST: *tag = FB_TYPE_LIST; return empty_table(c, out);
    case QV_TYPE_LARGE_LIST: *tag = FB_TYPE_LARGE_LIST; return empty_table(c, out);
    case QV_TYPE_LIST_VIEW: *tag = FB_TYPE_LIST_VIEW; return empty_table(c, out);
    case QV_TYPE_LARGE_LIST_VIEW: *tag = FB_TYPE_LARGE_LIST_VIEW; return empty_table(c, out);
    case QV_TYPE_STRUCT: *tag = FB_TYPE_STRUCT; return empty_table(c, out);
    case QV_TYPE_RUN_END_ENCODED: *tag = FB_TYPE_RUN_END_ENCODED; return empty_table(c, out);
    case QV_TYPE_INT8: case QV_TYPE_INT16: case QV_TYPE_INT32: case QV_TYPE_INT64:
    case QV_TYPE_UINT8: case QV_TYPE_UINT16: case QV_TYPE_UINT32: case QV_TYPE_UINT64:
      *tag = FB_TYPE_INT;
      return int_table(c, t, out);
    case QV_TYPE_FLOAT16: case QV_TYPE_FLOAT32: case QV_TYPE_FLOAT64:
      *tag = FB_TYPE_FLOATING_POINT;
      return one_scalar_table(c, FB_FLOATING_POINT_PRECISION,
                              t->id == QV_TYPE_FLOAT16   ? FB_PRECISION_HALF
                              : t->id == QV_TYPE_FLOAT32 ? FB_PRECISION_SINGLE
                                                         : FB_PRECISION_DOUBLE,
                              FB_PRECISION_HALF, 2, out);
    case QV_TYPE_DECIMAL32: case QV_TYPE_DECIMAL64: case QV_TYPE_DECIMAL128: case QV_TYPE_DECIMAL256:
      *tag = FB_TYPE_DECIMAL;
      B(c, qv__fb_start_table(b));
      B(c, qv__fb_add_int32(b, FB_DECIMAL_PRECISION, t->precision, 0));
      B(c, qv__fb_add_int32(b, FB_DECIMAL_SCALE, t->scale, 0));
      B(c, qv__fb_add_int32(b, FB_DECIMAL_BIT_WIDTH, t->bit_width, FB_DECIMAL_DEFAULT_BIT_WIDTH));
      B(c, qv__fb_end_table(b, out));
      return QV_OK;
    case QV_TYPE_DATE32: case QV_TYPE_DATE64:
      *tag = FB_TYPE_DATE;
      return one_scalar_table(c, FB_DATE_UNIT,
                              t->id == QV_TYPE_DATE32 ? FB_DATE_UNIT_DAY : FB_DATE_UNIT_MILLISECOND,
                              FB_DATE_UNIT_MILLISECOND, 2, out);
    case QV_TYPE_TIME32: case QV_TYPE_TIME64:
      *tag = FB_TYPE_TIME;
      B(c, qv__fb_start_table(b));
      B(c, qv__fb_add_int16(b, FB_TIME_UNIT, (int16_t)t->unit, FB_TIMEUNIT_MILLISECOND));
      B(c, qv__fb_add_int32(b, FB_TIME_BIT_WIDTH, t->id == QV_TYPE_TIME32 ? 32 : 64,
                           FB_TIME_DEFAULT_BIT_WIDTH));
      B(c, qv__fb_end_table(b, out));
      return QV_OK;
    case QV_TYPE_TIMESTAMP: {
      qv_fb_ref tz = 0;
      *tag = FB_TYPE_TIMESTAMP;
      if (t->timezone != NULL && t->timezone[0] != '\0') {
        B(c, qv__fb_create_string(b, t->timezone, strlen(t->timezone), &tz));
      }
      B(c, qv__fb_start_table(b));
      B(c, qv__fb_add_int16(b, FB_TIMESTAMP_UNIT, (int16_t)t->unit, FB_TIMEUNIT_SECOND));
      B(c, qv__fb_add_offset(b, FB_TIMESTAMP_TIMEZONE, tz));
      B(c, qv__fb_end_table(b, out));
      return QV_OK;
    }
    case QV_TYPE_DURATION:
      *tag = FB_TYPE_DURATION;
      return one_scalar_table(c, FB_DURATION_UNIT, (int32_t)t->unit, FB_TIMEUNIT_MILLISECOND, 2, out);
    case QV_TYPE_INTERVAL_MONTHS: case QV_TYPE_INTERVAL_DAY_TIME: case QV_TYPE_INTERVAL_MONTH_DAY_NANO:
      *tag = FB_TYPE_INTERVAL;
      return one_scalar_table(c, FB_INTERVAL_UNIT,
                              t->id == QV_TYPE_INTERVAL_MONTHS     ? FB_INTERVAL_YEAR_MONTH
                              : t->id == QV_TYPE_INTERVAL_DAY_TIME ? FB_INTERVAL_DAY_TIME
                                                                   : FB_INTERVAL_MONTH_DAY_NANO,
                              FB_INTERVAL_YEAR_MONTH, 2, out);
    case QV_TYPE_FIXED_SIZE_BINARY:
      *tag = FB_TYPE_FIXED_SIZE_BINARY;
      return one_scalar_table(c, FB_FIXED_SIZE_BINARY_BYTE_WIDTH, t->byte_width, 0, 4, out);
    case QV_TYPE_FIXED_SIZE_LIST:
      *tag = FB_TYPE_FIXED_SIZE_LIST;
      return one_scalar_table(c, FB_FIXED_SIZE_LIST_LIST_SIZE, t->list_size, 0, 4, out);
    case QV_TYPE_MAP:
      *tag = FB_TYPE_MAP;
      return one_scalar_table(c, FB_MAP_KEYS_SORTED, t->keys_sorted, 0, 1, out);
    case QV_TYPE_SPARSE_UNION: case QV_TYPE_DENSE_UNION: {
      int32_t ids[128];
      qv_fb_ref vids;
      int32_t n = t->n_children < 128 ? t->n_children : 128;
      for (int32_t i = 0; i < n; i++) ids[i] = t->type_codes ? t->type_codes[i] : i;
      *tag = FB_TYPE_UNION;
      B(c, qv__fb_create_vector_int32(b, ids, (size_t)n, &vids));
      B(c, qv__fb_start_table(b));
      B(c, qv__fb_add_int16(b, FB_UNION_MODE,
                           t->id == QV_TYPE_DENSE_UNION ? FB_UNION_MODE_DENSE : FB_UNION_MODE_SPARSE,
                           FB_UNION_MODE_SPARSE));
      B(c, qv__fb_add_offset(b, FB_UNION_TYPE_IDS, vids));
      B(c, qv__fb_end_table(b, out));
      return QV_OK;
    }
    default:
      return qv_error_set(c->err, QV_ERR_INVALID_ARGUMENT, "cannot encode a %s type here",
                          qv_type_id_name(t->id));
  }
}

static qv_status key_value(ectx *c, const char *k, int32_t kn, const char *v, int32_t vn) {
  qv_fb_ref kr, vr, r;
  B(c, qv__fb_create_string(c->b, k, (size_t)kn, &kr));
  B(c, qv__fb_create_string(c->b, v, (size_t)vn, &vr));
  B(c, qv__fb_start_table(c->b));
  B(c, qv__fb_add_offset(c->b, FB_KEY_VALUE_KEY, kr));
  B(c, qv__fb_add_offset(c->b, FB_KEY_VALUE_VALUE, vr));
  B(c, qv__fb_end_table(c->b, &r));
  B(c, qv__fb_push_ref(c->b, r));
  return QV_OK;
}

static bool is_extension_key(const char *k) {
  return strcmp(k, QV_IPC_EXTENSION_NAME_KEY) == 0 || strcmp(k, QV_IPC_EXTENSION_METADATA_KEY) == 0;
}

/* [KeyValue] of md plus, for an extension type, its two keys (which replace
 * any stale copies in md). *out = 0 when there is nothing to write. */
static qv_status encode_metadata(ectx *c, const qv_metadata *md, const qv_type *ext, qv_fb_ref *out) {
  size_t n = 0;
  *out = 0;
  for (int64_t i = 0; md != NULL && i < md->n; i++) {
    const qv_kv *kv = &md->pairs[i];
    if (ext != NULL && is_extension_key(kv->key)) continue;
    QV_RETURN_IF_ERROR(key_value(c, kv->key, kv->key_len, kv->value, kv->value_len));
    n++;
  }
  if (ext != NULL) {
    QV_RETURN_IF_ERROR(key_value(c, QV_IPC_EXTENSION_NAME_KEY, (int32_t)strlen(QV_IPC_EXTENSION_NAME_KEY),
                                 ext->extension_name, (int32_t)strlen(ext->extension_name)));
    QV_RETURN_IF_ERROR(key_value(c, QV_IPC_EXTENSION_METADATA_KEY,
                                 (int32_t)strlen(QV_IPC_EXTENSION_METADATA_KEY),
                                 ext->extension_metadata ? ext->extension_metadata : "",
                                 ext->extension_metadata_len));
    n += 2;
  }
  if (n > 0) B(c, qv__fb_create_vector_from_stack(c->b, n, out));
  return QV_OK;
}

/* Splits a field type into extension / dictionary / value layers. */
static qv_status peel(ectx *c, const qv_field *f, const qv_type **ext, const qv_type **dict,
                      const qv_type **value) {
  const qv_type *t = f->type;
  *ext = *dict = NULL;
  if (t->id == QV_TYPE_EXTENSION) {
    *ext = t;
    t = t->storage_type;
  }
  if (t->id == QV_TYPE_DICTIONARY) {
    *dict = t;
    t = t->value_type;
  }
  if (t->id == QV_TYPE_EXTENSION && *ext == NULL) { /* dictionary of extension values */
    *ext = t;
    t = t->storage_type;
  }
  if (t->id == QV_TYPE_EXTENSION || t->id == QV_TYPE_DICTIONARY) {
    return qv_error_set(c->err, QV_ERR_INVALID_ARGUMENT,
                        "field '%s': a %s type nested directly in another cannot be encoded", f->name,
                        qv_type_id_name(t->id));
  }
  *value = t;
  return QV_OK;
}

static qv_status encode_field(ectx *c, const qv_field *f, int depth, qv_fb_ref *out) {
  qv_fb_builder *b = c->b;
  const qv_type *ext = NULL, *dict = NULL, *t = NULL;
  qv_fb_ref kids = 0, name, type, de = 0, md = 0;
  uint8_t tag = FB_TYPE_NONE;
  if (depth > QV_IPC_MAX_FIELD_DEPTH) {
    return qv_error_set(c->err, QV_ERR_INVALID_ARGUMENT, "field '%s' is nested more than %d levels deep",
                        f->name, QV_IPC_MAX_FIELD_DEPTH);
  }
  QV_RETURN_IF_ERROR(peel(c, f, &ext, &dict, &t));
  int64_t dict_id = 0;
  if (dict != NULL) { /* numbered before its children: pre-order */
    if (c->ids != NULL && c->next_dict >= c->n_ids) {
      return qv_error_set(c->err, QV_ERR_INVALID_ARGUMENT,
                          "field '%s': the schema has more dictionary fields than the %d ids given",
                          f->name, (int)c->n_ids);
    }
    dict_id = c->ids != NULL ? c->ids[c->next_dict] : c->next_dict;
    c->next_dict++;
  }
  for (int32_t i = 0; i < t->n_children; i++) {
    qv_fb_ref r;
    QV_RETURN_IF_ERROR(encode_field(c, t->children[i], depth + 1, &r));
    B(c, qv__fb_push_ref(b, r));
  }
  B(c, qv__fb_create_vector_from_stack(b, (size_t)t->n_children, &kids));
  B(c, qv__fb_create_string(b, f->name, strlen(f->name), &name));
  QV_RETURN_IF_ERROR(encode_type(c, t, &tag, &type));
  if (dict != NULL) {
    qv_fb_ref index;
    QV_RETURN_IF_ERROR(int_table(c, dict->index_type, &index));
    B(c, qv__fb_start_table(b));
    B(c, qv__fb_add_int64(b, FB_DICTIONARY_ENCODING_ID, dict_id, 0));
    B(c, qv__fb_add_offset(b, FB_DICTIONARY_ENCODING_INDEX_TYPE, index));
    B(c, qv__fb_add_bool(b, FB_DICTIONARY_ENCODING_IS_ORDERED, dict->ordered, false));
    B(c, qv__fb_end_table(b, &de));
  }
  QV_RETURN_IF_ERROR(encode_metadata(c, f->metadata, ext, &md));
  B(c, qv__fb_start_table(b));
  B(c, qv__fb_add_offset(b, FB_FIELD_NAME, name));
  B(c, qv__fb_add_bool(b, FB_FIELD_NULLABLE, f->nullable, false));
  B(c, qv__fb_add_union(b, FB_FIELD_TYPE_TYPE, tag, type));
  B(c, qv__fb_add_offset(b, FB_FIELD_DICTIONARY, de));
  B(c, qv__fb_add_offset(b, FB_FIELD_CHILDREN, kids));
  B(c, qv__fb_add_offset(b, FB_FIELD_CUSTOM_METADATA, md));
  B(c, qv__fb_end_table(b, out));
  return QV_OK;
}

qv_status qv__ipc_schema_encode(qv_fb_builder *b, const qv_schema *schema, const int64_t *dict_ids,
                               int32_t n_dict_ids, qv_fb_ref *out, qv_error *err) {
  ectx c = {b, dict_ids, n_dict_ids, 0, err};
  qv_fb_ref fields, md;
  *out = 0;
  for (int32_t i = 0; i < schema->n_fields; i++) {
    qv_fb_ref r;
    QV_RETURN_IF_ERROR(encode_field(&c, schema->fields[i], 1, &r));
    B(&c, qv__fb_push_ref(b, r));
  }
  B(&c, qv__fb_create_vector_from_stack(b, (size_t)schema->n_fields, &fields));
  QV_RETURN_IF_ERROR(encode_metadata(&c, schema->metadata, NULL, &md));
  B(&c, qv__fb_start_table(b));
  B(&c, qv__fb_add_int16(b, FB_SCHEMA_ENDIANNESS, FB_ENDIANNESS_LITTLE, FB_ENDIANNESS_LITTLE));
  B(&c, qv__fb_add_offset(b, FB_SCHEMA_FIELDS, fields));
  B(&c, qv__fb_add_offset(b, FB_SCHEMA_CUSTOM_METADATA, md));
  B(&c, qv__fb_end_table(b, out));
  return QV_OK;
}

static int32_t count_dicts(const qv_field *f, int depth) {
  const qv_type *t = f->type;
  int32_t n = 0;
  if (depth > QV_IPC_MAX_FIELD_DEPTH) return 0;
  if (t->id == QV_TYPE_EXTENSION) t = t->storage_type;
  if (t->id == QV_TYPE_DICTIONARY) {
    n++;
    t = t->value_type;
  }
  if (t->id == QV_TYPE_EXTENSION) t = t->storage_type;
  for (int32_t i = 0; i < t->n_children; i++) n += count_dicts(t->children[i], depth + 1);
  return n;
}

int32_t qv__ipc_schema_count_dicts(const qv_schema *schema) {
  int32_t n = 0;
  for (int32_t i = 0; i < schema->n_fields; i++) n += count_dicts(schema->fields[i], 1);
  return n;
}

qv_status qv__ipc_message_encode(qv_fb_builder *b, uint8_t header_type, qv_fb_ref header,
                                int64_t body_length, const qv_metadata *custom_metadata,
                                const uint8_t **data, size_t *len, qv_error *err) {
  ectx c = {b, NULL, 0, 0, err};
  qv_fb_ref md, msg;
  *data = NULL;
  *len = 0;
  if (body_length < 0) {
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "message body length %" PRId64 " is negative",
                        body_length);
  }
  QV_RETURN_IF_ERROR(encode_metadata(&c, custom_metadata, NULL, &md));
  B(&c, qv__fb_start_table(b));
  B(&c, qv__fb_add_int16(b, FB_MESSAGE_VERSION, FB_METADATA_V5, FB_METADATA_V1));
  B(&c, qv__fb_add_union(b, FB_MESSAGE_HEADER_TYPE, header_type, header));
  B(&c, qv__fb_add_int64(b, FB_MESSAGE_BODY_LENGTH, body_length, 0));
  B(&c, qv__fb_add_offset(b, FB_MESSAGE_CUSTOM_METADATA, md));
  B(&c, qv__fb_end_table(b, &msg));
  return qv__fb_builder_finish(b, msg, data, len, err);
}

qv_status qv__ipc_schema_message_encode(qv_fb_builder *b, const qv_schema *schema,
                                       const int64_t *dict_ids, int32_t n_dict_ids,
                                       const uint8_t **data, size_t *len, qv_error *err) {
  qv_fb_ref s;
  *data = NULL;
  *len = 0;
  QV_RETURN_IF_ERROR(qv__ipc_schema_encode(b, schema, dict_ids, n_dict_ids, &s, err));
  return qv__ipc_message_encode(b, FB_HEADER_SCHEMA, s, 0, NULL, data, len, err);
}

/* ------------------------------------------------------------------ */
/* RecordBatch / DictionaryBatch                                        */
/* ------------------------------------------------------------------ */

qv_status qv__ipc_batch_encode(qv_fb_builder *b, const qv_ipc_batch_desc *d, qv_fb_ref *out,
                              qv_error *err) {
  ectx c = {b, NULL, 0, 0, err};
  qv_fb_ref nodes, buffers, variadic = 0, comp = 0;
  uint8_t *p;
  *out = 0;
  if (d->codec != QV_IPC_NO_COMPRESSION && d->codec != FB_COMPRESSION_LZ4_FRAME &&
      d->codec != FB_COMPRESSION_ZSTD) {
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "unknown compression codec %d", d->codec);
  }
  B(&c, qv__fb_start_vector(b, d->n_nodes, FB_FIELD_NODE_SIZE, 8, &p));
  for (uint32_t i = 0; i < d->n_nodes; i++, p += FB_FIELD_NODE_SIZE) {
    qv_fb_store_i64(p + FB_FIELD_NODE_LENGTH, d->nodes[i].length);
    qv_fb_store_i64(p + FB_FIELD_NODE_NULL_COUNT, d->nodes[i].null_count);
  }
  B(&c, qv__fb_end_vector(b, &nodes));
  B(&c, qv__fb_start_vector(b, d->n_buffers, FB_BUFFER_SIZE, 8, &p));
  for (uint32_t i = 0; i < d->n_buffers; i++, p += FB_BUFFER_SIZE) {
    qv_fb_store_i64(p + FB_BUFFER_OFFSET, d->buffers[i].offset);
    qv_fb_store_i64(p + FB_BUFFER_LENGTH, d->buffers[i].length);
  }
  B(&c, qv__fb_end_vector(b, &buffers));
  if (d->n_variadic > 0) B(&c, qv__fb_create_vector_int64(b, d->variadic_counts, d->n_variadic, &variadic));
  if (d->codec != QV_IPC_NO_COMPRESSION) {
    B(&c, qv__fb_start_table(b));
    B(&c, qv__fb_add_int8(b, FB_BODY_COMPRESSION_CODEC, (int8_t)d->codec, FB_COMPRESSION_LZ4_FRAME));
    B(&c, qv__fb_add_int8(b, FB_BODY_COMPRESSION_METHOD, FB_COMPRESSION_METHOD_BUFFER,
                         FB_COMPRESSION_METHOD_BUFFER));
    B(&c, qv__fb_end_table(b, &comp));
  }
  B(&c, qv__fb_start_table(b));
  B(&c, qv__fb_add_int64(b, FB_RECORD_BATCH_LENGTH, d->length, 0));
  B(&c, qv__fb_add_offset(b, FB_RECORD_BATCH_NODES, nodes));
  B(&c, qv__fb_add_offset(b, FB_RECORD_BATCH_BUFFERS, buffers));
  B(&c, qv__fb_add_offset(b, FB_RECORD_BATCH_COMPRESSION, comp));
  B(&c, qv__fb_add_offset(b, FB_RECORD_BATCH_VARIADIC_BUFFER_COUNTS, variadic));
  B(&c, qv__fb_end_table(b, out));
  return QV_OK;
}

qv_status qv__ipc_batch_message_encode(qv_fb_builder *b, const qv_ipc_batch_desc *d,
                                      int64_t body_length, const uint8_t **data, size_t *len,
                                      qv_error *err) {
  qv_fb_ref rb;
  *data = NULL;
  *len = 0;
  QV_RETURN_IF_ERROR(qv__ipc_batch_encode(b, d, &rb, err));
  return qv__ipc_message_encode(b, FB_HEADER_RECORD_BATCH, rb, body_length, NULL, data, len, err);
}

qv_status qv__ipc_dict_batch_message_encode(qv_fb_builder *b, int64_t id, bool is_delta,
                                           const qv_ipc_batch_desc *d, int64_t body_length,
                                           const uint8_t **data, size_t *len, qv_error *err) {
  ectx c = {b, NULL, 0, 0, err};
  qv_fb_ref rb, db;
  *data = NULL;
  *len = 0;
  QV_RETURN_IF_ERROR(qv__ipc_batch_encode(b, d, &rb, err));
  B(&c, qv__fb_start_table(b));
  B(&c, qv__fb_add_int64(b, FB_DICTIONARY_BATCH_ID, id, 0));
  B(&c, qv__fb_add_offset(b, FB_DICTIONARY_BATCH_DATA, rb));
  B(&c, qv__fb_add_bool(b, FB_DICTIONARY_BATCH_IS_DELTA, is_delta, false));
  B(&c, qv__fb_end_table(b, &db));
  return qv__ipc_message_encode(b, FB_HEADER_DICTIONARY_BATCH, db, body_length, NULL, data, len, err);
}

/* ------------------------------------------------------------------ */
/* Footer                                                               */
/* ------------------------------------------------------------------ */

static qv_status blocks(ectx *c, const qv_ipc_block *v, uint32_t n, qv_fb_ref *out) {
  uint8_t *p;
  B(c, qv__fb_start_vector(c->b, n, FB_BLOCK_SIZE, 8, &p)); /* zeroed: the 4 pad bytes stay 0 */
  for (uint32_t i = 0; i < n; i++, p += FB_BLOCK_SIZE) {
    qv_fb_store_i64(p + FB_BLOCK_OFFSET, v[i].offset);
    qv_fb_store_i32(p + FB_BLOCK_META_DATA_LENGTH, v[i].metadata_length);
    qv_fb_store_i64(p + FB_BLOCK_BODY_LENGTH, v[i].body_length);
  }
  B(c, qv__fb_end_vector(c->b, out));
  return QV_OK;
}

qv_status qv__ipc_footer_encode(qv_fb_builder *b, const qv_schema *schema, const int64_t *dict_ids,
                               int32_t n_dict_ids, const qv_ipc_block *dictionaries,
                               uint32_t n_dictionaries, const qv_ipc_block *record_batches,
                               uint32_t n_record_batches, const uint8_t **data, size_t *len,
                               qv_error *err) {
  ectx c = {b, NULL, 0, 0, err};
  qv_fb_ref s, dv, rv, footer;
  *data = NULL;
  *len = 0;
  QV_RETURN_IF_ERROR(qv__ipc_schema_encode(b, schema, dict_ids, n_dict_ids, &s, err));
  QV_RETURN_IF_ERROR(blocks(&c, dictionaries, n_dictionaries, &dv));
  QV_RETURN_IF_ERROR(blocks(&c, record_batches, n_record_batches, &rv));
  B(&c, qv__fb_start_table(b));
  B(&c, qv__fb_add_int16(b, FB_FOOTER_VERSION, FB_METADATA_V5, FB_METADATA_V1));
  B(&c, qv__fb_add_offset(b, FB_FOOTER_SCHEMA, s));
  B(&c, qv__fb_add_offset(b, FB_FOOTER_DICTIONARIES, dv));
  B(&c, qv__fb_add_offset(b, FB_FOOTER_RECORD_BATCHES, rv));
  B(&c, qv__fb_end_table(b, &footer));
  return qv__fb_builder_finish(b, footer, data, len, err);
}
