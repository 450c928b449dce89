"""REINFORCE on gymnasium's CartPole-v1 until it is solved (an experiment, not a test).

For each seed, train `nabla.rl.Reinforce` with its defaults in chunks of 10,000
environment steps; after each chunk evaluate the greedy policy over 100 episodes and stop
when the mean return reaches 475 (the environment's "solved" threshold) or the budget runs
out. Prints the learning curve and a Markdown table: steps and wall time to solve.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python bench/rl.py [--quick]
"""

from __future__ import annotations

import argparse
import platform
import time

SOLVED = 475.0


def solve(seed, chunk, budget):
    from nabla.rl import Reinforce

    agent = Reinforce("CartPole-v1", seed=seed)
    curve, start, mean = [], time.perf_counter(), 0.0
    while agent.num_timesteps < budget:
        agent.learn(chunk, progress=False)
        mean, std = agent.evaluate(episodes=100)
        curve.append((agent.num_timesteps, mean))
        if mean >= SOLVED:
            break
    return agent.num_timesteps, time.perf_counter() - start, mean, curve


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one seed, a smaller budget")
    args = parser.parse_args()
    seeds = [0] if args.quick else [0, 1, 2]
    budget = 40_000 if args.quick else 200_000
    print(f"{time.strftime('%Y-%m-%dT%H:%M:%S')}; {platform.machine()}, Python "
          f"{platform.python_version()}; solved = mean greedy return ≥ {SOLVED:g} over 100 "
          f"episodes; evaluation after every 10,000 steps; budget {budget:,} steps\n")
    rows = []
    for seed in seeds:
        steps, seconds, mean, curve = solve(seed, 10_000, budget)
        print(f"seed {seed}: " + ", ".join(f"{s:,} steps → {m:.1f}" for s, m in curve))
        rows.append((seed, steps, seconds, mean, mean >= SOLVED))
    print("\n| seed | environment steps | wall time (s) | final mean return (100 eps) | solved |")
    print("|---:|---:|---:|---:|---|")
    for seed, steps, seconds, mean, solved in rows:
        print(f"| {seed} | {steps:,} | {seconds:.1f} | {mean:.1f} | {'yes' if solved else 'no'} |")


if __name__ == "__main__":
    main()
