"""SavedModel export of generators: `serving_default` maps `z` to `images`, or `z` and
`label` (int32 classes) to `images` for a class-conditional run (a variant may add
signatures, `GAN.serving_endpoints`; a semi-supervised model adds `classify`). For a run
that averages G's weights (train.ema_decay) the signatures sample the average, and each
has a twin `<name>_raw` that samples G itself.

The export is written beside its destination and moved into place only when complete, so
a failure never leaves a half-written or missing `saved_model` where a good one stood.
"""
import os
import shutil
import tempfile

import keras
import tensorflow as tf

from tfgan_variants.errors import UserError

SIGNATURE = "serving_default"
#: The suffix of the raw generator's signatures in the export of a run that averages G
#: (`serving_default` is then the average's, `serving_default_raw` G's own).
RAW = "_raw"
#: A semi-supervised model's classifier: images in [-1, 1] -> logits [N, K].
CLASSIFY = "classify"


def export_model(model, path):
    """Writes the generator side of `model` (a `GAN`) as a SavedModel at `path`, with the
    signatures of `model.serving_endpoints()`, replacing an older export atomically."""
    path = os.path.abspath(path)
    parent = os.path.dirname(path)
    staging = tempfile.mkdtemp(prefix=".saved_model-", dir=parent)
    # ExportArchive records the variables so that TF1-style loaders (saved_model_cli run)
    # can restore them, which a plain tf.saved_model.save of a Keras 3 model does not.
    archive = keras.export.ExportArchive()
    averaged = model.averaged_generator
    for network in model.exported_networks + ([] if averaged is None else [averaged]):
        archive.track(network)
    if averaged is not None:
        for name, endpoint in model.serving_endpoints().items():
            if name != CLASSIFY:
                archive.add_endpoint(name=name + RAW, fn=_traced(*endpoint))
    with model.averaged():
        for name, endpoint in model.serving_endpoints().items():
            archive.add_endpoint(name=name, fn=_traced(*endpoint))
    archive.write_out(staging, verbose=False)
    if os.path.exists(path):
        retired = tempfile.mkdtemp(prefix=".saved_model-old-", dir=parent)
        os.replace(path, os.path.join(retired, "saved_model"))
        os.replace(staging, path)
        shutil.rmtree(retired)
    else:
        os.replace(staging, path)
    return path


def _traced(function, input_signature):
    """`function` as a tf.function traced now, so that it captures the networks the model
    holds now (G or its average; ExportArchive would trace later)."""
    traced = tf.function(function, input_signature=input_signature, autograph=False)
    traced.get_concrete_function()
    return traced


def load(path):
    """The SavedModel at `path` (tf.saved_model.load), or a one-line UserError."""
    try:
        return tf.saved_model.load(path)
    except (OSError, IOError, ValueError, tf.errors.OpError) as e:
        raise UserError(f"cannot load a SavedModel from {path}: {type(e).__name__}") from None


def load_generator(path, loaded=None, signature=SIGNATURE):
    """(callable z -> images, latent_dim) of the `signature` of an exported SavedModel
    (`loaded`: the SavedModel at `path`, already loaded); a class-conditional export's
    callable takes the classes too, `sample(z, labels=...)` (`takes_labels`)."""
    loaded = loaded if loaded is not None else load(path)
    if signature not in loaded.signatures:
        hint = (": it was trained without an average of G (train.ema_decay 0), so its "
                f"{SIGNATURE} is the raw G" if signature == SIGNATURE + RAW else "")
        raise UserError(f"cannot load a generator from {path}: no signature {signature}{hint}")
    serve = loaded.signatures[signature]
    latent_dim = serve.structured_input_signature[1]["z"].shape[-1]
    if takes_labels(loaded):
        def sample(z, labels):
            return serve(z=tf.convert_to_tensor(z, tf.float32),
                         label=tf.convert_to_tensor(labels, tf.int32))["images"]
        return sample, latent_dim
    return (lambda z: serve(z=tf.convert_to_tensor(z, tf.float32))["images"]), latent_dim


def takes_labels(loaded):
    """Whether a loaded SavedModel's generator is class-conditional (its `serving_default`
    takes `z` and `label`)."""
    return "label" in loaded.signatures[SIGNATURE].structured_input_signature[1]


def load_classifier(path, loaded=None):
    """The `classify` signature of an exported SavedModel as a callable images -> logits,
    or None when it has none (`loaded`: the SavedModel at `path`, already loaded)."""
    loaded = loaded if loaded is not None else load(path)
    if CLASSIFY not in loaded.signatures:
        return None
    serve = loaded.signatures[CLASSIFY]
    return lambda images: serve(images=tf.convert_to_tensor(images, tf.float32))["logits"]
