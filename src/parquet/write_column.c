/* quiver Parquet writer: one column chunk.
 *
 * Levels are walked in steps of QV__PQ_MINI_BATCH levels (extended to the
 * next row start in nested columns, so a page never splits a row, as data
 * pages v2 require). Each step's values go into the current page; once the
 * page's estimated encoded size reaches data_page_size the page is cut.
 *
 * Dictionary encoding: the values are looked up in the chunk's dictionary
 * as they come; data pages carry the indices (RLE_DICTIONARY: one byte of
 * bit width, then the hybrid encoding). When the PLAIN form of the
 * dictionary reaches dictionary_page_size_limit, the current page is cut
 * and the rest of the chunk is written PLAIN (the fallback Arrow C++ makes
 * too). Because the dictionary page must come first, pages are assembled in
 * memory (sc->chunk) and written after it when the chunk is complete.
 *
 * Page layout: v1 pages compress [rep levels][def levels][values], each
 * level section prefixed by its 4-byte length; v2 pages keep the level
 * sections uncompressed and unprefixed (their lengths are in the header)
 * and compress the values only.
 *
 * Non-dictionary pages use the leaf's encoding (PLAIN unless the options
 * asked for a DELTA_* or BYTE_STREAM_SPLIT one). With write_page_checksum
 * each header carries the CRC32 of the page body as stored (compressed).
 * With write_page_index each data page leaves a record (its place, size,
 * first row, null count and min/max) from which the writer serializes the
 * chunk's ColumnIndex and OffsetIndex after the row groups.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/internal.h"
#include "parquet/write_internal.h"

/* Levels added to a page between size checks (Arrow C++'s write batch). */
#define QV__PQ_MINI_BATCH 1024

void qv__pq_scratch_free(qv__pq_scratch *sc) {
  qv__pq_buf_free(&sc->page);
  qv__pq_buf_free(&sc->levels);
  qv__pq_buf_free(&sc->compressed);
  qv__pq_buf_free(&sc->header);
  qv__pq_buf_free(&sc->chunk);
  free(sc->idx);
  sc->idx = NULL;
  sc->cap_idx = 0;
  qv__pq_codec_free(&sc->codec);
  qv__pq_dict_free(&sc->dict);
  qv__pq_stats_free(&sc->page_stats);
}

void qv__pqw_chunk_meta_free(qv__pq_chunk_meta *m) {
  qv__pq_stats_free(&m->stats);
  free(m->pages);
  m->pages = NULL;
  m->n_pages = m->cap_pages = 0;
  qv__pq_buf_free(&m->page_bounds);
}

typedef struct col_ctx {
  const qv__pq_leaf *leaf;
  const qv__pq_shred *sh;
  const qv__pqw_values *v;
  const qv_parquet_write_options *o;
  qv__pq_scratch *sc;
  qv__pq_chunk_meta *meta;
  qv__pq_dict *dict; /* the scratch's, reset for this chunk */
  bool dict_mode;     /* current pages are dictionary-encoded */
  bool dict_used;     /* at least one page used the dictionary */
  bool fell_back;     /* the dictionary overflowed: later pages are not dictionary-encoded */
  int64_t rows_before; /* rows of the chunk in pages already written */
  int64_t uncompressed, compressed; /* page bytes in sc->chunk, headers included */
  qv_error *err;
} col_ctx;

static qv_status to_i32(col_ctx *c, size_t n, int32_t *out) {
  if (n > (size_t)INT32_MAX)
    return qv_error_set(c->err, QV_ERR_LIMIT, "column '%s': a page of %zu bytes is larger than Parquet allows (2 GiB)",
                        c->leaf->dotted, n);
  *out = (int32_t)n;
  return QV_OK;
}

/* Appends header + body to sc->chunk (or, for the dictionary page, to
 * `dest`), counting both sizes. */
