/* quiver CLI: the input side. Detects the format from the first bytes and
 * hands out the schema, then the batches one at a time.
 *
 * How each input is read, so that inputs larger than memory work:
 *   IPC stream, regular file   qv_ipc_stream_reader over the mmap'd path
 *                              (or over the fd for a redirected stdin);
 *   IPC stream, pipe           the push decoder fed 1 MiB reads (the bytes
 *                              peeked for detection are fed first), so only
 *                              the batch in hand is in memory;
 *   IPC file, regular file     qv_ipc_file_reader over the mmap'd file;
 *   IPC file, pipe             read whole into memory (a file needs its
 *                              footer, at the end, before anything else);
 *   JSON                       read whole (it is a test format), at most
 *                              --max-json-bytes of it;
 *   CSV / TSV, pipe or file    qv_csv_reader over the fd: batches of 1 MiB
 *   larger than 256 MiB        blocks, types inferred from the first blocks
 *                              (a later misfit is an error naming its line);
 *   CSV / TSV, smaller file    read whole (types from all values);
 *   JSON Lines                 read whole;
 *                              CSV/TSV/JSON Lines are chosen by --from or
 *                              by a name ending in .csv / .tsv / .jsonl /
 *                              .ndjson, never by content;
 *   Parquet, regular file      qv_parquet_file over the mmap'd file, one
 *                              batch per row group read on demand (so only
 *                              one row group is in memory);
 *   Parquet, pipe              read whole into memory (the footer is at the
 *                              end), then the same.
 * A stream that ends at a message boundary without its end-of-stream
 * marker is legal but is also what a producer that died between two
 * messages leaves, so the end of such a stream is reported: a warning on
 * stderr with the byte offset and the rows read, or an error with --strict.
 * A mapped input that another process truncates raises SIGBUS on the next
 * access; signals.c turns that into an error naming the input (the path
 * is registered here).
 * Invariant: exactly one of stream / dec / file / table / pq / csv is set once open
 * succeeds, and `schema` holds a reference to the input's schema.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define PEEK_MAX 64
#define CHUNK (1 << 20)

struct cli_source {
  cli_in_format format;
  bool legacy;  /* stream in the pre-0.15 framing */
  bool gzip;    /* gzip-compressed JSON */
  char csv_delimiter; /* CSV: ',' or '\t' */
  int fd;
  bool own_fd;
  int64_t size; /* regular files: bytes; else -1 */
  qv_schema *schema;
  cli_input_options opts;
  const char *display; /* the input's name in messages */
  int64_t rows, batches; /* handed out so far */
  bool end_checked;

  qv_ipc_stream_reader *stream;
  qv_ipc_decoder *dec;
  bool dec_eof;     /* read() returned 0 */
  bool dec_ended;   /* end reported */
  uint8_t *chunk;

  qv_ipc_file_reader *file;
  qv_table *table;
  qv_parquet_file *pq;
  qv_csv_reader *csv; /* a streamed CSV input */
  qv_buffer *pq_bytes; /* a piped Parquet input, read whole (pq borrows it) */
  int64_t next;     /* file / table: next batch index */
};

static bool is_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Reads into p[*n, cap) until `want` bytes are there or the input ends. */
static qv_status read_some(int fd, uint8_t *p, size_t cap, size_t want, size_t *n, bool *eof, qv_error *err) {
  while (*n < want && *n < cap) {
    ssize_t got = read(fd, p + *n, cap - *n);
    if (got < 0) {
      if (errno == EINTR) continue;
      return qv_error_set(err, QV_ERR_IO, "read failed at byte %zu: %s", *n, strerror(errno));
    }
    if (got == 0) {
      *eof = true;
      break;
    }
    *n += (size_t)got;
  }
  return QV_OK;
}

/* The whole rest of `fd`, after `prefix`, in one owned buffer of at most
 * `max` bytes (QV_ERR_LIMIT past it, naming `option`). The size read so far
 * is recorded in the buffer before each growth: qv_buffer_reserve keeps
 * only [0, size) and zeroes the rest. */
