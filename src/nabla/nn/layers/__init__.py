"""Layers: the building blocks of networks, each a :class:`nabla.nn.Module` (a pytree of
its parameters, so ``nabla.grad`` differentiates with respect to a whole network).

* dense: ``Linear`` (``y = x @ w + b``), ``Embedding``, ``Flatten``;
* convolution and pooling on ``(N, C, H, W)`` images: ``Conv2d``, ``MaxPool2d``,
  ``AvgPool2d``;
* normalization: ``LayerNorm``, ``BatchNorm`` (running statistics as explicit state);
* regularization: ``Dropout`` (randomness as an explicit ``rng``);
* containers: ``Lambda``, ``Sequential``, ``Residual``, ``MLP``.

Layers with weights take ``rng`` (a ``numpy.random.Generator``) and ``dtype`` (default
float64; a float32 network fed float32 data computes in float32).

>>> import numpy, nabla
>>> from nabla.nn.losses import mse
>>> net = MLP([2, 8, 1], rng=numpy.random.default_rng(0))
>>> x, y = numpy.ones((4, 2)), numpy.zeros((4, 1))
>>> g = nabla.grad(lambda net: mse(net(x), y))(net)
>>> type(g).__name__, g[0].w.shape
('MLP', (2, 8))
"""

from nabla.nn.layers.containers import MLP, Lambda, Residual, Sequential
from nabla.nn.layers.conv import AvgPool2d, Conv2d, MaxPool2d
from nabla.nn.layers.dense import Embedding, Flatten, Linear
from nabla.nn.layers.dropout import Dropout
from nabla.nn.layers.normalization import BatchNorm, LayerNorm

__all__ = [
    "Linear",
    "Embedding",
    "Flatten",
    "Conv2d",
    "MaxPool2d",
    "AvgPool2d",
    "LayerNorm",
    "BatchNorm",
    "Dropout",
    "Lambda",
    "Sequential",
    "Residual",
    "MLP",
]
