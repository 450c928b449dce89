"""grad, value_and_grad, vjp, jvp, jacobians: values, structures, dtypes and errors."""

import collections
import dataclasses

import numpy as onp
import pytest

import nabla
import nabla.numpy as np


def test_derivative_of_square():
    assert nabla.grad(lambda x: x ** 2)(2.0) == 4.0


def test_python_float_gives_numpy_float64_scalar():
    g = nabla.grad(lambda x: x ** 3)(2.0)
    assert isinstance(g, onp.float64) and g == 12.0


def test_argnums_int_and_tuple():
    f = lambda x, y, z: x * y ** 2 + z  # noqa: E731
    assert nabla.grad(f, argnums=1)(3.0, 2.0, 1.0) == 12.0
    gx, gz = nabla.grad(f, argnums=(0, 2))(3.0, 2.0, 1.0)
    assert (gx, gz) == (4.0, 1.0)
    assert nabla.grad(f, argnums=-1)(3.0, 2.0, 1.0) == 1.0


def test_value_and_grad_and_has_aux():
    f = lambda x: (np.sum(x ** 2), {"mean": np.mean(x)})  # noqa: E731
    x = onp.array([1.0, 2.0, 3.0])
    (value, aux), g = nabla.value_and_grad(f, has_aux=True)(x)
    assert value == 14.0 and aux["mean"] == 2.0 and not isinstance(aux["mean"], nabla.core.Tracer)
    onp.testing.assert_array_equal(g, 2 * x)
    g2, aux2 = nabla.grad(f, has_aux=True)(x)
    onp.testing.assert_array_equal(g2, 2 * x)
    assert aux2["mean"] == 2.0


def test_keyword_arguments_are_passed_through():
    f = lambda x, power=2.0: x ** power  # noqa: E731
    assert nabla.grad(f)(2.0, power=3.0) == 12.0


@dataclasses.dataclass
class Layer:
    w: object
    b: object


Pair = collections.namedtuple("Pair", "first second")


def test_gradients_of_pytrees_keep_their_structure():
    params = {"layer": Layer(w=onp.ones((2, 3)), b=onp.zeros(3)),
              "pair": Pair(1.0, [2.0, onp.array([3.0, 4.0])]), "none": None}

    def loss(p):
        x = onp.array([1.0, 2.0])
        h = x @ p["layer"].w + p["layer"].b
        return np.sum(h ** 2) + p["pair"].first * p["pair"].second[0] + np.sum(
            p["pair"].second[1] ** 3)

    g = nabla.grad(loss)(params)
    assert isinstance(g["layer"], Layer) and isinstance(g["pair"], Pair) and g["none"] is None
    # h = [3, 3, 3]; dL/dw = x ⊗ 2h, dL/db = 2h
    onp.testing.assert_allclose(g["layer"].w, onp.outer([1.0, 2.0], [6.0, 6.0, 6.0]))
    onp.testing.assert_allclose(g["layer"].b, [6.0, 6.0, 6.0])
    assert g["pair"].first == 2.0 and g["pair"].second[0] == 1.0
    onp.testing.assert_allclose(g["pair"].second[1], 3 * onp.array([3.0, 4.0]) ** 2)


def test_output_independent_of_input_gives_zero_gradient():
    x = onp.array([1.0, 2.0])
    onp.testing.assert_array_equal(nabla.grad(lambda x: 3.0)(x), [0.0, 0.0])
    onp.testing.assert_array_equal(nabla.grad(lambda x: np.sum(np.floor(x)))(x), [0.0, 0.0])
    _, t = nabla.jvp(lambda x: onp.float64(1.0), (x,), (x,))
    assert t == 0.0


@pytest.mark.parametrize("dtype", [onp.float32, onp.float64])
def test_dtype_is_kept(dtype):
    x = onp.array([0.5, 1.5], dtype=dtype)
    # a float64 constant must not promote the float32 gradient
    f = lambda x: np.sum(np.sin(x) * onp.array([1.0, 2.0]) + x * onp.float64(2.0))  # noqa: E731
    g = nabla.grad(f)(x)
    assert g.dtype == dtype
    onp.testing.assert_allclose(g, onp.cos(x) * [1.0, 2.0] + 2.0, rtol=1e-6)
    assert nabla.jvp(lambda x: np.sin(x) * 2.0, (x,), (x,))[1].dtype == dtype
    assert nabla.hessian(lambda x: np.sum(x ** 3))(x).dtype == dtype


@pytest.mark.parametrize("bad", [1, True, onp.array([1, 2]), onp.array([True]), onp.int32(3)])
def test_integer_or_boolean_argument_is_refused(bad):
    with pytest.raises(TypeError, match="pass floats|Pass floats"):
        nabla.grad(lambda x: np.sum(x * 1.0))(bad)


