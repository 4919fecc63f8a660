"""Element-wise kernels of quiver.compute (see compute.py)."""
__all__ = []
