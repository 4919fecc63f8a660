/* Fuzz body: the FlightData parser (src/flight/wire.c) and, when it
 * accepts, the IPC message in data_header, decoded as a Flight peer's
 * stream reader would. Invariants: an accepted message's body is exactly
 * its declared length; header and app_metadata lengths fit in the input. */
#include <string.h>

#include "flight/internal.h"
#include "support/fuzz_targets.h"

int qv_fuzz_flight_data(const uint8_t *data, size_t size) {
  qv__flight_data fd;
  qv_error err;
  if (qv__flight_data_decode_bytes(data, size, &fd, &err) != QV_OK) return 0;
  int rc = 0;
  if (fd.header_len > size || fd.app_metadata.len > size || (uint64_t)fd.body_len > size)
    rc = qv_fuzz_fail("flight_data", "a field longer than the input was accepted");
  if (fd.body_len > 0 && (fd.body == NULL || fd.body->size != fd.body_len))
    rc = qv_fuzz_fail("flight_data", "the body buffer does not hold the declared bytes");
  if (rc == 0 && fd.header_len > 0) {
    qv_ipc_message msg;
    if (qv__ipc_message_decode(fd.header, fd.header_len, &msg, &err) == QV_OK && msg.body_length < 0)
      rc = qv_fuzz_fail("flight_data", "a negative bodyLength was accepted");
  }
  qv__flight_data_clear(&fd);
  return rc;
}