static qv_status emit_page(col_ctx *c, qv__pqw_page_header *h, size_t uncompressed, const uint8_t *body, size_t n,
                           qv__pq_buf *dest) {
  qv__pq_scratch *sc = c->sc;
  QV_RETURN_IF_ERROR(to_i32(c, uncompressed, &h->uncompressed_size));
  QV_RETURN_IF_ERROR(to_i32(c, n, &h->compressed_size));
  if (c->o->write_page_checksum) {
    h->has_crc = true;
    h->crc = (uint32_t)crc32(0L, Z_NULL, 0);
    for (size_t done = 0; done < n;) { /* zlib takes uInt lengths */
      size_t step = n - done < (1u << 30) ? n - done : (1u << 30);
      h->crc = (uint32_t)crc32((uLong)h->crc, body + done, (uInt)step);
      done += step;
    }
  }
  sc->header.len = 0;
  QV_RETURN_IF_ERROR(qv__pq_page_header_encode(h, &sc->header, c->err));
  qv__pq_buf_append(dest, sc->header.data, sc->header.len);
  qv__pq_buf_append(dest, body, n);
  QV_RETURN_IF_ERROR(qv__pq_buf_status(dest, "a column chunk", c->err));
  c->uncompressed += (int64_t)(sc->header.len + uncompressed);
  c->compressed += (int64_t)(sc->header.len + n);
  return QV_OK;
}

/* Levels lv[0, n) in the hybrid encoding (lv NULL: n copies of `constant`,
 * one RLE run), behind a 4-byte length for v1 pages. */
static void encode_levels(qv__pq_buf *out, const int16_t *lv, int64_t n, int16_t max, int16_t constant,
                          bool prefixed) {
  size_t at = out->len;
  const int bw = qv__pqw_bit_width((uint64_t)max);
  if (prefixed) qv__pq_buf_u32le(out, 0);
  if (lv != NULL) {
    qv__pq_rle_encode_i16(out, lv, n, bw);
  } else if (n > 0) {
    qv__tw_varint(out, (uint64_t)n << 1);
    for (int b = 0; b < (bw + 7) / 8; b++) qv__pq_buf_byte(out, (uint8_t)((uint16_t)constant >> (8 * b)));
  }
  if (prefixed && !out->oom) {
    uint32_t len = (uint32_t)(out->len - at - 4);
    uint8_t le[4] = {(uint8_t)len, (uint8_t)(len >> 8), (uint8_t)(len >> 16), (uint8_t)(len >> 24)};
    memcpy(out->data + at, le, 4);
  }
}

/* Starts the page-index record of the next data page: null count and the
 * min/max of values [v0, v1) (its place is set by finish_record). */
static qv_status record_page(col_ctx *c, int64_t nulls, int64_t v0, int64_t v1) {
  qv__pq_chunk_meta *m = c->meta;
  if (m->n_pages == m->cap_pages) {
    int32_t cap = m->cap_pages ? m->cap_pages * 2 : 8;
    qv__pqw_page_rec *p = realloc(m->pages, (size_t)cap * sizeof *p);
    if (p == NULL) return qv_error_set(c->err, QV_ERR_NO_MEMORY, "out of memory recording the pages of '%s'",
                                       c->leaf->dotted);
    m->pages = p;
    m->cap_pages = cap;
  }
  qv__pqw_page_rec *r = &m->pages[m->n_pages];
  memset(r, 0, sizeof *r);
  r->null_count = nulls;
  r->null_page = v1 == v0;
  if (!r->null_page) {
    qv__pq_stats *st = &c->sc->page_stats;
    QV_RETURN_IF_ERROR(qv__pqw_stats_range(c->leaf, c->v, v0, v1 - v0, c->o->statistics_truncate_length, st, c->err));
    r->has_minmax = st->has_minmax;
    if (!st->has_minmax) m->column_index_ok = false;
    if (st->has_minmax) {
      if (m->page_bounds.len + st->min.len + st->max.len > UINT32_MAX)
        return qv_error_set(c->err, QV_ERR_LIMIT, "column '%s': the page index bounds pass 4 GiB", c->leaf->dotted);
      r->min_at = (uint32_t)m->page_bounds.len;
      r->min_len = (uint32_t)st->min.len;
      qv__pq_buf_append(&m->page_bounds, st->min.data, st->min.len);
      r->max_at = (uint32_t)m->page_bounds.len;
      r->max_len = (uint32_t)st->max.len;
      qv__pq_buf_append(&m->page_bounds, st->max.data, st->max.len);
      QV_RETURN_IF_ERROR(qv__pq_buf_status(&m->page_bounds, "the page index", c->err));
    }
  }
  return QV_OK;
}

/* Completes the record started by record_page once the page is in sc->chunk. */
static qv_status finish_record(col_ctx *c, size_t page_at, int64_t first_row) {
  if (!c->o->write_page_index) return QV_OK;
  qv__pqw_page_rec *r = &c->meta->pages[c->meta->n_pages++];
  r->offset = (int64_t)page_at;
  r->first_row = first_row;
  return to_i32(c, c->sc->chunk.len - page_at, &r->size);
}

