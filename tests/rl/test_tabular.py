"""nabla.rl.tabular: the exact expected return and gradient, and REINFORCE against them."""

import itertools

import numpy
import pytest

import nabla
from nabla.rl import TabularMDP, expected_return, policy, reinforce_gradient

S, A, H = 3, 2, 4


def random_mdp(seed=0, gamma=0.9, horizon=H):
    rng = numpy.random.default_rng(seed)
    P = rng.dirichlet(numpy.ones(S), size=(S, A))
    R = rng.uniform(0.0, 1.0, size=(S, A))
    p0 = rng.dirichlet(numpy.ones(S))
    return TabularMDP(P, R, p0, horizon=horizon, gamma=gamma)


def random_theta(seed=1):
    return numpy.random.default_rng(seed).normal(size=(S, A))


def brute_force_return(mdp, theta):
    """Σ over every trajectory (s_0, a_0, …, s_{H−1}, a_{H−1}) of its probability × return."""
    pi = numpy.exp(theta) / numpy.exp(theta).sum(axis=1, keepdims=True)
    total = 0.0
    for states in itertools.product(range(mdp.n_states), repeat=mdp.horizon):
        for actions in itertools.product(range(mdp.n_actions), repeat=mdp.horizon):
            p = mdp.p0[states[0]]
            ret = 0.0
            for t, (s, a) in enumerate(zip(states, actions)):
                p *= pi[s, a]
                if t + 1 < mdp.horizon:
                    p *= mdp.P[s, a, states[t + 1]]
                ret += mdp.gamma ** t * mdp.R[s, a]
            total += p * ret
    return total


@pytest.mark.parametrize("gamma", [1.0, 0.9])
def test_expected_return_equals_brute_force_enumeration(gamma):
    mdp, theta = random_mdp(gamma=gamma), random_theta()
    assert float(expected_return(mdp, theta)) == pytest.approx(brute_force_return(mdp, theta),
                                                               rel=1e-12)


def test_expected_return_matches_monte_carlo_mean():
    mdp, theta = random_mdp(), random_theta()
    n = 20_000
    _, _, rewards = mdp.sample_episodes(theta, n, numpy.random.default_rng(2))
    returns = (rewards * mdp.gamma ** numpy.arange(mdp.horizon)).sum(axis=1)
    stderr = returns.std(ddof=1) / numpy.sqrt(n)
    assert abs(returns.mean() - float(expected_return(mdp, theta))) < 4 * stderr


def test_sampling_follows_the_policy_and_dynamics():
    mdp, theta = random_mdp(), random_theta()
    states, actions, rewards = mdp.sample_episodes(theta, 50_000, numpy.random.default_rng(3))
    numpy.testing.assert_array_equal(rewards, mdp.R[states, actions])
    first = numpy.bincount(states[:, 0], minlength=S) / len(states)
    numpy.testing.assert_allclose(first, mdp.p0, atol=0.01)
    pi = policy(theta)
    in_state_0 = states[:, 0] == 0
    numpy.testing.assert_allclose(
        numpy.bincount(actions[in_state_0, 0], minlength=A) / in_state_0.sum(), pi[0], atol=0.02)
    s, a, r = mdp.sample_episode(theta, numpy.random.default_rng(4))
    assert s.shape == a.shape == r.shape == (H,)


def test_grad_of_expected_return_matches_finite_differences():
    mdp, theta = random_mdp(), random_theta()
    nabla.check_grads(lambda th: expected_return(mdp, th), (theta,), order=2)


def test_grad_of_expected_return_matches_brute_force_differences():
    mdp, theta = random_mdp(), random_theta()
    g = nabla.grad(lambda th: expected_return(mdp, th))(theta)
    eps = 1e-6
    for idx in numpy.ndindex(theta.shape):
        e = numpy.zeros_like(theta)
        e[idx] = eps
        fd = (brute_force_return(mdp, theta + e) - brute_force_return(mdp, theta - e)) / (2 * eps)
        assert g[idx] == pytest.approx(fd, abs=1e-7)


def exact_gradient(mdp, theta):
    return nabla.grad(lambda th: expected_return(mdp, th))(theta)


@pytest.mark.parametrize("baseline", [None, "mean", 0.5])
def test_reinforce_agrees_with_exact_gradient(baseline):
    mdp, theta = random_mdp(), random_theta()
    g, se = reinforce_gradient(mdp, theta, 20_000, numpy.random.default_rng(5), baseline=baseline)
    assert g.shape == se.shape == theta.shape
    assert numpy.all(se > 0)
    exact = exact_gradient(mdp, theta)
    assert numpy.all(numpy.abs(g - exact) < 4 * se), (g, exact, se)


