"""Malformed C Data structures handed to quiver through PyCapsules.

A producer written with ctypes builds ArrowSchema / ArrowArray structs that
break the C Data Interface (wrong buffer counts, negative lengths, bad
format strings, nesting past the cap...). quiver must raise an ArrowInvalid
naming the problem - never crash - and still release each struct exactly
once (counted by the ctypes release callbacks).
"""
import ctypes

import pytest

import quiver as qv

PyCapsule_New = ctypes.pythonapi.PyCapsule_New
PyCapsule_New.restype = ctypes.py_object
PyCapsule_New.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
# The destructor gets the dying capsule as a raw pointer: turning it into a
# py_object would resurrect it.
PyCapsule_GetPointer = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p)(
    ("PyCapsule_GetPointer", ctypes.pythonapi))
CAPSULE_DESTRUCTOR = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


class ArrowSchema(ctypes.Structure):
    pass


class ArrowArray(ctypes.Structure):
    pass


SCHEMA_RELEASE = ctypes.CFUNCTYPE(None, ctypes.POINTER(ArrowSchema))
ARRAY_RELEASE = ctypes.CFUNCTYPE(None, ctypes.POINTER(ArrowArray))

ArrowSchema._fields_ = [
    ("format", ctypes.c_char_p), ("name", ctypes.c_char_p), ("metadata", ctypes.c_char_p),
    ("flags", ctypes.c_int64), ("n_children", ctypes.c_int64),
    ("children", ctypes.POINTER(ctypes.POINTER(ArrowSchema))), ("dictionary", ctypes.POINTER(ArrowSchema)),
    ("release", SCHEMA_RELEASE), ("private_data", ctypes.c_void_p),
]
ArrowArray._fields_ = [
    ("length", ctypes.c_int64), ("null_count", ctypes.c_int64), ("offset", ctypes.c_int64),
    ("n_buffers", ctypes.c_int64), ("n_children", ctypes.c_int64),
    ("buffers", ctypes.POINTER(ctypes.c_void_p)), ("children", ctypes.POINTER(ctypes.POINTER(ArrowArray))),
    ("dictionary", ctypes.POINTER(ArrowArray)), ("release", ARRAY_RELEASE), ("private_data", ctypes.c_void_p),
]


class Producer:
    """Builds one (schema, array) pair and counts releases of the base structs."""

    def __init__(self):
        self.released = {"schema": 0, "array": 0}
        self.keep = []  # keeps ctypes objects alive while C holds pointers to them

        no_schema_release, no_array_release = SCHEMA_RELEASE(), ARRAY_RELEASE()

        def release_schema(p):
            self.released["schema"] += 1
            p.contents.release = no_schema_release

        def release_array(p):
            self.released["array"] += 1
            p.contents.release = no_array_release

        def noop_schema(p):
            p.contents.release = no_schema_release

        def noop_array(p):
            p.contents.release = no_array_release

        self.release_schema = SCHEMA_RELEASE(release_schema)
        self.release_array = ARRAY_RELEASE(release_array)
        self.noop_schema = SCHEMA_RELEASE(noop_schema)
        self.noop_array = ARRAY_RELEASE(noop_array)

    def schema(self, fmt, children=(), base=True, name=b""):
        s = ArrowSchema()
        s.format = fmt
        s.name = name
        s.flags = 2
        s.n_children = len(children)
        if children:
            arr = (ctypes.POINTER(ArrowSchema) * len(children))(*[ctypes.pointer(c) for c in children])
            self.keep.append(arr)
            s.children = arr
        s.release = self.release_schema if base else self.noop_schema
        self.keep.append(s)
        return s

    def array(self, length, buffers, children=(), base=True, null_count=0, offset=0, n_buffers=None):
        a = ArrowArray()
        a.length = length
        a.null_count = null_count
        a.offset = offset
        a.n_buffers = len(buffers) if n_buffers is None else n_buffers
        bufs = (ctypes.c_void_p * max(len(buffers), 1))(*buffers)
        self.keep.append(bufs)
        a.buffers = bufs
        a.n_children = len(children)
        if children:
            arr = (ctypes.POINTER(ArrowArray) * len(children))(*[ctypes.pointer(c) for c in children])
            self.keep.append(arr)
            a.children = arr
        a.release = self.release_array if base else self.noop_array
        self.keep.append(a)
        return a

    def data(self, raw):
        buf = ctypes.create_string_buffer(raw, len(raw))
        self.keep.append(buf)
        return ctypes.addressof(buf)

    def capsules(self, schema, array):
        destroy_s = ctypes.cast(SCHEMA_CAPSULE_DESTRUCTOR, ctypes.c_void_p)
        destroy_a = ctypes.cast(ARRAY_CAPSULE_DESTRUCTOR, ctypes.c_void_p)
        return (PyCapsule_New(ctypes.addressof(schema), b"arrow_schema", destroy_s),
                PyCapsule_New(ctypes.addressof(array), b"arrow_array", destroy_a))


