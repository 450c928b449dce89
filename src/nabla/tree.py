"""Pytrees: nested containers of arrays, flattened to a list and rebuilt.

A *pytree* is a value built from containers nabla knows how to take apart, with
anything else at the bottom as a *leaf*. The containers (*nodes*) are:

- ``tuple``, ``list`` and ``None`` (a node with no children, as in JAX);
- ``dict`` (children in sorted-key order; insertion order if the keys cannot be
  sorted), ``collections.OrderedDict`` (insertion order) and
  ``collections.defaultdict`` (sorted, like ``dict``);
- namedtuples and dataclass instances (all fields, in declaration order), rebuilt
  as the same class;
- any class given to :func:`register`.

Everything else (arrays, scalars, strings, arbitrary objects) is a leaf. Flattening a
pytree gives its leaves in a fixed order plus a :class:`TreeDef` that records the
containers; unflattening puts new leaves back into the same containers. This is how
``nabla.grad`` accepts parameters as a dict of arrays and returns the gradient as a
dict of the same shape.

>>> from nabla import tree
>>> params = {'w': [1.0, 2.0], 'b': 0.5}
>>> leaves, treedef = tree.flatten(params)
>>> leaves
[0.5, 1.0, 2.0]
>>> treedef
TreeDef({'b': *, 'w': [*, *]})
>>> tree.unflatten(treedef, [10.0, 20.0, 30.0])
{'b': 10.0, 'w': [20.0, 30.0]}
>>> tree.map(lambda p, g: p - 0.1 * g, params, {'w': [10.0, 10.0], 'b': 5.0})
{'b': 0.0, 'w': [0.0, 1.0]}

The conventions follow ``jax.tree_util``: dispatch is on the exact type of each
value (a subclass of a registered class is not itself a node, unless it is a
namedtuple or a dataclass), and ``is_leaf`` lets a caller stop the descent early.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

__all__ = [
    "TreeDef",
    "flatten",
    "leaves",
    "map",
    "register",
    "structure",
    "unflatten",
]


# --------------------------------------------------------------------------------------
# Node types
# --------------------------------------------------------------------------------------


class _Node:
    """How to take one kind of container apart and put it back together.

    ``flatten(x) -> (children, aux)`` and ``unflatten(aux, children_list) -> x``;
    ``show(aux, child_strings) -> str`` renders the node in a ``TreeDef`` repr.
    """

    __slots__ = ("cls", "flatten", "unflatten", "show")

    def __init__(self, cls, flatten, unflatten, show):
        self.cls = cls
        self.flatten = flatten
        self.unflatten = unflatten
        self.show = show

    def __repr__(self):
        return f"<pytree node {self.cls.__qualname__}>"


def _sorted_keys(d):
    try:
        return tuple(sorted(d))
    except TypeError:  # keys of mixed or unorderable types: keep insertion order
        return tuple(d)


def _dict_flatten(d):
    keys = _sorted_keys(d)
    return [d[k] for k in keys], keys


def _dict_show(keys, subs):
    return "{" + ", ".join(f"{k!r}: {s}" for k, s in zip(keys, subs, strict=False)) + "}"


def _tuple_show(aux, subs):
    if len(subs) == 1:
        return f"({subs[0]},)"
    return "(" + ", ".join(subs) + ")"


def _ordereddict_flatten(d):
    keys = tuple(d)
    return [d[k] for k in keys], keys


def _defaultdict_flatten(d):
    keys = _sorted_keys(d)
    return [d[k] for k in keys], (d.default_factory, keys)


def _defaultdict_unflatten(aux, children):
    factory, keys = aux
    return defaultdict(factory, zip(keys, children, strict=False))


def _defaultdict_show(aux, subs):
    factory, keys = aux
    name = getattr(factory, "__qualname__", repr(factory))
    return f"defaultdict({name}, {_dict_show(keys, subs)})"


_TUPLE = _Node(tuple, lambda x: (x, None), lambda aux, ch: tuple(ch), _tuple_show)
_LIST = _Node(
    list,
    lambda x: (x, None),
    lambda aux, ch: list(ch),
    lambda aux, subs: "[" + ", ".join(subs) + "]",
)
_DICT = _Node(dict, _dict_flatten, lambda keys, ch: dict(zip(keys, ch, strict=False)), _dict_show)
_NONE = _Node(type(None), lambda x: ((), None), lambda aux, ch: None, lambda aux, subs: "None")
_ORDEREDDICT = _Node(
    OrderedDict,
    _ordereddict_flatten,
    lambda keys, ch: OrderedDict(zip(keys, ch, strict=False)),
    lambda keys, subs: f"OrderedDict({_dict_show(keys, subs)})",
)
_DEFAULTDICT = _Node(defaultdict, _defaultdict_flatten, _defaultdict_unflatten, _defaultdict_show)

# Exact type -> _Node, or None for a type known to be a leaf. Holds the built-in
# nodes, registered classes, and a cache of namedtuple/dataclass/leaf decisions.
_dispatch: dict[type, _Node | None] = {
    n.cls: n for n in (_TUPLE, _LIST, _DICT, _NONE, _ORDEREDDICT, _DEFAULTDICT)
}
# Classes that are nodes by registration (built-ins included): registering again fails.
_registered: set[type] = set(_dispatch)
# Leaf types are cached only while the table is smaller than this, so that classes
# made in a loop do not grow it without bound.
_CACHE_LIMIT = 4096
_MISSING = object()


def _fields_show(cls, names):
    def show(aux, subs):
        return (
            f"{cls.__name__}("
            + ", ".join(f"{n}={s}" for n, s in zip(names, subs, strict=False))
            + ")"
        )

    return show


def _namedtuple_node(cls):
    return _Node(cls, lambda x: (x, None), lambda aux, ch: cls(*ch), _fields_show(cls, cls._fields))


def _dataclass_node(cls):
    names = tuple(f.name for f in dataclasses.fields(cls))
    new = cls.__new__
    setattr_ = object.__setattr__

    def flatten_dc(x):
        return [getattr(x, n) for n in names], None

    def unflatten_dc(aux, children):
        # Bypass __init__ so frozen dataclasses and init=False fields rebuild too.
        obj = new(cls)
        for n, v in zip(names, children, strict=False):
            setattr_(obj, n, v)
        return obj

    return _Node(cls, flatten_dc, unflatten_dc, _fields_show(cls, names))


def _classify(t):
    """Node for a type not yet in the dispatch table (namedtuple, dataclass or leaf)."""
    if issubclass(t, tuple) and hasattr(t, "_fields"):
        node = _namedtuple_node(t)
    elif dataclasses.is_dataclass(t):
        node = _dataclass_node(t)
    else:
        if len(_dispatch) < _CACHE_LIMIT:
            _dispatch[t] = None
        return None
    # Always cache nodes, one per class (setdefault: the first thread's wins), since
    # TreeDef equality compares nodes by identity.
    return _dispatch.setdefault(t, node)


def register(cls: type, flatten_fn: Callable, unflatten_fn: Callable) -> None:
    """Make instances of ``cls`` (exactly that class) pytree nodes.

    ``flatten_fn(obj) -> (children, aux_data)`` gives an iterable of children and
    hashable static data; ``unflatten_fn(aux_data, children_list) -> obj`` rebuilds.

    >>> from nabla import tree
    >>> class Pair:
    ...     def __init__(self, a, b):
    ...         self.a, self.b = a, b
    >>> tree.register(Pair, lambda p: ((p.a, p.b), None), lambda aux, ch: Pair(*ch))
    >>> tree.leaves(Pair(1, [2, 3]))
    [1, 2, 3]
    """
    if not isinstance(cls, type):
        raise TypeError(f"register: expected a class, got {cls!r} of type {type(cls).__name__}")
    if not callable(flatten_fn) or not callable(unflatten_fn):
        raise TypeError("register: flatten_fn and unflatten_fn must be callable")
    if cls in _registered:
        raise ValueError(f"register: {cls.__qualname__} is already registered as a pytree node")

    def flatten_custom(x):
        children, aux = flatten_fn(x)
        return tuple(children), aux

    def show(aux, subs):
        return f"CustomNode({cls.__name__}[{aux!r}], [" + ", ".join(subs) + "])"

    _registered.add(cls)
    _dispatch[cls] = _Node(cls, flatten_custom, unflatten_fn, show)


# --------------------------------------------------------------------------------------
# TreeDef
# --------------------------------------------------------------------------------------


def _aux_equal(a, b):
    if a is b:
        return True
    try:
        return bool(a == b)
    except Exception:  # e.g. arrays in aux data: ambiguous truth value
        return False


def _hashable_aux(aux):
    """``aux`` made hashable with equal values hashing equal: lists and dicts as tuples,
    and any other unhashable value by its type alone (equality then decides)."""
    if isinstance(aux, (list, tuple)):
        return tuple(_hashable_aux(a) for a in aux)
    if isinstance(aux, dict):
        return tuple((k, _hashable_aux(v)) for k, v in aux.items())
    try:
        hash(aux)
    except TypeError:
        return type(aux)
    return aux


class TreeDef:
    """The structure of a pytree: its containers, with a ``*`` for each leaf.

    Immutable and hashable, so it can key a cache. Get one from :func:`flatten` or
    :func:`structure`.

    >>> from nabla import tree
    >>> td = tree.structure({'a': 1, 'b': (2, 3)})
    >>> td
    TreeDef({'a': *, 'b': (*, *)})
    >>> td.num_leaves, td.num_nodes
    (3, 5)
    >>> td.unflatten(['x', 'y', 'z'])
    {'a': 'x', 'b': ('y', 'z')}
    """

    __slots__ = ("_node", "_aux", "_children", "num_leaves", "num_nodes", "_hash")

    # Declared for readers and type checkers; set once in _make_treedef.
    _node: _Node | None
    _aux: Any
    _children: tuple[TreeDef, ...]
    num_leaves: int
    num_nodes: int

    def __init__(self, *args, **kwargs):
        raise TypeError("TreeDef is not built directly: use nabla.tree.flatten or structure")

    def __setattr__(self, name, value):
        raise AttributeError("TreeDef is immutable")

    def __delattr__(self, name):
        raise AttributeError("TreeDef is immutable")

    def __copy__(self):
        return self

    def __reduce__(self):
        # by the node's class, which the receiving process maps to its own node (nodes hold
        # functions, and are compared by identity)
        cls = None if self._node is None else self._node.cls
        return _rebuild, (cls, self._aux, self._children, self.num_leaves, self.num_nodes)

    def __deepcopy__(self, memo):
        return self

    def unflatten(self, leaves: Iterable) -> Any:
        """Build a pytree of this structure from ``leaves`` (see :func:`unflatten`)."""
        return unflatten(self, leaves)

    def __eq__(self, other):
        if self is other:
            return True
        if not isinstance(other, TreeDef):
            return NotImplemented
        return (
            self._node is other._node
            and self.num_leaves == other.num_leaves
            and self.num_nodes == other.num_nodes
            and _aux_equal(self._aux, other._aux)
            and self._children == other._children
        )

    def __hash__(self):
        try:
            return self._hash
        except AttributeError:  # first call: compute once and cache in the slot
            cls = None if self._node is None else self._node.cls
            h = hash((cls, _hashable_aux(self._aux), self._children))
            _set(self, "_hash", h)
            return h

    def __repr__(self):
        return f"TreeDef({_show(self)})"


_new = object.__new__
_set = object.__setattr__
# Slot descriptors set the fields directly, bypassing the immutable __setattr__.
_set_node = TreeDef._node.__set__
_set_aux = TreeDef._aux.__set__
_set_children = TreeDef._children.__set__
_set_num_leaves = TreeDef.num_leaves.__set__
_set_num_nodes = TreeDef.num_nodes.__set__


def _make_treedef(node, aux, children, num_leaves, num_nodes):
    td = _new(TreeDef)
    _set_node(td, node)
    _set_aux(td, aux)
    _set_children(td, children)
    _set_num_leaves(td, num_leaves)
    _set_num_nodes(td, num_nodes)
    return td


_LEAF = _make_treedef(None, None, (), 1, 1)
_NONE_DEF = _make_treedef(_NONE, None, (), 0, 1)


def _rebuild(cls, aux, children, num_leaves, num_nodes):
    """A TreeDef unpickled: the node of ``cls`` in this process (``None``: a leaf)."""
    if cls is None:
        return _LEAF
    node = _dispatch.get(cls)
    if node is None:
        node = _classify(cls)
    if node is None:
        raise TypeError(f"cannot unpickle a TreeDef of {cls.__qualname__}: it is not a pytree "
                        "node in this process (register it before unpickling)")
    if node is _NONE:
        return _NONE_DEF
    return _make_treedef(node, aux, children, num_leaves, num_nodes)


def _show(td):
    if td._node is None:
        return "*"
    return td._node.show(td._aux, [_show(c) for c in td._children])


# --------------------------------------------------------------------------------------
# Flatten / unflatten
# --------------------------------------------------------------------------------------


def _flatten(x, out):
    """Append the leaves of ``x`` to ``out``; return its TreeDef. ``x`` is not a leaf."""
    get = _dispatch.get
    t = type(x)
    node = get(t, _MISSING)
    if node is _MISSING:
        node = _classify(t)
    if node is None:
        out.append(x)
        return _LEAF
    if node is _NONE:
        return _NONE_DEF
    if node is _TUPLE or node is _LIST:
        children, aux = x, None
    else:
        children, aux = node.flatten(x)
    subs = []
    nleaves = 0
    nnodes = 1
    for c in children:
        n = get(type(c), _MISSING)
        if n is None:
            out.append(c)
            subs.append(_LEAF)
            nleaves += 1
            nnodes += 1
        else:
            s = _flatten(c, out)
            subs.append(s)
            nleaves += s.num_leaves
            nnodes += s.num_nodes
    return _make_treedef(node, aux, tuple(subs), nleaves, nnodes)


def _flatten_is_leaf(x, out, is_leaf):
    if is_leaf(x):
        out.append(x)
        return _LEAF
    t = type(x)
    node = _dispatch.get(t, _MISSING)
    if node is _MISSING:
        node = _classify(t)
    if node is None:
        out.append(x)
        return _LEAF
    children, aux = node.flatten(x)
    subs = tuple([_flatten_is_leaf(c, out, is_leaf) for c in children])
    return _make_treedef(
        node, aux, subs, sum(s.num_leaves for s in subs), 1 + sum(s.num_nodes for s in subs)
    )


def flatten(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> tuple[list, TreeDef]:
    """Split ``tree`` into its list of leaves and its :class:`TreeDef`.

    ``is_leaf(x)``, if given, is asked first at every value (the root included); a true
    answer makes ``x`` a leaf even if it is a container.

    >>> from nabla import tree
    >>> tree.flatten((1, [2, None], {'z': 3, 'a': 4}))
    ([1, 2, 4, 3], TreeDef((*, [*, None], {'a': *, 'z': *})))
    >>> tree.flatten([(1, 2), (3, 4)], is_leaf=lambda x: isinstance(x, tuple))[0]
    [(1, 2), (3, 4)]
    """
    out: list = []
    if is_leaf is None:
        td = _flatten(tree, out)
    else:
        td = _flatten_is_leaf(tree, out, is_leaf)
    return out, td


def _leaves(x, out):
    get = _dispatch.get
    t = type(x)
    node = get(t, _MISSING)
    if node is _MISSING:
        node = _classify(t)
    if node is None:
        out.append(x)
        return
    if node is _TUPLE or node is _LIST:
        children = x
    else:
        children = node.flatten(x)[0]
    for c in children:
        if get(type(c), _MISSING) is None:
            out.append(c)
        else:
            _leaves(c, out)


def leaves(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> list:
    """The leaves of ``tree``, in flattening order.

    >>> from nabla import tree
    >>> tree.leaves({'b': (1, 2), 'a': [3, None]})
    [3, 1, 2]
    """
    out: list = []
    if is_leaf is None:
        _leaves(tree, out)
    else:
        _flatten_is_leaf(tree, out, is_leaf)
    return out


def structure(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> TreeDef:
    """The :class:`TreeDef` of ``tree`` (its leaves are dropped).

    >>> from nabla import tree
    >>> tree.structure([1, (2, 3)])
    TreeDef([*, (*, *)])
    """
    return flatten(tree, is_leaf)[1]


def _build(td, it):
    node = td._node
    vals = [next(it) if c is _LEAF else _build(c, it) for c in td._children]
    return node.unflatten(td._aux, vals)


def _unflatten(td, leaves):
    """Unflatten with the leaf count already checked."""
    if td is _LEAF:
        return leaves[0]
    return _build(td, iter(leaves))


def unflatten(treedef: TreeDef, leaves: Iterable) -> Any:
    """Build a pytree with the structure ``treedef`` from the sequence ``leaves``.

    >>> from nabla import tree
    >>> leaves, td = tree.flatten({'a': 1, 'b': [2, 3]})
    >>> tree.unflatten(td, [x * 10 for x in leaves])
    {'a': 10, 'b': [20, 30]}
    """
    if not isinstance(treedef, TreeDef):
        raise TypeError(
            f"unflatten: expected a TreeDef as first argument, got {type(treedef).__name__}"
            " (the signature is unflatten(treedef, leaves))"
        )
    if type(leaves) is not list and type(leaves) is not tuple:
        leaves = list(leaves)
    if len(leaves) != treedef.num_leaves:
        raise ValueError(
            f"unflatten: the tree structure {treedef!r} expects {treedef.num_leaves} "
            f"leaves, got {len(leaves)}"
        )
    return _unflatten(treedef, leaves)


class _Mismatch(Exception):
    pass


def _flatten_up_to(td, x, out):
    """Cut ``x`` at the leaf positions of ``td``, appending the pieces to ``out``."""
    if td is _LEAF:
        out.append(x)
        return
    node = td._node
    t = type(x)
    n = _dispatch.get(t, _MISSING)
    if n is _MISSING:
        n = _classify(t)
    if n is not node:
        raise _Mismatch
    if node is _TUPLE or node is _LIST:
        children, aux = x, None
    else:
        children, aux = node.flatten(x)
    subs = td._children
    if len(children) != len(subs) or not _aux_equal(aux, td._aux):
        raise _Mismatch
    for s, c in zip(subs, children, strict=False):
        if s is _LEAF:
            out.append(c)
        else:
            _flatten_up_to(s, c, out)


def map(f: Callable, tree: Any, *rest: Any, is_leaf: Callable[[Any], bool] | None = None) -> Any:
    """Apply ``f`` to every leaf of ``tree`` (and the matching leaves of ``rest``).

    Each tree in ``rest`` must have the structure of ``tree``; a value there at a leaf
    position of ``tree`` is passed to ``f`` whole.

    >>> from nabla import tree
    >>> tree.map(lambda x: x * 2, {'a': 1, 'b': (2, None)})
    {'a': 2, 'b': (4, None)}
    >>> tree.map(lambda x, y: x + y, [1, 2], [10, 20])
    [11, 22]
    """
    flat, td = flatten(tree, is_leaf)
    if not rest:
        return _unflatten(td, [f(x) for x in flat])
    columns = [flat]
    for i, r in enumerate(rest, start=1):
        if td is _LEAF:
            columns.append([r])
            continue
        out: list = []
        try:
            _flatten_up_to(td, r, out)
        except _Mismatch:
            raise ValueError(
                f"map: tree {i} after the first has a different structure from the first "
                f"tree:\n  first tree: {td!r}\n  tree {i}:     {structure(r, is_leaf)!r}"
            ) from None
        columns.append(out)
    return _unflatten(td, [f(*xs) for xs in zip(*columns, strict=False)])
