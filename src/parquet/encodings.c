/* Parquet: decoding value sections (Encodings.md) into a qv__pq_values.
 *
 * PLAIN, RLE (booleans), the dictionary gather, DELTA_BINARY_PACKED,
 * DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT. Every
 * decoder checks the bytes it needs before reading them and appends exactly
 * n values; output growth goes through ensure_* which checks max_bytes. */
#include <string.h>

#include "core/internal.h"
#include "parquet/decode.h"
#include "parquet/format.h"

/* Julian day number of 1970-01-01. */
#define QV__JULIAN_EPOCH_DAY 2440588
#define QV__NANOS_PER_DAY 86400000000000LL

qv_status qv__pq_values_init(qv__pq_values *v, int32_t physical, int32_t type_length, int64_t max_bytes,
                             qv_error *err) {
  memset(v, 0, sizeof(*v));
  v->physical = physical;
  v->type_length = type_length;
  v->max_bytes = max_bytes;
  switch (physical) {
    case QV__PQ_BOOLEAN: v->width = 0; break;
    case QV__PQ_INT32: case QV__PQ_FLOAT: v->width = 4; break;
    case QV__PQ_INT64: case QV__PQ_DOUBLE: case QV__PQ_INT96: v->width = 8; break;
    case QV__PQ_BYTE_ARRAY: v->width = 0; break;
    case QV__PQ_FIXED_LEN_BYTE_ARRAY:
      if (type_length <= 0)
        return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet: FIXED_LEN_BYTE_ARRAY column with type_length %d",
                            (int)type_length);
      v->width = type_length;
      break;
    default:
      return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet: unknown physical type %d", (int)physical);
  }
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, 64, true, &v->data, err));
  if (physical == QV__PQ_BYTE_ARRAY) {
    qv_status st = qv_buffer_allocate(NULL, 64, true, &v->offsets, err);
    if (st != QV_OK) {
      qv_buffer_release(v->data);
      v->data = NULL;
      return st;
    }
  }
  return QV_OK;
}

void qv__pq_values_free(qv__pq_values *v) {
  qv_buffer_release(v->data);
  qv_buffer_release(v->offsets);
  v->data = v->offsets = NULL;
}

void qv__pq_values_reserve(qv__pq_values *v, int64_t n, int64_t data_bytes) {
  const int64_t cap = v->max_bytes < ((int64_t)1 << 30) ? v->max_bytes : ((int64_t)1 << 30);
  int64_t bytes = v->physical == QV__PQ_BYTE_ARRAY ? data_bytes
                  : v->physical == QV__PQ_BOOLEAN  ? n / 8 + 1
                                                   : (n > cap / (v->width > 0 ? v->width : 1) ? cap : n * v->width);
  if (bytes > cap) bytes = cap;
  /* Only before the first value: a fresh, unzeroed allocation (growing the
   * empty buffer would zero all of it first, touching every page twice). */
  if (v->count != 0 || v->data_len != 0) return;
  qv_buffer *b = NULL;
  if (bytes > 0 && bytes + 8 > v->data->capacity && qv_buffer_allocate(NULL, bytes + 8, false, &b, NULL) == QV_OK) {
    qv_buffer_release(v->data);
    v->data = b;
  }
  if (v->physical == QV__PQ_BYTE_ARRAY && n > 0) {
    int64_t slots = n + 1 > cap / 4 ? cap / 4 : n + 1;
    if (slots * 4 > v->offsets->capacity && qv_buffer_allocate(NULL, slots * 4, false, &b, NULL) == QV_OK) {
      qv_buffer_release(v->offsets);
      v->offsets = b;
    }
  }
}

static qv_status ensure_data(qv__pq_values *v, int64_t extra, qv_error *err) {
  int64_t need;
  if (extra < 0 || qv__add_overflow_i64(v->data_len, extra, &need) || need > v->max_bytes)
    return qv_error_set(err, QV_ERR_LIMIT,
                        "Parquet column chunk: decoded values would exceed %lld bytes (the reader's limit)",
                        (long long)v->max_bytes);
  if (need + 8 > v->data->capacity) {
    qv_buffer_set_size(v->data, v->data_len); /* reserve keeps [0, size) */
    return qv_buffer_reserve(v->data, need + 8, err);
  }
  return QV_OK;
}

qv_status qv__pq_values_room(qv__pq_values *v, int64_t extra, qv_error *err) { return ensure_data(v, extra, err); }

