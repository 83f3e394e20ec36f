"""Tests of tfgan_variants.data: shapes and ranges, exact resumability, per-epoch
permutations, 2-D mixtures, user errors, TFDS (mocked) and tf.distribute."""
import os

import numpy as np
import pytest
import tensorflow as tf

import conftest
from PIL import Image

from tfgan_variants import data
from tfgan_variants.errors import UserError

needs_fashion = pytest.mark.skipif(not os.path.isdir(data.DEBIAN_FASHION_MNIST),
                                   reason="Debian's dataset-fashion-mnist is not installed")


def batches(dataset, n):
    """The first n batches of a dataset, stacked into one array."""
    return np.stack([b.numpy() for b in dataset.take(n)])


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """An empty keras cache, so that tests neither read nor fill ~/.keras."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path / "keras"


@pytest.fixture
def indexed_npz(tmp_path):
    """An .npz of N = 10 images 3x3, image i filled with the value 20 * i (uint8)."""
    path = tmp_path / "ten.npz"
    np.savez(path, images=np.repeat(np.arange(10, dtype=np.uint8) * 20, 9).reshape(10, 3, 3))
    return str(path)


def example_ids(batch):
    """Recover the image indices of a batch of `indexed_npz` images."""
    return np.rint((batch[:, 0, 0, 0] + 1) * 127.5 / 20).astype(int)


def write_pngs(folder, shapes):
    """Random RGB / grayscale PNGs of the given (H, W[, 3]) shapes; returns their pixels."""
    rng = np.random.default_rng(0)
    images = []
    for i, shape in enumerate(shapes):
        image = rng.integers(0, 256, shape, dtype=np.uint8)
        sub = folder / f"sub{i % 2}"
        sub.mkdir(parents=True, exist_ok=True)
        Image.fromarray(image).save(sub / f"{i}.png")
        images.append(image)
    return images


# ---- keras datasets ----------------------------------------------------------------------

@needs_fashion
def test_fashion_mnist_links_the_debian_copy_and_loads_in_range(keras_home):
    batch = next(iter(data.load("fashion_mnist", 256)))
    assert batch.shape == (256, 28, 28, 1) and batch.dtype == tf.float32
    assert batch.numpy().min() == -1.0 and batch.numpy().max() == 1.0   # pixels 0 and 255
    link = keras_home / "datasets" / "fashion-mnist" / "train-images-idx3-ubyte.gz"
    assert os.path.realpath(link) == os.path.join(data.DEBIAN_FASHION_MNIST, link.name)
    assert data.describe("fashion_mnist") == data.DatasetInfo(
        "fashion_mnist", (28, 28, 1), 60_000, False)
    test = next(iter(data.load("fashion_mnist", 4, split="test", image_size=32)))
    assert test.shape == (4, 32, 32, 1)


@needs_fashion
def test_fashion_mnist_resumes_exactly_across_an_epoch_boundary(keras_home):
    # 1000 examples in batches of 64: batch 15 holds positions 960..1023, two epochs.
    full = batches(data.load("fashion_mnist", 64, seed=3, num_examples=1000), 18)
    resumed = batches(data.load("fashion_mnist", 64, seed=3, num_examples=1000,
                                start_batch=14), 4)
    np.testing.assert_array_equal(resumed, full[14:])


def test_fashion_mnist_missing_everywhere_says_how_to_install(keras_home, monkeypatch, tmp_path):
    monkeypatch.setattr(data, "DEBIAN_FASHION_MNIST", str(tmp_path / "nowhere"))
    with pytest.raises(UserError, match="apt-get install dataset-fashion-mnist"):
        data.load("fashion_mnist", 8)


def test_mnist_reads_the_keras_cache_and_fails_clearly_without_it(keras_home):
    with pytest.raises(UserError, match=r"MNIST is not in .*mnist\.npz"):
        data.describe("mnist")
    (keras_home / "datasets").mkdir(parents=True)
    np.savez(keras_home / "datasets" / "mnist.npz",
             x_train=np.zeros((6, 28, 28), np.uint8), x_test=np.full((4, 28, 28), 255, np.uint8),
             y_train=np.zeros(6), y_test=np.zeros(4))
    test = next(iter(data.load("mnist", 4, split="test")))
    assert test.shape == (4, 28, 28, 1) and np.all(test.numpy() == 1.0)
    with pytest.raises(UserError, match="splits 'train' and 'test'"):
        data.load("mnist", 4, split="validation")


# ---- .npz and in-memory permutations -----------------------------------------------------

def test_npz_uint8_and_float_arrays(tmp_path):
    floats = np.random.default_rng(0).uniform(-1, 1, (5, 4, 4, 3)).astype(np.float64)
    np.savez(tmp_path / "f.npz", floats)   # the only array, saved as arr_0
    batch = next(iter(data.load(str(tmp_path / "f.npz"), 5))).numpy()
    assert batch.shape == (5, 4, 4, 3) and batch.dtype == np.float32
    np.testing.assert_allclose(np.sort(batch[:, 0, 0, 0]), np.sort(floats[:, 0, 0, 0]), rtol=1e-6)
    assert data.describe(str(tmp_path / "f.npz"), image_size=8).shape == (8, 8, 3)
    np.savez(tmp_path / "u.npz", x=np.array([[[0, 255]]] * 3, np.uint8))   # (3, 1, 2)
    batch = next(iter(data.load(str(tmp_path / "u.npz"), 2))).numpy()
    assert batch.shape == (2, 1, 2, 1)
    np.testing.assert_array_equal(batch[..., 0], [[[-1.0, 1.0]]] * 2)


@pytest.mark.parametrize("batch_size", [4, 25])   # 25 > N: one batch spans 2.5 epochs
def test_each_epoch_is_a_fresh_permutation(indexed_npz, batch_size):
    ids = example_ids(batches(data.load(indexed_npz, batch_size), 200 // batch_size)
                      .reshape(-1, 3, 3, 1)).reshape(-1, 10)
    assert all(sorted(epoch) == list(range(10)) for epoch in ids)
    assert len({tuple(epoch) for epoch in ids}) > len(ids) // 2
    other_seed = example_ids(batches(data.load(indexed_npz, 10, seed=1), 1)[0])
    assert sorted(other_seed) == list(range(10)) and list(other_seed) != list(ids[0])


def test_npz_resumes_exactly_across_epoch_boundaries(indexed_npz):
    full = batches(data.load(indexed_npz, 4, seed=7), 12)   # epochs end inside batches 2, 7
    for start in (1, 2, 7, 9):
        np.testing.assert_array_equal(
            batches(data.load(indexed_npz, 4, seed=7, start_batch=start), 12 - start),
            full[start:])
    assert data.describe(indexed_npz, num_examples=6) == data.DatasetInfo(
        indexed_npz, (3, 3, 1), 6, False)
    capped = example_ids(batches(data.load(indexed_npz, 6, num_examples=6), 1)[0])
    assert sorted(capped) == list(range(6))


# ---- image folders -----------------------------------------------------------------------

def test_image_folder_loads_every_image_exactly(tmp_path):
    originals = write_pngs(tmp_path / "imgs", [(8, 6, 3)] * 5)
    folder = str(tmp_path / "imgs")
    assert data.describe(folder) == data.DatasetInfo(folder, (8, 6, 3), 5, False)
    batch = next(iter(data.load(folder, 5))).numpy()
    assert batch.shape == (5, 8, 6, 3) and batch.min() >= -1 and batch.max() <= 1
    pixels = np.rint((batch + 1) * 127.5).astype(np.uint8)
    assert sorted(p.tobytes() for p in pixels) == sorted(o.tobytes() for o in originals)
    assert next(iter(data.load(folder, 2, image_size=(4, 3)))).shape == (2, 4, 3, 3)


def test_image_folder_streamed_equals_in_memory(tmp_path, monkeypatch):
    write_pngs(tmp_path / "imgs", [(10, 7)] * 3 + [(5, 9)] * 2)   # grayscale, mixed sizes
    folder = str(tmp_path / "imgs")
    with pytest.raises(UserError, match="differ in shape.*set an image size"):
        data.load(folder, 2)
    in_memory = batches(data.load(folder, 2, seed=1, image_size=6), 6)
    monkeypatch.setattr(data, "IN_MEMORY_LIMIT", 0)
    streamed = batches(data.load(folder, 2, seed=1, image_size=6, start_batch=2), 4)
    assert in_memory.shape == (6, 2, 6, 6, 1)
    np.testing.assert_array_equal(streamed, in_memory[2:])


def test_folder_errors_name_the_problem(tmp_path):
    with pytest.raises(UserError, match="no such folder: .*missing"):
        data.load(str(tmp_path / "missing"), 8)
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match=r"no \.png.* images in folder .*empty"):
        data.describe(str(tmp_path / "empty"))
    write_pngs(tmp_path / "bad", [(4, 4, 3)])
    (tmp_path / "bad" / "broken.png").write_bytes(b"not an image at all")
    with pytest.raises(UserError, match="cannot read image .*broken.png"):
        data.load(str(tmp_path / "bad"), 1)


def test_user_errors_are_one_line(tmp_path):
    np.savez(tmp_path / "two.npz", a=np.zeros((2, 3, 3)), b=np.zeros(2))
    np.savez(tmp_path / "flat.npz", images=np.zeros((4, 5), np.uint8))
    cases = [(lambda: data.load("ring8", 0), "batch size"),
             (lambda: data.load("ring8", 2.5), "batch size"),
             (lambda: data.load("ring8", 8, start_batch=-1), "start batch"),
             (lambda: data.describe(str(tmp_path / "two.npz")), "no image array.*a, b"),
             (lambda: data.load(str(tmp_path / "flat.npz"), 2), r"\(N, H, W\)"),
             (lambda: data.load(str(tmp_path / "none.npz"), 2), "no such .npz file"),
             (lambda: data.load(str(tmp_path / "two.npz"), 2, image_size=-3), "image size"),
             (lambda: data.mixture_centers("ring9"), "unknown 2-D mixture")]
    for call, message in cases:
        with pytest.raises(UserError, match=message) as error:
            call()
        assert "\n" not in str(error.value)


# ---- 2-D mixtures ------------------------------------------------------------------------

@pytest.mark.parametrize("name, k, std", [("ring8", 8, 0.01), ("grid25", 25, 0.05)])
def test_mixture_samples_lie_near_the_centres_and_hit_them_all(name, k, std):
    centers = data.mixture_centers(name)
    assert centers.shape == (k, 2) and data.mixture_std(name) == std
    if name == "ring8":
        np.testing.assert_allclose(np.linalg.norm(centers, axis=1), 1.0, rtol=1e-6)
    else:
        assert set(centers.ravel()) == {-4, -2, 0, 2, 4} and len(set(map(tuple, centers))) == 25
    samples = batches(data.load(name, 256), 16).reshape(-1, 2)
    assert samples.dtype == np.float32
    distances = np.linalg.norm(samples[:, None] - centers[None], axis=-1)
    assert distances.min(axis=1).max() < 5 * std
    assert set(distances.argmin(axis=1)) == set(range(k))
    assert data.describe(name) == data.DatasetInfo(name, (2,), None, True)


def test_mixture_spacing_is_the_distance_between_neighbouring_modes():
    # ring8: the chord between neighbours on the unit circle; grid25: the grid's step.
    assert data.mixture_spacing("ring8") == pytest.approx(2 * np.sin(np.pi / 8), rel=1e-6)
    assert data.mixture_spacing("grid25") == pytest.approx(2.0)


def test_mixture_resumes_exactly_and_depends_on_the_seed():
    full = batches(data.load("ring8", 64, seed=5), 8)
    np.testing.assert_array_equal(batches(data.load("ring8", 64, seed=5, start_batch=5), 3),
                                  full[5:])
    assert not np.array_equal(batches(data.load("ring8", 64, seed=6), 8), full)
    assert not np.array_equal(full[0], full[1])


# ---- TFDS (mocked) -----------------------------------------------------------------------

def test_tfds_mocked_shapes_resizing_and_resuming():
    tfds = pytest.importorskip("tensorflow_datasets")
    with tfds.testing.mock_data(num_examples=20):
        full = batches(data.load("cifar10", 8, seed=2), 5)
        assert full.shape == (5, 8, 32, 32, 3) and full.dtype == np.float32
        assert full.min() >= -1 and full.max() <= 1 and full.min() < -0.9
        np.testing.assert_array_equal(
            batches(data.load("cifar10", 8, seed=2, start_batch=2), 3), full[2:])
        assert next(iter(data.load("cifar10", 4, image_size=16))).shape == (4, 16, 16, 3)
        assert data.describe("cifar10").shape == (32, 32, 3)
        assert data.describe("stl10").shape == (48, 48, 3)   # the default size table
        assert next(iter(data.load("stl10", 2))).shape == (2, 48, 48, 3)
        assert next(iter(data.load("kmnist", 2))).shape == (2, 28, 28, 1)


def test_unknown_dataset_name_lists_the_builtins():
    with pytest.raises(UserError, match="unknown dataset 'no_such_data'.*ring8.*fashion_mnist"):
        data.describe("no_such_data")


# ---- tf.distribute -----------------------------------------------------------------------

def test_mirrored_strategy_gives_each_replica_half_the_batch(indexed_npz):
    strategy = conftest.mirrored_strategy()
    for name in (indexed_npz, "grid25"):
        dataset = data.load(name, 8, seed=4)
        per_replica = strategy.experimental_local_results(
            next(iter(strategy.experimental_distribute_dataset(dataset))))
        assert [p.shape[0] for p in per_replica] == [4, 4]
        np.testing.assert_array_equal(np.concatenate(per_replica), batches(dataset, 1)[0])


# ---- class labels ------------------------------------------------------------------------

def labelled_batches(dataset, n):
    """(images, labels) of the first n batches of a labelled dataset, each stacked."""
    pairs = list(dataset.take(n).as_numpy_iterator())
    return np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs])


def test_npz_labels_follow_their_images_and_resume(indexed_npz, tmp_path):
    path = tmp_path / "labelled.npz"
    with np.load(indexed_npz) as f:
        np.savez(path, images=f["images"], y=np.arange(10) % 3)
    images, labels = labelled_batches(data.load(str(path), 4, seed=7, labels=True), 6)
    assert labels.dtype == np.int32
    np.testing.assert_array_equal(labels, example_ids(images.reshape(-1, 3, 3, 1))
                                  .reshape(labels.shape) % 3)
    # The same images as without labels, and the same batches from a later start.
    np.testing.assert_array_equal(images, batches(data.load(str(path), 4, seed=7), 6))
    later = labelled_batches(data.load(str(path), 4, seed=7, labels=True, start_batch=2), 4)
    np.testing.assert_array_equal(later[1], labels[2:])
    assert data.describe(str(path), labels=True).num_classes == 3
    assert data.describe(str(path)).num_classes is None


@needs_fashion
def test_fashion_mnist_labels_are_the_label_file():
    images, labels = data.labelled_split("fashion_mnist", "test")
    got_images, got_labels = labelled_batches(data.load("fashion_mnist", 500, split="test",
                                                        labels=True), 1)
    # Every image of the batch is found in the split with the label it came with.
    index = {image.tobytes(): label for image, label in zip(images, labels)}
    pixels = np.rint((got_images[0] + 1) * 127.5).astype(np.uint8)
    assert [index[p.tobytes()] for p in pixels] == list(got_labels[0])
    assert data.describe("fashion_mnist", labels=True).num_classes == 10


@pytest.mark.parametrize("streamed", [False, True])
def test_folder_classes_are_its_subfolders(tmp_path, monkeypatch, streamed):
    originals = write_pngs(tmp_path / "imgs", [(4, 4, 3)] * 6)   # image i in sub{i % 2}
    if streamed:
        monkeypatch.setattr(data, "IN_MEMORY_LIMIT", 0)
    folder = str(tmp_path / "imgs")
    images, labels = labelled_batches(data.load(folder, 6, seed=3, labels=True), 2)
    index = {o.tobytes(): i % 2 for i, o in enumerate(originals)}
    pixels = np.rint((images + 1) * 127.5).astype(np.uint8).reshape(-1, 4, 4, 3)
    assert [index[p.tobytes()] for p in pixels] == list(labels.reshape(-1))
    assert data.describe(folder, labels=True).num_classes == 2


def test_tfds_labels_mocked():
    tfds = pytest.importorskip("tensorflow_datasets")
    with tfds.testing.mock_data(num_examples=20):
        images, labels = labelled_batches(data.load("cifar10", 8, seed=2, labels=True), 3)
        assert images.shape == (3, 8, 32, 32, 3) and labels.dtype == np.int32
        assert labels.min() >= 0 and labels.max() < 10
        np.testing.assert_array_equal(images, batches(data.load("cifar10", 8, seed=2), 3))
        assert data.describe("cifar10", labels=True).num_classes == 10


def _npz(tmp_path, name, **arrays):
    path = tmp_path / name
    np.savez(path, images=np.zeros((4, 3, 3), np.uint8), **arrays)
    return str(path)


def test_bad_labels_are_one_line_errors(tmp_path):
    cases = [(_npz(tmp_path, "none.npz"), "has no class labels.*'y'"),
             (_npz(tmp_path, "short.npz", y=np.array([0, 1, 0])),
              "3 labels for 4 images"),
             (_npz(tmp_path, "negative.npz", y=np.array([0, 1, -1, 0])), "must be >= 0"),
             (_npz(tmp_path, "gap.npz", y=np.array([1, 2, 1, 2])), "label 0 has no image"),
             (_npz(tmp_path, "float.npz", y=np.array([0.0, 1.0, 0.0, 1.0])),
              "1-D integer array"),
             (_npz(tmp_path, "single.npz", y=np.zeros(4, int)), "a single class"),
             ("ring8", "2-D mixture without class labels")]
    one_class = tmp_path / "one_class"
    write_pngs(one_class, [(4, 4, 3)])   # sub0 only
    cases.append((str(one_class), "single class subfolder"))
    loose = tmp_path / "loose"
    write_pngs(loose, [(4, 4, 3)] * 2)
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(loose / "top.png")
    cases.append((str(loose), "top.png is not in a class subfolder"))
    for name, message in cases:
        for call in (lambda: data.describe(name, labels=True),
                     lambda: data.load(name, 2, labels=True)):
            with pytest.raises(UserError, match=message) as error:
                call()
            assert "\n" not in str(error.value)
    # Unlabelled loading of the same files is unaffected.
    assert next(iter(data.load(_npz(tmp_path, "gap.npz", y=np.array([1, 2, 1, 2])), 2))) \
        .shape == (2, 3, 3, 1)