static qv_status read_all(int fd, const uint8_t *prefix, size_t n_prefix, bool eof, int64_t max, const char *option,
                          qv_buffer **out, qv_error *err) {
  qv_buffer *buf = NULL;
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, CHUNK, false, &buf, err));
  memcpy(buf->data, prefix, n_prefix);
  int64_t size = (int64_t)n_prefix;
  qv_status st = QV_OK;
  while (!eof) {
    if (size > max) {
      st = qv_error_set(err, QV_ERR_LIMIT, "the input is larger than the limit of %lld bytes (%s)", (long long)max,
                        option);
      break;
    }
    if (buf->capacity - size < CHUNK / 4) {
      qv_buffer_set_size(buf, size);
      st = qv_buffer_reserve(buf, buf->capacity * 2, err);
      if (st != QV_OK) break;
    }
    int64_t room = buf->capacity - size;
    if (room > max - size + 1) room = max - size + 1; /* one byte past max tells "too large" */
    ssize_t got = read(fd, buf->data + size, (size_t)room);
    if (got < 0) {
      if (errno == EINTR) continue;
      st = qv_error_set(err, QV_ERR_IO, "read failed at byte %lld: %s", (long long)size, strerror(errno));
      break;
    }
    if (got == 0) break;
    size += got;
  }
  if (st != QV_OK) {
    qv_buffer_release(buf);
    return st;
  }
  qv_buffer_set_size(buf, size);
  *out = buf;
  return QV_OK;
}

static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Decides the format from the first bytes; `complete` says p holds the
 * whole input (so a short prefix is all there is). */
static qv_status detect(cli_source *s, const uint8_t *p, size_t n, bool complete, const qv_ipc_read_options *o,
                        qv_error *err) {
  if (n == 0) return qv_error_set(err, QV_ERR_TRUNCATED, "the input is empty (0 bytes)");
  if (n >= 6 && memcmp(p, "ARROW1", 6) == 0) {
    s->format = CLI_IN_FILE;
    return QV_OK;
  }
  if (n >= 4 && (memcmp(p, "PAR1", 4) == 0 || memcmp(p, "PARE", 4) == 0)) { /* PARE: encrypted footer */
    s->format = CLI_IN_PARQUET;
    return QV_OK;
  }
  if (n >= 4 && le32(p) == 0xFFFFFFFFu) {
    s->format = CLI_IN_STREAM;
    return QV_OK;
  }
  if (n >= 2 && p[0] == 0x1F && p[1] == 0x8B) {
    s->format = CLI_IN_JSON;
    s->gzip = true;
    return QV_OK;
  }
  size_t i = (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) ? 3 : 0; /* UTF-8 BOM */
  while (i < n && is_space(p[i])) i++;
  if ((i < n && p[i] == '{') || (i == n && !complete)) { /* '{', or white space so far */
    s->format = CLI_IN_JSON;
    return QV_OK;
  }
  /* Pre-0.15 framing: int32 metadata length, then the Message flatbuffer,
   * whose first uint32 (the root table offset) points inside it. */
  if (n >= 8) {
    uint32_t len = le32(p), root = le32(p + 4);
    int64_t max_md = o && o->max_metadata_size > 0 ? o->max_metadata_size : QV_IPC_DEFAULT_MAX_METADATA;
    if (len >= 8 && len <= (uint64_t)max_md && root >= 4 && root < len) {
      s->format = CLI_IN_STREAM;
      s->legacy = true;
      return QV_OK;
    }
  }
  char hex[3 * 8 + 1] = {0};
  for (size_t k = 0; k < n && k < 8; k++) snprintf(hex + 3 * k, 4, "%02X ", p[k]);
  if (n > 0) hex[3 * (n < 8 ? n : 8) - 1] = '\0';
  const char *foreign = qv_ipc_foreign_format(p, n);
  return qv_error_set(err, QV_ERR_INVALID_DATA,
                      "not an Arrow IPC stream, IPC file, integration JSON or Parquet file%s%s%s (first bytes: %s)",
                      complete && n < 8 ? " (input too short)" : "", foreign ? ": it looks like " : "",
                      foreign ? foreign : "", hex);
}

