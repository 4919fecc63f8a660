/* quiver validate: the check a writer makes before it formats a table's
 * rows (validate.c). Not installed. */
#ifndef QUIVER_VALIDATE_BATCHES_H
#define QUIVER_VALIDATE_BATCHES_H

#include "quiver/status.h"
#include "quiver/table.h"

/* Checks every batch of `table` structurally and that it has the schema's
 * column count, so that a writer may then read fixed-width slots without
 * bounds checks. QV_ERR_INVALID_DATA names the batch and the table row it
 * starts at. Unlike qv_table_validate, the batches' total row count is not
 * checked: a null-type column's length is not bounded by memory, so the
 * total may overflow (it only serves the messages, capped at INT64_MAX). */
qv_status qv__validate_table_batches(const qv_table *table, qv_error *err);

#endif
