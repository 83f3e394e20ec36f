"""Each quality benchmark end to end through its `--quick` mode, narrowed to one variant where
it can be: the public command trains and evaluates, and the table, its JSON and the pictures
are written next to the runs (never over docs/results)."""
import json
import os

import pytest

from helpers import cli


def run_quick(name, tmp_path, *flags):
    """Runs benchmarks/<name>.py --quick into tmp_path; returns (its output folder, the
    table's Markdown, the runs' JSON)."""
    root = os.path.join(str(tmp_path), name)
    process = cli("--quick", f"--root={root}", *flags, script=f"benchmarks/{name}.py",
                  timeout=1800)
    assert process.returncode == 0, process.stderr[-3000:]
    out = root + "_quick"
    with open(os.path.join(out, f"{name}.md")) as f:
        table = f.read()
    with open(os.path.join(out, f"{name}.json")) as f:
        results = json.load(f)
    assert all("error" not in r for r in results), results
    return out, table, results


@pytest.mark.slow
def test_modes_quick(tmp_path):
    out, table, results = run_quick("modes", tmp_path, "--variants=ns_gan", "--datasets=ring8")
    assert table.startswith("300 generator updates; batch 256, MLP 3 x 128, 1 seed;")
    assert "1 run at a time" in table and "| `ns_gan` |" in table
    (result,) = results
    assert result["num_modes"] == 8 and result["runs_at_a_time"] == 1
    assert os.path.exists(os.path.join(out, "modes_ring8.png"))
    assert os.path.exists(os.path.join(out, "modes", "ring8_ns_gan.png"))


@pytest.mark.slow
def test_fashion_mnist_quick(tmp_path):
    out, table, results = run_quick("fashion_mnist", tmp_path, "--variants=ns_gan")
    assert "| variant | FID | KID | IS | precision | recall | wall time (s) |" in table
    (result,) = results
    assert result["fid"] > 0 and 1 <= result["inception_score"] <= 10
    assert "--config.networks.width=32" in result["command"]
    assert os.path.exists(os.path.join(out, "fashion_mnist.png"))


@pytest.mark.slow
@pytest.mark.long   # 1.9 minutes; the shared runner is fashion_mnist_quick's, and the
#                     conditional training and export are the saved_model_cli test's
def test_conditional_quick(tmp_path):
    out, table, results = run_quick("conditional", tmp_path, "--variants=sngan")
    assert "| variant | class accuracy | FID | intra-class FID | IS |" in table
    (result,) = results
    assert 0 <= result["class_accuracy"] <= 1 and result["intra_fid"] > 0
    assert "--config.data.conditional=True" in result["command"]
    assert os.path.exists(os.path.join(out, "conditional", "fashion_mnist_sngan.png"))


@pytest.mark.slow
@pytest.mark.long   # four runs, each evaluated twice: about 6 minutes on 2 cores
def test_recipes_quick(tmp_path):
    out, table, results = run_quick("recipes", tmp_path, "--parallel=1")
    assert "| variant | FID, G | FID, G's average |" in table
    assert [r["label"] for r in results] == ["sngan", "sngan_frac10", "sngan_frac10_diffaug",
                                             "sngan_diffaug"]
    for result in results:
        # Both generators scored, and they differ: the average started at step 10.
        assert result["raw_fid"] > 0 and result["fid"] > 0 and result["raw_fid"] != result["fid"]
        assert "--config.train.ema_decay=0.99" in result["command"].split()
    assert "--config.data.fraction=0.1" in results[1]["command"]
    assert "--config.train.augment=translation,cutout,color" in results[2]["command"]
    assert os.path.exists(os.path.join(out, "recipes", "fashion_mnist_sngan_diffaug.png"))


@pytest.mark.slow
def test_fid_curve_quick(tmp_path):
    out, table, results = run_quick("fid_curve", tmp_path)
    (result,) = results
    assert "--config.eval.every=100" in result["command"] and result["num_samples"] == 500
    with open(os.path.join(out, "fid_curve_points.json")) as f:
        (curve,) = json.load(f)
    # Scored during training at steps 100 and 200 (the last also by eval.py, not appended).
    assert [step for step, _ in curve["points"]] == [100, 200]
    assert all(fid > 0 for _, fid in curve["points"])
    assert "| `ns_gan` |" in table and "FID at 200" in table
    assert os.path.exists(os.path.join(out, "fid_curve.png"))


