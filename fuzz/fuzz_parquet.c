/* libFuzzer entry for the parquet target; the body is qv_fuzz_parquet in
 * tests/support/fuzz_parquet.c (shared with the corpus replay test). */
#include <stdlib.h>

#include "support/fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (qv_fuzz_parquet(data, size) != 0) abort(); /* a broken invariant: let libFuzzer keep the input */
  return 0;
}
