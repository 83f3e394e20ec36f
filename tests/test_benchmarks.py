"""The benchmark runner: commands a reader can retype, cached results, failures reported
in the table instead of ending the benchmark, and the seed statistics."""
import dataclasses
import json
import math
import os
import platform
import shutil
import sys

import numpy as np
import pytest
import tensorflow as tf

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "benchmarks"))
import curves  # noqa: E402
import runner  # noqa: E402
from helpers import cli, load_config  # noqa: E402
from tfgan_variants import VARIANTS, training  # noqa: E402
from tfgan_variants.models import warmup  # noqa: E402


def test_commands_are_the_public_command_line(tmp_path):
    job = runner.Job("wgan_gp", "grid25", 2, (("train.steps", 5),))
    assert job.workdir(str(tmp_path)) == str(tmp_path / "grid25" / "wgan_gp" / "seed2")
    assert runner.shell(job.train_command(str(tmp_path))) == (
        f"python train.py --config=configs/wgan_gp.py:grid25 "
        f"--workdir={tmp_path / 'grid25' / 'wgan_gp' / 'seed2'} --config.seed=2 "
        "--config.train.steps=5")


def test_no_xla_variants_train_without_it(tmp_path):
    xla = (("train.steps", 5), ("train.jit_compile", True))
    wgan_gp = runner.Job("wgan_gp", "grid25", 0, xla).train_command(str(tmp_path))
    assert "--config.train.jit_compile=True" in wgan_gp
    slowed = [variant for variant, cls in VARIANTS.items() if not cls.xla_speeds_up]
    assert slowed == ["localized_gan"]
    for variant in slowed:
        command = runner.Job(variant, "grid25", 0, xla).train_command(str(tmp_path))
        assert "--config.train.steps=5" in command
        assert not any("jit_compile" in arg for arg in command)


def test_the_budget_counts_generator_updates_and_adds_the_steps_without_one(tmp_path):
    magan = runner.Job("magan", "fashion_mnist", 0, (("train.steps", 3000),))
    epochs, epoch_steps = (load_config("magan", "fashion_mnist").hparams[key]
                           for key in ("pretrain_epochs", "epoch_steps"))
    assert magan.critic_only_steps == epochs * epoch_steps > 0
    assert f"--config.train.steps={3000 + epochs * epoch_steps}" in magan.train_command(
        str(tmp_path))
    shorter = runner.Job("magan", "fashion_mnist", 0,
                         (("train.steps", 3000), ("hparams.pretrain_epochs", 1)))
    assert shorter.critic_only_steps == epoch_steps
    assert runner.Job("ns_gan", "fashion_mnist", 0, (("train.steps", 3000),)).critic_only_steps == 0
    assert VARIANTS["magan"].hparam({}, "epoch_steps") == 1000  # its __init__'s default
    assert VARIANTS["ns_gan"].hparam({}, "n_critic") == 1       # GAN.__init__'s
    # WGAN's warm-up: the least number of steps whose generator updates make the budget, so
    # its last step is one of them.
    wgan = VARIANTS["wgan"]
    steps = wgan.steps_for_generator_updates(3000, {"critic_warmup": True, "n_critic": 5})
    skips = warmup.warmup_skips_generator(tf.range(steps), 5).numpy()
    assert steps - skips.sum() == 3000 and skips.sum() > 0 and not skips[-1]
    assert wgan.steps_for_generator_updates(3000, {"critic_warmup": False}) == 3000


