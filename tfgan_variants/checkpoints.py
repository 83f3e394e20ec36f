"""A run's tf.train checkpoints: the newest `keep` in checkpoints/, and the one of the lowest
FID in best_checkpoint/.

A checkpoint holds G, D, both optimizers and the model (its step counter, the variants'
state, a loss scale), and G's average when the run keeps one. Under several workers every worker takes part in a save; only the
chief's copy is kept, the others write to scratch folders removed after each save. Every
worker resumes from the chief's checkpoints (a shared file system, as Keras' BackupAndRestore
assumes). A checkpoint that cannot be read is an error and is never deleted.
"""
import os

import tensorflow as tf

from tfgan_variants import distribution, optimizers
from tfgan_variants.errors import UserError


class Checkpoints:
    """The checkpoints of `model` in `workdir` (a `workdir.Workdir`)."""

    def __init__(self, model, workdir, strategy, keep):
        self.chief = distribution.is_chief(strategy)
        self._task = None if self.chief else distribution.task_id(strategy)
        self.workdir = workdir
        averaged = ({} if model.averaged_generator is None
                    else {"averaged_generator": model.averaged_generator})
        self.checkpoint = tf.train.Checkpoint(
            generator=model.generator, discriminator=model.discriminator,
            g_optimizer=optimizers.checkpointed(model.g_optimizer),
            d_optimizer=optimizers.checkpointed(model.d_optimizer),
            model=model, **averaged)
        os.makedirs(workdir.checkpoints, exist_ok=True)
        self.manager = tf.train.CheckpointManager(self.checkpoint, self._folder("checkpoints"),
                                                  max_to_keep=keep)

    def _folder(self, name):
        path = getattr(self.workdir, name)
        return path if self.chief else self.workdir.scratch(name, self._task)

    @property
    def latest(self):
        return self.manager.latest_checkpoint

    def restore_latest(self):
        """Restores the chief's newest checkpoint, if any; returns its path or None."""
        manager = self.manager if self.chief else tf.train.CheckpointManager(
            self.checkpoint, self.workdir.checkpoints, max_to_keep=None)
        return restore_latest(manager, self.checkpoint)

    def save(self, step):
        return self._save(self.manager, step)

    def save_best(self, step):
        """Replaces best_checkpoint/'s checkpoint with the state of now, step `step`."""
        manager = tf.train.CheckpointManager(self.checkpoint, self._folder("best_checkpoint"), 1)
        return self._save(manager, step)

    def _save(self, manager, step):
        path = manager.save(checkpoint_number=step)
        if not self.chief:
            tf.io.gfile.rmtree(manager.directory)
        return path


def restore_latest(manager, checkpoint):
    """Restores the newest checkpoint of `manager`, if any; a corrupt one is an error."""
    path = manager.latest_checkpoint
    if path is None:  # also when the index file is unreadable
        if os.listdir(manager.directory):
            raise UserError(f"{manager.directory} holds files but no readable checkpoint index; "
                            "move them away or use a new --workdir")
        return None
    try:
        # Every object of `checkpoint` must be in the file; the file may hold more (a tool
        # restoring G and D alone), which is not worth a warning per optimizer slot.
        checkpoint.restore(path).assert_existing_objects_matched().expect_partial()
    except Exception as e:  # noqa: BLE001 - any failure to read it means it is unusable
        reason = str(e).strip().splitlines()[0][:160] if str(e).strip() else type(e).__name__
        raise UserError(f"checkpoint {path} is corrupt or from another model ({reason}); "
                        "nothing was changed: move it away or use a new --workdir") from None
    return path
