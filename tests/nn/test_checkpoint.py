"""nabla.nn.checkpoint: exact round trips, atomic writes, clear refusals, no code execution."""

import io
import os
import zipfile

import numpy as np
import pytest

from nabla import tree
from nabla.nn import MLP, LayerNorm, Linear, Module, Sequential, checkpoint
from nabla.nn.activations import tanh

EXECUTED = []


def _boom(*args):            # what a malicious pickle would run
    EXECUTED.append(args)
    return "pwned"


class Evil:
    def __reduce__(self):
        return (_boom, ("code from the file ran",))


@checkpoint.register
class Mixed(Module):
    """A module with every kind of leaf and of configuration."""

    def __init__(self, rng):
        self.w32 = rng.normal(size=(3, 2)).astype(np.float32)
        self.w16 = rng.normal(size=4).astype(np.float16)
        self.scalar = np.float64(2.5)
        self.blocks = [Linear(2, 3, rng=rng), {"gain": np.ones(3), "shift": np.zeros(3)}]
        self.pair = (np.arange(3.0), np.full((2, 2), -1.0))
        self.n, self.name, self.flag, self.nothing = 3, "mixed", True, None
        self.sizes, self.shape = [2, 3], (4, 5)
        self.options = {"eps": 1e-5, "mode": "fan_in", "inf": float("inf")}
        self.indices = np.array([0, 2, 1])            # an integer array: configuration
        self.dtype = np.dtype(np.float32)
        self.activation = tanh

    def __call__(self, x):
        return x


class Unregistered(Module):
    def __init__(self):
        self.w = np.ones(2)


def _assert_same(a, b):
    la, lb = tree.leaves(a), tree.leaves(b)
    # (TreeDefs holding arrays in their configuration never compare equal: compare reprs)
    assert repr(tree.structure(a)) == repr(tree.structure(b))
    assert len(la) == len(lb)
    for x, y in zip(la, lb):
        assert type(x) is type(y)
        assert np.array_equal(x, y) and np.asarray(x).dtype == np.asarray(y).dtype


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_round_trip_is_exact_with_dtypes_kept(tmp_path, rng):
    model = Mixed(rng)
    path = checkpoint.save(model, tmp_path / "mixed.npz")
    for restored in (checkpoint.load(path), checkpoint.load(path, like=Mixed(rng))):
        _assert_same(model, restored)
        assert type(restored) is Mixed and type(restored.blocks[0]) is Linear
    restored = checkpoint.load(path)
    assert restored.w32.dtype == np.float32 and restored.w16.dtype == np.float16
    assert restored.n == 3 and restored.name == "mixed" and restored.flag is True
    assert restored.sizes == [2, 3] and restored.shape == (4, 5) and restored.nothing is None
    assert restored.options == model.options
    assert np.array_equal(restored.indices, model.indices)
    assert restored.dtype == np.float32 and restored.activation is tanh
    assert isinstance(restored.scalar, np.float64)


def test_round_trip_of_nabla_layers_without_like(tmp_path, rng):
    net = Sequential(MLP([3, 8, 8, 2], "relu", rng=rng, layer_norm=True, residual=True),
                     LayerNorm(2))
    restored = checkpoint.load(checkpoint.save(net, tmp_path / "net"))
    _assert_same(net, restored)
    x = rng.normal(size=(4, 3))
    assert np.array_equal(net(x), restored(x))


def test_plain_pytrees_round_trip(tmp_path):
    params = {"w": [np.eye(2), 0.5], "b": (np.zeros(2, np.float32), None), 3: np.ones(1)}
    _assert_same(params, checkpoint.load(checkpoint.save(params, tmp_path / "p.npz")))


def test_save_appends_npz_and_leaves_no_temporary_file(tmp_path, rng):
    path = checkpoint.save(Mixed(rng), tmp_path / "model")
    assert path == tmp_path / "model.npz"
    assert sorted(os.listdir(tmp_path)) == ["model.npz"]
    checkpoint.save(Mixed(rng), path)                       # replacing an existing one
    assert sorted(os.listdir(tmp_path)) == ["model.npz"]


