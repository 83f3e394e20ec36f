"""An exponential moving average of the generator's weights, sampled in place of G.

Yazici et al. 2019 ("The Unusual Effectiveness of Averaging in GAN Training", arXiv
1806.04498): theta_EMA^(t) = beta theta_EMA^(t-1) + (1 - beta) theta^(t), after every
generator update, from a start step on (before it the average is a copy of G, so that it
does not carry the first, poor weights). The average never feeds back into training.

Batch-norm statistics are not weights of an average: the averaged network's moving means
and variances are copied from G at every step (as StudioGAN's `ema.update` copies its
buffers), and, with `standing_batches` > 0, recomputed for the averaged weights before each
use ("standing statistics" of BigGAN, Brock et al. 2019, and StudioGAN): the mean of the
batch statistics of that many batches of its own samples.
"""
import keras
import tensorflow as tf

#: The seed of the latent draws of the standing statistics (fixed, so that they are a
#: function of the averaged weights only).
STANDING_SEED = 0x57a7


def check_same_architecture(average, generator):
    """The two networks hold weights of the same shapes in the same order."""
    shapes = [tuple(w.shape) for w in average.weights]
    if shapes != [tuple(w.shape) for w in generator.weights]:
        raise ValueError("the averaged generator's weights differ from G's in shape")


def copy(average, generator):
    for mine, theirs in zip(average.weights, generator.weights):
        mine.assign(theirs)


def update(average, generator, decay):
    """One step of the average: trainable weights theta_EMA <- decay theta_EMA + (1 - decay)
    theta; every other weight (batch-norm statistics, seed states) copied. `decay` 0 copies
    everything."""
    for mine, theirs in zip(average.weights, generator.weights):
        if theirs.trainable:
            mine.assign(decay * mine + (1.0 - decay) * tf.cast(theirs, mine.dtype))
        else:
            mine.assign(theirs)


def batch_norms(network):
    """The BatchNormalization layers of `network`, those inside other layers included."""
    return [layer for layer in network._flatten_layers(include_self=False)
            if isinstance(layer, keras.layers.BatchNormalization)]


#: Rows of each batch of the standing statistics.
STANDING_BATCH = 64


def standing_statistics(network, sample, batches, latent_dim, batch_size=STANDING_BATCH):
    """Sets the moving statistics of `network`'s batch norms to the mean over `batches`
    batches of their batch statistics when `sample(z)` (which calls `network` in training
    mode) runs on z ~ N(0, I) [batch_size, latent_dim], seeded. Eager, since each call reads
    the momentum of the running mean: m_k = m_(k-1) k / (k + 1) + x_k / (k + 1). Frozen
    batch norms are unfrozen meanwhile."""
    norms = batch_norms(network)
    if not norms or batches <= 0:
        return
    saved = [(layer.momentum, layer.trainable) for layer in norms]
    try:
        for layer in norms:
            # A frozen batch norm (the average is not trainable) runs in inference mode even
            # when called in training mode, and so would neither read nor keep its batch
            # statistics.
            layer.trainable = True
        for k in range(batches):
            for layer in norms:
                layer.momentum = k / (k + 1)
            sample(tf.random.stateless_normal([batch_size, latent_dim], [STANDING_SEED, k]))
    finally:
        for layer, (momentum, trainable) in zip(norms, saved):
            layer.momentum, layer.trainable = momentum, trainable
