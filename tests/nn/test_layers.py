"""nabla.nn layers and initializers: values (closed forms and PyTorch's), derivatives with
respect to inputs and parameters, float32, modes, randomness, errors, display."""

import math

import numpy
import pytest

import nabla
import nabla.nn as nn
from nabla import tree
from nabla.nn import init

F32 = numpy.float32


def _rng(seed=0):
    return numpy.random.default_rng(seed)


def _torch():
    torch = pytest.importorskip("torch")
    return torch, torch.nn.functional


def _apply(module, x):
    return module(x)


def _randomized(module, seed=1):
    """``module`` with every parameter replaced by random numbers (e.g. LayerNorm's ones)."""
    rng = _rng(seed)
    return tree.map(lambda p: rng.normal(size=numpy.shape(p)).astype(p.dtype), module)


# --- initializers --------------------------------------------------------------------------
def test_fans_follow_torch_with_nablas_layouts():
    torch, _ = _torch()
    fan = torch.nn.init._calculate_fan_in_and_fan_out
    # Linear: nabla's w is (in, out), PyTorch's weight (out, in)
    assert init.fans((7, 5)) == fan(torch.empty(5, 7))
    # Conv2d: both (out, in, kh, kw)
    assert init.fans((4, 3, 5, 2), in_axis=1, out_axis=0) == fan(torch.empty(4, 3, 5, 2))
    for name in ["linear", "sigmoid", "tanh", "relu", "selu"]:
        assert math.isclose(init.calculate_gain(name), torch.nn.init.calculate_gain(name))
    assert math.isclose(init.calculate_gain("leaky_relu", 0.2),
                        torch.nn.init.calculate_gain("leaky_relu", 0.2))


def test_initializers_have_the_documented_scale():
    shape = (400, 300)
    bound = math.sqrt(6 / 700)
    w = init.xavier_uniform(_rng(), shape, gain=2.0)
    assert abs(w).max() <= 2 * bound and abs(w).max() > 1.9 * bound
    assert math.isclose(init.xavier_normal(_rng(), shape).std(), math.sqrt(2 / 700), rel_tol=0.02)
    bound = math.sqrt(2) * math.sqrt(3 / 400)
    w = init.kaiming_uniform(_rng(), shape)
    assert abs(w).max() <= bound and abs(w).max() > 0.99 * bound
    w = init.kaiming_uniform(_rng(), shape, "tanh", mode="fan_out")
    assert abs(w).max() <= 5 / 3 * math.sqrt(3 / 300)
    assert math.isclose(init.kaiming_normal(_rng(), shape).std(), math.sqrt(2 / 400),
                        rel_tol=0.02)
    assert math.isclose(init.normal(_rng(), shape, std=0.5).std(), 0.5, rel_tol=0.02)
    assert not init.zeros((2, 3)).any()


@pytest.mark.parametrize("name", ["xavier_uniform", "xavier_normal", "kaiming_uniform",
                                  "kaiming_normal", "normal"])
def test_initializers_are_reproducible_and_keep_dtype(name):
    f = getattr(init, name)
    a, b = f(_rng(3), (3, 4)), f(_rng(3), (3, 4))
    numpy.testing.assert_array_equal(a, b)
    assert a.dtype == numpy.float64
    c = f(_rng(3), (3, 4), dtype=F32)
    assert c.dtype == F32
    numpy.testing.assert_array_equal(c, a.astype(F32))
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        f(3, (3, 4))


def test_initializer_errors():
    with pytest.raises(ValueError, match="at least 2 axes"):
        init.xavier_uniform(_rng(), (3,))
    with pytest.raises(ValueError, match="unknown nonlinearity 'swish'"):
        init.kaiming_uniform(_rng(), (3, 3), "swish")
    with pytest.raises(ValueError, match="mode must be"):
        init.kaiming_normal(_rng(), (3, 3), mode="fan_avg")


# --- Linear ----------------------------------------------------------------------------------
def test_linear_is_x_at_w_plus_b_as_torch():
    torch, F = _torch()
    layer = _randomized(nn.Linear(3, 4, rng=_rng()))
    x = _rng(2).normal(size=(5, 3))
    numpy.testing.assert_allclose(layer(x), x @ layer.w + layer.b)
    theirs = F.linear(torch.tensor(x), torch.tensor(layer.w.T), torch.tensor(layer.b))
    numpy.testing.assert_allclose(layer(x), theirs.numpy(), rtol=1e-12, atol=1e-15)
    assert layer(x[0]).shape == (4,)


