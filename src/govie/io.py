"""Reading report files and writing outputs, with errors a person can act on.

Reports reach researchers in whatever encoding the portal or the .docx export produced:
UTF-8 (with or without a BOM), UTF-16 from Windows tools, GB18030/GBK from older
Chinese systems. ``read_text`` finds the encoding itself, so nobody has to name it, and
refuses anything that is not text with one line that names the file and, where it
helps, the byte position. The decoded text is returned exactly as it is (only a BOM is
dropped): every offset govie reports indexes this string, so newlines (``\\r\\n``
included) and spaces are never touched here.

Outputs are written atomically (temp file in the same folder, fsync, ``os.replace``) so
an interrupted run never leaves a half-written JSONL that looks complete.
"""
from __future__ import annotations

import codecs
import contextlib
import errno
import os
import tempfile
from pathlib import Path
from typing import IO, Iterable, Iterator, Optional, Union

from govie import config
from govie.errors import InputError, OutputError

PathLike = Union[str, "os.PathLike[str]"]

#: errno values that mean "this output cannot be written", wherever they surface.
_WRITE_ERRNOS = frozenset(
    getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EFBIG", "EROFS") if hasattr(errno, name)
)

#: Byte-order marks, longest first, and the codec that reads what follows them.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: Codecs tried in order for a file with neither BOM nor UTF-16 NUL pattern. Strict
#: UTF-8 first: GB18030 accepts almost any byte string, UTF-8 almost none by accident.
_PLAIN_CODECS: tuple[str, ...] = ("utf-8", "gb18030")


def read_text(path: PathLike) -> str:
    """Read one report file and return its text exactly as decoded (BOM removed).

    Raises ``InputError`` (message names the file) for a missing file, a directory, an
    empty or oversized file, binary content, or bytes no supported encoding can read.
    """
    p = Path(path)
    data = _read_bytes(p)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decode(p, data[len(bom):], codec, offset=len(bom))
    utf16 = _sniff_utf16(data)
    if utf16 is not None:
        return _decode(p, data, utf16, offset=0)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(f"{p}: binary file, not text (NUL byte at byte {nul})")
    furthest: Optional[UnicodeDecodeError] = None
    for codec in _PLAIN_CODECS:
        try:
            return data.decode(codec)
        except UnicodeDecodeError as err:
            if furthest is None or err.start > furthest.start:
                furthest = err
    assert furthest is not None
    raise InputError(
        f"{p}: not UTF-8, UTF-16 or GB18030 text "
        f"(undecodable byte 0x{data[furthest.start]:02x} at byte {furthest.start})"
    )


def _read_bytes(p: Path) -> bytes:
    """The file's bytes, after the checks that need no decoding."""
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a folder, not a file")
    try:
        size = p.stat().st_size
        if size > config.MAX_INPUT_BYTES:
            raise InputError(
                f"{p}: file is {size} bytes, over the limit of {config.MAX_INPUT_BYTES} bytes "
                "(a report is well under 1 MB; is this the right file?)"
            )
        data = p.read_bytes()
    except OSError as err:
        raise InputError(f"{p}: cannot read ({err.strerror or err})") from None
    if len(data) > config.MAX_INPUT_BYTES:  # grew between stat and read
        raise InputError(f"{p}: file is over the limit of {config.MAX_INPUT_BYTES} bytes")
    if not data:
        raise InputError(f"{p}: file is empty")
    return data


def _sniff_utf16(data: bytes) -> Optional[str]:
    """Guess UTF-16 without a BOM, or return None.

    Only files with NUL bytes are candidates: in UTF-16 every ASCII character (digits,
    ``%``, newlines: plenty in a report) has a NUL byte. Where the NULs sit does not
    settle the byte order (``一`` is U+4E00, a NUL on the other side), so both orders are
    decoded and scored by how much of the result looks like report text; binary data
    scores low under both.
    """
    if b"\x00" not in data or len(data) % 2:
        return None
    sample = data[: config.UTF16_SNIFF_BYTES]
    best_codec, best_share = None, 0.0
    for codec in ("utf-16-le", "utf-16-be"):
        decoded = sample.decode(codec, errors="replace")
        share = sum(map(_is_text_char, decoded)) / max(len(decoded), 1)
        if share > best_share:
            best_codec, best_share = codec, share
    return best_codec if best_share >= config.UTF16_MIN_TEXT_SHARE else None