/* Pipes: pops decoder events, reading more input as needed, until a
 * batch (*out), the schema (when want_schema) or the end (*out NULL). */
static qv_status pump(cli_source *s, bool want_schema, qv_batch **out, qv_error *err) {
  *out = NULL;
  for (;;) {
    qv_ipc_event ev;
    QV_RETURN_IF_ERROR(qv_ipc_decoder_next(s->dec, &ev, err));
    if (ev.kind == QV_IPC_EVENT_SCHEMA && want_schema) return QV_OK;
    if (ev.kind == QV_IPC_EVENT_BATCH) {
      *out = ev.batch;
      return QV_OK;
    }
    if (ev.kind == QV_IPC_EVENT_EOS) {
      s->dec_ended = true;
      return QV_OK;
    }
    if (ev.kind != QV_IPC_EVENT_NONE) continue;
    if (s->dec_eof) {
      /* Clean end without EOS (allowed unless require_eos) or an error. */
      QV_RETURN_IF_ERROR(qv_ipc_decoder_finish(s->dec, err));
      s->dec_ended = true;
      return QV_OK;
    }
    ssize_t got = read(s->fd, s->chunk, CHUNK);
    if (got < 0) {
      if (errno == EINTR) continue;
      return qv_error_set(err, QV_ERR_IO, "read failed at stream byte %lld: %s",
                          (long long)qv_ipc_decoder_position(s->dec), strerror(errno));
    }
    if (got == 0)
      s->dec_eof = true;
    else
      QV_RETURN_IF_ERROR(qv_ipc_decoder_feed(s->dec, s->chunk, (size_t)got, err));
  }
}

static qv_status open_pipe_stream(cli_source *s, const uint8_t *peek, size_t n, bool eof,
                                  const qv_ipc_read_options *opts, qv_error *err) {
  s->dec_eof = eof;
  s->chunk = malloc(CHUNK);
  if (s->chunk == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "cannot allocate a %d-byte read buffer", CHUNK);
  QV_RETURN_IF_ERROR(qv_ipc_decoder_new(opts, &s->dec, err));
  QV_RETURN_IF_ERROR(qv_ipc_decoder_feed(s->dec, peek, n, err));
  qv_batch *none = NULL;
  QV_RETURN_IF_ERROR(pump(s, true, &none, err));
  qv_batch_release(none); /* cannot happen: a batch before the schema is an error */
  if (qv_ipc_decoder_schema(s->dec) == NULL)
    return qv_error_set(err, QV_ERR_TRUNCATED, "the stream ended before its Schema message");
  s->schema = qv_schema_retain(qv_ipc_decoder_schema(s->dec));
  return QV_OK;
}

static qv_status open_json(cli_source *s, const char *path, bool regular, const uint8_t *peek, size_t n,
                           bool eof, qv_error *err) {
  const qv_json_read_options *jo = &s->opts.json;
  if (regular && strcmp(path, "-") != 0) {
    QV_RETURN_IF_ERROR(qv_json_read_table_path_opts(path, jo, &s->table, err));
  } else {
    qv_buffer *all = NULL;
    int64_t max = jo->max_input_size > 0 ? jo->max_input_size : QV_JSON_DEFAULT_MAX_INPUT;
    /* A regular stdin was peeked with pread: its offset has not moved, so
     * the peeked bytes are read again rather than prepended. */
    if (regular) n = 0, eof = false;
    QV_RETURN_IF_ERROR(read_all(s->fd, peek, n, eof, max, "option --max-json-bytes", &all, err));
    qv_status st = qv_json_read_table_memory_opts(all->data, (size_t)all->size, jo, &s->table, err);
    qv_buffer_release(all);
    QV_RETURN_IF_ERROR(st);
  }
  s->schema = qv_schema_retain(s->table->schema);
  return QV_OK;
}

