"""Reinforcement learning, exactly checkable: small finite MDPs and policy gradients.

A :class:`TabularMDP` is small enough that its expected return under a softmax policy can be
computed exactly by dynamic programming (:func:`expected_return`), written with nabla's
differentiable functions, so ``nabla.grad`` of it is the exact policy gradient. The
Monte-Carlo REINFORCE estimator (:func:`reinforce_gradient`) can then be checked against
it, component by component, within its standard errors.

>>> import numpy
>>> import nabla
>>> from nabla.rl import TabularMDP, expected_return
>>> mdp = TabularMDP(P=numpy.ones((1, 2, 1)), R=numpy.array([[1.0, 0.0]]),
...                  p0=numpy.array([1.0]), horizon=3)
>>> float(expected_return(mdp, numpy.zeros((1, 2))))  # 3 steps, reward 1/2 each
1.5
"""

from nabla.rl.reinforce import Reinforce, returns_to_go
from nabla.rl.tabular import TabularMDP, expected_return, policy, reinforce_gradient

__all__ = ["Reinforce", "TabularMDP", "expected_return", "policy", "reinforce_gradient",
           "returns_to_go"]
