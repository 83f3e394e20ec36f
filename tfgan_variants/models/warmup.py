"""The critic warm-up of the WGAN authors' code (Arjovsky et al. 2017, main.py), which the
MMD GAN authors' code (Li et al. 2017, mmd_gan.py) keeps: 100 critic updates before each of
the first 25 generator updates and before every 500th, n_critic before the others.

The number of updates in a training step is fixed (a number that varies with the step would
put optimizer updates, which are synchronisation points, inside control flow, which
MirroredStrategy cannot trace). So such a generator iteration is run as ceil(100 / n_critic)
training steps of n_critic critic updates (`warmup_skips_generator`), and the generator update
of all but the last is undone: G's weights and optimizer slots are restored. Every critic
update gets its own slice of real data, as in the authors' loops. The approximation: the
skipped steps still pay for a generator forward and backward pass, and `train.steps` counts
training steps, so a run makes fewer generator updates than steps (19 fewer per warm-up
iteration at n_critic 5; `critic_only_steps` counts them, and the benchmarks add them to the
budget).
"""
import dataclasses

import tensorflow as tf

from tfgan_variants.models.base import GAN


def warmup_skips_generator(step, n_critic, first=25, every=500, critic_updates=100):
    """Whether training step `step` (a tensor) only trains the critic, in the warm-up.

    The authors' schedule gives generator iteration g `critic_updates` critic updates if
    g < first or g % every == 0, else n_critic. Such an iteration spans
    r = ceil(critic_updates / n_critic) training steps of n_critic updates each, and only the
    last of them updates the generator: steps [0, first r) are the first iterations, then
    `every - first` ordinary steps, then cycles of r - 1 critic-only steps and `every`
    steps with a generator update.
    """
    r = -(-critic_updates // n_critic)
    step = tf.cast(step, tf.int64)
    periodic_start = first * r + every - first  # the step of generator iteration `every`
    in_first = (step < first * r) & (step % r < r - 1)
    in_periodic = (step >= periodic_start) & ((step - periodic_start) % (r - 1 + every) < r - 1)
    return in_first | in_periodic


class CriticWarmup(GAN):
    """A GAN whose `critic_warmup=True` runs the authors' warm-up schedule (module docstring)."""

    def __init__(self, *args, critic_warmup=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.critic_warmup = bool(critic_warmup)

    @classmethod
    def critic_only_steps(cls, steps, hparams):
        if not cls.hparam(hparams, "critic_warmup"):
            return 0
        skips = warmup_skips_generator(tf.range(steps), cls.hparam(hparams, "n_critic"))
        return int(tf.reduce_sum(tf.cast(skips, tf.int32)))

    def generator_update(self):
        update = super().generator_update()
        if not self.critic_warmup:
            return update
        return dataclasses.replace(
            update, skip=lambda: warmup_skips_generator(self.step, self.n_critic))
