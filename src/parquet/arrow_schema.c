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
#include "quiver/compute.h"

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
    case QV_TYPE_TIMESTAMP:
      /* same unit only: pyarrow writes seconds as milliseconds and reads them back as milliseconds */
      return read->id == QV_TYPE_TIMESTAMP && read->unit == stored->unit;
    case QV_TYPE_DURATION: return read->id == QV_TYPE_INT64;
    case QV_TYPE_LARGE_STRING:
    case QV_TYPE_STRING_VIEW: return read->id == QV_TYPE_STRING;
    case QV_TYPE_LARGE_BINARY:
    case QV_TYPE_BINARY_VIEW: return read->id == QV_TYPE_BINARY;
    case QV_TYPE_DECIMAL32:
    case QV_TYPE_DECIMAL64:
      return read->id == QV_TYPE_DECIMAL128 && read->precision == stored->precision && read->scale == stored->scale;
    case QV_TYPE_DICTIONARY: {
      /* as pyarrow: only binary-like dictionaries are restored */
      qv_type_id v = qv_type_storage(stored->value_type)->id;
      bool binary_like = v == QV_TYPE_STRING || v == QV_TYPE_BINARY || v == QV_TYPE_LARGE_STRING ||
                         v == QV_TYPE_LARGE_BINARY;
      return binary_like && qv_type_is_integer(stored->index_type->id) && compatible(read, stored->value_type, depth + 1);
    }
    case QV_TYPE_LIST:
    case QV_TYPE_LARGE_LIST:
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW:
    case QV_TYPE_FIXED_SIZE_LIST:
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
  bool *owned = qv__calloc((size_t)parquet->n_fields, sizeof(bool));
  if (fs == NULL || owned == NULL) {
    qv__free(fs);
    qv__free(owned);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (ARROW:schema)");
  }
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
    } else if (sf != NULL && strcmp(sf->name, rf->name) == 0 && sf->type->id == QV_TYPE_TIMESTAMP &&
               rf->type->id == QV_TYPE_TIMESTAMP && sf->type->timezone != NULL) {
      /* a unit Parquet cannot store (seconds): the read unit with the stored time zone, as pyarrow */
      qv_type *t = NULL;
      QV_GOTO_IF_ERROR(st, qv_type_timestamp(rf->type->unit, sf->type->timezone, &t, err), done);
      st = qv_field_new(sf->name, t, sf->nullable, sf->metadata, &fs[i], err);
      qv_type_release(t);
      if (st != QV_OK) goto done;
      owned[i] = true;
    } else {
      fs[i] = rf;
    }
  }
  st = qv_schema_new(fs, parquet->n_fields, md, out, err);
done:
  for (int32_t i = 0; i < parquet->n_fields; i++)
    if (owned[i]) qv_field_release(fs[i]);
  qv__free(owned);
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

/* decimal32/64 from decimal128 of the same precision (which fits). */
static qv_status narrow_decimal(qv_array *in, qv_type *target, qv_array **out, qv_error *err) {
  int64_t n = in->offset + in->length;
  int32_t w = target->bit_width / 8;
  qv_buffer *vals = NULL;
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, n * w, false, &vals, err));
  const uint8_t *src = qv__array_buffer_or_empty(in, 1);
  for (int64_t i = 0; i < n; i++) memcpy(vals->data + i * w, src + i * 16, (size_t)w); /* little-endian low words */
  qv_buffer *bufs[2] = {in->buffers[0], vals};
  qv_status st = rebuild(in, target, bufs, 2, NULL, 0, out, err);
  qv_buffer_release(vals);
  return st;
}

