/* Parquet: reading the pages of one column chunk.
 *
 * The chunk's byte range comes from the footer (dictionary or first data
 * page offset, total_compressed_size) and is clamped to the bytes before
 * the footer; a page may not claim more bytes than remain in it. Levels are
 * appended to int16 arrays sized by the pages' value counts, which are
 * bounded by limits->max_values before any allocation; outside lists the
 * definition levels stay unwritten while every page is one run of the
 * maximum (no nulls), the common case. PLAIN fixed-width pages of a
 * compressed chunk are decompressed straight into the values buffer. */
#include "parquet/chunk.h"

#include <pthread.h>
#include <string.h>
#include <zlib.h>

#include "core/internal.h"
#include "parquet/codec.h"
#include "parquet/format.h"

typedef struct page_ctx {
  const qv__pq_column_chunk *cc;
  const qv__pq_limits *lim;
  qv__pq_chunk *out;
  qv__pq_values dict;
  bool has_dict;
  uint8_t *scratch;
  size_t scratch_cap;
  int64_t page_index;
  int64_t page_offset; /* the file offset of the current page's header */
  const char *column;  /* the leaf's dotted path */
  qv_error *err;
  qv_buffer *region; /* the bytes pages are read from (zero-copy views point into it) */
  int64_t base;      /* the file offset of region->data[0] */
  bool lazy_def;     /* outside any list (max_rep 0): out->def stays NULL while every level is max_def */
  int64_t level_base; /* levels of the chunk before this context's first page (the second half of a split) */
} page_ctx;

void qv__pq_chunk_free(qv__pq_chunk *c) {
  qv__pq_values_free(&c->values);
  qv__free(c->def);
  qv__free(c->rep);
  c->def = c->rep = NULL;
}

static qv_status fail(page_ctx *p, qv_status st) {
  qv_error_prefix(p->err, "column '%s', page %lld at byte %lld: ", p->column, (long long)p->page_index,
                  (long long)p->page_offset);
  return st;
}

static qv_status scratch_for(page_ctx *p, size_t n, uint8_t **out) {
  if (n + 8 > p->scratch_cap) {
    size_t cap = n + 8 > p->scratch_cap * 2 ? n + 8 : p->scratch_cap * 2;
    uint8_t *s = qv__realloc(p->scratch, cap);
    if (s == NULL)
      return qv_error_set(p->err, QV_ERR_NO_MEMORY, "out of memory (a %zu-byte Parquet page)", n);
    p->scratch = s;
    p->scratch_cap = cap;
  }
  *out = p->scratch;
  return QV_OK;
}

/* Decompresses src into the scratch buffer (or hands src back when the
 * chunk is uncompressed). */
static qv_status inflate_page(page_ctx *p, const uint8_t *src, size_t n, int64_t size, bool compressed,
                              const uint8_t **out) {
  if (size < 0 || size > p->lim->max_page_size)
    return qv_error_set(p->err, QV_ERR_LIMIT, "page of %lld decompressed bytes exceeds the reader's limit of %lld",
                        (long long)size, (long long)p->lim->max_page_size);
  if (!compressed || p->cc->meta.codec == QV__PQ_CODEC_UNCOMPRESSED) {
    if ((int64_t)n != size)
      return qv_error_set(p->err, QV_ERR_INVALID_DATA, "uncompressed page of %zu bytes announces %lld", n,
                          (long long)size);
    *out = src;
    return QV_OK;
  }
  uint8_t *dst = NULL;
  QV_RETURN_IF_ERROR(scratch_for(p, (size_t)size, &dst));
  if (size == 0 && n == 0) {
    *out = dst;
    return QV_OK;
  }
  QV_RETURN_IF_ERROR(qv__pq_decompress(p->cc->meta.codec, src, n, dst, (size_t)size, p->err));
  *out = dst;
  return QV_OK;
}

static qv_status grow_levels(page_ctx *p, int64_t n) {
  qv__pq_chunk *c = p->out;
  int64_t need;
  if (n < 0 || qv__add_overflow_i64(c->n_levels, n, &need) || need > p->lim->max_values)
    return qv_error_set(p->err, QV_ERR_LIMIT, "column chunk of more than %lld values exceeds the reader's limit",
                        (long long)p->lim->max_values);
  if (need <= c->levels_cap) return QV_OK;
  int64_t cap = c->levels_cap * 2 > need ? c->levels_cap * 2 : need;
  if (cap > p->lim->max_values) cap = need;
  if (c->max_def > 0 && (c->def != NULL || !p->lazy_def)) {
    int16_t *d = qv__realloc(c->def, (size_t)cap * 2);
    QV_CHECK_ALLOC(d, p->err);
    c->def = d;
  }
  if (c->max_rep > 0) {
    int16_t *r = qv__realloc(c->rep, (size_t)cap * 2);
    QV_CHECK_ALLOC(r, p->err);
    c->rep = r;
  }
  c->levels_cap = cap;
  return QV_OK;
}

