"""Layers made of layers: ``Lambda``, ``Sequential``, ``Residual`` and ``MLP``.

>>> import numpy
>>> from nabla.nn.activations import relu
>>> rng = numpy.random.default_rng(0)
>>> net = Sequential(Linear(4, 8, rng=rng), relu, Linear(8, 2, rng=rng))
>>> net(numpy.ones((5, 4))).shape, len(net), net.num_parameters
((5, 2), 3, 58)
"""

from __future__ import annotations

import numpy

from nabla.nn import activations
from nabla.nn.layers.dense import Linear
from nabla.nn.layers.normalization import LayerNorm
from nabla.nn.module import Module

__all__ = ["Lambda", "Sequential", "Residual", "MLP"]


class Lambda(Module):
    """A function without parameters as a layer: ``Lambda(f)(x) = f(x)``.

    >>> from nabla.nn.activations import tanh
    >>> Lambda(tanh)
    Lambda(tanh)  # 0 parameters
    """

    def __init__(self, function):
        if not callable(function):
            raise TypeError(f"Lambda: expected a function, got {type(function).__name__}")
        self.function = function

    def __call__(self, x):
        return self.function(x)

    def extra_repr(self):
        return getattr(self.function, "__name__", repr(self.function))


class Sequential(Module):
    """Layers applied one after the other: ``Sequential(f₁, …, f_k)(x) = f_k(…f₁(x))``.
    By the chain rule its gradient is the layers' Jacobians multiplied in reverse order,
    which is what reverse mode computes.

    Plain functions (such as ``nabla.nn.activations.relu``) are wrapped in ``Lambda``. It
    can be iterated, indexed (a slice gives a ``Sequential``) and measured with ``len``.
    Layers that carry state, such as ``BatchNorm``, are called explicitly instead.

    >>> import numpy
    >>> net = Sequential(Linear(2, 3, rng=numpy.random.default_rng(0)), abs)
    >>> net
    Sequential(  # 9 parameters
      (layers.0): Linear(in_features=2, out_features=3, bias=True)  # 9 parameters
      (layers.1): Lambda(abs)  # 0 parameters
    )
    >>> type(net[:1]).__name__, net[1].function
    ('Sequential', <built-in function abs>)
    """

    def __init__(self, *layers):
        self.layers = [layer if isinstance(layer, Module) else Lambda(layer)
                       for layer in layers]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def __len__(self):
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(*self.layers[index])
        return self.layers[index]


class Residual(Module):
    """A skip connection (He et al., 2016): ``Residual(f)(x) = x + f(x)``, so the Jacobian
    is ``I + J_f`` and the gradient reaches ``x`` directly as well as through ``f``.

    >>> import numpy
    >>> Residual(abs)(numpy.array([-1.0, 2.0]))
    array([0., 4.])
    """

    def __init__(self, module):
        self.module = module if isinstance(module, Module) else Lambda(module)

    def __call__(self, x):
        y = self.module(x)
        if numpy.shape(y) != numpy.shape(x):
            raise ValueError(f"Residual: the inner layer maps shape {numpy.shape(x)} to "
                             f"{numpy.shape(y)}; x + f(x) needs them equal")
        return x + y


class MLP(Sequential):
    """A multilayer perceptron: ``Linear`` layers of the given ``sizes`` (``[784, 256, 256,
    10]``: 784 inputs, two hidden layers of 256, 10 outputs), each hidden one followed by
    ``activation`` (a name from ``nabla.nn.activations`` or a callable):

    ``h₀ = x,  hₗ = act(LN(hₗ₋₁ Wₗ + bₗ)),  y = out_act(h_{L−1} W_L + b_L)``

    With ``layer_norm=True`` a ``LayerNorm`` comes before each hidden activation (LN above;
    otherwise the identity). With ``residual=True`` each hidden layer whose input and
    output sizes agree becomes a ``Residual`` block, ``hₗ = hₗ₋₁ + act(LN(hₗ₋₁ Wₗ + bₗ))``.
    ``output_activation`` (default none: logits or real values) follows the last layer.
    Weights start from ``init`` (see ``Linear``). An ``MLP`` is a ``Sequential`` of these
    blocks.

    >>> import numpy
    >>> mlp = MLP([4, 16, 16, 3], rng=numpy.random.default_rng(0), residual=True)
    >>> mlp(numpy.ones((2, 4))).shape, mlp.num_parameters
    ((2, 3), 403)
    >>> [type(block).__name__ for block in mlp]
    ['Linear', 'Lambda', 'Residual', 'Linear']
    """

    def __init__(self, sizes, activation="relu", *, rng, output_activation=None,
                 layer_norm=False, residual=False, init="kaiming_uniform",
                 dtype=numpy.float64):
        sizes = [int(n) for n in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"MLP: sizes must list at least the input and output sizes, all "
                             f"positive, e.g. [784, 256, 10]; got {sizes}")
        act = activations.get(activation)
        layers = []
        for fan_in, fan_out in zip(sizes[:-2], sizes[1:-1]):
            block = [Linear(fan_in, fan_out, rng=rng, init=init, dtype=dtype)]
            if layer_norm:
                block.append(LayerNorm(fan_out, dtype=dtype))
            block.append(Lambda(act))
            if residual and fan_in == fan_out:
                layers.append(Residual(Sequential(*block)))
            else:
                layers.extend(block)
        layers.append(Linear(sizes[-2], sizes[-1], rng=rng, init=init, dtype=dtype))
        if output_activation is not None:
            layers.append(Lambda(activations.get(output_activation)))
        super().__init__(*layers)
        self.sizes, self.activation = sizes, activation
