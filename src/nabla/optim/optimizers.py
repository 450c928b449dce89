"""First-order optimizers on pytrees: SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW.

Each constructor returns an :class:`Optimizer`, a pair of pure functions (as in optax):

- ``state = opt.init(params)`` makes the optimizer's state (the step count and its
  running averages, each a pytree shaped like ``params``);
- ``params, state = opt.update(grads, state, params)`` takes one step.

Nothing is stored anywhere else, so two optimizers never interfere and a state can be
saved and restored. ``params`` and ``grads`` are any pytree of floating-point arrays or
Python floats with the same structure; dtypes are kept (float32 stays float32).

The updates are those of ``torch.optim`` with the same defaults. Before the update proper,
every optimizer treats the gradient ``g`` the same way, in this order:

1. ``clip_value=c``: ``g ← clip(g, −c, c)`` entrywise; ``clip_norm=m``: ``g ← g · min(1,
   m / ‖g‖)`` with ``‖g‖`` the global norm over all leaves (see :mod:`.clipping`);
2. ``maximize=True``: ``g ← −g`` (gradient *ascent* on the objective);
3. ``weight_decay=λ``: ``g ← g + λ·p`` (an L2 penalty ``λ/2·‖p‖²`` on the objective,
   torch-style), except :func:`adamw`, which decays the parameters directly.

The learning rate ``lr`` is a number or a schedule (a callable ``step -> float``, see
:mod:`.schedules`), called with the number of steps already taken: 0 for the first.

>>> import numpy as np
>>> from nabla.optim import optimizers
>>> opt = optimizers.adam(lr=0.1)
>>> params = {'w': np.asarray([1.0, -2.0])}
>>> state = opt.init(params)
>>> for _ in range(3):
...     grads = {'w': 2 * params['w']}          # gradient of ‖w‖²
...     params, state = opt.update(grads, state, params)
>>> np.round(params['w'], 4), state.step
(array([ 0.7016, -1.7006]), 3)
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from nabla import tree
from nabla.optim import clipping, schedules

__all__ = [
    "Optimizer",
    "OptimizerState",
    "adagrad",
    "adam",
    "adamw",
    "momentum",
    "nesterov",
    "rmsprop",
    "sgd",
]


class OptimizerState(NamedTuple):
    """What an optimizer carries from one step to the next (a pytree itself).

    ``step`` is the number of updates taken so far; ``slots`` maps the name of each
    running quantity (``'momentum'``, ``'m'``, ``'v'``, …) to a pytree shaped like the
    parameters.

    >>> import numpy as np
    >>> momentum(0.1).init({'w': np.zeros(2)})
    OptimizerState(step=0, slots={'momentum': {'w': array([0., 0.])}})
    """

    step: int
    slots: dict


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class Optimizer:
    """A functional optimizer: ``init(params) -> state`` and
    ``update(grads, state, params) -> (new_params, new_state)``.

    ``name`` and ``hyperparams`` describe it (they make the repr); the constructors of
    this module (:func:`sgd`, :func:`adam`, …) build it.

    >>> opt = sgd(0.5)
    >>> opt
    sgd(lr=0.5, momentum=0.0, nesterov=False, weight_decay=0.0, maximize=False, clip_norm=None, clip_value=None)
    >>> opt.update(4.0, opt.init(1.0), 1.0)
    (-1.0, OptimizerState(step=1, slots={}))
    """  # noqa: E501

    init: Callable[[Any], OptimizerState]
    update: Callable[[Any, OptimizerState, Any], tuple[Any, OptimizerState]]
    name: str = "optimizer"
    hyperparams: dict = dataclasses.field(default_factory=dict)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparams.items())
        return f"{self.name}({args})"


# --------------------------------------------------------------------------------------
# Checks of hyperparameters and inputs
# --------------------------------------------------------------------------------------


def _real(x, name, where):
    if not isinstance(x, numbers.Real) or isinstance(x, bool) or math.isnan(x):
        raise ValueError(f"{where}: {name} must be a real number, got {x!r}")
    return float(x)


def _at_least(x, low, name, where):
    x = _real(x, name, where)
    if x < low:
        raise ValueError(f"{where}: {name} must be >= {low}, got {x!r}")
    return x


def _positive(x, name, where):
    x = _real(x, name, where)
    if not x > 0:
        raise ValueError(f"{where}: {name} must be > 0, got {x!r}")
    return x


def _beta(x, name, where):
    x = _real(x, name, where)
    if not 0 <= x < 1:
        raise ValueError(f"{where}: {name} must be in [0, 1), got {x!r}")
    return x


def _learning_rate(lr, where):
    """``lr`` as a schedule: a callable is taken as one, a number must be >= 0."""
    if callable(lr):
        return lr
    return schedules.constant(_at_least(lr, 0.0, "lr", where))


def _check_float_leaf(p, where):
    if not np.issubdtype(np.result_type(p), np.floating):
        raise TypeError(f"{where}: parameters must be floating-point arrays or floats, got "
                        f"a leaf of dtype {np.result_type(p)} (convert it with "
                        f".astype(float))")


def _cast_like(x, p):
    """``x`` in the dtype of ``p`` (a float32 parameter stays float32)."""
    dtype = getattr(p, "dtype", None)
    return x if dtype is None or getattr(x, "dtype", dtype) == dtype else x.astype(dtype)


# --------------------------------------------------------------------------------------
# The common machinery: one per-leaf rule, wrapped with clipping, ascent and decay
# --------------------------------------------------------------------------------------


def _optimizer(name, hyperparams, rule, slots, *, weight_decay, maximize, clip_norm,
               clip_value, decoupled_decay=False):
    """Build an :class:`Optimizer` from a per-leaf ``rule(g, p, s, t, lr) -> (p, s)``.

    ``s`` maps slot names to this leaf's running quantities (started at the fill values
    in ``slots``), ``t`` is the step number counted from 1 and ``lr`` the rate for it.
    """
    lr = _learning_rate(hyperparams["lr"], name)
    weight_decay = _at_least(weight_decay, 0.0, "weight_decay", name)
    if clip_norm is not None:
        clip_norm = _positive(clip_norm, "clip_norm", name)
    if clip_value is not None:
        clip_value = _positive(clip_value, "clip_value", name)
    hyperparams = {**hyperparams, "weight_decay": weight_decay, "maximize": bool(maximize),
                   "clip_norm": clip_norm, "clip_value": clip_value}

    def init(params):
        leaves, treedef = tree.flatten(params)
        for p in leaves:
            _check_float_leaf(p, name)
        return OptimizerState(0, {k: treedef.unflatten([np.full_like(p, fill) for p in leaves])
                                  for k, fill in slots.items()})

    def prepare(grads):
        if clip_value is not None:
            grads = clipping.clip_by_value(grads, clip_value)
        if clip_norm is not None:
            grads = clipping.clip_by_global_norm(grads, clip_norm)
        return grads

    def update(grads, state, params):
        p_leaves, treedef = tree.flatten(params)
        g_leaves, g_def = tree.flatten(prepare(grads))
        if g_def != treedef:
            raise ValueError(f"{name}.update: grads have structure {g_def!r}, but params have "
                             f"{treedef!r}; they must match")
        if set(state.slots) != set(slots) or any(
                tree.structure(v) != treedef for v in state.slots.values()):
            raise ValueError(f"{name}.update: the state does not fit these params; make it "
                             f"with this optimizer's init(params)")
        step = int(state.step)
        rate = float(lr(step))
        slot_leaves = {k: tree.leaves(v) for k, v in state.slots.items()}
        new_p, new_s = [], {k: [] for k in slots}
        for i, (g, p) in enumerate(zip(g_leaves, p_leaves)):
            g = -g if maximize else g
            if weight_decay and decoupled_decay:
                p = p * (1 - rate * weight_decay)
            elif weight_decay:
                g = g + weight_decay * p
            q, s = rule(g, p, {k: v[i] for k, v in slot_leaves.items()}, step + 1, rate)
            new_p.append(_cast_like(q, p))
            for k in slots:
                new_s[k].append(_cast_like(s[k], p))
        return treedef.unflatten(new_p), OptimizerState(
            step + 1, {k: treedef.unflatten(v) for k, v in new_s.items()})

    return Optimizer(init, update, name, hyperparams)


# --------------------------------------------------------------------------------------
# The optimizers
# --------------------------------------------------------------------------------------


def _sgd(where, hyperparams, mu, nesterov, **common):
    """The SGD family: momentum ``mu`` (0 for none), heavy ball or Nesterov."""

    def rule(g, p, s, t, lr):
        if mu == 0:
            return p - lr * g, s
        b = mu * s["momentum"] + g
        return p - lr * (g + mu * b if nesterov else b), {"momentum": b}

    return _optimizer(where, hyperparams, rule, {"momentum": 0.0} if mu else {}, **common)


def sgd(lr, *, momentum=0.0, nesterov=False, weight_decay=0.0, maximize=False,
        clip_norm=None, clip_value=None) -> Optimizer:
    """Stochastic gradient descent, with optional heavy-ball or Nesterov momentum.

    As ``torch.optim.SGD`` (dampening 0). With ``μ = momentum`` and the buffer ``b₀ = 0``::

        b_t = μ·b_{t−1} + g_t
        p_t = p_{t−1} − lr·b_t                 (heavy ball)
        p_t = p_{t−1} − lr·(g_t + μ·b_t)       (nesterov=True)

    and plain ``p_t = p_{t−1} − lr·g_t`` when ``μ = 0``. ``weight_decay``, ``maximize``,
    ``clip_norm``, ``clip_value``: see the module docstring.

    >>> opt = sgd(0.1)
    >>> opt.update(2.0, opt.init(1.0), 1.0)[0]
    0.8
    """
    mu = _beta(momentum, "momentum", "sgd")
    if nesterov and mu == 0:
        raise ValueError("sgd: nesterov=True needs momentum > 0")
    return _sgd("sgd", {"lr": lr, "momentum": mu, "nesterov": bool(nesterov)}, mu, nesterov,
                weight_decay=weight_decay, maximize=maximize, clip_norm=clip_norm,
                clip_value=clip_value)


def momentum(lr, beta=0.9, *, weight_decay=0.0, maximize=False, clip_norm=None,
             clip_value=None) -> Optimizer:
    """Gradient descent with heavy-ball momentum (Polyak): ``sgd(lr, momentum=beta)``.

    ``b_t = β·b_{t−1} + g_t``, ``p_t = p_{t−1} − lr·b_t`` (``b₀ = 0``), as
    ``torch.optim.SGD(lr, momentum=beta)``.

    >>> opt = momentum(0.1, beta=0.5)
    >>> p, s = opt.update(1.0, opt.init(0.0), 0.0)
    >>> float(opt.update(1.0, s, p)[0])
    -0.25
    """
    beta = _beta(beta, "beta", "momentum")
    return _sgd("momentum", {"lr": lr, "beta": beta}, beta, False, weight_decay=weight_decay,
                maximize=maximize, clip_norm=clip_norm, clip_value=clip_value)


def nesterov(lr, beta=0.9, *, weight_decay=0.0, maximize=False, clip_norm=None,
             clip_value=None) -> Optimizer:
    """Nesterov's accelerated gradient: ``sgd(lr, momentum=beta, nesterov=True)``.

    ``b_t = β·b_{t−1} + g_t``, ``p_t = p_{t−1} − lr·(g_t + β·b_t)`` (``b₀ = 0``), as
    ``torch.optim.SGD(lr, momentum=beta, nesterov=True)``: the look-ahead form of
    Sutskever et al. (2013), with the gradient taken at the current parameters.

    >>> opt = nesterov(0.5, beta=0.5)
    >>> p, s = opt.update(1.0, opt.init(0.0), 0.0)
    >>> float(p), float(opt.update(1.0, s, p)[0])
    (-0.75, -1.625)
    """
    beta = _beta(beta, "beta", "nesterov")
    if beta == 0:
        raise ValueError("nesterov: beta must be in (0, 1), got 0.0")
    return _sgd("nesterov", {"lr": lr, "beta": beta}, beta, True, weight_decay=weight_decay,
                maximize=maximize, clip_norm=clip_norm, clip_value=clip_value)


def adagrad(lr=1e-2, eps=1e-10, initial_accumulator=0.0, *, weight_decay=0.0,
            maximize=False, clip_norm=None, clip_value=None) -> Optimizer:
    """AdaGrad (Duchi, Hazan and Singer, 2011): a per-coordinate rate that shrinks with
    the squared gradients seen so far.

    As ``torch.optim.Adagrad`` (``lr_decay`` 0; use a schedule instead)::

        G_t = G_{t−1} + g_t²                   (G₀ = initial_accumulator)
        p_t = p_{t−1} − lr·g_t / (√G_t + eps)

    >>> opt = adagrad(lr=1.0)
    >>> round(float(opt.update(3.0, opt.init(0.0), 0.0)[0]), 6)
    -1.0
    """
    where = "adagrad"
    eps = _positive(eps, "eps", where)
    initial_accumulator = _at_least(initial_accumulator, 0.0, "initial_accumulator", where)

    def rule(g, p, s, t, lr):
        acc = s["sum"] + g * g
        return p - lr * g / (np.sqrt(acc) + eps), {"sum": acc}

    return _optimizer(where, {"lr": lr, "eps": eps, "initial_accumulator": initial_accumulator},
                      rule, {"sum": initial_accumulator}, weight_decay=weight_decay,
                      maximize=maximize, clip_norm=clip_norm, clip_value=clip_value)


def rmsprop(lr=1e-2, alpha=0.99, eps=1e-8, momentum=0.0, centered=False, *,
            weight_decay=0.0, maximize=False, clip_norm=None, clip_value=None) -> Optimizer:
    """RMSProp (Hinton, 2012): divide by a running root mean square of the gradient.

    As ``torch.optim.RMSprop``, with ``v₀ = ḡ₀ = b₀ = 0``::

        v_t = α·v_{t−1} + (1 − α)·g_t²
        ḡ_t = α·ḡ_{t−1} + (1 − α)·g_t          (centered=True only)
        d_t = √v_t + eps   or, centered,   √(v_t − ḡ_t²) + eps
        b_t = μ·b_{t−1} + g_t / d_t,   p_t = p_{t−1} − lr·b_t      (momentum μ > 0)
        p_t = p_{t−1} − lr·g_t / d_t                                 (μ = 0)

    >>> opt = rmsprop(lr=0.01, alpha=0.0, eps=1e-12)
    >>> round(float(opt.update(5.0, opt.init(1.0), 1.0)[0]), 10)
    0.99
    """
    where = "rmsprop"
    alpha = _beta(alpha, "alpha", where)
    eps = _positive(eps, "eps", where)
    mu = _beta(momentum, "momentum", where)

    def rule(g, p, s, t, lr):
        new = {"square_avg": alpha * s["square_avg"] + (1 - alpha) * g * g}
        if centered:
            new["grad_avg"] = alpha * s["grad_avg"] + (1 - alpha) * g
            # v ≥ ḡ² exactly; the clamp only removes a rounding error's NaN.
            d = np.sqrt(np.maximum(new["square_avg"] - new["grad_avg"] ** 2, 0)) + eps
        else:
            d = np.sqrt(new["square_avg"]) + eps
        if mu == 0:
            return p - lr * g / d, new
        new["momentum"] = mu * s["momentum"] + g / d
        return p - lr * new["momentum"], new

    slots = {"square_avg": 0.0}
    if centered:
        slots["grad_avg"] = 0.0
    if mu:
        slots["momentum"] = 0.0
    return _optimizer(where, {"lr": lr, "alpha": alpha, "eps": eps, "momentum": mu,
                              "centered": bool(centered)}, rule, slots,
                      weight_decay=weight_decay, maximize=maximize, clip_norm=clip_norm,
                      clip_value=clip_value)


def _adam_rule(b1, b2, eps, amsgrad):
    def rule(g, p, s, t, lr):
        new = {"m": b1 * s["m"] + (1 - b1) * g, "v": b2 * s["v"] + (1 - b2) * g * g}
        v = new["v"]
        if amsgrad:
            v = new["v_max"] = np.maximum(s["v_max"], v)
        denom = np.sqrt(v) / math.sqrt(1 - b2 ** t) + eps
        return p - (lr / (1 - b1 ** t)) * new["m"] / denom, new

    return rule


def _adam_slots(amsgrad):
    return {"m": 0.0, "v": 0.0, "v_max": 0.0} if amsgrad else {"m": 0.0, "v": 0.0}


def _adam_hyperparams(where, lr, b1, b2, eps, amsgrad):
    return {"lr": lr, "b1": _beta(b1, "b1", where), "b2": _beta(b2, "b2", where),
            "eps": _positive(eps, "eps", where), "amsgrad": bool(amsgrad)}


def adam(lr=1e-3, b1=0.9, b2=0.999, eps=1e-8, amsgrad=False, *, weight_decay=0.0,
         maximize=False, clip_norm=None, clip_value=None) -> Optimizer:
    """Adam (Kingma and Ba, 2015): momentum divided by a running RMS, bias-corrected.

    As ``torch.optim.Adam`` (``weight_decay`` is an L2 term added to the gradient), with
    ``m₀ = v₀ = 0`` and ``t`` counted from 1::

        m_t = β₁·m_{t−1} + (1 − β₁)·g_t
        v_t = β₂·v_{t−1} + (1 − β₂)·g_t²
        v̂_t = max(v̂_{t−1}, v_t) if amsgrad else v_t
        p_t = p_{t−1} − lr/(1 − β₁ᵗ) · m_t / (√v̂_t / √(1 − β₂ᵗ) + eps)

    The first step moves every coordinate by about ``lr``, whatever the gradient's scale:

    >>> opt = adam(lr=0.1)
    >>> round(float(opt.update(-123.0, opt.init(0.0), 0.0)[0]), 6)
    0.1
    """
    hyper = _adam_hyperparams("adam", lr, b1, b2, eps, amsgrad)
    return _optimizer("adam", hyper, _adam_rule(hyper["b1"], hyper["b2"], hyper["eps"], amsgrad),
                      _adam_slots(amsgrad), weight_decay=weight_decay, maximize=maximize,
                      clip_norm=clip_norm, clip_value=clip_value)


def adamw(lr=1e-3, b1=0.9, b2=0.999, eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
          maximize=False, clip_norm=None, clip_value=None) -> Optimizer:
    """AdamW (Loshchilov and Hutter, 2019): Adam with decoupled weight decay.

    As ``torch.optim.AdamW``: first ``p ← p·(1 − lr·λ)`` with ``λ = weight_decay``, then the
    :func:`adam` step with the undecayed gradient. Unlike an L2 term, the decay is not
    rescaled by Adam's per-coordinate denominator.

    With a zero gradient only the decay acts:

    >>> opt = adamw(lr=0.1, weight_decay=0.5)
    >>> float(opt.update(0.0, opt.init(2.0), 2.0)[0])
    1.9
    """
    hyper = _adam_hyperparams("adamw", lr, b1, b2, eps, amsgrad)
    return _optimizer("adamw", hyper, _adam_rule(hyper["b1"], hyper["b2"], hyper["eps"], amsgrad),
                      _adam_slots(amsgrad), weight_decay=weight_decay, maximize=maximize,
                      clip_norm=clip_norm, clip_value=clip_value, decoupled_decay=True)
