/* libFuzzer entry for the ipc_file target; the body is
 * qv_fuzz_ipc_file in tests/support/fuzz_ipc_file.c (shared with the
 * corpus replay test). */
#include <stdlib.h>

#include "support/fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (qv_fuzz_ipc_file(data, size) != 0) abort(); /* a broken invariant: let libFuzzer keep the input */
  return 0;
}
