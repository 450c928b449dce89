r"""Tabular policy gradients: the exact gradient by dynamic programming, and REINFORCE.

The setting. A finite MDP with states ``s ∈ {0..S−1}`` and actions ``a ∈ {0..A−1}``:
the first state is drawn from ``p0``, then for ``t = 0, …, H−1`` (``H`` = ``horizon``, the
number of decisions) the agent picks ``a_t ~ π(·|s_t)``, receives the reward
``r_t = R[s_t, a_t]`` and moves to ``s_{t+1} ~ P[s_t, a_t, ·]``. The policy is the softmax
of a table of logits ``θ`` of shape ``(S, A)``:

    π_θ(a|s) = exp θ[s, a] / Σ_b exp θ[s, b],

and the objective is the expected discounted return ``J(θ) = E[Σ_t γ^t r_t]``.

**Exact value** (:func:`expected_return`). With ``d_t`` the distribution of ``s_t``
(``d_0 = p0``, ``d_{t+1}(s') = Σ_s d_t(s) P_π(s, s')``, ``P_π(s, s') = Σ_a π(a|s) P[s, a, s']``)
and ``r_π(s) = Σ_a π(a|s) R[s, a]``,

    J(θ) = Σ_{t<H} γ^t Σ_s d_t(s) r_π(s).

Every operation is one of nabla's, so ``nabla.grad`` of it is the exact ``∇J``.

**Policy gradient theorem / REINFORCE** (:func:`reinforce_gradient`). Writing ``J`` as a sum
over trajectories ``τ`` of ``p_θ(τ)·Σ_t γ^t r_t`` and using ``∇p = p ∇log p`` (the dynamics
do not depend on θ, so ``∇log p_θ(τ) = Σ_t ∇log π(a_t|s_t)``):

    ∇J = E[ Σ_t ∇log π(a_t|s_t) · G_t ],   G_t = Σ_{k=t}^{H−1} γ^k r_k,

where only the *reward-to-go* ``G_t`` appears because a reward earned before ``t`` is
independent of the score ``∇log π(a_t|s_t)``, whose mean given the past is zero. (``G_t``
keeps its factor ``γ^t``: this is the gradient of the discounted objective itself.) For the
softmax table the score is closed-form: ``∂ log π(a|s)/∂θ[s', ·] = [s = s'] (onehot(a) −
π(·|s))``. The Monte-Carlo mean of this over sampled episodes is an unbiased estimate.

**Baselines.** For any ``b_t`` that does not depend on ``a_t`` (given ``s_t``),
``E[∇log π(a_t|s_t) b_t] = b_t Σ_a ∇π(a|s_t) = b_t ∇1 = 0``: subtracting it leaves the
estimate unbiased, while a ``b_t`` close to ``G_t`` shrinks the terms and so the variance.
"""

from __future__ import annotations

import numbers

import numpy as onp

import nabla.numpy as np
from nabla.core import concrete
from nabla.scipy.special import softmax

__all__ = ["TabularMDP", "expected_return", "policy", "reinforce_gradient"]


def _probabilities(x, name, axis, tol=1e-8):
    if onp.any(x < 0):
        raise ValueError(f"TabularMDP: {name} has negative entries; it must hold probabilities")
    sums = onp.atleast_1d(x.sum(axis=axis))
    bad = onp.argwhere(onp.abs(sums - 1.0) > tol)
    if len(bad):
        index = tuple(int(i) for i in bad[0])
        at = f"the entry at {index} sums" if x.ndim > 1 else "it sums"
        raise ValueError(f"TabularMDP: {name} must sum to 1 along its last axis; "
                         f"{at} to {float(sums[index])!r}")


