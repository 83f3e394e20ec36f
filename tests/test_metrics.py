"""Tests for tfgan_variants.metrics: TF-GAN 2.1.0 parity, closed forms, sanity, bad input."""
import json
import pathlib

import numpy as np
import pytest

from tfgan_variants import metrics
from tfgan_variants.errors import UserError

#: TF-GAN 2.1.0's values on fixed float64 inputs (tfgan_metrics.json names the functions).
GOLDEN = pathlib.Path(__file__).resolve().parent / "data"
RTOL = 1e-6


@pytest.fixture(scope="module")
def golden():
    cases = json.loads((GOLDEN / "tfgan_metrics.json").read_text())["cases"]
    with np.load(GOLDEN / "tfgan_metrics.npz") as arrays:
        return cases, dict(arrays)


def _grid25():
    return np.array([(x, y) for x in (-4, -2, 0, 2, 4) for y in (-4, -2, 0, 2, 4)], float)


def _ring8():
    angles = 2 * np.pi * np.arange(8) / 8
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


def _mixture_samples(centers, std, n, rng):
    return centers[rng.integers(len(centers), size=n)] + std * rng.standard_normal((n, 2))


def _with_moments(z, mean, var):
    """Rows whose sample mean is `mean` and unbiased sample covariance is exactly diag(var)."""
    z = z - z.mean(axis=0)
    chol = np.linalg.cholesky(np.cov(z, rowvar=False))
    white = np.linalg.solve(chol, z.T).T
    return mean + white * np.sqrt(var)


# --------------------------------------------------------------------------- TF-GAN parity


@pytest.mark.parametrize("case", ["small", "shifted", "wide"])
def test_fid_and_kid_match_tfgan(golden, case):
    cases, arrays = golden
    expected = cases[case]
    real, fake = arrays[f"{case}_real"], arrays[f"{case}_fake"]
    assert metrics.frechet_distance(real, fake) == pytest.approx(expected["fid"], rel=RTOL)
    mean, std = metrics.kernel_distance(real, fake, max_block_size=expected["kid_max_block_size"])
    assert mean == pytest.approx(expected["kid_mean"], rel=RTOL)
    assert std == pytest.approx(expected["kid_std"], rel=RTOL)


@pytest.mark.parametrize("case", ["logits_a", "logits_b"])
def test_inception_score_matches_tfgan(golden, case):
    cases, arrays = golden
    score = metrics.inception_score(arrays[case])
    assert isinstance(score, float)
    assert score == pytest.approx(cases[case]["inception_score"], rel=RTOL)


# ------------------------------------------------------------------------------------- FID


def test_fid_identical_sets_is_zero_and_symmetric():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((500, 16))
    b = rng.standard_normal((400, 16)) * 1.5 + 0.3
    assert abs(metrics.frechet_distance(a, a)) < 1e-9
    assert metrics.frechet_distance(a, b) == pytest.approx(metrics.frechet_distance(b, a), rel=1e-9)


def test_fid_closed_form_for_diagonal_gaussians():
    rng = np.random.default_rng(1)
    dim = 8
    mu1, mu2 = rng.normal(size=dim), rng.normal(size=dim)
    s1, s2 = rng.uniform(0.2, 3.0, dim), rng.uniform(0.2, 3.0, dim)
    a = _with_moments(rng.standard_normal((300, dim)), mu1, s1)
    b = _with_moments(rng.standard_normal((500, dim)), mu2, s2)
    expected = np.sum((mu1 - mu2) ** 2) + np.sum(s1 + s2 - 2 * np.sqrt(s1 * s2))
    assert metrics.frechet_distance(a, b) == pytest.approx(expected, rel=1e-9)


# ---------------------------------------------------------------------------------- IS


def test_inception_score_uniform_logits_is_one():
    assert metrics.inception_score(np.zeros((100, 10))) == pytest.approx(1.0, abs=1e-12)


def test_inception_score_confident_balanced_logits_is_num_classes():
    classes = 10
    logits = 30.0 * np.eye(classes)[np.arange(1000) % classes]
    assert metrics.inception_score(logits) == pytest.approx(classes, rel=1e-6)
    mean, std = metrics.inception_score_mean_std(logits, splits=10)
    assert mean == pytest.approx(classes, rel=1e-6)
    assert std == pytest.approx(0.0, abs=1e-6)


def test_inception_score_splits_average_the_parts():
    logits = np.random.default_rng(2).normal(size=(90, 5)) * 3
    parts = [metrics.inception_score(logits[i * 30:(i + 1) * 30]) for i in range(3)]
    assert metrics.inception_score(logits, splits=3) == pytest.approx(np.mean(parts), rel=1e-12)
    assert metrics.inception_score_mean_std(logits, splits=3)[1] == pytest.approx(np.std(parts))


# ----------------------------------------------------------------------------------- KID


def test_kid_near_zero_for_identical_distributions():
    rng = np.random.default_rng(3)
    real, fake = rng.standard_normal((1000, 32)), rng.standard_normal((1000, 32))
    same, same_std = metrics.kernel_distance(real, fake, max_block_size=250)
    shifted, _ = metrics.kernel_distance(real, fake + 1.0, max_block_size=250)
    assert abs(same) < 4 * same_std
    assert abs(same) < 0.01 * shifted


