"""Tests for nabla.tree: pytree flattening, rebuilding, mapping and registration."""

import copy
import dataclasses
import doctest
from collections import OrderedDict, defaultdict, namedtuple
from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nabla import tree

Point = namedtuple("Point", ["x", "y"])


class Pair(NamedTuple):
    first: object
    second: object


@dataclasses.dataclass
class Params:
    w: object
    b: object


@dataclasses.dataclass(frozen=True)
class Frozen:
    a: object
    b: object = 0


@dataclasses.dataclass
class WithInitFalse:
    a: object
    c: object = dataclasses.field(init=False, default=None)


@dataclasses.dataclass(frozen=True, slots=True)
class Slotted:
    p: object
    q: object


class Box:
    """A user class made a node by tree.register in the tests below."""

    def __init__(self, name, items):
        self.name = name
        self.items = items

    def __eq__(self, other):
        return type(other) is Box and (self.name, self.items) == (other.name, other.items)


tree.register(Box, lambda b: (b.items, b.name), lambda name, items: Box(name, tuple(items)))


def roundtrip(x):
    leaves, td = tree.flatten(x)
    return tree.unflatten(td, leaves)


# --- round trips for each node type ----------------------------------------------------


@pytest.mark.parametrize(
    "x",
    [
        (),
        [],
        {},
        None,
        (1,),
        (1, 2, 3),
        [1, [2, [3, []]]],
        {"a": 1, "b": (2, 3), "c": [4, {"d": 5}]},
        OrderedDict([("z", 1), ("a", 2)]),
        Point(1, (2, 3)),
        Pair([1, 2], {"k": 3}),
        (None, [None, 1], {"n": None}),
        "a string is a leaf",
        3.5,
    ],
)
def test_roundtrip(x):
    y = roundtrip(x)
    assert y == x
    assert type(y) is type(x)


def test_roundtrip_preserves_container_types_deeply():
    x = [Point(1, 2), (3, [4]), OrderedDict(a=5), {"b": Pair(6, 7)}]
    y = roundtrip(x)
    assert y == x
    assert type(y[0]) is Point
    assert type(y[2]) is OrderedDict
    assert type(y[3]["b"]) is Pair


def test_arrays_are_leaves_and_identity_kept():
    a, b = np.ones(3), np.zeros((2, 2))
    leaves, td = tree.flatten({"a": a, "b": [b]})
    assert leaves[0] is a and leaves[1] is b
    out = tree.unflatten(td, leaves)
    assert out["a"] is a and out["b"][0] is b


def test_leaf_root():
    leaves, td = tree.flatten(7)
    assert leaves == [7]
    assert td.num_leaves == 1 and td.num_nodes == 1
    assert repr(td) == "TreeDef(*)"
    assert tree.unflatten(td, ["x"]) == "x"


# --- leaf order and dicts -------------------------------------------------------------


def test_leaves_order_depth_first():
    x = (1, [2, (3, 4)], {"b": 6, "a": 5}, 7)
    assert tree.leaves(x) == [1, 2, 3, 4, 5, 6, 7]
    assert tree.flatten(x)[0] == [1, 2, 3, 4, 5, 6, 7]


def test_dict_keys_sorted():
    d = {"c": 3, "a": 1, "b": 2}
    leaves, td = tree.flatten(d)
    assert leaves == [1, 2, 3]
    assert td == tree.structure({"a": 0, "b": 0, "c": 0})
    assert list(tree.unflatten(td, leaves)) == ["a", "b", "c"]


def test_dict_unsortable_keys_use_insertion_order():
    d = {"x": 1, 2: "two", (3,): 3}
    leaves, td = tree.flatten(d)
    assert leaves == [1, "two", 3]
    assert tree.unflatten(td, leaves) == d


def test_ordereddict_keeps_insertion_order():
    od = OrderedDict([("z", 1), ("a", 2)])
    assert tree.leaves(od) == [1, 2]
    assert tree.structure(od) != tree.structure({"z": 1, "a": 2})
    assert tree.structure(od) != tree.structure(OrderedDict([("a", 2), ("z", 1)]))


def test_defaultdict_roundtrip():
    d = defaultdict(list, {"b": 2, "a": 1})
    y = roundtrip(d)
    assert type(y) is defaultdict and y.default_factory is list and y == d
    assert tree.leaves(d) == [1, 2]


