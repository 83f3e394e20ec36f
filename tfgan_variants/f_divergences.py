"""The f-divergences of f-GAN (Nowozin et al. 2016, arXiv 1606.00709, Tables 1 and 2).

D_f(P || Q) = E_Q[f(p/q)] for a convex generator f with f(1) = 0 (the GAN row's f has
f(1) = -log 4: its divergence is 2 JS - log 4). f-GAN trains a discriminator V whose raw
output v passes through an output activation g_f into the domain of the convex conjugate
f*(t) = sup_u (t u - f(u)); with T = g_f(v) the variational bound is
D_f(P || Q) >= E_P[T(x)] - E_Q[f*(T(x))] (Eq. 6).

Each `FDivergence` holds f, g_f, f*, f'(1) (the value of T above which a sample looks "real")
and f*(g_f(v)) written directly in v: composing the two in float32 loses everything at large
|v| (for the GAN divergence, T = -softplus(-v) rounds to 0 at v = 50 and f*(0) = +inf, while
f*(g_f(v)) = softplus(v) is exact). All functions are TensorFlow ops that keep the input's
dtype. The rows, as g_f(v) (increasing, into dom f*); dom f*; f*(t); f'(1), with f of Table 1:

    total variation     1/2 tanh(v);                    |t| <= 1/2;      t;                   0
    KL                  v;                              R;               exp(t - 1);          1
    reverse KL          -exp(-v);                       t < 0;           -1 - log(-t);        -1
    Pearson chi^2       v;                              R;               t^2/4 + t;           0
    Neyman chi^2        1 - exp(-v);                    t < 1;           2 - 2 sqrt(1 - t);   0
    squared Hellinger   1 - exp(-v);                    t < 1;           t / (1 - t);         0
    Jeffrey             v;                              R;               W + 1/W + t - 2,
                                                                         W = W(e^(1 - t));    0
    Jensen-Shannon      log 2 - log(1 + exp(-v));       t < log 2;       -log(2 - exp(t));    0
    JS, weight pi       -pi log pi - log(1 + exp(-v));  t < -pi log pi;
                        (1 - pi) log((1 - pi) / (1 - pi exp(t / pi)));                        0
    GAN                 -log(1 + exp(-v));              t < 0;           -log(1 - exp(t));    -log 2
    alpha (< 1, != 0)   1/(1 - alpha) - log(1 + exp(-v));                t < 1/(1 - alpha);
                        (1/alpha) (t (alpha - 1) + 1)^(alpha / (alpha - 1)) - 1/alpha;        0

W is Lambert's W. The paper's main-text Table 2 and its appendix differ in the sign inside exp
for reverse KL, Neyman and squared Hellinger; the forms above are the increasing ones, which
map into dom f*. Every row satisfies the conjugacy f*(t) = sup_u (t u - f(u)), which
tests/test_divergence_family.py checks numerically.
"""
import dataclasses
import math
from typing import Callable

import tensorflow as tf

from tfgan_variants.errors import ConfigError

_LOG2 = math.log(2.0)
#: Newton steps of `wright_omega`: 4 reach float64 precision on [-60, 60]; one spare.
_NEWTON_STEPS = 5


@dataclasses.dataclass(frozen=True)
class FDivergence:
    """One row of the table. `in_domain(t)` tells whether t lies in dom f*."""

    name: str
    f: Callable                 # generator f(u), u > 0
    activation: Callable        # g_f(v): R -> dom f*, increasing
    conjugate: Callable         # f*(t)
    threshold: float            # f'(1)
    in_domain: Callable         # t -> bool tensor
    conjugate_of_activation: Callable = None   # v -> f*(g_f(v)), stable

    def __post_init__(self):
        if self.conjugate_of_activation is None:   # the composition is stable already
            object.__setattr__(self, "conjugate_of_activation",
                               lambda v: self.conjugate(self.activation(v)))


# ------------------------------------------------------------------ numerical helpers
def _xlogx(u):
    return u * tf.math.log(u)


def _below(bound):
    return lambda t: t < bound


def _anywhere(t):
    return tf.fill(tf.shape(t), True)