static qv_status check_levels(page_ctx *p, const int16_t *lv, int64_t n, int16_t max, const char *kind) {
  for (int64_t i = 0; i < n; i++)
    if (lv[i] < 0 || lv[i] > max)
      return qv_error_set(p->err, QV_ERR_INVALID_DATA, "%s level %d at value %lld exceeds the maximum %d", kind,
                          (int)lv[i], (long long)i, (int)max);
  return QV_OK;
}

/* Levels of one page: `data` holds an RLE run stream of len bytes. */
static qv_status read_levels(page_ctx *p, const uint8_t *data, size_t len, int16_t max, int16_t *dst, int64_t n,
                             const char *kind) {
  qv__pq_rle r;
  const int32_t bw = qv__pq_bit_width((uint32_t)max);
  qv__pq_rle_init(&r, data, len, bw);
  QV_RETURN_IF_ERROR(qv__pq_rle_read_i16(&r, dst, n, p->err));
  /* The decoder keeps values within bw bits: when max is all ones there
   * (max 1, 3, 7, ...: every flat or singly nested column) no level can
   * exceed it, and the pass over the levels is skipped. */
  if (max == (int16_t)((1 << bw) - 1)) return QV_OK;
  return check_levels(p, dst, n, max, kind);
}

/* v1 levels: a 4-byte length, then the runs. Sets [*data, *len) to the
 * runs and advances *pos past them. */
static qv_status levels_v1(page_ctx *p, int32_t encoding, const uint8_t *page, size_t size, size_t *pos,
                           const uint8_t **data, size_t *len, const char *kind) {
  if (encoding != QV__PQ_ENC_RLE)
    return qv_error_set(p->err, QV_ERR_UNSUPPORTED, "%s levels in encoding %d (only RLE is supported)", kind,
                        (int)encoding);
  if (size - *pos < 4) return qv_error_set(p->err, QV_ERR_INVALID_DATA, "%s levels lack their length", kind);
  uint32_t n;
  memcpy(&n, page + *pos, 4);
  *pos += 4;
  if (n > size - *pos)
    return qv_error_set(p->err, QV_ERR_INVALID_DATA, "%s levels of %u bytes run past the page", kind, n);
  *data = page + *pos;
  *len = n;
  *pos += n;
  return QV_OK;
}

static int64_t count_present(const int16_t *def, int64_t n, int16_t max) {
  int64_t k = 0;
  for (int64_t i = 0; i < n; i++) k += def[i] == max;
  return k;
}

/* The first page with a level below max_def under lazy levels: the levels
 * so far become explicit (all max_def), room for levels_cap of them. */
static qv_status materialize_def(page_ctx *p) {
  qv__pq_chunk *c = p->out;
  int16_t *d = qv__malloc((size_t)(c->levels_cap > 0 ? c->levels_cap : 1) * 2);
  QV_CHECK_ALLOC(d, p->err);
  for (int64_t i = 0; i < c->n_levels; i++) d[i] = c->max_def;
  c->def = d;
  return QV_OK;
}

/* The definition levels of a page's n values from their runs in
 * data[0, len); *present receives how many values the page holds. Under
 * lazy levels a page whose levels are one run of max_def (a page without
 * nulls, as writers store it) writes and scans nothing. */
static qv_status read_def(page_ctx *p, const uint8_t *data, size_t len, int64_t n, int64_t *present) {
  qv__pq_chunk *c = p->out;
  *present = n;
  if (c->def == NULL) {
    if (!p->lazy_def) return QV_OK; /* n == 0: grow_levels allocated nothing */
    if (qv__pq_rle_is_run_of(data, len, qv__pq_bit_width((uint32_t)c->max_def), (uint32_t)c->max_def, n))
      return QV_OK;
    QV_RETURN_IF_ERROR(materialize_def(p));
  }
  int16_t *dst = c->def + c->n_levels;
  QV_RETURN_IF_ERROR(read_levels(p, data, len, c->max_def, dst, n, "definition"));
  *present = count_present(dst, n, c->max_def);
  return QV_OK;
}

