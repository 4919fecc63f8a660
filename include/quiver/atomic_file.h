/* quiver: the temporary files of atomic path output.
 *
 * Every writer that takes a path (qv_ipc_write_path, qv_ipc_writer_open_path,
 * qv_json_write_table_path, qv_csv_write_table_path) writes to a sibling
 * temporary file "<destination>.qv-tmp-<pid>-<n>" and renames it over the
 * destination only when the output is complete, so the destination always holds the old file
 * or the whole new one. A failure, or freeing an unclosed writer, removes
 * the temporary at once. A signal that ends the process does not run that
 * cleanup; a program that wants it calls qv_atomic_files_discard from its
 * handler (the quiver CLI does, for SIGINT, SIGTERM, SIGHUP and SIGBUS).
 * SIGKILL cannot be caught: it may leave a "*.qv-tmp-*" file behind, never
 * a torn destination.
 */
#ifndef QUIVER_ATOMIC_FILE_H
#define QUIVER_ATOMIC_FILE_H

#include "quiver/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Unlinks the temporary file of every path output of this process that is
 * open and not yet committed (the destinations are untouched). The writers
 * stay usable only to be freed. Async-signal-safe (unlink only; no
 * allocation, no lock): meant for a signal handler that then ends the
 * process. At most 64 outputs open at once are tracked; more are still
 * atomic but not cleaned up here. */
QV_API void qv_atomic_files_discard(void);

#ifdef __cplusplus
}
#endif
#endif
