"""The ResNet of SN-GAN / WGAN-GP / Sphere GAN (networks/resnet.py) and the papers' config
entries that use it: shapes, spectral norm, shortcuts, the papers' values, and short training
runs on mocked TFDS data with Inception-v3 evaluation during training."""
import json
import os

import keras
import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

from helpers import load_config
from tfgan_variants import VARIANTS, build, config_base, layers, networks, training
from tfgan_variants.errors import UserError
from tfgan_variants.networks import common, resnet

# The papers' layouts in multiples of the width w: G's base map (size, channels), its
# up-blocks' channels; D's blocks' channels and output map sizes. 32 px: Miyato et al.
# Table 4 (= WGAN-GP's CIFAR-10 ResNet); 48 px: Table 5 (w = 64: 6x6x512, 256, 128, 64;
# D 64 ... 1024); 64 px: sngan_projection's resnet_64.py / snresnet_64.py.
TABLES = {32: ((4, 1), (1, 1, 1), (1, 1, 1, 1), (16, 8, 8, 8)),
          48: ((6, 8), (4, 2, 1), (1, 2, 4, 8, 16), (24, 12, 6, 3, 3)),
          64: ((4, 16), (8, 4, 2, 1), (1, 2, 4, 8, 16), (32, 16, 8, 4, 2))}
DATASETS = {"cifar10": ("cifar10", 32), "stl10": ("stl10", 48),
            "lsun_bedroom": ("lsun/bedroom", 64)}
PAPER_VARIANTS = ("sphere_gan", "sngan", "wgan_gp", "wgan_lp", "wgan_ct")


def adds(model):
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Add)]


def weight_layers(model):
    """The Conv2D and Dense layers of `model`, unwrapped from SpectralNormalization."""
    found = []
    for layer in model.layers:
        inner = layer.layer if isinstance(layer, layers.SpectralNormalization) else layer
        if isinstance(inner, (keras.layers.Conv2D, keras.layers.Dense)):
            found.append(inner)
    return found


# ------------------------------------------------------------------ architecture
@pytest.mark.parametrize("size", sorted(TABLES))
def test_shapes_and_channels_follow_the_papers_tables_for_every_norm(size):
    """G maps z to images of the size through the papers' up-blocks; D's blocks have their
    channels and map sizes, and D outputs `output_dim` for every norm and pooling."""
    w = 2
    (base, base_channels), g_channels, d_channels, d_maps = TABLES[size]
    generator = resnet.generator(16, (size, size, 3), w)
    assert generator(tf.zeros((2, 16)), training=False).shape == (2, size, size, 3)
    assert generator.layers[1].units == base * base * w * base_channels
    assert [tuple(a.output.shape[1:]) for a in adds(generator)] == [
        (base * 2 ** (i + 1), base * 2 ** (i + 1), w * c) for i, c in enumerate(g_channels)]
    images = tf.random.uniform((2, size, size, 3), -1, 1)
    for norm, pooling in zip(common.NORMS, ("sum", "global_average", "flatten", "sum")):
        critic = resnet.discriminator((size, size, 3), 5, w, norm, pooling)
        assert critic(images, training=True).shape == (2, 5)
        assert [tuple(a.output.shape[1:]) for a in adds(critic)] == [
            (m, m, w * c) for m, c in zip(d_maps, d_channels)]


def test_spectral_norm_wraps_every_weight_layer_of_the_sngan_discriminator():
    config = config_base.load("sngan", "cifar10").networks
    config.update({"width": 4, "g_width": 4})
    _, critic = networks.build(config, (32, 32, 3), 128)
    assert not any(isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense))
                   for layer in critic.layers)
    wrapped = [layer for layer in critic.layers if isinstance(layer, layers.SpectralNormalization)]
    # 3 convs in each of the two pooling blocks (two 3x3, one 1x1 shortcut), 2 in each of
    # the two others (identity shortcuts), and the dense head.
    assert len(wrapped) == len(weight_layers(critic)) == 3 + 3 + 2 + 2 + 1
    plain = resnet.discriminator((32, 32, 3), width=4, norm="none")
    assert len(weight_layers(plain)) == 11
    assert not any(isinstance(layer, layers.SpectralNormalization) for layer in plain.layers)


