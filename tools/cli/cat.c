/* quiver cat: the table's rows (rows.c: an aligned table on a terminal,
 * CSV or JSON Lines into a pipe; --format chooses), or with --format arrow
 * the pyarrow-like print of print.h (header, schema, then one line per
 * column), described below.
 *
 * --tail N keeps only the last N rows in a queue of batches while reading
 * (memory: the batches those rows live in).
 *
 * --head N reads only as many batches as the first N rows need and prints
 * all of them. Without it the print is windowed like pyarrow (the first and
 * last rows of the first and last batches, "..." between), and cat keeps
 * only the batches the window shows: the first W, the last W in a ring, and
 * one from the middle, which stands for "..." (print.h elides the middle as
 * soon as a table has more than 2 x W batches, W = max_container_rows). So
 * a stream larger than memory prints in bounded memory. Random-access
 * inputs (IPC files) skip the batches the window drops without reading
 * them. The text goes through escape.c's filter, so names and values from
 * the file cannot send control sequences to the terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "query.h"
#include "quiver/compute.h"

static const char cat_help[] =
    "Usage: quiver cat FILE [--format table|csv|jsonl|arrow] [--head N | --tail N]\n"
    "                       [--columns a,b] [--where EXPR] [--sort COL[:desc]] [--limit N]\n"
    "                       [--all] [--strict]\n"
    "\n"
    "Prints the rows of the table in FILE (- = stdin). FILE may be an Arrow IPC\n"
    "stream or file (compressed or not) or integration JSON (.json or .json.gz),\n"
    "detected from the bytes, or CSV/TSV/JSON Lines (by name or --from).\n"
    "\n"
    "Options:\n"
    "  --format F         table: aligned columns under a header (the default on a\n"
    "                     terminal; the first and last 10 rows unless --all, --head\n"
    "                     or --tail); csv or jsonl (the default into a pipe: CSV,\n"
    "                     or JSON Lines when a column is nested or binary); arrow:\n"
    "                     the schema, then each column's values (pyarrow's print)\n"
    "  --head N           only the first N rows (all of them are printed)\n"
    "  --tail N           only the last N rows (all of them are printed)\n"
    "  --columns a,b      only these columns, in this order\n"
    "  --all              print every row and batch (no \"...\" windowing)\n"
    "  --where EXPR       only the rows where EXPR is true, e.g. \"x > 3 and name != 'a'\"\n"
    "                     (comparisons, and/or/not, is [not] null, + - * /, 'strings', numbers)\n"
    "  --sort COL[:desc]  rows ordered by column COL (ascending unless :desc; nulls last)\n"
    "  --limit N          at most N rows (after --where and --sort)\n"
    CLI_INPUT_HELP
    "  -h, --help         show this help\n"
    "\n"
    "Control characters in names and values are shown as \\xNN (\\u00NN for C1).\n";

/* The batches kept for printing (see the file comment). */
typedef struct kept {
  qv_batch **b;
  int64_t n, cap;
  int64_t window;  /* < 0: keep everything */
  int64_t seen;    /* batches offered */
  qv_batch *ring[64];
  int64_t ring_n;
} kept;

