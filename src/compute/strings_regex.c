/* Regular-expression string kernels: match_substring_regex,
 * count_substring_regex, replace_substring_regex, extract_regex and
 * split_pattern_regex, with pyarrow's options and results.
 *
 * Why PCRE2: Arrow uses RE2, which is C++ (and quiver is C11 with C
 * dependencies only); PCRE2 is the well-kept C engine Debian ships. Its
 * syntax is a superset of RE2's for everything RE2 accepts, and the options
 * below bring the semantics in line: '$' matches only at the very end
 * (PCRE2_DOLLAR_ENDONLY, as RE2 without multi-line), \d \w \s stay ASCII (no
 * PCRE2_UCP, as RE2), string inputs are matched as UTF-8 (ill-formed bytes
 * never match, PCRE2_MATCH_INVALID_UTF) and binary inputs byte by byte.
 * PCRE2 backtracks, so a hostile pattern could take exponential time:
 * every match runs under a match limit, a depth limit and a heap limit,
 * and hitting one is QV_ERR_LIMIT naming the row and the pattern. A pattern
 * that does not compile is QV_ERR_INVALID_ARGUMENT naming it and the
 * offset of the fault. PCRE2 accepts back-references and look-around,
 * which RE2 refuses (documented in docs/compute.md).
 *
 * Where several matches are walked (count, split), each search starts on
 * the rest of the value as a new subject, as Arrow's RE2 loops do (so '^'
 * anchors at each piece); replace walks the whole value like RE2's
 * GlobalReplace ('^' matches once, an empty match right after a match is
 * skipped). An empty match never splits (Arrow loops forever there).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "compute/strings_internal.h"
#include "core/internal.h"
#include "quiver/compute.h"

/* Bounds on one match call: backtracking steps, nesting depth, heap KiB. */
#define REGEX_MATCH_LIMIT 10000000u
#define REGEX_DEPTH_LIMIT 100000u
#define REGEX_HEAP_LIMIT_KIB 65536u

typedef struct regex {
  const char *fn;
  const uint8_t *pattern;
  int64_t n_pattern;
  pcre2_code *code;
  pcre2_match_data *md;
  pcre2_match_context *mctx;
  uint32_t n_groups;
  bool utf;
} regex;

static void regex_free(regex *re) {
  pcre2_match_data_free(re->md);
  pcre2_match_context_free(re->mctx);
  pcre2_code_free(re->code);
}

/* At most 60 bytes of the pattern, for messages. */
static int shown(const regex *re) { return re->n_pattern > 60 ? 60 : (int)re->n_pattern; }

static qv_status regex_compile(regex *re, const char *fn, const qv_array *a, const uint8_t *pattern, int64_t n,
                               bool ignore_case, qv_error *err) {
  int code = 0;
  PCRE2_SIZE at = 0;
  memset(re, 0, sizeof *re);
  re->fn = fn;
  re->pattern = pattern;
  re->n_pattern = n;
  if (pattern == NULL && n != 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: NULL pattern", fn);
  if (n < 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: negative pattern length", fn);
  re->utf = qv__is_string_id(a->type->id);
  uint32_t options = PCRE2_DOLLAR_ENDONLY | (ignore_case ? PCRE2_CASELESS : 0) |
                     (re->utf ? PCRE2_UTF | PCRE2_MATCH_INVALID_UTF : 0);
  re->code = pcre2_compile(pattern ? (PCRE2_SPTR)pattern : (PCRE2_SPTR) "", (PCRE2_SIZE)n, options, &code, &at, NULL);
  if (re->code == NULL) {
    PCRE2_UCHAR why[160];
    pcre2_get_error_message(code, why, sizeof why);
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: pattern '%.*s' does not compile: %s (at byte %lld)", fn,
                        shown(re), (const char *)pattern, (const char *)why, (long long)at);
  }
  pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &re->n_groups);
  (void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE); /* faster when available; the interpreter otherwise */
  re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
  re->mctx = pcre2_match_context_create(NULL);
  if (re->md == NULL || re->mctx == NULL) {
    regex_free(re);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "%s: out of memory", fn);
  }
  pcre2_set_match_limit(re->mctx, REGEX_MATCH_LIMIT);
  pcre2_set_depth_limit(re->mctx, REGEX_DEPTH_LIMIT);
  pcre2_set_heap_limit(re->mctx, REGEX_HEAP_LIMIT_KIB);
  return QV_OK;
}

