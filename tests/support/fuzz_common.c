/* Helpers shared by the fuzz target bodies (fuzz_targets.h). */
#include <stdarg.h>
#include <stdio.h>

#include "quiver/batch.h"
#include "quiver/print.h"
#include "quiver/validate.h"
#include "support/fuzz_targets.h"

int qv_fuzz_fail(const char *target, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "fuzz %s: ", target);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return 1;
}

int qv_fuzz_check_error(const char *target, qv_status st, const qv_error *err, const char *what) {
  if (st == QV_OK) return 0;
  if (err->code != st) {
    return qv_fuzz_fail(target, "%s returned %s but the error says %s", what, qv_status_name(st),
                        qv_status_name(err->code));
  }
  if (err->message[0] == '\0') return qv_fuzz_fail(target, "%s returned %s with an empty message", what, qv_status_name(st));
  return 0;
}

int qv_fuzz_check_batch(const char *target, const qv_batch *batch, bool validated) {
  qv_error err;
  char *text = NULL;
  qv_error_clear(&err);
  qv_status st = qv_batch_validate(batch, QV_VALIDATE_FULL, &err);
  if (st != QV_OK && validated)
    return qv_fuzz_fail(target, "a batch returned after full validation fails it: %s", err.message);
  if (qv_fuzz_check_error(target, st, &err, "qv_batch_validate")) return 1;
  bool valid = st == QV_OK;
  qv_error_clear(&err);
  st = qv_batch_to_string(batch, NULL, &text, &err);
  qv_free_string(text);
  if (st != QV_OK && valid && st != QV_ERR_NO_MEMORY)
    return qv_fuzz_fail(target, "a valid batch does not print: %s", err.message);
  return qv_fuzz_check_error(target, st, &err, "qv_batch_to_string");
}
