"""The divergence guard: which loss first became NaN or Inf, and in which step.

Every update checks its losses before it is applied (`GAN.apply_update`). The first
non-finite one is recorded in two variables, kept for the rest of the run, which the driver
reads between graph calls (`Divergence`, `DivergenceGuard.result`) to stop training before
anything is saved: the last checkpoint stays the last good state. The variables are not part
of the model's checkpoint.
"""
import dataclasses

import tensorflow as tf

from tfgan_variants import replicas


@dataclasses.dataclass(frozen=True)
class Divergence:
    """The loss `loss` of training step `step` (counted from 1) was NaN or Inf."""

    loss: str
    step: int

    def __str__(self):
        return f"{self.loss} became NaN or Inf in step {self.step}"


class DivergenceGuard:
    """Records the first `Divergence` of a run (see the module doc).

    The flags are summed over replicas before they are recorded, so every replica writes the
    same value, whichever replica saw the NaN. Loss names get their index as the step is
    traced; a traced step checks the same names in the same order every time.
    """

    def __init__(self):
        self.names = []
        options = dict(dtype=tf.int64, trainable=False,
                       aggregation=tf.VariableAggregation.ONLY_FIRST_REPLICA)
        self._step = tf.Variable(0, name="diverged_step", **options)  # 0: none yet
        self._loss = tf.Variable(0, name="diverged_loss", **options)

    def _index(self, name):
        if name not in self.names:
            self.names.append(name)
        return self.names.index(name)

    def check(self, losses, step):
        """Records {name: loss} of training step `step` (from 1) if any loss is not finite
        on any replica and nothing was recorded before."""
        indices = tf.constant([self._index(name) for name in losses], tf.int64)
        bad = tf.stack([tf.reduce_any(~tf.math.is_finite(loss)) for loss in losses.values()])
        bad = replicas.global_total(tf.cast(bad, tf.float32)) > 0
        first = tf.gather(indices, tf.argmax(tf.cast(bad, tf.int32)))
        record = tf.equal(self._step, 0) & tf.reduce_any(bad)
        self._step.assign(tf.where(record, tf.cast(step, tf.int64), self._step))
        self._loss.assign(tf.where(record, first, self._loss))

    def result(self):
        """The recorded `Divergence`, or None."""
        step = int(self._step.numpy())
        return Divergence(self.names[int(self._loss.numpy())], step) if step else None