/* Room for n more BYTE_ARRAY offsets. */
static qv_status ensure_offsets(qv__pq_values *v, int64_t n, qv_error *err) {
  int64_t slots;
  if (n < 0 || qv__add_overflow_i64(v->count, n + 1, &slots) || slots > v->max_bytes / 4 + 1)
    return qv_error_set(err, QV_ERR_LIMIT, "Parquet column chunk: too many values for the reader's limit");
  if (slots * 4 > v->offsets->capacity) {
    qv_buffer_set_size(v->offsets, (v->count + 1) * 4); /* reserve keeps [0, size) */
    return qv_buffer_reserve(v->offsets, slots * 4, err);
  }
  return QV_OK;
}

static inline int32_t *offsets_of(qv__pq_values *v) { return (int32_t *)(void *)v->offsets->data; }

static void copy_bits(uint8_t *dst, int64_t dst_off, const uint8_t *src, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    bool b = (src[i >> 3] >> (i & 7)) & 1;
    int64_t d = dst_off + i;
    if (b) dst[d >> 3] |= (uint8_t)(1u << (d & 7));
    else dst[d >> 3] &= (uint8_t)~(1u << (d & 7));
  }
}

qv_status qv__pq_values_append(qv__pq_values *v, const qv__pq_values *src, qv_error *err) {
  if (src->count == 0) return QV_OK;
  if (v->physical == QV__PQ_BYTE_ARRAY) {
    const int32_t *so = (const int32_t *)(const void *)src->offsets->data;
    const int64_t bytes = so[src->count] - so[0];
    if (bytes < 0 || v->data_len + bytes > INT32_MAX)
      return qv_error_set(err, QV_ERR_LIMIT, "Parquet column chunk: more than 2 GiB of BYTE_ARRAY data in one chunk");
    QV_RETURN_IF_ERROR(ensure_offsets(v, src->count, err));
    QV_RETURN_IF_ERROR(ensure_data(v, bytes, err));
    int32_t *o = (int32_t *)(void *)v->offsets->data + v->count;
    if (v->count == 0) o[0] = (int32_t)v->data_len;
    if (bytes > 0) memcpy(v->data->data + v->data_len, src->data->data + so[0], (size_t)bytes);
    const int32_t shift = (int32_t)(o[0] - so[0]);
    for (int64_t i = 1; i <= src->count; i++) o[i] = so[i] + shift;
    v->data_len += bytes;
    v->count += src->count;
  } else if (v->physical == QV__PQ_BOOLEAN) {
    QV_RETURN_IF_ERROR(ensure_data(v, (v->count + src->count + 7) / 8 - v->data_len + 1, err));
    copy_bits(v->data->data, v->count, src->data->data, src->count);
    v->count += src->count;
    v->data_len = (v->count + 7) / 8;
  } else {
    QV_RETURN_IF_ERROR(ensure_data(v, src->data_len, err));
    memcpy(v->data->data + v->data_len, src->data->data, (size_t)src->data_len);
    v->data_len += src->data_len;
    v->count += src->count;
  }
  return QV_OK;
}


/* Appends one byte string read from [p, p + n), where src_end bounds the
 * readable bytes after p: short strings are copied as one fixed 16-byte
 * move when 16 bytes are readable there (a call to memcpy per value cost a
 * quarter of a string column's read). */
static inline qv_status append_bytes_from(qv__pq_values *v, const uint8_t *p, int64_t n, const uint8_t *src_end,
                                          qv_error *err) {
  if (v->data_len + n > INT32_MAX)
    return qv_error_set(err, QV_ERR_LIMIT, "Parquet column chunk: more than 2 GiB of BYTE_ARRAY data in one chunk");
  if (v->data_len + n + 16 > v->data->capacity) QV_RETURN_IF_ERROR(ensure_data(v, n + 8, err));
  if (n <= 16 && src_end - p >= 16) {
    memcpy(v->data->data + v->data_len, p, 16); /* dst has 16 bytes of slack past data_len + n */
  } else if (n > 0) {
    memcpy(v->data->data + v->data_len, p, (size_t)n);
  }
  v->data_len += n;
  offsets_of(v)[++v->count] = (int32_t)v->data_len;
  return QV_OK;
}

static inline qv_status append_bytes(qv__pq_values *v, const uint8_t *p, int64_t n, qv_error *err) {
  return append_bytes_from(v, p, n, p + n, err);
}