# --- None -------------------------------------------------------------------------------


def test_none_is_a_node_without_children():
    assert tree.leaves(None) == []
    assert tree.leaves([None, 1, (None,)]) == [1]
    td = tree.structure(None)
    assert td.num_leaves == 0 and td.num_nodes == 1
    assert repr(td) == "TreeDef(None)"
    assert tree.unflatten(td, []) is None
    assert tree.map(lambda x: x + 1, {"a": None, "b": 1}) == {"a": None, "b": 2}


def test_none_as_leaf_with_is_leaf():
    leaves, td = tree.flatten([None, 1], is_leaf=lambda x: x is None)
    assert leaves == [None, 1]
    assert tree.unflatten(td, ["n", 2]) == ["n", 2]


# --- namedtuples and dataclasses -------------------------------------------------------


def test_namedtuple_rebuilt_as_same_class():
    p = Point(1, [2, 3])
    leaves, td = tree.flatten(p)
    assert leaves == [1, 2, 3]
    q = tree.unflatten(td, [10, 20, 30])
    assert type(q) is Point and q == Point(10, [20, 30])
    assert repr(td) == "TreeDef(Point(x=*, y=[*, *]))"
    assert tree.structure(Point(1, 2)) != tree.structure((1, 2))
    assert tree.structure(Point(1, 2)) != tree.structure(Pair(1, 2))


def test_dataclass_rebuilt_as_same_class():
    p = Params(w=[1, 2], b=3)
    leaves, td = tree.flatten(p)
    assert leaves == [1, 2, 3]
    q = tree.unflatten(td, [4, 5, 6])
    assert type(q) is Params and q == Params(w=[4, 5], b=6)
    assert repr(td) == "TreeDef(Params(w=[*, *], b=*))"


def test_frozen_dataclass():
    f = Frozen(a=(1, 2), b=3)
    g = tree.map(lambda x: x * 10, f)
    assert type(g) is Frozen and g == Frozen(a=(10, 20), b=30)
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.a = 0


def test_dataclass_init_false_field_is_a_child_and_init_not_called():
    w = WithInitFalse(a=1)
    w.c = 2
    assert tree.leaves(w) == [1, 2]
    y = tree.map(lambda x: x + 1, w)
    assert (y.a, y.c) == (2, 3)


def test_slotted_frozen_dataclass():
    s = Slotted(p=1, q=[2])
    assert roundtrip(s) == s
    assert tree.leaves(s) == [1, 2]


def test_dataclass_class_object_is_a_leaf():
    assert tree.leaves([Params, Point]) == [Params, Point]


def test_plain_tuple_and_dict_subclasses_are_leaves():
    class MyTuple(tuple):
        pass

    class MyDict(dict):
        pass

    t, d = MyTuple((1, 2)), MyDict(a=1)
    assert tree.leaves([t, d]) == [t, d]


def test_structures_equal_when_type_cache_is_full(monkeypatch):
    monkeypatch.setattr(tree, "_CACHE_LIMIT", 0)

    @dataclasses.dataclass
    class Late:
        a: object

    class LateLeaf:
        pass

    assert tree.structure(Late(1)) == tree.structure(Late(2))
    leaf = LateLeaf()
    assert tree.leaves([leaf, Late(leaf)]) == [leaf, leaf]


# --- register ---------------------------------------------------------------------------


def test_register_custom_class():
    b = Box("box", (1, [2, 3]))
    leaves, td = tree.flatten(b)
    assert leaves == [1, 2, 3]
    assert tree.unflatten(td, leaves) == b
    assert repr(td) == "TreeDef(CustomNode(Box['box'], [*, [*, *]]))"
    # aux data is part of the structure
    assert td != tree.structure(Box("other", (1, [2, 3])))
    assert tree.map(lambda x: -x, b) == Box("box", (-1, [-2, -3]))


def test_register_children_list_and_aux_passed_to_unflatten():
    seen = []

    class Node:
        def __init__(self, *kids):
            self.kids = kids

    def unflat(aux, children):
        seen.append((aux, children))
        return Node(*children)

    tree.register(Node, lambda n: (iter(n.kids), "aux"), unflat)
    y = roundtrip(Node(1, 2))
    assert y.kids == (1, 2)
    assert seen == [("aux", [1, 2])]
    assert type(seen[0][1]) is list


