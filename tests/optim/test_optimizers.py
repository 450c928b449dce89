"""Optimizers: step-for-step equal to their published update rules (and to torch.optim),
on a small pytree; clipping, ascent, weight decay, dtypes and errors."""

import math

import numpy as np
import pytest

from nabla import tree
from nabla.optim import clipping, optimizers, schedules

STEPS = 8


def start_params():
    return {"w": np.asarray([0.5, -1.0, 2.0]),
            "layer": [np.asarray([[0.3, -0.2], [1.5, 0.0]]), np.asarray(-0.7)]}


def gradient(params, t):
    """A gradient that changes with the parameters and the step, and has both signs."""
    return tree.map(lambda p: np.sin(3 * p) + p ** 3 / 4 + 0.2 * math.cos(t), params)


# --------------------------------------------------------------------------------------
# Reference updates, one leaf at a time, written from the published formulas (the
# torch.optim documentation's pseudocode). `s` is a dict of the leaf's state, `t` the
# step counted from 1.
# --------------------------------------------------------------------------------------


def ref_sgd(momentum=0.0, nesterov=False, weight_decay=0.0, maximize=False):
    def step(p, g, s, t, lr):
        g = -g if maximize else g
        g = g + weight_decay * p
        if momentum:
            s["b"] = g.copy() if t == 1 else momentum * s["b"] + g
            g = g + momentum * s["b"] if nesterov else s["b"]
        return p - lr * g
    return step


def ref_adagrad(eps=1e-10, initial_accumulator=0.0, weight_decay=0.0):
    def step(p, g, s, t, lr):
        g = g + weight_decay * p
        s["sum"] = s.get("sum", np.full_like(p, initial_accumulator)) + g ** 2
        return p - lr * g / (np.sqrt(s["sum"]) + eps)
    return step


def ref_rmsprop(alpha=0.99, eps=1e-8, momentum=0.0, centered=False, weight_decay=0.0):
    def step(p, g, s, t, lr):
        g = g + weight_decay * p
        s["v"] = alpha * s.get("v", 0.0) + (1 - alpha) * g ** 2
        v = s["v"]
        if centered:
            s["mean"] = alpha * s.get("mean", 0.0) + (1 - alpha) * g
            v = v - s["mean"] ** 2
        direction = g / (np.sqrt(v) + eps)
        if momentum:
            s["b"] = momentum * s.get("b", 0.0) + direction
            direction = s["b"]
        return p - lr * direction
    return step


def ref_adam(b1=0.9, b2=0.999, eps=1e-8, amsgrad=False, weight_decay=0.0, decoupled=False,
             maximize=False):
    def step(p, g, s, t, lr):
        g = -g if maximize else g
        if decoupled:
            p = p * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * p
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g ** 2
        v = np.maximum(s.get("vmax", 0.0), s["v"]) if amsgrad else s["v"]
        s["vmax"] = v
        m_hat = s["m"] / (1 - b1 ** t)
        v_hat = v / (1 - b2 ** t)
        return p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return step


def run_reference(step, lr, params, steps=STEPS):
    leaves, treedef = tree.flatten(params)
    states = [{} for _ in leaves]
    path = []
    for t in range(1, steps + 1):
        grads = tree.leaves(gradient(treedef.unflatten(leaves), t))
        leaves = [step(p, g, s, t, lr(t - 1)) for p, g, s in zip(leaves, grads, states)]
        path.append(treedef.unflatten(leaves))
    return path


def run_nabla(opt, params, steps=STEPS):
    state = opt.init(params)
    path = []
    for t in range(1, steps + 1):
        params, state = opt.update(gradient(params, t), state, params)
        path.append(params)
    assert state.step == steps
    return path


def run_torch(make, lr, params, steps=STEPS):
    torch = pytest.importorskip("torch", reason="torch is not installed: no comparison")
    leaves, treedef = tree.flatten(params)
    tensors = [torch.tensor(np.asarray(p), dtype=torch.float64, requires_grad=True)
               for p in leaves]
    lr0 = lr(0)
    opt = make(torch.optim, tensors, lr0)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: lr(t) / lr0)
    path = []
    for t in range(1, steps + 1):
        current = treedef.unflatten([x.detach().numpy().copy() for x in tensors])
        for x, g in zip(tensors, tree.leaves(gradient(current, t))):
            x.grad = torch.tensor(np.asarray(g), dtype=torch.float64)
        opt.step()
        sched.step()
        path.append(treedef.unflatten([x.detach().numpy().copy() for x in tensors]))
    return path


