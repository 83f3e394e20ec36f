"""The optimizers of a config block (`config.optimizer.g`, `.d`), their learning-rate schedules,
and the form a checkpoint stores them in."""
import keras
import tensorflow as tf

from tfgan_variants.errors import UserError

OPTIMIZERS = {"adam": keras.optimizers.Adam, "rmsprop": keras.optimizers.RMSprop,
              "adamax": keras.optimizers.Adamax, "sgd": keras.optimizers.SGD}
DECAYS = ("none", "linear")


@keras.saving.register_keras_serializable(package="tfgan_variants")
class ScaledLearningRate(keras.optimizers.schedules.LearningRateSchedule):
    """A learning rate (a float or a schedule) times a scalar variable that the model
    changes as it trains (`GAN.learning_rate_scale`).

    Serialised, the scale is its current value: an optimizer rebuilt from its config
    (`from_config`) applies the learning rate of the moment, frozen at that scale.
    """

    def __init__(self, learning_rate, scale):
        self.learning_rate = learning_rate
        self.scale = scale

    def __call__(self, step):
        rate = self.learning_rate
        if isinstance(rate, keras.optimizers.schedules.LearningRateSchedule):
            rate = rate(step)
        return tf.cast(rate, tf.float32) * tf.cast(self.scale, tf.float32)

    def get_config(self):
        rate = self.learning_rate
        if isinstance(rate, keras.optimizers.schedules.LearningRateSchedule):
            rate = keras.optimizers.schedules.serialize(rate)
        return {"learning_rate": rate, "scale": float(keras.ops.convert_to_numpy(self.scale))}

    @classmethod
    def from_config(cls, config):
        rate = config["learning_rate"]
        if isinstance(rate, dict):
            rate = keras.optimizers.schedules.deserialize(rate)
        return cls(rate, config["scale"])


def check(config):
    """Raises UserError for an optimizer block that names no optimizer or decay of ours."""
    if config.name not in OPTIMIZERS:
        raise UserError(f"unknown optimizer {config.name!r}; choose one of {sorted(OPTIMIZERS)}")
    if config.get("decay", "none") not in DECAYS:
        raise UserError(f"unknown learning-rate decay {config.decay!r}; use 'none' or 'linear'")


def make_optimizer(config, updates, scale=None):
    """The optimizer of `config`; with `decay: linear` its learning rate falls linearly to 0
    over `updates` applications (SN-GAN's schedule, Miyato et al. 2018, Appendix B). A
    `scale` variable multiplies the learning rate (`ScaledLearningRate`)."""
    check(config)
    kwargs = {k: v for k, v in config.items() if k not in ("name", "decay")}
    if config.get("decay", "none") == "linear":
        kwargs["learning_rate"] = keras.optimizers.schedules.PolynomialDecay(
            kwargs["learning_rate"], decay_steps=updates, end_learning_rate=0.0)
    if scale is not None:
        kwargs["learning_rate"] = ScaledLearningRate(kwargs["learning_rate"], scale)
    return OPTIMIZERS[config.name](**kwargs)


def checkpointed(optimizer):
    """The optimizer as a checkpoint holds it: a loss-scale optimizer's inner optimizer, so
    that float32 and mixed_float16 runs store weights and slots under the same names (the
    loss scale's own state is saved beside them, through the model)."""
    return getattr(optimizer, "inner_optimizer", optimizer)