/* Searches s[0, n) from byte `start`: *found 1 (the groups are in re->md)
 * or 0. A limit is QV_ERR_LIMIT naming the row. */
static qv_status regex_find(regex *re, const uint8_t *s, int64_t n, int64_t start, int64_t row, int *found,
                            qv_error *err) {
  int rc = pcre2_match(re->code, s ? (PCRE2_SPTR)s : (PCRE2_SPTR) "", (PCRE2_SIZE)n, (PCRE2_SIZE)start, 0, re->md,
                       re->mctx);
  *found = rc >= 0; /* rc 0 only when the ovector is short, never with match data from the pattern */
  if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH) return QV_OK;
  if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
      rc == PCRE2_ERROR_JIT_STACKLIMIT)
    return qv_error_set(err, QV_ERR_LIMIT,
                        "%s: row %lld: pattern '%.*s' exceeded the regex work limit (it backtracks too much on this "
                        "value)",
                        re->fn, (long long)row, shown(re), (const char *)re->pattern);
  PCRE2_UCHAR why[160];
  pcre2_get_error_message(rc, why, sizeof why);
  return qv_error_set(err, QV_ERR_INVALID_DATA, "%s: row %lld: %s", re->fn, (long long)row, (const char *)why);
}

static const PCRE2_SIZE *groups(const regex *re) { return pcre2_get_ovector_pointer(re->md); }

/* Bytes of the code point at s[k] (1 for bytes and ill-formed input). */
static int64_t step(const regex *re, const uint8_t *s, int64_t n, int64_t k) {
  if (!re->utf || k >= n) return 1;
  uint32_t cp;
  return qv__utf8_decode(s + k, n - k, &cp);
}

/* ---- match and count: one value per row ---- */

typedef enum scan_kind { SCAN_MATCH, SCAN_COUNT } scan_kind;

static qv_status scan(scan_kind kind, const qv_array *a, const uint8_t *pattern, int64_t n_pattern, bool ignore_case,
                      qv_array **out, qv_error *err) {
  const char *fn = kind == SCAN_MATCH ? "match_substring_regex" : "count_substring_regex";
  qv__bytes_reader r;
  qv_buffer *validity = NULL, *values = NULL;
  regex re;
  int64_t nulls;
  if (out == NULL || a == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
  *out = NULL;
  QV_RETURN_IF_ERROR(qv__bytes_reader_init(&r, a, fn, err));
  QV_RETURN_IF_ERROR(regex_compile(&re, fn, a, pattern, n_pattern, ignore_case, err));
  bool wide = a->type->id == QV_TYPE_LARGE_STRING || a->type->id == QV_TYPE_LARGE_BINARY;
  qv_status st = qv__compute_copy_validity(a, &validity, &nulls, err);
  if (st == QV_OK) {
    st = kind == SCAN_MATCH ? qv__compute_new_bitmap(a->length, &values, err)
                            : qv_buffer_allocate(NULL, a->length * (wide ? 8 : 4), true, &values, err);
  }
  for (int64_t i = 0; st == QV_OK && i < a->length; i++) {
    const uint8_t *s;
    int64_t n, count = 0;
    if (!qv_array_is_valid(a, i)) continue;
    if (!qv__bytes_reader_get(&r, i, &s, &n)) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "%s: row %lld: the view points outside its buffers", fn, (long long)i);
      break;
    }
    int found = 0;
    if (kind == SCAN_MATCH) {
      st = regex_find(&re, s, n, 0, i, &found, err);
      if (found) qv_bit_set(values->data, i);
      continue;
    }
    /* Count: each search on the rest of the value; an empty match moves one byte on, as Arrow. */
    for (int64_t k = 0; k <= n;) {
      st = regex_find(&re, s + k, n - k, 0, i, &found, err);
      if (st != QV_OK || !found) break;
      count++;
      const PCRE2_SIZE *g = groups(&re);
      k += g[1] > g[0] ? (int64_t)g[1] : (int64_t)g[1] + 1;
    }
    if (wide) ((int64_t *)(void *)values->data)[i] = count;
    else ((int32_t *)(void *)values->data)[i] = (int32_t)count;
  }
  regex_free(&re);
  if (st != QV_OK) {
    qv_buffer_release(validity);
    qv_buffer_release(values);
    return st;
  }
  qv_type *t = kind == SCAN_MATCH ? qv_type_bool() : wide ? qv_type_int64() : qv_type_int32();
  return qv__compute_finish_fixed(t, a->length, validity, values, out, err);
}

