/* quiver CLI: the output side: an IPC stream, an IPC file, integration
 * JSON, CSV/TSV, JSON Lines or Parquet, at a path (written atomically by the library: a temporary file
 * renamed into place at close) or on stdout ("-"). A path that names
 * something other than a regular file (a FIFO, /dev/stdout, a process
 * substitution's /dev/fd/N) is opened and written in place, like stdout.
 *
 * IPC outputs stream: each batch is written as it comes and not kept.
 * Parquet output keeps batches only until a row group is full (the
 * library's streaming writer), then writes it.
 * JSON and CSV are written as one document (the library's writers take a
 * table), so their batches are retained and the text is written at close. Batches longer than batch_size rows are cut
 * into zero-copy slices first.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

struct cli_sink {
  cli_out_format format;
  char *path;        /* regular-file output, written atomically; else NULL */
  int fd;            /* otherwise: the fd written in place (stdout, a FIFO...) */
  bool own_fd;
  bool gzip;         /* JSON written in place: the name ends in .gz */
  int64_t batch_size;
  qv_schema *schema;
  qv_ipc_writer *writer;   /* IPC */
  qv_parquet_writer *pq;   /* Parquet */
  qv_batch **batches;      /* JSON, CSV: retained batches */
  int64_t n_batches, cap_batches;
  int64_t json_bytes;       /* JSON, CSV written in place: bytes */
  bool wrote;              /* a batch went out (for cli_test_pause) */
};

bool cli_parse_out_format(const char *s, cli_out_format *out) {
  if (strcmp(s, "stream") == 0) *out = CLI_OUT_STREAM;
  else if (strcmp(s, "file") == 0) *out = CLI_OUT_FILE;
  else if (strcmp(s, "arrow-json") == 0 || strcmp(s, "json") == 0) *out = CLI_OUT_JSON;
  else if (strcmp(s, "jsonl") == 0 || strcmp(s, "ndjson") == 0) *out = CLI_OUT_JSONL;
  else if (strcmp(s, "csv") == 0) *out = CLI_OUT_CSV;
  else if (strcmp(s, "tsv") == 0) *out = CLI_OUT_TSV;
  else if (strcmp(s, "parquet") == 0) *out = CLI_OUT_PARQUET;
  else return false;
  return true;
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

bool cli_out_format_from_path(const char *path, cli_out_format *out) {
  struct stat sb;
  if (ends_with(path, ".arrow") || ends_with(path, ".feather") || ends_with(path, ".ipc") ||
      ends_with(path, ".arrow_file"))
    *out = CLI_OUT_FILE;
  else if (ends_with(path, ".json") || ends_with(path, ".json.gz"))
    *out = CLI_OUT_JSON;
  else if (ends_with(path, ".csv"))
    *out = CLI_OUT_CSV;
  else if (ends_with(path, ".tsv"))
    *out = CLI_OUT_TSV;
  else if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson"))
    *out = CLI_OUT_JSONL;
  else if (ends_with(path, ".parquet"))
    *out = CLI_OUT_PARQUET;
  else if (ends_with(path, ".arrows") || ends_with(path, ".stream") || strcmp(path, "-") == 0 ||
           (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode)))
    *out = CLI_OUT_STREAM;
  else
    return false;
  return true;
}

bool cli_parse_compression(const char *s, qv_ipc_compression *out) {
  if (strcmp(s, "lz4") == 0 || strcmp(s, "lz4_frame") == 0) *out = QV_IPC_COMPRESSION_LZ4_FRAME;
  else if (strcmp(s, "zstd") == 0) *out = QV_IPC_COMPRESSION_ZSTD;
  else if (strcmp(s, "none") == 0) *out = QV_IPC_COMPRESSION_NONE;
  else return false;
  return true;
}

bool cli_parse_parquet_compression(const char *s, qv_parquet_compression *out) {
  static const struct {
    const char *name;
    qv_parquet_compression codec;
  } names[] = {{"none", QV_PARQUET_UNCOMPRESSED}, {"snappy", QV_PARQUET_SNAPPY}, {"gzip", QV_PARQUET_GZIP},
               {"brotli", QV_PARQUET_BROTLI},     {"zstd", QV_PARQUET_ZSTD},     {"lz4", QV_PARQUET_LZ4_RAW},
               {"lz4_raw", QV_PARQUET_LZ4_RAW}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (strcmp(s, names[i].name) == 0) {
      *out = names[i].codec;
      return true;
    }
  }
  return false;
}