def test_mean_and_std_over_seeds_skip_failed_runs():
    results = [{"label": "a", "dataset": "d", "m": 1.0}, {"label": "a", "dataset": "d", "m": 3.0},
               {"label": "a", "dataset": "d", "error": "boom"}]
    row = runner.aggregate(results, ["m"])[("a", "d")]
    assert row["m"] == (2.0, 1.0) and row["seeds"] == 2 and row["errors"] == ["boom"]
    assert runner.cell(row["m"], 2) == "2.00 ± 1.00"
    assert all(math.isnan(v) for v in runner.mean_std([None, math.nan]))
    assert runner.cell((math.nan, math.nan), 1) == "-"
    assert runner.cell((2.0, 0.0), 2, seeds=1) == "2.00"  # one seed: no spread to show
    assert runner.seeds_text(1) == "1 seed"
    assert runner.seeds_text(3) == "3 seeds (mean ± std over seeds)"
    # A figure some runs do not have is averaged over the others, and the cell says so.
    results = [dict(r, f=v) for r, v in zip(results, (5.0, None, None))]
    markdown, summary = runner.table(results, ["a"], {"d": (("m", "m", 1), ("f", "f", 1))})
    assert summary[("a", "d")]["counts"] == {"m": 2, "f": 1}
    assert "| `a` (1 failed on d: boom) | 2.0 ± 1.0 | 5.0 (1 of 2 seeds) |" in markdown


def test_the_caption_says_how_many_runs_shared_the_machine():
    assert runner.wall_time_note([{"runs_at_a_time": 2}] * 3 + [{"error": "x"}]) == (
        "2 runs at a time")
    assert runner.wall_time_note([{"runs_at_a_time": 1}]) == "1 run at a time"
    mixed = runner.wall_time_note([{"runs_at_a_time": 2}, {"runs_at_a_time": 1}, {}, {}])
    assert mixed.startswith("2 runs (count not recorded), 1 run 1 at a time, 1 run 2 at a time")


def test_a_resumed_run_is_flagged_in_the_caption():
    assert runner._first_step("ns_gan on ring8: steps 0 -> 10000 (1 replica(s))") == 0
    assert runner._first_step("x\nns_gan on ring8: steps 8000 -> 10000 (1 replica(s))") == 8000
    assert runner._first_step("already trained to step 50 (asked: 50); exporting") == 50
    results = [{"label": "a", "dataset": "ring8", "seed": 1, "runs_at_a_time": 2,
                "resumed_from_step": 8000}, {"label": "b", "dataset": "ring8", "seed": 0,
                                            "runs_at_a_time": 2}]
    assert runner.wall_time_note(results) == (
        "2 runs at a time; not in the wall-time means, as they were resumed after an "
        "interruption and timed from there: `a` ring8 seed 1 from step 8000")
    results[1]["label"] = "a"
    results[0]["wall_time"], results[1]["wall_time"] = 10.0, 100.0
    assert runner.aggregate(results, ["wall_time"])[("a", "ring8")]["wall_time"] == (100.0, 0.0)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """A two-step ns_gan run on ring8 that trains, and one with an unknown dataset that fails."""
    root = str(tmp_path_factory.mktemp("bench"))
    short = (("train.steps", 2), ("data.batch_size", 8), ("train.log_every", 1),
             ("train.sample_every", 2), ("train.checkpoint_every", 2), ("eval.every", 2))
    good = runner.Job("ns_gan", "ring8", 0, short)
    bad = runner.Job("ns_gan", "no_such_data", 0, short)
    results = runner.run_all([good, bad], root, parallel=2, eval_flags=["--num_samples=100"])
    return root, good, results


def test_a_run_is_trained_evaluated_and_cached(two_runs):
    root, good, (result, _) = two_runs
    assert "error" not in result, result
    assert result["num_modes"] == 8 and 0 <= result["modes_covered"] <= 8
    assert result["wall_time"] > 0 and result["command"].startswith("python train.py")
    assert result["runs_at_a_time"] == 2  # what the wall time was measured under
    assert result["wall_time"] < result["finished_at"] - result["started_at"] < 3600
    assert result["cpu"] == runner.cpu_description()
    assert result["eval_flags"] == ["--num_samples=100"] and result["num_samples"] == 100
    saved = os.path.join(good.workdir(root), runner.RESULT_FILE)
    with open(saved) as f:
        assert json.load(f) == result
    # A second call reads the cache: it comes back at once, equal, without training.
    mtime = os.path.getmtime(os.path.join(good.workdir(root), "eval.json"))
    assert runner.run_job(good, root, ["--num_samples=100"]) == result
    assert os.path.getmtime(os.path.join(good.workdir(root), "eval.json")) == mtime