def test_residual_shortcuts_and_exact_parameter_counts_at_32_px():
    """Every block adds a shortcut to its residual branch: a 1x1 conv where the block
    resamples, the identity elsewhere; the parameter counts are exactly Table 4's layout."""
    k, g, d = 16, 8, 4
    generator = resnet.generator(k, (32, 32, 3), g)
    shortcuts = [layer for layer in generator.layers
                 if isinstance(layer, keras.layers.Conv2D) and layer.kernel_size == (1, 1)]
    assert len(adds(generator)) == len(shortcuts) == 3
    up_block = 4 * g + (9 * g * g + g) + 4 * g + (9 * g * g + g) + (g * g + g)   # BN, conv x2, 1x1
    assert generator.count_params() == (k + 1) * 16 * g + 3 * up_block + 4 * g + 9 * g * 3 + 3

    critic = resnet.discriminator((32, 32, 3), width=d, norm="none", pooling="global_average")
    blocks = adds(critic)
    assert len(blocks) == 4
    # The two blocks that keep size and width add their input itself.
    for previous, block in zip(blocks[1:], blocks[2:]):
        assert any(tensor is previous.output for tensor in block.input)
    optimized = (27 * d + d) + (9 * d * d + d) + (3 * d + d)
    down = 2 * (9 * d * d + d) + (d * d + d)
    assert critic.count_params() == optimized + down + 2 * 2 * (9 * d * d + d) + d + 1


def test_activation_pooling_and_size_errors_are_clear():
    assert any(isinstance(layer, keras.layers.LeakyReLU) for layer in resnet.discriminator(
        (32, 32, 3), width=2, norm="layer", activation="leaky_relu").layers)
    with pytest.raises(ValueError, match="activation"):
        resnet.discriminator((32, 32, 3), width=2, activation="tanh")
    with pytest.raises(ValueError, match="pooling"):
        resnet.discriminator((32, 32, 3), width=2, pooling="max")
    config = config_base.load("sngan", "cifar10").networks
    with pytest.raises(UserError, match="32, 48, 64"):
        networks.build(config, (28, 28, 1), 8)


# ------------------------------------------------------------------ the papers' configs
def expected(variant, dataset):
    """The papers' values (see the configs' comments for their sources)."""
    cifar = dataset == "cifar10"
    if variant == "sngan":
        return {"widths": (256, 128) if cifar else (64, 64), "d_norm": "spectral",
                "pooling": "sum", "activation": "relu", "d_out": 1,
                "adam": (2e-4, 0.0, 0.9, "linear"), "n_critic": 5, "multiplier": 2,
                "steps": 50_000}
    if variant == "sphere_gan":
        return {"widths": (256, 128) if cifar else (64, 64), "d_norm": "layer",
                "pooling": "global_average", "activation": "leaky_relu", "d_out": 1024,
                "adam": (1e-4, 0.0, 0.9, "none"), "n_critic": 1, "multiplier": 1,
                "steps": 100_000}
    lsun = dataset == "lsun_bedroom"
    return {"widths": (128, 128) if cifar else (64, 64), "d_norm": "layer" if lsun else "none",
            "pooling": "global_average", "activation": "relu", "d_out": 1,
            "adam": (1e-4, 0.0, 0.9, "none") if lsun else (2e-4, 0.0, 0.9, "linear"),
            "n_critic": 5, "multiplier": 1 if lsun else 2,
            "steps": 200_000 if lsun else 100_000}


@pytest.mark.parametrize("dataset", sorted(DATASETS))
@pytest.mark.parametrize("variant", PAPER_VARIANTS)
def test_paper_config_entries_have_the_papers_values(variant, dataset):
    config = config_base.load(variant, dataset)
    want = expected(variant, dataset)
    name, size = DATASETS[dataset]
    assert config.variant == variant and config.data.name == name
    assert config.data.split == ("unlabelled" if dataset == "stl10" else "train")
    assert (config.data.batch_size, config.latent_dim) == (64, 128)
    net = config.networks
    assert net.name == "resnet"
    assert (networks.generator_width(net), net.width) == want["widths"]
    assert (net.d_norm, net.pooling, net.d_activation, net.d_out) == (
        want["d_norm"], want["pooling"], want["activation"], want["d_out"])
    for role in ("g", "d"):
        opt = config.optimizer[role]
        assert (opt.name, opt.learning_rate, opt.beta_1, opt.beta_2, opt.decay) == (
            "adam", *want["adam"])
    assert config.hparams.get("n_critic", 1) == want["n_critic"]
    assert config.hparams.get("generator_batch_multiplier", 1) == want["multiplier"]
    assert config.train.steps == want["steps"]
    assert (config.eval.feature_extractor, config.eval.metrics) == (
        "inception_v3", "fid,inception_score")
    assert config.eval.num_samples == 10_000 and config.eval.every == 5_000
    if variant == "wgan_ct":
        assert (net.d_dropout, config.hparams.ct_weight, config.hparams.ct_margin) == (0.5, 2, 0)
    if variant in ("wgan_gp", "wgan_lp", "wgan_ct"):
        assert config.hparams.gp_weight == 10
    if variant == "sphere_gan":
        assert config.hparams.moments == 3
    build.validate(config)
    # The variant accepts the networks and hyperparameters (at a small width).
    net.update({"width": 2, "g_width": 2})
    nets = VARIANTS[variant].build_networks(net, (size, size, 3), config.latent_dim)
    model = VARIANTS[variant](**nets, latent_dim=config.latent_dim, **config.hparams)
    assert model.n_critic == want["n_critic"]
    assert model.generator_batch_multiplier == want["multiplier"]


