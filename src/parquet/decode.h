/* Parquet: value and level decoders (internal).
 *
 * qv__pq_values accumulates the non-null values of one column chunk in the
 * physical representation, page after page: fixed-width values packed
 * (INT96 already converted to int64 nanoseconds since the epoch, BOOLEAN as
 * bits), BYTE_ARRAY as int32 offsets plus bytes. Each decoder appends
 * exactly the number of values asked for or fails naming what ran out; no
 * decoder reads past the page bytes it was given, and every growth is
 * checked against max_bytes before it is allocated. */
#ifndef QV_PARQUET_DECODE_H
#define QV_PARQUET_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quiver/memory.h"
#include "quiver/status.h"

typedef struct qv__pq_values {
  int32_t physical;   /* qv__pq_physical_type */
  int32_t width;      /* bytes per value once decoded (INT96: 8, FLBA: type_length); 0 for BOOLEAN and BYTE_ARRAY */
  int32_t type_length;/* FIXED_LEN_BYTE_ARRAY width */
  int64_t count;      /* values held */
  qv_buffer *data;    /* values (fixed width, bits) or bytes (BYTE_ARRAY) */
  int64_t data_len;   /* bytes used in data */
  qv_buffer *offsets; /* BYTE_ARRAY: count + 1 int32 */
  int64_t max_bytes;  /* cap on data bytes (QV_ERR_LIMIT past it) */
} qv__pq_values;

qv_status qv__pq_values_init(qv__pq_values *v, int32_t physical, int32_t type_length, int64_t max_bytes,
                             qv_error *err);
void qv__pq_values_free(qv__pq_values *v);
/* Reserves room for n more values (and, for BYTE_ARRAY, data_bytes more
 * bytes) up front, so a chunk's decoding does not grow its buffers page
 * after page. Capped by max_bytes; a hint, so failure is not an error. */
void qv__pq_values_reserve(qv__pq_values *v, int64_t n, int64_t data_bytes);
/* Room for `extra` more bytes of values (plus 8 bytes of slack) in
 * v->data, checked against max_bytes; may move v->data->data. */
qv_status qv__pq_values_room(qv__pq_values *v, int64_t extra, qv_error *err);
/* Appends src's values (same physical type) after v's. */
qv_status qv__pq_values_append(qv__pq_values *v, const qv__pq_values *src, qv_error *err);
/* Byte span of value i of a BYTE_ARRAY accumulator. */
static inline const uint8_t *qv__pq_values_bytes(const qv__pq_values *v, int64_t i, int32_t *len) {
  const int32_t *off = (const int32_t *)(const void *)v->offsets->data;
  *len = off[i + 1] - off[i];
  return v->data->data + off[i];
}

/* RLE / bit-packed hybrid (Encodings.md), bit widths 0..32. */
typedef struct qv__pq_rle {
  const uint8_t *p, *end;
  int32_t bit_width;
  int64_t run_left;       /* values left in the current run */
  bool literal;           /* current run is bit-packed */
  uint32_t run_value;     /* RLE run value */
  const uint8_t *lit;     /* bit-packed run start */
  int64_t lit_pos;        /* next value index within the bit-packed run */
  int64_t lit_avail;      /* values the bytes of the bit-packed run really hold */
} qv__pq_rle;

void qv__pq_rle_init(qv__pq_rle *r, const uint8_t *data, size_t len, int32_t bit_width);
/* Decodes n values into out (uint32). QV_ERR_INVALID_DATA when the runs end
 * first. */
qv_status qv__pq_rle_read_u32(qv__pq_rle *r, uint32_t *out, int64_t n, qv_error *err);
qv_status qv__pq_rle_read_i16(qv__pq_rle *r, int16_t *out, int64_t n, qv_error *err);

/* True when the stream data[0, len) starts with an RLE run of `value`
 * holding at least n values, so its first n values are all `value` (how
 * writers store the levels of a page without nulls); false otherwise,
 * malformed streams included (the caller then decodes them and reports). */
bool qv__pq_rle_is_run_of(const uint8_t *data, size_t len, int32_t bit_width, uint32_t value, int64_t n);

/* Bits needed for values 0..max. */
int32_t qv__pq_bit_width(uint32_t max);

/* Appends n values decoded with `encoding` from data[0, len) (a data page's
 * value section, or a dictionary page). Dictionary-encoded data pages go
 * through qv__pq_decode_dict_indices instead. */
qv_status qv__pq_decode_values(qv__pq_values *v, int32_t encoding, const uint8_t *data, size_t len, int64_t n,
                               qv_error *err);

/* Appends n values dict[indices] (the indices section of an
 * RLE_DICTIONARY/PLAIN_DICTIONARY page: a bit-width byte, then RLE). */
qv_status qv__pq_decode_dict_indices(qv__pq_values *v, const qv__pq_values *dict, const uint8_t *data, size_t len,
                                     int64_t n, qv_error *err);

/* DELTA_BINARY_PACKED into int64 (wrapping arithmetic, as the spec says).
 * *used receives the bytes consumed. n values exactly (the header must hold
 * at least n). */
qv_status qv__pq_delta_decode(const uint8_t *data, size_t len, int64_t n, int64_t *out, size_t *used,
                              qv_error *err);
/* The value count a DELTA_BINARY_PACKED header announces. */
qv_status qv__pq_delta_count(const uint8_t *data, size_t len, int64_t *count, qv_error *err);

#endif
