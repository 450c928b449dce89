"""Checkpoints: a model saved to one ``.npz`` file and loaded back, without pickle.

A model is a pytree (see :mod:`nabla.nn.module`), so a checkpoint is its leaves
``θ₀, θ₁, …, θ_{m−1}`` in pytree order plus a description of the tree around them::

    checkpoint.npz
    ├── leaf_0.npy, …, leaf_{m−1}.npy    the parameter arrays, dtypes and shapes kept
    └── __nabla_checkpoint__.npy         UTF-8 JSON: the format marker and version, each
                                         leaf's path, shape and dtype, and the tree:
                                         containers, module class names and their
                                         configuration (sizes, flags, activation names)

Saving is atomic: the file is written under a temporary name in the same directory,
flushed to disk, then renamed over ``path`` (``os.replace``), so a crash or an error
leaves either the old file or the new one, never half of one.

Loading never runs code from the file: arrays are read with ``allow_pickle=False``, the
description is JSON, and a class or function named in it is looked up in a fixed table
(the ``Module`` classes of nabla's own modules already imported — all of ``nabla.nn`` —
the public functions of ``nabla.nn.activations``, ``nabla.numpy``, ``nabla.scipy.special``
and NumPy's ufuncs, and whatever was given to :func:`register`), never imported by name.
There are two ways to load:

- ``load(path, like=model)`` fills a model of the same architecture with the saved
  arrays, after checking their number, shapes and dtypes (an error names the first leaf
  that does not fit). This works for any pytree, whatever its configuration holds.
- ``load(path)`` rebuilds the model from the description alone. This needs every module
  class to be known (see above) and every configuration value to be plain data (numbers,
  strings, lists, tuples, dicts, dtypes, small integer arrays) or a known function.

A file that is not a nabla checkpoint — random bytes, a ``.npy``, an ``.npz`` without the
marker, an archive holding an object array (which only pickle could read) — is refused
with a ``ValueError`` saying so.

>>> import os, tempfile
>>> import numpy as np
>>> from nabla.nn import Module, checkpoint
>>> @checkpoint.register
... class Affine(Module):
...     def __init__(self, n):
...         self.w, self.b, self.n = np.arange(n, dtype=np.float32), np.zeros(1), n
>>> folder = tempfile.TemporaryDirectory()
>>> path = checkpoint.save(Affine(3), os.path.join(folder.name, 'affine'))
>>> path.name
'affine.npz'
>>> restored = checkpoint.load(path)
>>> type(restored).__name__, restored.w, restored.n
('Affine', array([0., 1., 2.], dtype=float32), 3)
>>> folder.cleanup()
"""

from __future__ import annotations

import contextlib
import importlib
import json
import math
import os
import pathlib
import secrets
import zipfile
from typing import Any

import numpy as np

from nabla import tree
from nabla.core import Tracer
from nabla.core.primitive import is_foreign
from nabla.nn.module import Module
from nabla.nn.module import _flatten as _module_flatten
from nabla.numpy._backend import to_host

__all__ = ["load", "register", "save"]

FORMAT = "nabla.checkpoint"
VERSION = 1
HEADER = "__nabla_checkpoint__"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_NPY_MAGIC = b"\x93NUMPY"


# --------------------------------------------------------------------------------------
# What may be rebuilt by name: nabla's classes and functions, and registered ones
# --------------------------------------------------------------------------------------

_registered_classes: dict[str, type] = {}
_registered_functions: dict[str, Any] = {}
_FUNCTION_MODULES = ("nabla.nn.activations", "nabla.numpy", "nabla.scipy.special")


def _name_of(obj) -> str:
    return f"{obj.__module__}.{obj.__qualname__}"


def register(obj=None, *, name: str | None = None):
    """Allow :func:`load` to rebuild ``obj`` — a ``Module`` subclass, or a function held in
    a module's configuration (such as a custom activation) — by name.

    The name stored in checkpoints is ``name`` or ``'module.qualname'`` of ``obj``. Classes
    of nabla's own modules and nabla's functions are known without registering. Usable
    as a decorator, with or without ``name``; returns ``obj``.

    >>> from nabla.nn import Module
    >>> @register(name='my.Scale')
    ... class Scale(Module):
    ...     pass
    >>> Scale.__name__
    'Scale'
    """
    if obj is None:
        return lambda o: register(o, name=name)
    key = name or _name_of(obj)
    if isinstance(obj, type):
        if not issubclass(obj, Module):
            raise TypeError(f"register: classes must be nabla.nn.Module subclasses, got "
                            f"{obj.__qualname__}")
        _registered_classes[key] = obj
    elif callable(obj):
        _registered_functions[key] = obj
    else:
        raise TypeError(f"register: expected a Module subclass or a function, got {obj!r}")
    return obj


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _known_classes() -> dict[str, type]:
    importlib.import_module("nabla.nn")   # a fixed name: its layers define themselves
    table = {_name_of(c): c for c in _subclasses(Module)
             if c.__module__ == "nabla" or c.__module__.startswith("nabla.")}
    table.update(_registered_classes)
    return table


