/* Parquet: FileMetaData and everything under it, from the compact protocol.
 *
 * One decoder per struct, each a loop over field headers with a switch on
 * the field id; a field of an unexpected wire type or an unknown id is
 * skipped (the protocol's rule for evolution). Required fields are checked
 * once the struct ends. Every list length was bounded by the reader before
 * anything is allocated for it. */
#include <string.h>

#include "core/internal.h"
#include "parquet/format.h"
#include "parquet/metadata.h"
#include "parquet/thrift_read.h"

/* The loop over a struct's fields: `body` sees id and type, and must
 * consume the value (or `continue` after skipping). */
#define QV__STRUCT_FIELDS(r, id, t, ...)                       \
  do {                                                        \
    QV_RETURN_IF_ERROR(qv__thrift_struct_begin(r));           \
    int16_t last_ = 0, id = 0;                                \
    uint8_t t = 0;                                            \
    for (;;) {                                                \
      QV_RETURN_IF_ERROR(qv__thrift_field((r), &last_, &id, &t)); \
      if (t == QV__TC_STOP) break;                            \
      __VA_ARGS__                                             \
      QV_RETURN_IF_ERROR((r)->status);                        \
    }                                                         \
    qv__thrift_struct_end(r);                                 \
  } while (0)

static bool is_int(uint8_t t) { return t == QV__TC_I8 || t == QV__TC_I16 || t == QV__TC_I32; }
static bool is_bool(uint8_t t) { return t == QV__TC_BOOL_TRUE || t == QV__TC_BOOL_FALSE; }

static qv_status read_int(qv__thrift_reader *r, uint8_t t, int32_t *out) {
  if (!is_int(t)) return qv__thrift_skip(r, t);
  return qv__thrift_int_field(r, t, out);
}

static qv_status read_i64(qv__thrift_reader *r, uint8_t t, int64_t *out) {
  if (t == QV__TC_I64) return qv__thrift_i64(r, out);
  if (is_int(t)) {
    int32_t v = 0;
    QV_RETURN_IF_ERROR(qv__thrift_int_field(r, t, &v));
    *out = v;
    return QV_OK;
  }
  return qv__thrift_skip(r, t);
}

static qv_status read_string(qv__thrift_reader *r, uint8_t t, char **out) {
  if (t != QV__TC_BINARY) return qv__thrift_skip(r, t);
  const uint8_t *d;
  int32_t n;
  QV_RETURN_IF_ERROR(qv__thrift_binary(r, &d, &n));
  char *s = qv__strndup((const char *)d, (size_t)n);
  if (s == NULL) return qv__thrift_fail(r, QV_ERR_NO_MEMORY, "out of memory copying a string");
  qv__free(*out);
  *out = s;
  return QV_OK;
}

static qv_status skip_unknown(qv__thrift_reader *r, uint8_t t) { return qv__thrift_skip(r, t); }

/* ---- LogicalType ---- */

static qv_status decode_time_unit(qv__thrift_reader *r, int32_t *unit) {
  QV__STRUCT_FIELDS(r, id, t, {
    if (t == QV__TC_STRUCT && id >= 1 && id <= 3) *unit = id;
    QV_RETURN_IF_ERROR(qv__thrift_skip(r, t));
  });
  return QV_OK;
}

static qv_status decode_logical_member(qv__thrift_reader *r, int16_t member, qv__pq_logical *lt) {
  QV__STRUCT_FIELDS(r, id, t, {
    if (member == QV__PQ_LT_DECIMAL && id == 1) {
      QV_RETURN_IF_ERROR(read_int(r, t, &lt->scale));
    } else if (member == QV__PQ_LT_DECIMAL && id == 2) {
      QV_RETURN_IF_ERROR(read_int(r, t, &lt->precision));
    } else if ((member == QV__PQ_LT_TIME || member == QV__PQ_LT_TIMESTAMP) && id == 1 && is_bool(t)) {
      lt->utc = t == QV__TC_BOOL_TRUE;
    } else if ((member == QV__PQ_LT_TIME || member == QV__PQ_LT_TIMESTAMP) && id == 2 && t == QV__TC_STRUCT) {
      QV_RETURN_IF_ERROR(decode_time_unit(r, &lt->unit));
    } else if (member == QV__PQ_LT_INTEGER && id == 1) {
      QV_RETURN_IF_ERROR(read_int(r, t, &lt->bit_width));
    } else if (member == QV__PQ_LT_INTEGER && id == 2 && is_bool(t)) {
      lt->is_signed = t == QV__TC_BOOL_TRUE;
    } else {
      QV_RETURN_IF_ERROR(skip_unknown(r, t));
    }
  });
  return QV_OK;
}