def test_a_failure_midway_leaves_the_existing_file_intact(tmp_path, rng, monkeypatch):
    old = Mixed(rng)
    path = checkpoint.save(old, tmp_path / "model.npz")
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk on fire"):
        checkpoint.save(Mixed(np.random.default_rng(1)), path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["model.npz"]      # the temporary file is gone
    monkeypatch.undo()
    _assert_same(old, checkpoint.load(path))


def test_a_failure_while_writing_leaves_nothing_new(tmp_path, rng, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("killed while writing")

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(RuntimeError, match="killed"):
        checkpoint.save(Mixed(rng), tmp_path / "model.npz")
    assert os.listdir(tmp_path) == []


def test_wrong_shape_in_like_names_the_leaf(tmp_path, rng):
    path = checkpoint.save(MLP([2, 4, 1], rng=rng), tmp_path / "small.npz")
    with pytest.raises(ValueError, match=r"leaf 'layers\.0\.w' has shape \(2, 4\)"):
        checkpoint.load(path, like=MLP([2, 5, 1], rng=rng))
    with pytest.raises(ValueError, match="dtype float64 .* dtype float32"):
        checkpoint.load(path, like=MLP([2, 4, 1], rng=rng, dtype=np.float32))
    with pytest.raises(ValueError, match="4 arrays but the model given as like= has 6"):
        checkpoint.load(path, like=MLP([2, 4, 4, 1], rng=rng))


def test_unknown_classes_and_functions_need_like_or_registration(tmp_path, rng):
    path = checkpoint.save(Unregistered(), tmp_path / "u.npz")
    with pytest.raises(ValueError, match="not a known Module class.*register"):
        checkpoint.load(path)
    _assert_same(Unregistered(), checkpoint.load(path, like=Unregistered()))

    def custom(x):
        return 2 * x

    mixed = Mixed(rng)
    mixed.activation = custom
    path = checkpoint.save(mixed, tmp_path / "custom.npz")
    with pytest.raises(ValueError, match="activation is a .*function.*like="):
        checkpoint.load(path)
    assert checkpoint.load(path, like=mixed).activation is custom
    checkpoint.register(custom, name="tests.custom")
    assert checkpoint.load(checkpoint.save(mixed, path)).activation is custom


def test_unsavable_leaves_are_refused_before_writing(tmp_path):
    with pytest.raises(TypeError, match="without pickle"):
        checkpoint.save({"w": np.ones(2), "f": [Evil()]}, tmp_path / "bad.npz")
    assert os.listdir(tmp_path) == []


def test_random_bytes_are_not_a_checkpoint(tmp_path):
    path = tmp_path / "noise.npz"
    path.write_bytes(np.random.default_rng(0).bytes(1000))
    with pytest.raises(ValueError, match="not a nabla checkpoint: it is not an .npz archive"):
        checkpoint.load(path)
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)                # a broken zip
    with pytest.raises(ValueError, match="not a nabla checkpoint"):
        checkpoint.load(path)


def test_a_plain_npz_or_npy_is_not_a_checkpoint(tmp_path):
    np.savez(tmp_path / "plain.npz", w=np.ones(3))
    with pytest.raises(ValueError, match="not a nabla checkpoint: the archive has no"):
        checkpoint.load(tmp_path / "plain.npz")
    np.save(tmp_path / "one.npy", np.ones(3))
    with pytest.raises(ValueError, match="single .npy array"):
        checkpoint.load(tmp_path / "one.npy")


def test_pickles_are_never_executed(tmp_path, rng):
    # an npz whose array holds pickled objects, with and without the checkpoint marker
    evil = np.empty(1, dtype=object)
    evil[0] = Evil()
    np.savez(tmp_path / "evil.npz", leaf_0=evil)
    with pytest.raises(ValueError, match="not a nabla checkpoint"):
        checkpoint.load(tmp_path / "evil.npz")
    good = checkpoint.save({"w": np.ones(2)}, tmp_path / "good.npz")
    with zipfile.ZipFile(good) as archive:
        header = archive.read("__nabla_checkpoint__.npy")
    with zipfile.ZipFile(tmp_path / "trojan.npz", "w") as archive:
        archive.writestr("__nabla_checkpoint__.npy", header)
        with archive.open("leaf_0.npy", "w") as entry:
            np.lib.format.write_array(entry, evil, allow_pickle=True)
    with pytest.raises(ValueError, match="Python objects.*pickle is never used"):
        checkpoint.load(tmp_path / "trojan.npz")
    with pytest.raises(ValueError, match="Python objects"):
        checkpoint.load(tmp_path / "trojan.npz", like={"w": np.ones(2)})
    assert EXECUTED == []


def test_a_tampered_header_cannot_name_arbitrary_classes(tmp_path):
    good = checkpoint.save(Unregistered(), tmp_path / "u.npz")
    with zipfile.ZipFile(good) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    header = np.lib.format.read_array(io.BytesIO(
        entries["__nabla_checkpoint__.npy"])).tobytes().decode()
    for target in ["os.system", "subprocess.Popen", "builtins.eval"]:
        forged = header.replace(f"{Unregistered.__module__}.Unregistered", target)
        np.savez(tmp_path / "forged.npz", leaf_0=np.ones(2),
                 __nabla_checkpoint__=np.frombuffer(forged.encode(), np.uint8))
        with pytest.raises(ValueError, match="not a known Module class"):
            checkpoint.load(tmp_path / "forged.npz")
    mixed = checkpoint.save(Mixed(np.random.default_rng(0)), tmp_path / "m.npz")
    with zipfile.ZipFile(mixed) as archive:
        text = np.lib.format.read_array(io.BytesIO(
            archive.read("__nabla_checkpoint__.npy"))).tobytes().decode()
        arrays = {n[:-4]: np.lib.format.read_array(io.BytesIO(archive.read(n)))
                  for n in archive.namelist() if n.startswith("leaf_")}
    forged = text.replace('"$function":"nabla.nn.activations.tanh"', '"$function":"os.system"')
    assert forged != text
    np.savez(tmp_path / "forged.npz", **arrays,
             __nabla_checkpoint__=np.frombuffer(forged.encode(), np.uint8))
    with pytest.raises(ValueError, match="function 'os.system', which is not known"):
        checkpoint.load(tmp_path / "forged.npz")
    good = checkpoint.save({"w": np.ones(2)}, tmp_path / "d.npz")
    with zipfile.ZipFile(good) as archive:
        header = np.lib.format.read_array(io.BytesIO(
            archive.read("__nabla_checkpoint__.npy"))).tobytes().decode()
    broken = header.replace('"leaf":0', '"leaf":7')
    assert broken != header
    np.savez(tmp_path / "broken.npz", leaf_0=np.ones(2),
             __nabla_checkpoint__=np.frombuffer(broken.encode(), np.uint8))
    with pytest.raises(ValueError, match="damaged nabla checkpoint"):
        checkpoint.load(tmp_path / "broken.npz")
    np.savez(tmp_path / "nojson.npz", __nabla_checkpoint__=np.frombuffer(b"{oops", np.uint8))
    with pytest.raises(ValueError, match="header is not JSON"):
        checkpoint.load(tmp_path / "nojson.npz")


def test_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        checkpoint.load(tmp_path / "absent.npz")
