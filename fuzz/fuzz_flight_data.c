/* libFuzzer entry for the flight_data target; the body is
 * qv_fuzz_flight_data in tests/support/fuzz_flight_data.c (shared with the
 * corpus replay test). */
#include <stdlib.h>

#include "support/fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (qv_fuzz_flight_data(data, size) != 0) abort(); /* a broken invariant: let libFuzzer keep the input */
  return 0;
}