def log_softplus(x):
    """log(softplus(x)) without underflow: below x = -30, softplus(x) = e^x (1 - e^x/2 + ...)
    and the log is x to within 5e-14."""
    small = x < -30.0
    safe = tf.where(small, tf.zeros_like(x), x)
    return tf.where(small, x, tf.math.log(tf.nn.softplus(safe)))


def log1mexp_of_log(log_x):
    """log(1 - e^(-x)) for x > 0 given log x, exact also where x underflows: for x < 1e-6
    it is log x - x/2 + O(x^2)."""
    x = tf.exp(log_x)
    small = x < 1e-6
    safe = tf.where(small, tf.ones_like(x), x)
    return tf.where(small, log_x - x / 2, tf.math.log(-tf.math.expm1(-safe)))


@tf.custom_gradient
def wright_omega(y):
    """omega(y) = W(e^y), the Lambert W of e^y, for real y: the root w > 0 of w + log w = y.

    Newton's method on the concave, increasing h(w) = w + log w - y, whose step is
    w <- w (1 + y - log w) / (1 + w). It starts at softplus(y) < e^(1+y), so the first step
    stays positive; a tangent of a concave function crosses zero left of its root, so from
    there the iterates rise monotonically and quadratically to it. The gradient is the
    implicit one, omega' = omega / (1 + omega).
    """
    w = tf.nn.softplus(y)
    for _ in range(_NEWTON_STEPS):
        w = w * (1.0 + y - tf.math.log(w)) / (1.0 + w)

    def grad(upstream):
        return upstream * w / (1.0 + w)

    return w, grad


def _jeffrey_conjugate(t):
    """W + 1/W + t - 2 with W = W(e^(1-t)); 1/W = e^(W - (1 - t)) keeps the gradient finite
    where W is tiny (1/W^2 would overflow float32 from t = 45 on)."""
    y = 1.0 - t
    omega = wright_omega(y)
    return omega + tf.exp(omega - y) + t - 2.0


# ------------------------------------------------------------------ the table
TOTAL_VARIATION = FDivergence(
    "total_variation", f=lambda u: 0.5 * tf.abs(u - 1.0),
    activation=lambda v: 0.5 * tf.tanh(v), conjugate=lambda t: t, threshold=0.0,
    in_domain=lambda t: tf.abs(t) <= 0.5)

KL = FDivergence(
    "kl", f=_xlogx, activation=lambda v: v, conjugate=lambda t: tf.exp(t - 1.0),
    threshold=1.0, in_domain=_anywhere)

REVERSE_KL = FDivergence(
    "reverse_kl", f=lambda u: -tf.math.log(u), activation=lambda v: -tf.exp(-v),
    conjugate=lambda t: -1.0 - tf.math.log(-t), threshold=-1.0, in_domain=_below(0.0),
    conjugate_of_activation=lambda v: v - 1.0)

PEARSON = FDivergence(
    "pearson", f=lambda u: (u - 1.0) ** 2, activation=lambda v: v,
    conjugate=lambda t: t * t / 4.0 + t, threshold=0.0, in_domain=_anywhere)

NEYMAN = FDivergence(
    "neyman", f=lambda u: (1.0 - u) ** 2 / u, activation=lambda v: -tf.math.expm1(-v),
    conjugate=lambda t: 2.0 - 2.0 * tf.sqrt(1.0 - t), threshold=0.0, in_domain=_below(1.0),
    conjugate_of_activation=lambda v: -2.0 * tf.math.expm1(-v / 2.0))

SQUARED_HELLINGER = FDivergence(
    "squared_hellinger", f=lambda u: (tf.sqrt(u) - 1.0) ** 2,
    activation=lambda v: -tf.math.expm1(-v), conjugate=lambda t: t / (1.0 - t),
    threshold=0.0, in_domain=_below(1.0), conjugate_of_activation=tf.math.expm1)

JEFFREY = FDivergence(
    "jeffrey", f=lambda u: (u - 1.0) * tf.math.log(u), activation=lambda v: v,
    conjugate=_jeffrey_conjugate, threshold=0.0, in_domain=_anywhere)

