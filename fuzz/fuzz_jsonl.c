/* libFuzzer entry for the jsonl target; the body is qv_fuzz_jsonl in
 * tests/support/fuzz_jsonl.c (shared with the corpus replay test). */
#include <stdlib.h>

#include "support/fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (qv_fuzz_jsonl(data, size) != 0) abort(); /* a broken invariant: let libFuzzer keep the input */
  return 0;
}
