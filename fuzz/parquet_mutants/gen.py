"""Structured attacks on small Parquet files: writes mutated files to an output dir."""
import copy, os, random, struct, sys
import thrift as T

SPECIAL = [-1, 0, 1, 2**31 - 1, -2**31, 2**31 - 8, 2**63 - 1, -2**63, 2**32, 2**62]
RANGE = {3: (-128, 127), 4: (-2**15, 2**15 - 1), 5: (-2**31, 2**31 - 1), 6: (-2**63, 2**63 - 1)}

def split(d):
    n = struct.unpack('<I', d[-8:-4])[0]
    return d[:len(d) - 8 - n], d[len(d) - 8 - n:-8]

def assemble(body, footer):
    return body + footer + struct.pack('<I', len(footer)) + b'PAR1'

def leaves(node, path=()):
    """(path, type) of every int/binary leaf in a struct tree; path indexes into lists."""
    for i, f in enumerate(node):
        fid, ft, fv = f
        p = path + (i,)
        if ft in (3, 4, 5, 6, 8): yield p, ft
        elif ft == 12: yield from leaves(fv, p + ('s',))
        elif ft in (9, 10) and fv[0] == 12:
            for j, el in enumerate(fv[1]): yield from leaves(el, p + ('l', j))
        elif ft in (9, 10) and fv[0] in (3, 4, 5, 6, 8):
            for j in range(len(fv[1])): yield p + ('e', j), fv[0]

def ref(root, path):
    """(container, key) so container[key] is the leaf value."""
    node = root; i = 0
    while True:
        f = node[path[i]]
        if i + 1 == len(path): return f, 2
        tag = path[i + 1]
        if tag == 's': node = f[2]; i += 2
        elif tag == 'l': node = f[2][1][path[i + 2]]; i += 3
        elif tag == 'e': return f[2][1], path[i + 2]

def footer_mutants(meta, rnd, limit):
    out = []
    ls = list(leaves(meta))
    for p, t in ls:
        c, k = ref(meta, p)
        v = c[k]
        if t == 8:
            vals = [b'', v[:-1], v + b'\x00', v * 2, b'\xff' * 8, b'\x00' * 16]
        else:
            lo, hi = RANGE[t]
            vals = [x for x in SPECIAL + [v + 1, v - 1, v * 2 + 7] if lo <= x <= hi and x != v]
        for nv in vals:
            out.append((p, nv))
    rnd.shuffle(out)
    res = []
    for p, nv in out[:limit]:
        m = copy.deepcopy(meta)
        c, k = ref(m, p)
        c[k] = nv
        res.append(('f' + '-'.join(map(str, p)) + '=' + (str(nv) if not isinstance(nv, bytes) else 'b%d' % len(nv)), m))
    return res

def chunk_metas(meta):
    rgs = T.get(meta, 4)
    for g in (rgs[2][1] if rgs else []):
        for cc in T.get(g, 1)[2][1]:
            cm = T.get(cc, 3)
            if cm: yield cm[2]

def fix_offsets(meta, pos, delta):
    rgs = T.get(meta, 4)
    for g in (rgs[2][1] if rgs else []):
        for f in g:
            if f[0] == 5 and f[2] > pos: f[2] += delta
        for cc in T.get(g, 1)[2][1]:
            for f in cc:
                if f[0] in (2, 4, 6) and f[1] == 6 and f[2] > pos: f[2] += delta
            cm = T.get(cc, 3)
            if not cm: continue
            start = min(x[2] for x in cm[2] if x[0] in (9, 11))
            for f in cm[2]:
                if f[0] in (9, 10, 11) and f[2] > pos: f[2] += delta
            if start <= pos:
                tc = T.get(cm[2], 7)
                if tc and start + tc[2] > pos: tc[2] += delta

def page_headers(body, meta):
    """(offset, header struct, header length, payload length) of every page."""
    out = []
    for cm in chunk_metas(meta):
        offs = [x[2] for x in cm if x[0] in (9, 11)]
        start = min(offs); tc = T.get(cm, 7)[2]
        p = start
        while p < start + tc and p < len(body):
            try:
                h, e = T.decode_struct(body, p)
            except Exception:
                break
            csz = T.get(h, 3)[2]
            out.append((p, h, e - p, csz))
            p = e + csz
    return out

def page_mutants(body, meta, rnd, limit):
    cand = []
    for off, h, hl, csz in page_headers(body, meta):
        for p, t in leaves(h):
            c, k = ref(h, p); v = c[k]
            if t == 8: continue
            lo, hi = RANGE[t]
            for nv in [x for x in SPECIAL + [v + 1, v - 1, v * 2 + 7] if lo <= x <= hi and x != v]:
                cand.append((off, hl, h, p, nv))
        # payload attacks: fill with 0xff / zero, flip first bytes
        cand.append((off, hl, h, 'ff', csz))
        cand.append((off, hl, h, 'zero', csz))
        cand.append((off, hl, h, 'cut', csz))
    rnd.shuffle(cand)
    res = []
    for off, hl, h, p, nv in cand[:limit]:
        m = copy.deepcopy(meta)
        if p in ('ff', 'zero'):
            b = bytearray(body)
            n = min(nv, 64)
            b[off + hl:off + hl + n] = (b'\xff' if p == 'ff' else b'\x00') * n
            res.append(('p%d-%s' % (off, p), bytes(b), m)); continue
        if p == 'cut':  # drop the header and payload of this page
            n = hl + nv
            b = body[:off] + body[off + n:]
            fix_offsets(m, off, -n)
            res.append(('p%d-cut' % off, b, m)); continue
        h2 = copy.deepcopy(h)
        c, k = ref(h2, p); c[k] = nv
        enc = T.write_value(12, h2)
        delta = len(enc) - hl
        b = body[:off] + enc + body[off + hl:]
        if delta: fix_offsets(m, off, delta)
        res.append(('p%d-%s=%d' % (off, '-'.join(map(str, p)), nv), b, m))
    return res

def main():
    out_dir = sys.argv[1]; files = sys.argv[2:]
    os.makedirs(out_dir, exist_ok=True)
    rnd = random.Random(1234)
    count = 0
    for path in files:
        d = open(path, 'rb').read()
        base = os.path.basename(path).replace('.parquet', '')
        try:
            body, footer = split(d)
            meta, e = T.decode_struct(footer)
            assert e == len(footer)
        except Exception as ex:
            print('skip', path, ex); continue
        def w(tag, data):
            nonlocal count
            open(os.path.join(out_dir, '%s__%s' % (base, tag)), 'wb').write(data); count += 1
        # truncation of the footer at every byte
        for k in range(len(footer)):
            w('footcut%d' % k, assemble(body, footer[:k]))
        # truncation of the data at every byte (footer kept)
        step = max(1, len(body) // 400)
        for k in range(4, len(body), step):
            w('bodycut%d' % k, assemble(body[:k], footer))
        for tag, m in footer_mutants(meta, rnd, 400):
            w(tag, assemble(body, T.write_value(12, m)))
        try:
            pm = page_mutants(body, meta, rnd, 400)
        except Exception as ex:
            print('pages', path, repr(ex)); pm = []
        for tag, b, m in pm:
            w(tag, assemble(b, T.write_value(12, m)))
        # bit flips
        for i in range(200):
            b = bytearray(d); k = rnd.randrange(4, len(d) - 8); b[k] ^= 1 << rnd.randrange(8)
            w('flip%d' % k, bytes(b))
    print(count, 'files')

if __name__ == "__main__": main()
