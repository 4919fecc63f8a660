/* quiver core: the allocating *_to_string of types, fields and schemas, and
 * qv_free_string (memory.h: one ownership rule for every *_to_string).
 *
 * Each measures with its *_format twin (snprintf semantics: the return is
 * the full length), allocates exactly that plus the NUL, and formats again. */
#include "core/internal.h"

void qv_free_string(char *s) { free(s); }

typedef int64_t (*format_fn)(const void *obj, char *buf, size_t cap);

static qv_status to_string(const void *obj, format_fn format, const char *what, char **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s_to_string: out is NULL", what);
  *out = NULL;
  if (obj == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s_to_string: %s is NULL", what, what);
  const int64_t n = format(obj, NULL, 0);
  if (n < 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s_to_string: cannot format the %s", what, what);
  char *s = (char *)malloc((size_t)n + 1);
  if (s == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "%s_to_string: out of memory for %lld bytes", what,
                                     (long long)n + 1);
  format(obj, s, (size_t)n + 1);
  *out = s;
  return QV_OK;
}

static int64_t format_type(const void *o, char *b, size_t c) { return qv_type_format((const qv_type *)o, b, c); }
static int64_t format_field(const void *o, char *b, size_t c) { return qv_field_format((const qv_field *)o, b, c); }
static int64_t format_schema(const void *o, char *b, size_t c) { return qv_schema_format((const qv_schema *)o, b, c); }

qv_status qv_type_to_string(const qv_type *type, char **out, qv_error *err) {
  return to_string(type, format_type, "type", out, err);
}

qv_status qv_field_to_string(const qv_field *field, char **out, qv_error *err) {
  return to_string(field, format_field, "field", out, err);
}

qv_status qv_schema_to_string(const qv_schema *schema, char **out, qv_error *err) {
  return to_string(schema, format_schema, "schema", out, err);
}
