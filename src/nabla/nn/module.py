"""``Module``: a model is a pytree of its parameters.

A module's attributes that hold float arrays (its parameters) or other modules (its
layers), directly or in lists, tuples and dicts, are its *children*: ``nabla.tree``
flattens them, so ``nabla.grad(loss)(model, x, y)`` returns the gradient as a module of
the same shape, and every optimizer in ``nabla.optim`` updates a model directly. All other
attributes (sizes, activation functions, ``eps``, ``training``) are configuration, carried
along unchanged.

>>> import numpy, nabla
>>> class Affine(Module):
...     def __init__(self, n):
...         self.w = numpy.ones(n)
...         self.b = 0.0          # a Python float is configuration, not a parameter
...         self.name = "affine"
...     def __call__(self, x):
...         return x @ self.w + self.b
>>> model = Affine(3)
>>> g = nabla.grad(lambda m: m(numpy.array([1.0, 2.0, 3.0])))(model)
>>> type(g).__name__, g.w
('Affine', array([1., 2., 3.]))
>>> model.num_parameters
3
"""

from __future__ import annotations

import numpy as np

from nabla import tree
from nabla.core import Tracer
from nabla.core.primitive import is_foreign
from nabla.numpy._backend import to_host

_CONFIGURATION_TYPES = (int, float, bool, str, type(None))


def _is_parameter(value) -> bool:
    """Whether ``value`` (or something inside it) belongs to the model's pytree."""
    # Runs for every attribute at every flatten (each grad and update): cheap tests first.
    if isinstance(value, (np.ndarray, np.generic)):
        return value.dtype.kind in "fc"  # float and complex: np.inexact, without its cost
    if isinstance(value, (Module, Tracer)):
        return True
    if isinstance(value, _CONFIGURATION_TYPES):
        return False
    if isinstance(value, (list, tuple)):
        return any(map(_is_parameter, value))
    if isinstance(value, dict):
        return any(map(_is_parameter, value.values()))
    if is_foreign(value):  # an array of another backend (CuPy)
        return value.dtype.kind in "fc"
    return False


def _to_cuda(x):
    try:
        import cupy
    except ImportError:
        raise ImportError("Module.to('cuda') needs CuPy: pip install nabla[gpu] "
                          "(cupy-cuda12x) on a machine with a CUDA GPU") from None
    return cupy.asarray(x)


def _converter(device):
    """The function that moves one parameter array to ``device``."""
    if isinstance(device, str):
        named = {"cpu": to_host, "cuda": _to_cuda, "gpu": _to_cuda}
        if device.lower() not in named:
            raise ValueError(f"Module.to: unknown device {device!r}; use 'cpu' or 'cuda', "
                             "an array module (e.g. cupy), or a function that converts an array")
        return named[device.lower()]
    if callable(device):
        return device
    if callable(getattr(device, "asarray", None)):
        return device.asarray
    raise TypeError(f"Module.to: expected 'cpu', 'cuda', an array module or a converter "
                    f"function, got {type(device).__name__}")


def _flatten(module):
    children, names, config = [], [], []
    for name, value in vars(module).items():
        if _is_parameter(value):
            names.append(name)
            children.append(value)
        else:
            config.append((name, value))
    return children, (tuple(names), tuple(config))


def _unflatten(cls, aux, children):
    names, config = aux
    module = object.__new__(cls)
    for name, value in config:
        object.__setattr__(module, name, value)
    for name, value in zip(names, children):
        object.__setattr__(module, name, value)
    return module


class Module:
    """Base class of layers and models; subclasses are pytrees automatically.

    Subclasses set their parameters and sub-modules as attributes in ``__init__`` and
    compute in ``__call__``. ``training`` (default True) switches layers such as
    ``Dropout`` and ``BatchNorm`` between training and evaluation; ``train()`` and
    ``eval()`` set it on the module and everything inside it.
    """

    training = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        tree.register(cls, _flatten, lambda aux, children: _unflatten(cls, aux, children))

    # --- parameters ---------------------------------------------------------------------
    def parameters(self):
        """The parameter arrays, in pytree order."""
        return tree.leaves(self)

    @property
    def num_parameters(self) -> int:
        """The number of scalar parameters."""
        return int(sum(np.size(p) for p in self.parameters()))

    def to(self, device):
        """A copy of the module with every parameter moved to ``device``: ``"cuda"`` puts
        them on the GPU as CuPy arrays (``pip install nabla[gpu]``), ``"cpu"`` brings them
        back as NumPy arrays; an array module (``cupy``) or a function converting one array
        moves them to any other backend. Like every nabla update it returns a new module:
        ``model = model.to("cuda")``. Computations then follow the data: ``model(x)``,
        ``nabla.grad`` and the optimizers run on the parameters' backend.
        """
        move = _converter(device)
        return tree.map(move, self)

    def children(self):
        """The sub-modules held directly by this module (in lists and dicts too), by name."""
        found = {}
        for name, value in vars(self).items():
            if isinstance(value, Module):
                found[name] = value
            elif isinstance(value, (list, tuple)):
                found.update({f"{name}.{i}": v for i, v in enumerate(value)
                              if isinstance(v, Module)})
            elif isinstance(value, dict):
                found.update({f"{name}.{k}": v for k, v in value.items()
                              if isinstance(v, Module)})
        return found

    # --- modes --------------------------------------------------------------------------
    def train(self, mode: bool = True):
        """Set training mode here and in every sub-module; returns the module."""
        object.__setattr__(self, "training", mode)
        for child in self.children().values():
            child.train(mode)
        return self

    def eval(self):
        """Set evaluation mode (``train(False)``); returns the module."""
        return self.train(False)

    # --- display ------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The configuration shown in the repr (subclasses override)."""
        return ""

    def __repr__(self):
        children = self.children()
        head = f"{type(self).__name__}({self.extra_repr()})"
        if not children:
            return f"{head}  # {self.num_parameters:,} parameters"
        lines = [f"{type(self).__name__}(  # {self.num_parameters:,} parameters"]
        for name, child in children.items():
            lines.append("  " + f"({name}): {child!r}".replace("\n", "\n  "))
        lines.append(")")
        return "\n".join(lines)