/* The whole chunk is this one page's n PLAIN fixed-width values, stored
 * uncompressed in the region, no nulls, first value aligned: the values
 * become a view of the region. */
static bool try_zero_copy(page_ctx *p, int32_t encoding, const uint8_t *data, size_t len, int64_t n, int64_t levels) {
  qv__pq_values *v = &p->out->values;
  int32_t w = v->width;
  bool fixed = v->physical == QV__PQ_INT32 || v->physical == QV__PQ_INT64 || v->physical == QV__PQ_FLOAT ||
               v->physical == QV__PQ_DOUBLE;
  if (!fixed || encoding != QV__PQ_ENC_PLAIN || p->region == NULL || v->count != 0 || p->out->n_levels != 0 ||
      levels != p->cc->meta.num_values || n != levels || n <= 0 || ((uintptr_t)data % (uintptr_t)w) != 0)
    return false;
  const uint8_t *start = p->region->data;
  if (data < start || (uint64_t)(data - start) > (uint64_t)p->region->size ||
      (uint64_t)n * (uint64_t)w > len || (uint64_t)n * (uint64_t)w > (uint64_t)(p->region->size - (data - start)))
    return false; /* decompressed (scratch), or short: the copying decoder reports it */
  qv_buffer *view = NULL;
  if (qv_buffer_view(p->region, data - start, n * w, &view, NULL) != QV_OK) return false;
  qv_buffer_release(v->data);
  v->data = view;
  v->data_len = n * w;
  v->count = n;
  return true;
}

static qv_status decode_page_values(page_ctx *p, int32_t encoding, const uint8_t *data, size_t len, int64_t n) {
  if (encoding == QV__PQ_ENC_PLAIN_DICTIONARY || encoding == QV__PQ_ENC_RLE_DICTIONARY)
    return qv__pq_decode_dict_indices(&p->out->values, p->has_dict ? &p->dict : NULL, data, len, n, p->err);
  return qv__pq_decode_values(&p->out->values, encoding, data, len, n, p->err);
}

static bool plain_fixed(const qv__pq_values *v, int32_t encoding) {
  return encoding == QV__PQ_ENC_PLAIN && (v->physical == QV__PQ_INT32 || v->physical == QV__PQ_INT64 ||
                                          v->physical == QV__PQ_FLOAT || v->physical == QV__PQ_DOUBLE);
}

/* A v1 page of PLAIN fixed-width values in a compressed chunk outside any
 * list: the page is decompressed straight into the values buffer, placed
 * so that its values land where they belong (right after the values
 * before them) when the page has no nulls, which saves copying them out
 * of a scratch buffer. The level bytes that precede the values (at most
 * 64, else the scratch path is taken) overwrite the tail of the previous
 * values for a moment: those bytes are saved first and put back after the
 * levels are read. A page with nulls holds fewer values than planned:
 * they are moved down to their place. *done is false when the page does
 * not qualify (nothing was touched). */
static qv_status plain_in_place(page_ctx *p, const qv__pq_page_header *h, const uint8_t *raw, size_t raw_len,
                                int64_t n, bool *done) {
  qv__pq_chunk *c = p->out;
  qv__pq_values *v = &c->values;
  *done = false;
  const int32_t w = v->width;
  if (!plain_fixed(v, h->encoding) || c->max_rep > 0 || p->cc->meta.codec == QV__PQ_CODEC_UNCOMPRESSED ||
      h->uncompressed_size < 0 || h->uncompressed_size > p->lim->max_page_size || n > h->uncompressed_size / w)
    return QV_OK;
  const int64_t size = h->uncompressed_size, planned = n * w, lead = size - planned;
  if (lead > 64 || lead > v->data_len || (c->max_def > 0) != (lead > 0)) return QV_OK;
  QV_RETURN_IF_ERROR(qv__pq_values_room(v, planned, p->err));
  uint8_t *at = v->data->data + v->data_len, *page = at - lead;
  uint8_t saved[64];
  memcpy(saved, page, (size_t)lead);
  *done = true;
  qv_status st = qv__pq_decompress(p->cc->meta.codec, raw, raw_len, page, (size_t)size, p->err);
  size_t pos = 0;
  int64_t present = n;
  if (st == QV_OK && c->max_def > 0) {
    const uint8_t *lv = NULL;
    size_t lv_len = 0;
    st = levels_v1(p, h->def_encoding, page, (size_t)size, &pos, &lv, &lv_len, "definition");
    if (st == QV_OK) st = read_def(p, lv, lv_len, n, &present);
  }
  if (st == QV_OK && (uint64_t)present * (uint64_t)w > (uint64_t)size - pos)
    st = qv_error_set(p->err, QV_ERR_INVALID_DATA, "Parquet page: PLAIN values need %lld bytes, the page holds %zu",
                      (long long)(present * w), (size_t)size - pos);
  if (st == QV_OK && page + pos != at) memmove(at, page + pos, (size_t)(present * w));
  memcpy(page, saved, (size_t)lead);
  if (st != QV_OK) return st;
  v->data_len += present * w;
  v->count += present;
  c->n_levels += n;
  return QV_OK;
}

