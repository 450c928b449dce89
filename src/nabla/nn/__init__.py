"""Layer 5: neural networks — modules, layers, activations, losses, training, diagnostics."""

from nabla.nn import activations, checkpoint, diagnostics, init, layers, losses, metrics, training
from nabla.nn.layers import (
    MLP,
    AvgPool2d,
    BatchNorm,
    Conv2d,
    Dropout,
    Embedding,
    Flatten,
    Lambda,
    LayerNorm,
    Linear,
    MaxPool2d,
    Residual,
    Sequential,
)
from nabla.nn.module import Module
from nabla.nn.training import History, fit

__all__ = [
    "Module",
    "History",
    "fit",
    "checkpoint",
    "diagnostics",
    "metrics",
    "training",
    "activations",
    "init",
    "layers",
    "losses",
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
