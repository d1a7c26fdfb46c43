"""The one way phonehome opens session files and writes outputs: regular files only.

A session folder comes from other people (a colleague, a source, an archive) and is hostile
input. Any of its files can be a symbolic link to a file the user can write, a FIFO that blocks
`open()` forever, or a device. So every session file is opened with

- `O_NOFOLLOW`: a link in the last component fails (`ELOOP`) instead of being followed;
- `O_NONBLOCK`: opening a FIFO cannot block (for writing, no reader gives `ENXIO`);
- then `fstat` on the descriptor itself: anything but a regular file is refused, with a
  one-line `UnsafeFile` error naming the file; `O_NONBLOCK` is cleared again for regular files;
- for writing into an existing file: a regular file with other hard links is refused too
  (appending to it would change the other name's content).

Permissions are set with `fchmod` on the descriptor, never on a path.

Outputs (reports, exports, `session.json`) go through `atomic_output`: a fresh temporary file
(`O_CREAT | O_EXCL`) in the target's folder, every byte written (short writes retried, errors
raised), `fsync`ed, and renamed over the target only when complete. A failed write leaves the
previous file as it was and raises `OutputError`, whose message says why (disk full, read-only,
permission) in one line.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FILE_MODE = 0o600
MIN_FREE_BYTES = 4096
"""`check_output` says the disk is full when less than this is free."""

_KIND_NAMES = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
    stat.S_IFLNK: "a symbolic link",
}


class UnsafeFile(OSError):
    """A session file or output that is not a plain regular file (link, FIFO, device...)."""

    def __init__(self, path: Path | str, what: str) -> None:
        super().__init__(
            errno.EPERM, f"{path}: refused: {what}; phonehome only reads and writes regular files"
        )
        self.path = Path(path)
        self.what = what

    def __str__(self) -> str:
        return str(self.strerror)


class OutputError(OSError):
    """An output could not be written completely; the previous file (if any) is unchanged."""

    def __str__(self) -> str:
        return str(self.strerror)


def reason(e: OSError) -> str:
    """A short human reason for an OS error."""
    return {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
        errno.EIO: "input/output error",
        errno.ENOENT: "no such folder",
        errno.ENOTDIR: "not a folder",
        errno.EFBIG: "the file is too large for the file system",
    }.get(e.errno or 0, e.strerror or str(e))


def kind_of(mode: int) -> str:
    return _KIND_NAMES.get(stat.S_IFMT(mode), "not a regular file")


def open_fd(path: Path | str, flags: int, *, follow: bool = False, mode: int = FILE_MODE) -> int:
    """A descriptor on the regular file `path`, opened with `flags` (plus `O_CLOEXEC`).

    Symbolic links are refused unless `follow` (an input the user named on the command line);
    FIFOs, devices, sockets and folders always are. Writing opens (`O_WRONLY`/`O_RDWR`) also
    refuse a file with more than one hard link. Raises `UnsafeFile` (a one-line message naming
    the file) or the `OSError` of `open()` itself (e.g. `FileNotFoundError`)."""
    path = Path(path)
    open_flags = flags | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    try:
        before = os.stat(path, follow_symlinks=follow)
    except FileNotFoundError:
        if not flags & os.O_CREAT:
            raise
    else:
        # Refuse without opening at all when the name is visibly no regular file (opening a
        # device can have effects of its own); the fstat below closes the race.
        if not stat.S_ISREG(before.st_mode):
            raise UnsafeFile(path, f"it is {kind_of(before.st_mode)}")
    try:
        fd = os.open(path, open_flags, mode)
    except OSError as e:
        if e.errno == errno.ELOOP and not follow:
            raise UnsafeFile(path, "it is a symbolic link") from None
        if e.errno == errno.ENXIO:
            raise UnsafeFile(path, "it is a FIFO (named pipe) or socket") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFile(path, f"it is {kind_of(st.st_mode)}")
        writing = flags & (os.O_WRONLY | os.O_RDWR)
        if writing and st.st_nlink > 1:
            raise UnsafeFile(
                path, f"it has {st.st_nlink} hard links (writing would change the other names too)"
            )
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


class WholeFile(io.FileIO):
    """An unbuffered file whose `write` writes everything or raises (a plain `FileIO` may write
    part of the data and return the count, which callers ignore)."""

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        total = len(view)
        while view:
            n = super().write(view)
            if n is None:  # non-blocking descriptor that would block: not ours
                raise BlockingIOError(errno.EAGAIN, "write would block")
            if n == 0:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            view = view[n:]
        return total


def open_read(path: Path | str, *, follow: bool = False) -> io.BufferedReader:
    """A buffered binary reader on the regular file `path` (see `open_fd`)."""
    fd = open_fd(path, os.O_RDONLY, follow=follow)
    return io.BufferedReader(io.FileIO(fd, "rb", closefd=True))


def read_bytes(path: Path | str, *, follow: bool = False, limit: int | None = None) -> bytes:
    """The content of the regular file `path`; with `limit`, a larger file raises `ValueError`."""
    with open_read(path, follow=follow) as f:
        if limit is not None:
            size = os.fstat(f.fileno()).st_size
            if size > limit:
                raise ValueError(f"{path}: {size:,} bytes, more than the {limit:,} phonehome reads from it")
            data = f.read(limit + 1)
            if len(data) > limit:
                raise ValueError(f"{path}: more than the {limit:,} bytes phonehome reads from it")
            return data
        return f.read()


def open_private(path: Path | str, mode: str = "ab") -> WholeFile:
    """Open the regular file `path` for writing, created owner-only (0600) whatever the umask:
    `ab` appends (`O_APPEND`), `wb` truncates. Links, FIFOs, devices and multiply linked files
    are refused (`UnsafeFile`); writes are whole or raise."""
    if mode not in ("ab", "wb"):
        raise ValueError(f"open_private mode must be 'ab' or 'wb', not {mode!r}")
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if mode == "ab" else os.O_TRUNC)
    fd = open_fd(path, flags)
    try:
        os.fchmod(fd, FILE_MODE)
    except BaseException:
        os.close(fd)
        raise
    return WholeFile(fd, mode, closefd=True)


def check_output(path: Path | str) -> None:
    """Raise `OutputError`/`UnsafeFile` now if `path` cannot be written as an output: its folder
    is missing, read-only or not writable, or the name is a link, FIFO, device or folder. Call it
    before a long analysis so that the analysis is not wasted."""
    path = Path(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        pass
    except OSError as e:
        raise OutputError(e.errno or errno.EIO, f"{path}: cannot write: {reason(e)}") from None
    else:
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFile(path, f"it is {kind_of(st.st_mode)}")
    folder = path.parent
    try:
        fs = os.statvfs(folder)
    except OSError as e:
        raise OutputError(e.errno or errno.EIO, f"{path}: cannot write there: {reason(e)}") from None
    if fs.f_bavail * fs.f_frsize < MIN_FREE_BYTES:
        raise OutputError(errno.ENOSPC, f"{path}: cannot write there: {reason(OSError(errno.ENOSPC, ''))}")
    try:
        fd, tmp = _temp_in(folder, path.name)
    except OSError as e:
        raise OutputError(e.errno or errno.EIO, f"{path}: cannot write there: {reason(e)}") from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def _temp_in(folder: Path, name: str) -> tuple[int, Path]:
    for _ in range(100):
        tmp = folder / f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
        except FileExistsError:
            continue
        try:
            os.fchmod(fd, FILE_MODE)
        except BaseException:
            os.close(fd)
            os.unlink(tmp)
            raise
        return fd, tmp
    raise OSError(errno.EEXIST, f"{folder}: no free temporary name")


class AtomicFile:
    """An output written completely or not at all: a temporary file (0600) in the target's
    folder; `commit()` fsyncs it and renames it over the target, `abort()` removes it. Used as a
    context manager it commits when the block ends normally and aborts on an exception. Any
    failure leaves the target as it was and raises `OutputError` (or `UnsafeFile`)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        check_output(self.path)
        try:
            fd, self.tmp = _temp_in(self.path.parent, self.path.name)
        except OSError as e:
            raise _output_error(self.path, e) from None
        self.file = WholeFile(fd, "wb", closefd=True)
        self.done = False

    def write(self, data: Any) -> int:
        try:
            return self.file.write(data)
        except OSError as e:
            self.abort()
            raise _output_error(self.path, e) from None

    def commit(self) -> None:
        if self.done:
            return
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            # The name may have become a link or FIFO since check_output: rename replaces the
            # name itself and never writes through it, but refuse anything that is no file.
            try:
                st = os.lstat(self.path)
            except FileNotFoundError:
                pass
            else:
                if not stat.S_ISREG(st.st_mode):
                    raise UnsafeFile(self.path, f"it is {kind_of(st.st_mode)}")
            os.replace(self.tmp, self.path)
        except UnsafeFile:
            self.abort()
            raise
        except OSError as e:
            self.abort()
            raise _output_error(self.path, e) from None
        self.done = True
        _fsync_dir(self.path.parent)

    def abort(self) -> None:
        if self.done:
            return
        self.done = True
        with contextlib.suppress(OSError):
            self.file.close()
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()
            if isinstance(exc, OSError) and not isinstance(exc, (OutputError, UnsafeFile)):
                raise _output_error(self.path, exc) from None


def _output_error(path: Path, e: OSError) -> OutputError:
    return OutputError(
        e.errno or errno.EIO, f"{path}: not written ({reason(e)}); the previous file, if any, is unchanged"
    )


@contextlib.contextmanager
def atomic_output(path: Path | str) -> Iterator[WholeFile]:
    """`AtomicFile` as a plain file: yields the temporary file to write to (for writers that want
    a file object, such as pandas or pyarrow)."""
    with AtomicFile(path) as out:
        yield out.file


def write_atomic(path: Path | str, data: bytes) -> None:
    """`data` to `path` through `atomic_output`."""
    with atomic_output(path) as f:
        f.write(data)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