class TabularMDP:
    """A small finite-horizon MDP: ``P[s, a, s']``, ``R[s, a]``, ``p0[s]``, ``horizon``, ``gamma``.

    ``P[s, a, s']`` is the probability of moving from ``s`` to ``s'`` under action ``a``
    (each ``P[s, a]`` sums to 1), ``R[s, a]`` the reward for taking ``a`` in ``s``, ``p0`` the
    distribution of the first state, ``horizon`` the number of decisions (rewards at
    ``t = 0 .. horizon−1``, discounted by ``gamma**t``). Bad shapes or distributions that do
    not sum to 1 raise ``ValueError`` naming the problem.

    >>> import numpy
    >>> mdp = TabularMDP(P=numpy.full((2, 2, 2), 0.5), R=numpy.eye(2), p0=numpy.array([1.0, 0.0]),
    ...                  horizon=4, gamma=0.9)
    >>> mdp.n_states, mdp.n_actions
    (2, 2)
    >>> TabularMDP(P=numpy.ones((2, 2, 2)), R=numpy.eye(2), p0=numpy.array([1.0, 0.0]), horizon=4)
    Traceback (most recent call last):
    ...
    ValueError: TabularMDP: P must sum to 1 along its last axis; the entry at (0, 0) sums to 2.0
    """

    def __init__(self, P, R, p0, horizon, gamma=1.0):
        P = onp.asarray(P, dtype=float)
        R = onp.asarray(R, dtype=float)
        p0 = onp.asarray(p0, dtype=float)
        if P.ndim != 3 or P.shape[0] != P.shape[2]:
            raise ValueError(f"TabularMDP: P must have shape (S, A, S); got {P.shape}")
        S, A = P.shape[:2]
        if S == 0 or A == 0:
            raise ValueError(f"TabularMDP: P needs at least one state and one action; "
                             f"got {P.shape}")
        if R.shape != (S, A):
            raise ValueError(f"TabularMDP: R must have shape (S, A) = {(S, A)}; got {R.shape}")
        if p0.shape != (S,):
            raise ValueError(f"TabularMDP: p0 must have shape (S,) = {(S,)}; got {p0.shape}")
        if not onp.all(onp.isfinite(R)):
            raise ValueError("TabularMDP: R has non-finite entries")
        _probabilities(P, "P", axis=-1)
        _probabilities(p0, "p0", axis=-1)
        if isinstance(horizon, bool) or not isinstance(horizon, numbers.Integral) or horizon < 1:
            raise ValueError(f"TabularMDP: horizon must be a positive integer; got {horizon!r}")
        gamma = float(gamma)
        if not 0.0 <= gamma <= 1.0:
            raise ValueError(f"TabularMDP: gamma must lie in [0, 1]; got {gamma}")
        self.P, self.R, self.p0 = P, R, p0
        self.horizon, self.gamma = int(horizon), gamma
        self.n_states, self.n_actions = S, A

    def __repr__(self):
        return (f"TabularMDP(n_states={self.n_states}, n_actions={self.n_actions}, "
                f"horizon={self.horizon}, gamma={self.gamma})")

    def check_theta(self, theta):
        """Raise ``ValueError`` unless ``theta`` has the shape ``(n_states, n_actions)``."""
        shape = onp.shape(theta)
        if shape != (self.n_states, self.n_actions):
            raise ValueError(f"theta must have shape (n_states, n_actions) = "
                             f"{(self.n_states, self.n_actions)}; got {shape}")

    def sample_episodes(self, theta, n, rng):
        """``n`` independent episodes at once: ``(states, actions, rewards)``, each of shape
        ``(n, horizon)``.

        Sampled with NumPy, vectorized over episodes (inverse-CDF draws from ``rng``, a
        ``numpy.random.Generator``); ``rewards[i, t] = R[states[i, t], actions[i, t]]``
        (undiscounted).

        >>> import numpy
        >>> mdp = TabularMDP(numpy.full((2, 2, 2), 0.5), numpy.eye(2), numpy.array([1.0, 0.0]), 3)
        >>> s, a, r = mdp.sample_episodes(numpy.zeros((2, 2)), 5, numpy.random.default_rng(0))
        >>> s.shape, a.shape, r.shape
        ((5, 3), (5, 3), (5, 3))
        """
        self.check_theta(theta)
        n = int(n)
        if n < 1:
            raise ValueError(f"sample_episodes: n must be positive; got {n}")
        pi = onp.asarray(policy(onp.asarray(concrete(theta), dtype=float)))
        pi_cdf = onp.cumsum(pi, axis=-1)
        P_cdf = onp.cumsum(self.P, axis=-1)
        H, S, A = self.horizon, self.n_states, self.n_actions
        states = onp.empty((n, H), dtype=onp.intp)
        actions = onp.empty((n, H), dtype=onp.intp)
        s = onp.minimum((onp.cumsum(self.p0)[None, :] < rng.random((n, 1))).sum(axis=1), S - 1)
        for t in range(H):
            a = onp.minimum((pi_cdf[s] < rng.random((n, 1))).sum(axis=1), A - 1)
            states[:, t], actions[:, t] = s, a
            if t + 1 < H:
                s = onp.minimum((P_cdf[s, a] < rng.random((n, 1))).sum(axis=1), S - 1)
        return states, actions, self.R[states, actions]

    def sample_episode(self, theta, rng):
        """One episode under the softmax policy of ``theta``: ``(states, actions, rewards)``,
        each of length ``horizon``.

        >>> import numpy
        >>> mdp = TabularMDP(numpy.full((2, 2, 2), 0.5), numpy.eye(2), numpy.array([1.0, 0.0]), 3)
        >>> states, actions, rewards = mdp.sample_episode(numpy.zeros((2, 2)),
        ...                                               numpy.random.default_rng(0))
        >>> int(states[0]), len(actions), bool(numpy.all(rewards == (states == actions)))
        (0, 3, True)
        """
        states, actions, rewards = self.sample_episodes(theta, 1, rng)
        return states[0], actions[0], rewards[0]


