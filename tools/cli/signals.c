/* quiver CLI: what signals and a closed stdout do.
 *
 * SIGINT, SIGTERM, SIGHUP: an unfinished output at a path is a sibling
 * temporary file (the library's atomic output) that would stay behind
 * when the process dies; the handler removes every such file
 * (qv_atomic_files_discard, async-signal-safe), restores the default action
 * and raises the signal again, so the process still dies of it (the
 * shell sees 128 + N) and the old destination is untouched. SIGKILL cannot
 * be caught: it is the one case that can leave a "*.qv-tmp-*" file.
 *
 * SIGBUS: inputs that are regular files are read through a memory mapping;
 * when another process truncates the file, touching a page past its new
 * end raises SIGBUS, which would kill the CLI without a word. The design
 * chosen is a handler that reports and exits, not sigsetjmp/siglongjmp
 * around each read: the faulting access happens deep inside the library
 * (a validator, a decompressor, a printer), and jumping out of it would
 * skip its cleanup and leave its objects half-built, while the process is
 * about to end anyway. So the handler removes the temporaries, writes
 * "quiver CMD: INPUT: the input changed while it was being read ..." to
 * stderr (write(2) only) and exits 1, like any data error. The input it
 * names is the last one registered by source.c (cli_signals_set_input).
 *
 * SIGPIPE is ignored, so writing to a pipe whose reader has gone fails
 * with EPIPE instead of killing the process; cli_stdout_closed then lets
 * every command end quietly with status 0, whether it writes through stdio
 * (cat, stats) or through the library's writer (convert, gen).
 *
 * Tests need the process stopped at a known point (the input mapped, the
 * output's temporary written to) to truncate the input or send a signal
 * without racing: cli_test_pause blocks there on a FIFO named by the
 * environment (see cli.h). Without the variables it does nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char *g_command = "";
static char g_input[1024];

static void put(const char *s) {
  size_t n = strlen(s);
  while (n > 0) {
    ssize_t w = write(STDERR_FILENO, s, n);
    if (w <= 0) return;
    s += w;
    n -= (size_t)w;
  }
}

static void on_termination(int sig) {
  qv_atomic_files_discard();
  signal(sig, SIG_DFL);
  raise(sig);
}

static void on_bus_error(int sig) {
  (void)sig;
  qv_atomic_files_discard();
  put("quiver ");
  put(g_command);
  put(": ");
  put(g_input[0] ? g_input : "input");
  put(": the input changed while it was being read (it was truncated by another process while mapped into "
      "memory: SIGBUS); nothing was written [QV_ERR_IO]\n");
  _exit(CLI_EXIT_DATA);
}

void cli_signals_install(const char *command) {
  g_command = command ? command : "";
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = on_termination;
  const int terminating[] = {SIGINT, SIGTERM, SIGHUP};
  for (size_t i = 0; i < sizeof terminating / sizeof terminating[0]; i++) {
    struct sigaction old;
    /* A signal ignored by whoever started us (nohup) stays ignored. */
    if (sigaction(terminating[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    sigaction(terminating[i], &sa, NULL);
  }
  sa.sa_handler = on_bus_error;
  sigaction(SIGBUS, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
}

void cli_signals_set_input(const char *path) {
  /* Written before any mapping exists, read only by the handler. */
  if (path == NULL) {
    g_input[0] = '\0';
    return;
  }
  size_t n = strlen(path);
  if (n >= sizeof g_input) n = sizeof g_input - 1;
  memcpy(g_input, path, n);
  g_input[n] = '\0';
}

bool cli_stdout_closed(void) {
  struct stat sb;
  if (fstat(STDOUT_FILENO, &sb) != 0 || !(S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode))) return false;
  struct pollfd p = {STDOUT_FILENO, POLLOUT, 0};
  /* A pipe with no reader polls as POLLERR; a socket whose peer closed as
   * POLLHUP or POLLERR. */
  return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
}

void cli_test_pause(const char *point) {
  const char *at = getenv("QUIVER_TEST_PAUSE_AT");
  const char *fifo = getenv("QUIVER_TEST_PAUSE_FIFO");
  if (at == NULL || fifo == NULL || strcmp(at, point) != 0) return;
  int fd;
  do {
    fd = open(fifo, O_RDONLY | O_CLOEXEC); /* blocks until the test opens it for writing */
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return;
  char buf[64];
  while (read(fd, buf, sizeof buf) > 0) {
  }
  close(fd);
}
