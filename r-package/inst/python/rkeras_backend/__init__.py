"""Python side of rkeras: Keras 3 layers that the R package wraps.

`import rkeras_backend` registers the layers with Keras' serialisation under
the package name "rkeras", which is what `keras.saving.load_model` needs to
find them in a saved `.keras` file.
"""

from rkeras_backend.attention import Attention

__all__ = ["Attention"]