def policy(theta):
    """The softmax policy table ``π(a|s) = softmax(θ[s])[a]`` (differentiable).

    >>> import numpy
    >>> policy(numpy.array([[0.0, 0.0], [0.0, numpy.log(3.0)]]))
    array([[0.5 , 0.5 ],
           [0.25, 0.75]])
    """
    return softmax(theta, axis=-1)


def expected_return(mdp, theta):
    """The exact expected return ``J(θ) = Σ_t γ^t Σ_s d_t(s) Σ_a π(a|s) R(s, a)``.

    Dynamic programming forward in time: ``d_0 = p0``, ``d_{t+1} = d_t P_π`` with
    ``P_π(s, s') = Σ_a π(a|s) P(s, a, s')``. Written with nabla's differentiable functions, so
    ``nabla.grad(lambda th: expected_return(mdp, th))(theta)`` is the exact policy gradient
    (the quantity the REINFORCE estimator estimates).

    >>> import numpy, nabla
    >>> P = numpy.zeros((2, 2, 2)); P[:, 0, 0] = 1.0; P[:, 1, 1] = 1.0  # action = next state
    >>> mdp = TabularMDP(P, R=numpy.array([[0.0, 0.0], [1.0, 1.0]]), p0=numpy.array([1.0, 0.0]),
    ...                  horizon=2)
    >>> theta = numpy.zeros((2, 2))
    >>> float(expected_return(mdp, theta))  # reward 1 at t = 1 iff a_0 = 1: probability 1/2
    0.5
    >>> nabla.grad(lambda th: expected_return(mdp, th))(theta)  # dπ(1|0)/dθ[0] = (-1/4, 1/4)
    array([[-0.25,  0.25],
           [ 0.  ,  0.  ]])
    """
    mdp.check_theta(theta)
    pi = policy(theta)
    r_pi = np.sum(pi * mdp.R, axis=-1)
    P_pi = np.einsum("sa,sat->st", pi, mdp.P)
    d = mdp.p0
    total = 0.0
    for t in range(mdp.horizon):
        total = total + mdp.gamma ** t * np.sum(d * r_pi)
        if t + 1 < mdp.horizon:
            d = np.matmul(d, P_pi)
    return total


