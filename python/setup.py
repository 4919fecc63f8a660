"""Build script for the `quiver` Python module.

The extension `quiver._quiver` is compiled from the library's own C sources
(`../src/**/*.c`, the same files CMake builds into libquiver) plus the thin
binding layer in `python/src/*.c`, so `pip install ./python` needs nothing
but a C compiler, the Python headers and the lz4/zstd/jansson/zlib
development packages (scripts/deps.sh installs them).

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


class ParallelBuildExt(build_ext):
    """build_ext compiling the ~100 C files in parallel."""

    def finalize_options(self):
        super().finalize_options()
        if not self.parallel:
            self.parallel = os.cpu_count() or 1


binding_sources = _rel(sorted(glob.glob(os.path.join(HERE, "src", "*.c"))))

extension = Extension(
    "quiver._quiver",
    sources=_library_sources() + binding_sources,
    include_dirs=_rel([os.path.join(ROOT, "include"), os.path.join(ROOT, "src"), os.path.join(HERE, "src")]),
    libraries=["lz4", "zstd", "jansson", "z", "snappy", "brotlienc", "m"],
    extra_compile_args=[
        "-std=c11",
        "-D_GNU_SOURCE",
        "-fvisibility=hidden",
        "-O2",
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