static qv_status decode_logical(qv__thrift_reader *r, qv__pq_logical *lt) {
  QV__STRUCT_FIELDS(r, id, t, {
    if (t != QV__TC_STRUCT) {
      QV_RETURN_IF_ERROR(skip_unknown(r, t));
      continue;
    }
    bool known = (id >= 1 && id <= 8) || (id >= 10 && id <= 15);
    lt->kind = known ? id : QV__PQ_LT_OTHER;
    QV_RETURN_IF_ERROR(decode_logical_member(r, id, lt));
  });
  return QV_OK;
}

/* ---- SchemaElement ---- */

static qv_status decode_schema_element(qv__thrift_reader *r, qv__pq_schema_element *e) {
  e->type = -1;
  e->type_length = -1;
  e->repetition = -1;
  e->num_children = -1;
  e->converted_type = -1;
  e->scale = e->precision = -1;
  QV__STRUCT_FIELDS(r, id, t, {
    switch (id) {
      case 1: QV_RETURN_IF_ERROR(read_int(r, t, &e->type)); break;
      case 2: QV_RETURN_IF_ERROR(read_int(r, t, &e->type_length)); break;
      case 3: QV_RETURN_IF_ERROR(read_int(r, t, &e->repetition)); break;
      case 4: QV_RETURN_IF_ERROR(read_string(r, t, &e->name)); break;
      case 5: QV_RETURN_IF_ERROR(read_int(r, t, &e->num_children)); break;
      case 6: QV_RETURN_IF_ERROR(read_int(r, t, &e->converted_type)); break;
      case 7: QV_RETURN_IF_ERROR(read_int(r, t, &e->scale)); break;
      case 8: QV_RETURN_IF_ERROR(read_int(r, t, &e->precision)); break;
      case 9:
        if (is_int(t)) e->has_field_id = true;
        QV_RETURN_IF_ERROR(read_int(r, t, &e->field_id));
        break;
      case 10:
        if (t == QV__TC_STRUCT) {
          QV_RETURN_IF_ERROR(decode_logical(r, &e->logical));
        } else {
          QV_RETURN_IF_ERROR(skip_unknown(r, t));
        }
        break;
      default: QV_RETURN_IF_ERROR(skip_unknown(r, t)); break;
    }
  });
  if (e->name == NULL) return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "a SchemaElement has no name");
  return QV_OK;
}

/* ---- Statistics, KeyValue ---- */

static qv_status decode_statistics(qv__thrift_reader *r, qv__pq_statistics *s) {
  const uint8_t *legacy_min = NULL, *legacy_max = NULL;
  int32_t legacy_min_len = 0, legacy_max_len = 0;
  s->present = true;
  QV__STRUCT_FIELDS(r, id, t, {
    if ((id == 1 || id == 2 || id == 5 || id == 6) && t == QV__TC_BINARY) {
      const uint8_t *d;
      int32_t n;
      QV_RETURN_IF_ERROR(qv__thrift_binary(r, &d, &n));
      if (id == 1) legacy_max = d, legacy_max_len = n;
      if (id == 2) legacy_min = d, legacy_min_len = n;
      if (id == 5) s->max = d, s->max_len = n, s->has_max = true;
      if (id == 6) s->min = d, s->min_len = n, s->has_min = true;
    } else if (id == 3 && (t == QV__TC_I64 || is_int(t))) {
      QV_RETURN_IF_ERROR(read_i64(r, t, &s->null_count));
      s->has_null_count = true;
    } else if (id == 4 && (t == QV__TC_I64 || is_int(t))) {
      QV_RETURN_IF_ERROR(read_i64(r, t, &s->distinct_count));
      s->has_distinct_count = true;
    } else {
      QV_RETURN_IF_ERROR(skip_unknown(r, t));
    }
  });
  if (!s->has_min && !s->has_max && (legacy_min != NULL || legacy_max != NULL)) {
    s->legacy = true;
    if (legacy_min != NULL) s->min = legacy_min, s->min_len = legacy_min_len, s->has_min = true;
    if (legacy_max != NULL) s->max = legacy_max, s->max_len = legacy_max_len, s->has_max = true;
  }
  return QV_OK;
}

