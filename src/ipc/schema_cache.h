/* quiver IPC: a small process-wide cache of decoded Schema messages.
 * Internal header.
 *
 * Readers of many short streams with one schema (a service answering
 * requests, the one-call read functions in a loop) meet the same Schema
 * message again and again; verifying and decoding it is most of the cost of
 * such a read. Both are pure functions of the message's bytes (no
 * registry or option enters them), so a message byte for byte equal to one
 * verified and decoded before can reuse what was found then: the verifier
 * would accept it again, and the decoder would build an equal schema
 * (shared here: qv_schema is immutable and reference counted atomically).
 *
 * Only schemas without dictionary-encoded fields are kept (their
 * dictionary slots stay with the decoder that made them), of at most
 * QV__SCHEMA_CACHE_MAX_BYTES of metadata, in QV__SCHEMA_CACHE_SLOTS
 * entries replaced in turn. A mutex guards the entries; lookups compare
 * lengths first, then bytes. Nothing here can fail: when memory is short,
 * a schema is simply not remembered.
 */
#ifndef QV_IPC_SCHEMA_CACHE_H
#define QV_IPC_SCHEMA_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/metadata.h"

#define QV__SCHEMA_CACHE_SLOTS 4
#define QV__SCHEMA_CACHE_MAX_BYTES ((size_t)256 << 10)

/* True when meta[0, len) equals the bytes of a Message remembered here
 * (verified, and decoded without error, before). */
bool qv__schema_cache_known(const uint8_t *meta, size_t len);

/* When meta[0, len) is remembered: fills *out with a new reference to its
 * schema (no dictionary slots, features and endianness as decoded) and
 * returns true; else leaves *out alone and returns false. */
bool qv__schema_cache_get(const uint8_t *meta, size_t len, qv_ipc_schema_info *out);

/* Remembers the decoding `info` of the verified Schema Message meta[0, len)
 * (unless it has dictionary fields, is too large, or memory is short). */
void qv__schema_cache_put(const uint8_t *meta, size_t len, const qv_ipc_schema_info *info);

/* Forgets every entry (tests; also releases the schemas held). */
void qv__schema_cache_clear(void);

/* Entries held now (tests). */
int qv__schema_cache_size(void);

#endif
