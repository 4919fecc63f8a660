/* quiver Parquet writer: PageHeader and FileMetaData in Thrift compact
 * form, field ids as parquet.thrift numbers them.
 *
 * What is written, and why:
 *   - FileMetaData version 2 (the format-2 logical types are used), the
 *     schema in depth-first order, row groups, key-value metadata
 *     (ARROW:schema), created_by, and a TYPE_ORDER column order for every
 *     leaf so readers trust min_value/max_value;
 *   - LogicalType and, where parquet.thrift asks for it for old readers,
 *     the matching ConvertedType (plus scale/precision for decimals);
 *   - per column chunk: encodings, path, codec, value count, sizes, page
 *     offsets and Statistics (null_count, min_value, max_value and whether
 *     they are exact); ColumnChunk.file_offset 0 as the format now asks.
 */
#include <string.h>

#include "core/internal.h"
#include "parquet/write_internal.h"

qv_status qv__pq_page_header_encode(const qv__pqw_page_header *h, qv__pq_buf *out, qv_error *err) {
  qv__tw w;
  qv__tw_init(&w, out);
  qv__tw_i32(&w, 1, h->type);
  qv__tw_i32(&w, 2, h->uncompressed_size);
  qv__tw_i32(&w, 3, h->compressed_size);
  if (h->has_crc) qv__tw_i32(&w, 4, (int32_t)h->crc);
  switch (h->type) {
    case QV__PQ_PAGE_DATA:
      qv__tw_struct_begin(&w, 5);
      qv__tw_i32(&w, 1, h->num_values);
      qv__tw_i32(&w, 2, h->encoding);
      qv__tw_i32(&w, 3, QV__PQ_ENC_RLE);
      qv__tw_i32(&w, 4, QV__PQ_ENC_RLE);
      qv__tw_struct_end(&w);
      break;
    case QV__PQ_PAGE_DICTIONARY:
      qv__tw_struct_begin(&w, 7);
      qv__tw_i32(&w, 1, h->num_values);
      qv__tw_i32(&w, 2, h->encoding);
      qv__tw_struct_end(&w);
      break;
    case QV__PQ_PAGE_DATA_V2:
      qv__tw_struct_begin(&w, 8);
      qv__tw_i32(&w, 1, h->num_values);
      qv__tw_i32(&w, 2, h->num_nulls);
      qv__tw_i32(&w, 3, h->num_rows);
      qv__tw_i32(&w, 4, h->encoding);
      qv__tw_i32(&w, 5, h->def_bytes);
      qv__tw_i32(&w, 6, h->rep_bytes);
      qv__tw_bool(&w, 7, h->is_compressed);
      qv__tw_struct_end(&w);
      break;
    default: return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "page type %d is not written", (int)h->type);
  }
  return qv__tw_finish(&w, err);
}

static void time_unit(qv__tw *w, int16_t id, int32_t unit) {
  qv__tw_struct_begin(w, id);
  qv__tw_struct_begin(w, (int16_t)unit); /* MILLIS 1, MICROS 2, NANOS 3: empty structs */
  qv__tw_struct_end(w);
  qv__tw_struct_end(w);
}

static void logical_type(qv__tw *w, const qv__pq_element *e) {
  qv__tw_struct_begin(w, 10);
  qv__tw_struct_begin(w, (int16_t)e->logical);
  switch (e->logical) {
    case QV__PQ_LT_DECIMAL:
      qv__tw_i32(w, 1, e->scale);
      qv__tw_i32(w, 2, e->precision);
      break;
    case QV__PQ_LT_TIME:
    case QV__PQ_LT_TIMESTAMP:
      qv__tw_bool(w, 1, e->utc);
      time_unit(w, 2, e->unit);
      break;
    case QV__PQ_LT_INTEGER:
      qv__tw_i8(w, 1, (int8_t)e->int_bits);
      qv__tw_bool(w, 2, e->int_signed);
      break;
    default: break; /* STRING, MAP, LIST, DATE, UNKNOWN, UUID, FLOAT16: empty structs */
  }
  qv__tw_struct_end(w);
  qv__tw_struct_end(w);
}

