"""Diagnostics: where the gradient goes in a deep network, measured.

Backpropagation multiplies Jacobians: for ``h_l = φ(h_{l−1} W_l + b_l)``, the gradient
reaching layer ``l`` is the output's gradient carried back through every layer above it,

    ∂L/∂h_{l−1} = (∂L/∂h_l ⊙ φ'(a_l)) W_lᵀ,      ‖∂L/∂W_l‖ = ‖h_{l−1}ᵀ (∂L/∂h_l ⊙ φ'(a_l))‖,

so each layer scales it by roughly ``|φ'|·‖W‖``. The sigmoid's slope is at most ¼: through
twenty sigmoid layers the gradient shrinks geometrically and the first layers barely
learn (*vanishing gradients*, Hochreiter 1991; Glorot & Bengio 2010). ReLU's slope is 1
where it is active; layer normalization keeps each layer's inputs at unit scale; and a
residual connection ``h_l = h_{l−1} + f(h_{l−1})`` has Jacobian ``I + J_f``, so the gradient
also flows straight down the identity path.

- :func:`gradient_norms` measures ``‖∂L/∂θ‖`` for every layer of a model, input to output;
- :func:`vanishing_gradients_experiment` trains the same deep network with sigmoid, tanh,
  ReLU, and ReLU with LayerNorm and residual connections, and reports the gradient norm
  of each layer at initialization and the loss curves.

>>> import numpy as np
>>> from nabla.nn import MLP
>>> from nabla.nn.losses import mse
>>> net = MLP([2, 8, 8, 1], 'sigmoid', rng=np.random.default_rng(0))
>>> X, y = np.ones((4, 2)), np.zeros((4, 1))
>>> list(gradient_norms(net, lambda m, b: mse(m(b[0]), b[1]), (X, y)))
['layers.0', 'layers.2', 'layers.4']
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from nabla import tree
from nabla.nn.module import Module
from nabla.nn.module import _flatten as _module_flatten
from nabla.transforms import grad

__all__ = ["Run", "VanishingGradientResult", "gradient_norms", "gradient_norms_from",
           "vanishing_gradients_experiment"]


# --------------------------------------------------------------------------------------
# Gradient norms per layer
# --------------------------------------------------------------------------------------


def _join(path, name):
    return str(name) if not path else f"{path}.{name}"


def _holds_module(x):
    return any(isinstance(v, Module) for v in tree.leaves(x, is_leaf=lambda v: isinstance(
        v, Module)))


def _parameter_groups(x, path="", by="module", out=None):
    """``{path: [arrays]}`` in pytree order: for ``by='module'`` the arrays each module holds
    itself (not through sub-modules), for ``by='parameter'`` each array alone."""
    out = {} if out is None else out
    if isinstance(x, Module):
        children, (names, _) = _module_flatten(x)
        for name, child in zip(names, children):
            if by == "module" and not _holds_module(child):
                out.setdefault(path or "(model)", []).extend(tree.leaves(child))
            else:
                _parameter_groups(child, _join(path, name), by, out)
    elif isinstance(x, (list, tuple)):
        for i, child in enumerate(x):
            _parameter_groups(child, _join(path, i), by, out)
    elif type(x) is dict:
        for key, child in zip(*_dict_items(x)):
            _parameter_groups(child, _join(path, key), by, out)
    else:
        leaves = tree.leaves(x)
        if len(leaves) == 1 and leaves[0] is x:
            out.setdefault(path or "(model)", []).append(x)
        else:
            for i, leaf in enumerate(leaves):
                out.setdefault(f"{path}[{i}]", []).append(leaf)
    return out


def _dict_items(d):
    try:
        keys = sorted(d)
    except TypeError:
        keys = list(d)
    return keys, [d[k] for k in keys]


def _norm(arrays):
    return math.sqrt(sum(float(np.sum(np.square(np.asarray(a, dtype=float)))) for a in arrays))


def _objective(loss_fn):
    def objective(model, batch):
        out = loss_fn(model, batch)
        return out if isinstance(out, tuple) else (out, None)

    return objective


def gradient_norms(model: Any, loss_fn: Callable, batch: Any, *, by: str = "module"
                   ) -> dict[str, float]:
    """The Euclidean norm of the gradient of ``loss_fn(model, batch)`` for each layer.

    Returns ``{path: ‖∂L/∂θ_path‖}`` where ``θ_path`` is, with ``by='module'``, all the
    parameters a sub-module holds itself (a ``Linear``'s ``w`` and ``b`` together: the
    norm is ``√(‖∂L/∂w‖² + ‖∂L/∂b‖²)``), and with ``by='parameter'`` each parameter array
    alone (``'layers.0.w'``). Paths are attribute names joined by dots, as in
    ``Module.children``. The order is the pytree order of the model — the order of its
    attributes and lists, which for ``Sequential`` and ``MLP`` is from input to output.
    Modules without parameters (activations) do not appear. ``loss_fn`` may return
    ``(loss, aux)``; for a model that is a plain pytree (a dict of arrays) each array is
    its own entry.

    >>> import numpy as np
    >>> from nabla.nn import Linear, Sequential
    >>> net = Sequential(Linear(3, 1, rng=np.random.default_rng(0)))
    >>> norms = gradient_norms(net, lambda m, x: np.sum(m(x)), np.ones((2, 3)),
    ...                        by='parameter')
    >>> {k: round(v, 4) for k, v in norms.items()}          # ∂/∂w = Σ x, ∂/∂b = 2
    {'layers.0.w': 3.4641, 'layers.0.b': 2.0}
    """
    if by not in ("module", "parameter"):
        raise ValueError(f"gradient_norms: by must be 'module' or 'parameter', got {by!r}")
    grads, _ = grad(_objective(loss_fn), has_aux=True)(model, batch)
    return gradient_norms_from(grads, by=by)


# --------------------------------------------------------------------------------------
# The vanishing-gradient experiment
# --------------------------------------------------------------------------------------

NETWORKS = {
    "sigmoid": {"activation": "sigmoid"},
    "tanh": {"activation": "tanh"},
    "relu": {"activation": "relu"},
    "relu + layernorm + residual": {"activation": "relu", "layer_norm": True,
                                    "residual": True},
}


@dataclasses.dataclass
class Run:
    """One network of the experiment: ``grad_norms[l] = ‖∂L/∂W_l‖`` for its ``Linear``
    layers ``l = 0 … depth`` (input to output) at initialization, and ``loss``, the training
    loss before each step (``loss[0]`` at initialization)."""

    name: str
    grad_norms: np.ndarray
    loss: list
    success: bool = True
    message: str = ""

    @property
    def final_loss(self) -> float:
        """The loss after the last step."""
        return self.loss[-1]


@dataclasses.dataclass
class VanishingGradientResult:
    """The result of :func:`vanishing_gradients_experiment`: one :class:`Run` per network
    in ``runs`` (by name), and the setting. ``str(result)`` is a readable table.

    >>> r = VanishingGradientResult(1, 4, 2, 'sgd(lr=0.1)',
    ...     {'relu': Run('relu', np.array([0.1, 0.2]), [0.7, 0.6, 0.5])})
    >>> r.ratio('relu', 'relu'), r['relu'].final_loss
    (1.0, 0.5)
    """

    depth: int
    width: int
    steps: int
    optimizer: str
    runs: dict

    def __getitem__(self, name: str) -> Run:
        return self.runs[name]

    def ratio(self, a: str, b: str, layer: int = 0) -> float:
        """``‖∂L/∂W_layer‖`` of network ``b`` divided by that of network ``a`` (how many
        times larger ``b``'s gradient is at that layer; the first layer by default)."""
        return float(self.runs[b].grad_norms[layer] / self.runs[a].grad_norms[layer])

    def __str__(self):
        names = list(self.runs)
        middle = self.steps // 2
        lines = [f"Vanishing gradients: {self.depth} hidden layers of width {self.width}, "
                 f"{self.steps} full-batch steps of {self.optimizer}", "",
                 f"{'network':<28} {'‖∂L/∂W‖ first':>14} {'last':>9} {'first/last':>11}   "
                 f"{'loss: start':>11} {f'step {middle}':>9} {f'step {self.steps}':>9}"]
        for name in names:
            run = self.runs[name]
            g, loss = run.grad_norms, run.loss
            at = [f"{loss[i]:>9.4f}" if i < len(loss) else f"{'—':>9}" for i in (middle,
                                                                              self.steps)]
            note = "" if run.success else "  (stopped: not finite)"
            lines.append(f"{name:<28} {g[0]:>14.2e} {g[-1]:>9.2e} {g[0] / g[-1]:>11.1e}   "
                         f"{loss[0]:>11.4f} {at[0]} {at[1]}{note}")
        widths = [max(12, len(n) + 2) for n in names]
        lines += ["", "‖∂L/∂W_l‖ at initialization, layer by layer (input → output):",
                  "layer" + "".join(f"{n:>{w}}" for n, w in zip(names, widths))]
        for layer in range(len(self.runs[names[0]].grad_norms)):
            lines.append(f"{layer:>5}" + "".join(
                f"{self.runs[n].grad_norms[layer]:>{w}.3e}" for n, w in zip(names, widths)))
        return "\n".join(lines)


def _task(rng, n=256):
    """Points in the square ``[−1, 1]²`` labelled by the sign of ``x₁·x₂`` (XOR)."""
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(np.int64)


def _linear_weight_norms(model, grads):
    """``‖∂L/∂W‖`` for each ``Linear`` layer, in pytree order (input to output)."""
    from nabla.nn.layers import Linear

    norms = gradient_norms_from(grads, by="parameter")
    paths = [path for path, module in _modules(model) if isinstance(module, Linear)]
    return np.array([norms[_join(path, "w")] for path in paths])


def gradient_norms_from(grads, *, by="module"):
    """:func:`gradient_norms` of an already computed gradient ``grads`` (a pytree shaped
    like the model).

    >>> gradient_norms_from({'w': np.array([3.0, 4.0]), 'b': np.array(1.0)})
    {'b': 1.0, 'w': 5.0}
    """
    if by not in ("module", "parameter"):
        raise ValueError(f"gradient_norms_from: by must be 'module' or 'parameter', got {by!r}")
    return {path: _norm(arrays) for path, arrays in _parameter_groups(grads, by=by).items()}


def _modules(x, path=""):
    """``(path, module)`` for every module in ``x``, in pytree order."""
    if isinstance(x, Module):
        yield path, x
        children, (names, _) = _module_flatten(x)
        for name, child in zip(names, children):
            yield from _modules(child, _join(path, name))
    elif isinstance(x, (list, tuple)):
        for i, child in enumerate(x):
            yield from _modules(child, _join(path, i))
    elif type(x) is dict:
        for key, child in zip(*_dict_items(x)):
            yield from _modules(child, _join(path, key))


def _describe(optimizer):
    """``'sgd(lr=0.1)'``: an optimizer's name and learning rate."""
    lr = getattr(optimizer, "hyperparams", {}).get("lr")
    name = getattr(optimizer, "name", type(optimizer).__name__)
    return f"{name}(lr={lr})" if lr is not None else name


def vanishing_gradients_experiment(depth: int = 20, width: int = 32, *, seed: int = 0,
                                   steps: int = 100, data: Any = None, optimizer=None,
                                   networks: dict | None = None) -> VanishingGradientResult:
    """Train one deep network four ways and measure the gradient in each layer.

    The network is ``MLP([d] + [width]·depth + [k])``: ``depth`` hidden layers, so
    ``depth + 1`` ``Linear`` layers, with the same initialization (Kaiming uniform, drawn
    from ``seed``) in every variant; only the nonlinearity and the architecture change:

    - ``'sigmoid'``, ``'tanh'``, ``'relu'``: plain ``h_l = φ(h_{l−1} W_l + b_l)``;
    - ``'relu + layernorm + residual'``: ``h_l = h_{l−1} + relu(LN(h_{l−1} W_l + b_l))``.

    For each, the cross-entropy loss ``L`` on ``data`` (``(X, y)`` with integer labels;
    by default 256 points of the XOR task, the sign of ``x₁·x₂``, drawn from ``seed``)
    gives ``‖∂L/∂W_l‖`` for every layer at initialization; then ``steps`` full-batch steps
    of ``optimizer`` (default ``sgd(0.1)``: plain gradient descent, which shows the
    gradient's scale as it is — Adam would rescale it) give the loss curve. ``networks``
    replaces the four variants by ``{name: MLP keyword arguments}``.

    What it shows (depth 20, width 32, seed 0): the sigmoid network's first-layer gradient
    is about 10⁻¹¹ of the residual network's, and its loss does not move from ``log 2``;
    the residual network with LayerNorm learns fastest. ``print(result)`` shows the table.

    >>> r = vanishing_gradients_experiment(depth=6, width=8, steps=20)
    >>> r.ratio('sigmoid', 'relu + layernorm + residual') > 100
    True
    >>> r['relu + layernorm + residual'].final_loss < r['sigmoid'].final_loss
    True
    """
    from nabla.nn import MLP
    from nabla.nn.losses import cross_entropy
    from nabla.nn.training import fit
    from nabla.optim.optimizers import sgd

    for name, value in (("depth", depth), ("width", width), ("steps", steps)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"vanishing_gradients_experiment: {name} must be an integer "
                             f">= 1, got {value!r}")
    rng = np.random.default_rng(seed)
    X, y = _task(rng) if data is None else data
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if X.ndim != 2 or y.shape != (len(X),) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError("vanishing_gradients_experiment: data must be (X, y) with X of "
                         "shape (n, d) and y integer class labels of shape (n,)")
    optimizer = sgd(0.1) if optimizer is None else optimizer
    sizes = [X.shape[1]] + [width] * depth + [int(y.max()) + 1]
    init_seed = int(rng.integers(2**32))

    def loss(model, batch):
        return cross_entropy(model(batch[0]), batch[1])

    runs = {}
    for name, options in (NETWORKS if networks is None else networks).items():
        model = MLP(sizes, rng=np.random.default_rng(init_seed), **options)
        norms = _linear_weight_norms(model, grad(loss)(model, (X, y)))
        trained, history = fit(model, loss, (X, y), optimizer=optimizer, epochs=steps,
                               batch_size=None, rng=None, verbose=0)
        curve = list(history.step_loss)          # full batch: the exact loss before each step
        if history.success:
            curve.append(float(loss(trained, (X, y))))
        runs[name] = Run(name, norms, curve, history.success, history.message)
    return VanishingGradientResult(depth, width, steps, _describe(optimizer), runs)
