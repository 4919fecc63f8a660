/* quiver jsonl: the reader's entry points. Checks the bounds, runs the
 * parser's two passes (parse.c) over the whole text and assembles the
 * table.
 *
 * Design: two passes over the text instead of a tree or a token tape in
 * memory. Pass 1 infers the shapes (types can only be known once every row
 * was seen: an int column turns float at its last row); pass 2 appends
 * straight into builders of the final types. Memory is the input plus the
 * output, whatever the nesting; parsing twice costs less than building and
 * walking a tape of 24+ bytes per token. With a schema that fixes every
 * column (unexpected_fields ignore or error), pass 1 is skipped.
 *
 * Bounds: the input size (checked as bytes arrive from an fd), the length
 * of every physical line (the same), the nesting depth (in the parser).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jsonl/internal.h"
#include "quiver/table.h"

typedef struct limits {
  int64_t max_input, max_line;
  int32_t max_depth;
} limits;

static qv_status resolve(const qv_jsonl_read_options *o, limits *l, qv_error *err) {
  if (o->max_depth < 0 || o->max_line_length < 0 || o->max_input_size < 0)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "JSONL options: limits must not be negative");
  if (o->max_depth > QV_JSONL_MAX_DEPTH_LIMIT)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "JSONL options: max_depth %d is past the largest accepted, %d",
                        (int)o->max_depth, QV_JSONL_MAX_DEPTH_LIMIT);
  if (o->unexpected_fields != QV_JSONL_UNEXPECTED_INFER && o->unexpected_fields != QV_JSONL_UNEXPECTED_IGNORE &&
      o->unexpected_fields != QV_JSONL_UNEXPECTED_ERROR)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "JSONL options: unknown unexpected_fields value %d",
                        (int)o->unexpected_fields);
  l->max_input = o->max_input_size > 0 ? o->max_input_size : QV_JSONL_DEFAULT_MAX_INPUT;
  l->max_line = o->max_line_length > 0 ? o->max_line_length : QV_JSONL_DEFAULT_MAX_LINE;
  l->max_depth = o->max_depth > 0 ? o->max_depth : QV_JSONL_DEFAULT_MAX_DEPTH;
  return QV_OK;
}

static qv_status line_too_long(int64_t line, int64_t max, qv_error *err) {
  return qv_error_set(err, QV_ERR_LIMIT,
                      "JSONL line %lld, column 1: the line is longer than %lld bytes (max_line_length)",
                      (long long)line, (long long)max);
}

/* Every physical line of data[0, size) is at most max bytes. */
static qv_status check_lines(const uint8_t *data, size_t size, int64_t max, qv_error *err) {
  const uint8_t *p = data, *end = data + size;
  int64_t line = 1;
  while (p < end) {
    const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
    const uint8_t *stop = nl ? nl : end;
    if (stop - p > max) return line_too_long(line, max, err);
    if (nl == NULL) break;
    p = nl + 1;
    line++;
  }
  return QV_OK;
}

static void close_structs(qv__jsonl_shape *s) {
  if (s == NULL) return;
  s->closed = s->kind == QV__JSONL_STRUCT;
  for (int32_t i = 0; i < s->n_members; i++) close_structs(s->members[i]);
  close_structs(s->item);
}