def test_other_eval_flags_evaluate_the_cached_run_again_without_training(two_runs):
    root, good, (result, _) = two_runs
    saved = os.path.join(good.workdir(root), runner.RESULT_FILE)
    with open(saved) as f:
        original = f.read()
    checkpoints = os.path.join(good.workdir(root), "checkpoints")
    trained = {name: os.path.getmtime(os.path.join(checkpoints, name))
               for name in os.listdir(checkpoints)}
    again = runner.run_job(good, root, ["--num_samples=50"])
    assert again["num_samples"] == 50 and again["eval_flags"] == ["--num_samples=50"]
    for key in ("wall_time", "started_at", "finished_at", "command", "runs_at_a_time"):
        assert again[key] == result[key]
    assert {name: os.path.getmtime(os.path.join(checkpoints, name))
            for name in os.listdir(checkpoints)} == trained
    # A job's own flags come after the common ones: the same evaluation, read from the cache.
    own = dataclasses.replace(good, eval_flags=("--num_samples=50",))
    assert runner.run_job(own, root) == again
    back = runner.run_job(good, root, ["--num_samples=100"])
    assert back == dict(result, seconds=back["seconds"])  # eval.py's own time differs
    with open(saved, "w") as f:  # the fixture's run as it was, for the tests after this one
        f.write(original)


def test_a_record_keeps_finished_runs_and_gives_them_back(two_runs, tmp_path):
    root, good, (result, _) = two_runs
    record, workdir = str(tmp_path / "record"), good.workdir(root)
    assert runner.run_job(good, root, ["--num_samples=100"], record=record) == result  # kept
    kept = good.workdir(record)
    assert sorted(os.listdir(kept)) == sorted(runner.RECORDED_FILES)
    # The workdirs are gone (another session): the run comes back from the record, untrained.
    os.rename(workdir, workdir + ".gone")
    assert runner.run_job(good, root, ["--num_samples=100"], record=record) == result
    assert sorted(os.listdir(workdir)) == sorted(runner.RECORDED_FILES)
    # --fresh: not taken from the record, trained again, and the record holds the new run.
    shutil.rmtree(workdir)
    again = runner.run_job(good, root, ["--num_samples=100"], record=record, restore=False)
    assert "error" not in again and again["started_at"] > result["finished_at"]
    assert os.path.exists(os.path.join(workdir, "eval.json"))
    with open(os.path.join(kept, runner.RESULT_FILE)) as f:
        assert json.load(f) == again
    shutil.rmtree(workdir + ".gone")


def test_the_fid_curve_counts_generator_updates_and_reads_the_record(tmp_path):
    # WGAN's warm-up steps make no generator update: the curve's x is what the budget counts.
    wgan = runner.Job("wgan", "fashion_mnist", 0, (("train.steps", 3000),
                                                    ("hparams.critic_warmup", True),
                                                    ("hparams.n_critic", 5)))
    steps = VARIANTS["wgan"].steps_for_generator_updates(3000, wgan.hparams)
    assert steps == 3000 + wgan.critic_only_steps > 3000
    assert wgan.generator_updates(steps) == 3000
    assert runner.Job("ns_gan", "fashion_mnist", 0).generator_updates(700) == 700
    job = runner.Job("ns_gan", "fashion_mnist", 0, (("train.steps", 300),))
    os.makedirs(job.workdir(str(tmp_path)))
    with open(os.path.join(job.workdir(str(tmp_path)), "eval.jsonl"), "w") as f:
        for step, fid in ((200, 80.0), (100, 120.0)):  # out of order, as after a resume
            f.write(json.dumps({"step": step, "fid": fid}) + "\n")
    curve = curves.read_curve(job, str(tmp_path), {"fid": 60.0})
    assert curve == [(100, 120.0), (200, 80.0), (300, 60.0)]  # eval.py's last step appended
    assert curves.fid_at(curve, 250) == 80.0 and curves.fid_at(curve, 50) is None
    other = [(100, 100.0), (200, 90.0), (300, 70.0)]
    (row,) = curves.summary_rows({("ns_gan", 0): curve, ("ns_gan", 1): other}, ["ns_gan"],
                                    [200, 300])
    assert row == ["`ns_gan`", "85.0 ± 5.0", "65.0 ± 5.0", "65.0 at 300"]


