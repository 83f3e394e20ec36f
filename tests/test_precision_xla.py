"""Mixed precision and XLA: finite losses and samples, and the checkpoint of a float32 run."""
import numpy as np
import pytest
import tensorflow as tf

from helpers import tiny
from tfgan_variants import training


def _checkpoint_format(run):
    """{variable name: (shape, dtype)} of the run's newest checkpoint."""
    reader = tf.train.load_checkpoint(run.checkpoints.manager.latest_checkpoint)
    dtypes = reader.get_variable_to_dtype_map()
    return {name: (tuple(shape), dtypes[name])
            for name, shape in reader.get_variable_to_shape_map().items()
            if name != "_CHECKPOINTABLE_OBJECT_GRAPH"}


@pytest.fixture(scope="module")
def float32_format(tmp_path_factory):
    run = training.train(tiny("wgan_gp", "fashion_mnist", 2),
                         tmp_path_factory.mktemp("float32"), verbose=0)
    return _checkpoint_format(run)


@pytest.mark.parametrize("precision,jit_compile", [
    ("mixed_float16", False), ("mixed_bfloat16", False), ("float32", True)])
def test_precision_and_xla_train_finite_and_write_the_float32_checkpoint(
        tmp_path, float32_format, precision, jit_compile):
    """WGAN-GP on images (convolutions, the double backprop of the penalty, n_critic 5)."""
    config = tiny("wgan_gp", "fashion_mnist", 2)
    config.train.update({"precision": precision, "jit_compile": jit_compile})
    run = training.train(config, tmp_path, verbose=0)
    assert run.step == 2
    losses = {name: float(t.result()) for name, t in run.model.trackers.items()}
    assert all(np.isfinite(v) for v in losses.values()), losses
    samples = run.summaries.samples(8)
    assert samples.dtype == np.float32 and np.all(np.isfinite(samples))
    assert run.model.generator.compute_dtype == precision.replace("mixed_", "")
    written = _checkpoint_format(run)
    assert {name: written.get(name) for name in float32_format} == float32_format
    # Beyond those, only the state of the loss-scale optimizers the model holds.
    extra = set(written) - set(float32_format)
    assert all(name.split("/")[:2] in (["model", "g_optimizer"], ["model", "d_optimizer"],
                                       ["model", "optimizer"]) for name in extra), extra
    assert bool(extra) == (precision == "mixed_float16")
    if precision == "mixed_float16":
        assert run.model.g_optimizer.__class__.__name__ == "LossScaleOptimizer"
    # A float32 run of the same workdir resumes from it.
    config.train.update({"precision": "float32", "jit_compile": False, "steps": 3})
    resumed = training.train(config, tmp_path, verbose=0)
    assert resumed.restored_from.endswith("ckpt-2") and resumed.step == 3


def test_sn_layers_keep_float32_weights_under_mixed_precision(tmp_path):
    config = tiny("sngan", "ring8", 2)
    config.train.precision = "mixed_bfloat16"
    run = training.train(config, tmp_path, verbose=0)
    assert {v.dtype for v in run.model.discriminator.weights} == {"float32"}
    assert np.all(np.isfinite(run.summaries.samples(8)))


def test_unknown_precision_is_a_user_error(tmp_path):
    config = tiny("ns_gan", "ring8", 2)
    config.train.precision = "float8"
    with pytest.raises(training.UserError, match="unknown --config.train.precision"):
        training.train(config, tmp_path, verbose=0)