def test_linear_passes_check_grads_in_input_and_parameters():
    x = _rng(2).normal(size=(5, 3))
    for bias in [True, False]:
        layer = _randomized(nn.Linear(3, 4, rng=_rng(), bias=bias))
        nabla.check_grads(_apply, (layer, x), order=2)
    g = nabla.grad(lambda m: (m(x) ** 2).sum() / 2)(layer)
    numpy.testing.assert_allclose(g.w, x.T @ (x @ layer.w))   # ∂L/∂w = xᵀ G


def test_linear_options():
    layer = nn.Linear(3, 2, rng=_rng(), bias=False)
    assert layer.b is None and layer.num_parameters == 6
    assert "bias=False" in repr(layer)
    numpy.testing.assert_array_equal(layer(numpy.eye(3)), layer.w)
    ones = nn.Linear(3, 2, rng=_rng(), init=lambda rng, shape, dtype: numpy.ones(shape, dtype))
    numpy.testing.assert_array_equal(ones.w, numpy.ones((3, 2)))
    xavier = nn.Linear(3, 2, rng=_rng(5), init="xavier_normal")
    numpy.testing.assert_array_equal(xavier.w, init.xavier_normal(_rng(5), (3, 2)))
    with pytest.raises(ValueError, match="init must be a callable or one of"):
        nn.Linear(3, 2, rng=_rng(), init="orthogonal")
    with pytest.raises(TypeError, match="Linear: rng must be a numpy.random.Generator"):
        nn.Linear(3, 2, rng=0)


def test_linear_refuses_the_wrong_number_of_features():
    layer = nn.Linear(3, 4, rng=_rng())
    with pytest.raises(ValueError, match=r"last axis of size 3 .*got shape \(5, 2\)"):
        layer(numpy.zeros((5, 2)))
    with pytest.raises(ValueError, match=r"got shape \(\)"):
        layer(1.0)


# --- convolution and pooling ----------------------------------------------------------------
CONV_CASES = [
    dict(kernel_size=3),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 0)),
]


@pytest.mark.parametrize("kwargs", CONV_CASES)
def test_conv2d_is_torchs(kwargs):
    torch, F = _torch()
    conv = _randomized(nn.Conv2d(2, 3, rng=_rng(), **kwargs))
    x = _rng(2).normal(size=(2, 2, 7, 6))
    theirs = F.conv2d(torch.tensor(x), torch.tensor(conv.w), torch.tensor(conv.b),
                      stride=conv.stride, padding=conv.padding)
    numpy.testing.assert_allclose(conv(x), theirs.numpy(), rtol=1e-12, atol=1e-14)


def test_conv2d_closed_form_for_a_one_by_one_kernel():
    # a 1×1 convolution is a Linear map of the channels at every pixel
    conv = _randomized(nn.Conv2d(3, 2, 1, rng=_rng()))
    x = _rng(2).normal(size=(2, 3, 4, 5))
    want = numpy.einsum("nchw,oc->nohw", x, conv.w[:, :, 0, 0]) + conv.b[:, None, None]
    numpy.testing.assert_allclose(conv(x), want, rtol=1e-13)


@pytest.mark.parametrize("kwargs", CONV_CASES)
def test_conv2d_passes_check_grads_in_input_and_parameters(kwargs):
    conv = _randomized(nn.Conv2d(2, 2, rng=_rng(), **kwargs))
    nabla.check_grads(_apply, (conv, _rng(2).normal(size=(1, 2, 5, 5))), order=2)


def test_conv2d_refuses_bad_input():
    conv = nn.Conv2d(3, 8, 3, rng=_rng())
    with pytest.raises(ValueError, match=r"shape \(N, 3, H, W\), got shape \(3, 10, 10\)"):
        conv(numpy.zeros((3, 10, 10)))
    with pytest.raises(ValueError, match=r"shape \(N, 3, H, W\), got shape \(1, 4, 10, 10\)"):
        conv(numpy.zeros((1, 4, 10, 10)))
    with pytest.raises(ValueError, match="kernel 3×3 is larger than the .* input 2×10"):
        conv(numpy.zeros((1, 3, 2, 10)))
    with pytest.raises(ValueError, match="kernel_size must be an int"):
        nn.Conv2d(3, 8, (3, 3, 3), rng=_rng())
    with pytest.raises(ValueError, match="stride must be an int ≥ 1"):
        nn.Conv2d(3, 8, 3, rng=_rng(), stride=0)