def test_registered_class_subclass_is_not_a_node():
    class SubBox(Box):
        pass

    s = SubBox("s", (1, 2))
    assert tree.leaves(s) == [s]


def test_register_overrides_auto_detection():
    @dataclasses.dataclass
    class Special:
        a: object
        b: object

    assert tree.leaves(Special(1, 2)) == [1, 2]  # detected as a dataclass (and cached)
    tree.register(Special, lambda s: ((s.a,), s.b), lambda b, ch: Special(ch[0], b))
    assert tree.leaves(Special(1, 2)) == [1]
    assert roundtrip(Special(1, 2)) == Special(1, 2)


def test_register_twice_raises():
    class Once:
        pass

    tree.register(Once, lambda o: ((), None), lambda aux, ch: Once())
    with pytest.raises(ValueError, match="already registered"):
        tree.register(Once, lambda o: ((), None), lambda aux, ch: Once())


@pytest.mark.parametrize("cls", [tuple, list, dict, type(None), OrderedDict])
def test_register_builtin_node_raises(cls):
    with pytest.raises(ValueError, match="already registered"):
        tree.register(cls, lambda o: ((), None), lambda aux, ch: None)


def test_register_non_class_raises():
    with pytest.raises(TypeError, match="expected a class"):
        tree.register(Box("not", ()), lambda o: ((), None), lambda aux, ch: None)


def test_register_non_callable_raises():
    class NotCalled:
        pass

    with pytest.raises(TypeError, match="must be callable"):
        tree.register(NotCalled, "flatten", lambda aux, ch: None)


# --- TreeDef ----------------------------------------------------------------------------


def test_treedef_equality_and_hash():
    a = tree.structure({"a": 1, "b": (2, 3)})
    b = tree.structure({"b": ("x", "y"), "a": "z"})
    c = tree.structure({"a": 1, "b": [2, 3]})
    assert a == b and hash(a) == hash(b)
    assert a != c
    assert len({a, b, c}) == 2
    assert a != "not a treedef"
    assert tree.structure((1, 2)) != tree.structure([1, 2])
    assert tree.structure((1, 2)) != tree.structure((1, 2, 3))
    assert tree.structure((1, (2,))) != tree.structure(((1,), 2))


def test_treedef_repr():
    assert repr(tree.structure({"a": 1, "b": (2, 3)})) == "TreeDef({'a': *, 'b': (*, *)})"
    assert repr(tree.structure((1,))) == "TreeDef((*,))"
    assert repr(tree.structure(())) == "TreeDef(())"
    assert repr(tree.structure([None, []])) == "TreeDef([None, []])"
    assert repr(tree.structure(OrderedDict(z=1))) == "TreeDef(OrderedDict({'z': *}))"
    assert str(tree.structure([1])) == "TreeDef([*])"


def test_treedef_counts():
    td = tree.structure({"a": 1, "b": (2, None, [3])})
    assert td.num_leaves == 3
    # dict, leaf a, tuple, leaf 2, None, list, leaf 3
    assert td.num_nodes == 7


def test_treedef_unflatten_method():
    td = tree.structure([1, (2, 3)])
    assert td.unflatten("abc") == ["a", ("b", "c")]
    assert td.unflatten(iter([1, 2, 3])) == [1, (2, 3)]


def test_treedef_is_immutable():
    td = tree.structure((1, 2))
    with pytest.raises(AttributeError, match="immutable"):
        td.num_leaves = 5
    with pytest.raises(AttributeError, match="immutable"):
        del td.num_nodes
    assert not hasattr(td, "__dict__")
    assert copy.copy(td) is td and copy.deepcopy(td) is td
    with pytest.raises(TypeError, match="not built directly"):
        tree.TreeDef()


# --- map --------------------------------------------------------------------------------


def test_map_single_tree():
    x = {"a": [1, 2], "b": Point(3, 4)}
    assert tree.map(lambda v: v * 2, x) == {"a": [2, 4], "b": Point(6, 8)}