static bool ends_with(const char *s, const char *suffix) {
  const size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* ',' / '\t' when the input is CSV / TSV by --from or by its name, else 0. */
static char csv_delimiter_for(const char *path, const cli_input_options *o) {
  if (o->csv_delimiter) return o->csv_delimiter;
  if (ends_with(path, ".csv")) return ',';
  if (ends_with(path, ".tsv")) return '\t';
  return 0;
}

/* Regular CSV files up to this size are read whole (each column's type
 * from all its values); pipes and larger files are streamed. */
#define CSV_WHOLE_MAX ((int64_t)256 << 20)

static qv_status open_csv(cli_source *s, const char *path, qv_error *err) {
  qv_csv_read_options co = s->opts.csv; /* --no-header, --null-value, --column-type, --block-size */
  co.delimiter = s->csv_delimiter;
  if (s->size < 0 || s->size > CSV_WHOLE_MAX) {
    /* bounded memory: batches of 1 MiB blocks, types from the first ones */
    QV_RETURN_IF_ERROR(qv_csv_reader_open_fd(s->fd, &co, &s->csv, err));
    s->schema = qv_schema_retain(qv_csv_reader_schema(s->csv));
    return QV_OK;
  }
  if (strcmp(path, "-") != 0) QV_RETURN_IF_ERROR(qv_csv_read_path(path, &co, &s->table, err));
  else QV_RETURN_IF_ERROR(qv_csv_read_fd(s->fd, &co, &s->table, err));
  s->schema = qv_schema_retain(s->table->schema);
  return QV_OK;
}

static bool is_jsonl(const char *path, const cli_input_options *o) {
  return o->jsonl || (!o->csv_delimiter && (ends_with(path, ".jsonl") || ends_with(path, ".ndjson")));
}

static qv_status open_jsonl(cli_source *s, const char *path, qv_error *err) {
  if (strcmp(path, "-") != 0) QV_RETURN_IF_ERROR(qv_jsonl_read_path(path, NULL, &s->table, err));
  else QV_RETURN_IF_ERROR(qv_jsonl_read_fd(s->fd, NULL, &s->table, err));
  s->schema = qv_schema_retain(s->table->schema);
  return QV_OK;
}

static qv_status open_detected(cli_source *s, const char *path, bool regular, const uint8_t *peek, size_t n,
                               bool eof, const qv_ipc_read_options *opts, qv_error *err) {
  const bool named = strcmp(path, "-") != 0;
  switch (s->format) {
    case CLI_IN_STREAM:
      if (!regular) return open_pipe_stream(s, peek, n, eof, opts, err);
      if (named)
        QV_RETURN_IF_ERROR(qv_ipc_stream_reader_open_path(path, opts, &s->stream, err));
      else
        QV_RETURN_IF_ERROR(qv_ipc_stream_reader_open_fd(s->fd, opts, &s->stream, err));
      s->schema = qv_schema_retain(qv_ipc_stream_reader_schema(s->stream));
      return QV_OK;
    case CLI_IN_FILE:
      if (regular && named) {
        QV_RETURN_IF_ERROR(qv_ipc_file_reader_open_path(path, opts, &s->file, err));
      } else if (regular) {
        QV_RETURN_IF_ERROR(qv_ipc_file_reader_open_fd(s->fd, opts, &s->file, err));
      } else {
        qv_buffer *all = NULL;
        QV_RETURN_IF_ERROR(read_all(s->fd, peek, n, eof, INT64_MAX - 1, "", &all, err));
        qv_status st = qv_ipc_file_reader_open_buffer(all, opts, &s->file, err);
        qv_buffer_release(all);
        QV_RETURN_IF_ERROR(st);
      }
      s->schema = qv_schema_retain(qv_ipc_file_reader_schema(s->file));
      return QV_OK;
    case CLI_IN_JSON:
      return open_json(s, path, regular, peek, n, eof, err);
    case CLI_IN_CSV:
      return open_csv(s, path, err);
    case CLI_IN_JSONL:
      return open_jsonl(s, path, err);
    case CLI_IN_PARQUET:
      if (regular && named) {
        QV_RETURN_IF_ERROR(qv_parquet_open_path(path, NULL, &s->pq, err));
      } else {
        if (regular) n = 0, eof = false; /* peeked with pread: the offset has not moved */
        QV_RETURN_IF_ERROR(read_all(s->fd, peek, n, eof, INT64_MAX - 1, "", &s->pq_bytes, err));
        QV_RETURN_IF_ERROR(qv_parquet_open_memory(s->pq_bytes->data, (size_t)s->pq_bytes->size, NULL, &s->pq, err));
      }
      s->schema = qv_schema_retain((qv_schema *)qv_parquet_file_schema(s->pq));
      return QV_OK;
  }
  return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "unknown input format");
}

