/* quiver CLI: helpers shared by the Flight commands (flight_common.c). */
#ifndef QV_CLI_FLIGHT_COMMON_H
#define QV_CLI_FLIGHT_COMMON_H

#include "cli.h"
#include "quiver/flight.h"

/* The client options, in this order, for a command's option table. */
#define CLI_FLIGHT_CLIENT_OPTS                                                            \
  {"token", true, false, NULL}, {"user", true, false, NULL}, {"password", true, false, NULL}, \
      {"tls-roots", true, false, NULL}, {"timeout", true, false, NULL}, {"tls-root-certs", true, false, NULL}, \
      {"tls-client-cert", true, false, NULL}, {"tls-client-key", true, false, NULL}
#define CLI_N_FLIGHT_CLIENT_OPTS 8
#define CLI_FLIGHT_CLIENT_HELP                                                                 \
  "  --token T          send \"authorization: Bearer T\" with every call\n"                     \
  "  --user U --password P  the basic-auth handshake first (the server's token is\n"          \
  "                     then used)\n"                                                          \
  "  --tls-root-certs FILE  PEM certificates trusted for grpc+tls:// (default: the\n"      \
  "                     system's; --tls-roots is the same)\n"                                 \
  "  --tls-client-cert FILE --tls-client-key FILE  mutual TLS: show this certificate\n"       \
  "                     (PEM chain) and prove it with this private key (PEM)\n"               \
  "  --timeout SECONDS  deadline of each call (default: none)\n"

/* The PEM files a client read (malloc'd, NULL when not given). */
typedef struct cli_flight_pems {
  char *roots, *cert, *key;
} cli_flight_pems;
void cli_flight_pems_free(cli_flight_pems *p);

/* Connects to uri with opts[0, CLI_N_FLIGHT_CLIENT_OPTS) and authenticates
 * if asked. *pems (free with cli_flight_pems_free after the client) holds
 * the certificates and key read. Returns a CLI exit code, having printed
 * any error (the PEMs are then freed already). */
int cli_flight_connect(const cli_command *cmd, const char *uri, const cli_opt *opts, qv_flight_client **out,
                       cli_flight_pems *pems);
/* "sub/data.arrow" -> a path descriptor ["sub", "data.arrow"]. */
qv_status cli_flight_descriptor(const char *name, qv_flight_descriptor *d, qv_error *err);
/* The contents of a PEM file (malloc'd), NULL with err set. */
char *cli_flight_read_pem(const char *path, qv_error *err);

#endif