#: Code point ranges of ordinary report characters (used only to guess UTF-16).
_TEXT_RANGES: tuple[tuple[int, int], ...] = (
    (0x20, 0x7E),      # ASCII printable
    (0xA0, 0xFF),      # Latin-1 (·, ×, °)
    (0x2000, 0x206F),  # general punctuation (—, “”, …)
    (0x2100, 0x27BF),  # letterlike, arrows, maths, enclosed numbers (①), shapes (○)
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。〇《》)
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xFF00, 0xFFEF),  # full-width forms (，：％１)
)


def _is_text_char(ch: str) -> bool:
    code = ord(ch)
    return ch in "\t\n\r" or any(lo <= code <= hi for lo, hi in _TEXT_RANGES)


def _decode(p: Path, payload: bytes, codec: str, *, offset: int) -> str:
    """Strictly decode ``payload``; ``offset`` maps error positions back to file bytes."""
    if codec.startswith("utf-16") and len(payload) % 2:
        raise InputError(f"{p}: truncated UTF-16 text (odd number of bytes after the byte-order mark)")
    try:
        text = payload.decode(codec)
    except UnicodeDecodeError as err:
        raise InputError(
            f"{p}: not valid {codec.upper()} text (undecodable bytes at byte {err.start + offset})"
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        unit = 2 if codec.startswith("utf-16") else 1
        raise InputError(f"{p}: binary file, not text (NUL character at byte {offset + nul * unit})")
    if not text:
        raise InputError(f"{p}: file is empty (only a byte-order mark)")
    return text


def iter_input_files(paths: Iterable[PathLike], suffixes: tuple[str, ...] = (".txt",)) -> list[Path]:
    """Expand files and folders into a list of input files, in a stable order.

    A file named explicitly is taken whatever its suffix (the user chose it); a folder is
    searched recursively for files ending in one of ``suffixes`` (case-insensitive),
    sorted, skipping hidden files and folders (editor backups, ``.ipynb_checkpoints``).
    A path that does not exist, or a folder without any matching file, is an
    ``InputError``. Duplicates are dropped, first occurrence kept.
    """
    wanted = tuple(s.lower() for s in suffixes)
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise InputError(f"{p}: no such file or folder")
        if p.is_dir():
            found = sorted(
                f for f in p.rglob("*")
                if f.is_file()
                and f.name.lower().endswith(wanted)
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
            if not found:
                raise InputError(f"{p}: folder holds no {'/'.join(suffixes)} files")
        else:
            found = [p]
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


@contextlib.contextmanager
def atomic_writer(path: PathLike, *, binary: bool = False, encoding: str = "utf-8") -> Iterator[IO]:
    """Open a temp file beside ``path``; on success fsync and ``os.replace`` it into place.

    On any exception (KeyboardInterrupt included) the temp file is removed and an
    existing ``path`` is left exactly as it was. Text mode does no newline translation
    (``newline=""``), so JSONL and CSV bytes are the same on every platform.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{target}: cannot write, folder {folder} does not exist")
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as err:
        raise OutputError(f"{target}: cannot write ({err.strerror or err})") from None
    tmp = Path(tmp_name)
    in_body = False
    try:
        if binary:
            handle: IO = os.fdopen(fd, "wb")
        else:
            handle = os.fdopen(fd, "w", encoding=encoding, newline="")
        with handle:
            in_body = True
            yield handle
            in_body = False
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _target_mode(target))
        os.replace(tmp, target)
    except BaseException as err:
        with contextlib.suppress(OSError):
            tmp.unlink()
        # Our own write/flush/rename failing (disk full, permissions) is an output
        # problem for a person; whatever the caller's code raised stays its own error.
        if isinstance(err, OSError) and (not in_body or err.errno in _WRITE_ERRNOS):
            raise OutputError(f"{target}: cannot write ({err.strerror or err})") from None
        raise
    _fsync_folder(folder)


def atomic_write_text(path: PathLike, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (see ``atomic_writer``)."""
    with atomic_writer(path, encoding=encoding) as fh:
        fh.write(text)


def _target_mode(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 & ~umask.

    ``mkstemp`` creates 0600 files, which would make every output private by surprise.
    """
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    """Persist the rename itself (POSIX); best effort where folders cannot be opened."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
