/* qv_ipc_roundtrip: a small test driver for the Python IPC interop tests.
 *
 * It reads an Arrow IPC stream or file (format detected by quiver), or an
 * integration JSON file (.json / .json.gz), and writes the table back as a
 * stream, a file or JSON, with the writer options quiver offers plus slicing,
 * which the `quiver` command-line tool does not expose:
 *
 *   qv_ipc_roundtrip IN OUT [--to stream|file|json] [--compression none|lz4|zstd]
 *                    [--level N] [--alignment 8|64] [--slice OFFSET LENGTH]
 *                    [--chunk N] [--no-deltas] [--legacy] [--full-validation]
 *
 * --slice keeps rows [OFFSET, OFFSET+LENGTH) of the whole table (across batch
 * boundaries) as zero-copy slices; --chunk N then cuts every batch into slices
 * of at most N rows. Both make the writer see arrays with a non-zero offset,
 * which it must rebase (offsets, bitmaps, views, unions, run ends).
 *
 * The tests compile it against the static library (tests/interop/ipc_support.py).
 * On failure it prints "qv_ipc_roundtrip: <status>: <message>" on stderr and
 * exits 1 (2 for a usage error), so a test can show quiver's own diagnosis.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quiver/ipc.h"
#include "quiver/json.h"

typedef enum { TO_STREAM, TO_FILE, TO_JSON } out_kind;

typedef struct options {
  const char *in;
  const char *out;
  out_kind to;
  qv_ipc_write_options write;
  qv_ipc_read_options read;
  int64_t slice_offset; /* -1: no slice */
  int64_t slice_length;
  int64_t chunk; /* 0: keep the batches as they are */
} options;

static int usage(const char *why) {
  fprintf(stderr,
          "qv_ipc_roundtrip: %s\n"
          "usage: qv_ipc_roundtrip IN OUT [--to stream|file|json] [--compression none|lz4|zstd]\n"
          "       [--level N] [--alignment 8|64] [--slice OFFSET LENGTH] [--chunk N]\n"
          "       [--no-deltas] [--legacy] [--full-validation]\n",
          why);
  return 2;
}

static int parse_int(const char *s, int64_t *out) {
  char *end = NULL;
  long long v = strtoll(s, &end, 10);
  if (end == s || *end != '\0') return 0;
  *out = (int64_t)v;
  return 1;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int parse_args(int argc, char **argv, options *o) {
  qv_ipc_write_options wdef = QV_IPC_WRITE_OPTIONS_DEFAULT;
  qv_ipc_read_options rdef = QV_IPC_READ_OPTIONS_DEFAULT;
  int positional = 0;
  memset(o, 0, sizeof *o);
  o->write = wdef;
  o->read = rdef;
  o->to = TO_STREAM;
  o->slice_offset = -1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int64_t v = 0;
    if (strcmp(a, "--to") == 0 && i + 1 < argc) {
      const char *k = argv[++i];
      if (strcmp(k, "stream") == 0) o->to = TO_STREAM;
      else if (strcmp(k, "file") == 0) o->to = TO_FILE;
      else if (strcmp(k, "json") == 0) o->to = TO_JSON;
      else return usage("--to takes stream, file or json");
    } else if (strcmp(a, "--compression") == 0 && i + 1 < argc) {
      const char *k = argv[++i];
      if (strcmp(k, "none") == 0) o->write.compression = QV_IPC_COMPRESSION_NONE;
      else if (strcmp(k, "lz4") == 0) o->write.compression = QV_IPC_COMPRESSION_LZ4_FRAME;
      else if (strcmp(k, "zstd") == 0) o->write.compression = QV_IPC_COMPRESSION_ZSTD;
      else return usage("--compression takes none, lz4 or zstd");
    } else if (strcmp(a, "--level") == 0 && i + 1 < argc) {
      if (!parse_int(argv[++i], &v)) return usage("--level takes an integer");
      o->write.compression_level = (int32_t)v;
    } else if (strcmp(a, "--alignment") == 0 && i + 1 < argc) {
      if (!parse_int(argv[++i], &v)) return usage("--alignment takes 8 or 64");
      o->write.alignment = (int32_t)v;
    } else if (strcmp(a, "--slice") == 0 && i + 2 < argc) {
      if (!parse_int(argv[i + 1], &o->slice_offset) || !parse_int(argv[i + 2], &o->slice_length) ||
          o->slice_offset < 0 || o->slice_length < 0)
        return usage("--slice takes two non-negative integers");
      i += 2;
    } else if (strcmp(a, "--chunk") == 0 && i + 1 < argc) {
      if (!parse_int(argv[++i], &o->chunk) || o->chunk <= 0) return usage("--chunk takes a positive integer");
    } else if (strcmp(a, "--no-deltas") == 0) {
      o->write.disable_dictionary_deltas = true;
    } else if (strcmp(a, "--legacy") == 0) {
      o->write.legacy_framing = true;
    } else if (strcmp(a, "--full-validation") == 0) {
      o->read.full_validation = true;
    } else if (a[0] == '-' && a[1] == '-') {
      return usage("unknown option");
    } else if (positional == 0) {
      o->in = a;
      positional++;
    } else if (positional == 1) {
      o->out = a;
      positional++;
    } else {
      return usage("too many arguments");
    }
  }
  if (positional != 2) return usage("IN and OUT are required");
  return 0;
}

