r"""REINFORCE: a Monte-Carlo policy-gradient agent for gymnasium environments.

:class:`Reinforce` has the shape of stable-baselines3's API — ``learn(total_timesteps)``,
``predict(obs)``, ``evaluate(episodes)`` — with the policy a ``nabla.nn.MLP`` and its
gradient taken by ``nabla.value_and_grad``.

**The estimator.** For a policy ``π_θ(a|s)`` and the discounted reward-to-go
``G_t = Σ_{k≥t} γ^{k−t} r_k`` of each step of an episode, the policy-gradient theorem gives

    ∇_θ J ≈ E[ Σ_t ∇_θ log π_θ(a_t|s_t) · A_t ],   A_t = G_t − b(s_t),

and each update takes one Adam step on the surrogate loss
``L(θ) = −(1/N) Σ_t log π_θ(a_t|s_t) · A_t`` (``A_t`` held fixed) over the ``N`` steps of a
batch of whole episodes. (Like most implementations this drops the factor ``γ^t`` of the
exact discounted gradient; see :mod:`nabla.rl.tabular` for the exact version.)

**Baselines.** Any ``b(s_t)`` that does not depend on ``a_t`` leaves the estimate unbiased,
since ``E[∇log π(a|s)] = Σ_a ∇π(a|s) = ∇1 = 0``; one close to ``G_t`` cuts its variance.
``baseline="value"`` fits a separate value network ``V_φ(s) ≈ E[G_t | s_t = s]`` (an MLP of
the same hidden sizes) by ``value_steps`` Adam steps on ``mean (V_φ(s_t) − G_t)²`` after each
policy update (the advantages of a batch use ``V_φ`` before it sees that batch);
``baseline="mean"`` subtracts the batch mean of ``G_t``; ``None`` uses ``G_t`` itself.

**Advantage normalization.** With ``normalize_advantages=True`` the batch's advantages are
rescaled to ``(A − mean A) / (std A + 1e-8)``: a constant shift (one more baseline) and a
positive scale (absorbed by Adam's step size), which makes one learning rate suit rewards of
any scale.

**Policies.** For a ``Discrete(n)`` action space the MLP gives ``n`` logits and
``π(·|s) = softmax(logits)``. For a 1-D ``Box`` action space it gives the mean ``μ(s)`` of a
diagonal Gaussian with a learned state-independent ``log σ``:
``log π(a|s) = −½ Σ_i ((a_i − μ_i)/σ_i)² − Σ_i log σ_i − (d/2) log 2π``; the sampled action
is scored unclipped and clipped to the Box bounds only when sent to the environment.
Observations may be a 1-D ``Box`` (used as they are, flattened) or ``Discrete`` (one-hot).

**Batches.** Each update uses whole episodes, collected until the batch holds at least
``batch_steps`` (default 1000) environment steps; ``learn(total_timesteps)`` runs updates
until ``total_timesteps`` more steps have been taken (the last batch may overshoot by part
of an episode). A truncated episode (a time limit) is treated like a terminated one: its
returns-to-go are not bootstrapped.

gymnasium is an optional dependency, the ``rl`` extra (``pip install nabla[rl]``).

The returns-to-go of an episode (:func:`returns_to_go`), and a short run (it needs
gymnasium; without it the check is skipped, the answer ``True`` either way):

>>> returns_to_go([1.0, 1.0, 1.0], gamma=0.5)
array([1.75, 1.5 , 1.  ])
>>> try:
...     import gymnasium
... except ImportError:
...     gymnasium = None
>>> from nabla.rl import Reinforce
>>> def short_run():
...     agent = Reinforce("CartPole-v1", hidden=(16,), seed=0).learn(2000, progress=False)
...     mean, std = agent.evaluate(episodes=2)
...     return agent.num_timesteps >= 2000 and agent.predict([0.0] * 4) in (0, 1) and mean > 0
>>> gymnasium is None or short_run()
True
"""

from __future__ import annotations

import math
import sys

import numpy as onp

import nabla.numpy as np
from nabla.nn import MLP, Module
from nabla.optim.optimizers import adam
from nabla.scipy.special import log_softmax
from nabla.transforms import value_and_grad

__all__ = ["Reinforce", "returns_to_go"]


def _gymnasium():
    try:
        import gymnasium
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("nabla.rl.Reinforce needs gymnasium; install it with "
                          "`pip install nabla[rl]`") from e
    return gymnasium


class _GaussianPolicy(Module):
    """A diagonal Gaussian: the mean from an MLP, a learned state-independent ``log σ``."""

    def __init__(self, sizes, activation, *, rng, log_std=0.0):
        self.mean = MLP(sizes, activation, rng=rng)
        self.log_std = onp.full(sizes[-1], float(log_std))

    def __call__(self, x):
        return self.mean(x)