qv_status cli_source_open(const char *path, const cli_input_options *in_opts, cli_source **out, qv_error *err) {
  *out = NULL;
  cli_source *s = calloc(1, sizeof *s);
  if (s == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory");
  s->fd = -1;
  s->size = -1;
  if (in_opts) {
    s->opts = *in_opts;
  } else {
    const qv_ipc_read_options ipc = QV_IPC_READ_OPTIONS_DEFAULT;
    s->opts.ipc = ipc;
  }
  const qv_ipc_read_options *opts = &s->opts.ipc;
  s->display = cli_display_name(path, false);
  qv_status st = QV_OK;
  uint8_t peek[PEEK_MAX];
  size_t n = 0;
  bool eof = false, regular = false;
  if (strcmp(path, "-") == 0) {
    s->fd = STDIN_FILENO;
  } else {
    s->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0) {
      int e = errno;
      st = qv_error_set(err, e == ENOENT ? QV_ERR_NOT_FOUND : QV_ERR_IO, "cannot open: %s", strerror(e));
      goto done;
    }
    s->own_fd = true;
  }
  struct stat sb;
  if (fstat(s->fd, &sb) != 0) {
    st = qv_error_set(err, QV_ERR_IO, "cannot stat: %s", strerror(errno));
    goto done;
  }
  if (S_ISDIR(sb.st_mode)) {
    st = qv_error_set(err, QV_ERR_IO, "is a directory");
    goto done;
  }
  regular = S_ISREG(sb.st_mode);
  if (is_jsonl(path, &s->opts)) {
    s->format = CLI_IN_JSONL;
    if (regular) s->size = (int64_t)sb.st_size;
    st = open_jsonl(s, path, err);
    goto done;
  }
  s->csv_delimiter = csv_delimiter_for(path, &s->opts);
  if (s->csv_delimiter) {
    s->format = CLI_IN_CSV;
    if (regular) s->size = (int64_t)sb.st_size;
    st = open_csv(s, path, err);
    goto done;
  }
  if (regular) {
    cli_signals_set_input(s->display); /* it will be mapped */
    off_t base = lseek(s->fd, 0, SEEK_CUR);
    if (base < 0) base = 0;
    s->size = (int64_t)sb.st_size - (int64_t)base;
    ssize_t got = pread(s->fd, peek, PEEK_MAX, base);
    if (got < 0) {
      st = qv_error_set(err, QV_ERR_IO, "read failed: %s", strerror(errno));
      goto done;
    }
    n = (size_t)got;
    eof = n < PEEK_MAX;
  } else {
    st = read_some(s->fd, peek, PEEK_MAX, 8, &n, &eof, err);
    if (st != QV_OK) goto done;
  }
  st = detect(s, peek, n, eof, opts, err);
  if (st == QV_OK) st = open_detected(s, path, regular, peek, n, eof, opts, err);
done:
  if (st != QV_OK) {
    cli_source_free(s);
    return st;
  }
  *out = s;
  cli_test_pause("input");
  return QV_OK;
}

qv_schema *cli_source_schema(const cli_source *s) { return s->schema; }
cli_in_format cli_source_format(const cli_source *s) { return s->format; }
int64_t cli_source_size(const cli_source *s) { return s->size; }

const char *cli_source_format_name(const cli_source *s) {
  switch (s->format) {
    case CLI_IN_STREAM:
      return s->legacy ? "IPC stream (legacy framing)" : "IPC stream";
    case CLI_IN_FILE:
      return "IPC file";
    case CLI_IN_JSON:
      return s->gzip ? "JSON (gzip)" : "JSON";
    case CLI_IN_CSV:
      return s->csv_delimiter == '\t' ? "TSV" : "CSV";
    case CLI_IN_JSONL:
      return "JSON Lines";
    case CLI_IN_PARQUET:
      return "Parquet";
  }
  return "?";
}