@pytest.mark.parametrize("kwargs", [dict(kernel_size=2), dict(kernel_size=3, stride=1),
                                    dict(kernel_size=(2, 3), stride=(2, 1))])
def test_pools_are_torchs(kwargs):
    torch, F = _torch()
    x = _rng(2).normal(size=(2, 3, 7, 6))
    ours = nn.MaxPool2d(**kwargs)(x)
    numpy.testing.assert_array_equal(ours, F.max_pool2d(torch.tensor(x), **kwargs).numpy())
    ours = nn.AvgPool2d(**kwargs)(x)
    numpy.testing.assert_allclose(ours, F.avg_pool2d(torch.tensor(x), **kwargs).numpy(),
                                  rtol=1e-14)


def test_pools_pass_check_grads():
    x = _rng(2).normal(size=(2, 2, 5, 5))
    nabla.check_grads(nn.MaxPool2d(2, stride=1), (x,), order=1, modes=("fwd", "rev"))
    nabla.check_grads(nn.AvgPool2d(3, stride=2), (x,), order=2)


def test_pool_gradients_in_closed_form():
    x = numpy.array([[[[1.0, 5.0], [2.0, 5.0]]]])
    g = nabla.grad(lambda x: nn.MaxPool2d(2)(x).sum())(x)
    numpy.testing.assert_array_equal(g, [[[[0, 0.5], [0, 0.5]]]])   # a tie shares it
    g = nabla.grad(lambda x: nn.AvgPool2d(2)(x).sum())(x)
    numpy.testing.assert_array_equal(g, numpy.full_like(x, 0.25))
    with pytest.raises(ValueError, match=r"MaxPool2d: expected input of shape \(N, C, H, W\)"):
        nn.MaxPool2d(2)(numpy.zeros((4, 4)))


def test_flatten():
    x = numpy.arange(120.0).reshape(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(start_dim=0)(x).shape == (120,)
    assert nn.Flatten(1, 2)(x).shape == (2, 12, 5)
    numpy.testing.assert_array_equal(nn.Flatten()(x), x.reshape(2, -1))
    with pytest.raises(ValueError, match=r"cannot flatten input of shape \(2,\)"):
        nn.Flatten(start_dim=1)(numpy.zeros(2))
    nabla.check_grads(nn.Flatten(), (x / 100,), order=1)


# --- Embedding ------------------------------------------------------------------------------
def test_embedding_looks_up_rows_and_adds_their_gradients():
    torch, F = _torch()
    table = nn.Embedding(5, 3, rng=_rng())
    idx = numpy.array([[0, 2], [2, 4]])
    numpy.testing.assert_array_equal(table(idx), table.w[idx])
    numpy.testing.assert_array_equal(
        table(idx), F.embedding(torch.tensor(idx), torch.tensor(table.w)).numpy())
    g = nabla.grad(lambda t: t(idx).sum())(table)
    numpy.testing.assert_array_equal(g.w[:, 0], [1, 0, 2, 0, 1])
    nabla.check_grads(lambda t: t(idx) ** 2, (table,), order=2)
    with pytest.raises(TypeError, match="indices must be integers"):
        table(numpy.array([0.0]))
    with pytest.raises(IndexError, match=r"indices must lie in \[0, 5\)"):
        table(numpy.array([5]))


# --- normalization --------------------------------------------------------------------------
def test_layer_norm_is_torchs_and_standardizes():
    torch, F = _torch()
    x = _rng(2).normal(size=(4, 2, 3)) * 3 + 1
    for shape in [3, (2, 3)]:
        ln = _randomized(nn.LayerNorm(shape))
        s = (shape,) if isinstance(shape, int) else shape
        theirs = F.layer_norm(torch.tensor(x), s, torch.tensor(ln.w), torch.tensor(ln.b))
        numpy.testing.assert_allclose(ln(x), theirs.numpy(), rtol=1e-12, atol=1e-14)
    plain = nn.LayerNorm(3, elementwise_affine=False)
    assert plain.num_parameters == 0
    mean, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    numpy.testing.assert_allclose(plain(x), (x - mean) / numpy.sqrt(var + 1e-5), rtol=1e-13)
    with pytest.raises(ValueError, match=r"last axes have shape \(2, 3\), got shape \(4, 3\)"):
        nn.LayerNorm((2, 3))(numpy.zeros((4, 3)))


def test_layer_norm_passes_check_grads():
    ln = _randomized(nn.LayerNorm(4))
    nabla.check_grads(_apply, (ln, _rng(2).normal(size=(3, 4))), order=2)


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (3, 3, 2, 2)])
def test_batch_norm_trains_and_evaluates_as_torch(shape):
    torch, _ = _torch()
    bn = _randomized(nn.BatchNorm(3, momentum=0.2))
    theirs = torch.nn.BatchNorm1d(3, momentum=0.2) if len(shape) < 4 else \
        torch.nn.BatchNorm2d(3, momentum=0.2)
    theirs = theirs.double()
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(bn.w))
        theirs.bias.copy_(torch.tensor(bn.b))
    state = bn.init_state()
    rng = _rng(2)
    for _ in range(3):
        x = rng.normal(size=shape) * 2 + 1
        y, state = bn(x, state)
        numpy.testing.assert_allclose(y, theirs(torch.tensor(x)).detach().numpy(),
                                      rtol=1e-12, atol=1e-13)
        numpy.testing.assert_allclose(state["mean"], theirs.running_mean.numpy(), rtol=1e-13)
        numpy.testing.assert_allclose(state["var"], theirs.running_var.numpy(), rtol=1e-13)
    bn.eval()
    theirs.eval()
    x = rng.normal(size=shape)
    numpy.testing.assert_allclose(bn(x, state), theirs(torch.tensor(x)).detach().numpy(),
                                  rtol=1e-12, atol=1e-13)