def _known_functions() -> dict[str, Any]:
    table = {}
    for module_name in _FUNCTION_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:   # a module another layer has not written yet
            continue
        for attr in getattr(module, "__all__", None) or dir(module):
            obj = getattr(module, attr, None)
            if not attr.startswith("_") and callable(obj) and not isinstance(obj, type):
                table.setdefault(f"{module_name}.{attr}", obj)
    for attr in dir(np):
        obj = getattr(np, attr)
        if isinstance(obj, np.ufunc):
            table.setdefault(f"numpy.{attr}", obj)
    table.update(_registered_functions)
    return table


# --------------------------------------------------------------------------------------
# Describing a model: configuration values as JSON
# --------------------------------------------------------------------------------------


class _Opaque(Exception):
    """A configuration value that JSON cannot hold."""


def _encode(value, functions):
    """A configuration value as JSON data; raises _Opaque for what cannot be described."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, np.generic) and value.dtype.kind in "biufc" and value.dtype.kind != "c":
        return {"$scalar": _encode(value.item(), functions), "dtype": value.dtype.str}
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuU":
        return {"$array": value.tolist(), "dtype": value.dtype.str, "shape": list(value.shape)}
    if isinstance(value, np.dtype) and value.kind != "O":
        return {"$dtype": value.str}
    if isinstance(value, list) and type(value) is list:
        return [_encode(v, functions) for v in value]
    if type(value) is tuple:
        return {"$tuple": [_encode(v, functions) for v in value]}
    if type(value) is dict:
        return {"$dict": [[_encode(k, functions), _encode(v, functions)]
                          for k, v in value.items()]}
    for key, fn in functions.items():
        if fn is value:
            return {"$function": key}
    raise _Opaque(type(value))


def _decode(data, functions, where):
    """The inverse of :func:`_encode`."""
    if data is None or isinstance(data, (bool, str, int, float)):
        return data
    if isinstance(data, list):
        return [_decode(v, functions, where) for v in data]
    if not isinstance(data, dict) or len(data) == 0:
        raise _Corrupt(f"{where}: unexpected configuration data {data!r}")
    if "$opaque" in data:
        raise ValueError(f"load: {where} is a {data['$opaque']}, which was not stored (it is "
                         f"not plain data); pass like=, a model of the same architecture, to "
                         f"load the parameters into")
    if "$function" in data:
        key = data["$function"]
        if key not in functions:
            raise ValueError(f"load: {where} is the function {key!r}, which is not known here; "
                             f"register it with nabla.nn.checkpoint.register, or pass like=")
        return functions[key]
    if "$float" in data:
        return float(data["$float"])
    if "$scalar" in data:
        return np.dtype(_plain_dtype(data["dtype"], where)).type(data["$scalar"])
    if "$array" in data:
        dtype = _plain_dtype(data["dtype"], where)
        return np.asarray(data["$array"], dtype=dtype).reshape(data["shape"])
    if "$dtype" in data:
        return np.dtype(_plain_dtype(data["$dtype"], where))
    if "$tuple" in data:
        return tuple(_decode(v, functions, where) for v in data["$tuple"])
    if "$dict" in data:
        return {_hashable(_decode(k, functions, where)): _decode(v, functions, where)
                for k, v in data["$dict"]}
    raise _Corrupt(f"{where}: unexpected configuration data {data!r}")


def _hashable(key):
    return tuple(key) if isinstance(key, list) else key


def _plain_dtype(text, where):
    dtype = np.dtype(str(text))
    if dtype.hasobject:
        raise _Corrupt(f"{where}: object dtype {text!r}")
    return dtype


def _config(value, functions):
    """``value`` encoded, or a note of its type when it cannot be."""
    try:
        return _encode(value, functions)
    except _Opaque as opaque:
        kind = opaque.args[0]
        return {"$opaque": f"{kind.__module__}.{kind.__qualname__}"}


# --------------------------------------------------------------------------------------
# Describing a model: the tree
# --------------------------------------------------------------------------------------

_LEAF = tree.structure(0.0)


def _join(path, name):
    return str(name) if not path else f"{path}.{name}"


def _leaf_kind(x):
    if isinstance(x, np.ndarray):
        return "array"
    if isinstance(x, np.generic):
        return "scalar"
    for kind in (bool, int, float, complex, str):
        if type(x) is kind:
            return kind.__name__
    return "array"


class _Describer:
    """Walks a pytree the way :mod:`nabla.tree` flattens it, describing each node."""

    def __init__(self, functions):
        self.functions = functions
        self.leaves: list = []
        self.paths: list[str] = []

    def leaf(self, x, path):
        self.leaves.append(x)
        self.paths.append(path or "(the whole model)")
        return {"leaf": len(self.leaves) - 1, "kind": _leaf_kind(x)}

    def describe(self, x, path=""):
        if isinstance(x, Module):
            children, (names, config) = _module_flatten(x)
            return {"module": _name_of(type(x)),
                    "config": [[k, _config(v, self.functions)] for k, v in config],
                    "children": [[k, self.describe(v, _join(path, k))]
                                 for k, v in zip(names, children)]}
        if x is None:
            return {"node": "none"}
        if type(x) in (list, tuple):
            return {"node": type(x).__name__,
                    "children": [self.describe(v, _join(path, i)) for i, v in enumerate(x)]}
        if type(x) is dict:
            keys = _dict_order(x)                          # the order tree uses
            if any(not isinstance(k, (str, int)) or isinstance(k, bool) for k in keys):
                return self.opaque(x, path)
            return {"node": "dict", "keys": list(keys),
                    "children": [self.describe(x[k], _join(path, k)) for k in keys]}
        if tree.structure(x) == _LEAF:
            return self.leaf(x, path)
        return self.opaque(x, path)

    def opaque(self, x, path):
        return {"opaque": _name_of(type(x)),
                "children": [self.leaf(v, f"{path}[{i}]") for i, v in enumerate(tree.leaves(x))]}


def _dict_order(d):
    try:
        return tuple(sorted(d))
    except TypeError:
        return tuple(d)


def _describe(model, functions):
    """``(description, leaves, paths)`` of ``model``, leaves in ``tree.leaves`` order."""
    walker = _Describer(functions)
    description = walker.describe(model)
    expected = tree.leaves(model)
    if len(expected) != len(walker.leaves) or any(
            a is not b for a, b in zip(expected, walker.leaves)):
        # A node kind the walker does not know: keep the leaves, describe nothing.
        walker = _Describer(functions)
        description = walker.opaque(model, "")
    return description, walker.leaves, walker.paths


# --------------------------------------------------------------------------------------
# save
# --------------------------------------------------------------------------------------


def _pack(model):
    """The entries of the archive: ``leaf_i`` arrays and the JSON header."""
    description, leaves, paths = _describe(model, _known_functions())
    entries, specs = {}, []
    for i, (leaf, path) in enumerate(zip(leaves, paths)):
        if isinstance(leaf, Tracer):
            raise TypeError(f"save: {path} is a traced value; save the model outside of "
                            f"grad, jit and the other transforms")
        array = to_host(leaf)  # a GPU array is copied to the host here, explicitly
        if array.dtype.hasobject:
            raise TypeError(f"save: {path} is a {type(leaf).__name__}, which cannot be stored "
                            f"without pickle; checkpoints hold numeric and string arrays only")
        entries[f"leaf_{i}"] = array
        specs.append({"path": path, "shape": list(array.shape), "dtype": array.dtype.str})
    header = {"format": FORMAT, "version": VERSION, "leaves": specs, "tree": description}
    text = json.dumps(header, allow_nan=False, separators=(",", ":"))
    entries[HEADER] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    return entries


def _open_new(directory, name):
    """A new file (mode 0o666 less the umask) beside the target, with a random name."""
    while True:
        temp = directory / f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            return temp, os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:  # pragma: no cover - 48 random bits collided
            continue


def _sync_directory(directory):
    """Make the rename durable (POSIX); harmless to skip where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def save(model: Any, path: str | os.PathLike) -> pathlib.Path:
    """Write ``model`` (a ``Module`` or any pytree of arrays) to ``path``, atomically.

    ``.npz`` is appended to ``path`` if it has another suffix (as ``numpy.savez`` does);
    the path written is returned. The arrays keep their dtypes and shapes exactly. The
    archive is written to a temporary file in the same directory and renamed over
    ``path`` only when complete, so an existing checkpoint is replaced whole or not at
    all. Configuration that is not plain data (an arbitrary function or object) is noted
    in the description but not stored: such a model loads with ``like=`` only.

    >>> import os, tempfile
    >>> import numpy as np
    >>> params = {'w': np.ones((2, 3), dtype=np.float32), 'b': [np.zeros(3), 1.5]}
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = save(params, os.path.join(folder.name, 'params.npz'))
    >>> load(path)
    {'b': [array([0., 0., 0.]), 1.5], 'w': array([[1., 1., 1.],
           [1., 1., 1.]], dtype=float32)}
    >>> folder.cleanup()
    """
    path = pathlib.Path(os.fspath(path))
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    entries = _pack(model)                       # fails before touching the disk
    directory = path.parent if str(path.parent) else pathlib.Path(".")
    temp, fd = _open_new(directory, path.name)
    try:
        with os.fdopen(fd, "wb") as file:
            np.savez(file, **entries)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_directory(directory)
    return path


