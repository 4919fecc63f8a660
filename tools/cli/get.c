/* quiver get: fetch a flight by name from a Flight server into a file.
 * GetFlightInfo for the name's path descriptor, then DoGet of each
 * endpoint's ticket in order (on the server asked: endpoints that name
 * other locations are fetched there too), batches written as they arrive
 * to the output (atomic: nothing appears unless the whole flight arrived).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "flight_common.h"

static const char get_help[] =
    "Usage: quiver get URI NAME -o OUT [options]\n"
    "\n"
    "Fetches the flight NAME (a path, e.g. sub/data.arrow) from the Flight server at\n"
    "URI (grpc://HOST:PORT, grpc+tls://HOST:PORT, grpc+unix:///path) into OUT (format\n"
    "from its name, as in quiver convert; - = stdout as an IPC stream).\n"
    "\n"
    "Options:\n"
    "  -o, --output OUT   where to write (required)\n"
    CLI_FLIGHT_CLIENT_HELP
    "  -h, --help         show this help\n";

static qv_status fetch_endpoint(qv_flight_client *c, const qv_flight_endpoint *e, cli_sink **sink, const char *out,
                                cli_out_format format, int64_t *rows, qv_error *err) {
  qv_flight_stream *s = NULL;
  QV_RETURN_IF_ERROR(qv_flight_client_do_get(c, e->ticket.data, e->ticket.len, &s, err));
  qv_schema *schema = NULL;
  qv_status st = qv_flight_stream_schema(s, &schema, err);
  if (st == QV_OK && *sink == NULL) st = cli_sink_open(out, format, NULL, NULL, 0, schema, sink, err);
  while (st == QV_OK) {
    qv_flight_chunk ch;
    bool end;
    st = qv_flight_stream_next(s, &ch, &end, err);
    if (st != QV_OK || end) break;
    if (ch.batch) {
      *rows += ch.batch->length;
      st = cli_sink_write(*sink, ch.batch, err);
    }
    qv_flight_chunk_clear(&ch);
  }
  qv_error fin_err;
  qv_status fin = qv_flight_stream_finish(s, &fin_err);
  if (fin != QV_OK) {
    qv_error_prefix(&fin_err, "flight DoGet: ");
    if (err) *err = fin_err;
    st = fin;
  }
  qv_flight_stream_free(s);
  return st;
}

static int run_get(int argc, char **argv) {
  const cli_command *cmd = &cli_cmd_get;
  cli_opt opts[] = {CLI_FLIGHT_CLIENT_OPTS, {"output", true, false, NULL}, {"o", true, false, NULL}};
  const char *pos[2];
  int n_pos = 0;
  int rc = cli_parse(cmd, argc, argv, opts, (int)(sizeof opts / sizeof opts[0]), pos, 2, &n_pos);
  if (rc != CLI_EXIT_OK) return rc == CLI_EXIT_HELP ? CLI_EXIT_OK : rc;
  if (n_pos < 2) return cli_usage_error(cmd, "expected URI and NAME");
  const cli_opt *output = &opts[CLI_N_FLIGHT_CLIENT_OPTS], *o_short = &opts[CLI_N_FLIGHT_CLIENT_OPTS + 1];
  const char *out = output->present ? output->value : o_short->value;
  if (out == NULL) return cli_usage_error(cmd, "missing -o OUT");
  cli_out_format format;
  if (!cli_out_format_from_path(out, &format))
    return cli_usage_error(cmd, "cannot tell the output format from '%s' (.arrow, .arrows, .json, .csv)", out);
  if (cli_binary_to_terminal(out, format)) return cli_usage_error(cmd, "refusing to write binary data to a terminal");
  qv_flight_client *c = NULL;
  cli_flight_pems pems;
  rc = cli_flight_connect(cmd, pos[0], opts, &c, &pems);
  if (rc != CLI_EXIT_OK) return rc;
  qv_error err = {0};
  qv_flight_descriptor d;
  memset(&d, 0, sizeof d);
  qv_flight_info info;
  qv_flight_info_init(&info);
  cli_sink *sink = NULL;
  int64_t rows = 0;
  qv_status st = cli_flight_descriptor(pos[1], &d, &err);
  if (st == QV_OK) st = qv_flight_client_get_flight_info(c, &d, &info, &err);
  if (st == QV_OK && info.n_endpoints == 0) st = qv_error_set(&err, QV_ERR_NOT_FOUND, "the flight has no endpoint");
  for (size_t i = 0; st == QV_OK && i < info.n_endpoints; i++) {
    const qv_flight_endpoint *e = &info.endpoints[i];
    qv_flight_client *other = NULL;
    /* an endpoint elsewhere is fetched where it lives */
    if (e->n_locations > 0 && strcmp(e->locations[0], pos[0]) != 0) {
      cli_flight_pems pems2;
      if (cli_flight_connect(cmd, e->locations[0], opts, &other, &pems2) != CLI_EXIT_OK) {
        cli_flight_pems_free(&pems2);
        st = qv_error_set(&err, QV_ERR_IO, "cannot reach the endpoint at %s", e->locations[0]);
        break;
      }
      cli_flight_pems_free(&pems2);
    }
    st = fetch_endpoint(other ? other : c, e, &sink, out, format, &rows, &err);
    qv_flight_client_free(other);
  }
  if (st == QV_OK) st = cli_sink_close(sink, &err);
  if (st != QV_OK) rc = cli_data_error(cmd, pos[1], &err);
  else fprintf(stderr, "quiver get: %lld rows from %s into %s\n", (long long)rows, pos[1], cli_display_name(out, true));
  cli_sink_free(sink);
  qv_flight_info_clear(&info);
  qv_flight_descriptor_clear(&d);
  qv_flight_client_free(c);
  cli_flight_pems_free(&pems);
  return rc;
}

const cli_command cli_cmd_get = {"get", "fetch a flight from an Arrow Flight server", get_help, run_get};
