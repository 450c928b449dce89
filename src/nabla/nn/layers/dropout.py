"""``Dropout``: random zeroing during training, with the randomness passed explicitly.

>>> import numpy
>>> drop = Dropout(0.5)
>>> drop(numpy.ones(6), rng=numpy.random.default_rng(0))
array([2., 0., 0., 0., 2., 2.])
>>> drop.eval()(numpy.ones(3))
array([1., 1., 1.])
"""

from __future__ import annotations

import numpy

from nabla.nn.layers.dense import check_rng
from nabla.nn.module import Module
from nabla.numpy._backend import data_like

__all__ = ["Dropout"]


class Dropout(Module):
    """Inverted dropout (Srivastava et al., 2014): in training mode each entry is kept with
    probability ``1 − p`` and scaled by ``1/(1 − p)``, otherwise set to 0:
    ``y = x ⊙ m / (1 − p)`` with ``mᵢ ~ Bernoulli(1 − p)``, so ``E[y] = x``; the gradient
    is ``G ⊙ m / (1 − p)`` (the mask is a constant). In evaluation mode it is the identity.

    The mask is drawn from an explicit ``numpy.random.Generator``: the one passed per call,
    ``dropout(x, rng=rng)`` (a pure function of ``x`` and ``rng``: the same generator state
    gives the same mask), or else the one given at construction, ``Dropout(p, rng=rng)``,
    which is drawn from call after call (reproducible from its seed; convenient inside
    ``Sequential``). In training mode with neither, it raises ``ValueError``.

    >>> import numpy
    >>> a = Dropout(0.5)(numpy.ones(4), rng=numpy.random.default_rng(1))
    >>> b = Dropout(0.5)(numpy.ones(4), rng=numpy.random.default_rng(1))
    >>> bool((a == b).all())
    True
    """

    def __init__(self, p=0.5, *, rng=None):
        if not 0 <= p <= 1:
            raise ValueError(f"Dropout: p is a probability in [0, 1], not {p}")
        if rng is not None:
            check_rng(rng, "Dropout")
        self.p, self.rng = float(p), rng

    def __call__(self, x, *, rng=None):
        if not self.training or self.p == 0:
            return x
        if rng is not None:
            check_rng(rng, "Dropout")
        rng = rng if rng is not None else self.rng
        if rng is None:
            raise ValueError("Dropout: in training mode it needs randomness: call it as "
                             "dropout(x, rng=numpy.random.default_rng(seed)) or build "
                             "Dropout(p, rng=...); call model.eval() to switch it off")
        keep = rng.random(numpy.shape(x)) >= self.p
        scale = 0.0 if self.p == 1 else 1.0 / (1.0 - self.p)
        # The mask is drawn on the host (rng is NumPy's) and copied to the data's backend.
        return x * data_like(keep * scale, x, dtype=x.dtype)

    def extra_repr(self):
        return f"p={self.p}"