JENSEN_SHANNON = FDivergence(
    "jensen_shannon", f=lambda u: _xlogx(u) - (u + 1.0) * tf.math.log((u + 1.0) / 2.0),
    activation=lambda v: _LOG2 - tf.nn.softplus(-v),
    conjugate=lambda t: -tf.math.log(2.0 - tf.exp(t)), threshold=0.0,
    in_domain=_below(_LOG2), conjugate_of_activation=lambda v: tf.nn.softplus(v) - _LOG2)

GAN = FDivergence(
    "gan", f=lambda u: _xlogx(u) - _xlogx(u + 1.0), activation=lambda v: -tf.nn.softplus(-v),
    conjugate=lambda t: -tf.math.log(-tf.math.expm1(t)), threshold=-_LOG2,
    in_domain=_below(0.0), conjugate_of_activation=tf.nn.softplus)


def js_weighted(pi):
    """Jensen-Shannon with weight pi in (0, 1); pi = 1/2 is half of `JENSEN_SHANNON`.

    With x = softplus(-v) / pi, pi e^(g_f(v) / pi) = e^(-x), so
    f*(g_f(v)) = (1 - pi) (log(1 - pi) - log(1 - e^(-x))).
    """
    if not 0.0 < pi < 1.0:
        raise ConfigError(f"js_weighted needs a weight pi in (0, 1), got {pi}")
    bound = -pi * math.log(pi)
    mix = lambda u: 1.0 - pi + pi * u  # noqa: E731
    log_x = lambda v: log_softplus(-v) - math.log(pi)  # noqa: E731
    return FDivergence(
        "js_weighted", f=lambda u: pi * _xlogx(u) - _xlogx(mix(u)),
        activation=lambda v: bound - tf.nn.softplus(-v),
        conjugate=lambda t: (1.0 - pi) * (math.log(1.0 - pi)
                                          - tf.math.log(1.0 - pi * tf.exp(t / pi))),
        threshold=0.0, in_domain=_below(bound),
        conjugate_of_activation=lambda v: (1.0 - pi) * (math.log(1.0 - pi)
                                                        - log1mexp_of_log(log_x(v))))


def alpha_divergence(alpha):
    """The alpha-divergence, alpha < 1 and alpha != 0 (alpha = 1/2 is twice squared Hellinger).

    t (alpha - 1) + 1 = (1 - alpha) softplus(-v) at t = g_f(v), so
    f*(g_f(v)) = expm1(alpha / (alpha - 1) (log(1 - alpha) + log softplus(-v))) / alpha,
    which for 0 < alpha < 1 grows like e^(v alpha / (1 - alpha)): alpha near 1 overflows
    float32 at moderate v, as f* itself does near the end of its domain.
    """
    if not (alpha < 1.0 and alpha != 0.0):
        raise ConfigError(f"the alpha-divergence needs alpha < 1 and alpha != 0, got {alpha}")
    bound = 1.0 / (1.0 - alpha)
    power = alpha / (alpha - 1.0)
    return FDivergence(
        "alpha", f=lambda u: (u ** alpha - 1.0 - alpha * (u - 1.0)) / (alpha * (alpha - 1.0)),
        activation=lambda v: bound - tf.nn.softplus(-v),
        conjugate=lambda t: ((t * (alpha - 1.0) + 1.0) ** power - 1.0) / alpha,
        threshold=0.0, in_domain=_below(bound),
        conjugate_of_activation=lambda v: tf.math.expm1(
            power * (math.log(1.0 - alpha) + log_softplus(-v))) / alpha)


_FIXED = {d.name: d for d in (TOTAL_VARIATION, KL, REVERSE_KL, PEARSON, NEYMAN,
                              SQUARED_HELLINGER, JEFFREY, JENSEN_SHANNON, GAN)}
NAMES = tuple(_FIXED) + ("js_weighted", "alpha")


def get(name, *, pi=0.5, alpha=0.5):
    """The divergence called `name` (one of `NAMES`); `pi` and `alpha` parametrise
    'js_weighted' and 'alpha' and are ignored by the others."""
    if name == "js_weighted":
        return js_weighted(pi)
    if name == "alpha":
        return alpha_divergence(alpha)
    if name not in _FIXED:
        raise ConfigError(f"unknown f-divergence {name!r}; choose one of {', '.join(NAMES)}")
    return _FIXED[name]