/* Writes the page of levels [l0, l1) and values [v0, v1). */
static qv_status flush_page(col_ctx *c, int64_t l0, int64_t l1, int64_t v0, int64_t v1) {
  qv__pq_scratch *sc = c->sc;
  const qv__pq_leaf *leaf = c->leaf;
  const qv__pq_shred *sh = c->sh;
  const bool v2 = c->o->data_page_version == 2;
  /* values */
  sc->page.len = 0;
  int32_t encoding;
  if (c->dict_mode) {
    int bw = qv__pqw_bit_width(c->dict->n > 1 ? c->dict->n - 1 : 1);
    qv__pq_buf_byte(&sc->page, (uint8_t)bw);
    qv__pq_rle_encode_u32(&sc->page, sc->idx + v0, v1 - v0, bw);
    encoding = QV__PQ_ENC_RLE_DICTIONARY;
    c->dict_used = true;
  } else {
    qv__pqw_encode_values(&sc->page, leaf, leaf->encoding, c->v, v0, v1 - v0);
    encoding = leaf->encoding;
  }
  c->meta->encodings |= 1u << encoding;
  QV_RETURN_IF_ERROR(qv__pq_buf_status(&sc->page, "a data page", c->err));
  /* levels */
  sc->levels.len = 0;
  size_t rep_bytes = 0, def_bytes = 0;
  if (leaf->max_rep > 0) {
    encode_levels(&sc->levels, sh->implicit ? NULL : sh->rep + l0, l1 - l0, leaf->max_rep, 0, !v2);
    rep_bytes = sc->levels.len;
  }
  if (leaf->max_def > 0) {
    encode_levels(&sc->levels, sh->implicit ? NULL : sh->def + l0, l1 - l0, leaf->max_def, leaf->max_def, !v2);
    def_bytes = sc->levels.len - rep_bytes;
  }
  if (leaf->max_def > 0 || leaf->max_rep > 0) c->meta->encodings |= 1u << QV__PQ_ENC_RLE;
  QV_RETURN_IF_ERROR(qv__pq_buf_status(&sc->levels, "page levels", c->err));
  qv__pqw_page_header h;
  memset(&h, 0, sizeof h);
  QV_RETURN_IF_ERROR(to_i32(c, (size_t)(l1 - l0), &h.num_values));
  h.encoding = encoding;
  sc->compressed.len = 0;
  int64_t rows = l1 - l0;
  if (leaf->max_rep > 0 && !sh->implicit) {
    rows = 0;
    for (int64_t k = l0; k < l1; k++) rows += sh->rep[k] == 0;
  }
  const size_t page_at = sc->chunk.len;
  if (c->o->write_page_index)
    QV_RETURN_IF_ERROR(record_page(c, (l1 - l0) - (v1 - v0), v0, v1));
  const int64_t first_row = c->rows_before;
  c->rows_before += rows;
  if (!v2) {
    h.type = QV__PQ_PAGE_DATA;
    qv__pq_buf_append(&sc->levels, sc->page.data, sc->page.len);
    QV_RETURN_IF_ERROR(qv__pq_buf_status(&sc->levels, "a data page", c->err));
    if (c->o->compression == QV_PARQUET_UNCOMPRESSED) {
      QV_RETURN_IF_ERROR(emit_page(c, &h, sc->levels.len, sc->levels.data, sc->levels.len, &sc->chunk));
    } else {
      QV_RETURN_IF_ERROR(
          qv__pq_codec_compress(&sc->codec, sc->levels.data, sc->levels.len, &sc->compressed, c->err));
      QV_RETURN_IF_ERROR(emit_page(c, &h, sc->levels.len, sc->compressed.data, sc->compressed.len, &sc->chunk));
    }
    return finish_record(c, page_at, first_row);
  }
  h.type = QV__PQ_PAGE_DATA_V2;
  int64_t nulls = 0;
  if (leaf->max_def > 0 && !sh->implicit)
    for (int64_t k = l0; k < l1; k++) nulls += sh->def[k] < leaf->max_def;
  h.num_nulls = (int32_t)nulls;
  h.num_rows = (int32_t)rows;
  h.rep_bytes = (int32_t)rep_bytes;
  h.def_bytes = (int32_t)def_bytes;
  h.is_compressed = c->o->compression != QV_PARQUET_UNCOMPRESSED;
  qv__pq_buf_append(&sc->compressed, sc->levels.data, sc->levels.len);
  if (h.is_compressed)
    QV_RETURN_IF_ERROR(qv__pq_codec_compress(&sc->codec, sc->page.data, sc->page.len, &sc->compressed, c->err));
  else
    qv__pq_buf_append(&sc->compressed, sc->page.data, sc->page.len);
  QV_RETURN_IF_ERROR(qv__pq_buf_status(&sc->compressed, "a data page", c->err));
  QV_RETURN_IF_ERROR(
      emit_page(c, &h, sc->levels.len + sc->page.len, sc->compressed.data, sc->compressed.len, &sc->chunk));
  return finish_record(c, page_at, first_row);
}

