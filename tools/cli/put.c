/* quiver put: upload a file to a Flight server as the flight NAME (DoPut
 * with a path descriptor; the schema, then every batch as it is read). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "flight_common.h"

static const char put_help[] =
    "Usage: quiver put URI NAME IN [options]\n"
    "\n"
    "Uploads IN (any input quiver reads; - = stdin) to the Flight server at URI as\n"
    "the flight NAME (DoPut with NAME's path descriptor).\n"
    "\n"
    "Options:\n"
    CLI_FLIGHT_CLIENT_HELP
    CLI_INPUT_HELP
    "  -h, --help         show this help\n";

static int run_put(int argc, char **argv) {
  const cli_command *cmd = &cli_cmd_put;
  cli_opt opts[CLI_N_FLIGHT_CLIENT_OPTS + CLI_N_INPUT_OPTS] = {CLI_FLIGHT_CLIENT_OPTS, CLI_INPUT_OPTS};
  const char *pos[3];
  int n_pos = 0;
  int rc = cli_parse(cmd, argc, argv, opts, (int)(sizeof opts / sizeof opts[0]), pos, 3, &n_pos);
  if (rc != CLI_EXIT_OK) return rc == CLI_EXIT_HELP ? CLI_EXIT_OK : rc;
  if (n_pos < 3) return cli_usage_error(cmd, "expected URI, NAME and IN");
  cli_input_options in_opts;
  rc = cli_input_options_parse(cmd, opts + CLI_N_FLIGHT_CLIENT_OPTS, &in_opts);
  if (rc != CLI_EXIT_OK) return rc;
  qv_error err = {0};
  cli_source *src = NULL;
  if (cli_source_open(pos[2], &in_opts, &src, &err) != QV_OK)
    return cli_data_error(cmd, cli_display_name(pos[2], false), &err);
  qv_flight_client *c = NULL;
  cli_flight_pems pems;
  rc = cli_flight_connect(cmd, pos[0], opts, &c, &pems);
  if (rc != CLI_EXIT_OK) {
    cli_source_free(src);
    return rc;
  }
  qv_flight_descriptor d;
  memset(&d, 0, sizeof d);
  qv_flight_stream *s = NULL;
  int64_t rows = 0;
  qv_status st = cli_flight_descriptor(pos[1], &d, &err);
  if (st == QV_OK) st = qv_flight_client_do_put(c, &d, &s, &err);
  if (st == QV_OK) st = qv_flight_stream_begin(s, cli_source_schema(src), &err);
  while (st == QV_OK) {
    qv_batch *b = NULL;
    st = cli_source_next(src, &b, &err);
    if (st != QV_OK || b == NULL) break;
    rows += b->length;
    st = qv_flight_stream_write_batch(s, b, NULL, 0, &err);
    qv_batch_release(b);
  }
  if (s) {
    qv_error fin_err;
    qv_status fin = qv_flight_stream_finish(s, &fin_err);
    if (fin != QV_OK) {
      err = fin_err;
      st = fin;
    }
  }
  if (st != QV_OK) rc = cli_data_error(cmd, pos[1], &err);
  else fprintf(stderr, "quiver put: %lld rows to %s\n", (long long)rows, pos[1]);
  qv_flight_stream_free(s);
  qv_flight_descriptor_clear(&d);
  qv_flight_client_free(c);
  cli_flight_pems_free(&pems);
  cli_source_free(src);
  return rc;
}

const cli_command cli_cmd_put = {"put", "upload a file to an Arrow Flight server", put_help, run_put};
