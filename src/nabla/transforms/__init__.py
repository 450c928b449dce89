"""Layer 2: the transforms that turn a function into its derivatives."""

from nabla.transforms.check import check_grads
from nabla.transforms.custom import custom_jvp, custom_vjp, stop_gradient
from nabla.transforms.forward_mode import jvp
from nabla.transforms.jacobians import hessian, hvp, jacfwd, jacobian, jacrev
from nabla.transforms.reverse_mode import elementwise_grad, grad, value_and_grad, vjp

__all__ = [
    "check_grads",
    "custom_jvp",
    "custom_vjp",
    "elementwise_grad",
    "grad",
    "hessian",
    "hvp",
    "jacfwd",
    "jacobian",
    "jacrev",
    "jvp",
    "stop_gradient",
    "value_and_grad",
    "vjp",
]