static qv_status need_bytes(size_t len, int64_t want, const char *what, qv_error *err) {
  if (want < 0 || (uint64_t)want > len)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "Parquet page: %s values need %lld bytes, the page holds %zu", what, (long long)want, len);
  return QV_OK;
}

static qv_status decode_plain(qv__pq_values *v, const uint8_t *data, size_t len, int64_t n, qv_error *err) {
  switch (v->physical) {
    case QV__PQ_BOOLEAN: {
      QV_RETURN_IF_ERROR(need_bytes(len, (n + 7) / 8, "PLAIN BOOLEAN", err));
      QV_RETURN_IF_ERROR(ensure_data(v, (v->count + n + 7) / 8 - v->data_len, err));
      int64_t new_len = (v->count + n + 7) / 8;
      copy_bits(v->data->data, v->count, data, n);
      v->data_len = new_len;
      v->count += n;
      return QV_OK;
    }
    case QV__PQ_INT96: {
      int64_t want;
      if (qv__mul_overflow_i64(n, 12, &want)) want = -1;
      QV_RETURN_IF_ERROR(need_bytes(len, want, "PLAIN INT96", err));
      QV_RETURN_IF_ERROR(ensure_data(v, n * 8, err));
      int64_t *out = (int64_t *)(void *)(v->data->data + v->data_len);
      for (int64_t i = 0; i < n; i++) {
        uint64_t nanos;
        uint32_t day;
        memcpy(&nanos, data + 12 * i, 8);
        memcpy(&day, data + 12 * i + 8, 4);
        uint64_t t = (uint64_t)((int64_t)day - QV__JULIAN_EPOCH_DAY) * (uint64_t)QV__NANOS_PER_DAY + nanos;
        out[i] = (int64_t)t; /* wraps like Arrow C++ for dates outside the int64 range */
      }
      v->data_len += n * 8;
      v->count += n;
      return QV_OK;
    }
    case QV__PQ_BYTE_ARRAY: {
      /* every value takes its 4-byte length at least: a count the page
       * cannot hold is refused before offsets for it are allocated */
      int64_t least;
      if (qv__mul_overflow_i64(n, 4, &least)) least = -1;
      QV_RETURN_IF_ERROR(need_bytes(len, least, "PLAIN BYTE_ARRAY", err));
      QV_RETURN_IF_ERROR(ensure_offsets(v, n, err));
      if (v->count == 0) offsets_of(v)[0] = (int32_t)v->data_len;
      /* The page's strings hold len - 4n bytes at most: room for all of
       * them (and the 16-byte moves' slack) up front, so the loop tests
       * only the page's bounds, and offsets are written as bytes are
       * copied. A page that could pass the 2 GiB offset limit takes the
       * value-by-value path, which names the value that passes it. */
      const int64_t most = (int64_t)len - least;
      if (v->data_len + most + 16 <= INT32_MAX) {
        QV_RETURN_IF_ERROR(ensure_data(v, most + 16, err));
        uint8_t *dst = v->data->data;
        int32_t *off = offsets_of(v) + v->count;
        int64_t at = v->data_len;
        size_t pos = 0;
        for (int64_t i = 0; i < n; i++) {
          uint32_t sz;
          if (len - pos < 4) goto short_page;
          memcpy(&sz, data + pos, 4);
          pos += 4;
          if (sz > len - pos) goto short_page;
          if (sz <= 16 && len - pos >= 16) memcpy(dst + at, data + pos, 16);
          else memcpy(dst + at, data + pos, sz);
          at += sz;
          pos += sz;
          off[i + 1] = (int32_t)at;
          continue;
        short_page:
          v->data_len = at;
          v->count += i;
          return qv_error_set(err, QV_ERR_INVALID_DATA,
                              "Parquet page: PLAIN BYTE_ARRAY value %lld runs past the page", (long long)i);
        }
        v->data_len = at;
        v->count += n;
        return QV_OK;
      }
      size_t pos = 0;
      for (int64_t i = 0; i < n; i++) {
        if (len - pos < 4)
          return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: PLAIN BYTE_ARRAY value %lld: length runs past the page",
                              (long long)i);
        uint32_t sz;
        memcpy(&sz, data + pos, 4);
        pos += 4;
        if (sz > len - pos)
          return qv_error_set(err, QV_ERR_INVALID_DATA,
                              "Parquet page: PLAIN BYTE_ARRAY value %lld of %u bytes runs past the page", (long long)i, sz);
        QV_RETURN_IF_ERROR(append_bytes_from(v, data + pos, sz, data + len, err));
        pos += sz;
      }
      return QV_OK;
    }
    default: {
      int64_t want;
      if (qv__mul_overflow_i64(n, v->width, &want)) want = -1;
      QV_RETURN_IF_ERROR(need_bytes(len, want, "PLAIN", err));
      QV_RETURN_IF_ERROR(ensure_data(v, want, err));
      if (want > 0) memcpy(v->data->data + v->data_len, data, (size_t)want);
      v->data_len += want;
      v->count += n;
      return QV_OK;
    }
  }
}

