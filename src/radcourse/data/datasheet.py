"""Write DATASHEET.md from the generated data, so that its figures can never go stale."""

from __future__ import annotations

import textwrap

import pandas as pd
from scipy.stats import rankdata

from radcourse.booking import (
    DEFAULT_MINUTES_PER_OVERBOOK,
    demographic_parity_difference,
    double_booking_policy,
    extra_wait_for_attenders,
    selection_by_group,
    train_dna_model,
)
from radcourse.data import booking, cxr, cxr_features, leakage, readers, screening
from radcourse.data.dicom_studies import STUDIES
from radcourse.data.loaders import CXR_OPERATING_THRESHOLD, READERS_OPERATING_THRESHOLD
from radcourse.data.priorities import ATTRIBUTION, STATUS_MEANINGS, STATUSES
from radcourse.harmonisation import (
    calibration_table,
    evaluate_by_vendor,
    expected_calibration_error,
    recalibrate,
    shares_with,
    train_vendor_model,
)
from radcourse.validation import (
    DEFAULT_N_ESTIMATORS,
    leakage_comparison,
    reader_agreement,
    sensitivity_by_reference,
)

CXR_GROUP_COLUMNS = ("site", "vendor", "sex", "age_band", "imd_quintile")
SMALL_GROUP_SHARE = 0.05


def roc_auc(labels: pd.Series, scores: pd.Series) -> float:
    """ROC AUC as the Mann-Whitney statistic (ties count one half)."""
    ranks = rankdata(scores.to_numpy())
    positive = labels.to_numpy() == 1
    n_pos, n_neg = positive.sum(), (~positive).sum()
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def operating_point(frame: pd.DataFrame, threshold: float) -> tuple[float, float]:
    """(sensitivity, specificity) of ``ai_score >= threshold`` against ``label``."""
    flagged = frame["ai_score"] >= threshold
    positive = frame["label"] == 1
    return float(flagged[positive].mean()), float((~flagged[~positive]).mean())


