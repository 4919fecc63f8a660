/* quiver gen: generated data sets. So far one, the seed scenario's table:
 * N rows x 2 utf8 columns ("a", "b") of random 10-character ASCII strings,
 * built by tools/common/seed_table.c (the demo's generator) from --seed
 * (default 42, the demo's): same seed, same rows, same bytes as the demo.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "seed_table.h"

#define SEED_DEFAULT_ROWS 1000000
#define SEED_DEFAULT_SEED 42

static const char gen_help[] =
    "Usage: quiver gen seed [--rows N] [--seed S] [--to stream|file|json|parquet]\n"
    "                       [--compression C] [--batch-size N] OUT\n"
    "\n"
    "Generates the seed scenario's table: N rows x 2 columns (\"a\", \"b\") of random\n"
    "10-character ASCII strings from a fixed-seed generator (the same data on\n"
    "every run, and the same as quiver-demo's), and writes it to OUT (- = stdout).\n"
    "\n"
    "Options:\n"
    "  --rows N           rows to generate (default 1000000)\n"
    "  --seed S           generator seed (default 42)\n"
    "  --to FORMAT        stream, file, json or parquet (default: from OUT's\n"
    "                     extension: .arrows/.stream, .arrow/.feather/.ipc,\n"
    "                     .json/.json.gz, .parquet; other names need --to)\n"
    "  --compression C    compress IPC buffers with lz4 or zstd; Parquet pages\n"
    "                     with snappy (default), zstd, gzip, brotli, lz4 or none\n"
    "  --batch-size N     write batches of at most N rows (default: one batch)\n"
    "  -h, --help         show this help\n"
    "\n"
    "OUT appears only once complete; SIGINT, SIGTERM and SIGHUP remove the\n"
    "unfinished temporary file. A reader that closes the pipe early (| head)\n"
    "ends gen quietly with status 0.\n"
    "\n"
    "Examples:\n"
    "  quiver gen seed --rows 1000 seed.arrows\n"
    "  quiver gen seed - | quiver stats -\n";

static int run_gen(int argc, char **argv) {
  const cli_command *cmd = &cli_cmd_gen;
  enum { O_ROWS, O_SEED, O_TO, O_COMP, O_BATCH, O_N };
  cli_opt opts[O_N] = {{"rows", true, false, NULL},
                       {"seed", true, false, NULL},
                       {"to", true, false, NULL},
                       {"compression", true, false, NULL},
                       {"batch-size", true, false, NULL}};
  const char *pos[2];
  int n_pos = 0;
  int rc = cli_parse(cmd, argc, argv, opts, O_N, pos, 2, &n_pos);
  if (rc != CLI_EXIT_OK) return rc == CLI_EXIT_HELP ? CLI_EXIT_OK : rc;
  if (n_pos == 0) return cli_usage_error(cmd, "missing the data set name (available: seed)");
  if (strcmp(pos[0], "seed") != 0) return cli_usage_error(cmd, "unknown data set '%s' (available: seed)", pos[0]);
  if (n_pos < 2) return cli_usage_error(cmd, "missing the output file (use - for stdout)");
  const char *out_path = pos[1];

  int64_t rows = SEED_DEFAULT_ROWS, seed = SEED_DEFAULT_SEED, batch_size = 0;
  if (opts[O_ROWS].present && !cli_parse_count(opts[O_ROWS].value, &rows))
    return cli_usage_error(cmd, "--rows wants a non-negative integer, not '%s'", opts[O_ROWS].value);
  if (opts[O_SEED].present && !cli_parse_count(opts[O_SEED].value, &seed))
    return cli_usage_error(cmd, "--seed wants a non-negative integer, not '%s'", opts[O_SEED].value);
  if (opts[O_BATCH].present && (!cli_parse_count(opts[O_BATCH].value, &batch_size) || batch_size == 0))
    return cli_usage_error(cmd, "--batch-size wants a positive integer, not '%s'", opts[O_BATCH].value);
  cli_out_format format = CLI_OUT_STREAM;
  const bool known_name = cli_out_format_from_path(out_path, &format);
  if (opts[O_TO].present && !cli_parse_out_format(opts[O_TO].value, &format))
    return cli_usage_error(cmd, "--to wants stream, file, arrow-json, csv, tsv, jsonl or parquet, not '%s'",
                           opts[O_TO].value);
  if (!known_name && !opts[O_TO].present)
    return cli_usage_error(cmd,
                           "cannot tell the output format from the name '%s': name it .arrows, .arrow or .json "
                           "(.json.gz), or give --to",
                           out_path);
  qv_ipc_write_options wo = QV_IPC_WRITE_OPTIONS_DEFAULT;
  qv_parquet_write_options po;
  qv_parquet_write_options_init(&po);
  if (opts[O_COMP].present && format == CLI_OUT_PARQUET) {
    if (!cli_parse_parquet_compression(opts[O_COMP].value, &po.compression))
      return cli_usage_error(cmd, "--compression wants snappy, zstd, gzip, brotli, lz4 or none for Parquet, not '%s'",
                             opts[O_COMP].value);
  } else if (opts[O_COMP].present) {
    if (!cli_parse_compression(opts[O_COMP].value, &wo.compression))
      return cli_usage_error(cmd, "--compression wants lz4 or zstd, not '%s'", opts[O_COMP].value);
    if (format != CLI_OUT_STREAM && format != CLI_OUT_FILE)
      return cli_usage_error(cmd, "--compression applies to IPC output, not JSON or CSV");
  }
  if (cli_binary_to_terminal(out_path, format))
    return cli_usage_error(cmd, "refusing to write binary Arrow data to a terminal; give a file name or redirect");

  qv_error err = {0};
  qv_table *table = NULL;
  cli_sink *sink = NULL;
  cli_progress progress;
  cli_progress_init(&progress, "quiver gen");
  qv_status st = seed_build_table(rows, (uint64_t)seed, &table, &err);
  if (st != QV_OK) {
    rc = cli_data_error(cmd, "building the table", &err);
    goto done;
  }
  st = cli_sink_open(out_path, format, &wo, &po, batch_size, table->schema, &sink, &err);
  for (int64_t i = 0; st == QV_OK && i < table->n_batches; i++) {
    st = cli_sink_write(sink, table->batches[i], &err);
    cli_progress_update(&progress, table->n_rows, i + 1, cli_sink_bytes(sink));
  }
  if (st == QV_OK) st = cli_sink_close(sink, &err);
  cli_progress_end(&progress);
  if (st != QV_OK) rc = cli_data_error(cmd, cli_display_name(out_path, true), &err);
done:
  cli_sink_free(sink);
  qv_table_release(table);
  return rc;
}

const cli_command cli_cmd_gen = {"gen", "generate a data set (the seed table)", gen_help, run_gen};