/* A v2 page of `present` PLAIN fixed-width values compressed apart from
 * its levels: decompressed straight into the values buffer when it holds
 * exactly those values. *done is false when it does not qualify. */
static qv_status plain_v2_in_place(page_ctx *p, const qv__pq_page_header *h, const uint8_t *raw, size_t raw_len,
                                   int64_t size, int64_t present, bool *done) {
  qv__pq_values *v = &p->out->values;
  *done = false;
  if (!plain_fixed(v, h->encoding) || !h->is_compressed || p->cc->meta.codec == QV__PQ_CODEC_UNCOMPRESSED ||
      size <= 0 || size > p->lim->max_page_size || size % v->width != 0 || size / v->width != present)
    return QV_OK;
  QV_RETURN_IF_ERROR(qv__pq_values_room(v, size, p->err));
  QV_RETURN_IF_ERROR(qv__pq_decompress(p->cc->meta.codec, raw, raw_len, v->data->data + v->data_len, (size_t)size,
                                       p->err));
  v->data_len += size;
  v->count += present;
  *done = true;
  return QV_OK;
}

static qv_status data_page(page_ctx *p, const qv__pq_page_header *h, const uint8_t *raw, size_t raw_len) {
  qv__pq_chunk *c = p->out;
  int64_t n = h->num_values;
  if (n < 0) return qv_error_set(p->err, QV_ERR_INVALID_DATA, "negative num_values %lld", (long long)n);
  /* a page cannot hold more values than its chunk still expects: refused
   * before levels are allocated for them (an RLE run makes any count cheap) */
  int64_t left = p->cc->meta.num_values - p->level_base - c->n_levels;
  if (n > left)
    return qv_error_set(p->err, QV_ERR_INVALID_DATA,
                        "the page announces %lld values, the column chunk has %lld left of its %lld", (long long)n,
                        (long long)left, (long long)p->cc->meta.num_values);
  QV_RETURN_IF_ERROR(grow_levels(p, n));
  int16_t *rep = c->rep ? c->rep + c->n_levels : NULL;
  /* levels are read when there are any to read (lazy ones always) */
  const bool has_def = c->max_def > 0 && (c->def != NULL || p->lazy_def);
  int64_t present = n;
  const uint8_t *values;
  size_t values_len;
  if (h->type == QV__PQ_PAGE_DATA) {
    bool done = false;
    QV_RETURN_IF_ERROR(plain_in_place(p, h, raw, raw_len, n, &done));
    if (done) return QV_OK;
    const uint8_t *page, *lv = NULL;
    size_t lv_len = 0;
    QV_RETURN_IF_ERROR(inflate_page(p, raw, raw_len, h->uncompressed_size, true, &page));
    size_t size = (size_t)h->uncompressed_size, pos = 0;
    if (rep) {
      QV_RETURN_IF_ERROR(levels_v1(p, h->rep_encoding, page, size, &pos, &lv, &lv_len, "repetition"));
      QV_RETURN_IF_ERROR(read_levels(p, lv, lv_len, c->max_rep, rep, n, "repetition"));
    }
    if (has_def) {
      QV_RETURN_IF_ERROR(levels_v1(p, h->def_encoding, page, size, &pos, &lv, &lv_len, "definition"));
      QV_RETURN_IF_ERROR(read_def(p, lv, lv_len, n, &present));
    }
    values = page + pos;
    values_len = size - pos;
  } else {
    if (h->rep_length < 0 || h->def_length < 0 || (int64_t)h->rep_length + h->def_length > (int64_t)raw_len ||
        (int64_t)h->rep_length + h->def_length > h->uncompressed_size)
      return qv_error_set(p->err, QV_ERR_INVALID_DATA, "level lengths %d + %d do not fit the page", (int)h->rep_length,
                          (int)h->def_length);
    if (rep) QV_RETURN_IF_ERROR(read_levels(p, raw, (size_t)h->rep_length, c->max_rep, rep, n, "repetition"));
    if (has_def) QV_RETURN_IF_ERROR(read_def(p, raw + h->rep_length, (size_t)h->def_length, n, &present));
    size_t lv = (size_t)h->rep_length + (size_t)h->def_length;
    bool done = false;
    QV_RETURN_IF_ERROR(plain_v2_in_place(p, h, raw + lv, raw_len - lv, h->uncompressed_size - (int64_t)lv, present,
                                         &done));
    if (done) {
      c->n_levels += n;
      return QV_OK;
    }
    QV_RETURN_IF_ERROR(inflate_page(p, raw + lv, raw_len - lv, h->uncompressed_size - (int64_t)lv, h->is_compressed,
                                    &values));
    values_len = (size_t)(h->uncompressed_size - (int64_t)lv);
  }
  if (rep && n > 0 && p->level_base + c->n_levels == 0 && rep[0] != 0)
    return qv_error_set(p->err, QV_ERR_INVALID_DATA, "the first repetition level of the chunk is %d, not 0", (int)rep[0]);
  if (!try_zero_copy(p, h->encoding, values, values_len, present, n))
    QV_RETURN_IF_ERROR(decode_page_values(p, h->encoding, values, values_len, present));
  c->n_levels += n;
  return QV_OK;
}

