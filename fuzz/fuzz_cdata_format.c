/* libFuzzer entry for the cdata_format target; the body is qv_fuzz_cdata_format in
 * tests/support/fuzz_cdata_format.c (shared with the corpus replay test). */
#include <stdlib.h>

#include "support/fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (qv_fuzz_cdata_format(data, size) != 0) abort(); /* a broken invariant: let libFuzzer keep the input */
  return 0;
}