/* Text formats written whole at close rather than batch by batch. */
static bool is_document(cli_out_format f) {
  return f == CLI_OUT_JSON || f == CLI_OUT_CSV || f == CLI_OUT_TSV || f == CLI_OUT_JSONL;
}

bool cli_binary_to_terminal(const char *path, cli_out_format format) {
  return !is_document(format) && strcmp(path, "-") == 0 && isatty(STDOUT_FILENO);
}

qv_status cli_sink_open(const char *path, cli_out_format format, const qv_ipc_write_options *ipc,
                        const qv_parquet_write_options *parquet, int64_t batch_size, qv_schema *schema,
                        cli_sink **out, qv_error *err) {
  *out = NULL;
  cli_sink *s = calloc(1, sizeof *s);
  if (s == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory");
  s->format = format;
  s->batch_size = batch_size;
  s->schema = qv_schema_retain(schema);
  s->fd = STDOUT_FILENO;
  s->gzip = ends_with(path, ".gz");
  qv_status st = QV_OK;
  struct stat sb;
  if (strcmp(path, "-") == 0) {
    /* stdout */
  } else if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode)) {
    s->fd = open(path, O_WRONLY | O_CLOEXEC);
    if (s->fd < 0) st = qv_error_set(err, QV_ERR_IO, "cannot open for writing: %s", strerror(errno));
    s->own_fd = s->fd >= 0;
  } else {
    s->path = strdup(path);
    if (s->path == NULL) st = qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory");
  }
  if (st == QV_OK && format == CLI_OUT_PARQUET) {
    if (s->path)
      st = qv_parquet_writer_open_path(s->path, schema, parquet, &s->pq, err);
    else
      st = qv_parquet_writer_open_fd(s->fd, schema, parquet, &s->pq, err);
  } else if (st == QV_OK && !is_document(format)) {
    qv_ipc_format f = format == CLI_OUT_FILE ? QV_IPC_FORMAT_FILE : QV_IPC_FORMAT_STREAM;
    if (s->path)
      st = qv_ipc_writer_open_path(s->path, f, schema, ipc, &s->writer, err);
    else
      st = qv_ipc_writer_open_fd(s->fd, f, schema, ipc, &s->writer, err);
  }
  if (st != QV_OK) {
    cli_sink_free(s);
    return st;
  }
  *out = s;
  return QV_OK;
}

static qv_status write_one(cli_sink *s, qv_batch *batch, qv_error *err) {
  if (s->format == CLI_OUT_PARQUET) {
    QV_RETURN_IF_ERROR(qv_parquet_writer_write_batch(s->pq, batch, err));
    if (!s->wrote) cli_test_pause("output");
    s->wrote = true;
    return QV_OK;
  }
  if (!is_document(s->format)) {
    QV_RETURN_IF_ERROR(qv_ipc_writer_write_batch(s->writer, batch, err));
    if (!s->wrote) cli_test_pause("output");
    s->wrote = true;
    return QV_OK;
  }
  if (s->n_batches == s->cap_batches) {
    int64_t cap = s->cap_batches ? 2 * s->cap_batches : 16;
    qv_batch **grown = realloc(s->batches, (size_t)cap * sizeof *grown);
    if (grown == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory holding %lld batches",
                                           (long long)cap);
    s->batches = grown;
    s->cap_batches = cap;
  }
  s->batches[s->n_batches++] = qv_batch_retain(batch);
  return QV_OK;
}

qv_status cli_sink_write(cli_sink *s, qv_batch *batch, qv_error *err) {
  if (s->batch_size <= 0 || batch->length <= s->batch_size) return write_one(s, batch, err);
  qv_status st = QV_OK;
  for (int64_t off = 0; st == QV_OK && off < batch->length; off += s->batch_size) {
    int64_t len = batch->length - off < s->batch_size ? batch->length - off : s->batch_size;
    qv_batch *piece = NULL;
    st = qv_batch_slice(batch, off, len, &piece, err);
    if (st == QV_OK) st = write_one(s, piece, err);
    qv_batch_release(piece);
  }
  return st;
}

