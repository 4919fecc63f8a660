/* Parquet: restoring the stored Arrow schema (see arrow_schema.h).
 *
 * compatible() and restore() walk the two types together and must agree:
 * every pair compatible() accepts, restore() converts. Conversions share
 * buffers where the layout is the same (time zone, duration, extension) and
 * copy only offsets (large types) or values (date64). */
#include "parquet/arrow_schema.h"

#include <string.h>

#include "core/internal.h"
#include "ipc/metadata.h"

#define QV__ARROW_SCHEMA_KEY "ARROW:schema"

static int b64_value(uint8_t c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

/* Decodes base64 (padding optional); NULL on bad input or no memory. */
static uint8_t *b64_decode(const char *s, size_t n, size_t *out_len) {
  uint8_t *out = qv__malloc(n / 4 * 3 + 3);
  if (out == NULL) return NULL;
  size_t k = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; i++) {
    uint8_t c = (uint8_t)s[i];
    if (c == '=') break;
    if (c == '\n' || c == '\r') continue;
    int v = b64_value(c);
    if (v < 0) {
      qv__free(out);
      return NULL;
    }
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[k++] = (uint8_t)(acc >> bits);
    }
  }
  *out_len = k;
  return out;
}

static qv_status decode_stored(const qv_kv *kv, qv_schema **out) {
  *out = NULL;
  size_t len = 0;
  uint8_t *raw = b64_decode(kv->value, (size_t)kv->value_len, &len);
  if (raw == NULL) return QV_ERR_INVALID_DATA;
  const uint8_t *p = raw;
  size_t n = len;
  if (n >= 8 && memcmp(p, "\xff\xff\xff\xff", 4) == 0) p += 8, n -= 8;
  else if (n >= 4) p += 4, n -= 4;
  qv_ipc_message msg;
  qv_ipc_schema_info info;
  memset(&info, 0, sizeof(info));
  qv_status st = qv__ipc_message_decode(p, n, &msg, NULL);
  if (st == QV_OK && msg.type != FB_HEADER_SCHEMA) st = QV_ERR_INVALID_DATA;
  if (st == QV_OK) st = qv__ipc_schema_decode(&msg.header, &info, NULL);
  if (st == QV_OK) {
    *out = info.schema;
    info.schema = NULL;
  }
  qv__ipc_schema_info_free(&info);
  qv__free(raw);
  return st;
}

static bool compatible(const qv_type *read, const qv_type *stored, int depth) {
  if (depth > 64) return false;
  if (qv_type_equals(read, stored, false)) return true;
  switch (stored->id) {
    case QV_TYPE_EXTENSION: return compatible(read, stored->storage_type, depth + 1);
    case QV_TYPE_TIMESTAMP: return read->id == QV_TYPE_TIMESTAMP && read->unit == stored->unit;
    case QV_TYPE_DURATION: return read->id == QV_TYPE_INT64;
    case QV_TYPE_LARGE_STRING: return read->id == QV_TYPE_STRING;
    case QV_TYPE_LARGE_BINARY: return read->id == QV_TYPE_BINARY;
    case QV_TYPE_DATE64: return read->id == QV_TYPE_DATE32;
    case QV_TYPE_LIST:
    case QV_TYPE_LARGE_LIST:
      return (read->id == QV_TYPE_LIST) && compatible(read->children[0]->type, stored->children[0]->type, depth + 1);
    case QV_TYPE_MAP:
      return read->id == QV_TYPE_MAP && compatible(read->children[0]->type, stored->children[0]->type, depth + 1);
    case QV_TYPE_STRUCT:
      if (read->id != QV_TYPE_STRUCT || read->n_children != stored->n_children) return false;
      for (int32_t i = 0; i < read->n_children; i++)
        if (!compatible(read->children[i]->type, stored->children[i]->type, depth + 1)) return false;
      return true;
    default: return false;
  }
}

qv_status qv__pq_arrow_schema_resolve(const qv_schema *parquet, const qv_metadata *kv, bool ignore_stored,
                                      qv_schema **out, qv_error *err) {
  qv_metadata *md = NULL;
  qv_schema *stored = NULL;
  qv_status st = QV_OK;
  qv_field **fs = qv__calloc((size_t)parquet->n_fields, sizeof(qv_field *));
  QV_CHECK_ALLOC(fs, err);
  for (int64_t i = 0; kv != NULL && i < kv->n; i++) {
    const qv_kv *p = &kv->pairs[i];
    if (strcmp(p->key, QV__ARROW_SCHEMA_KEY) == 0) {
      if (!ignore_stored && stored == NULL) (void)decode_stored(p, &stored);
      continue;
    }
    if (md == NULL) QV_GOTO_IF_ERROR(st, qv_metadata_new(&md, err), done);
    QV_GOTO_IF_ERROR(st, qv_metadata_append(md, p->key, p->key_len, p->value, p->value_len, err), done);
  }
  bool use = stored != NULL && stored->n_fields == parquet->n_fields;
  for (int32_t i = 0; i < parquet->n_fields; i++) {
    qv_field *rf = parquet->fields[i];
    qv_field *sf = use ? stored->fields[i] : NULL;
    if (sf != NULL && strcmp(sf->name, rf->name) == 0 && compatible(rf->type, sf->type, 0)) {
      fs[i] = sf;
    } else {
      fs[i] = rf;
    }
  }
  st = qv_schema_new(fs, parquet->n_fields, md, out, err);
done:
  qv__free(fs);
  qv_metadata_free(md);
  qv_schema_release(stored);
  return st;
}

