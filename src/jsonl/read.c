/* quiver jsonl: the reader's entry points. Checks the bounds, runs the
 * parser's passes (parse.c) and assembles the table.
 *
 * Design: passes over the text instead of a tree or a token tape in
 * memory. Pass 1 infers the shapes (types can only be known once every row
 * was seen: an int column turns float at its last row); pass 2 appends
 * straight into builders of the final types. Memory is the input plus the
 * output, whatever the nesting; parsing again costs less than building and
 * walking a tape of 24+ bytes per token. The reference reading runs pass 1
 * over every row, then pass 2; the faster one (below) runs pass 1 over the
 * first rows only and pass 2 speculatively, and falls back to the
 * reference on any failure. With a schema that fixes every column
 * (unexpected_fields ignore or error), pass 1 is skipped.
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

/* How a pass of the parser runs: inference, appending to builders of
 * shapes inferred from every row, or appending to builders of shapes
 * inferred from the first rows only (see qv__jsonl_parser.speculative). */
typedef enum pass_mode { PASS_INFER, PASS_BUILD, PASS_SPECULATE } pass_mode;

typedef struct pass_result {
  int64_t rows;
  size_t consumed;    /* bytes read (less than the text with a stop) */
  bool diverged;      /* speculative: a value did not fit the shapes */
  size_t diverged_at; /* then: the offset of that value's row */
} pass_result;

/* One pass of the parser over data[0, size) into `root`: inference
 * (stopping before the first row at or past `stop` when stop > 0), or
 * building a one-batch table into *out. */