static void schema_element(qv__tw *w, const qv__pq_element *e) {
  qv__tw_elem_struct_begin(w);
  if (e->physical >= 0) qv__tw_i32(w, 1, e->physical);
  if (e->physical == QV__PQ_FIXED_LEN_BYTE_ARRAY) qv__tw_i32(w, 2, e->type_length);
  if (e->repetition >= 0) qv__tw_i32(w, 3, e->repetition);
  qv__tw_string(w, 4, e->name);
  if (e->physical < 0) qv__tw_i32(w, 5, e->n_children);
  if (e->converted >= 0) qv__tw_i32(w, 6, e->converted);
  if (e->logical == QV__PQ_LT_DECIMAL) {
    qv__tw_i32(w, 7, e->scale);
    qv__tw_i32(w, 8, e->precision);
  }
  if (e->logical != QV__PQ_LT_NONE) logical_type(w, e);
  qv__tw_struct_end(w);
}

static void statistics(qv__tw *w, const qv__pq_stats *st) {
  qv__tw_struct_begin(w, 12);
  qv__tw_i64(w, 3, st->null_count);
  if (st->has_minmax) {
    qv__tw_binary(w, 5, st->max.data, st->max.len);
    qv__tw_binary(w, 6, st->min.data, st->min.len);
    qv__tw_bool(w, 7, st->max_exact);
    qv__tw_bool(w, 8, st->min_exact);
  }
  qv__tw_struct_end(w);
}

static void column_chunk(qv__tw *w, const qv__pq_leaf *l, const qv__pq_chunk_meta *m, int32_t codec) {
  qv__tw_elem_struct_begin(w);
  qv__tw_i64(w, 2, 0);
  qv__tw_struct_begin(w, 3);
  qv__tw_i32(w, 1, l->physical);
  uint32_t n_enc = 0;
  for (int e = 0; e < 32; e++) n_enc += (m->encodings >> e) & 1u;
  qv__tw_list_begin(w, 2, QV__TC_I32, n_enc);
  for (int e = 0; e < 32; e++)
    if ((m->encodings >> e) & 1u) qv__tw_elem_i32(w, e);
  qv__tw_list_begin(w, 3, QV__TC_BINARY, (uint32_t)l->path_len);
  for (int32_t k = 0; k < l->path_len; k++) qv__tw_elem_string(w, l->path[k]);
  qv__tw_i32(w, 4, codec);
  qv__tw_i64(w, 5, m->num_values);
  qv__tw_i64(w, 6, m->total_uncompressed);
  qv__tw_i64(w, 7, m->total_compressed);
  qv__tw_i64(w, 9, m->data_page_offset);
  if (m->dictionary_page_offset >= 0) qv__tw_i64(w, 11, m->dictionary_page_offset);
  if (m->has_stats) statistics(w, &m->stats);
  if (m->bloom_offset >= 0) {
    qv__tw_i64(w, 14, m->bloom_offset);
    qv__tw_i32(w, 15, m->bloom_length);
  }
  qv__tw_struct_end(w);
  if (m->offset_index_offset >= 0) {
    qv__tw_i64(w, 4, m->offset_index_offset);
    qv__tw_i32(w, 5, m->offset_index_length);
  }
  if (m->column_index_offset >= 0) {
    qv__tw_i64(w, 6, m->column_index_offset);
    qv__tw_i32(w, 7, m->column_index_length);
  }
  qv__tw_struct_end(w);
}

/* BoundaryOrder: ASCENDING (1) when the non-null pages' minima and maxima
 * both never decrease, DESCENDING (2) when both never increase, else
 * UNORDERED (0). */
static int32_t boundary_order(const qv__pq_leaf *leaf, const qv__pq_chunk_meta *m) {
  const uint8_t *b = m->page_bounds.data;
  bool asc = true, desc = true;
  int32_t prev = -1;
  for (int32_t p = 0; p < m->n_pages; p++) {
    const qv__pqw_page_rec *r = &m->pages[p];
    if (r->null_page) continue;
    if (prev >= 0) {
      const qv__pqw_page_rec *q = &m->pages[prev];
      int cmin = qv__pqw_stats_compare(leaf, b + q->min_at, q->min_len, b + r->min_at, r->min_len);
      int cmax = qv__pqw_stats_compare(leaf, b + q->max_at, q->max_len, b + r->max_at, r->max_len);
      if (cmin > 0 || cmax > 0) asc = false;
      if (cmin < 0 || cmax < 0) desc = false;
    }
    prev = p;
  }
  return asc ? 1 : desc ? 2 : 0;
}