# --------------------------------------------------------------------------------------
# load
# --------------------------------------------------------------------------------------


class _Corrupt(Exception):
    """The header does not describe a checkpoint this code wrote."""


def _not_a_checkpoint(path, why):
    return ValueError(f"load: {os.fspath(path)!s} is not a nabla checkpoint: {why}")


def _read(path):
    """The header (a dict) and the leaf arrays of the checkpoint at ``path``."""
    with open(path, "rb") as file:
        magic = file.read(6)
    if magic.startswith(_NPY_MAGIC):
        raise _not_a_checkpoint(path, "it is a single .npy array, not an .npz archive")
    if magic[:4] not in _ZIP_MAGIC:
        raise _not_a_checkpoint(path, "it is not an .npz archive")
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, OSError, zipfile.BadZipFile) as error:
        raise _not_a_checkpoint(path, f"the archive cannot be read ({error})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):  # pragma: no cover - magic checked
        raise _not_a_checkpoint(path, "it is not an .npz archive")
    with archive:
        if HEADER not in archive.files:
            raise _not_a_checkpoint(path, f"the archive has no {HEADER!r} entry (it holds "
                                          f"{sorted(archive.files)[:5]})")
        try:
            header = json.loads(bytes(_entry(archive, HEADER, path)).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, TypeError) as error:
            raise _not_a_checkpoint(path, f"its header is not JSON ({error})") from None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise _not_a_checkpoint(path, "its header lacks the nabla format marker")
        if header.get("version") != VERSION:
            raise ValueError(f"load: {path} is a nabla checkpoint of version "
                             f"{header.get('version')!r}; this nabla reads version {VERSION}")
        specs = header.get("leaves")
        if not isinstance(specs, list):
            raise _not_a_checkpoint(path, "its header has no list of leaves")
        expected = {HEADER} | {f"leaf_{i}" for i in range(len(specs))}
        if set(archive.files) != expected:
            extra = sorted(set(archive.files) ^ expected)[:5]
            raise _not_a_checkpoint(path, f"its entries do not match its header ({extra})")
        arrays = [_entry(archive, f"leaf_{i}", path) for i in range(len(specs))]
    return header, arrays


def _entry(archive, name, path):
    try:
        return archive[name]
    except ValueError as error:    # "Object arrays cannot be loaded when allow_pickle=False"
        raise _not_a_checkpoint(path, f"the entry {name!r} is not a plain array: it holds "
                                      f"Python objects, which only pickle could read, and "
                                      f"pickle is never used ({error})") from None
    except (OSError, zipfile.BadZipFile, EOFError) as error:
        raise _not_a_checkpoint(path, f"the entry {name!r} cannot be read ({error})") from None


def _as_kind(array, kind):
    """A stored array as the kind of leaf it was saved from (or is expected as)."""
    if kind == "array":
        return array
    value = array[()]
    if kind == "scalar":
        return value
    converters = {"float": float, "int": int, "bool": bool, "complex": complex, "str": str}
    if kind not in converters or array.ndim != 0:
        raise _Corrupt(f"a leaf of kind {kind!r} and shape {array.shape}")
    return converters[kind](value)


def _load_like(like, arrays, header, path):
    expected, treedef = tree.flatten(like)
    _, _, paths = _describe(like, {})
    if len(arrays) != len(expected):
        raise ValueError(f"load: {path} holds {len(arrays)} arrays but the model given as "
                         f"like= has {len(expected)} leaves; it is not the same architecture")
    leaves = []
    for i, (array, leaf, name) in enumerate(zip(arrays, expected, paths)):
        want = leaf if is_foreign(leaf) else np.asarray(leaf)  # shape and dtype, on any device
        if array.shape != want.shape or array.dtype != want.dtype:
            saved = header["leaves"][i].get("path") if isinstance(header["leaves"][i], dict) \
                else None
            also = f" (saved as {saved!r})" if saved and saved != name else ""
            raise ValueError(f"load: leaf {name!r}{also} has shape {array.shape} and dtype "
                             f"{array.dtype} in {path}, but the model given as like= has "
                             f"shape {want.shape} and dtype {want.dtype} there")
        # the leaf's backend: a model given on the GPU is loaded onto the GPU
        leaves.append(np.asarray(array, like=leaf) if is_foreign(leaf)
                      else _as_kind(array, _leaf_kind(leaf)))
    return treedef.unflatten(leaves)


class _Builder:
    """Rebuilds a model from its description; instantiates only known classes."""

    def __init__(self, arrays, classes, functions):
        self.arrays, self.classes, self.functions = arrays, classes, functions
        self.used = 0

    def build(self, d, path=""):
        where = path or "the model"
        if not isinstance(d, dict):
            raise _Corrupt(f"{where}: expected a node, got {d!r}")
        if "leaf" in d:
            self.used += 1
            return _as_kind(self.arrays[d["leaf"]], d["kind"])
        if "module" in d:
            return self.module(d, path)
        if "opaque" in d:
            raise ValueError(f"load: {where} is a {d['opaque']}, which a checkpoint cannot "
                             f"rebuild; pass like=, a model of the same architecture")
        node = d["node"]
        if node == "none":
            return None
        if node in ("list", "tuple"):
            items = [self.build(c, _join(path, i)) for i, c in enumerate(d["children"])]
            return items if node == "list" else tuple(items)
        if node == "dict":
            return {k: self.build(c, _join(path, k)) for k, c in zip(d["keys"], d["children"],
                                                                  strict=True)}
        raise _Corrupt(f"{where}: unknown node {node!r}")

    def module(self, d, path):
        name = d["module"]
        cls = self.classes.get(name) if isinstance(name, str) else None
        if cls is None:
            raise ValueError(f"load: {path or 'the model'} is a {name!r}, which is not a "
                             f"known Module class; register it with "
                             f"nabla.nn.checkpoint.register (its module must be imported), "
                             f"or pass like=, a model of the same architecture")
        module = object.__new__(cls)             # no __init__, no code from the file
        for key, value in d["config"]:
            object.__setattr__(module, str(key), _decode(value, self.functions,
                                                         _join(path, key)))
        for key, child in d["children"]:
            object.__setattr__(module, str(key), self.build(child, _join(path, key)))
        return module


def load(path: str | os.PathLike, like: Any = None) -> Any:
    """Read the model saved at ``path`` by :func:`save`.

    With ``like`` (a model of the same architecture, e.g. freshly initialized), its
    structure and configuration are kept and its leaves replaced by the saved arrays,
    which must match them in number, shape and dtype; the first that does not is named
    in a ``ValueError``. Without ``like`` the model is rebuilt from the file's description
    (see the module docstring for what that needs). Raises ``ValueError`` for a file that
    is not a nabla checkpoint; never unpickles and never runs code from the file.

    >>> import os, tempfile
    >>> import numpy as np
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = save({'w': np.zeros(2)}, os.path.join(folder.name, 'w.npz'))
    >>> load(path, like={'w': np.ones(3)})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: load: leaf 'w' has shape (2,) and dtype float64 in ..., but the model given as like= has shape (3,) and dtype float64 there
    >>> folder.cleanup()
    """  # noqa: E501
    header, arrays = _read(path)
    try:
        if like is not None:
            return _load_like(like, arrays, header, path)
        builder = _Builder(arrays, _known_classes(), _known_functions())
        model = builder.build(header.get("tree"))
        if builder.used != len(arrays):
            raise _Corrupt(f"the tree uses {builder.used} of {len(arrays)} arrays")
        return model
    except (_Corrupt, KeyError, IndexError, TypeError, AttributeError) as error:
        raise ValueError(f"load: {path} is a damaged nabla checkpoint: its description does "
                         f"not fit its arrays ({type(error).__name__}: {error})") from None
