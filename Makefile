# `make demo` and `make test` each build .venv on first use, so each is one command
# on a fresh machine with only Python and pip.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test bench docs lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# One stamp per set of extras, rebuilt when pyproject.toml changes.
$(VENV)/.demo: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e '.[plot,symbolic,ml,rl,distributed]'
	touch $@

$(VENV)/.dev: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

demo: $(VENV)/.demo
	$(BIN)/python -m nabla.tour

test: $(VENV)/.dev
	$(BIN)/python -m pytest -q

# The peers (PyTorch CPU, JAX, HIPS autograd, scikit-learn) are installed only for benchmarks. The
# OpenBLAS overrides of this machine are lifted for the run (they slow a current NumPy).
bench: $(VENV)/.dev
	$(BIN)/python -m pip install -q 'torch==2.13.0' jax jaxlib autograd scikit-learn gymnasium || \
	  echo "some peers could not be installed; the benchmark compares with those present"
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python bench/overhead.py
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python bench/hessian.py
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python bench/optim.py
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python bench/nn.py
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python bench/prob.py
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python bench/rl.py
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python bench/jit.py
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python bench/jit_numba.py
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python bench/jit_loops.py
	$(BIN)/python -m pip install -q dask-ml || \
	  echo "dask-ml could not be installed; bench/distributed.py compares with scikit-learn only"
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python bench/distributed.py

docs: $(VENV)/.dev
	$(BIN)/python -m nabla.numpy.coverage > docs/numpy-coverage.md

lint: $(VENV)/.dev
	$(BIN)/python -m ruff check src tests bench

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache
