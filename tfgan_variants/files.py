"""File writes that never leave a half-written file where a good one stood."""
import os


def write_text_atomically(path, text):
    """Writes `text` to `path` through a temporary file moved into place in one step."""
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