# name: (nabla constructor given lr, reference step, lr, torch constructor)
CASES = {
    "sgd": (lambda lr: optimizers.sgd(lr), ref_sgd(), 0.1,
            lambda o, p, lr: o.SGD(p, lr=lr)),
    "momentum": (lambda lr: optimizers.momentum(lr), ref_sgd(momentum=0.9), 0.05,
                 lambda o, p, lr: o.SGD(p, lr=lr, momentum=0.9)),
    "nesterov": (lambda lr: optimizers.nesterov(lr, beta=0.8),
                 ref_sgd(momentum=0.8, nesterov=True), 0.05,
                 lambda o, p, lr: o.SGD(p, lr=lr, momentum=0.8, nesterov=True)),
    "sgd-nesterov-decay-ascent": (
        lambda lr: optimizers.sgd(lr, momentum=0.5, nesterov=True, weight_decay=0.1,
                                  maximize=True),
        ref_sgd(momentum=0.5, nesterov=True, weight_decay=0.1, maximize=True), 0.02,
        lambda o, p, lr: o.SGD(p, lr=lr, momentum=0.5, nesterov=True, weight_decay=0.1,
                               maximize=True)),
    "adagrad": (lambda lr: optimizers.adagrad(lr, initial_accumulator=0.1, weight_decay=0.05),
                ref_adagrad(initial_accumulator=0.1, weight_decay=0.05), 0.1,
                lambda o, p, lr: o.Adagrad(p, lr=lr, initial_accumulator_value=0.1,
                                           weight_decay=0.05)),
    "rmsprop": (lambda lr: optimizers.rmsprop(lr), ref_rmsprop(), 0.01,
                lambda o, p, lr: o.RMSprop(p, lr=lr)),
    "rmsprop-momentum": (lambda lr: optimizers.rmsprop(lr, alpha=0.9, momentum=0.9),
                         ref_rmsprop(alpha=0.9, momentum=0.9), 0.01,
                         lambda o, p, lr: o.RMSprop(p, lr=lr, alpha=0.9, momentum=0.9)),
    "rmsprop-centered": (lambda lr: optimizers.rmsprop(lr, centered=True),
                         ref_rmsprop(centered=True), 0.01,
                         lambda o, p, lr: o.RMSprop(p, lr=lr, centered=True)),
    "rmsprop-centered-momentum-decay": (
        lambda lr: optimizers.rmsprop(lr, alpha=0.8, centered=True, momentum=0.5,
                                      weight_decay=0.01),
        ref_rmsprop(alpha=0.8, centered=True, momentum=0.5, weight_decay=0.01), 0.01,
        lambda o, p, lr: o.RMSprop(p, lr=lr, alpha=0.8, centered=True, momentum=0.5,
                                   weight_decay=0.01)),
    "adam": (lambda lr: optimizers.adam(lr), ref_adam(), 0.05,
             lambda o, p, lr: o.Adam(p, lr=lr)),
    "adam-amsgrad-decay": (
        lambda lr: optimizers.adam(lr, b1=0.8, b2=0.9, amsgrad=True, weight_decay=0.1),
        ref_adam(b1=0.8, b2=0.9, amsgrad=True, weight_decay=0.1), 0.05,
        lambda o, p, lr: o.Adam(p, lr=lr, betas=(0.8, 0.9), amsgrad=True, weight_decay=0.1)),
    "adam-ascent": (lambda lr: optimizers.adam(lr, maximize=True), ref_adam(maximize=True),
                    0.05, lambda o, p, lr: o.Adam(p, lr=lr, maximize=True)),
    "adamw": (lambda lr: optimizers.adamw(lr, weight_decay=0.1),
              ref_adam(weight_decay=0.1, decoupled=True), 0.05,
              lambda o, p, lr: o.AdamW(p, lr=lr, weight_decay=0.1)),
}

LR_KINDS = ["constant", "schedule"]


def learning_rate(kind, lr):
    if kind == "constant":
        return lr
    return schedules.linear_warmup(lr, 3, then=schedules.cosine(lr, STEPS - 3, min_lr=lr / 10))


def as_function(lr):
    return lr if callable(lr) else (lambda t: lr)


def assert_paths_close(path, expected, rtol=1e-12, atol=1e-14):
    assert len(path) == len(expected)
    for t, (got, want) in enumerate(zip(path, expected), start=1):
        assert tree.structure(got) == tree.structure(want)
        for g, w in zip(tree.leaves(got), tree.leaves(want)):
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, err_msg=f"at step {t}")


@pytest.mark.parametrize("kind", LR_KINDS)
@pytest.mark.parametrize("name", CASES)
def test_updates_equal_the_published_formulas(name, kind):
    make, ref, lr, _ = CASES[name]
    lr = learning_rate(kind, lr)
    path = run_nabla(make(lr), start_params())
    assert_paths_close(path, run_reference(ref, as_function(lr), start_params()))
    moved = np.abs(path[-1]["w"] - start_params()["w"])
    assert np.all(moved > 1e-3)  # the comparison is not between two motionless paths


