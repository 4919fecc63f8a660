/* quiver validate: reads every batch of the input and checks it, printing
 * one "OK" line, or the library's message (what and where) with exit 1.
 *
 * Structural validation (validate.h QV_VALIDATE_STRUCTURE) is what every
 * read does anyway; --full adds the O(values) checks (UTF-8, offsets,
 * dictionary indices, union ids...). IPC inputs are checked by the reader
 * itself as it loads each batch (qv_ipc_read_options.full_validation), so
 * nothing is validated twice; JSON batches are checked here. A stream that
 * stops at a message boundary without its end-of-stream marker is valid per
 * the spec, so it is a warning (byte offset and rows, on stderr), and an
 * error with --strict, as in every reading command.
 */
#include <stdio.h>

#include "cli.h"

static const char validate_help[] =
    "Usage: quiver validate FILE [--full] [--strict]\n"
    "\n"
    "Reads every batch of FILE (- = stdin) and checks it against the Arrow\n"
    "specification. Prints one OK line and exits 0, or prints what is wrong and\n"
    "where on stderr and exits 1.\n"
    "\n"
    "Options:\n"
    "  --full             also check every value: UTF-8, offsets, dictionary\n"
    "                     indices, union type ids, decimal precision... (O(values))\n"
    CLI_INPUT_HELP
    "  -h, --help         show this help\n";

static int run_validate(int argc, char **argv) {
  const cli_command *cmd = &cli_cmd_validate;
  enum { O_FULL, O_INPUT, O_N = O_INPUT + CLI_N_INPUT_OPTS };
  cli_opt opts[O_N] = {{"full", false, false, NULL}, CLI_INPUT_OPTS};
  const char *pos[1];
  int n_pos = 0;
  int rc = cli_parse(cmd, argc, argv, opts, O_N, pos, 1, &n_pos);
  if (rc != CLI_EXIT_OK) return rc == CLI_EXIT_HELP ? CLI_EXIT_OK : rc;
  if (n_pos == 0) return cli_usage_error(cmd, "missing the input file (use - for stdin)");
  const char *path = pos[0];
  const bool full = opts[O_FULL].present;
  cli_input_options in_opts;
  rc = cli_input_options_parse(cmd, &opts[O_INPUT], &in_opts);
  if (rc != CLI_EXIT_OK) return rc;
  in_opts.ipc.full_validation = full;

  qv_error err = {0};
  cli_source *src = NULL;
  cli_progress progress;
  cli_progress_init(&progress, "quiver validate");
  qv_status st = cli_source_open(path, &in_opts, &src, &err);
  int64_t rows = 0, batches = 0;
  const bool json = st == QV_OK && cli_source_format(src) == CLI_IN_JSON;
  while (st == QV_OK) {
    qv_batch *b = NULL;
    st = cli_source_next(src, &b, &err);
    if (st != QV_OK || b == NULL) break;
    if (json) {
      st = qv_batch_validate(b, full ? QV_VALIDATE_FULL : QV_VALIDATE_STRUCTURE, &err);
      if (st != QV_OK) qv_error_prefix(&err, "batch %lld: ", (long long)batches);
    }
    rows += b->length;
    batches++;
    qv_batch_release(b);
    cli_progress_update(&progress, rows, batches, -1);
  }
  cli_progress_end(&progress);
  if (st == QV_OK) {
    printf("%s: OK (%s, %d columns, %lld rows in %lld batches, %s validation)\n", cli_display_name(path, false),
           cli_source_format_name(src), cli_source_schema(src)->n_fields, (long long)rows, (long long)batches,
           full ? "full" : "structural");
  } else {
    rc = cli_data_error(cmd, cli_display_name(path, false), &err);
  }
  cli_source_free(src);
  return rc;
}

const cli_command cli_cmd_validate = {"validate", "check a file against the Arrow spec", validate_help,
                                      run_validate};