static qv_status decode_rle_bool(qv__pq_values *v, const uint8_t *data, size_t len, int64_t n, qv_error *err) {
  if (len < 4) return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: RLE BOOLEAN data lacks its length prefix");
  uint32_t sz;
  memcpy(&sz, data, 4);
  if (sz > len - 4) return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: RLE BOOLEAN length runs past the page");
  qv__pq_rle r;
  qv__pq_rle_init(&r, data + 4, sz, 1);
  QV_RETURN_IF_ERROR(ensure_data(v, (v->count + n + 7) / 8 - v->data_len + 1, err));
  uint32_t chunk[256];
  int64_t done = 0;
  while (done < n) {
    int64_t k = n - done < 256 ? n - done : 256;
    QV_RETURN_IF_ERROR(qv__pq_rle_read_u32(&r, chunk, k, err));
    for (int64_t i = 0; i < k; i++) {
      int64_t d = v->count + done + i;
      if (chunk[i]) v->data->data[d >> 3] |= (uint8_t)(1u << (d & 7));
      else v->data->data[d >> 3] &= (uint8_t)~(1u << (d & 7));
    }
    done += k;
  }
  v->count += n;
  v->data_len = (v->count + 7) / 8;
  return QV_OK;
}

static qv_status decode_byte_stream_split(qv__pq_values *v, const uint8_t *data, size_t len, int64_t n, qv_error *err) {
  int32_t w = v->physical == QV__PQ_INT96 ? 0 : v->width;
  if (w == 0 || v->physical == QV__PQ_BOOLEAN || v->physical == QV__PQ_BYTE_ARRAY)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: BYTE_STREAM_SPLIT on a type that has no fixed width");
  int64_t want;
  if (qv__mul_overflow_i64(n, w, &want)) want = -1;
  if (want < 0 || (uint64_t)want != len)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "Parquet page: BYTE_STREAM_SPLIT data of %zu bytes for %lld values of %d bytes", len,
                        (long long)n, (int)w);
  QV_RETURN_IF_ERROR(ensure_data(v, want, err));
  uint8_t *out = v->data->data + v->data_len;
  for (int32_t k = 0; k < w; k++) {
    const uint8_t *stream = data + (int64_t)k * n;
    for (int64_t i = 0; i < n; i++) out[i * w + k] = stream[i];
  }
  v->data_len += want;
  v->count += n;
  return QV_OK;
}

/* ---- DELTA_BINARY_PACKED ---- */

static bool uvarint(const uint8_t **p, const uint8_t *end, uint64_t *out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*p >= end) return false;
    uint8_t b = *(*p)++;
    if (shift == 63 && (b & 0x7e)) return false;
    v |= (uint64_t)(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *out = v;
      return true;
    }
  }
  return false;
}

static inline int64_t unzigzag(uint64_t u) { return (int64_t)(u >> 1) ^ -(int64_t)(u & 1); }

typedef struct delta_header {
  uint64_t block_size, miniblocks, total;
  int64_t first;
} delta_header;

static qv_status read_delta_header(const uint8_t **p, const uint8_t *end, delta_header *h, qv_error *err) {
  uint64_t first;
  if (!uvarint(p, end, &h->block_size) || !uvarint(p, end, &h->miniblocks) || !uvarint(p, end, &h->total) ||
      !uvarint(p, end, &first))
    return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet DELTA_BINARY_PACKED: truncated header");
  h->first = unzigzag(first);
  if (h->block_size == 0 || h->block_size % 128 != 0 || h->block_size > (1u << 20) || h->miniblocks == 0 ||
      h->block_size % h->miniblocks != 0 || (h->block_size / h->miniblocks) % 32 != 0)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "Parquet DELTA_BINARY_PACKED: invalid block size %llu with %llu miniblocks",
                        (unsigned long long)h->block_size, (unsigned long long)h->miniblocks);
  return QV_OK;
}

