"""The callback that keeps a run's schedule between graph calls, keyed on the true training
step (not Keras' epoch-local batch): the divergence guard's verdict, TensorBoard scalars,
sample grids, checkpoints, evaluations, and the stop."""
import time

import keras

from tfgan_variants import distribution
from tfgan_variants.errors import UserError


class TrainingDiverged(UserError):
    """A loss became NaN or Inf; training stopped with the last good checkpoint kept."""


class TrainingMonitor(keras.callbacks.Callback):
    """Acts on `run` (a `training.Run`) after each call into the graph, whose steps end on a
    multiple of every interval it keeps (`Run.steps_per_execution`)."""

    def __init__(self, run, total_steps):
        super().__init__()
        self.run = run
        self.total_steps = total_steps
        self._last_time = time.time()
        self._last_step = None

    def on_train_batch_end(self, batch, logs=None):
        run, step = self.run, int(self.model.step.numpy())
        divergence = self.model.guard.result()
        if divergence is not None:  # before anything is saved: the last checkpoint is good
            self.model.stop_training = True
            raise TrainingDiverged(f"{divergence}; training stopped; last good checkpoint: "
                                   f"{run.checkpoints.latest or 'none yet'}")
        if logs:  # in place, so that the progress bar after this callback prints floats
            logs.update(distribution.logged_floats(logs))
        train, done = run.config.train, step >= self.total_steps
        if step % train.log_every == 0 or done:
            rate = self._steps_per_second(step)
            if run.summaries:
                run.summaries.scalars(step, dict(logs or {}), rate)
        if (step % train.sample_every == 0 or done) and run.summaries:
            run.summaries.write_samples(step)
        if step % train.checkpoint_every == 0 or done:
            run.checkpoints.save(step)
        if run.config.eval.every and step % run.config.eval.every == 0:
            run.evaluate(step)
        if done:
            self.model.stop_training = True

    def _steps_per_second(self, step):
        now = time.time()
        rate = None
        if self._last_step is not None and step > self._last_step:
            rate = (step - self._last_step) / (now - self._last_time)
        self._last_time, self._last_step = now, step
        return rate