/* Non-null values among levels [l0, l1). */
static int64_t count_values(const col_ctx *c, int64_t l0, int64_t l1) {
  if (c->leaf->max_def == 0 || c->sh->implicit) return l1 - l0;
  int64_t n = 0;
  const int16_t *def = c->sh->def, max = c->leaf->max_def;
  for (int64_t k = l0; k < l1; k++) n += def[k] == max;
  return n;
}

static int64_t plain_bytes(const col_ctx *c, int64_t v0, int64_t v1) {
  if (c->leaf->physical != QV__PQ_BYTE_ARRAY)
    return c->leaf->physical == QV__PQ_BOOLEAN ? (v1 - v0 + 7) / 8 : (v1 - v0) * c->leaf->width;
  int64_t n = 0;
  for (int64_t k = v0; k < v1; k++) n += 4 + c->v->bytes[k].len;
  return n;
}

static qv_status write_pages(col_ctx *c) {
  const qv__pq_shred *sh = c->sh;
  const int64_t n_levels = sh->n_levels;
  const int64_t target = c->o->data_page_size > 0 ? c->o->data_page_size : 1;
  int64_t page_l0 = 0, page_v0 = 0, l = 0, vpos = 0, plain_estimate = 0;
  while (l < n_levels) {
    int64_t l1 = l + QV__PQ_MINI_BATCH < n_levels ? l + QV__PQ_MINI_BATCH : n_levels;
    if (c->leaf->max_rep > 0 && !sh->implicit)
      while (l1 < n_levels && sh->rep[l1] != 0) l1++;
    int64_t nv = count_values(c, l, l1);
    if (c->dict_mode && nv > 0)
      QV_RETURN_IF_ERROR(qv__pq_dict_put(c->dict, c->v, vpos, nv, c->sc->idx + vpos, c->err));
    if (!c->dict_mode) plain_estimate += plain_bytes(c, vpos, vpos + nv);
    l = l1;
    vpos += nv;
    bool cut;
    if (c->dict_mode) {
      int bw = qv__pqw_bit_width(c->dict->n > 1 ? c->dict->n - 1 : 1);
      cut = (vpos - page_v0) * bw / 8 >= target;
      if (c->dict->plain_size >= c->o->dictionary_page_size_limit) {
        QV_RETURN_IF_ERROR(flush_page(c, page_l0, l, page_v0, vpos));
        page_l0 = l;
        page_v0 = vpos;
        c->dict_mode = false; /* fallback: the rest of the chunk in the leaf's encoding */
        c->fell_back = true;
        continue;
      }
    } else {
      cut = plain_estimate >= target;
    }
    if (cut) {
      QV_RETURN_IF_ERROR(flush_page(c, page_l0, l, page_v0, vpos));
      page_l0 = l;
      page_v0 = vpos;
      plain_estimate = 0;
    }
  }
  if (l > page_l0) QV_RETURN_IF_ERROR(flush_page(c, page_l0, l, page_v0, vpos));
  if (vpos != c->v->n)
    return qv_error_set(c->err, QV_ERR_INVALID_DATA, "column '%s': %lld values for %lld defined levels",
                        c->leaf->dotted, (long long)c->v->n, (long long)vpos);
  return QV_OK;
}