static qv_status write_all(int fd, const char *data, size_t n, qv_error *err) {
  size_t done = 0;
  while (done < n) {
    ssize_t w = write(fd, data + done, n - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      return qv_error_set(err, QV_ERR_IO, "write failed after %zu bytes: %s", done, strerror(errno));
    }
    done += (size_t)w;
  }
  return QV_OK;
}

static qv_status close_json(cli_sink *s, qv_error *err) {
  qv_table *table = NULL;
  QV_RETURN_IF_ERROR(qv_table_new(s->schema, s->batches, s->n_batches, &table, err));
  qv_status st;
  if (s->path) {
    st = qv_json_write_table_path(s->path, table, NULL, err);
  } else {
    char *text = NULL;
    size_t size = 0;
    qv_json_write_options jo = QV_JSON_WRITE_OPTIONS_DEFAULT;
    jo.gzip = s->gzip;
    st = qv_json_write_table_memory(table, &jo, &text, &size, err);
    if (st == QV_OK) st = write_all(s->fd, text, size, err);
    if (st == QV_OK && !s->gzip && (size == 0 || text[size - 1] != '\n')) st = write_all(s->fd, "\n", 1, err);
    s->json_bytes = (int64_t)size;
    qv_json_free(text);
  }
  qv_table_release(table);
  return st;
}

static qv_status close_csv(cli_sink *s, qv_error *err) {
  qv_table *table = NULL;
  QV_RETURN_IF_ERROR(qv_table_new(s->schema, s->batches, s->n_batches, &table, err));
  qv_csv_write_options co = QV_CSV_WRITE_OPTIONS_DEFAULT;
  co.delimiter = s->format == CLI_OUT_TSV ? '\t' : ',';
  qv_status st;
  if (s->path) {
    st = qv_csv_write_table_path(s->path, table, &co, err);
  } else {
    char *text = NULL;
    size_t size = 0;
    st = qv_csv_write_table_memory(table, &co, &text, &size, err);
    if (st == QV_OK) st = write_all(s->fd, text, size, err);
    s->json_bytes = (int64_t)size;
    qv_csv_free(text);
  }
  qv_table_release(table);
  return st;
}

static qv_status close_jsonl(cli_sink *s, qv_error *err) {
  qv_table *table = NULL;
  QV_RETURN_IF_ERROR(qv_table_new(s->schema, s->batches, s->n_batches, &table, err));
  qv_status st;
  if (s->path) {
    st = qv_jsonl_write_table_path(s->path, table, err);
  } else {
    char *text = NULL;
    size_t size = 0;
    st = qv_jsonl_write_table_memory(table, &text, &size, err);
    if (st == QV_OK) st = write_all(s->fd, text, size, err);
    s->json_bytes = (int64_t)size;
    qv_jsonl_free(text);
  }
  qv_table_release(table);
  return st;
}

qv_status cli_sink_close(cli_sink *s, qv_error *err) {
  if (s->format == CLI_OUT_JSONL) return close_jsonl(s, err);
  if (s->format == CLI_OUT_JSON) return close_json(s, err);
  if (s->format == CLI_OUT_CSV || s->format == CLI_OUT_TSV) return close_csv(s, err);
  if (s->format == CLI_OUT_PARQUET) return qv_parquet_writer_close(s->pq, err);
  return qv_ipc_writer_close(s->writer, err);
}

int64_t cli_sink_bytes(const cli_sink *s) {
  if (s->pq) return qv_parquet_writer_bytes(s->pq);
  return s->writer ? qv_ipc_writer_position(s->writer) : s->json_bytes;
}

void cli_sink_free(cli_sink *s) {
  if (s == NULL) return;
  qv_ipc_writer_free(s->writer);
  qv_parquet_writer_free(s->pq);
  for (int64_t i = 0; i < s->n_batches; i++) qv_batch_release(s->batches[i]);
  free(s->batches);
  qv_schema_release(s->schema);
  free(s->path);
  if (s->own_fd) close(s->fd);
  free(s);
}
