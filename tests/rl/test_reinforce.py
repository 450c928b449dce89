"""Tests of nabla.rl.Reinforce on gymnasium environments (CartPole, Pendulum)."""

import numpy
import pytest

gymnasium = pytest.importorskip("gymnasium")

from nabla import tree  # noqa: E402
from nabla.rl import Reinforce  # noqa: E402


def _leaves(module):
    return [numpy.array(x) for x in tree.flatten(module)[0]]


class _SpacesEnv(gymnasium.Env):
    """A one-step environment with the given spaces."""

    def __init__(self, observation_space, action_space):
        self.observation_space = observation_space
        self.action_space = action_space

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        return self.observation_space.sample(), {}

    def step(self, action):
        return self.observation_space.sample(), 0.0, True, False, {}


def test_cartpole_learns():
    agent = Reinforce("CartPole-v1", seed=0)
    before, _ = agent.evaluate(episodes=20, deterministic=False)
    assert before < 50
    assert agent.learn(30_000, progress=False) is agent
    after, _ = agent.evaluate(episodes=20)
    assert after > 200, (before, after)
    assert numpy.mean(agent.episode_returns[-10:]) > 150


def test_predict_and_evaluate_types():
    agent = Reinforce("CartPole-v1", hidden=(8,), seed=1)
    obs, _ = agent.env.reset(seed=3)
    for deterministic in (False, True):
        a = agent.predict(obs, deterministic=deterministic)
        assert isinstance(a, int) and agent.env.action_space.contains(a)
    mean, std = agent.evaluate(episodes=3)
    assert isinstance(mean, float) and isinstance(std, float) and mean > 0 and std >= 0


def test_learn_continues_training():
    agent = Reinforce("CartPole-v1", hidden=(8,), seed=2, batch_steps=200)
    start = _leaves(agent.policy)
    agent.learn(500, progress=False)
    steps, updates, middle = agent.num_timesteps, agent.num_updates, _leaves(agent.policy)
    assert steps >= 500 and updates >= 1
    agent.learn(500, progress=False)
    assert agent.num_timesteps >= steps + 500 and agent.num_updates > updates
    end = _leaves(agent.policy)
    assert any(not numpy.allclose(a, b) for a, b in zip(start, middle))
    assert any(not numpy.allclose(a, b) for a, b in zip(middle, end))


@pytest.mark.parametrize("baseline", ["value", "mean", None])
def test_same_seed_same_result(baseline):
    runs = [Reinforce("CartPole-v1", hidden=(8,), seed=5, baseline=baseline,
                      batch_steps=200).learn(1000, progress=False) for _ in range(2)]
    for a, b in zip(_leaves(runs[0].policy), _leaves(runs[1].policy)):
        numpy.testing.assert_array_equal(a, b)
    assert runs[0].episode_returns == runs[1].episode_returns
    other = Reinforce("CartPole-v1", hidden=(8,), seed=6, baseline=baseline,
                      batch_steps=200).learn(1000, progress=False)
    assert any(not numpy.array_equal(a, b)
               for a, b in zip(_leaves(runs[0].policy), _leaves(other.policy)))


def test_gaussian_policy_on_pendulum():
    env = gymnasium.make("Pendulum-v1")
    agent = Reinforce(env, seed=0)
    start = _leaves(agent.policy)
    agent.learn(3000, progress=False)
    assert agent.num_timesteps >= 3000 and agent.num_updates >= 1
    assert any(not numpy.allclose(a, b) for a, b in zip(start, _leaves(agent.policy)))
    rng = numpy.random.default_rng(0)
    low, high = env.action_space.low, env.action_space.high
    for _ in range(200):
        obs = rng.uniform(-10, 10, size=3)  # far outside the usual range: large means
        for deterministic in (False, True):
            a = agent.predict(obs, deterministic=deterministic)
            assert a.shape == (1,) and env.action_space.contains(a)
            assert numpy.all(low <= a) and numpy.all(a <= high)
    mean, std = agent.evaluate(episodes=2)
    assert isinstance(mean, float) and numpy.isfinite(mean) and std >= 0


def test_discrete_observations_one_hot():
    agent = Reinforce("FrozenLake-v1", hidden=(8,), seed=0, batch_steps=100)
    agent.learn(300, progress=False)
    assert agent.num_timesteps >= 300
    assert agent.predict(0) in range(4)


@pytest.mark.parametrize("action_space, name", [
    (gymnasium.spaces.MultiDiscrete([2, 3]), "MultiDiscrete"),
    (gymnasium.spaces.Box(-1.0, 1.0, shape=(2, 2)), "Box"),
    (gymnasium.spaces.Tuple((gymnasium.spaces.Discrete(2), gymnasium.spaces.Discrete(2))),
     "Tuple"),
])
def test_unsupported_action_space(action_space, name):
    env = _SpacesEnv(gymnasium.spaces.Box(-1.0, 1.0, shape=(3,)), action_space)
    with pytest.raises(TypeError, match=f"action space {name}"):
        Reinforce(env)


def test_unsupported_observation_space():
    env = _SpacesEnv(gymnasium.spaces.Box(0, 255, shape=(4, 4)), gymnasium.spaces.Discrete(2))
    with pytest.raises(TypeError, match="observation space Box"):
        Reinforce(env)


def test_bad_arguments():
    with pytest.raises(ValueError, match="baseline"):
        Reinforce("CartPole-v1", baseline="critic")
    with pytest.raises(ValueError, match="gamma"):
        Reinforce("CartPole-v1", gamma=1.5)


def test_returns_to_go():
    from nabla.rl import returns_to_go
    numpy.testing.assert_allclose(returns_to_go([1.0, 2.0, 3.0], 0.9),
                                  [1 + 0.9 * 2 + 0.81 * 3, 2 + 0.9 * 3, 3])
    assert returns_to_go([], 0.9).shape == (0,)


def test_missing_gymnasium_names_the_extra(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "gymnasium", None)
    with pytest.raises(ImportError, match=r"pip install nabla\[rl\]"):
        Reinforce("CartPole-v1")
