/* quiver builders: dictionary-encoded arrays (hash-based, deduplicating).
 *
 * The builder's own regions hold the indices (values_, width_ = index byte
 * width) and their validity; dict_->values is a builder of the value type
 * that accumulates each distinct value once. An open-addressing hash table
 * (linear probing, power-of-two size, at most half full) maps a value to its
 * dictionary index: slots[] holds index + 1 (0 = empty) and hashes[] the
 * hash of every entry, so probes compare hashes before bytes and growth
 * rehashes without rereading values. Value bytes are read back from the
 * values builder (qv__builder_value_bytes), so nothing is stored twice.
 *
 * Value types: fixed width (ints, floats, temporal, decimals, intervals,
 * fixed_size_binary; compared by bytes, so 0.0 and -0.0 are distinct) and
 * binary-like (binary, string, their large and view forms). A new value
 * whose index would not fit the index type is QV_ERR_OVERFLOW, checked
 * before anything changes. finish hands the values over as
 * array->dictionary and starts a fresh dictionary.
 *
 * The hash is a small multiply-xorshift over 8-byte words (no library
 * offers one we would otherwise depend on, and 30 lines suffice).
 */
#include "builder/internal.h"

struct qv__builder_dict {
  qv_builder *values; /* owned */
  int64_t *slots;     /* n_slots entries: dictionary index + 1, 0 = empty */
  int64_t n_slots;    /* power of two, or 0 before the first value */
  uint64_t *hashes;   /* hash of each dictionary entry */
  int64_t hashes_cap;
  int64_t n_entries;
  int64_t max_index;  /* largest index the index type holds */
  bool binary;        /* binary-like values (else fixed width) */
};

static uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

static uint64_t hash_bytes(const uint8_t *p, int64_t len) {
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)len * 0x100000001b3ULL);
  while (len >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    h = (h ^ mix(w)) * 0x9e3779b97f4a7c15ULL;
    p += 8;
    len -= 8;
  }
  uint64_t tail = 0;
  for (int64_t i = 0; i < len; i++) tail |= (uint64_t)p[i] << (8 * i);
  return mix(h ^ tail ^ ((uint64_t)len << 56));
}

const qv_builder *qv__dict_values(const qv_builder *b) { return b->dict_ ? b->dict_->values : NULL; }

int64_t qv_builder_dictionary_size(const qv_builder *b) { return b->dict_ ? b->dict_->n_entries : 0; }

static qv_status table_grow(qv_builder *b, qv_error *err) {
  struct qv__builder_dict *d = b->dict_;
  int64_t n = d->n_slots ? d->n_slots * 2 : 64;
  int64_t *slots = (int64_t *)qv__calloc((size_t)n, sizeof *slots);
  QV_CHECK_ALLOC(slots, err);
  for (int64_t e = 0; e < d->n_entries; e++) {
    int64_t i = (int64_t)(d->hashes[e] & (uint64_t)(n - 1));
    while (slots[i] != 0) i = (i + 1) & (n - 1);
    slots[i] = e + 1;
  }
  qv__free(d->slots);
  d->slots = slots;
  d->n_slots = n;
  return QV_OK;
}

static void write_index(qv_builder *b, int64_t idx) {
  switch (b->width_) {
    case 1: ((uint8_t *)b->values_)[b->length_] = (uint8_t)idx; break;
    case 2: ((uint16_t *)(void *)b->values_)[b->length_] = (uint16_t)idx; break;
    case 4: ((uint32_t *)(void *)b->values_)[b->length_] = (uint32_t)idx; break;
    default: ((int64_t *)(void *)b->values_)[b->length_] = idx; break;
  }
}

