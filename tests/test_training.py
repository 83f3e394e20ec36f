"""Training runs end to end: exact resume, export, the command line and its errors."""
import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from helpers import ROOT, cli, load_config, resume_equals_straight_run, tiny, weights
from tfgan_variants import config_base, optimizers, training
from tfgan_variants.errors import UserError


def test_interrupted_and_resumed_run_equals_uninterrupted_run(tmp_path):
    """A run stopped by `until` and resumed equals the straight one: model, optimizer slots,
    BN statistics, data position and noise, and the sample grids at the same steps (every
    variant's resume is the contract test's)."""
    resume_equals_straight_run(tmp_path, "ns_gan", "fashion_mnist")


def test_several_steps_per_graph_call_change_nothing_but_speed(tmp_path):
    """Steps per execution (6, cut to gcd(6, 4, 4, 8, 2000, 12) = 2) give the same weights and
    the same grids, written at the same steps, as one step per call."""
    def run(name, spe):
        config = tiny("wgan_gp", "ring8", 12)
        config.train.update({"steps_per_execution": spe, "log_every": 4, "sample_every": 4,
                             "checkpoint_every": 8})
        return training.train(config, tmp_path / name, verbose=0)

    one, many = run("one", 1), run("many", 6)
    assert many.model.steps_per_execution == 2 and one.model.steps_per_execution == 1
    for a, b in zip(weights(one), weights(many)):
        np.testing.assert_array_equal(a, b)
    grids = sorted(os.listdir(tmp_path / "one" / "samples"))
    assert grids == ["step_0000004.png", "step_0000008.png", "step_0000012.png"]
    assert grids == sorted(os.listdir(tmp_path / "many" / "samples"))


def test_export_samples_images_of_the_dataset_shape(tmp_path):
    run = training.train(tiny("sphere_gan", "fashion_mnist", 2), tmp_path, verbose=0)
    sample = tf.saved_model.load(str(tmp_path / "saved_model")).signatures["serving_default"]
    z = tf.random.normal([5, run.config.latent_dim])
    images = sample(z=z)["images"].numpy()
    assert images.shape == (5, 28, 28, 1)
    assert np.all(np.abs(images) <= 1)
    np.testing.assert_allclose(images, run.model.generator(z, training=False), atol=1e-5)


@pytest.mark.parametrize("overrides,message", [
    ({"variant": "nope"}, "unknown variant"),
    ({"data__name": "no_such_dataset_xyz"}, "no_such_dataset_xyz"),
    ({"data__batch_size": 0}, "batch_size must be positive"),
    ({"train__steps": -1}, "steps must be positive"),
    ({"data__name": "/no/such/folder"}, "/no/such/folder"),
    ({"train__checkpoint_every": 3}, "multiple"),
    ({"train__steps_per_execution": 0}, "steps_per_execution must be positive"),
])
def test_bad_settings_are_user_errors(tmp_path, overrides, message):
    with pytest.raises(UserError, match=message):
        training.Run(load_config("ns_gan", "ring8", **overrides), tmp_path / "w")


def test_a_workdir_of_another_run_is_refused_and_left_alone(tmp_path):
    training.train(tiny("ns_gan", "ring8", 2), tmp_path, verbose=0)
    before = _snapshot(tmp_path)
    with pytest.raises(UserError, match="holds a run with variant='ns_gan'"):
        training.Run(tiny("sngan", "ring8", 2), tmp_path)
    assert _snapshot(tmp_path) == before


def _snapshot(path):
    """{path relative to `path`: SHA-256} of every file under `path`."""
    digest = {}
    for folder, _, files in os.walk(path):
        for name in files:
            full = os.path.join(folder, name)
            with open(full, "rb") as f:
                digest[os.path.relpath(full, path)] = hashlib.sha256(f.read()).hexdigest()
    return digest


# ------------------------------------------------------------------ the command line
def _fashion_args(workdir, steps):
    return ["--config=configs/sphere_gan.py:fashion_mnist", f"--workdir={workdir}",
            f"--config.train.steps={steps}", "--config.train.log_every=2",
            "--config.train.checkpoint_every=2", "--config.train.sample_every=2",
            "--config.networks.width=4", "--config.data.batch_size=8"]