qv_status qv_compute_match_regex(const qv_array *a, const uint8_t *pattern, int64_t n_pattern, bool ignore_case,
                                 qv_array **out, qv_error *err) {
  return scan(SCAN_MATCH, a, pattern, n_pattern, ignore_case, out, err);
}

qv_status qv_compute_count_regex(const qv_array *a, const uint8_t *pattern, int64_t n_pattern, bool ignore_case,
                                 qv_array **out, qv_error *err) {
  return scan(SCAN_COUNT, a, pattern, n_pattern, ignore_case, out, err);
}

/* ---- replace ---- */

/* RE2's rewrite syntax: \0..\9 name a group, \\ is a backslash, anything
 * else after a backslash is an error; checked once before the rows. */
static qv_status check_rewrite(const regex *re, const uint8_t *rw, int64_t n, qv_error *err) {
  for (int64_t k = 0; k < n; k++) {
    if (rw[k] != '\\') continue;
    if (k + 1 >= n || !((rw[k + 1] >= '0' && rw[k + 1] <= '9') || rw[k + 1] == '\\'))
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                          "replace_substring_regex: invalid replacement: a backslash at byte %lld must be followed "
                          "by a digit or a backslash",
                          (long long)k);
    if (rw[k + 1] != '\\' && (uint32_t)(rw[k + 1] - '0') > re->n_groups)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT,
                          "replace_substring_regex: the replacement asks for group %c but pattern '%.*s' has %u",
                          rw[k + 1], shown(re), (const char *)re->pattern, re->n_groups);
    k++;
  }
  return QV_OK;
}

typedef struct replace_ctx {
  regex *re;
  const uint8_t *rewrite;
  int64_t n_rewrite, max;
  int64_t row;
  qv_error *err;
  qv_status st;
} replace_ctx;

/* A value being assembled from pieces at the end of the sink's data: the
 * sink counts a value per commit, so pieces accumulate past its end and
 * are committed once. */
typedef struct pending {
  qv__bytes_sink *sink;
  int64_t w;
} pending;

static bool put(pending *pd, const uint8_t *p, int64_t n) {
  if (n == 0) return true;
  if (n > INT64_MAX - pd->w) return false;
  uint8_t *dst = qv__sink_reserve(pd->sink, pd->w + n);
  if (dst == NULL) return false;
  memcpy(dst + pd->w, p, (size_t)n);
  pd->w += n;
  return true;
}

static bool rewrite_into(pending *sink, const replace_ctx *c, const uint8_t *s) {
  const PCRE2_SIZE *g = groups(c->re);
  int64_t from = 0;
  for (int64_t k = 0; k < c->n_rewrite; k++) {
    if (c->rewrite[k] != '\\') continue;
    if (!put(sink, c->rewrite + from, k - from)) return false;
    uint8_t d = c->rewrite[k + 1];
    if (d == '\\') {
      if (!put(sink, c->rewrite + k + 1, 1)) return false;
    } else {
      uint32_t gi = (uint32_t)(d - '0');
      if (g[2 * gi] != PCRE2_UNSET && !put(sink, s + g[2 * gi], (int64_t)(g[2 * gi + 1] - g[2 * gi]))) return false;
    }
    k++;
    from = k + 1;
  }
  return put(sink, c->rewrite + from, c->n_rewrite - from);
}

