/* libFuzzer entry for the regex target; the body is qv_fuzz_regex in
 * tests/support/fuzz_regex.c (shared with the corpus replay test). */
#include <stdlib.h>

#include "support/fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (qv_fuzz_regex(data, size) != 0) abort(); /* a broken invariant: let libFuzzer keep the input */
  return 0;
}