qv_status qv__pq_column_write(const qv__pq_leaf *leaf, const qv__pq_shred *sh, const qv__pqw_values *v,
                              const qv_parquet_write_options *o, qv__pq_scratch *sc, qv__pq_buf *out,
                              qv__pq_chunk_meta *meta, qv_error *err) {
  col_ctx c;
  memset(&c, 0, sizeof c);
  c.leaf = leaf;
  c.sh = sh;
  c.v = v;
  c.o = o;
  c.sc = sc;
  c.meta = meta;
  c.err = err;
  meta->num_values = sh->n_levels;
  meta->dictionary_page_offset = -1;
  meta->encodings = 0;
  meta->has_stats = false;
  meta->distinct = 0;
  meta->n_pages = 0;
  meta->page_bounds.len = 0;
  meta->column_index_ok = true;
  meta->column_index_offset = meta->offset_index_offset = -1;
  meta->bloom_offset = -1;
  qv_status st = QV_OK;
  c.dict_mode = leaf->dictionary && v->n > 0;
  if (c.dict_mode) {
    c.dict = &sc->dict;
    QV_GOTO_IF_ERROR(st, qv__pq_dict_reset(c.dict, leaf->physical == QV__PQ_BYTE_ARRAY ? 0 : leaf->width, err), done);
    if (v->n > sc->cap_idx) {
      uint32_t *p = realloc(sc->idx, (size_t)v->n * sizeof *p);
      QV_CHECK_ALLOC_GOTO(p, st, err, done);
      sc->idx = p;
      sc->cap_idx = v->n;
    }
  }
  sc->chunk.len = 0;
  QV_GOTO_IF_ERROR(st, write_pages(&c), done);
  if (o->write_statistics) {
    /* A chunk wholly dictionary-encoded holds exactly its dictionary's
     * values: their min and max are the chunk's, found in far fewer steps. */
    qv__pqw_values dv;
    const qv__pqw_values *sv = v;
    if (c.dict_used && !c.fell_back) {
      memset(&dv, 0, sizeof dv);
      dv.n = c.dict->n;
      if (c.dict->width > 0) dv.borrowed = c.dict->fixed.data;
      else dv.bytes = c.dict->bytes;
      sv = &dv;
    }
    QV_GOTO_IF_ERROR(st, qv__pq_stats_compute(leaf, sv, o->statistics_truncate_length, &meta->stats, err), done);
    meta->stats.null_count = sh->n_nulls;
    meta->has_stats = true;
  }
  out->len = 0;
  meta->data_page_offset = 0;
  if (!c.dict_used) {
    /* The pages are the chunk: hand their memory over instead of copying. */
    qv__pq_buf tmp = *out;
    *out = sc->chunk;
    sc->chunk = tmp;
    sc->chunk.len = 0;
  } else {
    /* The dictionary page goes first; sc->page and sc->compressed are free now. */
    qv__pq_buf *plain = &sc->page, *dict_page = out;
    plain->len = 0;
    qv__pq_dict_plain(c.dict, plain);
    QV_GOTO_IF_ERROR(st, qv__pq_buf_status(plain, "a dictionary page", err), done);
    qv__pqw_page_header h;
    memset(&h, 0, sizeof h);
    h.type = QV__PQ_PAGE_DICTIONARY;
    h.num_values = (int32_t)c.dict->n;
    h.encoding = QV__PQ_ENC_PLAIN;
    const uint8_t *body = plain->data;
    size_t body_len = plain->len;
    if (o->compression != QV_PARQUET_UNCOMPRESSED) {
      sc->compressed.len = 0;
      QV_GOTO_IF_ERROR(st, qv__pq_codec_compress(&sc->codec, plain->data, plain->len, &sc->compressed, err), done);
      body = sc->compressed.data;
      body_len = sc->compressed.len;
    }
    QV_GOTO_IF_ERROR(st, emit_page(&c, &h, plain->len, body, body_len, dict_page), done);
    meta->encodings |= 1u << QV__PQ_ENC_PLAIN;
    meta->dictionary_page_offset = 0;
    meta->data_page_offset = (int64_t)dict_page->len;
    for (int32_t p = 0; p < meta->n_pages; p++) meta->pages[p].offset += (int64_t)dict_page->len;
    if (!c.fell_back) meta->distinct = c.dict->n;
    qv__pq_buf_append(out, sc->chunk.data, sc->chunk.len);
    QV_GOTO_IF_ERROR(st, qv__pq_buf_status(out, "a column chunk", err), done);
  }
  if (meta->encodings == 0) meta->encodings = 1u << leaf->encoding;
  meta->total_uncompressed = c.uncompressed;
  meta->total_compressed = c.compressed;
done:
  return st;
}