qv_status qv__pq_delta_count(const uint8_t *data, size_t len, int64_t *count, qv_error *err) {
  const uint8_t *p = data, *end = data + len;
  delta_header h;
  QV_RETURN_IF_ERROR(read_delta_header(&p, end, &h, err));
  if (h.total > INT64_MAX / 2) return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet DELTA_BINARY_PACKED: huge count");
  *count = (int64_t)h.total;
  return QV_OK;
}

qv_status qv__pq_delta_decode(const uint8_t *data, size_t len, int64_t n, int64_t *out, size_t *used,
                              qv_error *err) {
  static const uint8_t empty[1] = {0};
  if (data == NULL) data = empty, len = 0;
  const uint8_t *p = data, *end = data + len;
  delta_header h;
  QV_RETURN_IF_ERROR(read_delta_header(&p, end, &h, err));
  if ((uint64_t)n > h.total)
    return qv_error_set(err, QV_ERR_INVALID_DATA,
                        "Parquet DELTA_BINARY_PACKED: %lld values wanted, the header holds %llu", (long long)n,
                        (unsigned long long)h.total);
  uint64_t per_mini = h.block_size / h.miniblocks;
  uint64_t cur = (uint64_t)h.first;
  int64_t done = 0;
  if (h.total > 0 && n > 0) out[done++] = (int64_t)cur;
  uint64_t remaining = h.total > 0 ? h.total - 1 : 0; /* values after the first still encoded */
  while (remaining > 0) {
    uint64_t min_delta_u;
    if (!uvarint(&p, end, &min_delta_u))
      return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet DELTA_BINARY_PACKED: truncated block header");
    uint64_t min_delta = (uint64_t)unzigzag(min_delta_u);
    if ((uint64_t)(end - p) < h.miniblocks)
      return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet DELTA_BINARY_PACKED: truncated bit widths");
    const uint8_t *widths = p;
    p += h.miniblocks;
    for (uint64_t m = 0; m < h.miniblocks && remaining > 0; m++) {
      uint32_t bw = widths[m];
      if (bw > 64)
        return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet DELTA_BINARY_PACKED: bit width %u", bw);
      uint64_t bytes = per_mini * bw / 8;
      if ((uint64_t)(end - p) < bytes)
        return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet DELTA_BINARY_PACKED: truncated miniblock");
      uint64_t k = remaining < per_mini ? remaining : per_mini;
      /* past the n values wanted only the bytes are skipped: a header may
       * announce far more values (2^20 per byte of zero-width blocks) */
      if (done >= n) k = 0;
      for (uint64_t i = 0; i < k; i++) {
        uint64_t delta = 0;
        if (bw > 0) {
          uint64_t bit = i * bw;
          for (uint32_t b = 0; b < bw;) {
            uint64_t pos = bit + b;
            uint32_t in_byte = (uint32_t)(pos & 7);
            uint32_t take = 8 - in_byte < bw - b ? 8 - in_byte : bw - b;
            uint64_t bits = (p[pos >> 3] >> in_byte) & ((1u << take) - 1);
            delta |= bits << b;
            b += take;
          }
        }
        cur += min_delta + delta;
        if (done < n) out[done++] = (int64_t)cur;
      }
      remaining -= remaining < per_mini ? remaining : per_mini;
      p += bytes;
    }
  }
  *used = (size_t)(p - data);
  return QV_OK;
}

static qv_status delta_ints(qv__pq_values *v, const uint8_t *data, size_t len, int64_t n, qv_error *err) {
  if (v->physical != QV__PQ_INT32 && v->physical != QV__PQ_INT64)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: DELTA_BINARY_PACKED on a non-integer column");
  int64_t tmp_bytes;
  if (qv__mul_overflow_i64(n, 8, &tmp_bytes) || tmp_bytes > v->max_bytes)
    return qv_error_set(err, QV_ERR_LIMIT, "Parquet page: too many values");
  QV_RETURN_IF_ERROR(ensure_data(v, n * v->width, err));
  int64_t *tmp = qv__malloc((size_t)tmp_bytes);
  QV_CHECK_ALLOC(tmp, err);
  size_t used;
  qv_status st = qv__pq_delta_decode(data, len, n, tmp, &used, err);
  if (st == QV_OK) {
    if (v->physical == QV__PQ_INT64) {
      memcpy(v->data->data + v->data_len, tmp, (size_t)n * 8);
    } else {
      int32_t *o = (int32_t *)(void *)(v->data->data + v->data_len);
      for (int64_t i = 0; i < n; i++) o[i] = (int32_t)(uint32_t)(uint64_t)tmp[i];
    }
    v->data_len += n * v->width;
    v->count += n;
  }
  qv__free(tmp);
  return st;
}

