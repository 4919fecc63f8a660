"""The seed's data set: N rows x 2 columns of random 10-character ASCII
strings, made with numpy (fixed seed) so every example sees the same rows."""
import numpy as np

ALPHABET = np.frombuffer(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", dtype=np.uint8)


def seed_columns(rows=1_000_000, seed=42):
    """Two lists of `rows` Python str, each 10 random alphanumeric characters."""
    rng = np.random.default_rng(seed)
    cols = []
    for _ in range(2):
        codes = ALPHABET[rng.integers(0, len(ALPHABET), size=(rows, 10))]
        cols.append(codes.view("S10").ravel().astype("U10").tolist())
    return cols