/* binary/string -> binary_view/string_view sharing the data buffer. */
static qv_status to_views(qv_array *in, qv_type *target, qv_array **out, qv_error *err) {
  int64_t n = in->length;
  qv_buffer *views = NULL;
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, n * QV_VIEW_SIZE, true, &views, err));
  const int32_t *off = (const int32_t *)(const void *)qv__array_buffer_or_empty(in, 1) + in->offset;
  const uint8_t *data = qv__array_buffer_or_empty(in, 2);
  qv_view *v = (qv_view *)(void *)views->data;
  bool any_long = false;
  for (int64_t i = 0; i < n && qv_array_buffer_data(in, 1) != NULL; i++) {
    int32_t len = off[i + 1] - off[i];
    v[i].inlined.size = len;
    if (len <= QV_VIEW_INLINE_MAX) {
      if (len > 0) memcpy(v[i].inlined.data, data + off[i], (size_t)len);
    } else {
      memcpy(v[i].ref.prefix, data + off[i], 4);
      v[i].ref.buffer_index = 0;
      v[i].ref.offset = off[i];
      any_long = true;
    }
  }
  qv_buffer *bufs[3] = {in->buffers[0], views, any_long ? in->buffers[2] : NULL};
  qv_status st = qv_array_new(target, n, 0, in->null_count, any_long ? 3 : 2, bufs, 0, NULL, NULL, out, err);
  qv_buffer_release(views);
  return st;
}

/* list -> list_view / large_list_view: offsets and sizes from the offsets. */
static qv_status to_list_view(qv_array *in, qv_array *child, qv_type *target, qv_array **out, qv_error *err) {
  int64_t n = in->offset + in->length;
  bool large = target->id == QV_TYPE_LARGE_LIST_VIEW;
  int64_t w = large ? 8 : 4;
  qv_buffer *offs = NULL, *sizes = NULL;
  qv_status st = qv_buffer_allocate(NULL, n * w, false, &offs, err);
  if (st == QV_OK) st = qv_buffer_allocate(NULL, n * w, false, &sizes, err);
  if (st == QV_OK) {
    const int32_t *src = (const int32_t *)(const void *)qv__array_buffer_or_empty(in, 1);
    bool present = qv_array_buffer_data(in, 1) != NULL;
    for (int64_t i = 0; i < n; i++) {
      int64_t o = present ? src[i] : 0, z = present ? (int64_t)src[i + 1] - src[i] : 0;
      if (large) {
        ((int64_t *)(void *)offs->data)[i] = o;
        ((int64_t *)(void *)sizes->data)[i] = z;
      } else {
        ((int32_t *)(void *)offs->data)[i] = (int32_t)o;
        ((int32_t *)(void *)sizes->data)[i] = (int32_t)z;
      }
    }
    qv_buffer *bufs[3] = {in->buffers[0], offs, sizes};
    st = rebuild(in, target, bufs, 3, &child, 1, out, err);
  }
  qv_buffer_release(offs);
  qv_buffer_release(sizes);
  return st;
}

/* An int64 array of n slots (nulls where valid[i] is false). */
static qv_status index_array(const int64_t *idx, const uint8_t *valid, int64_t n, int64_t nulls, qv_array **out,
                             qv_error *err) {
  qv_buffer *vals = NULL, *bits = NULL;
  QV_RETURN_IF_ERROR(qv_buffer_copy_from(NULL, idx, n * 8, &vals, err));
  qv_status st = QV_OK;
  if (nulls > 0) st = qv_buffer_copy_from(NULL, valid, (n + 7) / 8, &bits, err);
  if (st == QV_OK) {
    qv_buffer *bufs[2] = {bits, vals};
    st = qv_array_new(qv_type_int64(), n, 0, nulls, 2, bufs, 0, NULL, NULL, out, err);
  }
  qv_buffer_release(vals);
  qv_buffer_release(bits);
  return st;
}

/* list -> fixed_size_list: every valid list must have list_size items; a
 * null slot gets list_size null items (gathered with null indices). */