static qv_status decode_key_value_list(qv__thrift_reader *r, uint8_t t, qv_metadata **out) {
  if (t != QV__TC_LIST) return skip_unknown(r, t);
  uint8_t et;
  int64_t n;
  QV_RETURN_IF_ERROR(qv__thrift_list_begin(r, &et, &n));
  if (*out == NULL && qv_metadata_new(out, r->err) != QV_OK) return qv__thrift_fail(r, QV_ERR_NO_MEMORY, "out of memory");
  for (int64_t i = 0; i < n; i++) {
    if (et != QV__TC_STRUCT) {
      QV_RETURN_IF_ERROR(qv__thrift_skip(r, et));
      continue;
    }
    const uint8_t *key = NULL, *value = NULL;
    int32_t key_len = 0, value_len = 0;
    QV__STRUCT_FIELDS(r, id, ft, {
      if (id == 1 && ft == QV__TC_BINARY) {
        QV_RETURN_IF_ERROR(qv__thrift_binary(r, &key, &key_len));
      } else if (id == 2 && ft == QV__TC_BINARY) {
        QV_RETURN_IF_ERROR(qv__thrift_binary(r, &value, &value_len));
      } else {
        QV_RETURN_IF_ERROR(skip_unknown(r, ft));
      }
    });
    if (key == NULL) return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "a KeyValue has no key");
    if (qv_metadata_append(*out, (const char *)key, key_len, value ? (const char *)value : "", value_len, r->err) !=
        QV_OK)
      return qv__thrift_fail(r, QV_ERR_NO_MEMORY, "out of memory");
  }
  qv__thrift_struct_end(r);
  return QV_OK;
}

/* ---- ColumnMetaData, ColumnChunk, RowGroup ---- */

static qv_status decode_int_list(qv__thrift_reader *r, uint8_t t, int32_t **out, int32_t *n_out) {
  if (t != QV__TC_LIST) return skip_unknown(r, t);
  uint8_t et;
  int64_t n;
  QV_RETURN_IF_ERROR(qv__thrift_list_begin(r, &et, &n));
  int32_t *v = qv__calloc((size_t)n, sizeof(int32_t));
  if (v == NULL) return qv__thrift_fail(r, QV_ERR_NO_MEMORY, "out of memory");
  qv__free(*out);
  *out = v;
  *n_out = 0;
  for (int64_t i = 0; i < n; i++) {
    if (!is_int(et)) {
      QV_RETURN_IF_ERROR(qv__thrift_skip(r, et));
      continue;
    }
    QV_RETURN_IF_ERROR(qv__thrift_int_field(r, et, &v[(*n_out)++]));
  }
  qv__thrift_struct_end(r);
  return QV_OK;
}

static qv_status decode_string_list(qv__thrift_reader *r, uint8_t t, char ***out, int32_t *n_out) {
  if (t != QV__TC_LIST) return skip_unknown(r, t);
  uint8_t et;
  int64_t n;
  QV_RETURN_IF_ERROR(qv__thrift_list_begin(r, &et, &n));
  if (*out != NULL) return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "path_in_schema given twice");
  char **v = qv__calloc((size_t)n, sizeof(char *));
  if (v == NULL) return qv__thrift_fail(r, QV_ERR_NO_MEMORY, "out of memory");
  *out = v;
  *n_out = 0;
  for (int64_t i = 0; i < n; i++) {
    if (et != QV__TC_BINARY) {
      QV_RETURN_IF_ERROR(qv__thrift_skip(r, et));
      continue;
    }
    QV_RETURN_IF_ERROR(read_string(r, et, &v[*n_out]));
    (*n_out)++;
  }
  qv__thrift_struct_end(r);
  return QV_OK;
}