def test_reinforce_undiscounted_agrees_with_exact_gradient():
    mdp, theta = random_mdp(seed=7, gamma=1.0), random_theta(seed=8)
    g, se = reinforce_gradient(mdp, theta, 20_000, numpy.random.default_rng(9))
    assert numpy.all(numpy.abs(g - exact_gradient(mdp, theta)) < 4 * se)


def test_mean_baseline_lowers_variance():
    mdp, theta = random_mdp(), random_theta()
    _, se_plain = reinforce_gradient(mdp, theta, 20_000, numpy.random.default_rng(6))
    g, se_base = reinforce_gradient(mdp, theta, 20_000, numpy.random.default_rng(6),
                                    baseline="mean")
    assert numpy.sum(se_base ** 2) < 0.5 * numpy.sum(se_plain ** 2)
    assert numpy.all(numpy.abs(g - exact_gradient(mdp, theta)) < 4 * se_base)


def test_same_seed_same_estimate():
    mdp, theta = random_mdp(), random_theta()
    first = reinforce_gradient(mdp, theta, 1000, numpy.random.default_rng(11), baseline="mean")
    second = reinforce_gradient(mdp, theta, 1000, numpy.random.default_rng(11), baseline="mean")
    numpy.testing.assert_array_equal(first[0], second[0])
    numpy.testing.assert_array_equal(first[1], second[1])
    other = reinforce_gradient(mdp, theta, 1000, numpy.random.default_rng(12), baseline="mean")
    assert not numpy.array_equal(first[0], other[0])


def test_bad_transition_rows_raise():
    mdp = random_mdp()
    P = mdp.P.copy()
    P[1, 0, 2] += 0.1
    with pytest.raises(ValueError, match=r"P must sum to 1.*\(1, 0\)"):
        TabularMDP(P, mdp.R, mdp.p0, horizon=H)


@pytest.mark.parametrize("change, match", [
    (dict(p0=numpy.array([0.5, 0.2, 0.2])), "p0 must sum to 1"),
    (dict(p0=numpy.ones(2) / 2), "p0 must have shape"),
    (dict(R=numpy.zeros((3, 3))), "R must have shape"),
    (dict(P=numpy.ones((3, 2, 2)) / 2), r"P must have shape \(S, A, S\)"),
    (dict(horizon=0), "horizon must be a positive integer"),
    (dict(horizon=2.5), "horizon must be a positive integer"),
    (dict(gamma=1.5), "gamma must lie in"),
])
def test_bad_mdp_inputs_raise(change, match):
    mdp = random_mdp()
    kwargs = dict(P=mdp.P, R=mdp.R, p0=mdp.p0, horizon=H, gamma=0.9) | change
    with pytest.raises(ValueError, match=match):
        TabularMDP(**kwargs)


def test_negative_probabilities_raise():
    P = numpy.zeros((2, 1, 2))
    P[:, 0] = [1.5, -0.5]
    with pytest.raises(ValueError, match="negative"):
        TabularMDP(P, numpy.zeros((2, 1)), numpy.array([1.0, 0.0]), horizon=2)


def test_wrong_theta_shape_raises():
    mdp = random_mdp()
    bad = numpy.zeros((A, S))
    with pytest.raises(ValueError, match="theta must have shape"):
        expected_return(mdp, bad)
    with pytest.raises(ValueError, match="theta must have shape"):
        reinforce_gradient(mdp, bad, 10, numpy.random.default_rng(0))
    with pytest.raises(ValueError, match="theta must have shape"):
        mdp.sample_episode(bad, numpy.random.default_rng(0))


def test_bad_baseline_and_episode_count_raise():
    mdp, theta = random_mdp(), random_theta()
    with pytest.raises(ValueError, match="baseline"):
        reinforce_gradient(mdp, theta, 10, numpy.random.default_rng(0), baseline="median")
    with pytest.raises(ValueError, match="at least 2 episodes"):
        reinforce_gradient(mdp, theta, 1, numpy.random.default_rng(0), baseline="mean")
    with pytest.raises(ValueError, match="at least 1 episodes"):
        reinforce_gradient(mdp, theta, 0, numpy.random.default_rng(0))