static qv_status root_shape(const qv_jsonl_read_options *o, qv__jsonl_shape **out, bool *needs_inference,
                            qv_error *err) {
  *needs_inference = true;
  if (o->schema == NULL) {
    *out = qv__jsonl_shape_new(QV__JSONL_STRUCT);
    QV_CHECK_ALLOC(*out, err);
    return QV_OK;
  }
  qv__jsonl_shape *root = qv__jsonl_shape_new(QV__JSONL_STRUCT);
  QV_CHECK_ALLOC(root, err);
  qv_status st = QV_OK;
  for (int32_t i = 0; st == QV_OK && i < o->schema->n_fields; i++) {
    const qv_field *f = o->schema->fields[i];
    const int32_t len = (int32_t)strlen(f->name);
    if (qv__jsonl_shape_find(root, f->name, len) >= 0) {
      st = qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "JSONL schema names the field '%s' twice", f->name);
      break;
    }
    qv__jsonl_shape *m = NULL;
    st = qv__jsonl_shape_from_type(f->type, f->name, &m, err);
    if (st == QV_OK) st = qv__jsonl_shape_add(root, f->name, len, m, err);
  }
  if (st != QV_OK) {
    qv__jsonl_shape_free(root);
    return st;
  }
  /* Close every struct the schema fixed when new members are not wanted. */
  if (o->unexpected_fields != QV_JSONL_UNEXPECTED_INFER) {
    close_structs(root);
    *needs_inference = false;
  }
  *out = root;
  return QV_OK;
}

static qv_status build_table(qv__jsonl_parser *ps, qv__jsonl_shape *root, qv_table **out, qv_error *err) {
  const int32_t n = root->n_members;
  qv_builder **builders = calloc((size_t)n + 1, sizeof *builders);
  qv_array **arrays = calloc((size_t)n + 1, sizeof *arrays);
  qv_status st = QV_OK;
  QV_CHECK_ALLOC_GOTO(builders, st, err, done);
  QV_CHECK_ALLOC_GOTO(arrays, st, err, done);
  QV_GOTO_IF_ERROR(st, qv__jsonl_shape_finish_types(root, err), done);
  for (int32_t i = 0; i < n; i++) {
    QV_GOTO_IF_ERROR(st, qv_builder_new(root->members[i]->type, NULL, &builders[i], err), done);
    qv__jsonl_shape_bind(root->members[i], builders[i]);
  }
  ps->build = true;
  ps->p = ps->base;
  ps->line = 1;
  ps->line_start = ps->base;
  int64_t rows = 0;
  QV_GOTO_IF_ERROR(st, qv__jsonl_parse_rows(ps, root, &rows), done);
  for (int32_t i = 0; i < n; i++) QV_GOTO_IF_ERROR(st, qv_builder_finish(builders[i], &arrays[i], err), done);
  st = qv_table_from_arrays((const char *const *)root->names, arrays, n, out, err);
done:
  for (int32_t i = 0; arrays && i < n; i++) qv_array_release(arrays[i]);
  for (int32_t i = 0; builders && i < n; i++) qv_builder_free(builders[i]);
  free(arrays);
  free(builders);
  return st;
}

qv_status qv_jsonl_read_memory(const void *data, size_t size, const qv_jsonl_read_options *opts, qv_table **out,
                               qv_error *err) {
  if (out == NULL || (data == NULL && size > 0))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_jsonl_read_memory: NULL argument");
  *out = NULL;
  static const qv_jsonl_read_options k_defaults = QV_JSONL_READ_OPTIONS_DEFAULT;
  const qv_jsonl_read_options *o = opts ? opts : &k_defaults;
  limits l;
  QV_RETURN_IF_ERROR(resolve(o, &l, err));
  if (size > (uint64_t)l.max_input)
    return qv_error_set(err, QV_ERR_LIMIT, "JSONL input of %llu bytes is past the limit of %lld (max_input_size)",
                        (unsigned long long)size, (long long)l.max_input);
  QV_RETURN_IF_ERROR(check_lines(data, size, l.max_line, err));
  qv__jsonl_shape *root = NULL;
  bool needs_inference = true;
  QV_RETURN_IF_ERROR(root_shape(o, &root, &needs_inference, err));
  const uint8_t *base = size ? (const uint8_t *)data : (const uint8_t *)"";
  qv__jsonl_parser ps = {base, base, base + size, base, 1, false, o->unexpected_fields, l.max_depth,
                         NULL, 0, NULL, err};
  qv_status st = QV_OK;
  ps.path = calloc((size_t)l.max_depth + 1, sizeof *ps.path);
  QV_CHECK_ALLOC_GOTO(ps.path, st, err, done);
  int64_t rows = 0;
  if (needs_inference) QV_GOTO_IF_ERROR(st, qv__jsonl_parse_rows(&ps, root, &rows), done);
  if (needs_inference && rows == 0 && o->schema == NULL)
    QV_FAIL_GOTO(st, done, err, QV_ERR_INVALID_DATA, "JSONL input is empty: expected one JSON object per line");
  st = build_table(&ps, root, out, err);
done:
  free(ps.path);
  free(ps.scratch);
  qv__jsonl_shape_free(root);
  return st;
}

