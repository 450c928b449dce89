"""Learning-rate schedules: the step size ``η(t)`` as a function of the step ``t = 0, 1, …``.

A schedule is a callable ``step -> float`` with a readable repr; any of them can be given
as the ``lr`` of every optimizer in :mod:`nabla.optim.optimizers`, which calls it with the
number of steps already taken (0 for the first update). They follow the closed forms of
``torch.optim.lr_scheduler`` (``StepLR``, ``ExponentialLR``, ``CosineAnnealingLR``).

>>> from nabla.optim import schedules
>>> s = schedules.linear_warmup(0.1, 2, then=schedules.cosine(0.1, 4))
>>> s
linear_warmup(0.1, warmup_steps=2, then=cosine(0.1, total_steps=4, min_lr=0.0))
>>> [round(s(t), 4) for t in range(7)]
[0.05, 0.1, 0.1, 0.0854, 0.05, 0.0146, 0.0]
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

__all__ = ["Schedule", "constant", "cosine", "exponential", "linear_warmup", "step_decay"]


class Schedule:
    """A learning rate per step: ``schedule(t) -> float`` for ``t = 0, 1, 2, …``.

    Built by the functions of this module; ``rule`` maps a non-negative int step to the
    rate, ``text`` is the repr (the call that made it).

    >>> Schedule(lambda t: 1.0 / (t + 1), "harmonic")(3)
    0.25
    """

    __slots__ = ("_rule", "_text")

    def __init__(self, rule: Callable[[int], float], text: str):
        self._rule = rule
        self._text = text

    def __call__(self, step) -> float:
        if not isinstance(step, numbers.Integral) or isinstance(step, bool):
            raise TypeError(f"a schedule takes an integer step, got {step!r}")
        if step < 0:
            raise ValueError(f"a schedule takes a step >= 0, got {step}")
        return float(self._rule(int(step)))

    def __repr__(self):
        return self._text


def _check_lr(lr, name="lr"):
    if not isinstance(lr, numbers.Real) or isinstance(lr, bool) or not lr >= 0:
        raise ValueError(f"{name} must be a number >= 0, got {lr!r}")
    return float(lr)


def _check_steps(n, name, minimum=1):
    if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {n!r}")
    return int(n)


def _check_gamma(gamma):
    if not isinstance(gamma, numbers.Real) or isinstance(gamma, bool) or not gamma > 0:
        raise ValueError(f"gamma must be a number > 0, got {gamma!r}")
    return float(gamma)


def constant(lr: float) -> Schedule:
    """The same rate at every step: ``η(t) = lr``.

    >>> constant(0.1)(1000)
    0.1
    """
    lr = _check_lr(lr)
    return Schedule(lambda t: lr, f"constant({lr!r})")


def step_decay(lr: float, step_size: int, gamma: float = 0.1) -> Schedule:
    """Multiply by ``gamma`` every ``step_size`` steps: ``η(t) = lr · gamma^⌊t / step_size⌋``.

    As ``torch.optim.lr_scheduler.StepLR``.

    >>> s = step_decay(1.0, step_size=2, gamma=0.5)
    >>> [s(t) for t in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    lr, step_size, gamma = _check_lr(lr), _check_steps(step_size, "step_size"), _check_gamma(gamma)
    return Schedule(lambda t: lr * gamma ** (t // step_size),
                    f"step_decay({lr!r}, step_size={step_size}, gamma={gamma!r})")


def exponential(lr: float, gamma: float) -> Schedule:
    """Multiply by ``gamma`` every step: ``η(t) = lr · gamma^t``.

    As ``torch.optim.lr_scheduler.ExponentialLR``.

    >>> s = exponential(1.0, gamma=0.5)
    >>> [s(t) for t in range(4)]
    [1.0, 0.5, 0.25, 0.125]
    """
    lr, gamma = _check_lr(lr), _check_gamma(gamma)
    return Schedule(lambda t: lr * gamma ** t, f"exponential({lr!r}, gamma={gamma!r})")


def cosine(lr: float, total_steps: int, min_lr: float = 0.0) -> Schedule:
    """Cosine annealing from ``lr`` down to ``min_lr`` over ``total_steps`` steps.

    ``η(t) = min_lr + (lr − min_lr) · (1 + cos(π · min(t, T) / T)) / 2`` with
    ``T = total_steps``: the closed form of ``torch.optim.lr_scheduler.CosineAnnealingLR``
    for ``t ≤ T``; after ``T`` it stays at ``min_lr`` (no restart).

    >>> s = cosine(1.0, total_steps=4)
    >>> [round(s(t), 4) for t in range(6)]
    [1.0, 0.8536, 0.5, 0.1464, 0.0, 0.0]
    """
    lr, total_steps = _check_lr(lr), _check_steps(total_steps, "total_steps")
    min_lr = _check_lr(min_lr, "min_lr")
    if min_lr > lr:
        raise ValueError(f"min_lr must be <= lr, got min_lr={min_lr!r} > lr={lr!r}")

    def rule(t):
        return min_lr + (lr - min_lr) * (1 + math.cos(math.pi * min(t, total_steps)
                                                      / total_steps)) / 2

    return Schedule(rule, f"cosine({lr!r}, total_steps={total_steps}, min_lr={min_lr!r})")


def linear_warmup(lr: float, warmup_steps: int, then: Callable[[int], float] | None = None
                  ) -> Schedule:
    """Ramp linearly up to ``lr`` over ``warmup_steps`` steps, then continue with ``then``.

    ``η(t) = lr · (t + 1) / W`` for ``t < W = warmup_steps`` (so the first step is not
    wasted at rate 0 and step ``W − 1`` reaches ``lr``), then ``η(t) = then(t − W)``: the
    following schedule starts at its own step 0. Without ``then`` the rate stays ``lr``.

    >>> s = linear_warmup(1.0, 4, then=exponential(1.0, 0.5))
    >>> [s(t) for t in range(6)]
    [0.25, 0.5, 0.75, 1.0, 1.0, 0.5]
    """
    lr, warmup_steps = _check_lr(lr), _check_steps(warmup_steps, "warmup_steps", minimum=0)
    if then is None:
        then = constant(lr)
    elif not callable(then):
        raise TypeError(f"then must be a schedule (a callable step -> float), got {then!r}")

    def rule(t):
        return lr * (t + 1) / warmup_steps if t < warmup_steps else then(t - warmup_steps)

    return Schedule(rule, f"linear_warmup({lr!r}, warmup_steps={warmup_steps}, then={then!r})")