int64_t cli_source_num_batches(const cli_source *s) {
  if (s->file) return qv_ipc_file_reader_num_batches(s->file);
  if (s->table) return s->table->n_batches;
  if (s->pq) return qv_parquet_file_num_row_groups(s->pq);
  return -1;
}

bool cli_source_seek(cli_source *s, int64_t index) {
  if (s->file == NULL && s->table == NULL && s->pq == NULL) return false;
  s->next = index < 0 ? 0 : index;
  return true;
}

/* At the end of a stream: was the end-of-stream marker there? */
static qv_status check_end(cli_source *s, qv_error *err) {
  if (s->end_checked) return QV_OK;
  s->end_checked = true;
  bool missing = s->stream ? qv_ipc_stream_reader_eos_missing(s->stream) : !qv_ipc_decoder_done(s->dec);
  if (!missing) return QV_OK;
  int64_t at = s->stream ? qv_ipc_stream_reader_position(s->stream) : qv_ipc_decoder_position(s->dec);
  if (s->opts.strict)
    return qv_error_set(err, QV_ERR_TRUNCATED,
                        "the stream ends at byte %lld, after %lld rows in %lld batches, without its end-of-stream "
                        "marker (--strict)",
                        (long long)at, (long long)s->rows, (long long)s->batches);
  fprintf(stderr,
          "quiver %s: %s: warning: the stream ends at byte %lld, after %lld rows in %lld batches, without its "
          "end-of-stream marker (a writer that stopped early leaves this; --strict makes it an error)\n",
          s->opts.command ? s->opts.command : "", s->display, (long long)at, (long long)s->rows,
          (long long)s->batches);
  return QV_OK;
}

static qv_status next_batch(cli_source *s, qv_batch **out, qv_error *err) {
  if (s->csv) return qv_csv_reader_next(s->csv, out, err);
  if (s->stream) {
    QV_RETURN_IF_ERROR(qv_ipc_stream_reader_next(s->stream, out, err));
    return *out ? QV_OK : check_end(s, err);
  }
  if (s->dec) {
    if (!s->dec_ended) QV_RETURN_IF_ERROR(pump(s, false, out, err));
    return *out ? QV_OK : check_end(s, err);
  }
  if (s->file) {
    if (s->next >= qv_ipc_file_reader_num_batches(s->file)) return QV_OK;
    QV_RETURN_IF_ERROR(qv_ipc_file_reader_read_batch(s->file, s->next, out, err));
    s->next++;
    return QV_OK;
  }
  if (s->pq) {
    if (s->next >= qv_parquet_file_num_row_groups(s->pq)) return QV_OK;
    QV_RETURN_IF_ERROR(qv_parquet_file_read_row_group(s->pq, (int32_t)s->next, NULL, 0, out, err));
    s->next++;
    return QV_OK;
  }
  if (s->table && s->next < s->table->n_batches) *out = qv_batch_retain(s->table->batches[s->next++]);
  return QV_OK;
}

qv_status cli_source_next(cli_source *s, qv_batch **out, qv_error *err) {
  *out = NULL;
  QV_RETURN_IF_ERROR(next_batch(s, out, err));
  if (*out) {
    s->rows += (*out)->length;
    s->batches++;
  }
  return QV_OK;
}

void cli_source_free(cli_source *s) {
  if (s == NULL) return;
  qv_schema_release(s->schema);
  qv_ipc_stream_reader_free(s->stream);
  qv_ipc_decoder_free(s->dec);
  qv_ipc_file_reader_free(s->file);
  qv_table_release(s->table);
  qv_parquet_file_close(s->pq);
  qv_csv_reader_free(s->csv);
  qv_buffer_release(s->pq_bytes);
  free(s->chunk);
  if (s->own_fd) close(s->fd);
  free(s);
}
