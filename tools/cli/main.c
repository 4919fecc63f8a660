/* quiver: the command-line tool. Dispatches to one subcommand per file
 * (cli.h lists them) and owns the top-level help and version.
 *
 * Exit codes, for every command: 0 success, 1 data error (the library's
 * message on stderr), 2 usage error.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#ifndef QV_CLI_VERSION
#define QV_CLI_VERSION "0.1.0"
#endif

static const cli_command *const commands[] = {&cli_cmd_cat,     &cli_cmd_schema, &cli_cmd_validate,
                                              &cli_cmd_convert, &cli_cmd_stats,  &cli_cmd_gen,
                                              &cli_cmd_serve,   &cli_cmd_get,    &cli_cmd_put,
                                              &cli_cmd_flights};
#define N_COMMANDS ((int)(sizeof commands / sizeof commands[0]))

static void print_help(FILE *f) {
  fputs("Usage: quiver COMMAND [OPTIONS] ...\n"
        "\n"
        "Reads, checks, converts and generates Apache Arrow data: IPC streams (.arrows),\n"
        "IPC files (.arrow), compressed or not, and integration JSON (.json, .json.gz,\n"
        "convert --to arrow-json); also CSV/TSV (.csv, .tsv) and JSON Lines (.jsonl,\n"
        ".ndjson), by name or --from csv|tsv|jsonl, read and written (convert --to\n"
        "csv|tsv|jsonl). Arrow formats are detected from the bytes; a path of - means\n"
        "stdin/stdout. `quiver cat` prints rows: a table on a terminal, CSV or JSON\n"
        "Lines into a pipe (--format table|csv|jsonl|arrow, --head N, --tail N).\n"
        "\n"
        "Commands:\n",
        f);
  for (int i = 0; i < N_COMMANDS; i++) fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
  fputs("\n"
        "Options:\n"
        "  -h, --help     show this help (quiver COMMAND --help: the command's)\n"
        "  --version      show the version\n"
        "\n"
        "Exit status: 0 success, 1 bad or unreadable data, 2 usage error; a closed\n"
        "stdout (| head) ends any command quietly with 0.\n"
        "Reading commands take --strict (a stream without its end-of-stream marker\n"
        "is an error, not a warning) and limits on hostile input: --max-json-bytes,\n"
        "--max-decompressed, --max-total-decompressed (see quiver CMD --help).\n"
        "CSV/TSV input takes --delimiter C, --no-header, --null-value TEXT and\n"
        "--column-type NAME=TYPE (both repeatable) and --block-size SIZE.\n"
        "Outputs appear only when complete; SIGINT, SIGTERM and SIGHUP remove the\n"
        "unfinished temporary file. A mapped input truncated while it is read is\n"
        "reported (SIGBUS is caught) and exits 1. Control characters from the data\n"
        "are shown escaped.\n"
        "Examples:\n"
        "  quiver gen seed --rows 1000000 - | quiver stats -\n"
        "  quiver cat data.arrow --head 5 --columns a,b\n"
        "  quiver convert data.arrows data.arrow --compression zstd\n",
        f);
}

static const cli_command *find_command(const char *name) {
  for (int i = 0; i < N_COMMANDS; i++)
    if (strcmp(commands[i]->name, name) == 0) return commands[i];
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    print_help(stderr);
    return CLI_EXIT_USAGE;
  }
  const char *name = argv[1];
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
    print_help(stdout);
    return CLI_EXIT_OK;
  }
  if (strcmp(name, "--version") == 0) {
    printf("quiver %s\n", QV_CLI_VERSION);
    return CLI_EXIT_OK;
  }
  if (strcmp(name, "help") == 0) {
    if (argc < 3) {
      print_help(stdout);
      return CLI_EXIT_OK;
    }
    const cli_command *c = find_command(argv[2]);
    if (c == NULL) {
      fprintf(stderr, "quiver: unknown command '%s'\nTry 'quiver --help'.\n", argv[2]);
      return CLI_EXIT_USAGE;
    }
    fputs(c->help, stdout);
    return CLI_EXIT_OK;
  }
  const cli_command *c = find_command(name);
  if (c == NULL) {
    fprintf(stderr, "quiver: unknown command '%s'\nTry 'quiver --help'.\n", name);
    return CLI_EXIT_USAGE;
  }
  cli_signals_install(c->name);
  return c->run(argc - 1, argv + 1);
}
