"""Several machines, simulated on localhost: two `train.py` processes under
MultiWorkerMirroredStrategy (TF_CONFIG), against one process with two mirrored replicas."""
import json
import os
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow as tf

from helpers import ROOT

STEPS = 60
ARGS = ["--config=configs/ns_gan.py:ring8", f"--config.train.steps={STEPS}",
        "--config.train.log_every=10", "--config.train.checkpoint_every=10",
        "--config.train.sample_every=30", "--config.eval.every=0",
        "--config.train.keep_checkpoints=10"]


def _free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("localhost", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def _start_workers(workdir, ports):
    cluster = {"worker": [f"localhost:{port}" for port in ports]}
    jobs = []
    for index in range(len(ports)):
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3",
                   TF_CONFIG=json.dumps({"cluster": cluster,
                                         "task": {"type": "worker", "index": index}}))
        log = open(os.path.join(workdir, f"worker-{index}.log"), "a")
        jobs.append(subprocess.Popen(
            [sys.executable, os.path.join(ROOT, "train.py"), "--strategy=multi_worker",
             f"--workdir={workdir}", *ARGS], cwd=ROOT, env=env, stdout=log,
            stderr=subprocess.STDOUT))
    return jobs


def _wait(jobs, timeout=900):
    deadline = time.time() + timeout
    for job in jobs:
        job.wait(timeout=max(1, deadline - time.time()))
    return [job.returncode for job in jobs]


def _weights(workdir, step):
    """G's and D's weights in checkpoint `step` (as the optimizers track them)."""
    reader = tf.train.load_checkpoint(os.path.join(workdir, "checkpoints", f"ckpt-{step}"))
    names = sorted(name for name in reader.get_variable_to_shape_map()
                   if "optimizer/_trainable_variables/" in name)
    assert names
    return [reader.get_tensor(name) for name in names]


def _log(workdir, index):
    with open(os.path.join(workdir, f"worker-{index}.log")) as f:
        return f.read()


@pytest.mark.slow
def test_two_workers_match_two_mirrored_replicas_and_resume_after_a_sigkill(tmp_path):
    mirrored = subprocess.run(
        [sys.executable, os.path.join(ROOT, "train.py"), "--strategy=mirrored",
         "--num_cpu_devices=2", f"--workdir={tmp_path / 'mirrored'}", *ARGS],
        cwd=ROOT, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"), capture_output=True,
        text=True, timeout=900)
    assert mirrored.returncode == 0, mirrored.stderr[-2000:]

    straight = tmp_path / "workers"
    straight.mkdir()
    codes = _wait(_start_workers(straight, _free_ports(2)))
    assert codes == [0, 0], _log(straight, 0)[-2000:] + _log(straight, 1)[-2000:]
    assert f"done: step {STEPS}" in _log(straight, 0)
    for step in (10, STEPS):
        for a, b in zip(_weights(tmp_path / "mirrored", step),
                        _weights(straight, step)):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)

    # Kill the non-chief worker after the second checkpoint; the chief cannot go on alone,
    # so stop it too, then run both again with the same command.
    killed = tmp_path / "killed"
    killed.mkdir()
    jobs = _start_workers(killed, _free_ports(2))
    deadline = time.time() + 600
    while tf.train.latest_checkpoint(str(killed / "checkpoints")) is None or \
            int(tf.train.latest_checkpoint(str(killed / "checkpoints")).rsplit("-", 1)[1]) < 20:
        assert time.time() < deadline and jobs[0].poll() is None, _log(killed, 0)[-2000:]
        time.sleep(0.05)
    jobs[1].send_signal(signal.SIGKILL)
    jobs[0].send_signal(signal.SIGKILL)
    _wait(jobs)
    saved = int(tf.train.latest_checkpoint(str(killed / "checkpoints")).rsplit("-", 1)[1])
    assert 20 <= saved < STEPS
    codes = _wait(_start_workers(killed, _free_ports(2)))
    assert codes == [0, 0], _log(killed, 0)[-2000:] + _log(killed, 1)[-2000:]
    assert f"steps {saved} -> {STEPS}" in _log(killed, 0)
    assert f"done: step {STEPS}" in _log(killed, 0)
    for a, b in zip(_weights(straight, STEPS), _weights(killed, STEPS)):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