def _returns_to_go(rewards, gamma):
    discounted = rewards * gamma ** onp.arange(rewards.shape[1])
    return onp.cumsum(discounted[:, ::-1], axis=1)[:, ::-1]


def reinforce_gradient(mdp, theta, episodes, rng, baseline=None):
    r"""The REINFORCE (score-function) estimate of ``∇J(θ)`` and its standard error.

    Samples ``episodes`` episodes and returns ``(estimate, stderr)``, both shaped like
    ``theta``: the mean over episodes of

        ĝ_i = Σ_t ∇log π(a_t|s_t) · (G_t − b_t),   G_t = Σ_{k≥t} γ^k r_k,

    (reward-to-go, keeping its discount ``γ^t``; the score ``∇log π(a|s)`` is
    ``onehot(a) − π(·|s)`` in row ``s`` and zero elsewhere), and the per-component standard
    error of that mean, ``std(ĝ_i, ddof=1) / √episodes``.

    ``baseline``:

    * ``None``: ``b_t = 0``, the plain estimator;
    * a number ``b``: ``b_t = b`` for every step (unbiased for any constant);
    * ``"mean"``: ``b_t`` is the mean reward-to-go ``G_t`` at the same step over the *other*
      episodes (leave-one-out, so ``b_t`` is independent of episode ``i`` and the estimate is
      exactly unbiased; needs ``episodes ≥ 2``). A baseline that does not depend on the
      action adds ``E[∇log π(a|s)]·b = b·∇Σ_a π(a|s) = 0`` in expectation, while one close to
      ``G_t`` shrinks every term, so the variance falls.

    >>> import numpy
    >>> P = numpy.zeros((2, 2, 2)); P[:, 0, 0] = 1.0; P[:, 1, 1] = 1.0
    >>> mdp = TabularMDP(P, numpy.array([[0.0, 0.0], [1.0, 1.0]]), numpy.array([1.0, 0.0]), 2)
    >>> g, se = reinforce_gradient(mdp, numpy.zeros((2, 2)), 4000, numpy.random.default_rng(0),
    ...                            baseline="mean")
    >>> bool(numpy.all(numpy.abs(g - [[-0.25, 0.25], [0.0, 0.0]]) <= 4 * se + 1e-12))
    True
    """
    mdp.check_theta(theta)
    episodes = int(episodes)
    if episodes < 1 or (isinstance(baseline, str) and episodes < 2):
        least = 2 if isinstance(baseline, str) else 1
        raise ValueError(f"reinforce_gradient: needs at least {least} episodes; got {episodes}")
    theta = onp.asarray(concrete(theta), dtype=float)
    states, actions, rewards = mdp.sample_episodes(theta, episodes, rng)
    G = _returns_to_go(rewards, mdp.gamma)  # (n, H)
    if baseline is None:
        advantage = G
    elif isinstance(baseline, str):
        if baseline != "mean":
            raise ValueError(f"reinforce_gradient: baseline must be None, 'mean' or a number; "
                             f"got {baseline!r}")
        advantage = G - (G.sum(axis=0, keepdims=True) - G) / (episodes - 1)
    elif isinstance(baseline, numbers.Real) and not isinstance(baseline, bool):
        advantage = G - float(baseline)
    else:
        raise ValueError(f"reinforce_gradient: baseline must be None, 'mean' or a number; "
                         f"got {baseline!r}")
    pi = onp.asarray(policy(theta))
    S, A = mdp.n_states, mdp.n_actions
    score = onp.eye(A)[actions] - pi[states]  # (n, H, A): ∇_{θ[s_t]} log π(a_t|s_t)
    per_episode = onp.einsum("nhs,nha,nh->nsa", onp.eye(S)[states], score, advantage)
    estimate = per_episode.mean(axis=0)
    if episodes > 1:
        stderr = per_episode.std(axis=0, ddof=1) / onp.sqrt(episodes)
    else:
        stderr = onp.full_like(estimate, onp.inf)
    return estimate, stderr