/* Reads fd to its end into a malloc'd buffer (sized from `hint` bytes when
 * known), refusing more than max_input bytes or a line longer than
 * max_line as soon as it arrives. */
static qv_status slurp(int fd, const char *what, const limits *l, int64_t hint, char **out, size_t *size,
                       qv_error *err) {
  size_t cap = 1 << 16, len = 0;
  if (hint > 0 && hint < l->max_input) cap = (size_t)hint + 1; /* +1: the read that sees the end */
  char *buf = malloc(cap);
  QV_CHECK_ALLOC(buf, err);
  int64_t line = 1, line_len = 0;
  qv_status st = QV_OK;
  for (;;) {
    if (len == cap) {
      char *next = realloc(buf, cap * 2);
      if (next == NULL) {
        st = qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory reading JSONL from %s", what);
        break;
      }
      buf = next;
      cap *= 2;
    }
    const ssize_t got = read(fd, buf + len, cap - len);
    if (got < 0) {
      if (errno == EINTR) continue;
      st = qv_error_set(err, QV_ERR_IO, "reading JSONL from %s: %s", what, strerror(errno));
      break;
    }
    if (got == 0) break;
    const char *p = buf + len, *end = buf + len + got;
    while (p < end) {
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      line_len += (nl ? nl : end) - p;
      if (line_len > l->max_line) break;
      if (nl == NULL) break;
      line++;
      line_len = 0;
      p = nl + 1;
    }
    len += (size_t)got;
    if (line_len > l->max_line) {
      st = line_too_long(line, l->max_line, err);
      break;
    }
    if ((int64_t)len > l->max_input) {
      st = qv_error_set(err, QV_ERR_LIMIT, "JSONL input from %s is past the limit of %lld bytes (max_input_size)",
                        what, (long long)l->max_input);
      break;
    }
  }
  if (st != QV_OK) {
    free(buf);
    return st;
  }
  *out = buf;
  *size = len;
  return QV_OK;
}

static qv_status read_fd_named(int fd, const char *what, const qv_jsonl_read_options *opts, qv_table **out,
                               qv_error *err) {
  static const qv_jsonl_read_options k_defaults = QV_JSONL_READ_OPTIONS_DEFAULT;
  limits l;
  QV_RETURN_IF_ERROR(resolve(opts ? opts : &k_defaults, &l, err));
  char *buf = NULL;
  size_t size = 0;
  struct stat sb;
  const int64_t hint = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ? (int64_t)sb.st_size : 0;
  QV_RETURN_IF_ERROR(slurp(fd, what, &l, hint, &buf, &size, err));
  qv_status st = qv_jsonl_read_memory(buf, size, opts, out, err);
  free(buf);
  return st;
}

qv_status qv_jsonl_read_fd(int fd, const qv_jsonl_read_options *opts, qv_table **out, qv_error *err) {
  if (out == NULL || fd < 0) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_jsonl_read_fd: bad argument");
  *out = NULL;
  return read_fd_named(fd, "a file descriptor", opts, out, err);
}

qv_status qv_jsonl_read_path(const char *path, const qv_jsonl_read_options *opts, qv_table **out, qv_error *err) {
  if (path == NULL || out == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_jsonl_read_path: NULL argument");
  *out = NULL;
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return qv_error_set(err, QV_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
  qv_status st = read_fd_named(fd, path, opts, out, err);
  close(fd);
  return st;
}
