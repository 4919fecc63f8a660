"""Minimal Thrift compact protocol codec for attack generation (not product code)."""
import struct

class R:
    def __init__(s, b, p=0): s.b, s.p = b, p
    def byte(s):
        v = s.b[s.p]; s.p += 1; return v
    def varint(s):
        v = sh = 0
        while True:
            c = s.byte(); v |= (c & 0x7f) << sh; sh += 7
            if not c & 0x80: return v
    def zz(s):
        u = s.varint(); return (u >> 1) ^ -(u & 1)

def read_value(r, t):
    if t in (1, 2): return t == 1
    if t == 3: return struct.unpack('b', bytes([r.byte()]))[0]
    if t in (4, 5, 6): return r.zz()
    if t == 7: v = r.b[r.p:r.p+8]; r.p += 8; return v
    if t == 8: n = r.varint(); v = bytes(r.b[r.p:r.p+n]); r.p += n; return v
    if t in (9, 10):
        h = r.byte(); et = h & 15; n = h >> 4
        if n == 15: n = r.varint()
        return (et, [read_value(r, et) if et not in (1, 2) else r.byte() == 1 for _ in range(n)])
    if t == 11:
        n = r.varint()
        if n == 0: return (0, 0, [])
        kv = r.byte(); kt, vt = kv >> 4, kv & 15
        return (kt, vt, [(read_value(r, kt), read_value(r, vt)) for _ in range(n)])
    if t == 12:
        fields = []; last = 0
        while True:
            h = r.byte(); ft = h & 15
            if ft == 0: return fields
            d = h >> 4
            fid = last + d if d else r.zz()
            last = fid
            fields.append([fid, ft, read_value(r, ft)])
    raise ValueError('type %d' % t)

def wvarint(u):
    out = bytearray()
    while True:
        c = u & 0x7f; u >>= 7
        if u: out.append(c | 0x80)
        else: out.append(c); return bytes(out)

def wzz(v, bits=64):
    return wvarint(((v << 1) ^ (v >> (bits - 1))) & ((1 << bits) - 1))

def write_value(t, v):
    if t == 3: return struct.pack('b', v)
    if t in (4, 5, 6): return wzz(v, {4: 16, 5: 32, 6: 64}[t])
    if t == 7: return bytes(v)
    if t == 8: return wvarint(len(v)) + v
    if t in (9, 10):
        et, items = v
        h = bytes([(len(items) << 4) | et]) if len(items) < 15 else bytes([0xf0 | et]) + wvarint(len(items))
        return h + b''.join(bytes([1 if x else 2]) if et in (1, 2) else write_value(et, x) for x in items)
    if t == 11:
        kt, vt, items = v
        if not items: return b'\0'
        return wvarint(len(items)) + bytes([(kt << 4) | vt]) + b''.join(write_value(kt, a) + write_value(vt, b) for a, b in items)
    if t == 12:
        out = bytearray(); last = 0
        for fid, ft, fv in v:
            wt = (1 if fv else 2) if ft in (1, 2) else ft
            d = fid - last
            if 0 < d <= 15: out.append((d << 4) | wt)
            else: out.append(wt); out += wzz(fid, 16)
            last = fid
            if ft not in (1, 2): out += write_value(ft, fv)
        out.append(0); return bytes(out)
    raise ValueError(t)

def decode_struct(b, p=0):
    r = R(b, p); v = read_value(r, 12); return v, r.p

def get(st, fid):
    for f in st:
        if f[0] == fid: return f
    return None