/* One value, RE2 GlobalReplace's walk: the whole value is the subject. */
static bool replace_fn(const uint8_t *s, int64_t n, qv__bytes_sink *out, const void *ctx, const char **why) {
  replace_ctx *c = (replace_ctx *)ctx;
  pending pd = {out, 0}, *sink = &pd;
  int64_t p = 0, last_end = -1, done = 0;
  while (p <= n && (c->max < 0 || done < c->max)) {
    int found = 0;
    c->st = regex_find(c->re, s, n, p, c->row, &found, c->err);
    if (c->st != QV_OK) return (*why = NULL, false);
    if (!found) break;
    const PCRE2_SIZE *g = groups(c->re);
    int64_t m0 = (int64_t)g[0], m1 = (int64_t)g[1];
    if (m0 < p || m1 < m0 || m1 > n) break; /* never from PCRE2 (\K in look-arounds is off): stop, not loop */
    if (m0 == last_end && m1 == m0) { /* no empty match right after the last one: move one character */
      int64_t k = step(c->re, s, n, p);
      if (p < n && !put(sink, s + p, k > n - p ? n - p : k)) goto oom;
      p += k;
      continue;
    }
    if (!put(sink, s + p, m0 - p) || !rewrite_into(sink, c, s)) goto oom;
    p = last_end = m1;
    done++;
  }
  if (p < n && !put(sink, s + p, n - p)) goto oom;
  qv__sink_commit(out, pd.w);
  return true;
oom:
  *why = "out of memory";
  return false;
}

