"""File writes that never leave a half-written file where a good one stood, and a lock for
caches that several processes (pytest-xdist workers, parallel runs) may fill at once."""
import contextlib
import fcntl
import os


def temporary_path(path, suffix=".tmp"):
    """A name beside `path`, private to this process, to write before `os.replace`."""
    return f"{path}.{os.getpid()}{suffix}"


def write_text_atomically(path, text):
    """Writes `text` to `path` through a temporary file moved into place in one step."""
    tmp = temporary_path(path)
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


@contextlib.contextmanager
def locked(path):
    """Holds an exclusive lock on `path`.lock (created if needed) for the block, so that one
    process fills a cache entry while the others wait and then read it."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(f"{path}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