/* Appends a retained batch to a growing array. */
static qv_status push(qv_batch ***parts, int64_t *n, int64_t *cap, qv_batch *b, qv_error *err) {
  if (*n == *cap) {
    int64_t ncap = *cap ? *cap * 2 : 16;
    qv_batch **p = realloc(*parts, (size_t)ncap * sizeof *p);
    if (!p) {
      qv_batch_release(b);
      return qv_error_set(err, QV_ERR_NO_MEMORY, "reslice: out of memory");
    }
    *parts = p;
    *cap = ncap;
  }
  (*parts)[(*n)++] = b;
  return QV_OK;
}

/* Rows [offset, offset+length) of `t` (clamped to its end; offset -1 = all
 * rows), then every batch cut into pieces of at most `chunk` rows (0 = no
 * cut). Zero-copy. Empty batches survive only when no slice is asked for. */
static qv_status reslice(qv_table *t, int64_t offset, int64_t length, int64_t chunk, qv_table **out,
                         qv_error *err) {
  qv_status st = QV_OK;
  qv_batch **parts = NULL;
  int64_t n_parts = 0, cap = 0;
  int64_t start = 0; /* table row where batch b starts */
  int64_t lo = offset < 0 ? 0 : offset;
  int64_t hi = offset < 0 || length > t->n_rows - lo ? t->n_rows : lo + length;
  for (int64_t b = 0; b < t->n_batches && st == QV_OK; b++) {
    qv_batch *batch = t->batches[b];
    int64_t b_lo = lo > start ? lo - start : 0;
    int64_t b_hi = hi - start < batch->length ? hi - start : batch->length;
    start += batch->length;
    if (batch->length == 0 && offset < 0) {
      st = push(&parts, &n_parts, &cap, qv_batch_retain(batch), err);
      continue;
    }
    for (int64_t r = b_lo; r < b_hi && st == QV_OK;) {
      int64_t n = b_hi - r;
      qv_batch *piece = NULL;
      if (chunk > 0 && n > chunk) n = chunk;
      st = qv_batch_slice(batch, r, n, &piece, err);
      if (st == QV_OK) st = push(&parts, &n_parts, &cap, piece, err);
      r += n;
    }
  }
  if (st == QV_OK) st = qv_table_new(t->schema, parts, n_parts, out, err);
  for (int64_t i = 0; i < n_parts; i++) qv_batch_release(parts[i]);
  free(parts);
  return st;
}

int main(int argc, char **argv) {
  options o;
  qv_error err;
  qv_status st = QV_OK;
  qv_table *in = NULL, *t = NULL;
  int rc = parse_args(argc, argv, &o);
  if (rc != 0) return rc;
  memset(&err, 0, sizeof err);

  if (ends_with(o.in, ".json") || ends_with(o.in, ".json.gz"))
    st = qv_json_read_table_path(o.in, &in, &err);
  else
    st = qv_ipc_read_path(o.in, &o.read, &in, &err);
  if (st != QV_OK) goto done;

  if (o.slice_offset >= 0 || o.chunk > 0) {
    st = reslice(in, o.slice_offset, o.slice_length, o.chunk, &t, &err);
    if (st != QV_OK) goto done;
  } else {
    t = qv_table_retain(in);
  }

  switch (o.to) {
    case TO_STREAM: st = qv_ipc_write_path(o.out, QV_IPC_FORMAT_STREAM, t, &o.write, &err); break;
    case TO_FILE: st = qv_ipc_write_path(o.out, QV_IPC_FORMAT_FILE, t, &o.write, &err); break;
    case TO_JSON: {
      qv_json_write_options jo = QV_JSON_WRITE_OPTIONS_DEFAULT;
      st = qv_json_write_table_path(o.out, t, &jo, &err);
      break;
    }
  }

done:
  qv_table_release(t);
  qv_table_release(in);
  if (st != QV_OK) {
    fprintf(stderr, "qv_ipc_roundtrip: %s: %s\n", qv_status_name(st), err.message);
    return 1;
  }
  return 0;
}