static qv_status parse_pass(const uint8_t *data, size_t size, const limits *l, qv_jsonl_unexpected unexpected,
                            pass_mode mode, size_t stop, qv__jsonl_shape *root, qv_table **out, pass_result *res,
                            qv_error *err) {
  const bool build = mode != PASS_INFER;
  const uint8_t *base = size ? data : (const uint8_t *)"";
  qv__jsonl_parser ps = {.base = base,
                         .p = base,
                         .end = base + size,
                         .line_start = base,
                         .line = 1,
                         .build = build,
                         .speculative = mode == PASS_SPECULATE,
                         .row_start = base,
                         .stop = stop > 0 && stop < size ? base + stop : NULL,
                         .unexpected = unexpected,
                         .max_depth = l->max_depth,
                         .err = err};
  const int32_t n = root->n_members;
  qv_builder **builders = NULL;
  qv_array **arrays = NULL;
  qv_status st = QV_OK;
  memset(res, 0, sizeof *res);
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
  st = qv__jsonl_parse_rows(&ps, root, &res->rows);
  res->consumed = (size_t)(ps.p - base);
  if (st != QV_OK && ps.diverged) {
    res->diverged = true;
    res->diverged_at = (size_t)(ps.row_start - base);
  }
  if (st != QV_OK) goto done;
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

/* The reference reading: pass 1 over every row, then pass 2, on one core.
 * Every error is reported from here (the faster reading below falls back
 * to it on any failure), so messages name the first bad line as one
 * front-to-back reading finds it. */
static qv_status read_reference(const uint8_t *data, size_t size, const qv_jsonl_read_options *o, const limits *l,
                                qv_table **out, qv_error *err) {
  qv__jsonl_shape *root = NULL;
  bool needs_inference = true;
  QV_RETURN_IF_ERROR(root_shape(o, &root, &needs_inference, err));
  pass_result res = {0};
  qv_status st = QV_OK;
  if (needs_inference)
    QV_GOTO_IF_ERROR(st, parse_pass(data, size, l, o->unexpected_fields, PASS_INFER, 0, root, NULL, &res, err), done);
  if (needs_inference && res.rows == 0 && o->schema == NULL)
    QV_FAIL_GOTO(st, done, err, QV_ERR_INVALID_DATA, "JSONL input is empty: expected one JSON object per line");
  st = parse_pass(data, size, l, o->unexpected_fields, PASS_BUILD, 0, root, out, &res, err);
done:
  qv__jsonl_shape_free(root);
  return st;
}

/* ---- the faster reading: first rows, then one pass, on two cores ----
 *
 * Pass 1 runs over the first rows only (a prefix); pass 2 then builds
 * every row speculatively on those shapes, checking each value against
 * them as pass 1 would unify it. Types rarely change after the first rows,
 * and then the shapes of the prefix are those of the whole input (every
 * later value left them as they were), so the table is the one the
 * reference reading gives, for about the cost of pass 2 alone. When a
 * value does not fit (a member not seen yet, an int column meeting a
 * float), pass 1 runs from that value's row to the end of its part, the
 * shapes are merged and pass 2 runs again.
 *
 * Inputs of 1 MiB or more are cut at the first line break after their
 * middle and each pass runs on both parts at once. If the cut falls inside
 * a row (an object spread over lines), the first part ends inside an
 * unclosed object and fails; so when both parts read without error, the
 * cut was between rows and each part is a JSON Lines text of its own. The
 * second part's shapes are merged into the first's (the parser's
 * unification rules, members in order of first appearance) and the table
 * holds one batch per part. Any failure (including a kind conflict found
 * only by a merge) reads the whole input again the reference way, so every
 * message names the right line. */

#define PARALLEL_MIN_BYTES ((size_t)1 << 20)
#define PREFIX_MIN_BYTES ((size_t)64 << 10)
#define PREFIX_MAX_BYTES ((size_t)1 << 20)

typedef struct part {
  const uint8_t *data;
  size_t size;
  size_t from; /* inference: starts at this offset of the part (the row that diverged) */
  const qv_jsonl_read_options *o;
  const limits *l;
  qv__jsonl_shape *root; /* owned */
  pass_mode mode;
  qv_table *table;
  pass_result res;
  qv_status st;
  qv_error err;
} part;

static void run_part(part *p) {
  if (p->from >= p->size && p->mode == PASS_INFER) { /* nothing left to infer */
    p->st = QV_OK;
    return;
  }
  p->st = parse_pass(p->data + p->from, p->size - p->from, p->l, p->o->unexpected_fields, p->mode, 0, p->root,
                     p->mode == PASS_INFER ? NULL : &p->table, &p->res, &p->err);
}

static void *part_thread(void *arg) {
  run_part(arg);
  return NULL;
}

/* Runs the n (1 or 2) parts, the first on a new thread (inline if none
 * starts). */
static void run_parts(part *parts, int n) {
  if (n == 1) {
    run_part(&parts[0]);
    return;
  }
  pthread_t th;
  const bool started = pthread_create(&th, NULL, part_thread, &parts[0]) == 0;
  if (!started) run_part(&parts[0]);
  run_part(&parts[1]);
  if (started) pthread_join(th, NULL);
}

/* Gives each part a copy of `shapes` (what pass 1 knows, no builders) to
 * run `mode` on from `from` (offsets per part). */
static qv_status reset_parts(part *parts, int n, const qv__jsonl_shape *shapes, pass_mode mode, const size_t *from,
                             qv_error *err) {
  for (int k = 0; k < n; k++) {
    qv__jsonl_shape_free(parts[k].root);
    qv_table_release(parts[k].table);
    parts[k].table = NULL;
    parts[k].mode = mode;
    parts[k].from = from ? from[k] : 0;
    parts[k].root = qv__jsonl_shape_clone(shapes);
    if (parts[k].root == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (JSONL shapes)");
  }
  return QV_OK;
}

/* The first part's failure (its message into err), or QV_OK. */
static qv_status first_failure(const part *parts, int n, qv_error *err) {
  for (int k = 0; k < n; k++) {
    if (parts[k].st == QV_OK) continue;
    if (err != NULL) *err = parts[k].err;
    return parts[k].st;
  }
  return QV_OK;
}

/* The prefix pass 1 reads by default: about a 32nd of the input, within
 * bounds. */
static size_t prefix_bytes(size_t size) {
  const size_t want = size / 32;
  return want < PREFIX_MIN_BYTES ? PREFIX_MIN_BYTES : want > PREFIX_MAX_BYTES ? PREFIX_MAX_BYTES : want;
}

/* QV_OK with *out set, or any status (the caller then reads the reference
 * way). cut = 0: one part. */
static qv_status read_fast(const uint8_t *data, size_t size, size_t cut, size_t prefix_size,
                           const qv_jsonl_read_options *o, const limits *l, qv_table **out, qv_error *err) {
  const int n = cut > 0 ? 2 : 1;
  part parts[2];
  memset(parts, 0, sizeof parts);
  for (int k = 0; k < n; k++) {
    parts[k].data = k == 0 ? data : data + cut;
    parts[k].size = n == 1 ? size : k == 0 ? cut : size - cut;
    parts[k].o = o;
    parts[k].l = l;
  }
  qv__jsonl_shape *shapes = NULL;
  bool needs_inference = true, speculative = false;
  qv_status st = root_shape(o, &shapes, &needs_inference, err);
  if (st == QV_OK && needs_inference) {
    pass_result prefix;
    st = parse_pass(data, size, l, o->unexpected_fields, PASS_INFER, prefix_size, shapes, NULL, &prefix, err);
    if (st == QV_OK && prefix.rows == 0 && o->schema == NULL) st = QV_ERR_INVALID_DATA; /* empty: reported there */
    speculative = prefix.consumed < size;
  }
  if (st == QV_OK) st = reset_parts(parts, n, shapes, speculative ? PASS_SPECULATE : PASS_BUILD, NULL, err);
  if (st == QV_OK) {
    run_parts(parts, n);
    st = first_failure(parts, n, err);
  }
  bool diverged = false;
  for (int k = 0; k < n; k++) diverged |= parts[k].res.diverged;
  if (st != QV_OK && diverged) {
    /* Every part either built or diverged? Then infer what the shapes
     * missed, from each diverged row to the end of its part. */
    size_t from[2] = {0, 0};
    bool other_failure = false;
    for (int k = 0; k < n; k++) {
      other_failure |= parts[k].st != QV_OK && !parts[k].res.diverged;
      from[k] = parts[k].res.diverged ? parts[k].res.diverged_at : parts[k].size;
    }
    st = other_failure ? QV_ERR_INVALID_DATA : reset_parts(parts, n, shapes, PASS_INFER, from, err);
    if (st == QV_OK) {
      run_parts(parts, n);
      st = first_failure(parts, n, err);
    }
    for (int k = 0; st == QV_OK && k < n; k++) st = qv__jsonl_shape_merge(shapes, parts[k].root, err);
    if (st == QV_OK) st = reset_parts(parts, n, shapes, PASS_BUILD, NULL, err);
    if (st == QV_OK) {
      run_parts(parts, n);
      st = first_failure(parts, n, err);
    }
  }
  if (st == QV_OK) {
    qv_batch *batches[4];
    int64_t nb = 0;
    for (int k = 0; k < n; k++)
      for (int64_t b = 0; b < parts[k].table->n_batches && nb < 4; b++) batches[nb++] = parts[k].table->batches[b];
    if (nb == 0) *out = qv_table_retain(parts[0].table); /* no columns: nothing to join */
    else st = qv_table_from_batches(batches, nb, out, err);
  }
  for (int k = 0; k < 2; k++) {
    qv__jsonl_shape_free(parts[k].root);
    qv_table_release(parts[k].table);
  }
  qv__jsonl_shape_free(shapes);
  return st;
}

/* read_fast, cutting inputs of sizes->parallel_min_bytes or more in two
 * parts (sizes NULL: the defaults). */
static qv_status read_fast_cut(const uint8_t *data, size_t size, const qv__jsonl_fast_sizes *sizes,
                               const qv_jsonl_read_options *o, const limits *l, qv_table **out, qv_error *err) {
  const size_t parallel_min = sizes ? sizes->parallel_min_bytes : PARALLEL_MIN_BYTES;
  const size_t prefix = sizes ? sizes->prefix_bytes : prefix_bytes(size);
  size_t cut = 0;
  if (size >= parallel_min && size >= 2) {
    const uint8_t *nl = memchr(data + size / 2, '\n', size - size / 2);
    if (nl != NULL && nl + 1 < data + size) cut = (size_t)(nl + 1 - data);
  }
  return read_fast(data, size, cut, prefix, o, l, out, err);
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
  qv_error ignored;
  if (read_fast_cut(data, size, NULL, o, &l, out, &ignored) == QV_OK) return QV_OK;
  return read_reference(data, size, o, &l, out, err);
}

qv_status qv__jsonl_read_fast(const void *data, size_t size, const qv_jsonl_read_options *opts,
                              const qv__jsonl_fast_sizes *sizes, qv_table **out, qv_error *err) {
  static const qv_jsonl_read_options k_defaults = QV_JSONL_READ_OPTIONS_DEFAULT;
  const qv_jsonl_read_options *o = opts ? opts : &k_defaults;
  *out = NULL;
  limits l;
  QV_RETURN_IF_ERROR(resolve(o, &l, err));
  QV_RETURN_IF_ERROR(check_lines(data, size, l.max_line, err));
  return read_fast_cut(data, size, sizes, o, &l, out, err);
}

qv_status qv__jsonl_read_reference(const void *data, size_t size, const qv_jsonl_read_options *opts, qv_table **out,
                                   qv_error *err) {
  static const qv_jsonl_read_options k_defaults = QV_JSONL_READ_OPTIONS_DEFAULT;
  const qv_jsonl_read_options *o = opts ? opts : &k_defaults;
  *out = NULL;
  limits l;
  QV_RETURN_IF_ERROR(resolve(o, &l, err));
  QV_RETURN_IF_ERROR(check_lines(data, size, l.max_line, err));
  return read_reference(data, size, o, &l, out, err);
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
