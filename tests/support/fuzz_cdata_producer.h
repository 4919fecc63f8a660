/* The C Data producer of the cdata_import fuzz target: ArrowSchema and
 * ArrowArray trees built from a byte program (fuzz_cdata_producer.c).
 *
 * The program is read byte by byte, zeros once it runs out. Every node the
 * producer allocates is counted in qv_fuzz_cdata (alive nodes, root
 * releases, buffer bytes), so the consumer side can check that an import
 * released everything exactly once. Single-threaded: the counters are
 * global and reset per input with qv_fuzz_cdata_reset.
 */
#ifndef QV_TESTS_SUPPORT_FUZZ_CDATA_PRODUCER_H
#define QV_TESTS_SUPPORT_FUZZ_CDATA_PRODUCER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quiver/cdata.h"
#include "quiver/type.h"

/* The byte program. */
typedef struct qv_fuzz_prog {
  const uint8_t *p;
  size_t n, pos;
} qv_fuzz_prog;

/* The next byte (0 once the input is exhausted). */
static inline uint8_t qv_fuzz_u8(qv_fuzz_prog *g) { return g->pos < g->n ? g->p[g->pos++] : 0; }
/* True one time in `one_in` (never once the input is exhausted). */
static inline bool qv_fuzz_chance(qv_fuzz_prog *g, unsigned one_in) { return qv_fuzz_u8(g) % one_in == one_in - 1; }

/* Counters kept by the producer's allocations and release callbacks. */
typedef struct qv_fuzz_cdata_stats {
  int schema_alive, array_alive; /* nodes allocated and not released */
  int schema_root_releases, array_root_releases;
  int64_t bytes; /* buffer bytes allocated for this input */
  bool skip;     /* a buffer would exceed the per-input budget: not a valid producer, skip the input */
  int nodes;     /* schema nodes built */
} qv_fuzz_cdata_stats;

extern qv_fuzz_cdata_stats qv_fuzz_cdata;

/* Zeroes the counters (once per input). */
void qv_fuzz_cdata_reset(void);

/* What a parent asks of a child schema node. */
typedef struct qv_fuzz_node_spec {
  const char *format; /* NULL: chosen by the input */
  int n_kids;         /* -1: from the format (and the input) */
  int chain;          /* > 0: "+l" over chain - 1 more levels (then "i") */
  bool entries;       /* a map's entries struct: non-nullable, key non-nullable */
  bool non_nullable;  /* flags 0 */
} qv_fuzz_node_spec;

/* Fills *s as a live producer ArrowSchema tree. Returns false only when an
 * allocation failed; s->release is then set if anything needs releasing. */
bool qv_fuzz_fill_schema(qv_fuzz_prog *gp, struct ArrowSchema *s, int depth, const qv_fuzz_node_spec *sp);

/* What a parent wants of a child array. */
typedef struct qv_fuzz_arr_hint {
  int64_t len;         /* wanted length (>= 0), or -1 for any */
  bool run_ends;       /* a run_ends child: strictly increasing values */
  int64_t run_end_min; /* the last run end should reach this */
} qv_fuzz_arr_hint;

/* Fills *a as a live producer ArrowArray tree laid out (or mislaid out) for
 * `type`. Returns false only when an allocation failed; it returns true
 * with qv_fuzz_cdata.skip set when a buffer would exceed the budget. Either
 * way a->release is set if anything needs releasing. */
bool qv_fuzz_fill_array(qv_fuzz_prog *gp, struct ArrowArray *a, const qv_type *type, int depth,
                        const qv_fuzz_arr_hint *h);

/* Marks a top-level node, whose release callback counts root releases. */
void qv_fuzz_schema_set_root(struct ArrowSchema *s);
void qv_fuzz_array_set_root(struct ArrowArray *a);

#endif
