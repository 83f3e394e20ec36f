"""Architecture builders: each returns a built `keras.Model`.

`build(config, data_shape, latent_dim, num_classes)` picks the builder named by
`config.name` and returns (G, D); with num_classes > 0, class-conditional ones (G on
[z, label], D on [images, label]) of the architectures in `CONDITIONAL_ARCHITECTURES`.
"""
from tfgan_variants.errors import UserError
from tfgan_variants.networks import began, dcgan, mlp, resnet, sngan_cnn

ARCHITECTURES = {"dcgan": dcgan, "sngan_cnn": sngan_cnn, "resnet": resnet, "began": began,
                 "mlp": mlp}
IMAGE_ARCHITECTURES = tuple(name for name in ARCHITECTURES if name != "mlp")
CONDITIONAL_ARCHITECTURES = ("dcgan", "sngan_cnn", "resnet")


def build(config, data_shape, latent_dim, num_classes=0):
    """(generator, discriminator) for data of `data_shape` from a `config.networks` block;
    class-conditional for num_classes > 0."""
    if config.name not in ARCHITECTURES:
        raise UserError(f"unknown architecture {config.name!r}; choose one of "
                        f"{sorted(ARCHITECTURES)}")
    if num_classes and config.name not in CONDITIONAL_ARCHITECTURES:
        raise UserError(f"architecture {config.name!r} has no class-conditional form; use one "
                        f"of {', '.join(CONDITIONAL_ARCHITECTURES)}")
    module = ARCHITECTURES[config.name]
    if (config.name == "mlp") != (len(data_shape) == 1):
        kind = "vectors" if len(data_shape) == 1 else "images"
        raise UserError(f"architecture {config.name!r} does not fit {kind} of shape "
                        f"{tuple(data_shape)}; use 'mlp' for 2-D data and one of "
                        f"{', '.join(repr(name) for name in IMAGE_ARCHITECTURES)} for images")
    d_kwargs = {"output_dim": config.d_out, "width": config.width, "norm": config.d_norm,
                "dropout": config.get("d_dropout", 0.0)}
    if config.name == "mlp":
        return (mlp.generator(latent_dim, data_shape[0], config.width, config.depth),
                mlp.discriminator(data_shape[0], depth=config.depth, **d_kwargs))
    if config.name in ("sngan_cnn", "resnet"):
        d_kwargs["pooling"] = config.pooling
    if config.name == "resnet":
        d_kwargs["activation"] = config.get("d_activation", "relu")
    if num_classes:
        d_kwargs["num_classes"] = num_classes
    g_kwargs = {"num_classes": num_classes} if num_classes else {}
    try:
        return (module.generator(latent_dim, tuple(data_shape), generator_width(config),
                                 **g_kwargs),
                module.discriminator(tuple(data_shape), **d_kwargs))
    except ValueError as e:
        raise UserError(f"cannot build {config.name!r} for data of shape "
                        f"{tuple(data_shape)}: {e}") from None


def generator_width(config):
    """The generator's width: `g_width` where a config sets it (SN-GAN's ResNet has G twice
    as wide as D), else the shared `width`."""
    return config.get("g_width") or config.width


def decoder(config, data_shape, code_dim):
    """A network from `code_dim`-vectors back to data of `data_shape`, built like the generator
    (MMD-GAN's critic decoder, Li et al. 2017). Call after `build` has checked `config`."""
    if config.name == "mlp":
        return mlp.generator(code_dim, data_shape[0], config.width, config.depth)
    return ARCHITECTURES[config.name].generator(code_dim, tuple(data_shape),
                                                generator_width(config))
