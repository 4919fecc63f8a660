/* quiver csv: 64-byte windows classified into masks (classify.c), and a
 * cursor that finds the next delimiter, line end or quote from them. Not
 * installed. */
#ifndef QUIVER_CSV_CLASSIFY_H
#define QUIVER_CSV_CLASSIFY_H

#include <stdbool.h>
#include <stdint.h>

/* Bit i of each mask: byte i of the window is the delimiter, a line end
 * (CR or LF), the quote character. */
typedef struct qv__csv_masks {
  uint64_t delim, eol, quote;
} qv__csv_masks;

/* Classifies p[0, 64) (all 64 bytes must be readable). */
typedef void (*qv__csv_classify_fn)(const uint8_t *p, uint8_t delim, uint8_t quote, qv__csv_masks *m);

typedef enum qv__csv_isa { QV__CSV_ISA_BEST = 0, QV__CSV_ISA_SWAR, QV__CSV_ISA_SSE2, QV__CSV_ISA_AVX2 } qv__csv_isa;

/* The classifier of that instruction set (BEST: the fastest this CPU runs),
 * or NULL when this machine has not got it. */
qv__csv_classify_fn qv__csv_classifier(qv__csv_isa isa);
void qv__csv_classify_swar(const uint8_t *p, uint8_t delim, uint8_t quote, qv__csv_masks *m);
/* Classifies the n < 64 bytes at p (bits from n on are 0). */
void qv__csv_classify_tail(qv__csv_classify_fn fn, const uint8_t *p, int64_t n, uint8_t delim, uint8_t quote,
                           qv__csv_masks *m);

/* The bytes of p[0, n) equal to a or to b (pass a twice for one value). */
typedef int64_t (*qv__csv_count_fn)(const uint8_t *p, int64_t n, uint8_t a, uint8_t b);
qv__csv_count_fn qv__csv_counter(qv__csv_isa isa);
int64_t qv__csv_count_swar(const uint8_t *p, int64_t n, uint8_t a, uint8_t b);

/* Walks p[0, n) a window at a time. Windows start at multiples of 64. */
typedef struct qv__csv_cursor {
  const uint8_t *p;
  int64_t n;
  int64_t base; /* the window in the masks: [base, base + 64); -1 before the first */
  qv__csv_masks m;
  qv__csv_classify_fn classify;
  uint8_t delim, quote;
} qv__csv_cursor;

static inline void qv__csv_cursor_init(qv__csv_cursor *c, const uint8_t *p, int64_t n, uint8_t delim, uint8_t quote,
                                       qv__csv_classify_fn classify) {
  c->p = p;
  c->n = n;
  c->base = -1;
  c->classify = classify;
  c->delim = delim;
  c->quote = quote;
}

static inline void qv__csv_cursor_load(qv__csv_cursor *c, int64_t base) {
  c->base = base;
  if (base + 64 <= c->n) c->classify(c->p + base, c->delim, c->quote, &c->m);
  else qv__csv_classify_tail(c->classify, c->p + base, c->n - base, c->delim, c->quote, &c->m);
}

/* The first i >= from whose byte is in the classes `which` selects (1:
 * delimiter, 2: line end, 4: quote), or n. */
static inline int64_t qv__csv_cursor_next(qv__csv_cursor *c, int64_t from, unsigned which) {
  for (;;) {
    if (from >= c->n) return c->n;
    const int64_t base = from & ~(int64_t)63;
    if (base != c->base) qv__csv_cursor_load(c, base);
    const uint64_t mask = ((which & 1) ? c->m.delim : 0) | ((which & 2) ? c->m.eol : 0) |
                          ((which & 4) ? c->m.quote : 0);
    const uint64_t ahead = mask >> (from - base);
    if (ahead) return from + __builtin_ctzll(ahead);
    from = base + 64;
  }
}

#endif
