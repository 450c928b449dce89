"""Learning-rate schedules: values at given steps, reprs, errors, torch's closed forms."""

import math

import numpy as np
import pytest

from nabla.optim import optimizers, schedules


def values(schedule, steps):
    return [schedule(t) for t in range(steps)]


def test_constant():
    assert values(schedules.constant(0.3), 4) == [0.3] * 4
    assert schedules.constant(0.3)(10**9) == 0.3


def test_step_decay():
    s = schedules.step_decay(0.8, step_size=3, gamma=0.5)
    assert values(s, 8) == pytest.approx([0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2])
    assert schedules.step_decay(1.0, 10)(25) == pytest.approx(0.01)  # default gamma 0.1


def test_exponential():
    s = schedules.exponential(2.0, gamma=0.9)
    assert values(s, 5) == pytest.approx([2.0 * 0.9 ** t for t in range(5)])


def test_cosine():
    s = schedules.cosine(1.0, total_steps=10, min_lr=0.1)
    assert s(0) == pytest.approx(1.0)
    assert s(5) == pytest.approx(0.55)  # half-way: the mean of lr and min_lr
    assert s(10) == pytest.approx(0.1)
    assert s(11) == s(1000) == pytest.approx(0.1)  # stays at min_lr afterwards
    assert s(2) == pytest.approx(0.1 + 0.9 * (1 + math.cos(math.pi * 0.2)) / 2)
    assert all(a > b for a, b in zip(values(s, 11), values(s, 11)[1:]))  # decreasing


def test_linear_warmup_alone_ramps_then_holds():
    s = schedules.linear_warmup(0.4, warmup_steps=4)
    assert values(s, 7) == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.4, 0.4, 0.4])


def test_warmup_then_cosine():
    s = schedules.linear_warmup(1.0, 5, then=schedules.cosine(1.0, total_steps=10))
    assert values(s, 5) == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])
    cosine = schedules.cosine(1.0, total_steps=10)
    # the cosine starts again from its own step 0 when the warm-up ends
    assert [s(t) for t in range(5, 17)] == pytest.approx([cosine(t) for t in range(12)])
    assert s(10) == pytest.approx(0.5) and s(15) == pytest.approx(0.0)


def test_warmup_of_zero_steps_is_the_following_schedule():
    then = schedules.exponential(1.0, 0.5)
    assert values(schedules.linear_warmup(1.0, 0, then=then), 4) == values(then, 4)


def test_reprs_read_like_the_calls_that_made_them():
    s = schedules.linear_warmup(0.1, 100, then=schedules.cosine(0.1, 900, min_lr=0.001))
    assert repr(s) == ("linear_warmup(0.1, warmup_steps=100, "
                       "then=cosine(0.1, total_steps=900, min_lr=0.001))")
    assert repr(schedules.step_decay(1.0, 30)) == "step_decay(1.0, step_size=30, gamma=0.1)"
    assert repr(schedules.exponential(1.0, 0.9)) == "exponential(1.0, gamma=0.9)"
    assert repr(schedules.constant(0.5)) == "constant(0.5)"
    assert repr(optimizers.sgd(s)).startswith("sgd(lr=linear_warmup(0.1, ")


def test_schedules_accept_numpy_integers_and_return_floats():
    s = schedules.exponential(1.0, 0.5)
    assert s(np.int64(2)) == 0.25 and type(s(np.int64(2))) is float


@pytest.mark.parametrize("make, phrase", [
    (lambda: schedules.constant(-1.0), "lr must be a number >= 0"),
    (lambda: schedules.step_decay(1.0, 0), "step_size must be an integer >= 1"),
    (lambda: schedules.step_decay(1.0, 2.5), "step_size must be an integer >= 1"),
    (lambda: schedules.step_decay(1.0, 3, gamma=0.0), "gamma must be a number > 0"),
    (lambda: schedules.exponential(1.0, -0.5), "gamma must be a number > 0"),
    (lambda: schedules.cosine(1.0, 0), "total_steps must be an integer >= 1"),
    (lambda: schedules.cosine(1.0, 10, min_lr=2.0), "min_lr must be <= lr"),
    (lambda: schedules.linear_warmup(1.0, -1), "warmup_steps must be an integer >= 0"),
])
def test_invalid_arguments_are_rejected(make, phrase):
    with pytest.raises(ValueError, match=phrase):
        make()


def test_invalid_steps_are_rejected():
    s = schedules.constant(1.0)
    with pytest.raises(ValueError, match="step >= 0"):
        s(-1)
    with pytest.raises(TypeError, match="integer step"):
        s(1.5)
    with pytest.raises(TypeError, match="then must be a schedule"):
        schedules.linear_warmup(1.0, 3, then=0.5)


def test_closed_forms_match_torch_schedulers():
    torch = pytest.importorskip("torch", reason="torch is not installed: no comparison")
    lr_scheduler = torch.optim.lr_scheduler
    cases = [
        (schedules.step_decay(0.5, step_size=3, gamma=0.3),
         lambda opt: lr_scheduler.StepLR(opt, step_size=3, gamma=0.3)),
        (schedules.exponential(0.5, gamma=0.8),
         lambda opt: lr_scheduler.ExponentialLR(opt, gamma=0.8)),
        (schedules.cosine(0.5, total_steps=12, min_lr=0.05),
         lambda opt: lr_scheduler.CosineAnnealingLR(opt, T_max=12, eta_min=0.05)),
    ]
    for ours, make in cases:
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.5)
        sched = make(opt)
        theirs = []
        for _ in range(13):
            theirs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        assert values(ours, 13) == pytest.approx(theirs, rel=1e-9), repr(ours)


@pytest.mark.parametrize("make", [
    optimizers.sgd, optimizers.momentum, optimizers.nesterov, optimizers.adagrad,
    optimizers.rmsprop, optimizers.adam, optimizers.adamw,
])
def test_a_schedule_is_the_lr_of_every_optimizer(make):
    # A rate of 0 after the first step: the parameters move once, then stay.
    s = schedules.step_decay(0.1, step_size=1, gamma=1e-300)
    opt = make(s)
    p = np.asarray([1.0, -1.0])
    state = opt.init(p)
    p1, state = opt.update(np.asarray([0.5, 2.0]), state, p)
    p2, state = opt.update(np.asarray([0.5, 2.0]), state, p1)
    assert not np.allclose(p1, p)
    np.testing.assert_allclose(p2, p1, rtol=1e-12)
    # and the first step is the one the same constant rate takes
    same = make(0.1)
    np.testing.assert_array_equal(same.update(np.asarray([0.5, 2.0]), same.init(p), p)[0], p1)
