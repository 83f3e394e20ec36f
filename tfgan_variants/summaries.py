"""What the chief writes for people to look at as a run trains: TensorBoard scalars, sample
grids of a fixed latent batch (PNG and TensorBoard), each variant's extra pictures, and the
evaluations."""
import math
import os

import tensorflow as tf

from tfgan_variants import data, models, visualize

FLOAT32_MAX = float(tf.float32.max)  # as a Python float: a float32 would cast the value


def fixed_latent(config, count):
    """The same z for every sample grid of a run, so grids over time are comparable."""
    return tf.random.stateless_normal([count, config.latent_dim], seed=[config.seed, 7])


def class_grid_inputs(config, num_classes):
    """(z, labels) of a conditional run's sample grid: one row per class, about
    num_samples_grid samples in all, each column one z asked for every class (so a column
    shows what the class changes at a fixed z)."""
    columns = max(1, config.train.num_samples_grid // num_classes)
    z = tf.tile(fixed_latent(config, columns), [num_classes, 1])
    return z, tf.repeat(tf.range(num_classes, dtype=tf.int32), columns), columns


class Summaries:
    """The chief's outputs of a run (see the module doc).

    Args:
        config: the run's config. info: `data.describe` of its data. model: the `GAN`.
        workdir: the run's `workdir.Workdir`. load_real: `load_real(batch_size)`, the run's
            data as batches, for the fixed real batch of the variants' pictures.
    """

    def __init__(self, config, info, model, workdir, load_real):
        self.config, self.info, self.model, self.workdir = config, info, model, workdir
        self._load_real = load_real
        self._fixed_real = None
        self.writer = tf.summary.create_file_writer(workdir.tensorboard)

    def config_text(self):
        with self.writer.as_default(step=0):
            tf.summary.text("config", "```\n" + self.config.to_json(indent=2) + "\n```")

    def scalars(self, step, values, steps_per_second=None):
        """{name: float} at `step`, and the training speed when known."""
        with self.writer.as_default(step=step):
            for name, value in values.items():
                tf.summary.scalar(name, value)
            if steps_per_second:
                tf.summary.scalar("steps_per_second", steps_per_second)
        self.writer.flush()

    def evaluation(self, step, result):
        """The numbers of an evaluation that a float32 scalar holds, as `eval/<metric>`: a
        generator gone far off the data gives KIDs past float32's range (1e44 on grid25),
        which TensorBoard's summary would refuse; eval.jsonl keeps them all."""
        self.scalars(step, {f"eval/{name}": value for name, value in result.items()
                            if name not in ("step", "num_samples", "seconds")
                            and isinstance(value, (int, float)) and math.isfinite(value)
                            and abs(value) <= FLOAT32_MAX})

    def samples(self, count=None):
        """G's samples of the fixed latent batch."""
        z = fixed_latent(self.config, count or self.config.train.num_samples_grid)
        return self.model.generate(z).numpy()

    def sample_picture(self, step):
        """The grid of the fixed z (the averaged G's, when the run keeps an average)."""
        with self.model.averaged():
            return self._sample_picture(step)

    def _sample_picture(self, step):
        if self.model.conditional_classes:
            z, labels, columns = class_grid_inputs(self.config, self.model.conditional_classes)
            return visualize.image_grid(self.model.generate(z, labels=labels).numpy(),
                                        columns=columns)
        samples = self.samples()
        if self.info.is_2d:
            centers = data.mixture_centers(self.config.data.name)
            return visualize.scatter_plot(samples, centers,
                                          f"{self.config.variant}, step {step}")
        return visualize.image_grid(samples)

    def fixed_real(self):
        """The same batch of data at every sample step, for the variants' extra pictures."""
        if self._fixed_real is None:
            self._fixed_real = next(iter(self._load_real(self.config.train.num_samples_grid)))
            if isinstance(self._fixed_real, tuple):   # (images, labels) of a conditional run
                self._fixed_real = self._fixed_real[0]
        return self._fixed_real

    def write_samples(self, step):
        """samples/step_<step>.png (the grid of the fixed z), plus samples/<name>_step_<step>.png
        for each of the variant's extra pictures (`GAN.pictures`), also in TensorBoard;
        returns the grid's path."""
        pictures = {"samples": self.sample_picture(step)}
        if type(self.model).pictures is not models.GAN.pictures:
            pictures.update(self.model.pictures(self.fixed_real(), self.info.is_2d))
        for name, picture in pictures.items():
            prefix = "" if name == "samples" else f"{name}_"
            visualize.save_png(picture, os.path.join(self.workdir.samples,
                                                     f"{prefix}step_{step:07d}.png"))
            with self.writer.as_default(step=step):
                tf.summary.image(name, picture[None], max_outputs=1)
        return os.path.join(self.workdir.samples, f"step_{step:07d}.png")
