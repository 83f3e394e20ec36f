"""Sample-quality metrics for GANs: pure numpy/scipy functions on arrays.

- `inception_score` / `inception_score_mean_std`: Salimans et al. 2016 (arXiv 1606.03498).
- `frechet_distance`: Heusel et al. 2017 (arXiv 1706.08500).
- `kernel_distance`: Binkowski et al. 2018 (arXiv 1801.01401), block estimator of
  Zaremba et al. 2013 (arXiv 1307.1954).
- `precision_recall`: Kynkaanniemi et al. 2019 (arXiv 1904.06991).
- `mode_coverage`: the 2-D mixture protocol of VEEGAN (arXiv 1705.07761) and PacGAN
  (arXiv 1712.04086).

IS, FID and KID follow `tfgan.eval` 2.1.0 (`classifier_score_from_logits`,
`frechet_classifier_distance_from_activations`,
`kernel_classifier_distance_and_std_from_activations`) operation for operation, in float64,
and reproduce its values to a relative 1e-6 (see tests/test_metrics.py).
"""
import numpy as np
import scipy.special

from tfgan_variants.errors import UserError

# Rows per block of a pairwise-distance matrix in `precision_recall` (1024 x 10,000 float32
# is 40 MB).
_BLOCK_ROWS = 1024


class MetricInputError(UserError, ValueError):
    """Arrays a metric cannot use: wrong rank, mismatched widths, too few rows, NaN/Inf."""


