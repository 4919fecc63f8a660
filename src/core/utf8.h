/* quiver core: UTF-8 validation (internal).
 *
 * Written by hand rather than taken from a library: the check is ~100 lines,
 * needs to report *where* and *why* a sequence is bad, and must be fast on
 * the common all-ASCII case; no registry package offered all three in C.
 */
#ifndef QUIVER_CORE_UTF8_H
#define QUIVER_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length of the longest valid UTF-8 prefix of s[0, n) that ends on a
 * character boundary: n when the whole range is valid, otherwise the index
 * of the first byte of the first ill-formed sequence. Well-formed means
 * Unicode Table 3-7: no overlongs, no surrogates (U+D800..U+DFFF), nothing
 * above U+10FFFF, no truncated sequences. ASCII runs are checked 32 and 8
 * bytes at a time. */
int64_t qv__utf8_valid_prefix(const uint8_t *s, int64_t n);

/* Describes the ill-formed sequence starting at s[pos] (pos < n, as
 * returned by qv__utf8_valid_prefix) into buf, e.g.
 * "0xC3 followed by 0x28", "truncated sequence 0xE2 0x82 at end of value",
 * "overlong encoding 0xC0", "UTF-16 surrogate 0xED 0xA0",
 * "code point above U+10FFFF (0xF4 0x90)", "unexpected continuation byte 0x80",
 * "invalid byte 0xFF". snprintf semantics. */
void qv__utf8_describe(const uint8_t *s, int64_t n, int64_t pos, char *buf, size_t cap);

#endif