def test_busy_time_is_the_union_of_the_runs_times():
    runs = [{"started_at": 0.0, "finished_at": 10.0}, {"started_at": 5.0, "finished_at": 12.0},
            {"started_at": 100.0, "finished_at": 100.0 + 3600}, {"error": "x"}]
    assert runner.busy_seconds(runs) == (3612.0, 3)
    assert runner.wall_time_note([dict(r, runs_at_a_time=2) for r in runs[:3]]) == (
        "2 runs at a time; the benchmark took 1.0 h (the union of its runs' start-to-finish "
        "times: pauses between sessions are not counted)")
    assert "took 1.0 h of the 3 of 4 runs with recorded times" in runner.wall_time_note(
        runs + [{}])


def test_the_caption_names_the_cpus_the_runs_ran_on():
    assert runner.cpu_description().startswith(platform.machine())
    assert runner.wall_time_note([{"runs_at_a_time": 1, "cpu": "x86_64 AVX2"}] * 2) == (
        "1 run at a time; on x86_64 AVX2")
    mixed = [{"runs_at_a_time": 1, "cpu": "x86_64 AVX2"}, {"runs_at_a_time": 1},
             {"runs_at_a_time": 1, "cpu": "x86_64 AVX-512"}, {"runs_at_a_time": 1}]
    assert runner.wall_time_note(mixed) == (
        "1 run at a time; CPUs: x86_64 AVX-512 for 1 run, x86_64 AVX2 for 1 run, "
        "not recorded for 2 runs")


def test_an_interrupted_run_continues_and_says_so(two_runs):
    root, good, (result, _) = two_runs
    assert "resumed_from_step" not in result
    os.remove(os.path.join(good.workdir(root), runner.RESULT_FILE))  # as if killed before eval
    again = runner.run_job(good, root, eval_flags=["--num_samples=100"])
    assert "error" not in again, again
    assert again["resumed_from_step"] == 2  # its checkpoint's step: nothing left to train


def test_a_changed_command_trains_again_in_a_clean_workdir(two_runs):
    root, good, (result, _) = two_runs
    longer = runner.Job(good.variant, good.dataset, good.seed,
                        tuple((k, 4 if k == "train.steps" else v) for k, v in good.overrides))
    assert longer.workdir(root) == good.workdir(root)
    again = runner.run_job(longer, root, eval_flags=["--num_samples=100"])
    assert "error" not in again, again
    assert again["command"] != result["command"]
    with open(os.path.join(longer.workdir(root), "config.json")) as f:
        assert json.load(f)["train"]["steps"] == 4


def test_the_config_digest_follows_the_values_of_the_run_s_dataset(monkeypatch):
    from tfgan_variants import config_base
    digest = runner.config_digest("ns_gan", "ring8")
    assert digest == runner.config_digest("ns_gan", "ring8") != runner.config_digest(
        "ns_gan", "fashion_mnist")
    load = config_base.load

    def edited(variant, dataset):  # a changed setting of the run's dataset
        config = load(variant, dataset)
        config.hparams.n_critic = 3
        return config

    monkeypatch.setattr(config_base, "load", edited)
    assert runner.config_digest("ns_gan", "ring8") != digest


