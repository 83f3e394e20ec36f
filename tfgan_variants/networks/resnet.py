"""The ResNet generator and discriminator of SN-GAN, WGAN-GP, CT-GAN and Sphere GAN.

Blocks (Miyato et al. 2018, arXiv 1802.05957, Appendix B, and the authors' code
pfnet-research/sngan_projection; Gulrajani et al. 2017, arXiv 1704.00028, and the authors'
gan_cifar_resnet.py):

* G up-block: BN, ReLU, 2x nearest upsampling, 3x3 conv, BN, ReLU, 3x3 conv; shortcut a 1x1
  conv of the upsampled input.
* D's first ("optimized") block: 3x3 conv, [norm], act, 3x3 conv, 2x2 average pooling;
  shortcut average pooling then a 1x1 conv.
* D block: [norm], act, 3x3 conv, [norm], act, 3x3 conv, [average pooling]; shortcut a
  1x1 conv (then pooling) where the block pools or changes the width, else the identity.

Channels per resolution, w = `width` (Tables 4 and 5 of Miyato et al.):

* 32 px (CIFAR-10, Table 4): G dense to 4x4xw, up-blocks w, w, w; D blocks w (down), w
  (down), w, w. SN-GAN: w = 256 in G, 128 in D; WGAN-GP: 128 in both; Sphere GAN's ResNet
  (taki0112's TF code, the same layout): 256 in G, 128 in D.
* 48 px (STL-10, Table 5): G dense to 6x6x8w, up-blocks 4w, 2w, w; D blocks w, 2w, 4w, 8w
  (down), 16w (w = 64: 512 -> 256 -> 128 -> 64 and 64 ... 1024, as the table).
* 64 px (LSUN bedroom; sngan_projection's resnet_64.py / snresnet_64.py): G dense to
  4x4x16w, up-blocks 8w, 4w, 2w, w; D blocks w, 2w, 4w, 8w, 16w, all down.

G ends in BN, ReLU, a 3x3 conv to the image channels and tanh. With num_classes > 0 every BN
of G is class-conditional and D ends in the projection head (`common.output_head`): the
networks of the projection paper's class-conditional ResNets (Miyato & Koyama 2018). D ends in its activation,
global pooling ('sum' as SN-GAN's code, 'global_average' as WGAN-GP's and Sphere GAN's, or
'flatten') and Dense(output_dim): 1 for a critic, n = 1024 features for Sphere GAN.
"""
import keras

from tfgan_variants.errors import ConfigError
from tfgan_variants.networks import common

#: image size -> (G's base size, G's widths: base map then each up-block, D's block widths,
#: number of D blocks that halve the size), widths in multiples of `width`.
PLANS = {
    32: (4, (1, 1, 1, 1), (1, 1, 1, 1), 2),
    48: (6, (8, 4, 2, 1), (1, 2, 4, 8, 16), 4),
    64: (4, (16, 8, 4, 2, 1), (1, 2, 4, 8, 16), 5),
}
ACTIVATIONS = ("relu", "leaky_relu")
POOLINGS = ("sum", "global_average", "flatten")


def plan(image_shape):
    """The `PLANS` entry of square images of `image_shape` (H, W, C)."""
    size = common.check_square(image_shape)
    if size not in PLANS:
        raise ConfigError(f"the ResNet is defined for {sorted(PLANS)} px images, not {size} px")
    return PLANS[size]


class GlobalSumPooling2D(keras.layers.Layer):
    """Sum over height and width (SN-GAN's `F.sum(h, axis=(2, 3))`)."""

    def call(self, inputs):
        return keras.ops.sum(inputs, axis=(1, 2))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1])


def _activation(name):
    if name not in ACTIVATIONS:
        raise ConfigError(f"activation must be one of {ACTIVATIONS}, got {name!r}")
    return keras.layers.ReLU() if name == "relu" else keras.layers.LeakyReLU(0.2)


def _conv(filters, kernel, norm="none"):
    return common.weight_layer(keras.layers.Conv2D(filters, kernel, padding="same"), norm)