/* A dictionary page of fixed-width values in a compressed chunk whose
 * size is exactly its values': decompressed straight into the dictionary's
 * buffer (no scratch page, no copy out of it, no zeroing first). *done is
 * false when it does not qualify (nothing was decoded). */
static qv_status plain_dict_in_place(page_ctx *p, const qv__pq_page_header *h, const uint8_t *raw, size_t raw_len,
                                     bool *done) {
  qv__pq_values *d = &p->dict;
  const int64_t size = h->uncompressed_size;
  *done = false;
  if (!plain_fixed(d, QV__PQ_ENC_PLAIN) || p->cc->meta.codec == QV__PQ_CODEC_UNCOMPRESSED || size <= 0 ||
      size > p->lim->max_page_size || size % d->width != 0 || size / d->width != h->dict_num_values)
    return QV_OK;
  qv__pq_values_reserve(d, h->dict_num_values, 0);
  QV_RETURN_IF_ERROR(qv__pq_values_room(d, size, p->err));
  QV_RETURN_IF_ERROR(qv__pq_decompress(p->cc->meta.codec, raw, raw_len, d->data->data, (size_t)size, p->err));
  d->data_len = size;
  d->count = h->dict_num_values;
  *done = true;
  return QV_OK;
}

static qv_status dict_page(page_ctx *p, const qv__pq_page_header *h, const uint8_t *raw, size_t raw_len,
                           const qv__pq_schema_element *elem) {
  if (p->has_dict) return qv_error_set(p->err, QV_ERR_INVALID_DATA, "a second dictionary page");
  if (h->dict_encoding != QV__PQ_ENC_PLAIN && h->dict_encoding != QV__PQ_ENC_PLAIN_DICTIONARY)
    return qv_error_set(p->err, QV_ERR_UNSUPPORTED, "dictionary page in encoding %d", (int)h->dict_encoding);
  if (h->dict_num_values < 0) return qv_error_set(p->err, QV_ERR_INVALID_DATA, "negative dictionary size");
  QV_RETURN_IF_ERROR(qv__pq_values_init(&p->dict, elem->type, elem->type_length, p->lim->max_bytes, p->err));
  p->has_dict = true;
  bool done = false;
  QV_RETURN_IF_ERROR(plain_dict_in_place(p, h, raw, raw_len, &done));
  if (done) return QV_OK;
  const uint8_t *page = NULL;
  QV_RETURN_IF_ERROR(inflate_page(p, raw, raw_len, h->uncompressed_size, true, &page));
  return qv__pq_decode_values(&p->dict, QV__PQ_ENC_PLAIN, page, (size_t)h->uncompressed_size, h->dict_num_values,
                              p->err);
}