qv_status qv__pqw_column_index_encode(const qv__pq_leaf *leaf, const qv__pq_chunk_meta *m, qv__pq_buf *out,
                                      qv_error *err) {
  qv__tw w;
  qv__tw_init(&w, out);
  const uint32_t n = (uint32_t)m->n_pages;
  const uint8_t *b = m->page_bounds.data;
  qv__tw_list_begin(&w, 1, QV__TC_BOOL_TRUE, n);
  for (uint32_t p = 0; p < n; p++) qv__tw_elem_bool(&w, m->pages[p].null_page);
  qv__tw_list_begin(&w, 2, QV__TC_BINARY, n);
  for (uint32_t p = 0; p < n; p++) qv__tw_elem_binary(&w, m->pages[p].null_page ? NULL : b + m->pages[p].min_at,
                                                      m->pages[p].null_page ? 0 : m->pages[p].min_len);
  qv__tw_list_begin(&w, 3, QV__TC_BINARY, n);
  for (uint32_t p = 0; p < n; p++) qv__tw_elem_binary(&w, m->pages[p].null_page ? NULL : b + m->pages[p].max_at,
                                                      m->pages[p].null_page ? 0 : m->pages[p].max_len);
  qv__tw_i32(&w, 4, boundary_order(leaf, m));
  qv__tw_list_begin(&w, 5, QV__TC_I64, n);
  for (uint32_t p = 0; p < n; p++) qv__tw_elem_i64(&w, m->pages[p].null_count);
  return qv__tw_finish(&w, err);
}

qv_status qv__pqw_offset_index_encode(const qv__pq_chunk_meta *m, qv__pq_buf *out, qv_error *err) {
  qv__tw w;
  qv__tw_init(&w, out);
  qv__tw_list_begin(&w, 1, QV__TC_STRUCT, (uint32_t)m->n_pages);
  for (int32_t p = 0; p < m->n_pages; p++) {
    qv__tw_elem_struct_begin(&w);
    qv__tw_i64(&w, 1, m->pages[p].offset);
    qv__tw_i32(&w, 2, m->pages[p].size);
    qv__tw_i64(&w, 3, m->pages[p].first_row);
    qv__tw_struct_end(&w);
  }
  return qv__tw_finish(&w, err);
}

qv_status qv__pq_file_meta_encode(const qv__pqw_schema *s, const qv__pq_row_group_meta *groups, int64_t n_groups,
                                  int64_t num_rows, const qv_metadata *kv, const char *created_by, int32_t codec,
                                  qv__pq_buf *out, qv_error *err) {
  qv__tw w;
  qv__tw_init(&w, out);
  qv__tw_i32(&w, 1, 2);
  qv__tw_list_begin(&w, 2, QV__TC_STRUCT, (uint32_t)s->n_elements);
  for (int32_t i = 0; i < s->n_elements; i++) schema_element(&w, &s->elements[i]);
  qv__tw_i64(&w, 3, num_rows);
  qv__tw_list_begin(&w, 4, QV__TC_STRUCT, (uint32_t)n_groups);
  for (int64_t g = 0; g < n_groups; g++) {
    const qv__pq_row_group_meta *rg = &groups[g];
    qv__tw_elem_struct_begin(&w);
    qv__tw_list_begin(&w, 1, QV__TC_STRUCT, (uint32_t)s->n_leaves);
    for (int32_t c = 0; c < s->n_leaves; c++) column_chunk(&w, &s->leaves[c], &rg->chunks[c], codec);
    qv__tw_i64(&w, 2, rg->total_byte_size);
    qv__tw_i64(&w, 3, rg->num_rows);
    qv__tw_i64(&w, 5, rg->file_offset);
    qv__tw_i64(&w, 6, rg->total_compressed);
    qv__tw_struct_end(&w);
  }
  if (kv != NULL && kv->n > 0) {
    qv__tw_list_begin(&w, 5, QV__TC_STRUCT, (uint32_t)kv->n);
    for (int64_t i = 0; i < kv->n; i++) {
      qv__tw_elem_struct_begin(&w);
      qv__tw_binary(&w, 1, kv->pairs[i].key, (size_t)kv->pairs[i].key_len);
      qv__tw_binary(&w, 2, kv->pairs[i].value, (size_t)kv->pairs[i].value_len);
      qv__tw_struct_end(&w);
    }
  }
  qv__tw_string(&w, 6, created_by);
  qv__tw_list_begin(&w, 7, QV__TC_STRUCT, (uint32_t)s->n_leaves);
  for (int32_t c = 0; c < s->n_leaves; c++) {
    qv__tw_elem_struct_begin(&w);
    qv__tw_struct_begin(&w, 1); /* TYPE_ORDER */
    qv__tw_struct_end(&w);
    qv__tw_struct_end(&w);
  }
  return qv__tw_finish(&w, err);
}
