"""Convolution and pooling on images stored ``(N, C, H, W)`` (batch, channels, height,
width), written with differentiable ``nabla.numpy`` operations.

All three layers look at windows of ``kh × kw`` pixels, ``stride`` apart. The windows are
gathered by *im2col*: one strided slice of the image per kernel offset ``(i, j)``,
stacked into an array ``(N, C, H', W', kh·kw)``; convolution is then one matrix product
with the kernel, and pooling a max or mean over the last axis. The derivative of a slice
scatters the gradient back into place, so every operation here is differentiable to any
order, with no hand-written backward pass. Meant for small images (the windows are
materialized: memory grows by a factor ``kh·kw``). Output size along each axis:
``H' = ⌊(H + 2·padding − kh) / stride⌋ + 1``.

>>> import numpy
>>> conv = Conv2d(1, 2, 3, rng=numpy.random.default_rng(0), padding=1)
>>> conv(numpy.zeros((4, 1, 8, 8))).shape
(4, 2, 8, 8)
>>> MaxPool2d(2)(numpy.arange(16.0).reshape(1, 1, 4, 4))
array([[[[ 5.,  7.],
         [13., 15.]]]])
"""

from __future__ import annotations

import numpy

import nabla.numpy as np
from nabla.nn import init as initializers
from nabla.nn.layers.dense import initial_weight
from nabla.nn.module import Module

__all__ = ["Conv2d", "MaxPool2d", "AvgPool2d"]


def _pair(value, name, layer, minimum):
    """``value`` as a pair of ints (an int is used for both axes), each ≥ ``minimum``."""
    pair = (value, value) if numpy.ndim(value) == 0 else tuple(value)
    if len(pair) != 2 or any(int(v) != v or v < minimum for v in pair):
        raise ValueError(f"{layer}: {name} must be an int ≥ {minimum} or a pair of them, "
                         f"not {value!r}")
    return int(pair[0]), int(pair[1])


def _check_image(x, layer, channels=None):
    """``x``'s shape, after checking that it is a batch of images ``(N, C, H, W)``."""
    shape = numpy.shape(x)
    if len(shape) != 4 or (channels is not None and shape[1] != channels):
        c = "C" if channels is None else channels
        raise ValueError(f"{layer}: expected input of shape (N, {c}, H, W), got shape {shape}")
    return shape


def _windows(x, kernel, stride, layer):
    """The ``kh × kw`` windows of ``x`` over its last two axes, ``stride`` apart, as an
    array of shape ``x.shape[:-2] + (H', W', kh·kw)`` (offset ``(i, j)`` at ``i·kw + j``)."""
    (kh, kw), (sh, sw) = kernel, stride
    height, width = x.shape[-2:]
    if height < kh or width < kw:
        raise ValueError(f"{layer}: kernel {kh}×{kw} is larger than the (padded) input "
                         f"{height}×{width}")
    rows, cols = (height - kh) // sh + 1, (width - kw) // sw + 1
    slices = [x[..., i:i + sh * (rows - 1) + 1:sh, j:j + sw * (cols - 1) + 1:sw]
              for i in range(kh) for j in range(kw)]
    return np.stack(slices, axis=-1)


class Conv2d(Module):
    """2-D convolution (cross-correlation, as in every deep-learning library):

    ``y[n, o, r, c] = b[o] + Σ_{k, i, j} w[o, k, i, j] · x̃[n, k, r·s + i, c·s + j]``

    with ``x̃`` the input zero-padded by ``padding`` on each side and ``s`` the stride.
    ``w`` has PyTorch's shape ``(out_channels, in_channels, kh, kw)`` and starts from
    ``init`` (default Kaiming/He uniform with ``fan_in = in_channels·kh·kw``); ``b`` starts
    at 0. Computed as windows (im2col) times the kernel flattened to a matrix.

    >>> import numpy
    >>> conv = Conv2d(3, 8, kernel_size=3, rng=numpy.random.default_rng(0), stride=2)
    >>> conv
    Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), padding=(0, 0))  # 224 parameters
    >>> conv(numpy.zeros((1, 3, 9, 9))).shape
    (1, 8, 4, 4)
    """

    def __init__(self, in_channels, out_channels, kernel_size, *, rng, stride=1, padding=0,
                 bias=True, init="kaiming_uniform", dtype=numpy.float64):
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = _pair(kernel_size, "kernel_size", "Conv2d", 1)
        self.stride = _pair(stride, "stride", "Conv2d", 1)
        self.padding = _pair(padding, "padding", "Conv2d", 0)
        shape = (self.out_channels, self.in_channels) + self.kernel_size
        self.w = initial_weight(init, rng, shape, dtype, "Conv2d", in_axis=1, out_axis=0)
        self.b = initializers.zeros((self.out_channels,), dtype=dtype) if bias else None

    def __call__(self, x):
        n = _check_image(x, f"Conv2d({self.extra_repr()})", self.in_channels)[0]
        ph, pw = self.padding
        if ph or pw:
            x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
        windows = _windows(x, self.kernel_size, self.stride, "Conv2d")   # (N, C, H', W', K)
        rows, cols = windows.shape[2:4]
        columns = np.reshape(np.transpose(windows, (0, 2, 3, 1, 4)), (n, rows, cols, -1))
        y = columns @ np.reshape(self.w, (self.out_channels, -1)).T      # (N, H', W', O)
        if self.b is not None:
            y = y + self.b
        return np.transpose(y, (0, 3, 1, 2))

    def extra_repr(self):
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}")


class _Pool2d(Module):
    """Windows of ``kernel_size``, ``stride`` apart (default: ``kernel_size``, so windows
    do not overlap), reduced one by one; no parameters."""

    def __init__(self, kernel_size, stride=None):
        name = type(self).__name__
        self.kernel_size = _pair(kernel_size, "kernel_size", name, 1)
        self.stride = self.kernel_size if stride is None else _pair(stride, "stride", name, 1)

    def __call__(self, x):
        _check_image(x, type(self).__name__)
        return self.reduce(_windows(x, self.kernel_size, self.stride, type(self).__name__))

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}"


class MaxPool2d(_Pool2d):
    """The largest value in each window: ``y[n, c, r, c'] = max_{i, j} x[n, c, r·s + i,
    c'·s + j]``. The gradient goes to the entry that attains the maximum; entries tied for
    it share it equally (as ``nabla.numpy.max`` and JAX; PyTorch gives it all to one).

    >>> import numpy
    >>> MaxPool2d(2, stride=1)(numpy.array([[[[1.0, 2.0], [4.0, 3.0]]]]))
    array([[[[4.]]]])
    """

    @staticmethod
    def reduce(windows):
        return np.max(windows, axis=-1)


class AvgPool2d(_Pool2d):
    """The mean of each window: ``y = (1/(kh·kw)) Σ_{i, j} x[n, c, r·s + i, c'·s + j]``;
    each entry receives ``1/(kh·kw)`` of the gradient of every window it is in.

    >>> import numpy
    >>> AvgPool2d(2)(numpy.array([[[[1.0, 2.0], [4.0, 3.0]]]]))
    array([[[[2.5]]]])
    """

    @staticmethod
    def reduce(windows):
        return np.mean(windows, axis=-1)
