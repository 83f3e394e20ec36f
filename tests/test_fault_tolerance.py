"""Fault tolerance: the divergence guard, a SIGKILL at a random moment, and atomic saves."""
import os
import random
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow as tf

from helpers import ROOT, cli, tiny
from tfgan_variants import data, training


def _poison(monkeypatch, batch_index):
    """Makes the training data of every run in this test NaN in batch `batch_index` (counted
    from the run's start)."""
    load = data.load

    def poisoned(*args, **kwargs):
        batches = load(*args, **kwargs).enumerate()
        return batches.map(lambda i, x: tf.where(tf.equal(i, batch_index), np.nan, x))

    monkeypatch.setattr(data, "load", poisoned)


def test_nan_in_the_data_stops_within_the_step_and_keeps_the_last_checkpoint(tmp_path,
                                                                             monkeypatch):
    _poison(monkeypatch, batch_index=5)
    config = tiny("wgan_gp", "ring8", 12)
    config.train.update({"log_every": 2, "sample_every": 2, "checkpoint_every": 4})
    with pytest.raises(training.TrainingDiverged, match=r"d_loss became NaN or Inf in step 6"):
        training.train(config, tmp_path, verbose=0)
    monkeypatch.undo()
    resumed = training.Run(config, tmp_path)
    assert resumed.restored_from.endswith("ckpt-4") and resumed.step == 4
    for variable in resumed.model.variables:
        assert np.all(np.isfinite(variable.numpy()))


def test_nan_guard_on_the_command_line_is_a_one_line_error(tmp_path):
    """A NaN learning rate makes D's weights NaN in the first update, so the next loss
    computed with them (D's second update's at the 2-D n_critic 2, else G's) is NaN: exit
    status non-zero, one line on stderr, no export."""
    result = cli("--config=configs/ns_gan.py:ring8", f"--workdir={tmp_path}",
                 "--config.train.steps=4", "--config.train.log_every=1",
                 "--config.train.checkpoint_every=1", "--config.data.batch_size=8",
                 "--config.optimizer.d.learning_rate=nan")
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert re.search(r"\b[dg]_loss became NaN or Inf in step 1;", errors[0]), errors[0]
    assert not os.path.exists(tmp_path / "saved_model")


def _tensorboard_steps(workdir, tag="d_loss"):
    """{event file: sorted steps of `tag`} in the run's TensorBoard folder."""
    steps = {}
    folder = os.path.join(workdir, "tensorboard")
    for name in sorted(os.listdir(folder)):
        found = []
        for event in tf.compat.v1.train.summary_iterator(os.path.join(folder, name)):
            found += [event.step for value in event.summary.value if value.tag == tag]
        steps[name] = sorted(found)
    return steps


def test_sigkill_at_a_random_moment_then_the_same_command_resumes(tmp_path):
    """SIGKILL some time after the first checkpoint (a save may be under way); the same
    command resumes at the newest checkpoint, not step 0, reaches the asked step count, and
    TensorBoard's step axis goes on from there. At most keep_checkpoints checkpoints stay."""
    args = [sys.executable, os.path.join(ROOT, "train.py"), "--config=configs/ns_gan.py:ring8",
            f"--workdir={tmp_path}", "--config.train.steps=3000",
            "--config.train.log_every=50", "--config.train.checkpoint_every=100",
            "--config.train.keep_checkpoints=2", "--config.eval.every=0"]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    job = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    index = tmp_path / "checkpoints" / "checkpoint"
    deadline = time.time() + 300
    while not index.exists() and job.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    assert job.poll() is None, "the run ended before it could be killed"
    time.sleep(random.Random().uniform(0.0, 2.0))
    job.send_signal(signal.SIGKILL)
    job.wait()
    saved = tf.train.latest_checkpoint(str(tmp_path / "checkpoints"))
    killed_at = int(saved.rsplit("-", 1)[1])
    assert killed_at >= 100

    rerun = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert f"steps {killed_at} -> 3000" in rerun.stdout and "done: step 3000" in rerun.stdout
    assert os.path.isdir(tmp_path / "saved_model")
    kept = [name for name in os.listdir(tmp_path / "checkpoints") if name.endswith(".index")]
    assert sorted(kept) == ["ckpt-2900.index", "ckpt-3000.index"]
    before, after = _tensorboard_steps(tmp_path).values()
    assert before[0] == 50 and after[0] == killed_at + 50 and after[-1] == 3000