def test_batch_norm_momentum_closed_form():
    bn = nn.BatchNorm(2, momentum=0.25)
    x = numpy.array([[0.0, 1.0], [2.0, 5.0], [4.0, 0.0]])
    y, state = bn(x, bn.init_state())
    numpy.testing.assert_allclose(state["mean"], 0.75 * 0 + 0.25 * x.mean(0))
    numpy.testing.assert_allclose(state["var"], 0.75 * 1 + 0.25 * x.var(0, ddof=1))
    numpy.testing.assert_allclose(y, (x - x.mean(0)) / numpy.sqrt(x.var(0) + 1e-5))
    # evaluation uses the running statistics and returns only the output
    y = bn.eval()(x, state)
    numpy.testing.assert_allclose(y, (x - state["mean"]) / numpy.sqrt(state["var"] + 1e-5))


def test_batch_norm_passes_check_grads_in_both_modes():
    bn = _randomized(nn.BatchNorm(2))
    x = _rng(2).normal(size=(4, 2, 3))
    state = {"mean": numpy.array([0.5, -0.5]), "var": numpy.array([2.0, 0.5])}
    nabla.check_grads(lambda m, x: m(x, state)[0], (bn, x), order=2)
    bn.eval()
    nabla.check_grads(lambda m, x: m(x, state), (bn, x), order=2)


def test_batch_norm_state_comes_out_of_grad_as_plain_arrays():
    bn = nn.BatchNorm(2)
    x = _rng(2).normal(size=(5, 2))

    def loss(model, state):
        y, state = model(x, state)
        return (y ** 3).sum(), state

    g, state = nabla.grad(loss, has_aux=True)(bn, bn.init_state())
    assert type(g) is nn.BatchNorm
    assert all(type(v) is numpy.ndarray for v in state.values())
    numpy.testing.assert_allclose(state["mean"], 0.1 * x.mean(0))


def test_batch_norm_refuses_bad_input():
    bn = nn.BatchNorm(3)
    with pytest.raises(ValueError, match=r"shape \(N, 3, \.\.\.\), got shape \(4, 2\)"):
        bn(numpy.zeros((4, 2)), bn.init_state())
    with pytest.raises(ValueError, match="more than one value per channel"):
        bn(numpy.zeros((1, 3)), bn.init_state())
    with pytest.raises(ValueError, match="state must be a dict with 'mean' and 'var'"):
        bn(numpy.zeros((4, 3)), None)
    with pytest.raises(ValueError, match="momentum must lie in"):
        nn.BatchNorm(3, momentum=1.5)


