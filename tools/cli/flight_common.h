/* quiver CLI: helpers shared by the Flight commands (flight_common.c). */
#ifndef QV_CLI_FLIGHT_COMMON_H
#define QV_CLI_FLIGHT_COMMON_H

#include "cli.h"
#include "quiver/flight.h"

/* The client options, in this order, for a command's option table. */
#define CLI_FLIGHT_CLIENT_OPTS                                                            \
  {"token", true, false, NULL}, {"user", true, false, NULL}, {"password", true, false, NULL}, \
      {"tls-roots", true, false, NULL}, {"timeout", true, false, NULL}
#define CLI_N_FLIGHT_CLIENT_OPTS 5
#define CLI_FLIGHT_CLIENT_HELP                                                                 \
  "  --token T          send \"authorization: Bearer T\" with every call\n"                     \
  "  --user U --password P  the basic-auth handshake first (the server's token is\n"          \
  "                     then used)\n"                                                          \
  "  --tls-roots FILE   PEM certificates trusted for grpc+tls:// (default: the system's)\n"   \
  "  --timeout SECONDS  deadline of each call (default: none)\n"

/* Connects to uri with opts[0, CLI_N_FLIGHT_CLIENT_OPTS) and authenticates
 * if asked. *pem_out (free it after the client) holds the roots read.
 * Returns a CLI exit code, having printed any error. */
int cli_flight_connect(const cli_command *cmd, const char *uri, const cli_opt *opts, qv_flight_client **out,
                       char **pem_out);
/* "sub/data.arrow" -> a path descriptor ["sub", "data.arrow"]. */
qv_status cli_flight_descriptor(const char *name, qv_flight_descriptor *d, qv_error *err);
/* The contents of a PEM file (malloc'd), NULL with err set. */
char *cli_flight_read_pem(const char *path, qv_error *err);

#endif