def _up_block(x, filters, batch_norm):
    main = common.apply(batch_norm(x), keras.layers.ReLU(), keras.layers.UpSampling2D(),
                        _conv(filters, 3))
    main = common.apply(batch_norm(main), keras.layers.ReLU(), _conv(filters, 3))
    # A 1x1 conv commutes with nearest upsampling: convolving first is 4x cheaper.
    shortcut = common.apply(x, _conv(filters, 1), keras.layers.UpSampling2D())
    return keras.layers.Add()([main, shortcut])


def _pool(down=True):
    return keras.layers.AveragePooling2D(2) if down else None


def _down_block(x, filters, norm, activation, down, first):
    """D's block; `first` is the optimized block that takes the image (no pre-activation)."""
    if first:
        main = common.apply(x, _conv(filters, 3, norm), common.normalization(norm),
                            _activation(activation), _conv(filters, 3, norm), _pool())
        return keras.layers.Add()([main, common.apply(x, _pool(), _conv(filters, 1, norm))])
    main = common.apply(x, common.normalization(norm), _activation(activation),
                        _conv(x.shape[-1], 3, norm), common.normalization(norm),
                        _activation(activation), _conv(filters, 3, norm), _pool(down))
    shortcut = x
    if down or x.shape[-1] != filters:
        shortcut = common.apply(x, _conv(filters, 1, norm), _pool(down))
    return keras.layers.Add()([main, shortcut])


def generator(latent_dim, image_shape, width=128, num_classes=0):
    """The ResNet generator for 32, 48 or 64 px (`PLANS`); `width` as in the module doc."""
    base, widths, _, _ = plan(image_shape)
    z, label = keras.Input((latent_dim,), name="z"), common.label_input(num_classes)
    batch_norm = common.generator_batch_norm(label, num_classes)
    x = keras.layers.Dense(base * base * width * widths[0])(z)
    x = keras.layers.Reshape((base, base, width * widths[0]))(x)
    for multiple in widths[1:]:
        x = _up_block(x, width * multiple, batch_norm)
    x = common.apply(batch_norm(x), keras.layers.ReLU(), _conv(image_shape[-1], 3))
    images = keras.layers.Activation("tanh", dtype="float32")(x)
    return keras.Model(common.model_inputs(z, label), images, name="resnet_generator")


def discriminator(image_shape, output_dim=1, width=128, norm="spectral", pooling="sum",
                  dropout=0.0, activation="relu", num_classes=0):
    """The ResNet discriminator for 32, 48 or 64 px (`PLANS`).

    norm: 'spectral' (SN-GAN: every conv and the dense layer), 'none' (WGAN-GP's CIFAR
      critic), 'layer' (Sphere GAN; WGAN-GP's 64 px critic) or 'batch', before activations.
    activation: 'relu' (SN-GAN, WGAN-GP) or 'leaky_relu' (slope 0.2, Sphere GAN).
    dropout: > 0 adds Dropout of this rate after every block but the first, where CT-GAN's
      CIFAR-10 critic has it (Wei et al. 2018, the authors' CT_gan_cifar_resnet.py, whose
      rates are 0.2, 0.5, 0.5).
    """
    common.check_norm(norm)
    if pooling not in POOLINGS:
        raise ConfigError(f"pooling must be one of {POOLINGS}, got {pooling!r}")
    _, _, widths, downs = plan(image_shape)
    x = images = keras.Input(image_shape, name="images")
    label = common.label_input(num_classes)
    for i, multiple in enumerate(widths):
        x = _down_block(x, width * multiple, norm, activation, down=i < downs, first=i == 0)
        if i > 0:
            x = common.apply(x, common.dropout(dropout))
    pool = {"sum": GlobalSumPooling2D, "global_average": keras.layers.GlobalAveragePooling2D,
            "flatten": keras.layers.Flatten}[pooling]
    x = common.apply(x, _activation(activation), pool())
    out = common.output_head(x, label, output_dim, norm, num_classes)
    return keras.Model(common.model_inputs(images, label), out, name="resnet_discriminator")

