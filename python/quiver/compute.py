"""Compute kernels for quiver, named and shaped like ``pyarrow.compute``.

``import quiver.compute as pc`` works for common pyarrow scripts: the
functions take quiver arrays, chunked arrays, tables and Python scalars (which
broadcast), propagate nulls as Arrow defines, and raise ArrowInvalid with the
row on overflow or bad input. Every function runs libquiver's C kernels.

Element-wise functions (arithmetic, comparison, boolean logic, casts, string
and temporal functions) live in ``_compute_elementwise``; selection, sorting,
aggregation and grouping in ``_compute_relational``.
"""
from ._compute_elementwise import *  # noqa: F401,F403
from ._compute_elementwise import __all__ as _elementwise_all
from ._compute_relational import *  # noqa: F401,F403
from ._compute_relational import __all__ as _relational_all

__all__ = list(_elementwise_all) + list(_relational_all)
