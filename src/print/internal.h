/* quiver print: internals shared by the printers and by compare/ (which
 * formats the two differing values of a diff with them). Not installed.
 */
#ifndef QUIVER_PRINT_INTERNAL_H
#define QUIVER_PRINT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/internal.h"
#include "quiver/print.h"

/* True for layouts whose slots print as one scalar (numbers, temporal,
 * decimals, strings, binaries); false for null, nested layouts,
 * dictionaries and run-end encoded. */
bool qv__print_is_leaf(const qv_type *storage);

/* Appends the text of slot i of a leaf layout, assuming the slot is valid
 * (the caller prints "null" otherwise). Returns false when the slot's
 * content is out of bounds (nothing sensible to print). */
bool qv__print_leaf(qv_strbuf *sb, const qv_array *a, int64_t i, const qv_print_options *o);

/* Appends float text exactly as pyarrow prints it: the shortest digits that
 * read back to the same value, plain notation for decimal exponents in
 * [-6, 10), else "1e+20"/"1.5e-7"; "nan", "inf", "-inf", "-0".
 * bits: 32 (also for decoded float16 values) or 64. */
void qv__print_float(qv_strbuf *sb, double v, int bits);
/* The same text written at `out` (QV__PRINT_FLOAT_MAX bytes of room, no
 * NUL); returns its length. */
#define QV__PRINT_FLOAT_MAX 32
int qv__print_float_text(double v, int bits, char *out);

/* A date32 value (days since 1970-01-01) as YYYY-MM-DD (years outside
 * 0..9999 unpadded, with a sign when negative; "<value out of range: N>"
 * beyond 10^14 days) at `out` (QV__PRINT_DATE_MAX bytes, no NUL). */
#define QV__PRINT_DATE_MAX 48
int qv__print_date_text(int64_t days, char *out);

/* The text of the last day a timestamp formatter printed ("YYYY-MM-DD "),
 * kept because consecutive rows mostly share their day. Zero-initialize;
 * one per thread. */
typedef struct qv__print_day_cache {
  int64_t day;
  int len;
  bool valid;
  char text[QV__PRINT_DATE_MAX + 1];
} qv__print_day_cache;

/* A timestamp of `unit` as "YYYY-MM-DD hh:mm:ss[.fraction]" plus "Z" when
 * `zoned` (the UTC instant), at `out` (QV__PRINT_TIMESTAMP_MAX bytes, no
 * NUL); returns the length. */
#define QV__PRINT_TIMESTAMP_MAX 72
int qv__print_timestamp_text(int64_t v, qv_time_unit unit, bool zoned, qv__print_day_cache *cache, char *out);
/* The shortest decimal digits that read back as v (no sign, no trailing
 * zeros, NUL-terminated into digits[24]; among equally short ones the
 * nearest to v, the even one at a tie) and the decimal exponent of the
 * first, for every finite non-zero double; false for zeros, NaN and
 * infinities, and in principle for a value whose digits the 128-bit
 * arithmetic cannot decide, which the exact slow path then handles
 * (print/shortest.c). The _float_ form: the shortest that read back as
 * the float v (as pyarrow prints float32). */
bool qv__print_shortest_fast(double v, char *digits, int *n_digits, int *exp10);
bool qv__print_shortest_float_fast(float v, char *digits, int *n_digits, int *exp10);
/* The same as an integer: v = d * 10^e with d the shortest digits (no
 * trailing zeros); bits 64 or 32 (v read as a float). */
bool qv__print_shortest_decimal(double v, int bits, uint64_t *d, int *e);

/* Integer digits written into a buffer: print/digits.h. */

/* Head/tail count for the slots of `a`: max_container_rows for list-like
 * arrays, max_rows otherwise. */
int64_t qv__print_window(const qv_array *a, const qv_print_options *o);

/* Whether a listing of n slots with head/tail `window` shows "..." at all:
 * as Arrow C++'s PrettyPrint, only when more than 2 x window + 1 slots
 * (hiding a single slot behind "..." saves nothing). Written so that no
 * window, however large, overflows. */
static inline bool qv__print_elides(int64_t n, int64_t window) {
  return window >= 0 && n > window && n - window > window + 1;
}

/* Single-line logical text of slot i of any layout ("null", "1", "[1,2]",
 * "{a: 1, b: \"x\"}") and of the window [start, start+len) as "[...]"
 * (head/tail per qv__print_window). Return false on out-of-bounds content;
 * the text written so far is then incomplete. */
bool qv__print_compact_value(qv_strbuf *sb, const qv_array *a, int64_t i, const qv_print_options *o);
bool qv__print_compact_array(qv_strbuf *sb, const qv_array *a, int64_t start, int64_t len,
                             const qv_print_options *o);

/* The multi-line pyarrow form of the window [start, start+len) of `a` at
 * `indent`. Returns false on out-of-bounds content. */
bool qv__print_pretty(qv_strbuf *sb, const qv_array *a, int64_t start, int64_t len, int indent,
                      const qv_print_options *o);

#endif
