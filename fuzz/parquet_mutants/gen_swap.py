import copy, os, sys, itertools, struct
import thrift as T
from gen import split, assemble, chunk_metas
out = sys.argv[1]; os.makedirs(out, exist_ok=True); n = 0
for path in sys.argv[2:]:
    d = open(path, 'rb').read()
    try:
        body, footer = split(d); meta, e = T.decode_struct(footer)
    except Exception: continue
    cms = list(chunk_metas(meta))
    base = os.path.basename(path)
    for i, j in itertools.permutations(range(min(len(cms), 6)), 2):
        for fids in ((9,), (11,), (9, 11), (7,), (5,), (4,)):
            m = copy.deepcopy(meta); a = list(chunk_metas(m))
            for fid in fids:
                fa, fb = T.get(a[i], fid), T.get(a[j], fid)
                if fa and fb: fa[2], fb[2] = fb[2], fa[2]
            open(os.path.join(out, '%s__swap%d-%d-%s' % (base, i, j, '-'.join(map(str, fids)))), 'wb').write(assemble(body, T.write_value(12, m))); n += 1
print(n)