def test_cli_trains_resumes_and_exports_for_saved_model_cli(tmp_path):
    workdir = tmp_path / "run"
    first = cli(*_fashion_args(workdir, 2))
    assert first.returncode == 0, first.stderr[-2000:]
    assert "steps 0 -> 2" in first.stdout
    second = cli(*_fashion_args(workdir, 4))
    assert second.returncode == 0, second.stderr[-2000:]
    assert "steps 2 -> 4" in second.stdout and "done: step 4" in second.stdout
    saved_model_cli = os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
    np.save(tmp_path / "z.npy", np.random.default_rng(0).normal(size=(3, 64)).astype(np.float32))
    out = subprocess.run(
        [saved_model_cli, "run", "--dir", str(workdir / "saved_model"), "--tag_set", "serve",
         "--signature_def", "serving_default", "--inputs", f"z={tmp_path / 'z.npy'}",
         "--outdir", str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    images = np.load(tmp_path / "out" / "images.npy")
    assert images.shape == (3, 28, 28, 1)


@pytest.mark.parametrize("args,message", [
    (["--config.variant=nope"], "unknown variant 'nope'"),
    (["--config.data.name=/no/such/folder"], "/no/such/folder"),
    (["--config.train.steps=0"], "steps must be positive"),
    (["--config.train.stepz=5"], 'Did you mean "steps"'),
    (["--config.hparams.no_such_field=1"], "no_such_field"),
])
def test_cli_bad_input_is_one_line_error(tmp_path, args, message):
    result = cli(f"--workdir={tmp_path / 'w'}", *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and message in errors[0], result.stderr[-2000:]


def test_cli_mirrored_strategy_on_logical_cpus_trains_and_checks_the_batch(tmp_path):
    args = ["--config=configs/ns_gan.py:ring8", "--strategy=mirrored",
            "--config.train.steps=2", "--config.train.log_every=2",
            "--config.train.checkpoint_every=2", "--config.train.sample_every=2"]
    good = cli(*args, "--num_cpu_devices=2", f"--workdir={tmp_path / 'two'}")
    assert good.returncode == 0, good.stderr[-2000:]
    assert "(2 replica(s))" in good.stdout
    bad = cli(*args, "--num_cpu_devices=3", f"--workdir={tmp_path / 'three'}")
    assert bad.returncode == 2
    assert "does not divide among 3 replicas" in bad.stderr.splitlines()[-1]


@pytest.mark.parametrize("args", [["--config=configs/no_such_variant.py"],
                                  ["--config=configs/no_such_variant.py:ring8"],
                                  ["--config=configs/no_such_variant.py", "--config.seed=1"],
                                  ["--config=configs/no_such_variant.py:grid25",
                                   "--config.train.steps=3"]])
def test_cli_unknown_config_file_is_a_one_line_error(tmp_path, args):
    result = cli(*args, f"--workdir={tmp_path / 'w'}")
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-2000:]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "cannot load --config" in errors[0]
    assert "no_such_variant.py" in errors[0] and not os.path.exists(tmp_path / "w")


def test_cli_config_file_with_a_syntax_error_is_a_one_line_error(tmp_path):
    (tmp_path / "broken.py").write_text("def get_config(:\n")
    result = cli(f"--config={tmp_path / 'broken.py'}", f"--workdir={tmp_path / 'w'}")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: cannot load --config")


@pytest.mark.parametrize("damage", ["truncate_data", "garble_index"])
def test_cli_corrupt_checkpoint_is_an_error_and_nothing_changes(tmp_path, damage):
    training.train(tiny("ns_gan", "ring8", 2), tmp_path, verbose=0)
    checkpoints = tmp_path / "checkpoints"
    if damage == "truncate_data":
        data_file = next(p for p in checkpoints.iterdir() if ".data-" in p.name)
        data_file.write_bytes(data_file.read_bytes()[:10])
    else:
        (checkpoints / "checkpoint").write_text("this is not a checkpoint index {{{")
    before = _snapshot(tmp_path)
    result = cli("--config=configs/ns_gan.py:ring8", f"--workdir={tmp_path}",
                 "--config.train.steps=4", "--config.networks.width=16",
                 "--config.data.batch_size=8", "--config.train.log_every=2",
                 "--config.train.checkpoint_every=2", "--config.train.sample_every=2")
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert "checkpoint" in result.stderr.splitlines()[-1]
    assert _snapshot(tmp_path) == before


def test_linear_decay_reaches_zero_at_the_last_update_and_bad_decay_is_an_error():
    config = load_config("sngan", "ring8")
    config.optimizer.d.decay = "linear"
    optimizer = optimizers.make_optimizer(config.optimizer.d, updates=10)
    rate = optimizer.learning_rate  # evaluated at the optimizer's iteration count
    assert float(rate) == pytest.approx(config.optimizer.d.learning_rate)
    optimizer.iterations.assign(5)
    assert float(optimizer.learning_rate) == pytest.approx(config.optimizer.d.learning_rate / 2)
    optimizer.iterations.assign(10)
    assert float(optimizer.learning_rate) == 0.0
    config.optimizer.d.decay = "cosine-ish"
    with pytest.raises(UserError, match="unknown learning-rate decay"):
        optimizers.make_optimizer(config.optimizer.d, updates=10)


def test_rmsprop_steps_as_pytorchs_for_the_tiny_gradients_of_a_clipped_critic():
    """lr g / (sqrt(v) + 1e-8), v = rho v + (1 - rho) g^2: the authors' PyTorch RMSProp, which
    Keras' default epsilon (1e-7 inside the root) slows 30x at a gradient of 1e-6."""
    gradients = np.float32([[1e-6, 1e-5, 1e-3], [2e-6, -1e-5, 5e-4], [1e-6, 3e-5, -1e-3]])
    variable = tf.Variable(tf.zeros(3))
    optimizer = optimizers.make_optimizer(config_base.rmsprop(5e-5), updates=3)
    velocity, expected = np.zeros(3), np.zeros(3)
    for g in gradients:
        optimizer.apply([tf.constant(g)], [variable])
        velocity = 0.99 * velocity + 0.01 * g.astype(np.float64) ** 2
        expected -= 5e-5 * g / (np.sqrt(velocity) + 1e-8)
    np.testing.assert_allclose(variable.numpy(), expected, rtol=0.1)
    np.testing.assert_allclose(variable.numpy()[1:], expected[1:], rtol=1e-2)



def test_the_repository_stands_alone():
    """No source, script or document points outside the checkout: at a sibling folder or a
    spec that a user of the package does not have."""
    patterns = ("../" + "shared", "SPEC" + ".md")  # spelt apart, or this file would match
    outside = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not d.startswith(".") or d == ".ci"]
        dirs[:] = [d for d in dirs if d not in ("runs", "__pycache__", "build")]
        for name in files:
            if name.endswith((".py", ".md", ".sh", ".toml", ".txt", ".cfg")) or \
                    folder.endswith(".ci"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                if any(pattern in text for pattern in patterns):
                    outside.append(os.path.relpath(path, ROOT))
    assert not outside, outside
