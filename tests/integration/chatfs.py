"""Filesystems that fail under the server: a small tmpfs (out of space), and files or
directories made unwritable. Mounting needs root with CAP_SYS_ADMIN; callers fall back
to other mechanisms where it fails (see the tests)."""

import contextlib
import subprocess


def run(*cmd):
    """Runs a command; whether it succeeded."""
    return subprocess.run(cmd, capture_output=True, check=False).returncode == 0


@contextlib.contextmanager
def tmpfs(path, options):
    """Mounts a tmpfs with options on path if this process may; yields whether it did."""
    mounted = run("mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path))
    try:
        yield mounted
    finally:
        if mounted and not run("umount", str(path)):
            run("umount", "-l", str(path))


@contextlib.contextmanager
def immutable(*paths):
    """chattr +i on paths (root, on a filesystem with the flag, such as ext4: writes even
    through descriptors opened before fail with EPERM); yields whether it worked.
    Mutable again afterwards."""
    done = []
    try:
        for path in paths:
            if not run("chattr", "+i", str(path)):
                break
            done.append(path)
        yield len(done) == len(paths)
    finally:
        for path in done:
            run("chattr", "-i", str(path))
