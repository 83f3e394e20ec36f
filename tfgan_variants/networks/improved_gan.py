"""The networks of Improved GAN's permutation-invariant MNIST experiment (Salimans et al.
2016, arXiv 1606.03498, Section 5.1; openai/improved-gan, train_mnist_feature_matching.py),
used by the semi-supervised models on 28x28 images.

* Classifier (the discriminator): the image flattened, Gaussian noise of std 0.3, then
  weight-normalised dense layers of 1000, 500, 250, 250 and 250 ReLU units, each followed by
  Gaussian noise of std 0.5, and a weight-normalised dense layer of K logits. Feature matching
  reads the last hidden layer before its noise (the code's `layers[-3]`).
* Generator: z -> dense 500 softplus, BatchNorm -> dense 500 softplus, BatchNorm ->
  weight-normalised dense to the image. tanh for this package's [-1, 1] data, where the code
  has a sigmoid for [0, 1].
* Local generators (Localized GAN on the same data, Qi et al. 2018, Section 3), Enc two
  dense softplus layers of 500 units and a linear one, Dec the generator above:
  - `local_generator`: G(x, z) = Dec(Enc(x) + z), the code of x shifted by z;
  - `conditional_local_generator`: G(x, z) = Dec([z, Enc(x)]), z an input of its own beside
    the code, as in the authors' semi-supervised code (hhkunming/SSL_LGAN, whose generator
    concatenates its noise with the pooled encoder features). Dec's first layer then has
    weights for z apart from the code's, so z keeps its effect however large the code grows.

The noise layers draw from the model's stateless stream (`common.use_noise_source`), so one
and N replicas make the same update.
"""
import keras
import numpy as np

from tfgan_variants.layers import WeightNormDense
from tfgan_variants.networks import common

HIDDEN = (1000, 500, 250, 250, 250)
INPUT_NOISE, HIDDEN_NOISE = 0.3, 0.5
GENERATOR_WIDTH = 500


def classifier(image_shape, classes=10, hidden=HIDDEN, input_noise=INPUT_NOISE,
               hidden_noise=HIDDEN_NOISE):
    """keras.Model images -> (features [batch, hidden[-1]], logits [batch, classes])."""
    images = keras.Input(image_shape, name="images")
    x = common.GaussianNoise(input_noise)(keras.layers.Flatten()(images))
    for width in hidden:
        features = WeightNormDense(width, activation="relu", trainable_scale=False)(x)
        x = common.GaussianNoise(hidden_noise)(features)
    logits = WeightNormDense(classes, dtype="float32", name="logits")(x)
    return keras.Model(images, [features, logits], name="improved_gan_classifier")


def logits_only(network):
    """The classifier as images -> logits (what the engine's `discriminator` is)."""
    return keras.Model(network.inputs, network.outputs[1], name="classifier")


def generator(latent_dim, image_shape, width=GENERATOR_WIDTH):
    z = keras.Input((latent_dim,), name="z")
    x = z
    for _ in range(2):
        x = keras.layers.Dense(width, activation="softplus")(x)
        x = common.normalization("batch")(x)
    x = WeightNormDense(int(np.prod(image_shape)), activation="tanh", dtype="float32")(x)
    images = keras.layers.Reshape(tuple(image_shape))(x)
    return keras.Model(z, images, name="improved_gan_generator")


def encoder(x, code_dim, width=GENERATOR_WIDTH):
    code = keras.layers.Flatten()(x)
    for _ in range(2):
        code = keras.layers.Dense(width, activation="softplus")(code)
    return keras.layers.Dense(code_dim, dtype="float32")(code)


def local_generator(image_shape, latent_dim, width=GENERATOR_WIDTH):
    """G(x, z) = Dec(Enc(x) + z), one keras.Model taking [x, z]."""
    x = keras.Input(tuple(image_shape), name="x")
    z = keras.Input((latent_dim,), name="z")
    code = encoder(x, latent_dim, width)
    samples = generator(latent_dim, image_shape, width)(keras.layers.Add()([code, z]))
    return keras.Model([x, z], samples, name="improved_gan_local_generator")


def conditional_local_generator(image_shape, latent_dim, code_dim=100,
                                width=GENERATOR_WIDTH):
    """G(x, z) = Dec([z, Enc(x)]) with a `code_dim` code, one keras.Model taking [x, z]."""
    x = keras.Input(tuple(image_shape), name="x")
    z = keras.Input((latent_dim,), name="z")
    inputs = keras.layers.Concatenate()([z, encoder(x, code_dim, width)])
    samples = generator(latent_dim + code_dim, image_shape, width)(inputs)
    return keras.Model([x, z], samples, name="improved_gan_conditional_local_generator")