def _destroy_schema_capsule(cap):
    # like every producer's capsule destructor: release unless moved out
    s = ArrowSchema.from_address(PyCapsule_GetPointer(cap, b"arrow_schema"))
    if s.release:
        s.release(ctypes.pointer(s))


def _destroy_array_capsule(cap):
    a = ArrowArray.from_address(PyCapsule_GetPointer(cap, b"arrow_array"))
    if a.release:
        a.release(ctypes.pointer(a))


SCHEMA_CAPSULE_DESTRUCTOR = CAPSULE_DESTRUCTOR(_destroy_schema_capsule)
ARRAY_CAPSULE_DESTRUCTOR = CAPSULE_DESTRUCTOR(_destroy_array_capsule)


class Holder:
    def __init__(self, caps):
        self.caps = caps

    def __arrow_c_array__(self, requested_schema=None):
        return self.caps


def _int64_buffer(p, n):
    return p.data(b"".join(i.to_bytes(8, "little") for i in range(n)))


def test_valid_ctypes_producer_is_imported_and_released_once():
    p = Producer()
    s = p.schema(b"l")
    a = p.array(3, [None, _int64_buffer(p, 3)])
    q = qv.array(Holder(p.capsules(s, a)))
    assert q.to_pylist() == [0, 1, 2]
    assert p.released == {"schema": 1, "array": 0}
    del q
    assert p.released == {"schema": 1, "array": 1}


def _malformed_cases():
    def wrong_buffer_count(p):
        return p.schema(b"l"), p.array(3, [None], n_buffers=1)

    def negative_length(p):
        return p.schema(b"l"), p.array(-1, [None, _int64_buffer(p, 1)])

    def negative_offset(p):
        return p.schema(b"l"), p.array(1, [None, _int64_buffer(p, 1)], offset=-4)

    def bad_format(p):
        return p.schema(b"w:abc"), p.array(1, [None, _int64_buffer(p, 1)])

    def unknown_format(p):
        return p.schema(b"?"), p.array(1, [None, _int64_buffer(p, 1)])

    def null_count_too_big(p):
        return p.schema(b"l"), p.array(1, [p.data(b"\xff"), _int64_buffer(p, 1)], null_count=5)

    def missing_data_buffer(p):
        return p.schema(b"l"), p.array(2, [None, None])

    def child_count_mismatch(p):
        child = p.schema(b"l", base=False, name=b"x")
        return p.schema(b"+s", [child]), p.array(1, [None])

    def struct_child_too_short(p):
        child_s = p.schema(b"l", base=False, name=b"x")
        child_a = p.array(1, [None, _int64_buffer(p, 1)], base=False)
        return p.schema(b"+s", [child_s]), p.array(5, [None], [child_a])

    def too_deep(p):
        s = p.schema(b"l", base=False, name=b"item")
        a = p.array(0, [None, None], base=False)
        for _ in range(70):
            s = p.schema(b"+l", [s], base=False, name=b"item")
            a = p.array(0, [None, p.data(b"\x00" * 4)], [a], base=False)
        top_s = p.schema(b"+l", [s])
        top_a = p.array(0, [None, p.data(b"\x00" * 4)], [a])
        return top_s, top_a

    return {f.__name__: f for f in [wrong_buffer_count, negative_length, negative_offset, bad_format,
                                     unknown_format, null_count_too_big, missing_data_buffer,
                                     child_count_mismatch, struct_child_too_short, too_deep]}


MALFORMED = _malformed_cases()


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_structs_raise_and_release_once(case):
    p = Producer()
    s, a = MALFORMED[case](p)
    caps = p.capsules(s, a)
    with pytest.raises((qv.ArrowInvalid, qv.ArrowNotImplementedError)) as info:
        # structure problems not caught at import are caught by validation
        qv.array(Holder(caps)).validate(full=True)
    assert str(info.value)
    del caps, info  # the traceback holds the Holder and its capsules
    assert p.released == {"schema": 1, "array": 1}, (case, p.released)


def test_released_struct_is_rejected():
    p = Producer()
    s = p.schema(b"l")
    a = p.array(1, [None, _int64_buffer(p, 1)])
    a.release = ARRAY_RELEASE()  # already released
    with pytest.raises(qv.ArrowInvalid, match="released"):
        qv.array(Holder(p.capsules(s, a)))
    assert p.released == {"schema": 1, "array": 0}


def test_capsule_with_wrong_name_is_a_type_error():
    p = Producer()
    s = p.schema(b"l")
    a = p.array(1, [None, _int64_buffer(p, 1)])
    bad = (PyCapsule_New(ctypes.addressof(s), b"not_a_schema", None),
           PyCapsule_New(ctypes.addressof(a), b"arrow_array", None))
    with pytest.raises(TypeError, match="arrow_schema"):
        qv.array(Holder(bad))
    with pytest.raises(TypeError):
        qv.array(Holder("nope"))