def test_a_changed_config_file_trains_again(two_runs, monkeypatch):
    root, good, _ = two_runs
    first = runner.run_job(good, root, eval_flags=["--num_samples=100"])
    assert first["config_digest"] == runner.config_digest("ns_gan", "ring8")
    eval_json = os.path.join(good.workdir(root), "eval.json")
    mtime = os.path.getmtime(eval_json)
    monkeypatch.setattr(runner, "config_digest", lambda variant, dataset: "edited")
    again = runner.run_job(good, root, eval_flags=["--num_samples=100"])
    assert "error" not in again, again
    assert again["command"] == first["command"] and again["config_digest"] == "edited"
    assert os.path.getmtime(eval_json) != mtime


def test_a_failed_run_reports_the_error_line(two_runs):
    _, _, (_, failed) = two_runs
    assert "no_such_data" in failed["error"] and failed["seed"] == 0


def test_montage_places_pictures_on_a_grid(tmp_path):
    import numpy as np
    from PIL import Image
    paths = []
    for i, value in enumerate((0, 100, 200)):
        paths.append(str(tmp_path / f"{i}.png"))
        Image.fromarray(np.full((4, 5, 3), value, np.uint8)).save(paths[-1])
    runner.montage(paths, 2, str(tmp_path / "all.png"))
    canvas = np.asarray(Image.open(tmp_path / "all.png"))
    assert canvas.shape == (8, 10, 3)
    assert canvas[0, 0, 0] == 0 and canvas[0, 5, 0] == 100 and canvas[4, 0, 0] == 200
    assert canvas[4, 5, 0] == 255   # the empty cell stays white
    runner.montage(paths, 3, str(tmp_path / "labelled.png"), ["a", "b", "c"])
    labelled = np.asarray(Image.open(tmp_path / "labelled.png"))
    assert labelled.shape == (14 + 4, 15, 3)
    assert (labelled[14:, 5:10] == 100).all() and (labelled[:14] < 255).any()


def test_each_family_is_shown_by_its_best_run_by_modes_then_quality():
    import modes
    results = [{"label": variant, "dataset": "grid25", "modes_covered": m,
                "high_quality_fraction": q}
               for variant, m, q in [("gan", 20, 0.5), ("ns_gan", 25, 0.3), ("lsgan", 25, 0.6),
                                     ("wgan", 25, 0.9), ("wgan_gp", 25, 0.95), ("sngan", 24, 1.0)]]
    results.append({"label": "began", "dataset": "grid25", "error": "diverged"})
    summary = runner.aggregate(results, ["modes_covered", "high_quality_fraction"])
    examples = modes.family_examples(summary, list(VARIANTS))
    # lsgan beats ns_gan on quality at equal modes; a failed run (began) shows nothing.
    assert examples == {"lsgan": "divergence", "wgan_gp": "ipm"}
    assert list(examples) == [v for v in VARIANTS if v in examples]  # registry order


@pytest.mark.parametrize("variant, weighting", [("sphere_gan", "none"), ("sphere_gan", "half"),
                                                ("sphere_gan_stable", "normalization")])