static qv_status check_crc(page_ctx *p, const qv__pq_page_header *h, const uint8_t *raw) {
  if (!h->has_crc || !p->lim->verify_crc) return QV_OK;
  uint32_t crc = (uint32_t)crc32(0L, raw, (uInt)h->compressed_size);
  if (crc != h->crc)
    return qv_error_set(p->err, QV_ERR_INVALID_DATA, "CRC mismatch (stored %08x, computed %08x)", h->crc, crc);
  return QV_OK;
}

/* ---- one chunk's pages on two threads ----
 *
 * A column read alone (one field of one row group) would keep one core
 * idle, so its data pages are split in two runs of about equal compressed
 * bytes: the dictionary page is decoded first and shared (read-only), then
 * this thread decodes the first run into the chunk and a helper the second
 * into a chunk of its own, which is appended after (levels and values are
 * per page, so the two runs need nothing from each other). The page
 * headers are listed first; any doubt about them (a header that does not
 * decode, a dictionary page after data pages, index or unknown pages,
 * value counts that do not add up to the chunk's) leaves the chunk to the
 * one-thread reader, which reports what is wrong as it always does. The
 * first run's error is reported before the second's. */

typedef struct page_ref {
  int64_t offset; /* the file offset of the page's header */
  int64_t index;  /* the page's position in the chunk (for messages) */
  qv__pq_page_header h;
  const uint8_t *raw; /* the page's compressed_size bytes */
} page_ref;

#define QV__PQ_SPLIT_MIN_BYTES ((int64_t)128 << 10) /* below this a helper thread costs more than it saves */

static bool list_pages(const uint8_t *region, int64_t base, int64_t start, int64_t end, const qv__pq_column_meta *m,
                       page_ref **out, int64_t *n_out) {
  page_ref *pages = NULL;
  int64_t n = 0, cap = 0, levels = 0, pos = start;
  while (levels < m->num_values) {
    qv__pq_page_header h;
    size_t hsize = 0;
    if (pos >= end || qv__pq_page_header_decode(region + (pos - base), (size_t)(end - pos), &h, &hsize, NULL) != QV_OK)
      goto refuse;
    const int64_t body = pos + (int64_t)hsize;
    if (h.compressed_size < 0 || h.compressed_size > end - body) goto refuse;
    if (h.type == QV__PQ_PAGE_DICTIONARY && h.has_dict) {
      if (n != 0) goto refuse;
    } else if ((h.type == QV__PQ_PAGE_DATA && h.has_v1) || (h.type == QV__PQ_PAGE_DATA_V2 && h.has_v2)) {
      if (h.num_values < 0 || h.num_values > m->num_values - levels) goto refuse;
      levels += h.num_values;
    } else {
      goto refuse;
    }
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      page_ref *np = qv__realloc(pages, (size_t)cap * sizeof(page_ref));
      if (np == NULL) goto refuse;
      pages = np;
    }
    pages[n] = (page_ref){.offset = pos, .index = n, .h = h, .raw = region + (body - base)};
    n++;
    pos = body + h.compressed_size;
  }
  *out = pages;
  *n_out = n;
  return true;
refuse:
  qv__free(pages);
  return false;
}

static qv_status run_pages(page_ctx *p, const page_ref *pages, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    const page_ref *r = &pages[i];
    p->page_index = r->index;
    p->page_offset = r->offset;
    qv_status st = check_crc(p, &r->h, r->raw);
    if (st == QV_OK) st = data_page(p, &r->h, r->raw, (size_t)r->h.compressed_size);
    if (st != QV_OK) return fail(p, st);
  }
  return QV_OK;
}

typedef struct page_run {
  page_ctx p;
  const page_ref *pages;
  int64_t n;
  qv_status st;
  qv_error err;
} page_run;

static void *page_run_thread(void *arg) {
  page_run *r = arg;
  r->st = run_pages(&r->p, r->pages, r->n);
  return NULL;
}

/* Appends the second run's levels and values to the chunk p decodes. */
static qv_status append_run(page_ctx *p, qv__pq_chunk *b) {
  qv__pq_chunk *c = p->out;
  if (b->n_levels == 0) return QV_OK;
  QV_RETURN_IF_ERROR(grow_levels(p, b->n_levels));
  if (c->max_rep > 0) memcpy(c->rep + c->n_levels, b->rep, (size_t)b->n_levels * 2);
  if (c->max_def > 0 && (c->def != NULL || b->def != NULL)) {
    if (c->def == NULL) QV_RETURN_IF_ERROR(materialize_def(p));
    if (b->def != NULL) {
      memcpy(c->def + c->n_levels, b->def, (size_t)b->n_levels * 2);
    } else {
      for (int64_t i = 0; i < b->n_levels; i++) c->def[c->n_levels + i] = c->max_def;
    }
  }
  QV_RETURN_IF_ERROR(qv__pq_values_append(&c->values, &b->values, p->err));
  c->n_levels += b->n_levels;
  return QV_OK;
}

