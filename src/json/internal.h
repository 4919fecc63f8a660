/* quiver json: internal declarations shared by the JSON reader and writer.
 *
 * Reading (read.c -> read_schema.c -> read_column.c -> read_values.c):
 * jansson parses the whole document into a json_t tree; a qv_json_rctx
 * carries the current JSON path (for messages such as
 * "batches[0].columns[2].DATA[5]: ..."), the error slot and the dictionary
 * registry (id -> schema field, dictionary type, decoded values), whose
 * entries are decoded on first use so nested dictionaries resolve in any
 * order (with cycle detection).
 *
 * Writing (write.c -> write_column.c) does not build a json_t tree: it
 * emits text into a growable qv_strbuf, which keeps memory at one byte per
 * output byte and lets floats be printed in their shortest exact form.
 *
 * numbers.c holds the pure conversions both sides share: integer text,
 * decimal text <-> two's complement, IEEE half <-> double, hex, float text.
 */
#ifndef QUIVER_JSON_INTERNAL_H
#define QUIVER_JSON_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/internal.h"
#include "quiver/json.h"

/* Deepest field nesting accepted (as for IPC schemas). */
#define QV_JSON_MAX_DEPTH 64
/* Longest JSON path kept for messages (longer paths are truncated). */
#define QV_JSON_PATH_MAX 512

/* ------------------------------------------------------------------ */
/* Reader context                                                      */
/* ------------------------------------------------------------------ */

enum { QV_JSON_DICT_PENDING = 0, QV_JSON_DICT_DECODING = 1, QV_JSON_DICT_DONE = 2 };

typedef struct qv_json_dict_entry {
  int64_t id;
  const json_t *jfield;    /* first schema field using this id (borrowed from the document) */
  qv_type *dict_type;      /* its QV_TYPE_DICTIONARY type (borrowed from the schema) */
  const json_t *jdict;     /* its "dictionaries" entry, or NULL if the file has none */
  int64_t jdict_index;     /* position of jdict in the section (for paths) */
  int state;               /* QV_JSON_DICT_* */
  qv_array *values;        /* decoded values (owned), once DONE */
} qv_json_dict_entry;

typedef struct qv_json_rctx {
  qv_error *err;
  char path[QV_JSON_PATH_MAX];
  size_t path_len;
  int64_t n_dicts;
  int64_t dict_cap;
  qv_json_dict_entry *dicts;
} qv_json_rctx;

/* Path handling: push returns the previous length, pop restores it. */
size_t qv__json_path_key(qv_json_rctx *c, const char *key);
size_t qv__json_path_index(qv_json_rctx *c, int64_t index);
static inline void qv_json_path_pop(qv_json_rctx *c, size_t saved) {
  c->path_len = saved;
  c->path[saved] = '\0';
}

/* Sets c->err to "<path>: <message>" and returns code. */
qv_status qv__json_fail(qv_json_rctx *c, qv_status code, const char *fmt, ...) QV_PRINTF(3, 4);
/* Prefixes an error a quiver constructor already reported with the path
 * (keeping its code, or using `code` when the callee's was an argument error). */
qv_status qv__json_wrap(qv_json_rctx *c, qv_status st);

/* "an integer", "a string", ... for messages. */
const char *qv__json_kind(const json_t *v);

/* Member `key` of object `obj` (NULL if absent); sets path-based errors for
 * wrong kinds. `required` makes absence an error. kind JSON_TRUE accepts
 * either boolean; JSON_NULL accepts any kind (the caller checks). */
qv_status qv__json_member(qv_json_rctx *c, const json_t *obj, const char *key, json_type kind, bool required,
                         const json_t **out);

/* Integer value of v: a JSON integer or a string of decimal digits
 * (optional '-'), checked against [min, max]. Path must name v. */
qv_status qv__json_get_int(qv_json_rctx *c, const json_t *v, int64_t min, int64_t max, int64_t *out);
/* Same for unsigned 64-bit values. */
qv_status qv__json_get_uint64(qv_json_rctx *c, const json_t *v, uint64_t *out);

/* Dictionary registry. */
qv_status qv__json_dict_register(qv_json_rctx *c, int64_t id, const json_t *jfield, qv_type *dict_type);
qv_json_dict_entry *qv__json_dict_find(qv_json_rctx *c, int64_t id);
/* The values of dictionary `id`, decoding them on first use (borrowed).
 * `count` is the length of the column using it: a missing dictionary is
 * replaced by an empty one when count == 0. */
qv_status qv__json_dict_values(qv_json_rctx *c, int64_t id, int64_t count, qv_array **out);
void qv__json_rctx_free(qv_json_rctx *c);

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

/* Decodes the "schema" object: fields (types, nullability, children,
 * dictionary encodings registered in c, extension types) and metadata. */