/* Reads a DELTA_BINARY_PACKED list of n lengths (each in [0, INT32_MAX]). */
static qv_status delta_lengths(const uint8_t *data, size_t len, int64_t n, int64_t max_bytes, int64_t **out,
                               size_t *used, qv_error *err) {
  int64_t bytes;
  if (qv__mul_overflow_i64(n, 8, &bytes) || bytes > max_bytes)
    return qv_error_set(err, QV_ERR_LIMIT, "Parquet page: too many values");
  int64_t *v = qv__malloc((size_t)bytes);
  QV_CHECK_ALLOC(v, err);
  qv_status st = qv__pq_delta_decode(data, len, n, v, used, err);
  for (int64_t i = 0; st == QV_OK && i < n; i++)
    if (v[i] < 0 || v[i] > INT32_MAX)
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: byte array length %lld of value %lld",
                        (long long)v[i], (long long)i);
  if (st != QV_OK) {
    qv__free(v);
    return st;
  }
  *out = v;
  return QV_OK;
}

/* Appends a value to FIXED_LEN_BYTE_ARRAY output (must have exactly width bytes). */
static qv_status append_fixed(qv__pq_values *v, const uint8_t *p, int64_t n, qv_error *err) {
  if (n != v->width)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: a %lld-byte value in a FIXED_LEN_BYTE_ARRAY(%d) column",
                        (long long)n, (int)v->width);
  QV_RETURN_IF_ERROR(ensure_data(v, n, err));
  memcpy(v->data->data + v->data_len, p, (size_t)n);
  v->data_len += n;
  v->count++;
  return QV_OK;
}

static qv_status delta_length_byte_array(qv__pq_values *v, const uint8_t *data, size_t len, int64_t n, qv_error *err) {
  if (v->physical != QV__PQ_BYTE_ARRAY)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: DELTA_LENGTH_BYTE_ARRAY on a non-BYTE_ARRAY column");
  int64_t *lens = NULL;
  size_t used = 0;
  QV_RETURN_IF_ERROR(delta_lengths(data, len, n, v->max_bytes, &lens, &used, err));
  qv_status st = ensure_offsets(v, n, err);
  if (st == QV_OK && v->count == 0) offsets_of(v)[0] = (int32_t)v->data_len;
  size_t pos = used;
  for (int64_t i = 0; st == QV_OK && i < n; i++) {
    if ((uint64_t)lens[i] > len - pos) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: DELTA_LENGTH_BYTE_ARRAY value %lld runs past the page",
                        (long long)i);
      break;
    }
    st = append_bytes(v, data + pos, lens[i], err);
    pos += (size_t)lens[i];
  }
  qv__free(lens);
  return st;
}