static qv_status keep_push(kept *k, qv_batch *batch, qv_error *err) {
  if (k->n == k->cap) {
    int64_t cap = k->cap ? 2 * k->cap : 16;
    qv_batch **grown = realloc(k->b, (size_t)cap * sizeof *grown);
    if (grown == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory keeping %lld batches", (long long)cap);
    k->b = grown;
    k->cap = cap;
  }
  k->b[k->n++] = batch;
  return QV_OK;
}

/* Takes ownership of batch. */
static qv_status keep(kept *k, qv_batch *batch, qv_error *err) {
  k->seen++;
  if (k->window <= 0 || k->n < k->window + 1) {
    qv_status st = keep_push(k, batch, err);
    if (st != QV_OK) qv_batch_release(batch);
    return st;
  }
  /* Past the first W (+ the middle one): a ring of the last W. */
  int64_t slot = k->ring_n % k->window;
  if (k->ring_n >= k->window) qv_batch_release(k->ring[slot]);
  k->ring[slot] = batch;
  k->ring_n++;
  return QV_OK;
}

/* Moves the ring, oldest first, behind the kept head. */
static qv_status keep_finish(kept *k, qv_error *err) {
  if (k->window <= 0 || k->ring_n == 0) return QV_OK;
  int64_t have = k->ring_n < k->window ? k->ring_n : k->window;
  int64_t first = k->ring_n < k->window ? 0 : k->ring_n % k->window;
  qv_status st = QV_OK;
  for (int64_t i = 0; i < have; i++) {
    qv_batch *b = k->ring[(first + i) % k->window];
    if (st == QV_OK) st = keep_push(k, b, err);
    if (st != QV_OK) qv_batch_release(b);
  }
  k->ring_n = 0;
  return st;
}

static void keep_free(kept *k) {
  for (int64_t i = 0; i < k->n; i++) qv_batch_release(k->b[i]);
  free(k->b);
  if (k->window > 0) {
    int64_t have = k->ring_n < k->window ? k->ring_n : k->window;
    for (int64_t i = 0; i < have; i++) qv_batch_release(k->ring[i]);
  }
}

/* Every format but arrow, and --tail: batches go to rows.c as they come
 * (--tail: through a queue of the last rows first). */
static qv_status print_rows(cli_source *src, const cli_projection *proj, const cli_query *where, qv_schema *schema,
                            int64_t head, int64_t tail, cli_rows_format format, bool all, qv_error *err) {
  cli_rows_writer *w = NULL;
  cli_row_queue q = {0};
  q.keep = tail;
  qv_table *table = NULL;
  /* A table is for people: always escaped; CSV and JSON Lines only on a terminal. */
  FILE *out = (format == CLI_ROWS_TABLE || isatty(STDOUT_FILENO)) ? cli_escaping_file(stdout) : stdout;
  if (out == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory");
  const int64_t window = (all || head >= 0 || tail >= 0) ? -1 : 10;
  qv_status st = QV_OK;
  if (format != CLI_ROWS_ARROW) st = cli_rows_open(out, format, schema, window, &w, err);
  int64_t rows = 0;
  while (st == QV_OK && (head < 0 || rows < head)) {
    qv_batch *b = NULL, *p = NULL;
    st = cli_source_next(src, &b, err);
    if (st != QV_OK || b == NULL) break;
    if (where != NULL) {
      st = cli_query_filter(where, b, &p, err);
      qv_batch_release(b);
      b = p;
      p = NULL;
      if (st != QV_OK) break;
    }
    if (head >= 0 && b->length > head - rows) {
      st = qv_batch_slice(b, 0, head - rows, &p, err);
      qv_batch_release(b);
      b = p;
      p = NULL;
      if (st != QV_OK) break;
    }
    if (proj->schema) {
      st = cli_projection_apply(proj, b, &p, err);
      qv_batch_release(b);
      b = p;
      if (st != QV_OK) break;
    }
    rows += b->length;
    if (tail >= 0) {
      st = cli_row_queue_push(&q, b, err);
      continue;
    }
    st = cli_rows_write(w, b, err);
    qv_batch_release(b);
    if (st == QV_OK && cli_stdout_closed()) break;
  }
  if (st == QV_OK && tail >= 0) st = cli_row_queue_trim(&q, err);
  if (st == QV_OK && tail >= 0 && w != NULL)
    for (int64_t i = 0; st == QV_OK && i < q.n; i++) st = cli_rows_write(w, q.b[i], err);
  if (st == QV_OK && w != NULL) st = cli_rows_close(w, err);
  if (st == QV_OK && format == CLI_ROWS_ARROW) {
    qv_print_options po = qv_print_options_default();
    po.max_rows = -1;
    po.max_container_rows = -1;
    st = qv_table_new(schema, q.b, q.n, &table, err);
    if (st == QV_OK) st = qv_table_print(out, table, &po, err);
  }
  bool write_failed = out != stdout && fclose(out) != 0;
  if (fflush(stdout) != 0 || ferror(stdout)) write_failed = true;
  if (st == QV_OK && write_failed && !cli_stdout_closed()) st = qv_error_set(err, QV_ERR_IO, "writing to stdout failed");
  qv_table_release(table);
  cli_row_queue_free(&q);
  cli_rows_free(w);
  return st;
}

/* The rows of a whole table (sorted output) in a row format. */
static qv_status print_table_rows(const qv_table *table, cli_rows_format format, bool all, qv_error *err) {
  FILE *out = (format == CLI_ROWS_TABLE || isatty(STDOUT_FILENO)) ? cli_escaping_file(stdout) : stdout;
  if (out == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory");
  cli_rows_writer *w = NULL;
  qv_status st = cli_rows_open(out, format, table->schema, all ? -1 : 10, &w, err);
  for (int64_t i = 0; st == QV_OK && i < table->n_batches; i++) st = cli_rows_write(w, table->batches[i], err);
  if (st == QV_OK) st = cli_rows_close(w, err);
  bool write_failed = out != stdout && fclose(out) != 0;
  if (fflush(stdout) != 0 || ferror(stdout)) write_failed = true;
  if (st == QV_OK && write_failed && !cli_stdout_closed()) st = qv_error_set(err, QV_ERR_IO, "writing to stdout failed");
  cli_rows_free(w);
  return st;
}

static int run_cat(int argc, char **argv) {
  const cli_command *cmd = &cli_cmd_cat;
  enum { O_HEAD, O_COLUMNS, O_ALL, O_FORMAT, O_TAIL, O_WHERE, O_SORT, O_LIMIT, O_INPUT, O_N = O_INPUT + CLI_N_INPUT_OPTS };
  cli_opt opts[O_N] = {{"head", true, false, NULL},   {"columns", true, false, NULL}, {"all", false, false, NULL},
                       {"format", true, false, NULL}, {"tail", true, false, NULL},    {"where", true, false, NULL},
                       {"sort", true, false, NULL},   {"limit", true, false, NULL},   CLI_INPUT_OPTS};
  const char *pos[1];
  int n_pos = 0;
  int rc = cli_parse(cmd, argc, argv, opts, O_N, pos, 1, &n_pos);
  if (rc != CLI_EXIT_OK) return rc == CLI_EXIT_HELP ? CLI_EXIT_OK : rc;
  if (n_pos == 0) return cli_usage_error(cmd, "missing the input file (use - for stdin)");
  int64_t head = -1;
  if (opts[O_HEAD].present && !cli_parse_count(opts[O_HEAD].value, &head))
    return cli_usage_error(cmd, "--head wants a non-negative integer, not '%s'", opts[O_HEAD].value);
  int64_t tail = -1;
  if (opts[O_TAIL].present && !cli_parse_count(opts[O_TAIL].value, &tail))
    return cli_usage_error(cmd, "--tail wants a non-negative integer, not '%s'", opts[O_TAIL].value);
  if (head >= 0 && tail >= 0) return cli_usage_error(cmd, "give --head or --tail, not both");
  cli_rows_format format = CLI_ROWS_TABLE;
  if (opts[O_FORMAT].present && !cli_parse_rows_format(opts[O_FORMAT].value, &format))
    return cli_usage_error(cmd, "--format wants table, csv, jsonl or arrow, not '%s'", opts[O_FORMAT].value);
  int64_t limit = -1;
  if (opts[O_LIMIT].present && !cli_parse_count(opts[O_LIMIT].value, &limit))
    return cli_usage_error(cmd, "--limit wants a non-negative integer, not '%s'", opts[O_LIMIT].value);
  /* --limit without --sort is --head after --where; with --sort it cuts the sorted rows */
  if (limit >= 0 && !opts[O_SORT].present && (head < 0 || limit < head)) head = limit;
  cli_input_options in_opts;
  rc = cli_input_options_parse(cmd, &opts[O_INPUT], &in_opts);
  if (rc != CLI_EXIT_OK) return rc;

  const char *path = pos[0];
  qv_error err = {0};
  cli_source *src = NULL;
  cli_projection proj = {0};
  kept k = {0};
  cli_query *where = NULL;
  cli_sort_spec sort = {0};
  qv_table *table = NULL;
  qv_print_options po = qv_print_options_default();
  if (head >= 0 || opts[O_ALL].present || (limit >= 0 && opts[O_SORT].present)) {
    po.max_rows = -1;
    po.max_container_rows = -1;
  }
  k.window = opts[O_SORT].present ? -1 : po.max_container_rows; /* sorting needs every batch */
  if (k.window > (int64_t)(sizeof k.ring / sizeof k.ring[0])) k.window = -1;
  cli_progress progress;
  cli_progress_init(&progress, "quiver cat");

  qv_status st = cli_source_open(path, &in_opts, &src, &err);
  if (st != QV_OK) {
    rc = cli_data_error(cmd, cli_display_name(path, false), &err);
    goto done;
  }
  qv_schema *schema = cli_source_schema(src);
  qv_schema *source_schema = schema;
  if (opts[O_WHERE].present && (st = cli_query_parse(opts[O_WHERE].value, schema, &where, &err)) != QV_OK) {
    rc = cli_usage_error(cmd, "%s", err.message);
    goto done;
  }
  if (opts[O_SORT].present && (st = cli_sort_parse(opts[O_SORT].value, schema, &sort, &err)) != QV_OK) {
    rc = cli_usage_error(cmd, "%s", err.message);
    goto done;
  }
  if (opts[O_COLUMNS].present) {
    st = cli_projection_init(&proj, schema, opts[O_COLUMNS].value, &err);
    if (st != QV_OK) {
      rc = cli_usage_error(cmd, "%s", err.message);
      goto done;
    }
    schema = proj.schema;
  }
  if (!opts[O_FORMAT].present) format = cli_rows_default_format(schema);
  /* Rows stream batch by batch; sorting needs every batch first (below). */
  if ((format != CLI_ROWS_ARROW || tail >= 0) && !sort.active) {
    st = print_rows(src, &proj, where, schema, head, tail, format, opts[O_ALL].present, &err);
    if (st != QV_OK) rc = cli_data_error(cmd, st == QV_ERR_IO ? "<stdout>" : cli_display_name(path, false), &err);
    goto done;
  }
  int64_t rows = 0;
  const int64_t n_batches = head < 0 ? cli_source_num_batches(src) : -1;
  while (st == QV_OK && (head < 0 || rows < head)) {
    qv_batch *b = NULL, *p = NULL;
    st = cli_source_next(src, &b, &err);
    if (st != QV_OK || b == NULL) break;
    if (where != NULL) {
      st = cli_query_filter(where, b, &p, &err);
      qv_batch_release(b);
      b = p;
      p = NULL;
      if (st != QV_OK) break;
    }
    if (head >= 0 && b->length > head - rows) {
      st = qv_batch_slice(b, 0, head - rows, &p, &err);
      qv_batch_release(b);
      b = p;
      p = NULL;
      if (st != QV_OK) break;
    }
    if (proj.schema && !sort.active) { /* sorting projects after it has read its key */
      st = cli_projection_apply(&proj, b, &p, &err);
      qv_batch_release(b);
      b = p;
      if (st != QV_OK) break;
    }
    rows += b->length;
    st = keep(&k, b, &err);
    /* Random access: jump over the batches the window would drop. */
    if (k.window > 0 && k.seen == k.window + 1 && n_batches > k.seen + k.window)
      cli_source_seek(src, n_batches - k.window);
    cli_progress_update(&progress, rows, k.seen, -1);
  }
  if (st == QV_OK) st = keep_finish(&k, &err);
  if (st == QV_OK && sort.active) st = cli_sort_apply(&sort, source_schema, k.b, k.n, limit,
                                                     proj.schema ? &proj : NULL, &table, &err);
  else if (st == QV_OK) st = qv_table_new(schema, k.b, k.n, &table, &err);
  cli_progress_end(&progress);
  if (st != QV_OK) {
    rc = cli_data_error(cmd, cli_display_name(path, false), &err);
    goto done;
  }
  if (tail >= 0 && table->n_rows > tail) { /* --tail of sorted rows */
    qv_table *last = NULL;
    st = qv_table_slice(table, table->n_rows - tail, tail, &last, &err);
    qv_table_release(table);
    table = last;
    if (st != QV_OK) {
      rc = cli_data_error(cmd, cli_display_name(path, false), &err);
      goto done;
    }
  }
  if (format != CLI_ROWS_ARROW) {
    st = print_table_rows(table, format, opts[O_ALL].present || head >= 0 || tail >= 0 || limit >= 0, &err);
    if (st != QV_OK) rc = cli_data_error(cmd, st == QV_ERR_IO ? "<stdout>" : cli_display_name(path, false), &err);
    goto done;
  }
  FILE *out = cli_escaping_file(stdout);
  if (out == NULL) {
    st = qv_error_set(&err, QV_ERR_NO_MEMORY, "out of memory");
  } else {
    st = qv_table_print(out, table, &po, &err);
    bool write_failed = fclose(out) != 0;
    if (fflush(stdout) != 0 || ferror(stdout)) write_failed = true;
    if (st == QV_OK && write_failed) st = qv_error_set(&err, QV_ERR_IO, "writing to stdout failed");
  }
  if (st != QV_OK) rc = cli_data_error(cmd, st == QV_ERR_IO ? "<stdout>" : cli_display_name(path, false), &err);
done:
  qv_table_release(table);
  cli_query_free(where);
  keep_free(&k);
  cli_projection_free(&proj);
  cli_source_free(src);
  return rc;
}

const cli_command cli_cmd_cat = {"cat", "print the rows (table, CSV, JSON Lines) or the Arrow view", cat_help, run_cat};