static qv_status decode_column_meta(qv__thrift_reader *r, qv__pq_column_meta *m) {
  uint32_t seen = 0;
  m->type = -1;
  m->codec = -1;
  m->dictionary_page_offset = -1;
  m->data_page_offset = -1;
  QV__STRUCT_FIELDS(r, id, t, {
    if (id >= 1 && id < 32) seen |= 1u << id;
    switch (id) {
      case 1: QV_RETURN_IF_ERROR(read_int(r, t, &m->type)); break;
      case 2: QV_RETURN_IF_ERROR(decode_int_list(r, t, &m->encodings, &m->n_encodings)); break;
      case 3: QV_RETURN_IF_ERROR(decode_string_list(r, t, &m->path, &m->path_len)); break;
      case 4: QV_RETURN_IF_ERROR(read_int(r, t, &m->codec)); break;
      case 5: QV_RETURN_IF_ERROR(read_i64(r, t, &m->num_values)); break;
      case 6: QV_RETURN_IF_ERROR(read_i64(r, t, &m->total_uncompressed_size)); break;
      case 7: QV_RETURN_IF_ERROR(read_i64(r, t, &m->total_compressed_size)); break;
      case 8: QV_RETURN_IF_ERROR(decode_key_value_list(r, t, &m->kv)); break;
      case 9: QV_RETURN_IF_ERROR(read_i64(r, t, &m->data_page_offset)); break;
      case 11: QV_RETURN_IF_ERROR(read_i64(r, t, &m->dictionary_page_offset)); break;
      case 12:
        if (t == QV__TC_STRUCT) {
          QV_RETURN_IF_ERROR(decode_statistics(r, &m->stats));
        } else {
          QV_RETURN_IF_ERROR(skip_unknown(r, t));
        }
        break;
      default: QV_RETURN_IF_ERROR(skip_unknown(r, t)); break;
    }
  });
  const uint32_t required = (1u << 1) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 7) | (1u << 9);
  if ((seen & required) != required)
    return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "a ColumnMetaData lacks a required field");
  return QV_OK;
}

static qv_status decode_column_chunk(qv__thrift_reader *r, qv__pq_column_chunk *c) {
  QV__STRUCT_FIELDS(r, id, t, {
    switch (id) {
      case 1: QV_RETURN_IF_ERROR(read_string(r, t, &c->file_path)); break;
      case 2: QV_RETURN_IF_ERROR(read_i64(r, t, &c->file_offset)); break;
      case 3:
        if (t == QV__TC_STRUCT && !c->has_meta) {
          c->has_meta = true;
          QV_RETURN_IF_ERROR(decode_column_meta(r, &c->meta));
        } else {
          QV_RETURN_IF_ERROR(skip_unknown(r, t));
        }
        break;
      case 8:
      case 9:
        c->encrypted = true;
        QV_RETURN_IF_ERROR(skip_unknown(r, t));
        break;
      default: QV_RETURN_IF_ERROR(skip_unknown(r, t)); break;
    }
  });
  return QV_OK;
}

static qv_status decode_row_group(qv__thrift_reader *r, qv__pq_row_group *g) {
  g->num_rows = -1;
  QV__STRUCT_FIELDS(r, id, t, {
    if (id == 1 && t == QV__TC_LIST && g->columns == NULL) {
      uint8_t et;
      int64_t n;
      QV_RETURN_IF_ERROR(qv__thrift_list_begin(r, &et, &n));
      g->columns = qv__calloc((size_t)n, sizeof(qv__pq_column_chunk));
      if (g->columns == NULL) return qv__thrift_fail(r, QV_ERR_NO_MEMORY, "out of memory");
      for (int64_t i = 0; i < n; i++) {
        if (et != QV__TC_STRUCT) return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "RowGroup.columns is not a list of structs");
        g->n_columns++;
        QV_RETURN_IF_ERROR(decode_column_chunk(r, &g->columns[i]));
      }
      qv__thrift_struct_end(r);
    } else if (id == 2) {
      QV_RETURN_IF_ERROR(read_i64(r, t, &g->total_byte_size));
    } else if (id == 3) {
      QV_RETURN_IF_ERROR(read_i64(r, t, &g->num_rows));
    } else {
      QV_RETURN_IF_ERROR(skip_unknown(r, t));
    }
  });
  if (g->num_rows < 0) return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "a RowGroup has no (or a negative) num_rows");
  return QV_OK;
}

/* ---- FileMetaData ---- */

