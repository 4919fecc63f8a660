"""Build script for the `quiver` Python module.

The extension `quiver._quiver` is compiled from the library's own C sources
(`../src/**/*.c`, the same files CMake builds into libquiver) plus the thin
binding layer in `python/src/*.c`, so `pip install ./python` needs nothing
but a C compiler, the Python headers, the lz4/zstd/jansson/zlib, gRPC and
protobuf-c development packages and protoc-c (scripts/deps.sh installs
them); Flight's protocol code is generated from src/flight/flight.proto into
python/build/generated at build time.

Paths are computed from this file's location, never from the current
directory. pip (>= 21.3) builds a local directory in place, so `../src` is
the repository's `src/`. If this directory was copied away from the
repository (an sdist, an old pip that builds in a temporary copy), the
library sources are missing and the build stops with a message saying so;
set QUIVER_SOURCE_DIR to the repository root to build from anywhere.
"""
import glob
import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.environ.get("QUIVER_SOURCE_DIR") or os.path.join(HERE, ".."))
# setuptools wants paths relative to setup.py's directory.
os.chdir(HERE)


def _rel(paths):
    return [os.path.relpath(p, HERE) for p in paths]



def _library_sources():
    src = os.path.join(ROOT, "src")
    include = os.path.join(ROOT, "include", "quiver")
    if not (os.path.isdir(os.path.join(src, "core")) and os.path.isdir(include)):
        sys.exit(
            "quiver: cannot find the library sources at %s (src/ and include/quiver/).\n"
            "Build from the repository, e.g. `pip install ./python` at its root, or set\n"
            "QUIVER_SOURCE_DIR to the repository root." % ROOT
        )
    files = sorted(glob.glob(os.path.join(src, "**", "*.c"), recursive=True))
    if not files:
        sys.exit("quiver: no C sources found under %s" % src)
    return _rel(files)


def _flight_protocol_sources():
    """Compiles src/flight/flight.proto with protoc-c (as CMake does) into
    python/build/generated/flight, whose .c joins the sources and whose
    directory joins the include path. Regenerated when the .proto is newer."""
    proto = os.path.join(ROOT, "src", "flight", "flight.proto")
    out_dir = os.path.join(HERE, "build", "generated", "flight")
    out_c = os.path.join(out_dir, "flight.pb-c.c")
    if not os.path.exists(out_c) or os.path.getmtime(out_c) < os.path.getmtime(proto):
        import shutil
        import subprocess

        protoc = shutil.which("protoc-c")
        if protoc is None:
            sys.exit("quiver: protoc-c not found (Debian: protobuf-c-compiler; scripts/deps.sh installs it)")
        os.makedirs(out_dir, exist_ok=True)
        subprocess.check_call([protoc, "--c_out=" + out_dir, "-I" + os.path.dirname(proto), proto])
    return _rel([out_c]), _rel([out_dir])


class ParallelBuildExt(build_ext):
    """build_ext compiling the ~100 C files in parallel."""

    def finalize_options(self):
        super().finalize_options()
        if not self.parallel:
            self.parallel = os.cpu_count() or 1


binding_sources = _rel(sorted(glob.glob(os.path.join(HERE, "src", "*.c"))))

flight_sources, flight_include = _flight_protocol_sources()

extension = Extension(
    "quiver._quiver",
    sources=_library_sources() + flight_sources + binding_sources,
    include_dirs=_rel([os.path.join(ROOT, "include"), os.path.join(ROOT, "src"), os.path.join(HERE, "src")])
    + flight_include,
    libraries=["lz4", "zstd", "jansson", "z", "snappy", "brotlienc", "brotlidec", "xxhash", "m", "grpc", "gpr", "protobuf-c",
               "utf8proc", "pcre2-8"],
    # -O3 -fno-wrapv: the optimisation of CMake's release build for the hot
    # modules (compute kernels, the CSV parser), which CPython's own flags
    # (-fwrapv, then -O2 here) undercut; the library is UB-free by contract,
    # so signed overflow needs no defined wrapping.
    extra_compile_args=[
        "-std=c11",
        "-D_GNU_SOURCE",
        "-fvisibility=hidden",
        "-O3",
        "-fno-wrapv",
        "-Wall",
        "-Wno-unused-parameter",
        "-Wno-missing-field-initializers",
    ],
    depends=_rel(sorted(glob.glob(os.path.join(HERE, "src", "*.h")))
                 + sorted(glob.glob(os.path.join(ROOT, "include", "quiver", "*.h")))),
)

setup(
    ext_modules=[extension],
    cmdclass={"build_ext": ParallelBuildExt},
)