static qv_status delta_byte_array(qv__pq_values *v, const uint8_t *data, size_t len, int64_t n, qv_error *err) {
  if (v->physical != QV__PQ_BYTE_ARRAY && v->physical != QV__PQ_FIXED_LEN_BYTE_ARRAY)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: DELTA_BYTE_ARRAY on a column that is not a byte array");
  int64_t *prefix = NULL, *suffix = NULL;
  size_t used1 = 0, used2 = 0;
  uint8_t *prev = NULL;
  int64_t prev_len = 0, prev_cap = 0;
  QV_RETURN_IF_ERROR(delta_lengths(data, len, n, v->max_bytes, &prefix, &used1, err));
  qv_status st = delta_lengths(data + used1, len - used1, n, v->max_bytes, &suffix, &used2, err);
  if (st == QV_OK && v->physical == QV__PQ_BYTE_ARRAY) {
    st = ensure_offsets(v, n, err);
    if (st == QV_OK && v->count == 0) offsets_of(v)[0] = (int32_t)v->data_len;
  }
  size_t pos = used1 + used2;
  for (int64_t i = 0; st == QV_OK && i < n; i++) {
    if (prefix[i] > prev_len) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA,
                        "Parquet page: DELTA_BYTE_ARRAY value %lld has a prefix of %lld bytes, the previous value has %lld",
                        (long long)i, (long long)prefix[i], (long long)prev_len);
      break;
    }
    if ((uint64_t)suffix[i] > len - pos) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: DELTA_BYTE_ARRAY value %lld runs past the page",
                        (long long)i);
      break;
    }
    int64_t total = prefix[i] + suffix[i];
    if (total > v->max_bytes) {
      st = qv_error_set(err, QV_ERR_LIMIT, "Parquet page: DELTA_BYTE_ARRAY value past the reader's limit");
      break;
    }
    if (total > prev_cap) {
      int64_t cap = total * 2 > 64 ? total * 2 : 64;
      uint8_t *np = qv__realloc(prev, (size_t)cap);
      if (np == NULL) {
        st = qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (DELTA_BYTE_ARRAY)");
        break;
      }
      prev = np;
      prev_cap = cap;
    }
    if (suffix[i] > 0) memcpy(prev + prefix[i], data + pos, (size_t)suffix[i]);
    pos += (size_t)suffix[i];
    prev_len = total;
    st = v->physical == QV__PQ_BYTE_ARRAY ? append_bytes(v, prev, total, err) : append_fixed(v, prev, total, err);
  }
  qv__free(prev);
  qv__free(prefix);
  qv__free(suffix);
  return st;
}

qv_status qv__pq_decode_values(qv__pq_values *v, int32_t encoding, const uint8_t *data, size_t len, int64_t n,
                               qv_error *err) {
  static const uint8_t empty[8] = {0};
  if (data == NULL) data = empty, len = 0;
  if (n == 0) return QV_OK;
  switch (encoding) {
    case QV__PQ_ENC_PLAIN: return decode_plain(v, data, len, n, err);
    case QV__PQ_ENC_RLE:
      if (v->physical != QV__PQ_BOOLEAN)
        return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: RLE values on a non-BOOLEAN column");
      return decode_rle_bool(v, data, len, n, err);
    case QV__PQ_ENC_DELTA_BINARY_PACKED: return delta_ints(v, data, len, n, err);
    case QV__PQ_ENC_DELTA_LENGTH_BYTE_ARRAY: return delta_length_byte_array(v, data, len, n, err);
    case QV__PQ_ENC_DELTA_BYTE_ARRAY: return delta_byte_array(v, data, len, n, err);
    case QV__PQ_ENC_BYTE_STREAM_SPLIT: return decode_byte_stream_split(v, data, len, n, err);
    default:
      return qv_error_set(err, QV_ERR_UNSUPPORTED, "Parquet page: value encoding %d is not supported here",
                          (int)encoding);
  }
}

/* The error for the first index of idx[0, k) past the dictionary. */
static qv_status index_out_of_range(const qv__pq_values *dict, const uint32_t *idx, int64_t k, qv_error *err) {
  int64_t i = 0;
  while (i < k - 1 && idx[i] < (uint64_t)dict->count) i++;
  return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: dictionary index %u out of range (dictionary of %lld)",
                      idx[i], (long long)dict->count);
}

