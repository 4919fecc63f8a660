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
#include <pthread.h>
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

/* One pass of the parser over data[0, size): inference into `root`
 * (out NULL), or building a one-batch table into *out from `root`. */
static qv_status parse_pass(const uint8_t *data, size_t size, const limits *l, qv_jsonl_unexpected unexpected,
                            qv__jsonl_shape *root, qv_table **out, int64_t *rows, qv_error *err) {
  const bool build = out != NULL;
  const uint8_t *base = size ? data : (const uint8_t *)"";
  qv__jsonl_parser ps = {base, base, base + size, base, 1, build, unexpected, l->max_depth, NULL, 0, NULL, err};
  const int32_t n = root->n_members;
  qv_builder **builders = NULL;
  qv_array **arrays = NULL;
  qv_status st = QV_OK;
  ps.path = calloc((size_t)l->max_depth + 1, sizeof *ps.path);
  QV_CHECK_ALLOC_GOTO(ps.path, st, err, done);
  if (build) {
    builders = calloc((size_t)n + 1, sizeof *builders);
    arrays = calloc((size_t)n + 1, sizeof *arrays);
    QV_CHECK_ALLOC_GOTO(builders, st, err, done);
    QV_CHECK_ALLOC_GOTO(arrays, st, err, done);
    QV_GOTO_IF_ERROR(st, qv__jsonl_shape_finish_types(root, err), done);
    for (int32_t i = 0; i < n; i++) {
      QV_GOTO_IF_ERROR(st, qv_builder_new(root->members[i]->type, NULL, &builders[i], err), done);
      qv__jsonl_shape_bind(root->members[i], builders[i]);
    }
  }
  QV_GOTO_IF_ERROR(st, qv__jsonl_parse_rows(&ps, root, rows), done);
  if (build) {
    for (int32_t i = 0; i < n; i++) QV_GOTO_IF_ERROR(st, qv_builder_finish(builders[i], &arrays[i], err), done);
    st = qv_table_from_arrays((const char *const *)root->names, arrays, n, out, err);
  }
done:
  for (int32_t i = 0; arrays && i < n; i++) qv_array_release(arrays[i]);
  for (int32_t i = 0; builders && i < n; i++) qv_builder_free(builders[i]);
  free(arrays);
  free(builders);
  free(ps.path);
  free(ps.scratch);
  return st;
}

static qv_status read_sequential(const uint8_t *data, size_t size, const qv_jsonl_read_options *o, const limits *l,
                                 qv_table **out, qv_error *err) {
  qv__jsonl_shape *root = NULL;
  bool needs_inference = true;
  QV_RETURN_IF_ERROR(root_shape(o, &root, &needs_inference, err));
  int64_t rows = 0;
  qv_status st = QV_OK;
  if (needs_inference) QV_GOTO_IF_ERROR(st, parse_pass(data, size, l, o->unexpected_fields, root, NULL, &rows, err), done);
  if (needs_inference && rows == 0 && o->schema == NULL)
    QV_FAIL_GOTO(st, done, err, QV_ERR_INVALID_DATA, "JSONL input is empty: expected one JSON object per line");
  st = parse_pass(data, size, l, o->unexpected_fields, root, out, &rows, err);
done:
  qv__jsonl_shape_free(root);
  return st;
}

/* ---- two parts on two cores ----
 *
 * The input is cut at the first line break after its middle. If the cut
 * falls inside a row (an object spread over lines), the first part ends
 * inside an unclosed object and fails; so when both parts read without
 * error, the cut was between rows and each part is a JSON Lines text of
 * its own. Pass 1 runs on both parts at once, the second part's shapes are
 * merged into the first's (the parser's unification rules, members in
 * order of first appearance), each part builds its batch from a copy of
 * the merged shapes, and the table holds the two batches. Any failure
 * (including a kind conflict found only by the merge) reads the whole
 * input again in one part, so every message names the right line. */

#define PARALLEL_MIN_BYTES ((size_t)1 << 20)

typedef struct part {
  const uint8_t *data;
  size_t size;
  const qv_jsonl_read_options *o;
  const limits *l;
  qv__jsonl_shape *root;
  bool build;
  qv_table *table;
  int64_t rows;
  qv_status st;
  qv_error err;
} part;

static void run_part(part *p) {
  p->st = parse_pass(p->data, p->size, p->l, p->o->unexpected_fields, p->root, p->build ? &p->table : NULL,
                     &p->rows, &p->err);
}

static void *part_thread(void *arg) {
  run_part(arg);
  return NULL;
}

/* Runs both parts, the first on a new thread (inline if none starts). */
static void run_both(part *parts) {
  pthread_t th;
  const bool started = pthread_create(&th, NULL, part_thread, &parts[0]) == 0;
  if (!started) run_part(&parts[0]);
  run_part(&parts[1]);
  if (started) pthread_join(th, NULL);
}

/* QV_OK with *out set, or any status (the caller then reads sequentially). */
static qv_status read_parallel(const uint8_t *data, size_t size, size_t cut, const qv_jsonl_read_options *o,
                               const limits *l, qv_table **out, qv_error *err) {
  part parts[2];
  memset(parts, 0, sizeof parts);
  parts[0].data = data;
  parts[0].size = cut;
  parts[1].data = data + cut;
  parts[1].size = size - cut;
  bool needs_inference = true;
  qv_status st = QV_OK;
  for (int k = 0; k < 2 && st == QV_OK; k++) {
    parts[k].o = o;
    parts[k].l = l;
    st = root_shape(o, &parts[k].root, &needs_inference, err);
  }
  if (st == QV_OK && needs_inference) {
    run_both(parts);
    st = parts[0].st != QV_OK ? parts[0].st : parts[1].st;
    if (st == QV_OK && parts[0].rows + parts[1].rows == 0) st = QV_ERR_INVALID_DATA;
    if (st == QV_OK) st = qv__jsonl_shape_merge(parts[0].root, parts[1].root, err);
    if (st == QV_OK) {
      qv__jsonl_shape_free(parts[1].root);
      parts[1].root = qv__jsonl_shape_clone(parts[0].root);
      if (parts[1].root == NULL) st = qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (JSONL shapes)");
    }
  }
  if (st == QV_OK) {
    parts[0].build = parts[1].build = true;
    run_both(parts);
    st = parts[0].st != QV_OK ? parts[0].st : parts[1].st;
  }
  if (st == QV_OK) {
    qv_batch *batches[4];
    int64_t n = 0;
    for (int k = 0; k < 2; k++)
      for (int64_t b = 0; b < parts[k].table->n_batches && n < 4; b++) batches[n++] = parts[k].table->batches[b];
    if (n == 0) *out = qv_table_retain(parts[0].table); /* no columns: nothing to join */
    else st = qv_table_from_batches(batches, n, out, err);
  }
  for (int k = 0; k < 2; k++) {
    qv__jsonl_shape_free(parts[k].root);
    qv_table_release(parts[k].table);
  }
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
  const uint8_t *bytes = data;
  if (size >= PARALLEL_MIN_BYTES) {
    const uint8_t *nl = memchr(bytes + size / 2, '\n', size - size / 2);
    if (nl != NULL && nl + 1 < bytes + size) {
      qv_error ignored;
      if (read_parallel(bytes, size, (size_t)(nl + 1 - bytes), o, &l, out, &ignored) == QV_OK) return QV_OK;
    }
  }
  return read_sequential(bytes, size, o, &l, out, err);
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