# --- Dropout --------------------------------------------------------------------------------
def test_dropout_is_reproducible_unbiased_and_the_identity_in_eval():
    drop = nn.Dropout(0.25)
    x = numpy.ones((200, 50))
    a, b = drop(x, rng=_rng(7)), drop(x, rng=_rng(7))
    numpy.testing.assert_array_equal(a, b)
    assert not numpy.array_equal(a, drop(x, rng=_rng(8)))
    assert set(numpy.unique(a)) == {0.0, 1 / 0.75}
    assert abs((a == 0).mean() - 0.25) < 0.01 and abs(a.mean() - 1) < 0.02
    # a generator held by the layer: the same seed gives the same sequence of masks
    first, second = nn.Dropout(0.5, rng=_rng(3)), nn.Dropout(0.5, rng=_rng(3))
    for _ in range(2):
        numpy.testing.assert_array_equal(first(x), second(x))
    drop.eval()
    assert drop(x) is x
    assert nn.Dropout(0.0)(x) is x
    numpy.testing.assert_array_equal(nn.Dropout(1.0)(x, rng=_rng()), 0 * x)


def test_dropout_gradient_is_the_scaled_mask():
    drop = nn.Dropout(0.5)
    x = _rng(2).normal(size=(3, 4))
    y = drop(x, rng=_rng(1))
    g = nabla.grad(lambda x: drop(x, rng=_rng(1)).sum())(x)
    numpy.testing.assert_array_equal(g, (y != 0) * 2.0)
    nabla.check_grads(lambda x: drop(x, rng=_rng(1)), (x,), order=2)


def test_dropout_needs_explicit_randomness_when_training():
    with pytest.raises(ValueError, match="needs randomness: call it as dropout"):
        nn.Dropout(0.5)(numpy.ones(3))
    with pytest.raises(ValueError, match=r"p is a probability in \[0, 1\]"):
        nn.Dropout(1.5)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        nn.Dropout(0.5)(numpy.ones(3), rng=42)


# --- containers -----------------------------------------------------------------------------
def test_sequential_composes_indexes_and_wraps_functions():
    a, b = nn.Linear(2, 3, rng=_rng()), nn.Linear(3, 1, rng=_rng(1))
    net = nn.Sequential(a, nn.activations.tanh, b)
    x = _rng(2).normal(size=(4, 2))
    numpy.testing.assert_allclose(net(x), b(numpy.tanh(a(x))))
    assert len(net) == 3 and net[0] is a and net[-1] is b
    assert isinstance(net[1], nn.Lambda) and net[1].function is nn.activations.tanh
    assert [type(m).__name__ for m in net] == ["Linear", "Lambda", "Linear"]
    numpy.testing.assert_allclose(net[:2](x), numpy.tanh(a(x)))
    assert net.num_parameters == a.num_parameters + b.num_parameters
    nabla.check_grads(_apply, (net, x), order=2)
    with pytest.raises(TypeError, match="Lambda: expected a function"):
        nn.Lambda(3)


def test_residual_adds_the_input():
    inner = nn.Linear(3, 3, rng=_rng())
    res = nn.Residual(inner)
    x = _rng(2).normal(size=(2, 3))
    numpy.testing.assert_allclose(res(x), x + inner(x))
    nabla.check_grads(_apply, (res, x), order=2)
    g = nabla.grad(lambda x: nn.Residual(lambda x: 0 * x)(x).sum())(x)
    numpy.testing.assert_array_equal(g, numpy.ones_like(x))   # Jacobian I + J_f
    with pytest.raises(ValueError, match=r"maps shape \(2, 3\) to \(2, 4\)"):
        nn.Residual(nn.Linear(3, 4, rng=_rng()))(x)


def test_mlp_structure():
    mlp = nn.MLP([5, 8, 8, 3], rng=_rng())
    assert [type(m).__name__ for m in mlp] == ["Linear", "Lambda", "Linear", "Lambda",
                                               "Linear"]
    assert mlp.num_parameters == 5 * 8 + 8 + 8 * 8 + 8 + 8 * 3 + 3
    x = _rng(2).normal(size=(4, 5))
    relu = nn.activations.relu
    want = relu(relu(x @ mlp[0].w + mlp[0].b) @ mlp[2].w + mlp[2].b) @ mlp[4].w + mlp[4].b
    numpy.testing.assert_allclose(mlp(x), want)
    deep = nn.MLP([5, 8, 8, 3], "tanh", rng=_rng(), layer_norm=True, residual=True,
                  output_activation="softmax")
    assert [type(m).__name__ for m in deep] == ["Linear", "LayerNorm", "Lambda", "Residual",
                                                "Linear", "Lambda"]
    numpy.testing.assert_allclose(deep(x).sum(-1), 1.0)
    h = deep[:3](x)
    block = deep[3].module
    numpy.testing.assert_allclose(deep[:4](x), h + numpy.tanh(block[1](h @ block[0].w
                                                                    + block[0].b)))
    with pytest.raises(ValueError, match="at least the input and output sizes"):
        nn.MLP([5], rng=_rng())
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        nn.MLP([5, 2], "swish", rng=_rng())