@pytest.mark.parametrize("kind", LR_KINDS)
@pytest.mark.parametrize("name", CASES)
def test_updates_equal_torch_optim(name, kind):
    make, _, lr, make_torch = CASES[name]
    lr = learning_rate(kind, lr)
    expected = run_torch(make_torch, as_function(lr), start_params())
    assert_paths_close(run_nabla(make(lr), start_params()), expected, rtol=1e-10)


CONSTRUCTORS = {
    "sgd": optimizers.sgd, "momentum": optimizers.momentum, "nesterov": optimizers.nesterov,
    "adagrad": optimizers.adagrad, "rmsprop": optimizers.rmsprop, "adam": optimizers.adam,
    "adamw": optimizers.adamw,
}


@pytest.mark.parametrize("name", CONSTRUCTORS)
def test_float32_stays_float32(name):
    opt = CONSTRUCTORS[name](0.01, clip_norm=10.0)
    params = tree.map(lambda p: np.asarray(p, dtype=np.float32), start_params())
    state = opt.init(params)
    for t in range(3):
        # float64 gradients too: the parameters keep their own dtype
        params, state = opt.update(gradient(tree.map(np.float64, params), t), state, params)
    assert {x.dtype for x in tree.leaves(params)} == {np.dtype(np.float32)}
    assert {x.dtype for x in tree.leaves(state.slots)} <= {np.dtype(np.float32)}


@pytest.mark.parametrize("name", CONSTRUCTORS)
def test_every_optimizer_takes_python_floats_and_minimizes(name):
    opt = CONSTRUCTORS[name](0.1)
    params, state = {"x": 3.0, "y": -2.0}, None
    state = opt.init(params)
    for _ in range(300):
        grads = {"x": 2 * (params["x"] - 1), "y": 2 * (params["y"] + 1)}  # (x-1)² + (y+1)²
        params, state = opt.update(grads, state, params)
    assert abs(params["x"] - 1) < 0.1 and abs(params["y"] + 1) < 0.1


@pytest.mark.parametrize("name", CONSTRUCTORS)
def test_maximize_ascends(name):
    opt = CONSTRUCTORS[name](0.1, maximize=True)
    x = 0.0
    state = opt.init(x)
    for _ in range(300):
        x, state = opt.update(-2 * (x - 2.0), state, x)  # gradient of -(x - 2)², peak at 2
    assert abs(x - 2.0) < 0.1


def test_weight_decay_is_an_l2_term_except_for_adamw():
    p = np.asarray([1.0, -2.0])
    zero = np.zeros(2)
    sgd = optimizers.sgd(0.1, weight_decay=0.5)
    np.testing.assert_allclose(sgd.update(zero, sgd.init(p), p)[0], p * (1 - 0.1 * 0.5))
    # Adam normalizes the L2 term's gradient away: its first step is lr·sign(p) ...
    adam = optimizers.adam(0.1, weight_decay=0.5)
    np.testing.assert_allclose(adam.update(zero, adam.init(p), p)[0], p - 0.1 * np.sign(p),
                               rtol=1e-6)
    # ... while AdamW shrinks p by (1 - lr·λ) and leaves Adam a zero gradient.
    adamw = optimizers.adamw(0.1, weight_decay=0.5)
    np.testing.assert_allclose(adamw.update(zero, adamw.init(p), p)[0], p * (1 - 0.1 * 0.5))


def test_clip_norm_and_clip_value_in_an_optimizer():
    opt = optimizers.sgd(1.0, clip_norm=2.0)
    p = {"a": np.zeros(2), "b": 0.0}
    new, _ = opt.update({"a": np.asarray([30.0, 0.0]), "b": 40.0}, opt.init(p), p)
    assert clipping.global_norm(new) == pytest.approx(2.0)
    np.testing.assert_allclose(new["a"], [-1.2, 0.0])
    opt = optimizers.sgd(1.0, clip_value=0.5)
    new, _ = opt.update(np.asarray([3.0, -0.1, -9.0]), opt.init(np.zeros(3)), np.zeros(3))
    np.testing.assert_allclose(new, [-0.5, 0.1, 0.5])


def test_state_is_a_pytree_and_the_optimizer_is_pure():
    opt = optimizers.adam(0.1)
    params = start_params()
    state = opt.init(params)
    first = opt.update(gradient(params, 1), state, params)
    again = opt.update(gradient(params, 1), state, params)  # same inputs, same outputs
    assert_paths_close([first[0]], [again[0]], rtol=0, atol=0)
    assert tree.structure(first[1].slots["m"]) == tree.structure(params)
    assert len(tree.leaves(state)) == 1 + 2 * len(tree.leaves(params))  # step, m, v
    assert repr(opt).startswith("adam(lr=0.1, b1=0.9, b2=0.999, eps=1e-08, amsgrad=False")


