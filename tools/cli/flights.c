/* quiver flights: what a Flight server offers (ListFlights), one line per
 * flight: its name (path parts joined by '/', or the command), its rows
 * and its columns. Names come from the server: printed through the
 * control-character filter like all data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "flight_common.h"

static const char flights_help[] =
    "Usage: quiver flights URI [options]\n"
    "\n"
    "Lists the flights of the Flight server at URI: name, rows (? when unknown)\n"
    "and schema, one per line.\n"
    "\n"
    "Options:\n"
    CLI_FLIGHT_CLIENT_HELP
    "  -h, --help         show this help\n";

static void print_name(const qv_flight_descriptor *d) {
  if (d->type == QV_FLIGHT_DESCRIPTOR_PATH) {
    for (size_t i = 0; i < d->n_path; i++) {
      if (i) putchar('/');
      for (const char *p = d->path[i]; *p; p++) putchar((unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p);
    }
  } else {
    fputs("cmd:", stdout);
    for (size_t i = 0; i < d->cmd.len && i < 200; i++) {
      unsigned char ch = d->cmd.data[i];
      if (ch < 0x20 || ch >= 0x7f) printf("\\x%02x", ch);
      else putchar(ch);
    }
  }
}

static int run_flights(int argc, char **argv) {
  const cli_command *cmd = &cli_cmd_flights;
  cli_opt opts[] = {CLI_FLIGHT_CLIENT_OPTS};
  const char *pos[1];
  int n_pos = 0;
  int rc = cli_parse(cmd, argc, argv, opts, CLI_N_FLIGHT_CLIENT_OPTS, pos, 1, &n_pos);
  if (rc != CLI_EXIT_OK) return rc == CLI_EXIT_HELP ? CLI_EXIT_OK : rc;
  if (n_pos < 1) return cli_usage_error(cmd, "expected the server's URI");
  qv_flight_client *c = NULL;
  cli_flight_pems pems;
  rc = cli_flight_connect(cmd, pos[0], opts, &c, &pems);
  if (rc != CLI_EXIT_OK) return rc;
  qv_error err = {0};
  qv_flight_info *infos = NULL;
  size_t n = 0;
  if (qv_flight_client_list_flights(c, NULL, 0, &infos, &n, &err) != QV_OK) {
    rc = cli_data_error(cmd, pos[0], &err);
  } else {
    for (size_t i = 0; i < n; i++) {
      print_name(&infos[i].descriptor);
      if (infos[i].total_records >= 0) printf("\t%lld rows", (long long)infos[i].total_records);
      else fputs("\t? rows", stdout);
      if (infos[i].schema) {
        char buf[512];
        qv_schema_format(infos[i].schema, buf, sizeof buf);
        for (char *p = buf; *p; p++)
          if (*p == '\n') *p = ' ';
          else if ((unsigned char)*p < 0x20) *p = '?';
        printf("\t%s", buf);
      }
      putchar('\n');
    }
  }
  qv_flight_info_array_free(infos, n);
  qv_flight_client_free(c);
  cli_flight_pems_free(&pems);
  if (rc == CLI_EXIT_OK && fflush(stdout) != 0) rc = CLI_EXIT_DATA;
  return rc;
}

const cli_command cli_cmd_flights = {"flights", "list the flights of an Arrow Flight server", flights_help,
                                     run_flights};