def test_sphere_saturation_factors_the_generator_gradient(tmp_path, variant, weighting):
    import sphere_saturation
    config = load_config(variant, "grid25", train__steps=2, data__batch_size=8,
                         networks__width=16, hparams__moment_weighting=weighting)
    run = training.train(config, tmp_path, verbose=0)
    samples = np.random.default_rng(0).uniform(-5, 5, (64, 2)).astype(np.float32)
    gradient, d, norm, slope, critic = sphere_saturation.sample_gradients(run.model, samples)
    np.testing.assert_allclose(d, 2 * np.arctan(1 / norm), rtol=1e-5)
    # The slope's closed form (weighted moments) against autodiff through the model's loss.
    np.testing.assert_allclose(gradient, slope * critic, rtol=1e-4)
    model, _, path = sphere_saturation.restore(str(tmp_path))
    assert path.endswith("ckpt-2")
    centers = np.float32([[0, 0]])
    measured = sphere_saturation.measure(model, samples, centers)
    rows = sphere_saturation.gradient_profile(measured, [0.0, 3.0])
    assert sum(row[1] for row in rows) == 64 and rows[0][0] == (0.0, 3.0)
    assert "| [0, 3) |" in sphere_saturation.table(rows)
    distance = np.linalg.norm(samples, axis=1)
    on, off, ratio = sphere_saturation.imbalance(measured)
    assert off == pytest.approx(np.median(gradient[distance >= 0.6]), rel=1e-6)
    assert on is None and ratio is None  # no sample within 0.15 of the centre
    result = cli(f"--workdir={tmp_path / 'missing'}", script="benchmarks/sphere_saturation.py")
    assert result.returncode != 0 and "error: " in result.stderr
    assert "Traceback" not in result.stderr


def test_tangent_yardsticks_step_to_an_image_of_the_same_or_another_class():
    import semi_supervised_tangents as tangents
    rng = np.random.default_rng(0)
    images = rng.normal(size=(12, 3, 3, 1)).astype(np.float32)
    labels = np.repeat([0, 1, 2], 4)
    lengths = rng.uniform(0.5, 2.0, size=(5, 12))
    flat = images.reshape(12, -1)
    for same in (True, False):
        steps = tangents.partner_directions(images, labels, lengths, same, seed=1)
        assert steps.shape == (5, *images.shape)
        for a in range(5):
            for i in range(12):
                step = steps[a, i].ravel()
                np.testing.assert_allclose(np.linalg.norm(step), lengths[a, i], rtol=1e-5)
                # The step points at exactly one other image, of the required class.
                targets = [j for j in range(12) if j != i and np.allclose(
                    step / np.linalg.norm(step),
                    (flat[j] - flat[i]) / np.linalg.norm(flat[j] - flat[i]), atol=1e-5)]
                assert len(targets) == 1
                assert (labels[targets[0]] == labels[i]) == same


def test_per_seed_table_pairs_each_seed_and_shows_a_failed_run():
    methods = ["labels_only", "improved_gan", "localized_gan"]
    errors = {"labels_only": [30.0, 32.0], "improved_gan": [26.0, 25.0],
              "localized_gan": [27.0, 24.0]}
    rows = [{"label": m, "dataset": "k10", "seed": d, "error": e}
            for m, values in errors.items() for d, e in enumerate(values)]
    rows.append({"label": "labels_only", "dataset": "k100", "seed": 0, "error": 9.0})
    lines = runner.per_seed_table(rows, methods, "k10", "error", "draw").splitlines()
    assert lines[0] == ("| draw | `labels_only` | `improved_gan` | `localized_gan` | "
                        "`localized_gan` minus `labels_only` / `improved_gan` |")
    assert lines[2:] == ["| 0 | 30.00 | 26.00 | 27.00 | -3.00 / +1.00 |",
                         "| 1 | 32.00 | 25.00 | 24.00 | -8.00 / -1.00 |",
                         "| mean | 31.00 | 25.50 | 25.50 | -5.50 / +0.00 |"]
    # A run that failed has no value: its cell, its differences and its mean say so.
    del rows[3]["error"]
    lines = runner.per_seed_table(rows, methods, "k10", "error", "draw").splitlines()
    assert lines[3] == "| 1 | 32.00 | failed | 24.00 | -8.00 / - |"
    assert lines[4] == "| mean | 31.00 | - | 25.50 | -5.50 / - |"
    # One label: no difference column.
    assert runner.per_seed_table(rows, ["labels_only"], "k10", "error").splitlines()[0] == (
        "| seed | `labels_only` |")