static qv_status to_fixed_size_list(qv_array *in, qv_array *child, qv_type *target, qv_array **out, qv_error *err) {
  int64_t n = in->length, size = target->list_size, total;
  if (qv__mul_overflow_i64(n, size, &total)) return qv_error_set(err, QV_ERR_OVERFLOW, "fixed_size_list too large");
  int64_t *idx = qv__calloc((size_t)(total ? total : 1), sizeof(int64_t));
  uint8_t *valid = qv__calloc((size_t)(total / 8 + 1), 1);
  qv_array *ix = NULL, *taken = NULL;
  qv_status st = QV_OK;
  int64_t nulls = 0;
  if (idx == NULL || valid == NULL) QV_FAIL_GOTO(st, done, err, QV_ERR_NO_MEMORY, "out of memory");
  for (int64_t i = 0; i < n; i++) {
    int64_t start = 0, len = 0;
    bool ok = qv_array_is_valid(in, i);
    if (ok) {
      qv_array_list_range(in, i, &start, &len);
      if (len != size)
        QV_FAIL_GOTO(st, done, err, QV_ERR_INVALID_DATA,
                     "Parquet: row %lld holds %lld items, the stored fixed_size_list type %lld", (long long)i,
                     (long long)len, (long long)size);
    }
    for (int64_t k = 0; k < size; k++) {
      idx[i * size + k] = ok ? start + k : 0;
      if (ok) valid[(i * size + k) >> 3] |= (uint8_t)(1u << ((i * size + k) & 7));
      else nulls++;
    }
  }
  QV_GOTO_IF_ERROR(st, index_array(idx, valid, total, nulls, &ix, err), done);
  QV_GOTO_IF_ERROR(st, qv_compute_take(child, ix, &taken, err), done);
  qv_buffer *bufs[1] = {in->buffers[0]};
  st = rebuild(in, target, bufs, 1, &taken, 1, out, err);
done:
  qv__free(idx);
  qv__free(valid);
  qv_array_release(ix);
  qv_array_release(taken);
  return st;
}

/* Dictionary encoding (first-occurrence order, as the Parquet dictionary
 * page has it): a hash of each valid slot's bytes. */
