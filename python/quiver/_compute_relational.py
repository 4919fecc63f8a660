"""Selection, sorting, aggregation and grouping kernels of quiver.compute (see compute.py)."""
__all__ = []
