"""Pictures of samples: image grids and 2-D scatter plots, as PNG."""
import io

import numpy as np
from PIL import Image


def image_grid(images, columns=None):
    """[n, H, W, C] images in [-1, 1] -> one uint8 [rows*H, columns*W, C] grid."""
    images = np.asarray(images)
    n, height, width, channels = images.shape
    columns = columns or int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / columns))
    pixels = np.clip((images + 1.0) * 127.5 + 0.5, 0, 255).astype(np.uint8)
    grid = np.zeros((rows * height, columns * width, channels), np.uint8)
    for i, image in enumerate(pixels):
        r, c = divmod(i, columns)
        grid[r * height:(r + 1) * height, c * width:(c + 1) * width] = image
    return grid


def class_rows(images, labels, num_classes, columns=8):
    """One row per class of the first `columns` images of each class (fewer where a class
    has fewer), rows in class order: a conditional generator's grid."""
    images, labels = np.asarray(images), np.asarray(labels)
    rows = [images[labels == c][:columns] for c in range(num_classes)]
    columns = max(len(row) for row in rows)
    blank = np.full((columns,) + images.shape[1:], -1.0, images.dtype)
    padded = [np.concatenate([row, blank[len(row):]]) for row in rows]
    return image_grid(np.concatenate(padded), columns=columns)


def scatter_plot(points, centers=None, title="", colors=None):
    """A PNG-ready uint8 RGB array: 2-D samples (blue, or coloured by the values `colors`
    on a viridis scale) over the mixture's centres (red)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(4, 4), dpi=100)
    if colors is None:
        axes.scatter(points[:, 0], points[:, 1], s=2, alpha=0.4, color="tab:blue")
    else:
        axes.scatter(points[:, 0], points[:, 1], c=colors, s=3, cmap="viridis")
    if centers is not None:
        axes.scatter(centers[:, 0], centers[:, 1], s=30, marker="x", color="tab:red")
        span = np.abs(centers).max() * 1.5 + 0.5
        axes.set_xlim(-span, span)
        axes.set_ylim(-span, span)
    axes.set_aspect("equal")
    axes.set_title(title, fontsize=9)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return np.asarray(Image.open(buffer).convert("RGB"))


def save_png(array, path):
    array = np.asarray(array)
    Image.fromarray(array[..., 0] if array.shape[-1] == 1 else array).save(path)
