"""Evaluation of a trained run: samples from the exported generator, scored by `metrics`.

This first version scores 2-D mixtures (mode coverage, PacGAN's protocol); image metrics
(FID, KID, IS, precision/recall on classifier features) build on it.
"""
import json
import os

import ml_collections
import numpy as np
import tensorflow as tf

from tfgan_variants import data, export, metrics
from tfgan_variants.errors import UserError


def load_run_config(workdir):
    path = os.path.join(workdir, "config.json")
    if not os.path.isdir(workdir):
        raise UserError(f"workdir {workdir} does not exist")
    if not os.path.exists(path):
        raise UserError(f"{workdir} holds no training run (no config.json)")
    try:
        with open(path) as f:
            return ml_collections.ConfigDict(json.load(f))
    except (OSError, ValueError) as e:
        raise UserError(f"{path} is unreadable: {e}") from None


def generate(sample, latent_dim, num_samples, seed=0, batch_size=500):
    """num_samples generator outputs for a fixed, seeded z."""
    outputs = []
    for start in range(0, num_samples, batch_size):
        count = min(batch_size, num_samples - start)
        z = tf.random.stateless_normal([count, latent_dim], seed=[seed, start])
        outputs.append(np.asarray(sample(z)))
    return np.concatenate(outputs)


def evaluate_workdir(workdir, num_samples=2500, seed=0):
    """Metrics of the generator exported in `workdir`, as a JSON-ready dict."""
    config = load_run_config(workdir)
    sample, latent_dim = export.load_generator(os.path.join(workdir, "saved_model"))
    name = config.data.name
    if name not in data.DATASETS_2D:
        raise UserError(f"image metrics for {name!r} are not available yet; this version "
                        f"evaluates the 2-D mixtures {data.DATASETS_2D}")
    points = generate(sample, latent_dim, num_samples, seed)
    if points.shape[1:] != (2,):
        raise UserError(f"the generator makes samples of shape {points.shape[1:]}, "
                        f"not the 2-D points of {name}")
    result = metrics.mode_coverage(points, data.mixture_centers(name), data.mixture_std(name))
    result.update({"num_samples": int(num_samples), "dataset": name,
                   "variant": config.variant})
    return result