def returns_to_go(rewards, gamma):
    """The discounted returns-to-go ``G_t = Σ_{k≥t} γ^{k−t} r_k`` of one episode's rewards,
    computed backwards as ``G_t = r_t + γ G_{t+1}`` (``G_T = 0``)."""
    rewards = onp.asarray(rewards, dtype=float)
    out = onp.empty(len(rewards))
    running = 0.0
    for t in range(len(rewards) - 1, -1, -1):
        running = rewards[t] + gamma * running
        out[t] = running
    return out


class Reinforce:
    """REINFORCE with a baseline (see the module docstring for the math).

    ``env`` is a gymnasium environment or an id for ``gymnasium.make``. ``hidden`` are the
    hidden sizes of the policy (and value) MLPs (tanh activations), ``gamma`` the discount,
    ``lr`` Adam's learning rate for the policy (the value network uses ``value_lr``, default
    the same), ``baseline`` one of ``"value"``, ``"mean"``, ``None``; ``batch_steps`` the
    minimum number of environment steps per update (whole episodes); ``value_steps`` the
    Adam steps fitting the value network per update. ``seed`` fixes the network weights,
    the sampled actions and the first ``env.reset``: the same seed gives the same run.

    Unsupported spaces (anything but a ``Discrete`` or 1-D ``Box`` action space, a 1-D
    ``Box`` or ``Discrete`` observation space) raise ``TypeError`` naming the space.
    """

    def __init__(self, env, hidden=(64,), gamma=0.99, lr=1e-2, baseline="value",
                 normalize_advantages=True, seed=0, *, batch_steps=1000, value_lr=None,
                 value_steps=5):
        gym = _gymnasium()
        if isinstance(env, str):
            env = gym.make(env)
        self.env = env
        if baseline not in ("value", "mean", None):
            raise ValueError(f"Reinforce: baseline must be 'value', 'mean' or None, "
                             f"got {baseline!r}")
        if not 0.0 <= float(gamma) <= 1.0:
            raise ValueError(f"Reinforce: gamma must be in [0, 1], got {gamma!r}")
        if int(batch_steps) < 1:
            raise ValueError(f"Reinforce: batch_steps must be >= 1, got {batch_steps!r}")
        self.hidden = tuple(int(h) for h in hidden)
        self.gamma, self.lr, self.baseline = float(gamma), float(lr), baseline
        self.normalize_advantages = bool(normalize_advantages)
        self.seed, self.batch_steps, self.value_steps = seed, int(batch_steps), int(value_steps)
        self.value_lr = self.lr if value_lr is None else float(value_lr)

        spaces = gym.spaces
        obs_space, act_space = env.observation_space, env.action_space
        if isinstance(obs_space, spaces.Discrete):
            self._obs_dim, self._obs_n = int(obs_space.n), int(obs_space.n)
        elif isinstance(obs_space, spaces.Box) and len(obs_space.shape) == 1:
            self._obs_dim, self._obs_n = int(obs_space.shape[0]), None
        else:
            raise TypeError(f"Reinforce: unsupported observation space {obs_space!r}; it must be "
                            f"Discrete or a 1-D Box")
        rng = onp.random.default_rng(seed)
        if isinstance(act_space, spaces.Discrete):
            self.discrete = True
            self._n_actions, self._start = int(act_space.n), int(act_space.start)
            self.policy = MLP([self._obs_dim, *self.hidden, self._n_actions], "tanh", rng=rng)
        elif isinstance(act_space, spaces.Box) and len(act_space.shape) == 1:
            self.discrete = False
            self._low = onp.asarray(act_space.low, dtype=float)
            self._high = onp.asarray(act_space.high, dtype=float)
            self.policy = _GaussianPolicy([self._obs_dim, *self.hidden, act_space.shape[0]],
                                          "tanh", rng=rng)
        else:
            raise TypeError(f"Reinforce: unsupported action space {act_space!r}; the policy "
                            f"supports Discrete (softmax) and 1-D Box (Gaussian) actions")
        self.value = (MLP([self._obs_dim, *self.hidden, 1], "tanh", rng=rng)
                      if baseline == "value" else None)
        self._opt = adam(self.lr)
        self._opt_state = self._opt.init(self.policy)
        if self.value is not None:
            self._vopt = adam(self.value_lr)
            self._vopt_state = self._vopt.init(self.value)
        self._rng = rng
        self._reset_seed = seed
        self.num_timesteps = 0
        self.num_episodes = 0
        self.num_updates = 0
        self.episode_returns: list[float] = []

    # ---------------------------------------------------------------- acting

    def _features(self, obs):
        if self._obs_n is not None:
            x = onp.zeros((onp.size(obs), self._obs_n))
            x[onp.arange(onp.size(obs)), onp.ravel(obs).astype(int)] = 1.0
            return x
        return onp.asarray(obs, dtype=float).reshape(-1, self._obs_dim)

    def _act(self, obs, deterministic):
        """The action to send to the environment, and the (unclipped) one to score."""
        out = onp.asarray(self.policy(self._features(obs)))[0]
        if self.discrete:
            if deterministic:
                a = int(onp.argmax(out))
            else:
                p = onp.exp(out - out.max())
                a = int(self._rng.choice(len(p), p=p / p.sum()))
            return a + self._start, a
        if deterministic:
            raw = out
        else:
            raw = out + onp.exp(self.policy.log_std) * self._rng.standard_normal(out.shape)
        return onp.clip(raw, self._low, self._high).astype(self.env.action_space.dtype), raw

    def predict(self, obs, deterministic=False):
        """The action for one observation: sampled from ``π(·|obs)``, or its mode
        (the argmax of the logits; the Gaussian's mean, clipped) when ``deterministic``."""
        return self._act(obs, deterministic)[0]

    def _reset(self):
        if self._reset_seed is not None:
            obs, _ = self.env.reset(seed=self._reset_seed)
            self._reset_seed = None
        else:
            obs, _ = self.env.reset()
        return obs

    def _episode(self, deterministic=False, record=True):
        obs = self._reset()
        observations, actions, rewards = [], [], []
        while True:
            env_action, raw = self._act(obs, deterministic)
            next_obs, reward, terminated, truncated, _ = self.env.step(env_action)
            if record:
                observations.append(obs)
                actions.append(raw)
            rewards.append(float(reward))
            obs = next_obs
            if terminated or truncated:
                return observations, actions, rewards

    def evaluate(self, episodes=100, deterministic=True):
        """``(mean, std)`` of the undiscounted return over ``episodes`` episodes."""
        returns = [sum(self._episode(deterministic, record=False)[2]) for _ in range(episodes)]
        return float(onp.mean(returns)), float(onp.std(returns))

    # ---------------------------------------------------------------- learning

    def _log_prob(self, policy, x, actions):
        out = policy(x)
        if self.discrete:
            logp = log_softmax(out, axis=-1)
            onehot = onp.eye(self._n_actions)[actions]
            return np.sum(logp * onehot, axis=-1)
        log_std = policy.log_std
        z = (actions - out) / np.exp(log_std)
        d = actions.shape[-1]
        return (-0.5 * np.sum(z * z, axis=-1) - np.sum(log_std)
                - 0.5 * d * math.log(2 * math.pi))

    def _update(self, observations, actions, returns):
        x = self._features(onp.asarray(observations))
        actions = onp.asarray(actions, dtype=int if self.discrete else float)
        if self.baseline == "value":
            adv = returns - onp.asarray(self.value(x))[:, 0]
        elif self.baseline == "mean":
            adv = returns - returns.mean()
        else:
            adv = returns.copy()
        if self.normalize_advantages and len(adv) > 1:
            adv = (adv - adv.mean()) / (adv.std() + 1e-8)

        def loss(policy):
            return -np.mean(self._log_prob(policy, x, actions) * adv)

        value, grads = value_and_grad(loss)(self.policy)
        self.policy, self._opt_state = self._opt.update(grads, self._opt_state, self.policy)
        self.last_loss = float(value)
        if self.value is not None:
            targets = returns[:, None]

            def value_loss(v):
                err = v(x) - targets
                return np.mean(err * err)

            for _ in range(self.value_steps):
                _, g = value_and_grad(value_loss)(self.value)
                self.value, self._vopt_state = self._vopt.update(g, self._vopt_state,
                                                                 self.value)
        self.num_updates += 1

    def learn(self, total_timesteps, progress=True):
        """Train for ``total_timesteps`` more environment steps; returns ``self``.

        Calling it again continues training the same policy (and optimizer state). The
        progress bar (tqdm) shows only when ``progress`` and stderr is a terminal.
        """
        bar = None
        if progress and sys.stderr.isatty():
            try:
                from tqdm import tqdm
                bar = tqdm(total=int(total_timesteps), unit="step", file=sys.stderr)
            except ImportError:  # tqdm is optional
                bar = None
        target = self.num_timesteps + int(total_timesteps)
        try:
            while self.num_timesteps < target:
                observations, actions, returns = [], [], []
                steps = 0
                while steps < self.batch_steps:
                    obs, acts, rewards = self._episode()
                    observations += obs
                    actions += acts
                    returns.append(returns_to_go(rewards, self.gamma))
                    self.episode_returns.append(sum(rewards))
                    self.num_episodes += 1
                    steps += len(rewards)
                self._update(observations, actions, onp.concatenate(returns))
                self.num_timesteps += steps
                if bar is not None:
                    bar.update(max(0, min(steps, bar.total - bar.n)))
                    bar.set_postfix(ret=f"{onp.mean(self.episode_returns[-10:]):.1f}")
        finally:
            if bar is not None:
                bar.close()
        return self