# --------------------------------------------------------------------------------------
# Clipping
# --------------------------------------------------------------------------------------


def test_global_norm_is_the_norm_of_all_leaves():
    grads = {"a": np.asarray([[1.0, 2.0], [3.0, 4.0]]), "b": [np.asarray(5.0), 6.0]}
    assert clipping.global_norm(grads) == pytest.approx(math.sqrt(1 + 4 + 9 + 16 + 25 + 36))


@pytest.mark.parametrize("max_norm", [0.1, 1.0, 7.5])
def test_clip_by_global_norm_gives_exactly_max_norm(max_norm):
    grads = tree.map(lambda p: 10 * p, start_params())
    clipped = clipping.clip_by_global_norm(grads, max_norm)
    assert clipping.global_norm(clipped) == pytest.approx(max_norm, rel=1e-12)
    scale = clipped["w"][0] / grads["w"][0]  # one factor for every leaf: direction kept
    for c, g in zip(tree.leaves(clipped), tree.leaves(grads)):
        np.testing.assert_allclose(c, scale * g, rtol=1e-12)


def test_clip_by_global_norm_leaves_small_gradients_alone():
    grads = {"a": np.asarray([0.3, 0.4])}
    assert clipping.clip_by_global_norm(grads, 1.0) is grads


def test_clip_by_value_stays_within_limits():
    grads = tree.map(lambda p: 10 * p, start_params())
    clipped = clipping.clip_by_value(grads, 2.0)
    for c, g in zip(tree.leaves(clipped), tree.leaves(grads)):
        assert np.all(np.abs(c) <= 2.0)
        np.testing.assert_array_equal(np.where(np.abs(g) <= 2.0, g, np.sign(g) * 2.0), c)


def test_clipping_keeps_float32():
    grads = [np.asarray([30.0, 40.0], dtype=np.float32)]
    assert clipping.clip_by_global_norm(grads, 1.0)[0].dtype == np.float32
    assert clipping.clip_by_value(grads, 1.0)[0].dtype == np.float32


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan")])
def test_clipping_rejects_non_positive_bounds(bad):
    with pytest.raises(ValueError, match="max_norm"):
        clipping.clip_by_global_norm([1.0], bad)
    with pytest.raises(ValueError, match="limit"):
        clipping.clip_by_value([1.0], bad)


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CONSTRUCTORS)
def test_negative_learning_rate_is_rejected(name):
    with pytest.raises(ValueError, match=f"{name}: lr must be >= 0"):
        CONSTRUCTORS[name](-0.1)


@pytest.mark.parametrize("make, parameter", [
    (lambda: optimizers.adam(b1=1.0), "b1"),
    (lambda: optimizers.adam(b2=-0.1), "b2"),
    (lambda: optimizers.adamw(b2=1.5), "b2"),
    (lambda: optimizers.adam(eps=0.0), "eps"),
    (lambda: optimizers.adamw(eps=-1e-8), "eps"),
    (lambda: optimizers.adagrad(eps=0.0), "eps"),
    (lambda: optimizers.adagrad(initial_accumulator=-1.0), "initial_accumulator"),
    (lambda: optimizers.rmsprop(alpha=1.0), "alpha"),
    (lambda: optimizers.rmsprop(eps=0.0), "eps"),
    (lambda: optimizers.rmsprop(momentum=-0.5), "momentum"),
    (lambda: optimizers.momentum(0.1, beta=1.0), "beta"),
    (lambda: optimizers.nesterov(0.1, beta=0.0), "beta"),
    (lambda: optimizers.sgd(0.1, momentum=1.2), "momentum"),
    (lambda: optimizers.sgd(0.1, nesterov=True), "momentum"),
    (lambda: optimizers.sgd(0.1, weight_decay=-1.0), "weight_decay"),
    (lambda: optimizers.adam(clip_norm=0.0), "clip_norm"),
    (lambda: optimizers.adam(clip_value=-1.0), "clip_value"),
    (lambda: optimizers.sgd(float("nan")), "lr"),
])
def test_invalid_hyperparameters_name_the_parameter(make, parameter):
    with pytest.raises(ValueError, match=parameter):
        make()


def test_integer_parameters_are_rejected():
    with pytest.raises(TypeError, match="floating-point"):
        optimizers.sgd(0.1).init({"w": np.arange(3)})


def test_gradients_must_have_the_structure_of_the_parameters():
    opt = optimizers.sgd(0.1)
    params = {"w": np.zeros(2), "b": 0.0}
    with pytest.raises(ValueError, match="grads have structure"):
        opt.update({"w": np.zeros(2)}, opt.init(params), params)


def test_a_state_from_other_parameters_is_rejected():
    opt = optimizers.adam()
    with pytest.raises(ValueError, match="does not fit these params"):
        opt.update([1.0, 2.0], opt.init([1.0]), [1.0, 2.0])