static qv_status dict_append(qv_builder *b, const void *bytes, int64_t len, qv_error *err) {
  struct qv__builder_dict *d = b->dict_;
  qv_builder *vb = d->values;
  if (d->binary) {
    if (len < 0) len = bytes ? (int64_t)strlen((const char *)bytes) : 0;
  } else {
    if (len < 0) len = vb->width_;
    if (len != vb->width_)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "dictionary value of %lld bytes, the value type has %d",
                          (long long)len, vb->width_);
  }
  if (len > 0 && bytes == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "dictionary value is NULL with length %lld", (long long)len);
  QV_RETURN_IF_ERROR(qv__builder_ensure(b, 1, err));
  if (d->n_slots == 0) QV_RETURN_IF_ERROR(table_grow(b, err));
  const uint8_t *p = len > 0 ? (const uint8_t *)bytes : (const uint8_t *)"";
  uint64_t h = hash_bytes(p, len);
  int64_t mask = d->n_slots - 1, i = (int64_t)(h & (uint64_t)mask);
  while (d->slots[i] != 0) {
    int64_t e = d->slots[i] - 1, elen;
    if (d->hashes[e] == h) {
      const uint8_t *q = qv__builder_value_bytes(vb, e, &elen);
      if (elen == len && (len == 0 || memcmp(p, q, (size_t)len) == 0)) {
        write_index(b, e);
        b->length_++;
        return QV_OK;
      }
    }
    i = (i + 1) & mask;
  }
  /* a new value: check and allocate everything before changing anything */
  int64_t idx = d->n_entries;
  if (idx > d->max_index) {
    char iname[64];
    qv_type_format(b->storage_->index_type, iname, sizeof iname);
    return qv_error_set(err, QV_ERR_OVERFLOW,
                        "dictionary index type %s cannot index more than %lld distinct values (slot %lld)", iname,
                        (long long)d->max_index + 1, (long long)b->length_);
  }
  if (d->n_entries == d->hashes_cap) {
    int64_t cap = d->hashes_cap ? d->hashes_cap * 2 : 32;
    uint64_t *hs = (uint64_t *)qv__realloc(d->hashes, (size_t)cap * sizeof *hs);
    QV_CHECK_ALLOC(hs, err);
    d->hashes = hs;
    d->hashes_cap = cap;
  }
  if ((d->n_entries + 1) * 2 > d->n_slots) {
    QV_RETURN_IF_ERROR(table_grow(b, err));
    mask = d->n_slots - 1;
    i = (int64_t)(h & (uint64_t)mask);
    while (d->slots[i] != 0) i = (i + 1) & mask;
  }
  qv_status st = d->binary ? qv_builder_append_binary(vb, p, len) : qv_builder_append_fixed(vb, p);
  if (st != QV_OK) return qv_error_set(err, st, "dictionary values: %s", vb->error_.message);
  d->hashes[idx] = h;
  d->slots[i] = idx + 1;
  d->n_entries++;
  write_index(b, idx);
  b->length_++;
  return QV_OK;
}

qv_status qv_builder_append_dictionary_value(qv_builder *b, const void *bytes, int64_t len) {
  if (b->dict_ == NULL) return qv__builder_type_error(b, "append_dictionary_value", &b->error_);
  return dict_append(b, bytes, len, &b->error_);
}

static qv_status dict_append_slow(qv_builder *b, int32_t kind, const void *value, qv_error *err) {
  const qv_builder *vb = b->dict_->values;
  bool ok = !b->dict_->binary && (kind == vb->fast_ || kind == QV__FAST_FIXED);
  if (!ok) {
    char what[64];
    snprintf(what, sizeof what, "append %s", qv__builder_kind_name(kind));
    return qv__builder_type_error(b, what, err);
  }
  return dict_append(b, value, vb->width_, err);
}

static qv_status dict_append_binary(qv_builder *b, const void *data, int64_t len, qv_error *err) {
  if (!b->dict_->binary) return qv__builder_type_error(b, "append binary", err);
  return dict_append(b, data, len, err);
}

static qv_status dict_reserve(qv_builder *b, int64_t cap, qv_error *err) {
  QV_RETURN_IF_ERROR(
      qv__region_reserve(b->alloc_, &b->values_buf_, b->length_ * b->width_, cap * b->width_, err));
  b->values_ = b->values_buf_->data;
  return QV_OK;
}

static qv_status dict_append_nulls(qv_builder *b, int64_t n, qv_error *err) {
  QV_RETURN_IF_ERROR(qv__builder_ensure(b, n, err));
  QV_RETURN_IF_ERROR(qv__builder_mark_nulls(b, b->length_, n, err));
  b->length_ += n; /* index 0 under a null (bytes already zero) */
  return QV_OK;
}

