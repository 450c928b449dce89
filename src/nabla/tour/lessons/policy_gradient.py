"""Lesson: REINFORCE, a policy-gradient agent learning CartPole."""

from __future__ import annotations

import numpy

from nabla.tour.lesson import Lesson

NAME = "policy_gradient"
TITLE = "Policy gradients: REINFORCE learns to balance a pole"
SEED = 0

CODE = """\
from nabla.rl import Reinforce
agent = Reinforce("CartPole-v1", hidden=(32,), lr=2e-2, batch_steps=500, seed=0)
agent.learn(6000)      # ∇J = E[Σ ∇ log π(aₜ|sₜ) · (Gₜ − b(sₜ))], by nabla.grad
agent.episode_returns  # the reward of each episode: longer balancing, higher return
nabla.plot.learning_curve(agent.episode_returns)"""


def run(out, quick=False):
    from nabla.plot import learning_curve
    from nabla.rl import Reinforce
    from nabla.tour.report import save

    agent = Reinforce("CartPole-v1", hidden=(32,), lr=2e-2, batch_steps=500, seed=SEED)
    agent.learn(6000 if quick else 30000, progress=False)
    returns = numpy.asarray(agent.episode_returns, dtype=float)
    numbers = {
        "timesteps": int(agent.num_timesteps),
        "episodes": len(returns),
        "mean return of the first 10 episodes": float(numpy.mean(returns[:10])),
        "mean return of the last 10 episodes": float(numpy.mean(returns[-10:])),
        "best episode return": float(numpy.max(returns)),
    }
    figures = [save(learning_curve(returns), out, f"{NAME}-returns.png")]
    return Lesson(
        NAME, TITLE,
        "A policy π(a | s) is a neural network that gives the probability of each action "
        "in each state. REINFORCE nudges its parameters along Σ ∇ log π(aₜ | sₜ) times how "
        "much better than expected the rest of the episode went, so actions followed by "
        "high returns become more likely. On CartPole every step the pole stays up earns "
        "a point, and the returns climb from a random policy's twenty or so.",
        CODE, numbers, figures)