static qv_status decode_file_meta(qv__thrift_reader *r, qv__pq_file_meta *m) {
  bool has_rows = false;
  m->num_rows = -1;
  QV__STRUCT_FIELDS(r, id, t, {
    if (id == 1) {
      QV_RETURN_IF_ERROR(read_int(r, t, &m->version));
    } else if (id == 2 && t == QV__TC_LIST && m->schema == NULL) {
      uint8_t et;
      int64_t n;
      QV_RETURN_IF_ERROR(qv__thrift_list_begin(r, &et, &n));
      m->schema = qv__calloc((size_t)n, sizeof(qv__pq_schema_element));
      if (m->schema == NULL) return qv__thrift_fail(r, QV_ERR_NO_MEMORY, "out of memory");
      for (int64_t i = 0; i < n; i++) {
        if (et != QV__TC_STRUCT) return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "FileMetaData.schema is not a list of structs");
        m->n_schema++;
        QV_RETURN_IF_ERROR(decode_schema_element(r, &m->schema[i]));
      }
      qv__thrift_struct_end(r);
    } else if (id == 3) {
      has_rows = t == QV__TC_I64 || is_int(t);
      QV_RETURN_IF_ERROR(read_i64(r, t, &m->num_rows));
    } else if (id == 4 && t == QV__TC_LIST && m->row_groups == NULL) {
      uint8_t et;
      int64_t n;
      QV_RETURN_IF_ERROR(qv__thrift_list_begin(r, &et, &n));
      m->row_groups = qv__calloc((size_t)n, sizeof(qv__pq_row_group));
      if (m->row_groups == NULL) return qv__thrift_fail(r, QV_ERR_NO_MEMORY, "out of memory");
      for (int64_t i = 0; i < n; i++) {
        if (et != QV__TC_STRUCT) return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "FileMetaData.row_groups is not a list of structs");
        m->n_row_groups++;
        QV_RETURN_IF_ERROR(decode_row_group(r, &m->row_groups[i]));
      }
      qv__thrift_struct_end(r);
    } else if (id == 5) {
      QV_RETURN_IF_ERROR(decode_key_value_list(r, t, &m->kv));
    } else if (id == 6) {
      QV_RETURN_IF_ERROR(read_string(r, t, &m->created_by));
    } else if (id == 8) {
      m->encrypted = true;
      QV_RETURN_IF_ERROR(skip_unknown(r, t));
    } else {
      QV_RETURN_IF_ERROR(skip_unknown(r, t));
    }
  });
  if (m->schema == NULL || m->n_schema == 0) return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "FileMetaData has no schema");
  if (!has_rows || m->num_rows < 0) return qv__thrift_fail(r, QV_ERR_INVALID_DATA, "FileMetaData has no (or a negative) num_rows");
  return QV_OK;
}

qv_status qv__pq_file_meta_decode(const uint8_t *footer, size_t size, qv__pq_file_meta *out, qv_error *err) {
  qv__thrift_reader r;
  qv__thrift_reader_init(&r, footer, size, "file metadata", err);
  return decode_file_meta(&r, out);
}

static void column_meta_free(qv__pq_column_meta *m) {
  qv__free(m->encodings);
  if (m->path != NULL)
    for (int32_t i = 0; i < m->path_len; i++) qv__free(m->path[i]);
  qv__free(m->path);
  qv_metadata_free(m->kv);
}

void qv__pq_file_meta_free(qv__pq_file_meta *m) {
  if (m == NULL) return;
  for (int32_t i = 0; i < m->n_schema; i++) qv__free(m->schema[i].name);
  qv__free(m->schema);
  for (int32_t g = 0; g < m->n_row_groups; g++) {
    qv__pq_row_group *rg = &m->row_groups[g];
    for (int32_t c = 0; c < rg->n_columns; c++) {
      qv__free(rg->columns[c].file_path);
      column_meta_free(&rg->columns[c].meta);
    }
    qv__free(rg->columns);
  }
  qv__free(m->row_groups);
  qv_metadata_free(m->kv);
  qv__free(m->created_by);
  memset(m, 0, sizeof(*m));
}

/* ---- PageHeader ---- */

static qv_status decode_data_page_v1(qv__thrift_reader *r, qv__pq_page_header *h) {
  QV__STRUCT_FIELDS(r, id, t, {
    switch (id) {
      case 1: QV_RETURN_IF_ERROR(read_int(r, t, &h->num_values)); break;
      case 2: QV_RETURN_IF_ERROR(read_int(r, t, &h->encoding)); break;
      case 3: QV_RETURN_IF_ERROR(read_int(r, t, &h->def_encoding)); break;
      case 4: QV_RETURN_IF_ERROR(read_int(r, t, &h->rep_encoding)); break;
      default: QV_RETURN_IF_ERROR(skip_unknown(r, t)); break;
    }
  });
  return QV_OK;
}

