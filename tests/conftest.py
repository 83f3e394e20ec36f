"""Test setup: a TensorFlow backend for Keras, two logical CPU devices, quiet logs."""
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

# Two logical CPUs let the distribution tests build a 2-replica MirroredStrategy.
# This must happen before TensorFlow initialises its devices, i.e. at collection time.
_cpus = tf.config.list_physical_devices("CPU")
tf.config.set_logical_device_configuration(
    _cpus[0], [tf.config.LogicalDeviceConfiguration()] * 2)


import functools  # noqa: E402


@functools.cache
def mirrored_strategy():
    """One 2-replica MirroredStrategy per test session: several strategies in one process
    reuse collective instance keys and abort each other's all-reduces."""
    return tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _op_determinism_stays_within_its_test():
    """`train.deterministic` changes process-wide settings; keep them to one test."""
    yield
    from tensorflow.python.framework import config as framework_config
    framework_config.disable_op_determinism()
    from tfgan_variants import build
    tf.config.optimizer.set_experimental_options(
        {name: True for name in build.NONDETERMINISTIC_GRAPH_PASSES})
