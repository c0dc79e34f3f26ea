"""Python side of rkeras: Keras 3 layers that the R package wraps.

Each layer reproduces a Keras layer and is saved under that layer's name
(`keras.layers.Attention`), so `.keras` files load in plain Keras. Load them
with `rkeras_backend.load_model` to get these layers back.
"""

from rkeras_backend._saving import load_model
from rkeras_backend.attention import Attention

__all__ = ["Attention", "load_model"]