def _as_matrix(x, name, min_rows=2):
    """`x` as a finite float64 [n, d] array with at least `min_rows` rows."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise MetricInputError(f"{name} must be 2-D [num_samples, dim], got shape {x.shape}")
    if x.shape[0] < min_rows:
        raise MetricInputError(f"{name} needs at least {min_rows} samples, got {x.shape[0]}")
    if not np.isfinite(x).all():
        raise MetricInputError(f"{name} contains NaN or Inf")
    return x


def _as_pair(a, b, names, min_rows=(2, 2)):
    """Two matrices with the same feature width, validated by `_as_matrix`."""
    a, b = _as_matrix(a, names[0], min_rows[0]), _as_matrix(b, names[1], min_rows[1])
    if a.shape[1] != b.shape[1]:
        raise MetricInputError(
            f"{names[0]} and {names[1]} have different feature dims: {a.shape[1]} vs {b.shape[1]}")
    return a, b


# ------------------------------------------------------------------------ Inception Score


def _classifier_score(logits):
    """exp(E_x KL(p(y|x) || p(y))), p(y) the mean of p(y|x) over `logits` (Salimans eq. 1)."""
    log_p = scipy.special.log_softmax(logits, axis=1)
    p = np.exp(log_p)
    kl = np.sum(p * (log_p - np.log(p.mean(axis=0))), axis=1)
    return float(np.exp(kl.mean()))


def inception_score_mean_std(logits, splits=10):
    """Mean and (population) std of the classifier score over `splits` consecutive parts.

    This is the reporting convention of the original improved-GAN code (10 splits of 50,000
    samples; part i = rows [i*n//splits, (i+1)*n//splits)). With `splits=1` the mean equals
    `tfgan.eval.classifier_score_from_logits(logits)` and the std is 0.
    """
    logits = _as_matrix(logits, "logits")
    n = logits.shape[0]
    if not 1 <= splits <= n:
        raise MetricInputError(f"splits must be in [1, {n}] for {n} samples, got {splits}")
    bounds = [i * n // splits for i in range(splits + 1)]
    scores = [_classifier_score(logits[s:e]) for s, e in zip(bounds[:-1], bounds[1:])]
    return float(np.mean(scores)), float(np.std(scores))


def inception_score(logits, splits=1):
    """Inception Score of classifier `logits` [n, classes]; the mean over `splits` parts.

    With the default `splits=1` this is `tfgan.eval.classifier_score_from_logits`.
    """
    return inception_score_mean_std(logits, splits)[0]


# ----------------------------------------------------------------------------------- FID


def _root_eigenvalues(lam, eps=1e-10):
    """Eigenvalues of TF-GAN's symmetric square root (`_symmetric_matrix_square_root`).

    TF-GAN roots a symmetric matrix by SVD, U diag(s') V^T with s' = sqrt(s), except that
    singular values s < eps stay un-rooted. For a symmetric matrix with eigenvalues lam,
    s = |lam| and the columns of U are sign(lam) times those of V, so the root has the
    eigenvalues below: the same numbers from a cheaper symmetric eigensolver.
    """
    return np.where(np.abs(lam) < eps, lam, np.sign(lam) * np.sqrt(np.abs(lam)))


def frechet_distance(real_acts, fake_acts):
    """Frechet distance between Gaussians fitted to two sets of activations [n, d].

    FID = |mu_r - mu_g|^2 + Tr(S_r + S_g - 2 (S_r S_g)^(1/2))  (Heusel et al., eq. 6), with
    unbiased covariances (divided by n - 1). As in TF-GAN's `trace_sqrt_product`,
    Tr((S_r S_g)^(1/2)) = Tr((A S_g A)^(1/2)) with A = S_r^(1/2): both roots are of symmetric
    matrices, which avoids the non-symmetric `scipy.linalg.sqrtm` of the product.
    """
    real, fake = _as_pair(real_acts, fake_acts, ("real_acts", "fake_acts"))
    mu_r, mu_g = real.mean(axis=0), fake.mean(axis=0)
    real_c, fake_c = real - mu_r, fake - mu_g
    sigma_r = real_c.T @ real_c / (real.shape[0] - 1)
    sigma_g = fake_c.T @ fake_c / (fake.shape[0] - 1)
    lam, q = np.linalg.eigh(sigma_r)
    sqrt_r = (q * _root_eigenvalues(lam)) @ q.T
    trace_sqrt = np.sum(_root_eigenvalues(np.linalg.eigvalsh(sqrt_r @ (sigma_g @ sqrt_r))))
    trace = np.trace(sigma_r + sigma_g) - 2.0 * trace_sqrt
    return float(trace + np.sum((mu_r - mu_g) ** 2))


# ----------------------------------------------------------------------------------- KID


def _block_bounds(n, n_blocks):
    """TF-GAN's split of n rows into n_blocks contiguous blocks: the (n mod n_blocks) blocks
    of size n//n_blocks + 1 come last."""
    size, n_plus_one = divmod(n, n_blocks)
    sizes = [size] * (n_blocks - n_plus_one) + [size + 1] * n_plus_one
    return np.concatenate([[0], np.cumsum(sizes)])


def kernel_distance(real_acts, fake_acts, max_block_size=1024):
    """Kernel (Inception) Distance: unbiased MMD^2 with k(x, y) = (x.y / d + 1)^3.

    Binkowski et al., eq. 3 and sec. 4. As in TF-GAN: n_blocks = ceil(max(n_r, n_g) /
    max_block_size); real and fake rows are each cut into n_blocks contiguous blocks of
    near-equal size (sizes may differ between the two sets; the larger blocks come last);
    block i pairs real block i with fake block i and yields

        sum_{a!=b} k(r_a, r_b) / (m(m-1)) + sum_{a!=b} k(g_a, g_b) / (n(n-1)) - 2 mean k(r, g).

    Returns (mean of the block estimates, standard error of that mean), where the standard
    error is sqrt(var / n_blocks) with the Bessel-corrected variance of the block estimates;
    it is NaN with a single block. Rows should be in random order.
    """
    real, fake = _as_pair(real_acts, fake_acts, ("real_acts", "fake_acts"))
    if max_block_size < 2:
        raise MetricInputError(f"max_block_size must be at least 2, got {max_block_size}")
    n_blocks = -(-max(len(real), len(fake)) // max_block_size)
    if min(len(real), len(fake)) < 2 * n_blocks:
        raise MetricInputError(
            f"{n_blocks} KID blocks need at least {2 * n_blocks} samples per set, "
            f"got {len(real)} real and {len(fake)} fake")
    dim = real.shape[1]
    bounds_r, bounds_g = _block_bounds(len(real), n_blocks), _block_bounds(len(fake), n_blocks)

    def block_estimate(i):
        r, g = real[bounds_r[i]:bounds_r[i + 1]], fake[bounds_g[i]:bounds_g[i + 1]]
        m, n = len(r), len(g)
        k_rr = (r @ r.T / dim + 1) ** 3
        k_gg = (g @ g.T / dim + 1) ** 3
        k_rg = (r @ g.T / dim + 1) ** 3
        return ((k_rr.sum() - np.trace(k_rr)) / (m * (m - 1))
                + (k_gg.sum() - np.trace(k_gg)) / (n * (n - 1)) - 2 * k_rg.mean())

    ests = np.array([block_estimate(i) for i in range(n_blocks)])
    std = np.sqrt(ests.var(ddof=1) / n_blocks) if n_blocks > 1 else np.nan
    return float(ests.mean()), float(std)


# ------------------------------------------------------------------------ precision/recall


def _sq_dists(a, b, sq_a, sq_b):
    """Squared Euclidean distances [len(a), len(b)] as |a|^2 + |b|^2 - 2 a.b."""
    d = a @ b.T
    d *= -2
    d += sq_a[:, None]
    d += sq_b[None, :]
    return d


def _knn_sq_radii(x, sq_x, k):
    """Squared distance from each row of x to its k-th nearest other row."""
    radii = np.empty(len(x), dtype=x.dtype)
    for s in range(0, len(x), _BLOCK_ROWS):
        d = _sq_dists(x[s:s + _BLOCK_ROWS], x, sq_x[s:s + _BLOCK_ROWS], sq_x)
        radii[s:s + _BLOCK_ROWS] = np.partition(d, k, axis=1)[:, k]  # index 0 is the point itself
    return np.maximum(radii, 0)


def precision_recall(real_feats, fake_feats, k=3):
    """Improved precision and recall (Kynkaanniemi et al. 2019, eqs. 1-3).

    The real manifold is the union of balls around every real feature vector with radius
    the distance to its k-th nearest real neighbour (itself excluded); precision is the
    fraction of fake vectors inside it (boundary included). Recall is the same with the
    roles swapped: the fraction of real vectors inside the fake manifold.

    Distances are computed in float32 blocks of rows after centring both sets on the real
    mean, so 10,000 x 10,000 samples need three 10^8-entry matrices, never in memory at once.
    """
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise MetricInputError(f"k must be a positive integer, got {k!r}")
    real, fake = _as_pair(real_feats, fake_feats, ("real_feats", "fake_feats"), (k + 1, k + 1))
    center = real.mean(axis=0)
    real = (real - center).astype(np.float32)
    fake = (fake - center).astype(np.float32)
    sq_r, sq_f = np.einsum("ij,ij->i", real, real), np.einsum("ij,ij->i", fake, fake)
    radii_r, radii_f = _knn_sq_radii(real, sq_r, k), _knn_sq_radii(fake, sq_f, k)

    fake_in_real = np.zeros(len(fake), dtype=bool)
    real_in_fake = np.zeros(len(real), dtype=bool)
    for s in range(0, len(real), _BLOCK_ROWS):
        d = _sq_dists(real[s:s + _BLOCK_ROWS], fake, sq_r[s:s + _BLOCK_ROWS], sq_f)
        fake_in_real |= (d <= radii_r[s:s + _BLOCK_ROWS, None]).any(axis=0)
        real_in_fake[s:s + _BLOCK_ROWS] = (d <= radii_f[None, :]).any(axis=1)
    return float(fake_in_real.mean()), float(real_in_fake.mean())


# --------------------------------------------------------------------------- mode coverage


def mode_coverage(points, centers, std):
    """Mode statistics of samples from a Gaussian mixture with isotropic std (e.g. ring8, grid25).

    VEEGAN / PacGAN rule: a sample is high quality if its Euclidean distance to the nearest
    centre is at most 3 std; a mode is covered if it is the nearest centre of at least one
    high-quality sample. Returns a dict with

    - `modes_covered` (int), `num_modes` (int), `high_quality_fraction` (float);
    - `reverse_kl`: KL(q || u) = sum_j q_j log(q_j * num_modes), where q is the histogram of
      the high-quality samples over their nearest modes (normalised to sum to 1) and u the
      uniform target, with 0 log 0 = 0. It is 0 for perfectly balanced modes and log(num_modes)
      when all mass sits on one mode; it is `inf` when no sample is high quality (q undefined).
    """
    points, centers = _as_pair(points, centers, ("points", "centers"), (2, 1))
    if not (np.isfinite(std) and std > 0):
        raise MetricInputError(f"std must be a positive finite number, got {std}")
    dist = np.linalg.norm(points[:, None, :] - centers[None, :, :], axis=-1)
    nearest = dist.argmin(axis=1)
    high_quality = dist[np.arange(len(points)), nearest] <= 3 * std
    counts = np.bincount(nearest[high_quality], minlength=len(centers))
    if counts.sum() == 0:
        reverse_kl = np.inf
    else:
        q = counts[counts > 0] / counts.sum()
        reverse_kl = float(np.sum(q * np.log(q * len(centers))))
    return {
        "modes_covered": int(np.count_nonzero(counts)),
        "num_modes": len(centers),
        "high_quality_fraction": float(high_quality.mean()),
        "reverse_kl": reverse_kl,
    }
