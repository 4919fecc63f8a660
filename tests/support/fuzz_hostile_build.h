/* The builder of the hostile_array fuzz target: types and arrays that a
 * byte program describes, laid out to pass structural validation while
 * breaking content rules (fuzz_hostile_build.c).
 *
 * The program is read byte by byte (zeros once it runs out). Every buffer
 * is malloc'd at exactly its size and wrapped (qv_buffer_wrap), so ASan
 * sees a read one byte past it. A budget caps the bytes and nodes one input
 * may build.
 */
#ifndef QV_TESTS_SUPPORT_FUZZ_HOSTILE_BUILD_H
#define QV_TESTS_SUPPORT_FUZZ_HOSTILE_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include "quiver/array.h"
#include "quiver/type.h"
#include "support/fuzz_cdata_producer.h" /* qv_fuzz_prog, qv_fuzz_u8, qv_fuzz_chance */

typedef struct qv_fuzz_hostile {
  qv_fuzz_prog *g;
  int64_t bytes; /* buffer bytes allocated so far */
  int nodes;     /* arrays built so far */
  bool give_up;  /* over budget or a constructor refused: skip the input */
  /* Per-slot contents come from a PRNG seeded by the program (so a short
   * input still fills many slots); a hostile value replaces a plausible one
   * one time in hostile_one_in (0: never). qv_fuzz_hostile_start sets both. */
  uint32_t rng;
  unsigned hostile_one_in;
} qv_fuzz_hostile;

/* Reads the PRNG seed and the hostility level from the program. */
void qv_fuzz_hostile_start(qv_fuzz_hostile *h);

/* A type chosen by the program: every storage type, nested up to a few
 * levels (struct, list-likes, map, unions, dictionary, run-end encoded,
 * extension). NULL (with give_up set) when a constructor refused. Caller
 * owns the result. */
qv_type *qv_fuzz_hostile_build_type(qv_fuzz_hostile *h, int depth);

/* An array of `type` whose length is at least `need` (the program picks a
 * length when need < 0, sometimes near INT32_MAX or INT64_MAX), with
 * buffers and children whose contents come from the program: plausible
 * values with a few hostile ones mixed in (offsets backwards or out of
 * range, run ends unsorted, union ids and dictionary indices out of range,
 * view offsets, sizes and buffer indices past their buffers, null counts
 * that lie). NULL (with give_up set) when over budget. Caller owns it. */
qv_array *qv_fuzz_hostile_build_array(qv_fuzz_hostile *h, qv_type *type, int64_t need, int depth);

#endif
