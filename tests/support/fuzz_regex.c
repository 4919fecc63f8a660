/* Fuzz target body: the regular-expression kernels (compute.h, PCRE2
 * behind them) on a hostile pattern, replacement and subject.
 *
 * Input layout: byte 0 holds flags (bit 0 ignore_case, bit 1 binary rather
 * than string values, bits 2-3 max_replacements / max_splits of -1, 0, 1
 * or 2); then the pattern up to the first 0x00 byte, the replacement up to
 * the next, and the rest is the subject, one value per '\n' (a value "\x01"
 * alone is a null). Each of match, count, replace, extract and split runs
 * once; bounded by the input size (libFuzzer's -max_len) and by the
 * kernels' own match limit.
 *
 * Oracles: a failed call carries its status and message (a pattern that
 * does not compile, a group the replacement names that the pattern lacks,
 * an unnamed group for extract and the match limit are expected errors);
 * a result is structurally valid, has one row per value, and on valid
 * input (always, for binary values; for strings when the subject is UTF-8)
 * passes full validation; match and count agree on which rows match.
 */
#include <inttypes.h>
#include <string.h>

#include "quiver/builder.h"
#include "quiver/compute.h"
#include "quiver/validate.h"
#include "support/fuzz_targets.h"

#define TARGET "regex"

static const uint8_t *find_zero(const uint8_t *p, const uint8_t *end) {
  const uint8_t *z = memchr(p, 0, (size_t)(end - p));
  return z ? z : end;
}

static qv_status build_values(bool binary, const uint8_t *p, const uint8_t *end, qv_array **out, qv_error *err) {
  qv_builder *b = NULL;
  qv_status st = qv_builder_new(binary ? qv_type_binary() : qv_type_string(), NULL, &b, err);
  if (st != QV_OK) return st;
  while (st == QV_OK) {
    const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
    const uint8_t *stop = nl ? nl : end;
    if (stop - p == 1 && p[0] == 0x01) st = qv_builder_append_null(b);
    else st = qv_builder_append_binary(b, p, (int64_t)(stop - p));
    if (nl == NULL) break;
    p = nl + 1;
  }
  if (st == QV_OK) st = qv_builder_finish(b, out, err);
  qv_builder_free(b);
  return st;
}

static int check(const char *what, qv_status st, const qv_error *err, qv_array *out, int64_t rows, bool valid) {
  int rc = qv_fuzz_check_error(TARGET, st, err, what);
  if (rc != 0 || st != QV_OK) return rc;
  qv_error verr;
  qv_error_clear(&verr);
  if (out == NULL) return qv_fuzz_fail(TARGET, "%s returned QV_OK without a result", what);
  if (qv_array_validate(out, QV_VALIDATE_STRUCTURE, &verr) != QV_OK)
    return qv_fuzz_fail(TARGET, "%s gave a structurally invalid result: %s", what, verr.message);
  if (out->length != rows)
    return qv_fuzz_fail(TARGET, "%s gave %" PRId64 " rows for %" PRId64 " values", what, out->length, rows);
  if (valid && qv_array_validate(out, QV_VALIDATE_FULL, &verr) != QV_OK)
    return qv_fuzz_fail(TARGET, "%s gave an invalid result from valid input: %s", what, verr.message);
  return 0;
}

int qv_fuzz_regex(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const uint8_t flags = data[0];
  const uint8_t *end = data + size;
  const uint8_t *pattern = data + 1, *pattern_end = find_zero(pattern, end);
  const uint8_t *repl = pattern_end < end ? pattern_end + 1 : end, *repl_end = find_zero(repl, end);
  const uint8_t *subject = repl_end < end ? repl_end + 1 : end;
  const bool ignore_case = flags & 1, binary = (flags & 2) != 0;
  const int64_t limit = (int64_t)((flags >> 2) & 3) - 1;
  const int64_t n_pattern = pattern_end - pattern, n_repl = repl_end - repl;

  qv_error err;
  qv_error_clear(&err);
  qv_array *values = NULL;
  if (build_values(binary, subject, end, &values, &err) != QV_OK) return 0; /* only out of memory */
  qv_error verr;
  const bool valid = qv_array_validate(values, QV_VALIDATE_FULL, &verr) == QV_OK;
  const int64_t rows = values->length;
  int rc = 0;

  qv_array *match = NULL, *count = NULL, *out = NULL;
  qv_status st = qv_compute_match_regex(values, pattern, n_pattern, ignore_case, &match, &err);
  rc |= check("match_regex", st, &err, match, rows, valid);
  qv_status st_count = qv_compute_count_regex(values, pattern, n_pattern, ignore_case, &count, &err);
  rc |= check("count_regex", st_count, &err, count, rows, valid);
  if (rc == 0 && st == QV_OK && st_count == QV_OK && valid) {
    /* a row matches exactly when it has at least one match */
    for (int64_t i = 0; i < rows && rc == 0; i++) {
      const bool null_m = qv_array_is_null(match, i), null_c = qv_array_is_null(count, i);
      if (null_m != null_c) {
        rc = qv_fuzz_fail(TARGET, "row %" PRId64 ": match_regex and count_regex disagree on null", i);
        break;
      }
      if (null_m) continue;
      const bool m = qv_array_bool_value(match, i);
      const int64_t c = qv_type_storage(count->type)->id == QV_TYPE_INT64 ? qv_array_int64_value(count, i)
                                                                          : qv_array_int32_value(count, i);
      if (m != (c > 0))
        rc = qv_fuzz_fail(TARGET, "row %" PRId64 ": match_regex says %d, count_regex %" PRId64, i, (int)m, c);
    }
  }
  qv_array_release(match);
  qv_array_release(count);

  st = qv_compute_replace_regex(values, pattern, n_pattern, repl, n_repl, limit, &out, &err);
  rc |= check("replace_regex", st, &err, out, rows, valid);
  qv_array_release(out);
  out = NULL;
  st = qv_compute_extract_regex(values, pattern, n_pattern, &out, &err);
  rc |= check("extract_regex", st, &err, out, rows, valid);
  qv_array_release(out);
  out = NULL;
  st = qv_compute_split_regex(values, pattern, n_pattern, limit, &out, &err);
  rc |= check("split_regex", st, &err, out, rows, valid);
  qv_array_release(out);
  qv_array_release(values);
  return rc;
}
