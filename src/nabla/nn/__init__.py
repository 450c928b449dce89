"""Layer 5: neural networks — modules, layers, activations, losses, training, diagnostics."""

from nabla.nn.module import Module

__all__ = ["Module"]
