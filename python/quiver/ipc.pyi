"""Type stubs for quiver.ipc."""
import os
from typing import IO, Any, Optional, Union

from . import Table

_Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, Any, IO[bytes]]
_Sink = Union[str, "os.PathLike[str]", IO[bytes], None]

# memory_map=True maps a path instead of reading it: zero-copy, but if another
# process truncates or rewrites the file while any array read from it is alive,
# touching that data kills the interpreter with SIGBUS. Default False (read(2)).
def read_stream(source: _Source, full_validation: bool = ..., require_eos: bool = ...,
                max_decompressed_size: Optional[int] = ..., memory_map: bool = ...,
                max_total_decompressed_size: Optional[int] = ...) -> Table: ...
def read_file(source: _Source, full_validation: bool = ..., max_decompressed_size: Optional[int] = ...,
              memory_map: bool = ..., max_total_decompressed_size: Optional[int] = ...) -> Table: ...
def read(source: _Source, full_validation: bool = ..., require_eos: bool = ...,
         max_decompressed_size: Optional[int] = ..., memory_map: bool = ...,
         max_total_decompressed_size: Optional[int] = ...) -> Table: ...
def write_stream(data: Any, sink: _Sink = ..., compression: Optional[str] = ..., compression_level: int = ...,
                 alignment: int = ...) -> Optional[memoryview]: ...
def write_file(data: Any, sink: _Sink = ..., compression: Optional[str] = ..., compression_level: int = ...,
               alignment: int = ...) -> Optional[memoryview]: ...
