"""The datasets manifest: size, byte checksum and decoded-content checksum of every shipped file.

``sha256`` proves a file is byte-for-byte what the generator wrote. ``content_sha256`` hashes what
the file *means* (the parsed table, the DICOM header and pixels), so a failed comparison after a
library upgrade tells you whether the data changed or only its encoding.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pydicom

MANIFEST_NAME = "manifest.json"
CSV_FLOAT_FORMAT = "%.6f"


def file_sha256(path: Path) -> str:
    """Hex sha256 of the file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def content_sha256(path: Path) -> str:
    """Hex sha256 of the decoded content of a CSV, DICOM or text file."""
    if path.suffix == ".csv":
        return _sha256_text(canonical_csv(pd.read_csv(path)))
    if path.suffix == ".dcm":
        return _dicom_content_sha256(pydicom.dcmread(path))
    return _sha256_text(path.read_text(encoding="utf-8").replace("\r\n", "\n"))


def canonical_csv(frame: pd.DataFrame) -> str:
    """Column names, dtypes and values in one fixed text form (floats to six decimals)."""
    header = json.dumps({str(c): str(t) for c, t in frame.dtypes.items()})
    body = frame.to_csv(index=False, float_format=CSV_FLOAT_FORMAT, lineterminator="\n")
    return f"{header}\n{body}"


def _dicom_content_sha256(ds: pydicom.Dataset) -> str:
    digest = hashlib.sha256()
    pixels = ds.pixel_array
    digest.update(f"{pixels.dtype.str} {pixels.shape}\n".encode())
    digest.update(pixels.tobytes())
    for elem in [*ds.file_meta.iterall(), *ds.iterall()]:
        if elem.keyword != "PixelData" and elem.VR != "SQ":
            digest.update(f"{elem.tag} {elem.VR} {elem.value!r}\n".encode())
    return digest.hexdigest()


def _sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest_entry(root: Path, path: Path, description: str) -> dict[str, object]:
    """The manifest record of one file under ``root``."""
    return {
        "path": path.relative_to(root).as_posix(),
        "bytes": path.stat().st_size,
        "sha256": file_sha256(path),
        "content_sha256": content_sha256(path),
        "description": description,
    }


def write_manifest(root: Path, entries: list[dict[str, object]], header: dict[str, str]) -> Path:
    """Write ``root/manifest.json`` with sorted keys and entries sorted by path."""
    document = {**header, "files": sorted(entries, key=lambda e: str(e["path"]))}
    path = root / MANIFEST_NAME
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_manifest(root: Path) -> dict[str, dict[str, object]]:
    """Manifest entries of ``root`` keyed by relative path (raises OSError / ValueError)."""
    document = json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8"))
    return {entry["path"]: entry for entry in document["files"]}
