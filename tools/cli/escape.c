/* quiver CLI: control characters made visible before text from a file
 * reaches the terminal.
 *
 * Field names, metadata and string values come from the input, which may
 * be hostile: an ESC or an OSC sequence in a column name would otherwise
 * recolour, retitle or rewrite the user's terminal, a CR would hide what
 * precedes it. Everything cat, schema and stats print passes through one
 * filter that keeps newline, tab, printable ASCII and well-formed UTF-8, and
 * writes every other byte as \xNN: C0 controls, DEL, raw C1 bytes and any
 * byte that is not part of a UTF-8 sequence. UTF-8-encoded C1 controls
 * (U+0080..U+009F, which some terminals obey) are written as \u00NN.
 * The filter keeps its UTF-8 state across writes, so a sequence split
 * between two stdio flushes is judged whole.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct escaper {
  uint8_t lead[4]; /* a UTF-8 sequence read so far, not yet emitted */
  int have, need;  /* bytes held, bytes the sequence needs in all */
} escaper;

typedef void (*emit_fn)(void *ctx, const char *s, size_t n);

static void emit_hex(emit_fn emit, void *ctx, uint8_t b) {
  char buf[5];
  snprintf(buf, sizeof buf, "\\x%02x", b);
  emit(ctx, buf, 4);
}

/* The held bytes did not complete a sequence: each is shown as \xNN. */
static void flush_held(escaper *e, emit_fn emit, void *ctx) {
  for (int i = 0; i < e->have; i++) emit_hex(emit, ctx, e->lead[i]);
  e->have = e->need = 0;
}

static int sequence_length(uint8_t b) {
  if (b >= 0xC2 && b <= 0xDF) return 2;
  if (b >= 0xE0 && b <= 0xEF) return 3;
  if (b >= 0xF0 && b <= 0xF4) return 4;
  return 0;
}

static void escape_bytes(escaper *e, const uint8_t *p, size_t n, emit_fn emit, void *ctx) {
  for (size_t i = 0; i < n; i++) {
    uint8_t b = p[i];
    if (e->need > 0) {
      if ((b & 0xC0) == 0x80) {
        e->lead[e->have++] = b;
        if (e->have < e->need) continue;
        if (e->need == 2 && e->lead[0] == 0xC2 && e->lead[1] < 0xA0) { /* a C1 control */
          char buf[7];
          snprintf(buf, sizeof buf, "\\u%04x", e->lead[1]);
          emit(ctx, buf, 6);
        } else {
          emit(ctx, (const char *)e->lead, (size_t)e->have);
        }
        e->have = e->need = 0;
        continue;
      }
      flush_held(e, emit, ctx); /* then judge b on its own */
    }
    if (b >= 0x80) {
      int len = sequence_length(b);
      if (len == 0) {
        emit_hex(emit, ctx, b);
      } else {
        e->lead[0] = b;
        e->have = 1;
        e->need = len;
      }
    } else if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7F) {
      emit_hex(emit, ctx, b);
    } else {
      emit(ctx, (const char *)&b, 1);
    }
  }
}

/* ---- the FILE ---- */

typedef struct cookie {
  escaper e;
  FILE *out;
} cookie;

static void emit_file(void *ctx, const char *s, size_t n) { fwrite(s, 1, n, (FILE *)ctx); }

static ssize_t cookie_write(void *c, const char *buf, size_t n) {
  cookie *k = c;
  escape_bytes(&k->e, (const uint8_t *)buf, n, emit_file, k->out);
  return ferror(k->out) ? -1 : (ssize_t)n;
}

static int cookie_close(void *c) {
  cookie *k = c;
  flush_held(&k->e, emit_file, k->out);
  int rc = fflush(k->out) == 0 && !ferror(k->out) ? 0 : -1;
  free(k);
  return rc;
}

FILE *cli_escaping_file(FILE *f) {
  cookie *k = calloc(1, sizeof *k);
  if (k == NULL) return NULL;
  k->out = f;
  cookie_io_functions_t io = {NULL, cookie_write, NULL, cookie_close};
  FILE *out = fopencookie(k, "w", io);
  if (out == NULL) free(k);
  return out;
}

/* ---- into a string ---- */

typedef struct text {
  char *p;
  size_t n, cap;
  bool failed;
} text;

static void emit_text(void *ctx, const char *s, size_t n) {
  text *t = ctx;
  if (t->failed) return;
  if (t->n + n + 1 > t->cap) {
    size_t cap = (t->n + n + 1) * 2;
    char *p = realloc(t->p, cap);
    if (p == NULL) {
      t->failed = true;
      return;
    }
    t->p = p;
    t->cap = cap;
  }
  memcpy(t->p + t->n, s, n);
  t->n += n;
  t->p[t->n] = '\0';
}

char *cli_escape_text(const char *s) {
  escaper e = {0};
  text t = {0};
  emit_text(&t, "", 0);
  escape_bytes(&e, (const uint8_t *)s, strlen(s), emit_text, &t);
  flush_held(&e, emit_text, &t);
  if (t.failed) {
    free(t.p);
    return NULL;
  }
  return t.p;
}