/* Reads the listed pages on two threads (see above). */
static qv_status split_read(page_ctx *p, const qv__pq_schema_element *elem, const page_ref *pages, int64_t n) {
  qv__pq_chunk *c = p->out;
  if (n > 0 && pages[0].h.type == QV__PQ_PAGE_DICTIONARY) {
    p->page_index = 0;
    p->page_offset = pages[0].offset;
    qv_status st = check_crc(p, &pages[0].h, pages[0].raw);
    if (st == QV_OK) st = dict_page(p, &pages[0].h, pages[0].raw, (size_t)pages[0].h.compressed_size, elem);
    if (st != QV_OK) return fail(p, st);
    pages++;
    n--;
  }
  int64_t total = 0, half = 0, k = 0, first_levels = 0;
  for (int64_t i = 0; i < n; i++) total += pages[i].h.compressed_size;
  while (k < n - 1 && half + pages[k].h.compressed_size <= total / 2) {
    half += pages[k].h.compressed_size;
    first_levels += pages[k].h.num_values;
    k++;
  }
  if (k == 0 && n > 1) first_levels += pages[k++].h.num_values;
  page_run second = {.p = *p, .pages = pages + k, .n = n - k, .st = QV_OK};
  qv__pq_chunk b;
  memset(&b, 0, sizeof b);
  b.max_def = c->max_def;
  b.max_rep = c->max_rep;
  second.p.out = &b;
  second.p.err = &second.err;
  second.p.scratch = NULL;
  second.p.scratch_cap = 0;
  second.p.level_base = first_levels;
  qv_error_clear(&second.err);
  qv_status st = qv__pq_values_init(&b.values, elem->type, elem->type_length, p->lim->max_bytes, p->err);
  if (st != QV_OK) return st;
  qv__pq_values_reserve(&b.values, p->cc->meta.num_values - first_levels, 0);
  pthread_t th;
  bool started = pthread_create(&th, NULL, page_run_thread, &second) == 0;
  st = run_pages(p, pages, k);
  if (started) pthread_join(th, NULL);
  else if (st == QV_OK) page_run_thread(&second);
  if (st == QV_OK && second.st != QV_OK) {
    st = second.st;
    if (p->err) *p->err = second.err;
  }
  if (st == QV_OK) st = append_run(p, &b);
  qv__pq_chunk_free(&b);
  qv__free(second.p.scratch);
  return st;
}

