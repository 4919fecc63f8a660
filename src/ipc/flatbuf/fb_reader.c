/* quiver: out-of-line helpers for reading verified FlatBuffers.
 *
 * The accessors themselves are inline in fb_reader.h (they sit on the IPC
 * read path, once per field per message); this file holds the few helpers
 * that are not worth inlining. Same invariant as the header: only use them
 * on strings/tables reached through a verified buffer.
 */
#include "ipc/flatbuf/fb_reader.h"

#include <string.h>

bool qv__fb_string_eq(const char *s, size_t n, const char *cstr) {
  if (s == NULL || cstr == NULL) return s == cstr;
  size_t m = strlen(cstr);
  return m == n && memcmp(s, cstr, n) == 0;
}