def cxr_performance(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per-group n, share, positives, AUC, and sensitivity/specificity at the operating threshold."""
    rows = {}
    for group, part in frame.groupby(column, sort=True):
        sens, spec = operating_point(part, CXR_OPERATING_THRESHOLD)
        rows[group] = {
            "n": len(part),
            "share": len(part) / len(frame),
            "positives": int(part["label"].sum()),
            "auc": roc_auc(part["label"], part["ai_score"]),
            "sensitivity": sens,
            "specificity": spec,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def render_datasheet(
    screening_frame: pd.DataFrame,
    cxr_frame: pd.DataFrame,
    sizes: dict[str, int],
    leakage_frame: pd.DataFrame | None = None,
    readers_frame: pd.DataFrame | None = None,
    priorities: pd.DataFrame | None = None,
    cxr_features: tuple[pd.DataFrame, pd.DataFrame] | None = None,
    booking_frame: pd.DataFrame | None = None,
) -> str:
    """The full datasheet text; ``sizes`` maps each shipped file's relative path to its bytes.

    The Module B sections (leakage demo, reader study), the Module C sections (``cxr_features`` =
    (training frame, evaluation frame) of the harmonisation lab; the booking invitations) and the
    SoR priorities table are included when their frames are given.
    """
    sections = [
        _intro(sizes),
        _screening_section(screening_frame),
        _cxr_section(cxr_frame),
        *([] if leakage_frame is None else [_leakage_section(leakage_frame)]),
        *([] if readers_frame is None else [_readers_section(readers_frame)]),
        *([] if cxr_features is None else [_cxr_features_section(*cxr_features)]),
        *([] if booking_frame is None else [_booking_section(booking_frame)]),
        *([] if priorities is None else [_priorities_section(priorities)]),
        _dicom_section(sizes),
        _limitations(),
    ]
    return "\n\n".join(sections) + "\n"


def _table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def _wrap(markdown: str, width: int = 100) -> str:
    """Re-wrap the prose paragraphs of ``markdown`` to ``width``; tables and headings untouched."""
    blocks = []
    for block in markdown.split("\n\n"):
        if block.startswith(("|", "#", "- ")):
            blocks.append(block)
        else:
            blocks.append(textwrap.fill(" ".join(block.split("\n")), width=width,
                                        break_long_words=False, break_on_hyphens=False))
    return "\n\n".join(blocks)


def _intro(sizes: dict[str, int]) -> str:
    total_mb = sum(sizes.values()) / 1e6
    files = _table(["File", "Bytes"], [[f"`{path}`", f"{n:,}"] for path, n in sorted(sizes.items())])
    return f"""# Datasheet: radcourse shared datasets

> **Synthetic. No patient data.** Every row, image and header in this folder was made up by the
> generator in `src/radcourse/data/`. The names, IDs, dates, addresses and telephone numbers in the
> DICOM headers are fictional and exist only so that learners can practise de-identification. The
> one exception is `sor_priorities.csv`, which quotes the Society of Radiographers' published AI
> guidance (no patient data).

This file is written by `python -m radcourse.data.build`; every figure below is measured on the
data at build time. Do not edit it by hand.

## Purpose

Teaching data for the course *AI in clinical imaging and radiotherapy*: diagnostic accuracy and
thresholds (screening cohort), subgroup performance, calibration and fairness (chest radiograph
triage cohort), data leakage and patient-level splits (leakage demo), ground truth and reader
agreement (reader study), and DICOM handling and de-identification (the `dicom/` studies). The data
are built to show specific effects clearly; they are not estimates of any real service or product.

## Files

{files}

Total {total_mb:.2f} MB. `manifest.json` lists each file's size, `sha256` of its bytes and a
`content_sha256` of its decoded content; the course's loaders (`radcourse.data`) refuse a file
whose checksum does not match.

## Licence

The data are released under the Creative Commons Attribution 4.0 International licence
(CC BY 4.0). Cite as: *radcourse synthetic teaching datasets*, generated by
`radcourse.data.build`."""


def _screening_section(frame: pd.DataFrame) -> str:
    exams_per_client = frame.groupby("client_id").size()
    by_site = frame.groupby(["site", "vendor"]).agg(exams=("cancer", "size"),
                                                    cancers=("cancer", "sum"))
    site_rows = [[site, vendor, int(r.exams), int(r.cancers)] for (site, vendor), r
                 in by_site.iterrows()]
    auc = roc_auc(frame["cancer"], frame["ai_score"])
    return f"""## `screening_scores.csv` — breast-screening cohort

**Composition.** {len(frame):,} exams of {exams_per_client.size:,} clients aged
{frame["age"].min()}–{frame["age"].max()} (the NHS Breast Screening Programme invites women aged 50
to 71); {int((exams_per_client > 1).sum()):,} clients were screened twice, three years apart, so
patient-level and exam-level splits differ. {int(frame["cancer"].sum())} exams have cancer:
prevalence {_pct(frame["cancer"].mean())} (*illustrative*, not a programme statistic). ROC AUC of
`ai_score` for `cancer`: **{auc:.3f}**.

| Column | Meaning |
|---|---|
| `exam_id` | one screening exam (`EX000001` …) |
| `client_id` | the woman screened (`CL00001` …); repeated for clients screened twice |
| `age` | age in whole years at the exam |
| `site` | screening site (`Site 1` … `Site 4`) |
| `vendor` | mammography system vendor (`A` or `B`) |
| `ai_score` | AI suspicion score in [0, 1]; higher means more suspicious |
| `cancer` | 1 if the exam led to a cancer diagnosis, else 0 |

{_table(["Site", "Vendor", "Exams", "Cancers"], site_rows)}

**How it was generated.** `numpy.random.default_rng({screening.SEED})`. Cancer risk per exam is
{screening.BASE_RISK} at age 60 and rises by {screening.RISK_PER_YEAR:.0%} (log scale) per year of
age; a client screened again had no cancer at her first exam (otherwise she would have left routine
screening). The score is the logistic transform of a binormal latent value: N(0, 1) without
cancer, N({screening.D_PRIME}, 1) with cancer, of which a client-level part (SD
{screening.CLIENT_SD}) is shared by both exams of a client. In theory the AUC is
Φ({screening.D_PRIME}/√2) = 0.921. Score and cancer do not depend on site or vendor."""


def _cxr_section(frame: pd.DataFrame) -> str:
    vendors = cxr_performance(frame, "vendor")
    sens, spec = operating_point(frame, CXR_OPERATING_THRESHOLD)
    shares = {(c, g): n / len(frame) for c in CXR_GROUP_COLUMNS
              for g, n in frame[c].value_counts().items()}
    (small_col, small_group), small_share = min(shares.items(), key=lambda item: item[1])
    vendor_c = frame[frame["vendor"] == "C"]
    c_in_ni = (vendor_c["site"] == "Northern Ireland").mean()
    return f"""## `cxr_multisite.csv` — chest radiograph nodule triage cohort

**Composition.** {len(frame):,} studies of {frame["patient_id"].nunique():,} adults at four sites,
one per UK nation. `label` = 1 means a nodule needing follow-up; prevalence
{_pct(frame["label"].mean())}. The AI flags a study when `ai_score` ≥ the operating threshold
{CXR_OPERATING_THRESHOLD} (`radcourse.data.CXR_OPERATING_THRESHOLD`).

| Column | Meaning |
|---|---|
| `study_id` | one chest radiograph (`CXR000001` …) |
| `patient_id` | the patient (`P000001` …); some patients have two studies |
| `site` | `England`, `Scotland`, `Wales` or `Northern Ireland` (one site per nation) |
| `vendor` | X-ray system vendor of the room: `A`, `B` or `C` |
| `sex` | `F` or `M` |
| `age_band` | `18-39`, `40-59`, `60-79`, `80+` |
| `imd_quintile` | deprivation quintile of the home area, 1 = most deprived … 5 = least |
| `label` | 1 = nodule needing follow-up (reference standard), 0 = not |
| `ai_score` | AI score in [0, 1]; flagged when ≥ {CXR_OPERATING_THRESHOLD} |

{_group_counts(frame)}

**How it was generated.** `numpy.random.default_rng({cxr.SEED})`. Prevalence rises with age band
and deprivation. The score is the logistic transform of a binormal latent value (N(0, 1) without a
nodule, N({cxr.D_PRIME}, 1) with one; N({cxr.D_PRIME_80_PLUS}, 1) in the 80+ band) minus a vendor
offset: A {cxr.VENDOR_SHIFT["A"]}, B {cxr.VENDOR_SHIFT["B"]}, C {cxr.VENDOR_SHIFT["C"]}.

**Biases built in on purpose.**

*Calibration shift by vendor.* Vendor C's scores are shifted down, as if its image processing gave
lower contrast. Ranks within a vendor are unchanged, so the per-vendor AUCs stay close, but at the
fixed threshold vendor C loses sensitivity. Overall sensitivity at {CXR_OPERATING_THRESHOLD} is
{sens:.3f} (specificity {spec:.3f}). Per vendor:

{_performance_table(vendors)}

AUC gap (max − min) {vendors["auc"].max() - vendors["auc"].min():.3f}; sensitivity gap (max − min)
{vendors["sensitivity"].max() - vendors["sensitivity"].min():.3f}.

- *Under-representation.* The smallest group is {small_col} = {small_group}, {_pct(small_share)} of
  studies: its metrics have wide confidence intervals.
- *Confounding.* {_pct(c_in_ni)} of vendor C studies were taken in Northern Ireland, so a site
  comparison partly shows the vendor effect.
- *Harder films in the 80+ band.* Lower separation, so lower AUC and sensitivity there.

Per age band:

{_performance_table(cxr_performance(frame, "age_band"))}"""


def _group_counts(frame: pd.DataFrame) -> str:
    rows = []
    for column in CXR_GROUP_COLUMNS:
        for group, part in frame.groupby(column, sort=True):
            rows.append([f"`{column}`", group, len(part), _pct(len(part) / len(frame)),
                         int(part["label"].sum()), _pct(part["label"].mean())])
    return _table(["Column", "Group", "Studies", "Share", "Positives", "Prevalence"], rows)


def _performance_table(perf: pd.DataFrame) -> str:
    rows = [[group, int(r.n), _pct(r.share), int(r.positives), f"{r.auc:.3f}",
             f"{r.sensitivity:.3f}", f"{r.specificity:.3f}"] for group, r in perf.iterrows()]
    header = ["Group", "Studies", "Share", "Positives", "AUC",
              f"Sensitivity at {CXR_OPERATING_THRESHOLD}", f"Specificity at {CXR_OPERATING_THRESHOLD}"]
    return _table(header, rows)


def _leakage_section(frame: pd.DataFrame) -> str:
    per_patient = frame.groupby("patient_id")["label"].agg(["size", "first"])
    n_diseased = int(per_patient["first"].sum())
    result = leakage_comparison(frame)
    shifted = ", ".join(f"`{f}`" for f in leakage.DISEASE_FEATURES)
    rows = [
        ["Image level: `KFold(5, shuffle=True, random_state=0)` on images",
         f"{result['auc_image_split']:.3f}"],
        ["Patient level: `GroupKFold(5, shuffle=True, random_state=0)` on patients",
         f"{result['auc_patient_split']:.3f}"],
        ["**Gap** (optimism added by the leak)", f"**{result['gap']:.3f}**"],
    ]
    return _wrap(f"""## `leakage_demo.csv` — data leakage demo, four images per patient

**Purpose.** Module B, *build, leak, validate*: a model validated with an image-level split
recognises the *patient* in the test fold, not the disease, and reports a far better AUC than it
will achieve on new patients. Synthetic: no patient data.

**Composition.** {len(frame):,} images of {len(per_patient):,} patients, \
{int(per_patient["size"].min())} images each. {n_diseased} patients \
({_pct(n_diseased / len(per_patient))}) have the disease: an enriched development set, as many are.

| Column | Meaning |
|---|---|
| `patient_id` | the patient (`PT0001` …); {leakage.IMAGES_PER_PATIENT} rows each |
| `image_id` | one image (`IMG00001` …) |
| `f0` … `f9` | image-derived measurements (think texture and intensity), arbitrary units |
| `label` | 1 = the patient has the disease, 0 = not; the same on all of a patient's images |

**How it was generated.** `numpy.random.default_rng({leakage.SEED})`. Each patient has a \
*fingerprint*: an offset drawn from N(0, {leakage.FINGERPRINT_SD}) on every feature and shared by \
all their images (anatomy, body habitus, the positioning habit of their usual room). Each image \
adds its own noise, N(0, {leakage.IMAGE_SD}). The disease shifts only {shifted} by \
{leakage.DISEASE_SHIFT}, a weak signal beside the fingerprint. Rows are ordered by patient.

**Built-in effect: leakage.** Measured by `radcourse.validation.leakage_comparison` with its \
defaults: `RandomForestClassifier(n_estimators={DEFAULT_N_ESTIMATORS}, random_state=0, n_jobs=1)` \
on all ten features, pooled out-of-fold AUC from `cross_val_predict`.

{_table(["Split", "AUC"], rows)}""")


def _readers_section(frame: pd.DataFrame) -> str:
    agreement = reader_agreement(frame)
    threshold = READERS_OPERATING_THRESHOLD
    by_reference = sensitivity_by_reference(frame, threshold)
    truth = frame["truth"] == 1
    reader_rows = [[f"`{r}`", int(frame[r].sum()), f"{frame[r][truth].mean():.3f}",
                    f"{1 - frame[r][~truth].mean():.3f}"] for r in ("reader1", "reader2")]
    names = {"reader1": "Reader 1", "reader2": "Reader 2",
             "consensus": "Consensus (both readers positive)", "truth": "Truth"}
    ai_rows = [[names[ref], int(r.positives), f"{r.sensitivity:.3f}", f"{r.specificity:.3f}"]
               for ref, r in by_reference.iterrows()]
    spread = by_reference["sensitivity"].max() - by_reference["sensitivity"].min()
    return _wrap(f"""## `readers_labels.csv` — who decides the truth? Two readers and one AI

**Purpose.** Module B, *who decides the truth?*: the agreement between two reporters, and how the
AI's "measured" sensitivity moves with the reference standard it is measured against. Synthetic:
no patient data.

**Composition.** {len(frame):,} chest radiographs; {int(frame["truth"].sum())} have the disease \
(prevalence {_pct(frame["truth"].mean())}). The AI flags a film when `ai_score` ≥ {threshold} \
(`radcourse.data.READERS_OPERATING_THRESHOLD`); its ROC AUC against the truth is \
{roc_auc(frame["truth"], frame["ai_score"]):.3f}.

| Column | Meaning |
|---|---|
| `case_id` | one chest radiograph (`CASE0001` …) |
| `truth` | 1 = disease present (as if settled later by CT and follow-up), 0 = absent |
| `reader1` | reporter 1's call, 1 = abnormal; a cautious reader who calls more films abnormal |
| `reader2` | reporter 2's call, 1 = abnormal; a stricter reader |
| `ai_score` | AI score in [0, 1]; flagged when ≥ {threshold} |

**How it was generated.** `numpy.random.default_rng({readers.SEED})`. Each film has an \
*appearance*, N(0, 1) without disease and N({readers.D_PRIME}, 1) with it: subtle disease looks \
normal and mimics look abnormal. Each reader adds perceptual noise N(0, {readers.READER_NOISE_SD}) \
and calls the film abnormal above a cut-off (reader 1 {readers.READER_CUTS[0]}, reader 2 \
{readers.READER_CUTS[1]}). The AI adds its own noise N(0, {readers.AI_NOISE_SD}); its score is the \
logistic transform, 0.5 at appearance {readers.AI_CUT}. Readers and AI share the appearance, so \
they tend to miss the same subtle cases and flag the same mimics.

**Built-in effects.**

*Imperfect readers.* They agree on {agreement["percent_agreement"]:.1f}% of films, against \
{100 * agreement["chance_agreement"]:.1f}% expected by chance: Cohen's kappa \
**{agreement["kappa"]:.3f}**. Against the truth:

{_table(["Reader", "Called abnormal", "Sensitivity", "Specificity"], reader_rows)}

*The measured performance depends on the reference.* The same AI calls, at {threshold}:

{_table(["Reference standard", "Positives", "AI sensitivity", "AI specificity"], ai_rows)}

Spread of the AI's measured sensitivity (max − min): **{spread:.3f}**. Computed with
`radcourse.validation.sensitivity_by_reference`.""")


REBALANCED_C_SHARE = 0.25  # the datasheet's rebalanced training mix: shares_with(0.25)
BOOKING_TOP_SHARE = 0.10


def harmonisation_scenarios(train: pd.DataFrame) -> dict[str, object]:
    """The three models of the harmonisation lab, as the datasheet (and its tests) measure them:
    baseline mix, rebalanced mix (vendor C REBALANCED_C_SHARE) and baseline mix + harmonisation."""
    return {
        "Baseline mix": train_vendor_model(train),
        "Rebalanced mix": train_vendor_model(train, vendor_mix=shares_with(REBALANCED_C_SHARE)),
        "Baseline mix + harmonisation": train_vendor_model(train, harmonise=True),
    }


def local_recalibration_split(eval_frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Vendor C's evaluation studies in study_id order, split alternately into (local data to
    recalibrate on, studies to check on)."""
    vendor_c = eval_frame[eval_frame["vendor"] == "C"].sort_values("study_id")
    return vendor_c.iloc[::2], vendor_c.iloc[1::2]


def _cxr_features_section(train: pd.DataFrame, evaluation: pd.DataFrame) -> str:
    counts = []
    for name, frame in (("cxr_train_features.csv", train), ("cxr_eval_features.csv", evaluation)):
        for (split, vendor), part in frame.groupby(["split", "vendor"], observed=True, sort=True):
            positives = "—" if part["label"].isna().all() else int(part["label"].sum())
            counts.append([f"`{name}`", split, vendor, len(part), positives])
    sites = pd.crosstab(train["vendor"], train["site"])
    site_rows = [[vendor, *[int(n) for n in row]] for vendor, row in sites.iterrows()]
    rebalanced = shares_with(REBALANCED_C_SHARE)
    mix = " / ".join(f"{_pct(rebalanced[v])} {v}" for v in rebalanced)
    rows, gaps = [], []
    models = harmonisation_scenarios(train)
    for scenario, model in models.items():
        table = evaluate_by_vendor(model, evaluation)
        rows += [[scenario, vendor, f"{r.auc:.3f}", f"{r.sensitivity:.3f}",
                  f"{r.specificity:.3f}"] for vendor, r in table.iterrows()]
        gaps.append([scenario, f"{table['auc'].max() - table['auc'].min():.3f}",
                     f"{table['sensitivity'].max() - table['sensitivity'].min():.3f}"])
    baseline = models["Baseline mix"]
    local, check = local_recalibration_split(evaluation)
    ece_before = expected_calibration_error(calibration_table(baseline, check))["C"]
    ece_after = expected_calibration_error(calibration_table(recalibrate(baseline, local), check))
    gains = ", ".join(f"{v} {g}" for v, g in cxr_features.VENDOR_GAIN.items())
    return _wrap(f"""## `cxr_train_features.csv` and `cxr_eval_features.csv` — training mix and harmonisation

**Purpose.** Module C, *training-mix and harmonisation lab* (C-Ex2) and *calibration by vendor*
(C-Ex4): a vendor whose images are on a different intensity scale gets the same AUC as the others
but far lower sensitivity at a fixed threshold; more of its data in the training mix barely helps,
per-vendor harmonisation does. Synthetic: no patient data.

**Composition.** Each row is one chest radiograph summarised by four image-derived measurements.
`cxr_train_features.csv` is what a developer has: {int((train["split"] == "train").sum()):,}
labelled studies, mostly vendor A, plus {cxr_features.REFERENCE_PER_VENDOR} **unlabelled
reference scans** per vendor (routine local images nobody has reported; `label` is empty), which
are all that per-vendor harmonisation may use. `cxr_eval_features.csv` is a held-out evaluation
set with {cxr_features.EVAL_PER_VENDOR:,} labelled studies per vendor. Prevalence is
{_pct(cxr_features.PREVALENCE)} in every vendor, split and file.

{_table(["File", "Split", "Vendor", "Studies", "Positives"], counts)}

Sites of the rows of `cxr_train_features.csv` (vendor C's rooms are in Wales and Northern Ireland
only, so site and vendor are confounded):

{_table(["Vendor", *[str(c) for c in sites.columns]], site_rows)}

| Column | Meaning |
|---|---|
| `study_id` | one chest radiograph (`CXF00001` … development, `CXE00001` … evaluation) |
| `site` | `England`, `Scotland`, `Wales` or `Northern Ireland` |
| `vendor` | X-ray system vendor of the room: `A`, `B` or `C` |
| `f0` … `f3` | image-derived measurements of the most suspicious region (think mean intensity, local contrast, edge strength, texture), in the scanner's own intensity units |
| `label` | 1 = nodule needing follow-up, 0 = not; empty on reference scans |
| `split` | `train` (labelled development study), `reference` (unlabelled reference scan) or `eval` |

**How it was generated.** `numpy.random.default_rng({cxr_features.SEED})` for the development
file, `default_rng({cxr_features.EVAL_SEED})` for the evaluation file. On vendor A's scale a
study's measurements are `BASELINE + SPREAD * z` with `z` four independent N(0, 1) values
(`SPREAD` = {", ".join(f"{x:g}" for x in cxr_features.SPREAD)}); a nodule adds
{", ".join(f"{x:g}" for x in cxr_features.DISEASE_SHIFT)} SDs to `z`. Each vendor then multiplies
every measurement by its gain ({gains}): vendor C's processing gives lower intensities, so its
measurements are smaller and less spread out. The baselines are {cxr_features.BASELINE_RATIO:g}
times the disease effect (in SDs), so vendor C's shift points straight down the disease direction:
its studies with a nodule look like vendor A's without one. Rows are shuffled.

**Built-in effect: equal AUCs hide a vendor shift.** Measured with `radcourse.harmonisation` on
the evaluation file, threshold 0.5, `LogisticRegression` on `f0` … `f3` (after one
`StandardScaler` for all vendors). *Baseline mix*: the labelled development studies as shipped.
*Rebalanced mix*: the same studies redrawn with replacement to {mix}
(`shares_with({REBALANCED_C_SHARE})`, seed 0). *Harmonisation*: baseline mix, with each vendor's
features standardised by the mean and SD of its own unlabelled reference scans.

{_table(["Training", "Vendor", "AUC", "Sensitivity at 0.5", "Specificity at 0.5"], rows)}

{_table(["Training", "AUC gap (max − min)", "Sensitivity gap (max − min)"], gaps)}

**Calibration.** The baseline model's scores are far too low for vendor C. Recalibrated on half of
vendor C's evaluation studies (`recalibrate`, sigmoid, `CalibratedClassifierCV(FrozenEstimator(model))`) and checked on
the other half, vendor C's expected calibration error (10 quantile bins)
falls from **{ece_before:.3f}** to **{ece_after["C"]:.3f}**.

**Limitations.** Four abstract features and a linear model, not images and a deep network. The
vendor effect is a pure change of intensity scale, which standardisation undoes exactly; real
acquisition differences (noise, resolution, processing) are only partly fixable this way.
Per-vendor standardisation also assumes each vendor's reference scans come from a similar patient
population: here they do by construction.""")


def _booking_section(frame: pd.DataFrame) -> str:
    dna = 1 - frame["attended"]
    quintile_rates = dna.groupby(frame["imd_quintile"]).mean()
    prior_rates = dna.groupby(frame["prior_dna"]).mean()
    bands = pd.cut(frame["travel_min"], [0, 10, 20, 30, 45, 10_000],
                   labels=["≤ 10", "11–20", "21–30", "31–45", "> 45"])
    travel_rates = dna.groupby(bands, observed=True).agg(["size", "mean"])
    prior_by_q = frame.groupby("imd_quintile")["prior_dna"].mean()
    q_rows = [[q, int((frame["imd_quintile"] == q).sum()), _pct(quintile_rates[q]),
               _pct(prior_by_q[q])] for q in quintile_rates.index]
    travel_rows = [[band, int(r["size"]), _pct(r["mean"])] for band, r in travel_rates.iterrows()]
    policies = {}
    for include_imd in (True, False):
        booked = double_booking_policy(train_dna_model(frame, include_imd=include_imd), frame,
                                       BOOKING_TOP_SHARE)
        policies[include_imd] = (selection_by_group(booked),
                                 demographic_parity_difference(booked),
                                 extra_wait_for_attenders(booked))
    with_imd, without_imd = policies[True], policies[False]
    policy_rows = [[q, _pct(with_imd[0].loc[q, "selection_rate"]),
                    f"{with_imd[2].loc[q, 'extra_wait_per_100_attenders_min']:.1f}",
                    _pct(without_imd[0].loc[q, "selection_rate"]),
                    f"{without_imd[2].loc[q, 'extra_wait_per_100_attenders_min']:.1f}"]
                   for q in with_imd[0].index]
    per_attender = with_imd[2]["extra_wait_per_double_booked_attender_min"].iloc[0]
    return _wrap(f"""## `dna_booking.csv` — probability booking and did-not-attend risk

**Purpose.** Module C, *probability booking and fairness* (C-Ex3): a model of the risk of not
attending (DNA) drives a policy of double-booking the highest-risk invitations. Who gets
double-booked, and who pays for it? This is the "appointment prioritisation" that SoR priority 3
names. Synthetic: no patient data.

**Composition.** {len(frame):,} invitations to routine screening (clients aged
{frame["age"].min()}–{frame["age"].max()}); {int(dna.sum()):,} did not attend (DNA rate
{_pct(dna.mean())}, *illustrative*).

| Column | Meaning |
|---|---|
| `invite_id` | one invitation (`INV00001` …) |
| `imd_quintile` | deprivation quintile of the home area, 1 = most deprived … 5 = least |
| `travel_min` | travel time to the screening unit, whole minutes |
| `prior_dna` | 1 = did not attend her previous invitation, 0 = attended it |
| `age` | age in whole years |
| `attended` | 1 = attended this appointment, 0 = did not attend (DNA) |

**How it was generated.** `numpy.random.default_rng({booking.SEED})`. Quintile and age are
uniform; travel time is lognormal (median {booking.TRAVEL_MEDIAN_MIN:g} minutes, clipped to
{booking.TRAVEL_MIN}–{booking.TRAVEL_MAX}), independent of deprivation. The log-odds of a DNA are
{booking.BASE_LOG_ODDS} (quintile 3, age 60, 20 minutes, no previous DNA), plus
{booking.IMD_LOG_ODDS} per quintile step towards the most deprived, {booking.TRAVEL_LOG_ODDS} per
10 minutes of travel, {booking.AGE_LOG_ODDS} per year of age, {booking.PRIOR_DNA_LOG_ODDS} after a
previous DNA, and a client propensity N(0, {booking.PROPENSITY_SD}). `prior_dna` was drawn from the
same model without its own term, so it shares the propensity and is more common in deprived areas.

**Built-in effects.** DNA risk rises with deprivation, travel time and previous non-attendance
(DNA rate {_pct(prior_rates[1])} after a previous DNA, {_pct(prior_rates[0])} otherwise).

{_table(["IMD quintile", "Invitations", "DNA rate", "With a previous DNA"], q_rows)}

{_table(["Travel (minutes)", "Invitations", "DNA rate"], travel_rows)}

**The policy.** `LogisticRegression` (`radcourse.booking.train_dna_model`, fitted and applied to
all invitations) with and without `imd_quintile` as an input; the top
{BOOKING_TOP_SHARE:.0%} of predicted risk are double-booked. Harm proxy
(`extra_wait_for_attenders`): a double-booked client who attends waits
{DEFAULT_MINUTES_PER_OVERBOOK:g} minutes whenever the slot's other client also attends (with the
overall attendance rate, {_pct(frame["attended"].mean())}): {per_attender:.2f} minutes on average.
The table shows the expected extra minutes per 100 attenders of each quintile.

{_table(["IMD quintile", "Double-booked (with IMD)", "Extra wait per 100 attenders, min (with IMD)",
         "Double-booked (without IMD)", "Extra wait per 100 attenders, min (without IMD)"],
        policy_rows)}

Demographic parity difference (max − min double-booking rate): **{with_imd[1]:.3f}** with IMD,
**{without_imd[1]:.3f}** without. Leaving deprivation out narrows the gap but does not close it:
`prior_dna` carries part of the same information.

**Limitations.** Four drivers in a stated model; real non-attendance also depends on work and
caring duties, language, disability, transport and how the invitation was sent. Travel time and
deprivation are independent here; in real areas they are often linked. The harm proxy counts only
waiting time.""")


def _priorities_section(frame: pd.DataFrame) -> str:
    counts = {version: frame[f"status_{version}"].value_counts() for version in ("003", "001")}
    status_rows = [[s, STATUS_MEANINGS[s], int(counts["003"].get(s, 0)),
                    int(counts["001"].get(s, 0))] for s in STATUSES]
    differ = frame.loc[frame["status_003"].astype(str) != frame["status_001"].astype(str), "number"]
    areas = frame.groupby("area", observed=True)["number"].agg(["min", "max", "size"])
    area_rows = [[area, f"{r['min']}–{r['max']}", int(r["size"])] for area, r in areas.iterrows()]
    return _wrap(f"""## `sor_priorities.csv` — the SoR's 31 AI priorities (quoted, not synthetic)

**Purpose.** Module A, *SoR priorities explorer* (A-Ex4, A-Q4): filter the Society of
Radiographers' priorities for AI by area and status, and search their text. This is the one file
here that is not synthetic: its cells quote a published professional guidance document.

**Source and licence.** {ATTRIBUTION} The text is quoted for education with attribution; it
belongs to its authors and is *not* covered by the CC BY 4.0 licence of the synthetic files. It
holds no patient data.

**Composition.** {len(frame)} rows, one per priority, {frame["notes"].ne("").sum()} with notes.

{_table(["Area", "Priorities", "Rows"], area_rows)}

| Column | Meaning |
|---|---|
| `number` | the priority's number, 1–31 |
| `area` | `Clinical practice`, `Education`, `Research` or `Partnerships` |
| `vision` | "Strategic priorities for research (vision)", verbatim from the full guidance |
| `actions` | "Recommendations for practice (actions)", verbatim |
| `responsibility` | "Responsibility for implementation (people or groups)", verbatim |
| `notes` | the examples printed under the status word, verbatim; empty if none |
| `status_003` | status in the full guidance (2021) |
| `status_001` | status in the published summary of the guidance |
| `line_001`, `line_003` | line on which the priority's row starts in each seed text |

{_table(["Status", "Meaning (SoR)", "Full guidance", "Summary"], status_rows)}

The two versions differ only for priority {", ".join(str(n) for n in differ)}.

**How it was made.** Transcribed once from the seed text of the guidance, whose tables print one
short line per line, and stored as literal text in `src/radcourse/data/priorities.py` (the
transcription rules are in its docstring); the build writes it unchanged. Text searches depend on
the exact wording: the guidance sometimes spells a name out and sometimes uses its acronym.""")


def _dicom_section(sizes: dict[str, int]) -> str:
    rows = [[f"`{s.name}`", s.modality, f"`{s.patient_name}`", s.study_date,
             f"{sizes[f'dicom/{s.name}.dcm']:,}"] for s in STUDIES]
    return f"""## `dicom/` — synthetic DICOM studies

One image per study, drawn with numpy as a simple phantom (no real image content), written with
pydicom in Explicit VR Little Endian. Load them with `radcourse.data.load_dicom_study(name)`.

{_table(["Study", "Modality", "PatientName", "StudyDate", "Bytes"], rows)}

**Identifying data, fictional and deliberate.** Patient name, ID, birth date, sex, age, address and
telephone number; accession number; institution name and address; referring physician, operator,
station name and device serial number; study, series, acquisition and content dates and times; and a
private block (group 0011, creator `RADCOURSE SYNTHETIC`) repeating the patient's name, ID, birth
date and telephone number. Telephone numbers use Ofcom's range reserved for drama (07700 900xxx).

**UIDs.** Derived from fixed text with `pydicom.uid.generate_uid(entropy_srcs=...)` under
pydicom's default prefix, so every build is byte-identical. The CT study's Study Instance UID embeds
its study date and time on purpose: de-identification must replace UIDs too."""


def _limitations() -> str:
    return f"""## Known limitations

- Scores come from a stated statistical model, not from a trained AI system or real images; real
  score distributions are lumpier, drift over time and depend on case mix.
- Prevalences are illustrative. Screening cancer rates, triage prevalence and their links to age
  and deprivation were chosen for teaching, not taken from a programme.
- `imd_quintile` mimics a deprivation quintile, but each UK nation has its own index (IMD, SIMD,
  WIMD, NIMDM): real quintiles are not comparable across nations.
- Sex is recorded as F/M only; ethnicity and other protected characteristics are not modelled.
- Repeat studies and exams of one person are otherwise independent draws (apart from the screening
  client effect); there is no follow-up time, interval cancer or reader decision in the screening
  and triage cohorts. The two readers of `readers_labels.csv` are a stated statistical model, not
  real reporters, and its `truth` is known exactly, which real studies never achieve.
- The leakage demo's features `f0` … `f9` are abstract numbers, not measurements from images. The
  size of the leakage gap depends on the model and on how strong the patient fingerprint is.
- Groups smaller than {SMALL_GROUP_SHARE:.0%} of the data exist by design: report confidence
  intervals before calling a gap real.
- The DICOM studies are single images with simple phantoms; they are not valid for measurement,
  dosimetry or any clinical use."""
