"""Verification table of ``nabla.scipy.special`` (see the package docstring for the format)."""

import numpy
import scipy.special

import nabla.scipy.special as nss
from tests.verification import DOMAINS as _COMMON
from tests.verification import late, rng

call = late(nss)

NAMESPACE = nss
ORIGINAL = scipy.special

DOMAINS = {
    **_COMMON,
    "erfc_range": lambda shape: rng.uniform(0.1, 1.9, shape),
    "left_tail": lambda shape: rng.uniform(-30.0, -5.0, shape),
    "wide": lambda shape: rng.uniform(-40.0, 40.0, shape),
    "small": lambda shape: rng.uniform(-0.5, 0.5, shape),
}


def args(*shapes, domain="real"):
    """Random float64 arrays of the given shapes from one domain (with the ones above)."""
    return tuple(DOMAINS[domain](s) for s in shapes)


def _late_with(name, *first):
    """A case calling ``nss.name(*first, x)``, looked up at each call (for PLAIN)."""
    return lambda x: getattr(nss, name)(*first, x)


A = (3, 4)
# Elementwise functions of one argument: name -> domains to check it on.
UNARY = {
    "erf": ["real"], "erfc": ["real"], "erfcx": ["real"], "erfinv": ["unit"],
    "erfcinv": ["erfc_range"],
    "ndtr": ["real", "left_tail"], "log_ndtr": ["real", "left_tail"], "ndtri": ["probability"],
    "expit": ["real", "wide"], "log_expit": ["real", "wide"], "logit": ["probability"],
    "softplus": ["real", "wide"], "loggamma": ["positive"],
    "gamma": ["positive"], "gammaln": ["positive"], "digamma": ["positive"],
    "psi": ["positive"], "entr": ["positive"], "i0": ["real"], "i1": ["real", "small"],
    "i0e": ["nonzero"], "i1e": ["nonzero"],
}
# Elementwise functions of two arguments, checked with broadcasting shapes.
BINARY = {
    "beta": ("positive", "positive"), "betaln": ("positive", "positive"),
    "xlogy": ("real", "positive"), "xlog1py": ("real", "positive"),
    "rel_entr": ("positive", "positive"), "kl_div": ("positive", "positive"),
}

CALLS = {}
for _name, _domains in UNARY.items():
    CALLS[_name] = [(call(_name), args(A, domain=d)) for d in _domains]
for _name, (_d1, _d2) in BINARY.items():
    CALLS[_name] = [
        (call(_name), (DOMAINS[_d1]((3, 1)), DOMAINS[_d2]((1, 4)))),
        (call(_name), (DOMAINS[_d1](()), DOMAINS[_d2]((4,)))),
    ]
CALLS.update({
    # xlogy's convention 0·log(0) = 0 keeps the y-derivative finite where x = 0
    "xlogy": CALLS["xlogy"] + [(call("xlogy"), (numpy.array([0.0, 1.5]),
                                                 numpy.array([0.7, 0.3])))],
    # orders and shape parameters are plain numbers: differentiated in x only
    "polygamma": [(lambda x: nss.polygamma(0, x), args(A, domain="positive")),
                  (lambda x: nss.polygamma(2, x), args(A, domain="positive")),
                  (lambda x: nss.polygamma(numpy.array([[1], [3], [0]]), x),
                   args(A, domain="positive"))],
    "iv": [(_late_with("iv", 1.5), args(A, domain="positive")),
           (_late_with("iv", 2.0), args(A))],
    "ive": [(_late_with("ive", 0.5), args(A, domain="positive")),
            (_late_with("ive", 3.0), args(A, domain="nonzero"))],
    "gammainc": [(_late_with("gammainc", 2.5), args(A, domain="positive"))],
    "gammaincc": [(_late_with("gammaincc", 1.5), args(A, domain="positive"))],
    "betainc": [(_late_with("betainc", 2.0, 3.5), args(A, domain="probability"))],
    "stdtr": [(_late_with("stdtr", 3.0), args(A))],
    "multigammaln": [(lambda a: nss.multigammaln(a, 3), args(A, domain="above_one"))],
    # log-sum-exp and softmax, along every kind of axis
    "logsumexp": [
        (lambda a: nss.logsumexp(a), args(A)),
        (lambda a: nss.logsumexp(a, axis=1), args(A)),
        (lambda a: nss.logsumexp(a, axis=(0, 2), keepdims=True), args((2, 3, 4))),
        (lambda a, b: nss.logsumexp(a, axis=0, b=b), args(A, (3, 1), domain="positive")),
        (lambda a, b: nss.logsumexp(a, b=b, return_sign=True)[0],
         (numpy.array([0.3, -0.4, 1.1]), numpy.array([1.5, -0.5, 0.7]))),
    ],
    "softmax": [(lambda x: nss.softmax(x), args(A)),
                (lambda x: nss.softmax(x, axis=1), args(A)),
                (lambda x: nss.softmax(x, axis=0), args(A))],
    "log_softmax": [(lambda x: nss.log_softmax(x), args(A)),
                    (lambda x: nss.log_softmax(x, axis=-1), args(A))],
})

# The ufuncs are also checked through SciPy's own functions (NEP 13 dispatch).
PLAIN = sorted(set(UNARY) | set(BINARY) | {"iv", "ive", "gammainc", "gammaincc", "betainc",
                                           "stdtr"})
