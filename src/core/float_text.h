/* quiver core: decimal text to double, the exact fast paths (internal).
 *
 * Shared by the text formats (CSV, JSON Lines): each parses the syntax of
 * its own number grammar and hands the digits here; when no fast path
 * applies the caller converts the text with strtod, so every result is the
 * correctly rounded double either way.
 */
#ifndef QUIVER_CORE_FLOAT_TEXT_H
#define QUIVER_CORE_FLOAT_TEXT_H

#include <stdbool.h>
#include <stdint.h>

/* The double nearest to (neg ? -1 : 1) * mantissa * 10^scale, where
 * mantissa holds every significant digit of the text (at most 19 digits,
 * none dropped). False when no exact fast path applies: the caller then
 * converts the text with strtod. */
bool qv__float_from_decimal(uint64_t mantissa, int64_t scale, bool neg, double *out);

#endif
