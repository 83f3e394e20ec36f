"""SavedModel export of generators: `serving_default` maps `z` to `images`.

The export is written beside its destination and moved into place only when complete, so
a failure never leaves a half-written or missing `saved_model` where a good one stood.
"""
import os
import shutil
import tempfile

import tensorflow as tf

from tfgan_variants.errors import UserError

SIGNATURE = "serving_default"


class _Sampler(tf.Module):
    def __init__(self, generator, latent_dim):
        super().__init__()
        self.generator = generator
        self.latent_dim = latent_dim
        self.serve = tf.function(
            self._serve, input_signature=[tf.TensorSpec([None, latent_dim], tf.float32, "z")])

    def _serve(self, z):
        return {"images": tf.cast(self.generator(z, training=False), tf.float32)}


def export_generator(generator, latent_dim, path):
    """Writes `generator` as a SavedModel at `path` (replacing an older export atomically)."""
    path = os.path.abspath(path)
    parent = os.path.dirname(path)
    staging = tempfile.mkdtemp(prefix=".saved_model-", dir=parent)
    sampler = _Sampler(generator, latent_dim)
    tf.saved_model.save(sampler, staging, signatures={SIGNATURE: sampler.serve})
    if os.path.exists(path):
        retired = tempfile.mkdtemp(prefix=".saved_model-old-", dir=parent)
        os.replace(path, os.path.join(retired, "saved_model"))
        os.replace(staging, path)
        shutil.rmtree(retired)
    else:
        os.replace(staging, path)
    return path


def load_generator(path):
    """(callable z -> images, latent_dim) from an exported SavedModel."""
    try:
        loaded = tf.saved_model.load(path)
        serve = loaded.signatures[SIGNATURE]
    except (OSError, IOError, ValueError, KeyError, tf.errors.OpError) as e:
        raise UserError(f"cannot load a generator SavedModel from {path}: "
                        f"{type(e).__name__}") from None
    latent_dim = serve.structured_input_signature[1]["z"].shape[-1]
    return (lambda z: serve(z=tf.convert_to_tensor(z, tf.float32))["images"]), latent_dim
