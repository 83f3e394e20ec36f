"""Sphere GAN with a spectrally normalised critic (`SphereGANStable`, beyond the paper): the
objective and optimizer of `configs/sphere_gan.py` for the same dataset (R = 3 unweighted
moments, S^1024, Adam with beta_1 0, one D step per G step), with spectral normalisation on
every layer of D in place of the paper's LayerNorm. The default run (`python train.py`)
trains this config on Fashion-MNIST.

Why: the paper's critic is unbounded and sends generated samples to large |p|, where the
geodesic distance to the pole flattens, so samples between the modes get almost no gradient.
A spectrally normalised critic is 1-Lipschitz: its features stay near the south pole, where
the distance falls linearly in |p| (docs/RESULTS.md, "A Sphere GAN that does not saturate").

On images D flattens its last feature map into Dense(1024), as SN-GAN's critic does: after
global average pooling (the paper's) the spectrally normalised features are too small to
separate real from fake (docs/RESULTS.md).

Usage: --config=configs/sphere_gan_stable.py:<dataset>   (the default run: fashion_mnist)
"""
from tfgan_variants import config_base, data


def get_config(dataset="fashion_mnist"):
    config = config_base.load("sphere_gan", dataset)
    config.variant = "sphere_gan_stable"
    config.networks.d_norm = "spectral"
    if dataset not in data.DATASETS_2D:
        # SN-GAN's poolings: flatten for its standard CNN, a global sum for its ResNet
        # (the ResNet setting is not measured here).
        config.networks.pooling = ("sum" if config.networks.name == "resnet" else "flatten")
    if dataset in data.KERAS_DATASETS:
        # The default run: the Fashion-MNIST benchmark's budget (3,000 steps at width 32),
        # XLA-compiled, about 7 minutes on 2 CPU cores.
        config.networks.width = 32
        config.train.steps = 3000
        config.train.jit_compile = True
    return config