@pytest.mark.slow
def test_sphere_ablation_quick(tmp_path):
    out, table, results = run_quick("sphere_ablation", tmp_path)
    assert {(r["label"], r["dataset"]) for r in results} == {
        (label, dataset) for label in ("R1_n16", "R3_n16")
        for dataset in ("grid25", "fashion_mnist")}
    assert "| `R3_n16` |" in table
    for result in results:
        assert "--config.hparams.moments=" + result["label"][1] in result["command"]
        assert "--config.networks.d_out=16" in result["command"]
        # grid25 on eval.py's 2-D default, the modes table's 2,500 samples.
        grid25 = result["dataset"] == "grid25"
        assert result["eval_flags"] == ([] if grid25 else ["--num_samples=500"])
        assert result["num_samples"] == (2500 if grid25 else 500)
    assert os.path.exists(os.path.join(out, "sphere_ablation_grid25.png"))


@pytest.mark.slow
def test_sphere_weighting_quick(tmp_path):
    out, table, results = run_quick("sphere_weighting", tmp_path, "--datasets=ring8")
    assert [r["label"] for r in results] == ["R1_none", "R3_none"]
    r1, r3 = results
    # R 3 unweighted is the config's own: its command is modes.py's, without an hparams flag.
    assert "--config.hparams.moments=1" in r1["command"] and "hparams" not in r3["command"]
    assert "| variant | modes | high quality | gradient on / off modes |" in table
    for result in results:
        with open(os.path.join(out, "ring8", result["label"], "seed0", "saturation.json")) as f:
            figures = json.load(f)
        assert figures["on"] > 0 and result.get("imbalance") == figures["imbalance"]


@pytest.mark.slow
def test_semi_supervised_quick(tmp_path):
    out, table, results = run_quick("semi_supervised", tmp_path,
                                    "--methods=labels_only,improved_gan")
    assert [(r["variant"], r["label"]) for r in results] == [("labels_only", "k10"),
                                                             ("improved_gan", "k10")]
    for result in results:
        assert "--config=configs/semi_supervised.py:" + result["variant"] in result["command"]
        assert "--config.data.labels_per_class=10" in result["command"]
        assert 0.0 < result["test_error"] < 0.9   # 100 steps from 100 labels: well above chance
    assert "| variant | test error % | minutes |" in table and "k10, 10 labels per class" in table
    assert "`improved_gan`" in table


@pytest.mark.slow
def test_semi_supervised_tangents_reads_a_localized_export(tmp_path):
    """The diagnostic on a 2-step localized_gan run: a row per run, and yardsticks in the
    domain classifier's order (a step to another class moves it more than one to the same
    class, and both more than white noise)."""
    from helpers import cli
    workdir = str(tmp_path / "tiny")
    trained = cli("--config=configs/semi_supervised.py:localized_gan", f"--workdir={workdir}",
                  "--config.train.steps=2", "--config.eval.every=0")
    assert trained.returncode == 0, trained.stderr[-3000:]
    process = cli(f"--workdir={workdir}", "--count=40", "--axes=2",
                  script="benchmarks/semi_supervised_tangents.py")
    assert process.returncode == 0, process.stderr[-3000:]
    (row,) = [line for line in process.stdout.splitlines() if line.startswith("| tiny |")]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    domain = [float(v) for v in cells[2].split(" / ")]
    run = [float(v) for v in cells[3].split(" / ")]
    assert domain[2] > domain[0] > 1.0 and all(v > 0 for v in run)
    missing = cli("--workdir=" + str(tmp_path / "nothing"),
                  script="benchmarks/semi_supervised_tangents.py")
    assert missing.returncode != 0 and missing.stderr.strip().splitlines()[-1].startswith(
        "error:") and "Traceback" not in missing.stderr
