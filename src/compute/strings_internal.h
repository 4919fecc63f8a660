/* Internal to src/compute: the row walk every string kernel shares, and
 * the small UTF-8 helpers (decode one code point, simple case mapping,
 * whitespace) they use.
 *
 * qv__strings_map runs a per-value transform over every valid row of a
 * binary-like array into a byte sink and builds a result of the same
 * string family (views come out as plain string / binary: the sink writes
 * offsets), with the input's validity. Offsets are checked once for the
 * window and views per slot by the reader (kernel_util.h).
 */
#ifndef QUIVER_SRC_COMPUTE_STRINGS_INTERNAL_H
#define QUIVER_SRC_COMPUTE_STRINGS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "compute/kernel_util.h"

/* Writes the transform of p[0, n) into the sink (one qv__sink_append or a
 * reserve/commit pair); returns false to stop with `why` set. */
typedef bool (*qv__string_fn)(const uint8_t *p, int64_t n, qv__bytes_sink *sink, const void *ctx, const char **why);

/* The result type of a string-to-string kernel on `in`: the input's type,
 * except views, which give string / binary. */
qv_type *qv__strings_result_type(const qv_type *in);

/* The end of a split kernel: the pieces in `sink` (row i's pieces end at
 * offsets[i + 1]) become list<string or binary> with `validity` (NULL
 * bits when nulls == 0). Takes ownership of the sink and both buffers
 * whatever st is; st is passed through when it is already a failure. */
qv_status qv__strings_finish_split(qv_status st, const qv_array *a, qv__bytes_sink *sink, int64_t nulls,
                                   qv_buffer *validity, qv_buffer *offsets, qv_array **out, qv_error *err);

qv_status qv__strings_map(const char *fn, const qv_array *a, qv__string_fn f, const void *ctx, qv_array **out,
                          qv_error *err);
/* The same, storing the row about to be transformed in *row first (for
 * transforms that name it in their own errors). A transform that returns
 * false with `why` left NULL has written its error itself; the status is
 * then QV_ERR_INVALID_DATA, which the caller may replace with its own. */
qv_status qv__strings_map_rows(const char *fn, const qv_array *a, qv__string_fn f, const void *ctx, int64_t *row,
                               qv_array **out, qv_error *err);

/* Decodes the code point at p[0, n) (n >= 1) into *cp, returning its byte
 * length; an ill-formed byte reads as itself (U+0080..U+00FF is never
 * produced that way for valid input) with length 1. */
int qv__utf8_decode(const uint8_t *p, int64_t n, uint32_t *cp);
/* Encodes cp into out (4 bytes room), returning the length. */
int qv__utf8_encode(uint32_t cp, uint8_t *out);
/* Simple (one-to-one) case mapping from utf8proc; code points without one
 * (and values above U+10FFFF) map to themselves. */
uint32_t qv__unicode_upper(uint32_t cp);
uint32_t qv__unicode_lower(uint32_t cp);
/* Arrow's case properties: cased (has a case or a case mapping), lower and
 * upper (never for titlecase letters). */
bool qv__unicode_is_cased(uint32_t cp);
bool qv__unicode_is_lower(uint32_t cp);
bool qv__unicode_is_upper(uint32_t cp);
/* Character classes of the utf8_is_* predicates, as Arrow defines them. */
typedef enum qv__unicode_class {
  QV__UNI_ALPHA = 0,
  QV__UNI_DECIMAL,
  QV__UNI_DIGIT,
  QV__UNI_NUMERIC,
  QV__UNI_ALNUM,
  QV__UNI_PRINTABLE,
  QV__UNI_SPACE
} qv__unicode_class;
bool qv__unicode_in_class(uint32_t cp, qv__unicode_class k);
/* Unicode White_Space. */
bool qv__unicode_space(uint32_t cp);

#endif