def test_map_several_trees():
    a = {"w": [1.0, 2.0], "b": 3.0}
    b = {"w": [10.0, 20.0], "b": 30.0}
    c = {"b": 300.0, "w": [100.0, 200.0]}
    assert tree.map(lambda x, y, z: x + y + z, a, b, c) == {"w": [111.0, 222.0], "b": 333.0}


def test_map_rest_may_be_deeper_at_leaf_positions():
    out = tree.map(lambda x, y: (x, y), [1, 2], [(3, 4), {"k": 5}])
    assert out == [(1, (3, 4)), (2, {"k": 5})]


def test_map_leaf_tree_with_rest():
    assert tree.map(lambda x, y: x + y, 1, 2) == 3


def test_map_is_leaf():
    x = [(1, 2), [3, (4, 5)]]
    out = tree.map(
        lambda t: sum(t) if type(t) is tuple else -t, x, is_leaf=lambda v: type(v) is tuple
    )
    assert out == [3, [-3, 9]]


def test_map_with_arrays():
    params = {"w": np.arange(3.0), "b": np.float64(1.0)}
    grads = {"w": np.ones(3), "b": np.float64(2.0)}
    new = tree.map(lambda p, g: p - 0.5 * g, params, grads)
    np.testing.assert_allclose(new["w"], [-0.5, 0.5, 1.5])
    assert new["b"] == 0.0


# --- errors -----------------------------------------------------------------------------


def test_unflatten_wrong_leaf_count():
    td = tree.structure((1, [2, 3]))
    with pytest.raises(ValueError, match="expects 3 leaves, got 2"):
        tree.unflatten(td, [1, 2])
    with pytest.raises(ValueError, match="expects 3 leaves, got 4"):
        td.unflatten([1, 2, 3, 4])
    with pytest.raises(ValueError, match="expects 0 leaves, got 1"):
        tree.unflatten(tree.structure(None), [1])


def test_unflatten_arguments_swapped():
    leaves, td = tree.flatten([1, 2])
    with pytest.raises(TypeError, match="expected a TreeDef"):
        tree.unflatten(leaves, td)


@pytest.mark.parametrize(
    "other",
    [
        [1, 2, 3],  # different arity
        (1, 2),  # tuple vs list
        {"a": 1, "b": 2},  # different node type
    ],
)
def test_map_structure_mismatch(other):
    with pytest.raises(ValueError, match="different structure") as info:
        tree.map(lambda x, y: x, [1, 2], other)
    msg = str(info.value)
    assert "TreeDef([*, *])" in msg
    assert repr(tree.structure(other)) in msg


def test_map_mismatch_dict_keys_and_none():
    with pytest.raises(ValueError, match=r"TreeDef\(\{'a': \*, 'c': \*\}\)"):
        tree.map(lambda x, y: x, {"a": 1, "b": 2}, {"a": 1, "c": 2})
    with pytest.raises(ValueError, match="different structure"):
        tree.map(lambda x, y: x, (None, 1), (2, 1))
    with pytest.raises(ValueError, match="tree 2 after the first"):
        tree.map(lambda x, y, z: x, [1], [2], (3,))


def test_map_mismatch_namedtuple_vs_tuple():
    with pytest.raises(ValueError, match="different structure"):
        tree.map(lambda x, y: x, Point(1, 2), (1, 2))


def test_map_mismatch_custom_aux():
    with pytest.raises(ValueError, match="CustomNode"):
        tree.map(lambda x, y: x, Box("a", (1,)), Box("b", (1,)))


# --- property test --------------------------------------------------------------------

_ints = st.integers(-5, 5)
_nested = st.recursive(
    _ints | st.none(),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=4).map(tuple),
        st.dictionaries(st.text("abc", max_size=2), children, max_size=4),
    ),
    max_leaves=20,
)


@given(_nested)
def test_property_roundtrip(x):
    leaves, td = tree.flatten(x)
    assert tree.unflatten(td, leaves) == x
    assert td.num_leaves == len(leaves)
    assert tree.leaves(x) == leaves
    assert all(type(v) is int for v in leaves)
    assert tree.structure(tree.map(lambda v: v + 1, x)) == td
    assert tree.map(lambda v: v, x) == x


# --- doctests ---------------------------------------------------------------------------


def test_doctests():
    result = doctest.testmod(tree, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