def test_mlp_passes_check_grads_with_respect_to_itself():
    mlp = nn.MLP([3, 4, 4, 2], "tanh", rng=_rng(), layer_norm=True, residual=True)
    nabla.check_grads(_apply, (mlp, _rng(2).normal(size=(2, 3))), order=2)
    relu_net = nn.MLP([3, 4, 2], rng=_rng())
    nabla.check_grads(_apply, (relu_net, _rng(2).normal(size=(2, 3))), order=1)


def test_repr_shows_configuration_and_parameter_counts():
    net = nn.Sequential(nn.Conv2d(1, 4, 3, rng=_rng()), nn.MaxPool2d(2), nn.Flatten(),
                        nn.Dropout(0.1), nn.Linear(36, 10, rng=_rng()))
    text = repr(net)
    assert text.startswith("Sequential(  # 410 parameters")
    for line in ["Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=(0, 0))  # 40 "
                 "parameters", "MaxPool2d(kernel_size=(2, 2), stride=(2, 2))  # 0 parameters",
                 "Flatten(start_dim=1, end_dim=-1)", "Dropout(p=0.1)",
                 "Linear(in_features=36, out_features=10, bias=True)  # 370 parameters"]:
        assert line in text
    assert repr(nn.Embedding(10, 3, rng=_rng())) == "Embedding(10, 3)  # 30 parameters"
    assert repr(nn.BatchNorm(4)) == "BatchNorm(4, momentum=0.1, eps=1e-05)  # 8 parameters"
    assert repr(nn.AvgPool2d(3, 1)).startswith("AvgPool2d(kernel_size=(3, 3), stride=(1, 1))")
    # a small CNN runs end to end
    assert net.eval()(numpy.zeros((2, 1, 8, 8))).shape == (2, 10)


# --- every layer: float32, and a gradient shaped like the layer -----------------------------
def _every_layer(dtype):
    rng = _rng()
    image = _rng(2).normal(size=(2, 2, 6, 6)).astype(dtype)
    rows = _rng(2).normal(size=(4, 6)).astype(dtype)
    return [
        (nn.Linear(6, 3, rng=rng, dtype=dtype), rows),
        (nn.Conv2d(2, 3, 3, rng=rng, padding=1, dtype=dtype), image),
        (nn.MaxPool2d(2), image),
        (nn.AvgPool2d(2), image),
        (nn.Flatten(), image),
        (nn.LayerNorm(6, dtype=dtype), rows),
        (nn.Residual(nn.Linear(6, 6, rng=rng, dtype=dtype)), rows),
        (nn.MLP([6, 5, 5, 2], rng=rng, layer_norm=True, residual=True, dtype=dtype), rows),
        (nn.Dropout(0.5, rng=rng), rows),
        (nn.Sequential(nn.Conv2d(2, 2, 3, rng=rng, dtype=dtype), nn.Flatten(),
                       nn.Linear(32, 2, rng=rng, dtype=dtype)), image),
    ]


def test_float32_stays_float32_through_every_layer():
    for layer, x in _every_layer(F32):
        assert layer(x).dtype == F32, layer
        g = nabla.grad(lambda m, x: (m(x) ** 2).sum(), argnums=(0, 1))(layer, x)
        assert all(leaf.dtype == F32 for leaf in tree.leaves(g)), layer
    table = nn.Embedding(4, 2, rng=_rng(), dtype=F32)
    assert table(numpy.array([1, 3])).dtype == F32
    bn = nn.BatchNorm(2, dtype=F32)
    y, state = bn(_rng().normal(size=(4, 2)).astype(F32), bn.init_state())
    assert y.dtype == F32 and all(v.dtype == F32 for v in state.values())


def test_grad_with_respect_to_a_layer_is_a_layer_of_the_same_shape():
    for layer, x in _every_layer(numpy.float64):
        g = nabla.grad(lambda m, x=x: (m(x) ** 2).sum())(layer)
        assert type(g) is type(layer)
        assert [numpy.shape(p) for p in g.parameters()] == \
            [numpy.shape(p) for p in layer.parameters()]