static qv_status rebuild(qv_array *in, qv_type *target, qv_buffer **bufs, int32_t n_bufs, qv_array **kids,
                         int32_t n_kids, qv_array **out, qv_error *err) {
  return qv_array_new(target, in->length, in->offset, in->null_count, n_bufs, bufs, n_kids, kids, NULL, out, err);
}

static qv_status widen_offsets(qv_array *in, qv_buffer **out, qv_error *err) {
  int64_t n = in->offset + in->length + 1;
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, n * 8, false, out, err));
  const int32_t *src = (const int32_t *)(const void *)qv__array_buffer_or_empty(in, 1);
  int64_t *dst = (int64_t *)(void *)(*out)->data;
  bool present = qv_array_buffer_data(in, 1) != NULL;
  for (int64_t i = 0; i < n; i++) dst[i] = present ? src[i] : 0;
  return QV_OK;
}

qv_status qv__pq_arrow_restore(qv_array *in, qv_type *target, qv_array **out, qv_error *err) {
  if (qv_type_equals(in->type, target, false)) {
    *out = qv_array_retain(in);
    return QV_OK;
  }
  qv_status st = QV_OK;
  switch (target->id) {
    case QV_TYPE_EXTENSION: {
      qv_array *storage = NULL;
      QV_RETURN_IF_ERROR(qv__pq_arrow_restore(in, target->storage_type, &storage, err));
      st = rebuild(storage, target, storage->buffers, storage->n_buffers, storage->children, storage->n_children, out, err);
      qv_array_release(storage);
      return st;
    }
    case QV_TYPE_TIMESTAMP:
    case QV_TYPE_DURATION:
      return rebuild(in, target, in->buffers, in->n_buffers, NULL, 0, out, err);
    case QV_TYPE_LARGE_STRING:
    case QV_TYPE_LARGE_BINARY: {
      qv_buffer *offs = NULL;
      QV_RETURN_IF_ERROR(widen_offsets(in, &offs, err));
      qv_buffer *bufs[3] = {in->buffers[0], offs, in->buffers[2]};
      st = rebuild(in, target, bufs, 3, NULL, 0, out, err);
      qv_buffer_release(offs);
      return st;
    }
    case QV_TYPE_DATE64: {
      qv_buffer *vals = NULL;
      int64_t n = in->offset + in->length;
      QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, n * 8, false, &vals, err));
      const int32_t *src = (const int32_t *)(const void *)qv__array_buffer_or_empty(in, 1);
      int64_t *dst = (int64_t *)(void *)vals->data;
      for (int64_t i = 0; i < n; i++) dst[i] = (int64_t)src[i] * 86400000LL;
      qv_buffer *bufs[2] = {in->buffers[0], vals};
      st = rebuild(in, target, bufs, 2, NULL, 0, out, err);
      qv_buffer_release(vals);
      return st;
    }
    case QV_TYPE_LIST:
    case QV_TYPE_LARGE_LIST:
    case QV_TYPE_MAP: {
      qv_array *child = NULL;
      QV_RETURN_IF_ERROR(qv__pq_arrow_restore(in->children[0], target->children[0]->type, &child, err));
      qv_buffer *offs = NULL;
      if (target->id == QV_TYPE_LARGE_LIST) {
        st = widen_offsets(in, &offs, err);
      } else {
        offs = qv_buffer_retain(in->buffers[1]);
      }
      if (st == QV_OK) {
        qv_buffer *bufs[2] = {in->buffers[0], offs};
        st = rebuild(in, target, bufs, 2, &child, 1, out, err);
      }
      qv_buffer_release(offs);
      qv_array_release(child);
      return st;
    }
    case QV_TYPE_STRUCT: {
      qv_array **kids = qv__calloc((size_t)in->n_children, sizeof(qv_array *));
      QV_CHECK_ALLOC(kids, err);
      for (int32_t i = 0; i < in->n_children && st == QV_OK; i++)
        st = qv__pq_arrow_restore(in->children[i], target->children[i]->type, &kids[i], err);
      if (st == QV_OK) st = rebuild(in, target, in->buffers, in->n_buffers, kids, in->n_children, out, err);
      for (int32_t i = 0; i < in->n_children; i++) qv_array_release(kids[i]);
      qv__free(kids);
      return st;
    }
    default:
      return qv_error_set(err, QV_ERR_NOT_IMPLEMENTED, "Parquet: cannot restore %s from %s", qv_type_id_name(target->id),
                          qv_type_id_name(in->type->id));
  }
}