qv_status qv__json_read_schema(qv_json_rctx *c, const json_t *jschema, qv_schema **out);
/* Decodes a "metadata" value (null, [{key, value}] or {key: value}); *out
 * NULL when absent or empty. */
qv_status qv__json_read_metadata(qv_json_rctx *c, const json_t *jmd, qv_metadata **out);

/* Decodes one FieldData object `jcol` into an array of `type`, described by
 * the schema field `jfield` (its children and dictionary id). The path must
 * name jcol. */
qv_status qv__json_read_column(qv_json_rctx *c, qv_type *type, const json_t *jfield, const json_t *jcol,
                              int depth, qv_array **out);

/* Buffer decoders (read_values.c). The path names the FieldData object;
 * each appends the buffer key itself. */
/* "VALIDITY": NULL buffer when absent or all valid. */
qv_status qv__json_read_validity(qv_json_rctx *c, const json_t *jcol, int64_t count, qv_buffer **out,
                                int64_t *null_count);
/* "DATA" of a fixed-width storage type (bool, ints, floats, decimals,
 * temporal, intervals, fixed_size_binary; dictionary indices via the index type). */
qv_status qv__json_read_fixed(qv_json_rctx *c, const qv_type *storage, const json_t *jcol, int64_t count,
                             qv_buffer **out);
/* An integer list ("OFFSET", "SIZE", "TYPE_ID") of n entries of `width`
 * bytes (1, 4 or 8) with values in [min, max]. When n == 1 and the key holds
 * an empty list (a zero-length column), a single 0 is produced. */
qv_status qv__json_read_ints(qv_json_rctx *c, const json_t *jcol, const char *key, int64_t n, int width,
                            int64_t min, int64_t max, qv_buffer **out);
/* binary/utf8 and large variants: offsets (rebased to start at 0) and data. */
qv_status qv__json_read_binary(qv_json_rctx *c, const qv_type *storage, const json_t *jcol, int64_t count,
                              qv_buffer **offsets, qv_buffer **data);
/* Views: bufs[0] = views, bufs[1..] = variadic buffers (*n of them in
 * total); the caller frees the array and releases the buffers. */
qv_status qv__json_read_views(qv_json_rctx *c, const qv_type *storage, const json_t *jcol, int64_t count,
                             qv_buffer ***bufs, int32_t *n);

/* ------------------------------------------------------------------ */
/* Numbers and text (numbers.c)                                        */
/* ------------------------------------------------------------------ */

/* Parses s[0, n) as an optionally negative decimal integer. Returns 0, -1
 * for bad syntax, -2 when out of [INT64_MIN, INT64_MAX]. */
int qv__json_parse_i64(const char *s, size_t n, int64_t *out);
/* Unsigned (no sign allowed). Same returns. */
int qv__json_parse_u64(const char *s, size_t n, uint64_t *out);
/* Decimal text -> two's complement little-endian of bit_width (32, 64,
 * 128, 256) bits into out[bit_width/8]. Returns 0, -1 syntax, -2 overflow. */
int qv__json_decimal_parse(const char *s, size_t n, int bit_width, uint8_t *out);
/* Two's complement little-endian -> decimal text; buf needs 96 bytes.
 * Returns the length written. */
size_t qv__json_decimal_format(const uint8_t *le, int bit_width, char *buf);
/* IEEE binary16 <-> double (round to nearest even). */
uint16_t qv__json_half_from_double(double d);
/* Hex text (either case, even length) -> bytes; returns false on bad text. */
bool qv__json_hex_decode(const char *s, size_t n, uint8_t *out);
/* Appends uppercase hex of bytes. */
void qv__json_hex_append(qv_strbuf *sb, const uint8_t *p, int64_t n);
/* Appends a double / float in the shortest text that reads back exactly
 * (as a JSON number; NaN/infinities as the strings "NaN", "Infinity",
 * "-Infinity"). */
void qv__json_double_append(qv_strbuf *sb, double v);
void qv__json_float_append(qv_strbuf *sb, float v);
/* Appends s[0, n) as a JSON string literal (quotes and escapes). The bytes
 * must be valid UTF-8 (checked by the caller). */
void qv__json_string_append(qv_strbuf *sb, const char *s, size_t n);

/* ------------------------------------------------------------------ */
/* Writing (write.c, write_column.c)                                   */
/* ------------------------------------------------------------------ */

typedef struct qv_json_wctx {
  qv_strbuf *sb;
  qv_error *err;
  int indent; /* current indentation in spaces */
} qv_json_wctx;

/* Newline plus the current indentation. */
void qv__json_newline(qv_json_wctx *w);

/* Emits one FieldData object for array slots [start, start + length)
 * (logical slots of `a`), named `name`, at the current indentation. The
 * array must have passed structural validation. Errors name `path`. */
qv_status qv__json_write_column(qv_json_wctx *w, const char *path, const char *name, const qv_array *a,
                               int64_t start, int64_t length);

#endif
