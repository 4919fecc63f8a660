/* quiver CLI: the progress line. Shown on stderr only when stderr is a
 * terminal and the work has lasted more than a second, redrawn in place
 * ("\r") at most four times a second and erased at the end, so quick runs
 * and redirected output never see it. QUIVER_PROGRESS=always shows it from
 * the first update whatever stderr is (one line per redraw, for tests and
 * logs); QUIVER_PROGRESS=never turns it off.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cli_progress_init(cli_progress *p, const char *label) {
  memset(p, 0, sizeof *p);
  p->label = label;
  const char *env = getenv("QUIVER_PROGRESS");
  p->always = env && strcmp(env, "always") == 0;
  p->enabled = p->always || (isatty(STDERR_FILENO) && !(env && strcmp(env, "never") == 0));
  p->start = now_s();
  p->last = 0;
}

void cli_progress_update(cli_progress *p, int64_t rows, int64_t batches, int64_t bytes) {
  if (!p->enabled) return;
  double t = now_s();
  if (!p->always && t - p->start < 1.0) return;
  if (p->shown && t - p->last < 0.25) return;
  p->last = t;
  p->shown = true;
  char extra[64] = "";
  if (bytes >= 0) snprintf(extra, sizeof extra, ", %.1f MB", (double)bytes / 1e6);
  fprintf(stderr, "%s%s: %lld rows, %lld batches%s, %.1f s%s", p->always ? "" : "\r", p->label,
          (long long)rows, (long long)batches, extra, t - p->start, p->always ? "\n" : "\033[K");
  fflush(stderr);
}

void cli_progress_end(cli_progress *p) {
  if (!p->shown || p->always) return;
  fputs("\r\033[K", stderr);
  fflush(stderr);
  p->shown = false;
}
