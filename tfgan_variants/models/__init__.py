"""The engine (`base.GAN`, `update.Update` and `update.Context`) and one module per family of
variants; `tfgan_variants.VARIANTS` names the variant classes."""
from tfgan_variants.models.base import GAN
from tfgan_variants.models.update import Context, Update

__all__ = ["GAN", "Context", "Update"]
