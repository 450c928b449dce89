"""Layer 4: optimization, from gradient descent to Newton's method, constraints and linear
programs. See the submodules: ``optimizers`` (SGD ... AdamW on pytrees), ``schedules``,
``batches`` (batch, stochastic and mini-batch iteration), ``minimize``, ``constrained``,
``linprog``, ``functions`` (classic test functions) and ``search`` (random and grid search).
"""
