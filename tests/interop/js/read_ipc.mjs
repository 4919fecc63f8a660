// Reads an Arrow IPC stream or file with apache-arrow (JS) and prints a JSON
// summary on stdout, for tests/interop/test_ipc_js.py:
//
//   node read_ipc.mjs PATH... [--rows N]
//
// prints, for one PATH, the object below; for several, an array of them
// (one node start-up for many files):
//
//   {"format": "stream" | "file", "numRows": ..., "batchRows": [...],
//    "metadata": {schema custom metadata},
//    "fields": [{"name", "type" (JS type string), "typeId", "nullable", "metadata"}],
//    "columns": {name: {"nullCount": n, "values": [first N values]}}}
//
// Values are normalised so that Python can build the same summary from a
// pyarrow table: 64-bit integers as decimal strings, binary as lowercase hex,
// lists as arrays, structs as objects, maps as arrays of [key, value] pairs,
// dictionary values decoded, non-finite floats as strings. Errors go to
// stderr with exit status 1.
import { readFileSync } from 'node:fs';
import { DataType, RecordBatchReader } from 'apache-arrow';

function hex(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function convert(v, type) {
  if (v === null || v === undefined) return null;
  if (DataType.isDictionary(type)) return convert(v, type.dictionary);
  if (DataType.isNull(type)) return null;
  if (DataType.isInt(type)) return type.bitWidth === 64 ? v.toString() : Number(v);
  if (DataType.isFloat(type)) return Number.isFinite(v) ? v : String(v);
  if (DataType.isBool(type)) return Boolean(v);
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isUtf8View(type)) return v;
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isBinaryView(type) ||
      DataType.isFixedSizeBinary(type)) {
    return hex(v);
  }
  if (DataType.isList(type) || DataType.isLargeList(type) || DataType.isFixedSizeList(type)) {
    const child = type.children[0].type;
    return Array.from(v, (x) => convert(x, child));
  }
  if (DataType.isStruct(type)) {
    const row = v.toJSON();
    const out = {};
    for (const f of type.children) out[f.name] = convert(row[f.name], f.type);
    return out;
  }
  if (DataType.isMap(type)) {
    const out = [];
    for (const [k, x] of v) out.push([convert(k, type.keyType), convert(x, type.valueType)]);
    return out;
  }
  return String(v);
}

function metadataObject(m) {
  const out = {};
  if (m) for (const [k, v] of m) out[k] = v;
  return out;
}

function summarize(path, rows) {
  const reader = RecordBatchReader.from(readFileSync(path));
  reader.open();
  const format = reader.isFile() ? 'file' : 'stream';
  const schema = reader.schema; // before iterating: a finished reader drops it
  const batches = [...reader];

  const columns = {};
  let numRows = 0;
  for (const b of batches) numRows += b.numRows;
  schema.fields.forEach((f, c) => {
    const values = [];
    let nullCount = 0;
    for (const b of batches) {
      const vec = b.getChildAt(c);
      nullCount += vec.nullCount;
      for (let r = 0; r < vec.length && values.length < rows; r++) values.push(convert(vec.get(r), f.type));
    }
    columns[f.name] = { nullCount, values };
  });

  const summary = {
    format,
    numRows,
    batchRows: batches.map((b) => b.numRows),
    metadata: metadataObject(schema.metadata),
    fields: schema.fields.map((f) => ({
      name: f.name,
      type: String(f.type),
      typeId: f.type.typeId,
      nullable: f.nullable,
      metadata: metadataObject(f.metadata),
    })),
    columns,
  };
  return summary;
}

function main(argv) {
  let rows = Infinity;
  const paths = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rows') rows = Number(argv[++i]);
    else paths.push(argv[i]);
  }
  if (paths.length === 0) throw new Error('usage: node read_ipc.mjs PATH... [--rows N]');
  const out = paths.map((p) => {
    try {
      return summarize(p, rows);
    } catch (e) {
      throw new Error(`${p}: ${e && e.message ? e.message : e}`, { cause: e });
    }
  });
  process.stdout.write(JSON.stringify(paths.length === 1 ? out[0] : out));
}

try {
  main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`read_ipc.mjs: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
}