static qv_status dict_append_empty(qv_builder *b, int64_t n, qv_error *err) {
  static const uint8_t zeros[32];
  const qv_builder *vb = b->dict_->values;
  if (!b->dict_->binary && vb->width_ > (int32_t)sizeof zeros)
    return qv_error_set(err, QV_ERR_NOT_IMPLEMENTED, "append_empty on a dictionary of %d-byte values", vb->width_);
  for (int64_t i = 0; i < n; i++) QV_RETURN_IF_ERROR(dict_append(b, zeros, b->dict_->binary ? 0 : vb->width_, err));
  return QV_OK;
}

static qv_status dict_finish(qv_builder *b, qv_array **out, qv_error *err) {
  qv_buffer *bufs[2] = {NULL, NULL};
  qv_array *dictionary = NULL;
  qv_status st = qv__region_take(b->alloc_, &b->values_buf_, b->length_ * b->width_, &bufs[1], err);
  if (st != QV_OK) return st;
  b->values_ = NULL;
  st = qv_builder_finish(b->dict_->values, &dictionary, err);
  if (st != QV_OK) {
    qv_error_prefix(err, "dictionary values: ");
    qv_buffer_release(bufs[1]);
    return st;
  }
  int64_t nulls = b->null_count_;
  qv__builder_take_validity(b, &bufs[0], err);
  return qv__builder_assemble(b, nulls, 2, bufs, 0, NULL, dictionary, out, err);
}

static void dict_clear(qv_builder *b, bool reset) {
  struct qv__builder_dict *d = b->dict_;
  if (d == NULL) return;
  if (reset) {
    qv_builder_reset(d->values);
    if (d->slots) memset(d->slots, 0, (size_t)d->n_slots * sizeof *d->slots);
    d->n_entries = 0;
    return;
  }
  qv_builder_free(d->values);
  qv__free(d->slots);
  qv__free(d->hashes);
  qv__free(d);
  b->dict_ = NULL;
}

static const qv__builder_ops k_dict_ops = {.name = "dictionary",
                                           .reserve = dict_reserve,
                                           .append_nulls = dict_append_nulls,
                                           .append_empty = dict_append_empty,
                                           .append_slow = dict_append_slow,
                                           .append_binary = dict_append_binary,
                                           .finish = dict_finish,
                                           .clear = dict_clear};

static int64_t index_max(qv_type_id id) {
  switch (id) {
    case QV_TYPE_INT8: return INT8_MAX;
    case QV_TYPE_UINT8: return UINT8_MAX;
    case QV_TYPE_INT16: return INT16_MAX;
    case QV_TYPE_UINT16: return UINT16_MAX;
    case QV_TYPE_INT32: return INT32_MAX;
    case QV_TYPE_UINT32: return UINT32_MAX;
    default: return INT64_MAX;
  }
}

qv_status qv__builder_init_dictionary(qv_builder *b, qv_error *err) {
  b->ops_ = &k_dict_ops;
  b->fast_ = QV__FAST_NONE;
  const qv_type *it = b->storage_->index_type;
  if (it == NULL || !qv_type_is_integer(it->id) || b->storage_->value_type == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "dictionary type without an integer index type");
  b->width_ = it->bit_width / 8;
  b->dict_ = (struct qv__builder_dict *)qv__calloc(1, sizeof *b->dict_);
  QV_CHECK_ALLOC(b->dict_, err);
  b->dict_->max_index = index_max(it->id);
  QV_RETURN_IF_ERROR(qv_builder_new(b->storage_->value_type, b->alloc_, &b->dict_->values, err));
  int32_t kind = b->dict_->values->fast_;
  b->dict_->binary = kind == QV__FAST_BIN32 || kind == QV__FAST_BIN64 || kind == QV__FAST_VIEW;
  if (kind == QV__FAST_NONE || kind == QV__FAST_BOOL) {
    char vname[128];
    qv_type_format(b->storage_->value_type, vname, sizeof vname);
    return qv_error_set(err, QV_ERR_NOT_IMPLEMENTED,
                        "dictionary builder for value type %s (only fixed-width and binary-like values)", vname);
  }
  return QV_OK;
}
