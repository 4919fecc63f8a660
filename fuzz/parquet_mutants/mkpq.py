"""Builds minimal Parquet files field by field (for hand-made hostile tests)."""
import struct, thrift as T
I32, I64, BIN, LIST, STRUCT = 5, 6, 8, 9, 12

def page_header(ptype, usize, csize, dph=None, dict_ph=None, v2=None):
    f = [[1, I32, ptype], [2, I32, usize], [3, I32, csize]]
    if dph: f.append([5, STRUCT, dph])
    if dict_ph: f.append([7, STRUCT, dict_ph])
    if v2: f.append([8, STRUCT, v2])
    return T.write_value(STRUCT, f)

def data_v1(num_values, encoding=0, def_enc=3, rep_enc=3):
    return [[1, I32, num_values], [2, I32, encoding], [3, I32, def_enc], [4, I32, rep_enc]]

def build(leaf_type, repetition, pages, num_values, num_rows, dict_offset=None, type_length=None, stats=None,
          name=b'c', codec=0):
    body = bytearray(b'PAR1')
    offs = []
    for p in pages:
        offs.append(len(body)); body += p
    data_off = offs[1] if dict_offset is not None else offs[0]
    leaf = [[1, I32, leaf_type]]
    if type_length is not None: leaf.append([2, I32, type_length])
    leaf += [[3, I32, repetition], [4, BIN, name]]
    schema = [[[4, BIN, b'schema'], [5, I32, 1]], leaf]
    cmd = [[1, I32, leaf_type], [2, LIST, (I32, [0])], [3, LIST, (BIN, [name])], [4, I32, codec],
           [5, I64, num_values], [6, I64, len(body) - 4], [7, I64, len(body) - 4], [9, I64, data_off]]
    if dict_offset is not None: cmd.append([11, I64, offs[0]])
    if stats is not None: cmd.append([12, STRUCT, stats])
    cc = [[2, I64, offs[0]], [3, STRUCT, cmd]]
    rg = [[1, LIST, (STRUCT, [cc])], [2, I64, len(body) - 4], [3, I64, num_rows]]
    meta = [[1, I32, 1], [2, LIST, (STRUCT, schema)], [3, I64, num_rows], [4, LIST, (STRUCT, [rg])]]
    footer = T.write_value(STRUCT, meta)
    return bytes(body) + footer + struct.pack('<I', len(footer)) + b'PAR1'

def c_array(name, data):
    out = 'static const uint8_t %s[] = {' % name
    for i, b in enumerate(data):
        if i % 16 == 0: out += '\n    '
        out += '0x%02x,' % b
    return out + '\n};'
