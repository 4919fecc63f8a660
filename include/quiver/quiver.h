/* quiver: Apache Arrow in C. One include for the whole public API. */
#ifndef QUIVER_QUIVER_H
#define QUIVER_QUIVER_H

#include "quiver/status.h"
#include "quiver/memory.h"
#include "quiver/bitmap.h"
#include "quiver/metadata.h"
#include "quiver/parquet_writer.h"
#include "quiver/type.h"
#include "quiver/field.h"
#include "quiver/schema.h"
#include "quiver/array.h"
#include "quiver/batch.h"
#include "quiver/chunked.h"
#include "quiver/table.h"
#include "quiver/concat.h"
#include "quiver/scalar.h"
#include "quiver/builder.h"
#include "quiver/validate.h"
#include "quiver/compare.h"
#include "quiver/print.h"
#include "quiver/cdata.h"
#include "quiver/ipc.h"
#include "quiver/json.h"
#include "quiver/compute.h"
#include "quiver/csv.h"
#include "quiver/jsonl.h"
#include "quiver/shm.h"
#include "quiver/parquet.h"
#include "quiver/atomic_file.h"
#include "quiver/flight.h"

#endif