static qv_status decode_data_page_v2(qv__thrift_reader *r, qv__pq_page_header *h) {
  h->is_compressed = true;
  QV__STRUCT_FIELDS(r, id, t, {
    switch (id) {
      case 1: QV_RETURN_IF_ERROR(read_int(r, t, &h->num_values)); break;
      case 2: QV_RETURN_IF_ERROR(read_int(r, t, &h->num_nulls)); break;
      case 3: QV_RETURN_IF_ERROR(read_int(r, t, &h->num_rows)); break;
      case 4: QV_RETURN_IF_ERROR(read_int(r, t, &h->encoding)); break;
      case 5: QV_RETURN_IF_ERROR(read_int(r, t, &h->def_length)); break;
      case 6: QV_RETURN_IF_ERROR(read_int(r, t, &h->rep_length)); break;
      case 7:
        if (is_bool(t)) h->is_compressed = t == QV__TC_BOOL_TRUE;
        else QV_RETURN_IF_ERROR(skip_unknown(r, t));
        break;
      default: QV_RETURN_IF_ERROR(skip_unknown(r, t)); break;
    }
  });
  return QV_OK;
}

static qv_status decode_dict_page(qv__thrift_reader *r, qv__pq_page_header *h) {
  QV__STRUCT_FIELDS(r, id, t, {
    switch (id) {
      case 1: QV_RETURN_IF_ERROR(read_int(r, t, &h->dict_num_values)); break;
      case 2: QV_RETURN_IF_ERROR(read_int(r, t, &h->dict_encoding)); break;
      default: QV_RETURN_IF_ERROR(skip_unknown(r, t)); break;
    }
  });
  return QV_OK;
}

qv_status qv__pq_page_header_decode(const uint8_t *data, size_t size, qv__pq_page_header *h,
                                    size_t *header_size, qv_error *err) {
  qv__thrift_reader r;
  qv__thrift_reader_init(&r, data, size, "page header", err);
  memset(h, 0, sizeof(*h));
  h->type = -1;
  h->uncompressed_size = h->compressed_size = -1;
  qv__thrift_reader *rp = &r;
  QV__STRUCT_FIELDS(rp, id, t, {
    switch (id) {
      case 1: QV_RETURN_IF_ERROR(read_int(rp, t, &h->type)); break;
      case 2: QV_RETURN_IF_ERROR(read_int(rp, t, &h->uncompressed_size)); break;
      case 3: QV_RETURN_IF_ERROR(read_int(rp, t, &h->compressed_size)); break;
      case 4:
        if (is_int(t)) {
          int32_t crc = 0;
          QV_RETURN_IF_ERROR(qv__thrift_int_field(rp, t, &crc));
          h->crc = (uint32_t)crc;
          h->has_crc = true;
        } else {
          QV_RETURN_IF_ERROR(skip_unknown(rp, t));
        }
        break;
      case 5:
        if (t == QV__TC_STRUCT) {
          h->has_v1 = true;
          QV_RETURN_IF_ERROR(decode_data_page_v1(rp, h));
        } else {
          QV_RETURN_IF_ERROR(skip_unknown(rp, t));
        }
        break;
      case 7:
        if (t == QV__TC_STRUCT) {
          h->has_dict = true;
          QV_RETURN_IF_ERROR(decode_dict_page(rp, h));
        } else {
          QV_RETURN_IF_ERROR(skip_unknown(rp, t));
        }
        break;
      case 8:
        if (t == QV__TC_STRUCT) {
          h->has_v2 = true;
          QV_RETURN_IF_ERROR(decode_data_page_v2(rp, h));
        } else {
          QV_RETURN_IF_ERROR(skip_unknown(rp, t));
        }
        break;
      default: QV_RETURN_IF_ERROR(skip_unknown(rp, t)); break;
    }
  });
  if (h->type < 0 || h->uncompressed_size < 0 || h->compressed_size < 0)
    return qv__thrift_fail(rp, QV_ERR_INVALID_DATA, "a PageHeader lacks type or sizes (or they are negative)");
  *header_size = qv__thrift_consumed(rp);
  return QV_OK;
}