qv_status qv__pq_decode_dict_indices(qv__pq_values *v, const qv__pq_values *dict, const uint8_t *data, size_t len,
                                     int64_t n, qv_error *err) {
  if (n == 0) return QV_OK;
  if (dict == NULL)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: dictionary-encoded data page without a dictionary page");
  if (data == NULL || len < 1)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: dictionary indices lack their bit-width byte");
  int32_t bw = data[0];
  if (bw > 32) return qv_error_set(err, QV_ERR_INVALID_DATA, "Parquet page: dictionary index bit width %d", (int)bw);
  qv__pq_rle r;
  qv__pq_rle_init(&r, data + 1, len - 1, bw);
  uint32_t idx[1024];
  qv_status st = QV_OK;
  const uint8_t *dict_end = dict->data->data + dict->data->capacity; /* owned: capacity is readable */
  if (v->physical == QV__PQ_BYTE_ARRAY) {
    st = ensure_offsets(v, n, err);
    if (st != QV_OK) return st;
    if (v->count == 0) offsets_of(v)[0] = (int32_t)v->data_len;
  } else if (v->physical != QV__PQ_BOOLEAN) {
    int64_t bytes;
    if (qv__mul_overflow_i64(n, v->width, &bytes)) bytes = -1;
    QV_RETURN_IF_ERROR(ensure_data(v, bytes, err));
  } else {
    QV_RETURN_IF_ERROR(ensure_data(v, (v->count + n + 7) / 8 - v->data_len + 1, err));
  }
  int64_t done = 0;
  while (done < n) {
    int64_t k = n - done < 1024 ? n - done : 1024;
    QV_RETURN_IF_ERROR(qv__pq_rle_read_u32(&r, idx, k, err));
    if (dict->count == 0) return index_out_of_range(dict, idx, k, err); /* not even entry 0 to read instead */
    if (v->physical == QV__PQ_BYTE_ARRAY) {
      /* Room for the whole batch first, then copies without a test each
       * (the dictionary's offsets are the reader's own, already checked).
       * The pass that sums the lengths also checks the indices: one past
       * the dictionary counts as 0 bytes and fails the batch after it. */
      const int32_t *doff = (const int32_t *)(const void *)dict->offsets->data;
      const uint8_t *dsrc = dict->data->data;
      int64_t total = 0;
      bool out_of_range = false;
      for (int64_t i = 0; i < k; i++) {
        const bool bad = idx[i] >= (uint64_t)dict->count;
        const uint32_t ix = bad ? 0 : idx[i];
        out_of_range |= bad;
        total += bad ? 0 : doff[ix + 1] - doff[ix];
      }
      if (out_of_range) return index_out_of_range(dict, idx, k, err);
      if (v->data_len + total > INT32_MAX)
        return qv_error_set(err, QV_ERR_LIMIT, "Parquet column chunk: more than 2 GiB of BYTE_ARRAY data in one chunk");
      QV_RETURN_IF_ERROR(ensure_data(v, total + 16, err)); /* 16: slack for the fixed 16-byte moves */
      uint8_t *dst = v->data->data;
      int32_t *off = offsets_of(v) + v->count;
      int64_t at = v->data_len;
      for (int64_t i = 0; i < k; i++) {
        const int32_t s0 = doff[idx[i]], l = doff[idx[i] + 1] - s0;
        const uint8_t *src = dsrc + s0;
        if (l <= 16 && dict_end - src >= 16) memcpy(dst + at, src, 16);
        else memcpy(dst + at, src, (size_t)l);
        at += l;
        off[i + 1] = (int32_t)at;
      }
      v->data_len = at;
      v->count += k;
    } else if (v->physical == QV__PQ_BOOLEAN) {
      for (int64_t i = 0; i < k; i++)
        if (idx[i] >= (uint64_t)dict->count) return index_out_of_range(dict, idx, k, err);
      for (int64_t i = 0; i < k; i++) {
        bool b = (dict->data->data[idx[i] >> 3] >> (idx[i] & 7)) & 1;
        int64_t d = v->count + i;
        if (b) v->data->data[d >> 3] |= (uint8_t)(1u << (d & 7));
        else v->data->data[d >> 3] &= (uint8_t)~(1u << (d & 7));
      }
      v->count += k;
      v->data_len = (v->count + 7) / 8;
    } else {
      /* the gather checks the indices as it goes: one past the dictionary
       * reads entry 0 instead and fails the batch after it (the values
       * written are never counted) */
      uint8_t *out = v->data->data + v->data_len;
      const uint8_t *src = dict->data->data;
      const uint64_t count = (uint64_t)dict->count;
      int32_t w = v->width;
      bool out_of_range = false;
      if (w == 4) {
        for (int64_t i = 0; i < k; i++) {
          const bool bad = idx[i] >= count;
          out_of_range |= bad;
          memcpy(out + 4 * i, src + 4 * (size_t)(bad ? 0 : idx[i]), 4);
        }
      } else if (w == 8) {
        for (int64_t i = 0; i < k; i++) {
          const bool bad = idx[i] >= count;
          out_of_range |= bad;
          memcpy(out + 8 * i, src + 8 * (size_t)(bad ? 0 : idx[i]), 8);
        }
      } else {
        for (int64_t i = 0; i < k; i++) {
          const bool bad = idx[i] >= count;
          out_of_range |= bad;
          memcpy(out + (int64_t)w * i, src + (int64_t)w * (bad ? 0 : idx[i]), (size_t)w);
        }
      }
      if (out_of_range) return index_out_of_range(dict, idx, k, err);
      v->data_len += (int64_t)w * k;
      v->count += k;
    }
    done += k;
  }
  return st;
}
