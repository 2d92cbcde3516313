"""What an upload really is: its type sniffed from the content (never the client's claim), checked
against an allowlist, its size against settings.FILE_UPLOAD_MAX_SIZE, and for pictures a real
image within Pillow's decompression-bomb pixel limit."""

import hashlib
import warnings
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import get_valid_filename
from PIL import Image, UnidentifiedImageError

SNIFF_BYTES = 8192

# Sniffed MIME type -> the extension the stored name gets.
ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.ms-powerpoint": ".ppt",
    "application/zip": ".zip",
    "text/plain": ".txt",
    "text/csv": ".csv",
}
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
# Text that a browser would render as markup is refused, whatever its name says.
_MARKUP_STARTS = (b"<!doctype", b"<html", b"<?xml", b"<svg", b"<script", b"<head", b"<body", b"<iframe")

INVALID_IMAGE = "Upload a valid image. The file you uploaded was either not an image or a corrupted image."


@dataclass(frozen=True)
class UploadInfo:
    content_type: str
    extension: str
    size: int
    width: int | None = None
    height: int | None = None


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sniff window is still text.
        if exc.start < len(head) - 3:
            return False
    return not head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(_MARKUP_STARTS)


def sniff(head: bytes, claimed_name: str = "") -> str | None:
    """The MIME type of content starting with `head`, None when it is not one we recognise."""
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    if _looks_like_text(head):
        return "text/csv" if claimed_name.lower().endswith(".csv") else "text/plain"
    return None


def _read_head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def image_dimensions(fileobj) -> tuple[int, int]:
    """Width and height of a real image, keeping Pillow's decompression-bomb limit (a warning past
    Image.MAX_IMAGE_PIXELS is treated as the error it is past twice that). Raises ValidationError."""
    fileobj.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fileobj) as image:
                width, height = image.size
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            {"file": f"The image has too many pixels (at most {Image.MAX_IMAGE_PIXELS} are allowed)."}
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError({"file": INVALID_IMAGE}) from None
    finally:
        fileobj.seek(0)
    return width, height


def inspect_upload(upload, *, image: bool = False, name: str | None = None) -> UploadInfo:
    """Check an uploaded file (a Django File) before anything is stored. Raises ValidationError
    keyed `file` when it is empty, too large, of a type not allowed, or (`image`) not an image."""
    size = upload.size
    if not size:
        raise ValidationError({"file": "The submitted file is empty."})
    limit = settings.FILE_UPLOAD_MAX_SIZE
    if size > limit:
        raise ValidationError({"file": f"The file is too large ({size} bytes; at most {limit} are allowed)."})
    content_type = sniff(_read_head(upload), name or getattr(upload, "name", "") or "")
    if image:
        if content_type not in IMAGE_TYPES:
            raise ValidationError({"file": INVALID_IMAGE})
        width, height = image_dimensions(upload)
        return UploadInfo(content_type, ALLOWED_TYPES[content_type], size, width, height)
    if content_type not in ALLOWED_TYPES:
        raise ValidationError({"file": "This type of file is not allowed."})
    return UploadInfo(content_type, ALLOWED_TYPES[content_type], size)


def stored_name(display_name: str, info: UploadInfo) -> str:
    """A safe base name for the storage: the client's name made valid, with the extension of the
    sniffed type (so a stored object is never served as something it is not)."""
    base = display_name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    try:
        stem = get_valid_filename(stem.replace("..", ""))[:80]
    except Exception:  # SuspiciousFileOperation for names like ".."
        stem = ""
    return f"{stem or 'file'}{info.extension}"


def digest(fileobj, chunk_size: int = 1024 * 1024) -> tuple[int, str, bytes]:
    """Size, SHA-256 and the first bytes of a file object, read in chunks."""
    sha = hashlib.sha256()
    size = 0
    head = b""
    while chunk := fileobj.read(chunk_size):
        if len(head) < SNIFF_BYTES:
            head += chunk[: SNIFF_BYTES - len(head)]
        sha.update(chunk)
        size += len(chunk)
    return size, sha.hexdigest(), head
