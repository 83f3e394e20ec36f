"""A run's directory: its layout, and the check that it holds this run and no other.

    config.json       the configuration the run was started with
    checkpoints/      tf.train checkpoints: step, G, D, optimizer slots, SN vectors, BN stats
    best_checkpoint/  the checkpoint of the lowest FID so far, and best.json
    eval.jsonl        the evaluations made during training
    tensorboard/      scalars, sample images, the config as text
    samples/          sample grids (or 2-D scatter plots) as PNG, one per sample_every steps
    saved_model/      the exported generator (serving_default: z -> images)
"""
import json
import os

from tfgan_variants import files
from tfgan_variants.errors import UserError


class Workdir:
    """Paths and guarded I/O of a run's directory."""

    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.checkpoints = os.path.join(self.path, "checkpoints")
        self.tensorboard = os.path.join(self.path, "tensorboard")
        self.samples = os.path.join(self.path, "samples")
        self.saved_model = os.path.join(self.path, "saved_model")
        self.eval_log = os.path.join(self.path, "eval.jsonl")
        self.best_checkpoint = os.path.join(self.path, "best_checkpoint")
        self.best_file = os.path.join(self.best_checkpoint, "best.json")
        self.config_file = os.path.join(self.path, "config.json")

    def scratch(self, name, task):
        """A folder of worker `task`'s own, for what only the chief keeps."""
        return os.path.join(self.path, f".worker-{task}-{name}")

    def prepare(self, config):
        """Creates the directories; refuses a workdir that holds a different run."""
        if os.path.exists(self.path) and not os.path.isdir(self.path):
            raise UserError(f"workdir {self.path} exists and is not a directory")
        if os.path.exists(self.config_file):
            try:
                with open(self.config_file) as f:
                    previous = json.load(f)
            except (OSError, ValueError):
                raise UserError(f"{self.config_file} is unreadable; use a new --workdir") from None
            for key in ("variant", "latent_dim"):
                if previous.get(key) != config[key]:
                    raise UserError(f"workdir {self.path} holds a run with {key}="
                                    f"{previous.get(key)!r}, not {config[key]!r}; "
                                    "use a new --workdir")
            for block in ("data", "networks"):
                for key, value in previous.get(block, {}).items():
                    if key in config[block] and config[block][key] != value and key != "data_dir":
                        raise UserError(f"workdir {self.path} holds a run with {block}.{key}="
                                        f"{value!r}, not {config[block][key]!r}; "
                                        "use a new --workdir")
        for path in (self.path, self.checkpoints, self.samples):
            os.makedirs(path, exist_ok=True)

    def write_config(self, config):
        files.write_text_atomically(self.config_file, config.to_json(indent=2))

    def read_best(self, step):
        """{'step', 'fid'} of the best evaluation up to `step` (None before the first one)."""
        try:
            with open(self.best_file) as f:
                best = json.load(f)
            return best if best["step"] <= step else None
        except (OSError, ValueError, KeyError):
            return None

    def write_best(self, best):
        files.write_text_atomically(self.best_file, json.dumps(best) + "\n")