qv_status qv__pq_chunk_read(qv_buffer *region_buf, int64_t base, size_t data_end, const qv__pq_column_chunk *cc,
                            const qv__pq_schema_element *elem, const char *path, int16_t max_def, int16_t max_rep,
                            const qv__pq_limits *limits, bool split, qv__pq_chunk *out, qv_error *err) {
  memset(out, 0, sizeof(*out));
  const uint8_t *region = region_buf != NULL ? region_buf->data : NULL;
  out->max_def = max_def;
  out->max_rep = max_rep;
  page_ctx p = {.cc = cc, .lim = limits, .out = out, .column = path, .err = err, .region = region_buf,
                .base = base, .lazy_def = max_rep == 0};
  const qv__pq_column_meta *m = &cc->meta;
  qv_status st = QV_OK;
  if (m->type != elem->type)
    QV_FAIL_GOTO(st, done, err, QV_ERR_INVALID_DATA, "column '%s': the chunk's type %d differs from the schema's %d",
                 path, (int)m->type, (int)elem->type);
  QV_GOTO_IF_ERROR(st, qv__pq_values_init(&out->values, elem->type, elem->type_length, limits->max_bytes, err), done);
  if (m->num_values == 0) goto done; /* no pages to read (offsets may be 0) */
  /* The up-front sizes are hints from the footer: a hostile footer could
   * claim many values, so they are capped by the file's size (16 levels per
   * byte); beyond that, buffers grow as pages arrive. */
  const int64_t region_len = (int64_t)data_end - base;
  const int64_t hint_cap = region_len * 16;
  if (m->num_values > 0 && m->num_values <= limits->max_values && m->num_values <= hint_cap) {
    /* levels for the whole chunk at once (a hint: growth still works) */
    int64_t keep = out->n_levels;
    page_ctx hint = p;
    qv_error ignored;
    hint.err = &ignored;
    if (grow_levels(&hint, m->num_values) == QV_OK) out->n_levels = keep;
  }
  if (m->num_values > 0 && m->num_values <= limits->max_values && m->num_values <= hint_cap)
    qv__pq_values_reserve(&out->values, m->num_values,
                          m->total_uncompressed_size < region_len * 64 ? m->total_uncompressed_size : 0);
  int64_t start = m->data_page_offset;
  if (m->dictionary_page_offset > 0 && m->dictionary_page_offset < start) start = m->dictionary_page_offset;
  if (start < 4 || start < base || (uint64_t)start >= data_end)
    QV_FAIL_GOTO(st, done, err, QV_ERR_INVALID_DATA, "column '%s': chunk offset %lld outside the file's %zu data bytes",
                 path, (long long)start, data_end);
  /* total_compressed_size is not trusted as the end: some writers
   * (parquet-mr before 1.2.9) understated it; pages are bounded by the
   * bytes before the footer, and reading stops at num_values. */
  int64_t end = (int64_t)data_end;
  if (m->num_values < 0)
    QV_FAIL_GOTO(st, done, err, QV_ERR_INVALID_DATA, "column '%s': negative num_values", path);
  page_ref *pages = NULL;
  int64_t n_pages = 0;
  if (split && m->total_compressed_size >= QV__PQ_SPLIT_MIN_BYTES &&
      list_pages(region, base, start, end, m, &pages, &n_pages)) {
    bool worth = n_pages >= 3 || (n_pages == 2 && pages[0].h.type != QV__PQ_PAGE_DICTIONARY);
    if (worth) st = split_read(&p, elem, pages, n_pages);
    qv__free(pages);
    if (worth) goto done;
  }
  int64_t pos = start;
  while (out->n_levels < m->num_values) {
    if (pos >= end)
      QV_FAIL_GOTO(st, done, err, QV_ERR_INVALID_DATA,
                   "column '%s': the chunk's pages end after %lld of its %lld values at byte %lld", path,
                   (long long)out->n_levels, (long long)m->num_values, (long long)pos);
    qv__pq_page_header h;
    p.page_offset = pos;
    size_t hsize = 0;
    st = qv__pq_page_header_decode(region + (pos - base), (size_t)(end - pos), &h, &hsize, err);
    if (st != QV_OK) {
      fail(&p, st);
      goto done;
    }
    pos += (int64_t)hsize;
    if (h.compressed_size > end - pos) {
      st = fail(&p, qv_error_set(err, QV_ERR_INVALID_DATA, "page of %d bytes runs past the column chunk (%lld bytes left)",
                                  (int)h.compressed_size, (long long)(end - pos)));
      goto done;
    }
    const uint8_t *raw = region + (pos - base);
    pos += h.compressed_size;
    if ((st = check_crc(&p, &h, raw)) != QV_OK) {
      fail(&p, st);
      goto done;
    }
    if (h.type == QV__PQ_PAGE_DICTIONARY && h.has_dict) {
      st = dict_page(&p, &h, raw, (size_t)h.compressed_size, elem);
    } else if ((h.type == QV__PQ_PAGE_DATA && h.has_v1) || (h.type == QV__PQ_PAGE_DATA_V2 && h.has_v2)) {
      st = data_page(&p, &h, raw, (size_t)h.compressed_size);
    } else if (h.type == QV__PQ_PAGE_DATA || h.type == QV__PQ_PAGE_DATA_V2 || h.type == QV__PQ_PAGE_DICTIONARY) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "page of type %d lacks its type's header", (int)h.type);
    }
    /* index pages and unknown page types are skipped */
    if (st != QV_OK) {
      fail(&p, st);
      goto done;
    }
    p.page_index++;
  }
  if (out->n_levels != m->num_values)
    QV_FAIL_GOTO(st, done, err, QV_ERR_INVALID_DATA, "column '%s': pages hold %lld values, the chunk announces %lld",
                 path, (long long)out->n_levels, (long long)m->num_values);
done:
  if (p.has_dict) qv__pq_values_free(&p.dict);
  qv__free(p.scratch);
  if (st != QV_OK) qv__pq_chunk_free(out);
  return st;
}