def test_a_missing_inception_weights_file_is_refused_before_training(tmp_path):
    config = config_base.load("sphere_gan", "cifar10")
    config.eval.inception_weights = str(tmp_path / "missing.weights.h5")
    with pytest.raises(UserError, match="inception_weights=.*missing.weights.h5 is not a file"):
        build.validate(config)


def test_lsun_bedroom_is_one_alias_and_other_datasets_keep_their_configs():
    assert config_base.load("sngan", "lsun_bedroom").data.name == "lsun/bedroom"
    assert config_base.load("sngan", "lsun/bedroom").networks.name == "resnet"
    assert config_base.load("sngan", "fashion_mnist").networks.name == "sngan_cnn"
    assert config_base.load("sphere_gan", "celeb_a").networks.name == "sngan_cnn"
    assert config_base.load("wgan_gp", "ring8").networks.name == "mlp"


# ------------------------------------------------------------------ training on mocked data
def short_paper_run(tmp_path, variant, dataset, steps, until=None, **overrides):
    """The paper entry, narrowed (D width 4, G width 8, batch 4), trained on mocked TFDS
    data through `training.train` for `steps` steps (stopping at `until`)."""
    config = load_config(variant, dataset, train__steps=steps, data__batch_size=4,
                         networks__width=4, networks__g_width=8, **overrides)
    with tfds.testing.mock_data(num_examples=24):
        return training.train(config, tmp_path / "run", verbose=0, until=until)


def test_sngan_cifar10_entry_takes_a_training_step_on_mocked_tfds(tmp_path):
    """The fast check of the path (one step, one critic update, no export); the slow tests
    below run the entries as configured."""
    run = short_paper_run(tmp_path, "sngan", "cifar10", 2, until=1, hparams__n_critic=1)
    assert run.step == 1 and run.info.shape == (32, 32, 3)
    assert run.model.generator_batch_multiplier == 2
    assert np.all(np.isfinite(run.summaries.samples(2)))


@pytest.fixture(scope="module")
def random_inception(tmp_path_factory):
    """A randomly initialised InceptionV3 saved as a local weights file: Keras' ImageNet
    download is not reachable here; the numbers it gives mean nothing, the path is real."""
    keras.utils.set_random_seed(0)
    path = tmp_path_factory.mktemp("inception") / "random_inception_v3.weights.h5"
    keras.applications.InceptionV3(weights=None).save_weights(str(path))
    return str(path)


@pytest.mark.slow
def test_sngan_cifar10_trains_and_evaluates_with_inception_during_training(
        tmp_path, monkeypatch, random_inception):
    """n_dis 5 and G batch 2x as configured, IS and FID on Inception-v3 at step 2, export."""
    monkeypatch.setenv("TFGAN_VARIANTS_CACHE", str(tmp_path / "cache"))
    run = short_paper_run(tmp_path, "sngan", "cifar10", 2, eval__every=2, eval__num_samples=6,
                          eval__inception_weights=random_inception)
    assert run.step == 2 and run.model.n_critic == 5
    assert os.path.isdir(os.path.join(run.workdir.path, "saved_model"))
    with open(run.workdir.eval_log) as f:
        (record,) = [json.loads(line) for line in f]
    assert record["step"] == 2 and record["num_samples"] == 6
    assert record["feature_extractor"] == "inception_v3:random_inception_v3.weights.h5"
    assert np.isfinite(record["fid"]) and record["fid"] >= 0
    assert 1.0 <= record["inception_score"] <= 1000.0
    assert "kid" not in record


@pytest.mark.slow
@pytest.mark.parametrize("variant,dataset,size", [("sphere_gan", "lsun_bedroom", 64),
                                                  ("wgan_ct", "stl10", 48)])
def test_paper_entries_train_at_48_and_64_px(tmp_path, variant, dataset, size):
    run = short_paper_run(tmp_path, variant, dataset, 2)
    assert run.step == 2 and run.info.shape == (size, size, 3)
    assert os.path.isdir(os.path.join(run.workdir.path, "saved_model"))
    samples = run.summaries.samples(3)
    assert samples.shape == (3, size, size, 3) and np.all(np.isfinite(samples))
    assert run.model.discriminator.output_shape[-1] == expected(variant, dataset)["d_out"]