def test_non_numeric_argument_is_refused():
    with pytest.raises(TypeError, match="can only differentiate with respect to arrays"):
        nabla.grad(lambda x: 1.0)("hello")


def test_grad_of_non_scalar_output_names_shape_and_alternatives():
    with pytest.raises(TypeError, match=r"shape \(3,\).*jacobian.*vjp"):
        nabla.grad(lambda x: x ** 2)(onp.ones(3))
    with pytest.raises(TypeError, match="returned a tuple"):
        nabla.grad(lambda x: (x, x))(1.0)


def test_bad_argnums():
    with pytest.raises(TypeError, match="argnums"):
        nabla.grad(lambda x: x, argnums=2)(1.0)
    with pytest.raises(TypeError, match="argnums"):
        nabla.grad(lambda x: x, argnums="0")(1.0)


def test_has_aux_requires_a_pair():
    with pytest.raises(TypeError, match="has_aux=True needs f to return a pair"):
        nabla.grad(lambda x: x, has_aux=True)(1.0)


def test_vjp_pulls_back_any_cotangent_repeatedly():
    A = onp.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    y, pullback = nabla.vjp(lambda x: A @ np.tanh(x), onp.array([0.1, -0.2]))
    for u in (onp.array([1.0, 0.0, 0.0]), onp.array([0.5, -1.0, 2.0])):
        (g,) = pullback(u)
        onp.testing.assert_allclose(g, (u @ A) * (1 - onp.tanh([0.1, -0.2]) ** 2))
    with pytest.raises(ValueError, match="shape"):
        pullback(onp.ones(2))


def test_vjp_of_several_primals_and_pytree_output():
    out, pullback = nabla.vjp(lambda a, b: {"s": a * b, "d": a - b}, 2.0, 5.0)
    assert out == {"s": 10.0, "d": -3.0}
    assert pullback({"s": 1.0, "d": 0.0}) == (5.0, 2.0)
    assert pullback({"s": 0.0, "d": 1.0}) == (1.0, -1.0)


def test_jvp_matches_finite_differences_and_checks_its_arguments():
    f = lambda x: np.exp(x) * np.sin(x)  # noqa: E731
    x, v = onp.array([0.1, 0.7]), onp.array([1.0, -2.0])
    y, t = nabla.jvp(f, (x,), (v,))
    eps = 1e-6
    onp.testing.assert_allclose(t, (f(x + eps * v) - f(x - eps * v)) / (2 * eps), rtol=1e-8)
    with pytest.raises(ValueError, match="shape"):
        nabla.jvp(f, (x,), (onp.ones(3),))
    with pytest.raises(TypeError, match="dtype"):
        nabla.jvp(f, (x,), (v.astype(onp.float32),))
    with pytest.raises(TypeError, match="tuples"):
        nabla.jvp(f, x, v)


def test_jacobians_of_pytrees_and_shapes():
    def f(p):
        return {"y": p["a"] * p["b"][0], "z": np.sum(p["a"] ** 2)}

    p = {"a": onp.array([1.0, 2.0, 3.0]), "b": [onp.array(2.0)]}
    for jac in (nabla.jacfwd, nabla.jacrev):
        J = jac(f)(p)
        assert J["y"]["a"].shape == (3, 3) and J["y"]["b"][0].shape == (3,)
        assert J["z"]["a"].shape == (3,) and J["z"]["b"][0].shape == ()
        onp.testing.assert_allclose(J["y"]["a"], 2.0 * onp.eye(3))
        onp.testing.assert_allclose(J["y"]["b"][0], [1.0, 2.0, 3.0])
        onp.testing.assert_allclose(J["z"]["a"], [2.0, 4.0, 6.0])
        assert J["z"]["b"][0] == 0.0


def test_jacobian_of_matrix_function_has_out_then_in_shape():
    A = onp.arange(6.0).reshape(2, 3)
    f = lambda X: np.sin(X) @ A.T  # noqa: E731   (4, 3) -> (4, 2)
    X = onp.linspace(-1, 1, 12).reshape(4, 3)
    J1, J2 = nabla.jacfwd(f)(X), nabla.jacrev(f)(X)
    assert J1.shape == J2.shape == (4, 2, 4, 3)
    onp.testing.assert_allclose(J1, J2, rtol=1e-12)
    expected = onp.einsum("ik,jl,kl->ijkl", onp.eye(4), A, onp.cos(X))
    onp.testing.assert_allclose(J1, expected, rtol=1e-12)
    assert nabla.jacobian is nabla.jacrev


def test_elementwise_grad():
    x = onp.linspace(-2, 2, 5)
    onp.testing.assert_allclose(nabla.elementwise_grad(np.tanh)(x), 1 - onp.tanh(x) ** 2)