qv_status qv_compute_replace_regex(const qv_array *a, const uint8_t *pattern, int64_t n_pattern,
                                   const uint8_t *replacement, int64_t n_replacement, int64_t max_replacements,
                                   qv_array **out, qv_error *err) {
  const char *fn = "replace_substring_regex";
  regex re;
  if (out == NULL || a == NULL || (replacement == NULL && n_replacement) || n_replacement < 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: bad arguments", fn);
  *out = NULL;
  if (!qv__is_binary_like(a->type->id)) { /* the map checks too; the pattern is compiled only for strings */
    qv__bytes_reader r;
    return qv__bytes_reader_init(&r, a, fn, err);
  }
  QV_RETURN_IF_ERROR(qv__check_utf8_argument(a, fn, "replacement", replacement, n_replacement, err));
  QV_RETURN_IF_ERROR(regex_compile(&re, fn, a, pattern, n_pattern, false, err));
  qv_status st = check_rewrite(&re, replacement, n_replacement, err);
  replace_ctx c = {&re, replacement, n_replacement, max_replacements, 0, err, QV_OK};
  if (st == QV_OK) st = qv__strings_map_rows(fn, a, replace_fn, &c, &c.row, out, err);
  if (st != QV_OK && c.st != QV_OK) st = c.st; /* the row's own error (a limit) was already written */
  regex_free(&re);
  return st;
}

/* ---- extract ---- */

/* The name of each group (1-based, index 0 unused) from PCRE2's name
 * table; false when a group has no name. Names point into the code. */
static bool group_names(const regex *re, const char **names) {
  uint32_t count = 0, entry = 0;
  PCRE2_SPTR table = NULL;
  pcre2_pattern_info(re->code, PCRE2_INFO_NAMECOUNT, &count);
  pcre2_pattern_info(re->code, PCRE2_INFO_NAMEENTRYSIZE, &entry);
  pcre2_pattern_info(re->code, PCRE2_INFO_NAMETABLE, &table);
  for (uint32_t g = 0; g <= re->n_groups; g++) names[g] = NULL;
  for (uint32_t k = 0; k < count; k++) {
    PCRE2_SPTR e = table + (size_t)k * entry;
    uint32_t g = (uint32_t)e[0] << 8 | e[1];
    if (g >= 1 && g <= re->n_groups) names[g] = (const char *)(e + 2);
  }
  for (uint32_t g = 1; g <= re->n_groups; g++)
    if (names[g] == NULL) return false;
  return true;
}

/* A struct array of the group sinks (finished into `item` arrays). */
static qv_status build_struct(const regex *re, const char **names, qv__bytes_sink *sinks, qv_type *item, int64_t length,
                              qv_buffer *validity, int64_t nulls, qv_array **out, qv_error *err) {
  uint32_t k = re->n_groups;
  qv_field **fields = qv__calloc(k ? k : 1, sizeof *fields);
  qv_array **children = qv__calloc(k ? k : 1, sizeof *children);
  qv_type *type = NULL;
  qv_status st = fields && children ? QV_OK : qv_error_set(err, QV_ERR_NO_MEMORY, "extract_regex: out of memory");
  for (uint32_t g = 0; g < k; g++) {
    if (st == QV_OK) st = qv__sink_finish(&sinks[g], item, NULL, &children[g], err);
    else qv__sink_free(&sinks[g]);
    if (st == QV_OK) st = qv_field_new(names[g + 1], item, true, NULL, &fields[g], err);
  }
  if (st == QV_OK) st = qv_type_struct(fields, (int32_t)k, &type, err);
  if (st == QV_OK)
    st = qv_array_new(type, length, 0, nulls, 1, (qv_buffer *[]){nulls ? validity : NULL}, (int32_t)k, children, NULL,
                      out, err);
  for (uint32_t g = 0; g < k && fields && children; g++) {
    qv_field_release(fields[g]);
    qv_array_release(children[g]);
  }
  qv__free(fields);
  qv__free(children);
  qv_type_release(type);
  return st;
}

qv_status qv_compute_extract_regex(const qv_array *a, const uint8_t *pattern, int64_t n_pattern, qv_array **out,
                                   qv_error *err) {
  const char *fn = "extract_regex";
  qv__bytes_reader r;
  qv_buffer *validity = NULL;
  qv__bytes_sink *sinks = NULL;
  const char **names = NULL;
  regex re;
  uint32_t made = 0;
  if (out == NULL || a == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
  *out = NULL;
  QV_RETURN_IF_ERROR(qv__bytes_reader_init(&r, a, fn, err));
  QV_RETURN_IF_ERROR(regex_compile(&re, fn, a, pattern, n_pattern, false, err));
  qv_status st = QV_OK;
  names = qv__calloc(re.n_groups + 1, sizeof *names);
  sinks = qv__calloc(re.n_groups ? re.n_groups : 1, sizeof *sinks);
  if (names == NULL || sinks == NULL) st = qv_error_set(err, QV_ERR_NO_MEMORY, "%s: out of memory", fn);
  if (st == QV_OK && !group_names(&re, names))
    st = qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: pattern '%.*s' has unnamed groups (name each: (?P<name>...))",
                      fn, shown(&re), (const char *)pattern);
  for (; st == QV_OK && made < re.n_groups; made++) st = qv__sink_init(&sinks[made], a->length, 0, err);
  if (st == QV_OK) st = qv__compute_new_bitmap(a->length, &validity, err);
  for (int64_t i = 0; st == QV_OK && i < a->length; i++) {
    const uint8_t *s = NULL;
    int64_t n = 0;
    int found = 0;
    if (qv_array_is_valid(a, i)) {
      if (!qv__bytes_reader_get(&r, i, &s, &n)) {
        st = qv_error_set(err, QV_ERR_INVALID_DATA, "%s: row %lld: the view points outside its buffers", fn,
                          (long long)i);
        break;
      }
      st = regex_find(&re, s, n, 0, i, &found, err);
    }
    const PCRE2_SIZE *g = groups(&re);
    for (uint32_t k = 1; st == QV_OK && k <= re.n_groups; k++) {
      bool set = found && g[2 * k] != PCRE2_UNSET && g[2 * k] <= g[2 * k + 1] && g[2 * k + 1] <= (PCRE2_SIZE)n;
      qv__sink_append(&sinks[k - 1], set ? s + g[2 * k] : NULL, set ? (int64_t)(g[2 * k + 1] - g[2 * k]) : 0);
    }
    if (found) qv_bit_set(validity->data, i);
  }
  if (st == QV_OK) {
    int64_t nulls = qv__compute_count_nulls(validity, a->length);
    st = build_struct(&re, names, sinks, qv__strings_result_type(a->type), a->length, validity, nulls, out, err);
    made = 0; /* build_struct finished or freed every sink */
  }
  for (uint32_t k = 0; k < made; k++) qv__sink_free(&sinks[k]);
  qv_buffer_release(validity);
  qv__free(sinks);
  qv__free(names);
  regex_free(&re);
  return st;
}

/* ---- split ---- */

qv_status qv_compute_split_regex(const qv_array *a, const uint8_t *pattern, int64_t n_pattern, int64_t max_splits,
                                 qv_array **out, qv_error *err) {
  const char *fn = "split_pattern_regex";
  qv__bytes_reader r;
  qv__bytes_sink sink;
  qv_buffer *validity = NULL, *offsets = NULL;
  regex re;
  int64_t nulls;
  if (out == NULL || a == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
  *out = NULL;
  QV_RETURN_IF_ERROR(qv__bytes_reader_init(&r, a, fn, err));
  QV_RETURN_IF_ERROR(regex_compile(&re, fn, a, pattern, n_pattern, false, err));
  qv_status st = qv__compute_copy_validity(a, &validity, &nulls, err);
  if (st == QV_OK) st = qv_buffer_allocate(NULL, (a->length + 1) * 4, false, &offsets, err);
  if (st == QV_OK) st = qv__sink_init(&sink, a->length, 0, err);
  if (st != QV_OK) {
    regex_free(&re);
    qv_buffer_release(validity);
    qv_buffer_release(offsets);
    return st;
  }
  int32_t *off = (int32_t *)(void *)offsets->data;
  off[0] = 0;
  for (int64_t i = 0; st == QV_OK && i < a->length; i++) {
    const uint8_t *s;
    int64_t n;
    if (qv_array_is_valid(a, i)) {
      if (!qv__bytes_reader_get(&r, i, &s, &n)) {
        st = qv_error_set(err, QV_ERR_INVALID_DATA, "%s: row %lld: the view points outside its buffers", fn,
                          (long long)i);
        break;
      }
      /* Each search is on the rest of the value (Arrow's walk); an empty
       * match does not split: the search moves one character on. */
      int64_t k = 0, splits = 0;
      while (st == QV_OK && (max_splits < 0 || splits < max_splits)) {
        int found = 0;
        int64_t from = 0, m0 = 0, m1 = 0;
        while (from <= n - k) {
          st = regex_find(&re, s + k, n - k, from, i, &found, err);
          if (st != QV_OK || !found) break;
          const PCRE2_SIZE *g = groups(&re);
          m0 = (int64_t)g[0];
          m1 = (int64_t)g[1];
          if (m1 > m0) break;
          found = 0;
          from = m0 + step(&re, s + k, n - k, m0);
        }
        if (st != QV_OK || !found) break;
        qv__sink_append(&sink, s + k, m0);
        k += m1;
        splits++;
      }
      qv__sink_append(&sink, s + k, n - k);
    }
    if (sink.length > INT32_MAX) {
      st = qv_error_set(err, QV_ERR_OVERFLOW, "%s: more than 2^31 pieces", fn);
      break;
    }
    off[i + 1] = (int32_t)sink.length;
  }
  regex_free(&re);
  return qv__strings_finish_split(st, a, &sink, nulls, validity, offsets, out, err);
}
