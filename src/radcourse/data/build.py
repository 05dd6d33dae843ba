"""Generate the shared synthetic datasets: ``python -m radcourse.data.build [--out DIR]``.

Deterministic: the same code and library versions give byte-identical files (fixed seeds, fixed
float formatting, fixed DICOM UIDs and dates). Bump GENERATOR_VERSION whenever the output changes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from radcourse.data.booking import make_dna_booking
from radcourse.data.cxr import make_cxr_multisite
from radcourse.data.cxr_features import make_cxr_eval_features, make_cxr_train_features
from radcourse.data.datasheet import render_datasheet
from radcourse.data.dicom_studies import STUDIES, write_studies
from radcourse.data.leakage import make_leakage_demo
from radcourse.data.loaders import (
    CXR_DTYPES,
    CXR_EVAL_FEATURES_FILE,
    CXR_FEATURES_DTYPES,
    CXR_FILE,
    CXR_TRAIN_FEATURES_FILE,
    DNA_BOOKING_DTYPES,
    DNA_BOOKING_FILE,
    LEAKAGE_DTYPES,
    LEAKAGE_FILE,
    PACKAGE_DATASETS,
    READERS_DTYPES,
    READERS_FILE,
    SCREENING_DTYPES,
    SCREENING_FILE,
)
from radcourse.data.manifest import CSV_FLOAT_FORMAT, manifest_entry, write_manifest
from radcourse.data.priorities import (
    SOR_PRIORITIES_FILE,
    read_priorities_csv,
    write_priorities_csv,
)
from radcourse.data.readers import make_readers
from radcourse.data.screening import make_screening

GENERATOR_VERSION = "1.3.0"
DATASHEET_FILE = "DATASHEET.md"
# Keep git from touching line endings, so that byte checksums hold on every platform.
GITATTRIBUTES = "* -text\n"
DESCRIPTIONS = {
    SCREENING_FILE: "Breast-screening cohort: one AI score and cancer outcome per exam.",
    CXR_FILE: "Chest radiograph nodule triage cohort from four UK sites, vendor shift built in.",
    LEAKAGE_FILE: "Leakage demo: 400 patients x 4 images, strong patient fingerprint, weak disease.",
    READERS_FILE: "Reader study: 500 chest radiographs, two readers, AI score and the known truth.",
    CXR_TRAIN_FEATURES_FILE: "CXR features for the harmonisation lab: 80/18/2% A/B/C, plus reference scans.",
    CXR_EVAL_FEATURES_FILE: "Held-out CXR features for the harmonisation lab: 1,000 per vendor.",
    DNA_BOOKING_FILE: "Screening invitations: deprivation, travel, previous DNA, age, attendance.",
    SOR_PRIORITIES_FILE: "SoR AI guidance (2021): the 31 priorities, cell text quoted, with status.",
    DATASHEET_FILE: "Datasheet: purpose, composition, generation, built-in biases, licence.",
    **{f"dicom/{s.name}.dcm": f"Synthetic {s.modality} study with fictional identifying headers."
       for s in STUDIES},
}


def build(out: Path) -> Path:
    """Write every dataset, the datasheet and the manifest into ``out``; return the manifest path."""
    out.mkdir(parents=True, exist_ok=True)
    (out / ".gitattributes").write_text(GITATTRIBUTES, encoding="utf-8")
    _write_csv(make_screening(), out / SCREENING_FILE)
    _write_csv(make_cxr_multisite(), out / CXR_FILE)
    _write_csv(make_leakage_demo(), out / LEAKAGE_FILE)
    _write_csv(make_readers(), out / READERS_FILE)
    _write_csv(make_cxr_train_features(), out / CXR_TRAIN_FEATURES_FILE)
    _write_csv(make_cxr_eval_features(), out / CXR_EVAL_FEATURES_FILE)
    _write_csv(make_dna_booking(), out / DNA_BOOKING_FILE)
    write_priorities_csv(out / SOR_PRIORITIES_FILE)
    write_studies(out / "dicom")
    sizes = {p: (out / p).stat().st_size for p in DESCRIPTIONS if p != DATASHEET_FILE}
    datasheet = render_datasheet(
        pd.read_csv(out / SCREENING_FILE, dtype=SCREENING_DTYPES),
        pd.read_csv(out / CXR_FILE, dtype=CXR_DTYPES),
        sizes,
        leakage_frame=pd.read_csv(out / LEAKAGE_FILE, dtype=LEAKAGE_DTYPES),
        readers_frame=pd.read_csv(out / READERS_FILE, dtype=READERS_DTYPES),
        priorities=read_priorities_csv(out / SOR_PRIORITIES_FILE),
        cxr_features=(
            pd.read_csv(out / CXR_TRAIN_FEATURES_FILE, dtype=CXR_FEATURES_DTYPES),
            pd.read_csv(out / CXR_EVAL_FEATURES_FILE, dtype=CXR_FEATURES_DTYPES),
        ),
        booking_frame=pd.read_csv(out / DNA_BOOKING_FILE, dtype=DNA_BOOKING_DTYPES),
    )
    (out / DATASHEET_FILE).write_text(datasheet, encoding="utf-8", newline="\n")
    entries = [manifest_entry(out, out / path, text) for path, text in DESCRIPTIONS.items()]
    header = {
        "description": (
            "radcourse shared teaching datasets. No patient data. Every file is synthetic except "
            f"{SOR_PRIORITIES_FILE}, which quotes the Society of Radiographers' 2021 AI guidance "
            "priority tables with attribution."
        ),
        "generator": "python -m radcourse.data.build",
        "generator_version": GENERATOR_VERSION,
        "licence": (
            f"CC-BY-4.0 for the synthetic data; the SoR text in {SOR_PRIORITIES_FILE} remains the "
            "Society of Radiographers' and is quoted for education (see DATASHEET.md)."
        ),
    }
    return write_manifest(out, entries, header)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, float_format=CSV_FLOAT_FORMAT, lineterminator="\n")


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m radcourse.data.build", description=__doc__)
    parser.add_argument("--out", type=Path, default=PACKAGE_DATASETS,
                        help=f"output folder (default: {PACKAGE_DATASETS})")
    manifest = build(parser.parse_args(argv).out)
    print(f"Wrote the shared datasets and {manifest}")


if __name__ == "__main__":
    main()