def test_kid_std_is_nan_with_a_single_block():
    rng = np.random.default_rng(4)
    mean, std = metrics.kernel_distance(rng.standard_normal((50, 4)), rng.standard_normal((60, 4)))
    assert np.isfinite(mean) and np.isnan(std)


# ---------------------------------------------------------------------- precision / recall


def test_precision_recall_same_distribution_is_high():
    # k-NN manifolds with k = 3 shrink as the dimension grows (two N(0, I) samples of 2,000
    # give ~0.95 at d = 4 but ~0.6 at d = 64), so the sanity check uses 4-d features.
    rng = np.random.default_rng(5)
    precision, recall = metrics.precision_recall(
        rng.standard_normal((2000, 4)), rng.standard_normal((2000, 4)))
    assert precision >= 0.9 and recall >= 0.9


def test_precision_recall_far_noise_is_low():
    rng = np.random.default_rng(6)
    real = rng.standard_normal((1500, 64))
    noise = rng.uniform(-1, 1, (1200, 64)) + 20.0
    precision, recall = metrics.precision_recall(real, noise)
    assert precision <= 0.1 and recall <= 0.1


def test_precision_recall_matches_brute_force():
    rng = np.random.default_rng(7)
    real, fake = rng.standard_normal((300, 3)), rng.standard_normal((250, 3)) + 0.5
    k = 3

    def coverage(ref, query):
        dist_ref = np.linalg.norm(ref[:, None] - ref[None], axis=-1)
        radii = np.sort(dist_ref, axis=1)[:, k]
        dist = np.linalg.norm(query[:, None] - ref[None], axis=-1)
        return np.mean((dist <= radii).any(axis=1))

    precision, recall = metrics.precision_recall(real, fake, k=k)
    assert precision == pytest.approx(coverage(real, fake), abs=2 / len(fake))
    assert recall == pytest.approx(coverage(fake, real), abs=2 / len(real))


# --------------------------------------------------------------------------- mode coverage


def test_mode_coverage_grid25_exact_samples():
    centers = _grid25()
    points = _mixture_samples(centers, 0.05, 2500, np.random.default_rng(8))
    stats = metrics.mode_coverage(points, centers, 0.05)
    assert stats["modes_covered"] == 25 and stats["num_modes"] == 25
    assert stats["high_quality_fraction"] >= 0.95
    assert 0.0 <= stats["reverse_kl"] < 0.05


def test_mode_coverage_single_gaussian_covers_one_mode():
    centers = _grid25()
    points = 0.05 * np.random.default_rng(9).standard_normal((2500, 2))
    stats = metrics.mode_coverage(points, centers, 0.05)
    assert stats["modes_covered"] == 1
    assert stats["high_quality_fraction"] >= 0.95
    assert stats["reverse_kl"] == pytest.approx(np.log(25))


def test_mode_coverage_ring8_exact_samples():
    centers = _ring8()
    points = _mixture_samples(centers, 0.01, 2500, np.random.default_rng(10))
    stats = metrics.mode_coverage(points, centers, 0.01)
    assert stats["modes_covered"] == 8 and stats["num_modes"] == 8
    assert stats["high_quality_fraction"] >= 0.95


def test_mode_coverage_without_high_quality_samples():
    stats = metrics.mode_coverage(np.full((10, 2), 1.0), _ring8() * 10, 0.01)
    assert stats["modes_covered"] == 0 and stats["high_quality_fraction"] == 0.0
    assert stats["reverse_kl"] == np.inf


# ------------------------------------------------------------------------------ bad input

_A = np.zeros((10, 4))
_B = np.ones((10, 4))
_NAN = np.where(np.eye(10, 4) > 0, np.nan, 0.0)


@pytest.mark.parametrize("call", [
    pytest.param(lambda: metrics.frechet_distance(_A, np.zeros((10, 5))), id="fid-dims"),
    pytest.param(lambda: metrics.frechet_distance(_A[:1], _B), id="fid-one-sample"),
    pytest.param(lambda: metrics.frechet_distance(_NAN, _B), id="fid-nan"),
    pytest.param(lambda: metrics.frechet_distance(_A, _B.ravel()), id="fid-1d"),
    pytest.param(lambda: metrics.kernel_distance(_A, _B * np.inf), id="kid-inf"),
    pytest.param(lambda: metrics.kernel_distance(_A[:5], _B, max_block_size=3), id="kid-blocks"),
    pytest.param(lambda: metrics.inception_score(_A, splits=11), id="is-splits"),
    pytest.param(lambda: metrics.inception_score(_NAN), id="is-nan"),
    pytest.param(lambda: metrics.precision_recall(_A, np.zeros((10, 3))), id="pr-dims"),
    pytest.param(lambda: metrics.precision_recall(_A[:3], _B), id="pr-too-few"),
    pytest.param(lambda: metrics.precision_recall(_A, _B, k=0), id="pr-k"),
    pytest.param(lambda: metrics.mode_coverage(_A[:, :2], _grid25(), 0.0), id="modes-std"),
    pytest.param(lambda: metrics.mode_coverage(_A[:1, :2], _grid25(), 0.05), id="modes-one"),
    pytest.param(lambda: metrics.mode_coverage(_A[:, :3], _grid25(), 0.05), id="modes-dims"),
])
def test_bad_input_raises(call):
    with pytest.raises(ValueError) as info:
        call()
    assert isinstance(info.value, UserError)
    assert "\n" not in str(info.value)