static uint64_t hash_bytes(const uint8_t *p, int64_t n) {
  uint64_t h = 1469598103934665603ULL;
  for (int64_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ULL;
  return h ^ (uint64_t)n;
}

static const uint8_t *slot_bytes(const qv_array *a, int64_t i, int64_t *len) {
  const qv_type *st = qv_type_storage(a->type);
  if (st->bit_width > 0 && st->bit_width % 8 == 0) {
    *len = st->bit_width / 8;
    return qv__array_buffer_or_empty(a, 1) + (a->offset + i) * *len;
  }
  if (st->id == QV_TYPE_BOOL) {
    static const uint8_t bits[2] = {0, 1};
    *len = 1;
    return &bits[qv_bit_get(qv__array_buffer_or_empty(a, 1), a->offset + i)];
  }
  return qv_array_bytes_value(a, i, len);
}

static qv_status dictionary_encode(qv_array *in, qv_type *target, qv_array **out, qv_error *err) {
  int64_t n = in->length, cap = 64;
  while (cap < 2 * n) cap *= 2;
  int64_t *table = qv__malloc((size_t)cap * sizeof(int64_t)); /* slot of the first occurrence, -1 empty */
  int64_t *codes = qv__calloc((size_t)(n ? n : 1), sizeof(int64_t));
  int64_t *firsts = qv__calloc((size_t)(n ? n : 1), sizeof(int64_t));
  qv_array *fi = NULL, *dict = NULL;
  qv_buffer *ib = NULL;
  qv_status st = QV_OK;
  int64_t n_unique = 0;
  if (table == NULL || codes == NULL || firsts == NULL) QV_FAIL_GOTO(st, done, err, QV_ERR_NO_MEMORY, "out of memory");
  for (int64_t i = 0; i < cap; i++) table[i] = -1;
  int64_t *code_of = qv__calloc((size_t)cap, sizeof(int64_t));
  if (code_of == NULL) QV_FAIL_GOTO(st, done, err, QV_ERR_NO_MEMORY, "out of memory");
  for (int64_t i = 0; i < n; i++) {
    if (!qv_array_is_valid(in, i)) continue;
    int64_t len;
    const uint8_t *p = slot_bytes(in, i, &len);
    uint64_t h = hash_bytes(p, len) & (uint64_t)(cap - 1);
    for (;;) {
      int64_t j = table[h];
      if (j < 0) {
        table[h] = i;
        code_of[h] = n_unique;
        firsts[n_unique] = i;
        codes[i] = n_unique++;
        break;
      }
      int64_t l2;
      const uint8_t *q = slot_bytes(in, j, &l2);
      if (l2 == len && (len == 0 || memcmp(p, q, (size_t)len) == 0)) {
        codes[i] = code_of[h];
        break;
      }
      h = (h + 1) & (uint64_t)(cap - 1);
    }
  }
  qv__free(code_of);
  const qv_type *it = target->index_type;
  int32_t w = it->bit_width / 8;
  bool sig = qv_type_is_signed_integer(it->id);
  uint64_t max_code = sig ? ((uint64_t)1 << (it->bit_width - 1)) - 1 : (it->bit_width == 64 ? UINT64_MAX : ((uint64_t)1 << it->bit_width) - 1);
  if (n_unique > 0 && (uint64_t)(n_unique - 1) > max_code)
    QV_FAIL_GOTO(st, done, err, QV_ERR_OVERFLOW, "Parquet: %lld distinct values do not fit dictionary indices of %s",
                 (long long)n_unique, qv_type_id_name(it->id));
  QV_GOTO_IF_ERROR(st, qv_buffer_allocate(NULL, n * w, true, &ib, err), done);
  for (int64_t i = 0; i < n; i++) {
    uint64_t c = (uint64_t)codes[i];
    memcpy(ib->data + i * w, &c, (size_t)w); /* little-endian */
  }
  QV_GOTO_IF_ERROR(st, index_array(firsts, NULL, n_unique, 0, &fi, err), done);
  QV_GOTO_IF_ERROR(st, qv_compute_take(in, fi, &dict, err), done);
  if (!qv_type_equals(dict->type, target->value_type, false)) {
    qv_array *d2 = NULL;
    QV_GOTO_IF_ERROR(st, qv__pq_arrow_restore(dict, target->value_type, &d2, err), done);
    qv_array_release(dict);
    dict = d2;
  }
  {
    qv_buffer *validity = NULL;
    if (qv_array_null_count(in) > 0) {
      QV_GOTO_IF_ERROR(st, qv_buffer_allocate(NULL, (n + 7) / 8, true, &validity, err), done);
      for (int64_t i = 0; i < n; i++)
        if (qv_array_is_valid(in, i)) validity->data[i >> 3] |= (uint8_t)(1u << (i & 7));
    }
    qv_buffer *bufs[2] = {validity, ib};
    st = qv_array_new(target, n, 0, qv_array_null_count(in), 2, bufs, 0, NULL, dict, out, err);
    qv_buffer_release(validity);
  }
done:
  qv__free(table);
  qv__free(codes);
  qv__free(firsts);
  qv_array_release(fi);
  qv_array_release(dict);
  qv_buffer_release(ib);
  return st;
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
      return rebuild(in, target, in->buffers, in->n_buffers, NULL, 0, out, err);
    case QV_TYPE_DURATION:
      return rebuild(in, target, in->buffers, in->n_buffers, NULL, 0, out, err);
    case QV_TYPE_DECIMAL32:
    case QV_TYPE_DECIMAL64: return narrow_decimal(in, target, out, err);
    case QV_TYPE_STRING_VIEW:
    case QV_TYPE_BINARY_VIEW: return to_views(in, target, out, err);
    case QV_TYPE_DICTIONARY: return dictionary_encode(in, target, out, err);
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW:
    case QV_TYPE_FIXED_SIZE_LIST: {
      qv_array *child = NULL;
      QV_RETURN_IF_ERROR(qv__pq_arrow_restore(in->children[0], target->children[0]->type, &child, err));
      st = target->id == QV_TYPE_FIXED_SIZE_LIST ? to_fixed_size_list(in, child, target, out, err)
                                                 : to_list_view(in, child, target, out, err);
      qv_array_release(child);
      return st;
    }
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
