"""The 31 priorities of the Society of Radiographers' AI guidance, as data, and ``sor_priorities.csv``.

Source: Society of Radiographers. *Artificial intelligence: Guidance for clinical imaging and
therapeutic radiography workforce professionals* (2021), the four priorities summary tables
(``003_95c6dcd93f166210.txt`` L591–2072: clinical practice 1–6, education 7–18, research 19–26,
stakeholder partnerships 27–31). The published summary of the same guidance (Malamateniou C,
McFadden S, et al., ``001_1c713b2c15ce7b4d.txt`` Tables 1–4, L61–167) gives the ``status_001``
column. The cell text is quoted from the SoR guidance for education, with this attribution; it is
the only prose the course's datasets copy, because the A-Ex4 and A-Q4 text searches need the
exact words (SYLLABUS.md Appendix B).

Columns of ``sor_priorities.csv``:

``number``
    The priority's number, 1–31 (the same in both versions).
``area``
    ``Clinical practice``, ``Education``, ``Research`` or ``Partnerships`` (the SoR's
    "stakeholder partnerships" table), in the course syllabus's short names.
``vision``, ``actions``, ``responsibility``
    The table's three text columns in 003: "Strategic priorities for research (vision)",
    "Recommendations for practice (actions)" and "Responsibility for implementation (people or
    groups)". ``vision`` drops only the leading ``"N) "``.
``notes``
    The examples printed under the status word in 003's status column (e.g. "The British
    Standards Institution (BSI) AI auditable standards for healthcare"), or empty. This column is
    not in the syllabus's list; it keeps those examples apart from the people responsible.
``status_003``, ``status_001``
    Pending (work not commenced), Emerging (work commenced but not established) or Ongoing
    (work established and continuing), as printed in 003 and in 001. They differ only for
    priority 22: Pending in 003 (L1608), Ongoing in 001 (L138).
``line_001``, ``line_003``
    The line on which the priority's row starts in each seed, so every cell can be checked with
    ``sed -n 'Np' file``.

Transcription rules (003 prints each table cell one short line per line): lines are rejoined with
single spaces; a line that ends in a hyphen, slash or en dash with no space after it
("pre-" / "registration") is joined without a space, so the hyphen stays ("pre-registration");
runs of spaces are collapsed to one ("SoR  work" → "SoR work"); a cell printed as several
paragraphs is joined with a space after a paragraph that ends in punctuation and with ``"; "``
otherwise. Nothing else is changed: spelling, capitals, curly apostrophes, "e.g.," and the
seed's "clinical imaging/ radiotherapy" spacing are as printed. Link targets printed between the
tables, page numbers and the repeated column headers are not cell text and are left out.

Nothing here reads the seeds: they are not shipped. ``tests/unit/test_priorities_data.py`` checks
the design facts (status totals 14/8/9 in 003 and 13/8/10 in 001; which priorities a text search
finds) that the Module A exercises rely on.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pandas as pd

SOR_PRIORITIES_FILE = "sor_priorities.csv"
AREAS: tuple[str, ...] = ("Clinical practice", "Education", "Research", "Partnerships")
STATUSES: tuple[str, ...] = ("Pending", "Emerging", "Ongoing")
#: What each status means, in the SoR's words (003 L607–614).
STATUS_MEANINGS: dict[str, str] = {
    "Pending": "work not commenced",
    "Emerging": "work commenced but not established",
    "Ongoing": "work established and continuing",
}
TEXT_COLUMNS: tuple[str, ...] = ("vision", "actions", "responsibility", "notes")
COLUMNS: tuple[str, ...] = (
    "number", "area", *TEXT_COLUMNS, "status_003", "status_001", "line_001", "line_003",
)
SOR_PRIORITIES_DTYPES = {
    "number": "int64",
    "area": pd.CategoricalDtype(list(AREAS)),
    **{column: "str" for column in TEXT_COLUMNS},
    "status_003": pd.CategoricalDtype(list(STATUSES)),
    "status_001": pd.CategoricalDtype(list(STATUSES)),
    "line_001": "int64",
    "line_003": "int64",
}
SOURCE_003 = "003_95c6dcd93f166210.txt"
SOURCE_001 = "001_1c713b2c15ce7b4d.txt"
ATTRIBUTION = (
    "Priority text quoted from: Society of Radiographers. Artificial intelligence: Guidance for "
    "clinical imaging and therapeutic radiography workforce professionals (2021), priorities "
    "summary tables; status_001 from the published summary by the SoR AI working group "
    "(Malamateniou, McFadden, et al.)."
)


class Priority(NamedTuple):
    """One row of the SoR priorities tables (field meanings: see the module docstring)."""

    number: int
    area: str
    vision: str
    actions: str
    responsibility: str
    notes: str
    status_003: str
    status_001: str
    line_001: int
    line_003: int


# Transcribed from 003 (and the status column of 001) by the rules in the module docstring.
PRIORITIES: tuple[Priority, ...] = (
    Priority(
        1, "Clinical practice",
        (
            "Engagement of clinical professionals in research to develop solutions in areas of "
            "clinical need (use cases)"
        ),
        (
            "Perform clinically relevant AI research that addresses real life challenges with the "
            "input of all key stakeholders: clinicians, academics, researchers and service users. "
            "This could be facilitated through strong clinical academic partnerships and patient "
            "and public involvement (PPI) initiatives."
        ),
        (
            "Researchers, clinicians, academics; Patient, public, professional and industry "
            "partners; SoR, CoR, healthcare professional bodies"
        ),
        "Examples include: NHSX, NHS Digital and NHSX AI Lab Skunkworks initiatives",
        "Pending", "Pending", 64, 616,
    ),
    Priority(
        2, "Clinical practice",
        "Validation of AI tools",
        (
            "Clinicians need to be included in the clinical validation processes of AI tools to "
            "be assured of the safety and efficacy of algorithm decision support prior to "
            "deployment as part of routine clinical practice. The Medicines and Healthcare "
            "products Regulatory Agency (MHRA), CE marking (and its successor scheme) and "
            "software standards committees need to be consulted as well, given their expertise."
        ),
        "Researchers, clinicians, academics; Industry",
        (
            "Examples include SoR work with regards to: • Development of NHSX/NHS AI Lab, SRTP "
            "and NIAW national imaging resources • NHS AI Lab AI Ethics Initiative research "
            "project: empowering staff to make the most of AI through a skills and capabilities "
            "framework"
        ),
        "Ongoing", "Ongoing", 66, 659,
    ),
    Priority(
        3, "Clinical practice",
        "Ensure equitable and fair use of AI in clinical practice",
        (
            "AI users highlight the limitations and biases in the performance of AI tools and "
            "promote equitable use of AI software and hardware. This will enable clinician "
            "awareness of inequities in the AI technology of concern. This is vital so that AI "
            "implementation will not exacerbate health inequalities (e.g., appointment "
            "prioritisation, case triage, image interpretation)."
        ),
        "Clinicians, researchers, academics, industry partners",
        (
            "Examples include: Publication of allied health professional (AHP) framework on "
            "tackling health inequalities; joint work from Public Health England, the King’s "
            "Fund, SoR and AHP professional bodies; HEE AHP digital inclusion agenda"
        ),
        "Emerging", "Emerging", 69, 726,
    ),
    Priority(
        4, "Clinical practice",
        "Ensure AI tools are being audited, validated and evaluated over time (QA/QC)",
        (
            "Clinical practitioners ensure there are robust post-implementation auditing and "
            "QA/QC frameworks in place to ensure consistent and reliable algorithm performance, "
            "following national/international regulatory frameworks for post-marketing "
            "surveillance of medical devices."
        ),
        "Healthcare organisations, clinical professionals, industry partners",
        (
            "The British Standards Institution (BSI) AI auditable standards for healthcare; NHSX, "
            "NICE, CQC, HEE, NHS Digital and MHRA collaboration with the Ada Lovelace Institute: "
            "AI Ethics Initiative"
        ),
        "Emerging", "Emerging", 70, 770,
    ),
    Priority(
        5, "Clinical practice",
        "Continuing professional development (CPD) and ongoing training",
        (
            "Clinical imaging and radiotherapy professionals to seek out appropriate education in "
            "the use of algorithmic implementation, safety, clinical decision support and "
            "effective communication of decisions to patients and other health professionals."
        ),
        (
            "Clinical imaging and radiotherapy professionals, academics, EIs, industry partners, "
            "CoR, SoR"
        ),
        "",
        "Pending", "Pending", 73, 808,
    ),
    Priority(
        6, "Clinical practice",
        "Patient, public and professional partnerships and co-production of clinical AI tools",
        (
            "Clinicians engage patients as partners in the development of algorithms, their "
            "privacy is maintained and appropriate informed consent is obtained."
        ),
        "Clinicians, researchers, patients, industry, CoR, SoR",
        "",
        "Pending", "Pending", 74, 837,
    ),
    Priority(
        7, "Education",
        (
            "Promote collaborative learning between educators, clinical practitioners, "
            "researchers, SoR, CoR and industry"
        ),
        (
            "Create opportunities for co-construction of AI educational tools and of the AI "
            "curriculum by facilitating synergies between these partners. Highlight these "
            "priorities in the CoR Education and Career Framework (ECF)."
        ),
        "EIs, academics, practice educators, industry partners, CoR, SoR, SCoR ECF working group",
        "",
        "Pending", "Pending", 94, 915,
    ),
    Priority(
        8, "Education",
        (
            "Engage with appropriate stakeholders, including professional bodies, patient and "
            "service user groups, and regulators to ensure academic curricula are person and "
            "patient centred"
        ),
        (
            "Create undergraduate, postgraduate and CPD educational provisions on patient and "
            "person-centred care in medical imaging and radiotherapy."
        ),
        (
            "EIs, academics, CoR ECF working group, professional bodies, patient and public "
            "involvement groups, appropriate charities"
        ),
        (
            "CoR Patient public and practitioner partnerships within imaging and radiotherapy: "
            "Guiding principles; CoR Education and Career Framework"
        ),
        "Ongoing", "Ongoing", 96, 974,
    ),
    Priority(
        9, "Education",
        (
            "Ensure training on AI, progressive technology, data science and healthcare "
            "informatics in education programmes is aligned to scope of practice of professionals"
        ),
        (
            "Liaise with practice educators and practitioners to ensure education delivers what "
            "practice needs."
        ),
        "EIs, practice educators",
        "",
        "Pending", "Pending", 97, 1017,
    ),
    Priority(
        10, "Education",
        (
            "Create training opportunities related to clinical audit, service evaluation and "
            "validation of AI systems integrated within clinical imaging and radiotherapy "
            "practices"
        ),
        (
            "Liaise with practice educators and practitioners to devise optimal clinical "
            "audit/service evaluation and validation pathways with evidence-based standards."
        ),
        "Radiography professionals, industry partners, EIs, academics",
        "The British Standards Institution (BSI) AI auditable standards for healthcare",
        "Pending", "Pending", 98, 1040,
    ),
    Priority(
        11, "Education",
        (
            "Promote continuity of education in AI, progressive technology, data science and "
            "healthcare informatics from pre-registration to postgraduate education, lifelong "
            "learning and CPD"
        ),
        (
            "Bring pre-registration and postgraduate academics together. Harmonise AI training "
            "standards in CoR ECF document."
        ),
        (
            "EIs, practice educators, CoR ECF working group, national healthcare systems’ "
            "e-learning management, CPD platforms (e.g., CoR’s CPD Now)"
        ),
        (
            "AI is included in CoR’s Research Strategy 2021–2026; A standard for AI to be "
            "included in the revised CoR/RCR Quality Standard for Imaging; AI to be included in "
            "CoR’s ECF"
        ),
        "Emerging", "Emerging", 101, 1072,
    ),
    Priority(
        12, "Education",
        (
            "Consider appropriate inclusion of AI within pre-registration and postgraduate "
            "training curricula. AI topics to include the following: A) Overview of AI and its "
            "potential roles within clinical imaging/ radiotherapy. B) Basic knowledge of "
            "terminology, and of development processes of AI algorithms. C) Testing, validation, "
            "standardisation, and governance arrangements. D) AI implementation techniques. E) "
            "Patient-centred and person-centred care in the context of AI; F) Critical appraisal "
            "of research literature related to emerging technologies. G) Ethics of AI, "
            "accountability in the AI ecosystem, and principles of innovation and "
            "entrepreneurship."
        ),
        "Organise a task force of radiographer academics and clinical practitioners/educators.",
        "Academics, EIs, industry partners, AIWG, patient and public/service user groups",
        "",
        "Pending", "Pending", 103, 1146,
    ),
    Priority(
        13, "Education",
        (
            "Incorporate learning for all practitioners and operators on risk management of AI "
            "use in clinical practice, including: patient safety, justification, interpretation "
            "and communication of using AI/algorithms to contribute to clinical management, "
            "diagnosis and/or staging"
        ),
        (
            "Organise short courses, and develop CPD resources and signposting towards further "
            "information in these areas."
        ),
        "EIs, industry partners, academics, practice educators",
        "",
        "Pending", "Pending", 110, 1233,
    ),
    Priority(
        14, "Education",
        (
            "Evaluate the correct clinical usage of AI systems within clinical competency "
            "assessment tools"
        ),
        (
            "Review pre-registration and postgraduate clinical competency assessment tools and "
            "methods."
        ),
        "EIs, academics, clinical professionals",
        "",
        "Pending", "Pending", 111, 1267,
    ),
    Priority(
        15, "Education",
        (
            "Facilitate educational research activities to evaluate and monitor the introduction "
            "of modules in AI, progressive technology, data science and healthcare informatics, "
            "and best practices for education and learning"
        ),
        (
            "Organise educational research projects and initiatives in relation to AI curriculum "
            "design, delivery and evaluation."
        ),
        "EIs, academics, radiography students",
        (
            "For example, the evaluation of Radiography AI postgraduate modules at City, "
            "University of London is underway (2021)"
        ),
        "Emerging", "Emerging", 113, 1287,
    ),
    Priority(
        16, "Education",
        (
            "Enable involvement of educators/students of suitable academic/clinical expertise to "
            "develop AI within clinical imaging, radiotherapy and radiographic education"
        ),
        (
            "Organise student–academic focus groups to brainstorm and discuss the proposed "
            "changes in the curriculum, with pre-registration and postgraduate students actively "
            "involved in their learning."
        ),
        "EIs, academics, radiography pre-registration and postgraduate students",
        "",
        "Pending", "Pending", 114, 1321,
    ),
    Priority(
        17, "Education",
        (
            "Teach not just about AI principles but with AI-enabled educational tools; Teach not "
            "just about AI but with AI"
        ),
        (
            "Ensure that appropriate focus is given to developing/co-constructing AI solutions "
            "with an educational focus for delivery of the academic curriculum within clinical "
            "imaging and radiotherapy."
        ),
        "EIs, patients/public, professionals, academics, industry partners",
        "",
        "Ongoing", "Ongoing", 115, 1374,
    ),
    Priority(
        18, "Education",
        "Provide opportunities for scoping events and networking around prospective developments",
        "Organise educational conferences around AI, its use and future work.",
        "EIs, academics, industry partners, pre-registration and postgraduate students",
        (
            "UK Imaging and Oncology (UKIO) Congress; EFRS and ISRRT Congress; European Society "
            "of Radiology (ESR) European Congress of Radiology (ECR); European Society for "
            "Radiotherapy and Oncology (ESTRO) Congress; SCoR Achieving Excellence in Radiography "
            "Education and Research conference; Focused international AI conferences; for "
            "example, AI conference by City, University of London in July 2020; SoR online "
            "Synapse workspaces"
        ),
        "Ongoing", "Ongoing", 118, 1402,
    ),
    Priority(
        19, "Research",
        (
            "Explore and map out radiography baseline theoretical knowledge, clinical practice, "
            "technical skills and perceptions/expectations of the use of AI"
        ),
        (
            "Conduct research on the current knowledge, technical skills/competences, and "
            "attitudes and expectations of radiographers towards AI. This could take the form of "
            "surveys or other type of mixed-methods research."
        ),
        "SoR AIWP, EIs, CoR, academics",
        (
            "For example: UK-wide AI survey, with similar surveys running in Africa, Ireland, "
            "Saudi Arabia and Greece; EFRS and ISRRT running pilot studies in 2021; HEE AHP "
            "digital skills project"
        ),
        "Ongoing", "Ongoing", 134, 1489,
    ),
    Priority(
        20, "Research",
        (
            "Investigate the impact of emerging AI technologies on the patient experience, "
            "patient safety and quality of care"
        ),
        "Conduct undergraduate and postgraduate/doctoral and postdoctoral research in this area",
        "AIWP, EIs, SoR, radiography service managers, academics",
        "",
        "Emerging", "Emerging", 135, 1529,
    ),
    Priority(
        21, "Research",
        (
            "Investigate how the radiographer’s role, career opportunities, role extension and "
            "career progression will develop and change with the increased use of AI"
        ),
        "Carry out baseline search, but also ongoing research required.",
        (
            "AIWG, HEIs, SoR, research-active professionals, academics, radiography service "
            "managers, consultant practitioners, advanced practitioners, team leaders"
        ),
        "",
        "Pending", "Pending", 137, 1550,
    ),
    Priority(
        22, "Research",
        (
            "Develop transparent AI working practices and protocols; Strive for explainable AI "
            "that practitioners and patients will be able to trust but also query and assess its "
            "quality"
        ),
        (
            "Create auditable standards. Cross-disciplinary, multi-site research projects are "
            "needed."
        ),
        (
            "SoR, industry, higher education institutions (HEIs), academics, clinical "
            "practitioners, British Standards Institution"
        ),
        (
            "SoR sits on NHSX AI Lab AI Imaging Programme board; Further work is ongoing at: NHS "
            "Digital, NHSX and NHS AI Lab in England; Scottish Radiology Transformation Programme "
            "(SRTP) for Scotland; and National Imaging Academy Wales (NIAW) for Wales"
        ),
        "Pending", "Ongoing", 138, 1579,
    ),
    Priority(
        23, "Research",
        "Identify what AI metrics/interface influence clinical decision making",
        (
            "Conduct research projects e.g., by clinical imaging and therapeutic radiography "
            "professionals, doctoral students, postdoctoral researchers."
        ),
        "SoR AIWP, EIs, SoR, clinical professionals, academics, colleagues from industry",
        "For example: Ultrasound scan and surgical innovations in pregnancy services",
        "Ongoing", "Ongoing", 140, 1622,
    ),
    Priority(
        24, "Research",
        (
            "Make radiography researchers in AI visible to editors, publishers, journals, and "
            "conferences as autonomous researchers who can add value within multidisciplinary "
            "teams but also as distinct to radiologists and other medical imaging colleagues"
        ),
        (
            "Organise conferences, arrange sessions in conferences, webinars, seminars etc. on "
            "radiography and AI. Invite multiprofessional key stakeholders to increase visibility "
            "and understanding of capability and impact of clinical imaging and therapeutic "
            "radiography professionals."
        ),
        "AIWP, EIs, SoR, clinical professionals, academics",
        "Promote existing papers and further publication of articles in Radiography journal",
        "Emerging", "Emerging", 141, 1686,
    ),
    Priority(
        25, "Research",
        "Support, fund and advocate for AI research in radiographic practice and education",
        (
            "Highlight funding routes that are available within devolved nation research "
            "programmes. Explore the development of industry-funded grants and partnerships. "
            "Approach research funders to advocate for the role of radiography research in AI "
            "implementation and healthcare practice."
        ),
        (
            "SoR professionals, industry professional partners, AIWG, research funders (NIHR, "
            "Medical Research Council, Economic and Social Research Council)"
        ),
        (
            "Explore the possibility of CoR Industry Partnership Scheme themed calls for AI "
            "research grants"
        ),
        "Emerging", "Emerging", 142, 1732,
    ),
    Priority(
        26, "Research",
        (
            "Forge partnerships between AI researchers and clinical practitioners to support "
            "collaboration on areas of mutual interest."
        ),
        "Create multidisciplinary teams.",
        "AIWP, EIs, SoR, clinical professionals, academics.",
        (
            "for example, a range of sites where AI is being used in collaborations between NHS "
            "sites/NHSX/academic partnerships; NHS Accelerated Access Collaborative (AAC) awards, "
            "e.g. Mirada Medical; FutureNHS Collaboration Platform resources: NHSX AI Virtual "
            "Hub; National Consortium of Intelligent Medical Imaging (NCIMI); The East Midlands "
            "Imaging Network (EMRAD)"
        ),
        "Emerging", "Emerging", 145, 1777,
    ),
    Priority(
        27, "Partnerships",
        (
            "Collaboration between industry/AI companies, clinical practitioners, universities, "
            "researchers and the whole range of multidisciplinary professionals working in "
            "clinical sites"
        ),
        (
            "Develop partnership between industry, radiography researchers and early adopter "
            "clinical sites to establish AI health transformation pathways and develop validation "
            "documentation for AI healthcare adoption. Also establish early accountability "
            "pathways for AI products."
        ),
        (
            "Academics, industry, clinical practitioners, UK regulatory bodies and professional "
            "bodies, including SoR, IPEM, RCR professionals, and NHS trust leadership"
        ),
        (
            "For example: NHSX AI in Health and Care Award for the conceptualisation, "
            "development, testing and validation of AI technologies in the NHS. London Medical "
            "Imaging & AI Centre for Value-Based Healthcare collaboration between NHS trusts, "
            "small to medium-sized enterprises (SMEs) and King’s College London to develop, "
            "validate and implement AI technologies for the benefit of the NHS"
        ),
        "Ongoing", "Ongoing", 159, 1871,
    ),
    Priority(
        28, "Partnerships",
        "Collaboration between industry and educators/ academics",
        (
            "Partnerships between industry and educators/academics and practice educators are "
            "important to ensure radiography pre-registration and postgraduate training is up to "
            "date with current technologies and clinical needs. Forge partnerships to run "
            "conferences/ webinars on AI in radiography."
        ),
        "Academics/educators, industry, CoR, professional bodies",
        (
            "For example: AI symposium at City, University of London; Association of Healthcare "
            "Technology Providers (AXREM) AI Special Focus Group manifesto; City University of "
            "London Radiography 2020 conference; European Society for Radiation Oncology (ESTRO) "
            "and American Society for Radiation Oncology (ASTRO) congresses."
        ),
        "Ongoing", "Ongoing", 162, 1931,
    ),
    Priority(
        29, "Partnerships",
        (
            "Development of AI health lead radiographers/clinical imaging and therapeutic "
            "radiography professional ambassadors to facilitate clinical digital transformation"
        ),
        (
            "Ensure radiographers, clinical imaging and therapeutic service professionals "
            "participate in/apply for the NHS Topol Programme for Digital Fellowships in "
            "Healthcare and other AI leadership positions with the NHS, EIs and industry."
        ),
        "SoR members, EIs, professional bodies, AIWG",
        "",
        "Ongoing", "Ongoing", 163, 2006,
    ),
    Priority(
        30, "Partnerships",
        (
            "Advocate and work with industry to establish a common language in AI terminology for "
            "consistency"
        ),
        (
            "Ensure a common AI language is understood between industry, academia and clinical "
            "practice."
        ),
        "Industry, academic, clinical",
        "",
        "Pending", "Pending", 166, 2037,
    ),
    Priority(
        31, "Partnerships",
        (
            "Coordinate a seamless multidisciplinary framework of AI implementation, where every "
            "team member is valued and their input is heard"
        ),
        (
            "Collaboration between clinical practitioners, academics, researchers, professional "
            "bodies and regulatory bodies."
        ),
        "All stakeholders",
        "",
        "Pending", "Pending", 167, 2055,
    ),)


def get_priority(number: int) -> Priority:
    """Priority ``number`` (1–31); ValueError for any other number."""
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= len(PRIORITIES):
        raise ValueError(f"the SoR guidance has priorities 1 to {len(PRIORITIES)}, not {number!r}")
    return PRIORITIES[number - 1]


def priorities_frame() -> pd.DataFrame:
    """The 31 priorities as a DataFrame with the columns and dtypes of ``sor_priorities.csv``."""
    frame = pd.DataFrame([p._asdict() for p in PRIORITIES], columns=list(COLUMNS))
    return frame.astype(SOR_PRIORITIES_DTYPES)


def write_priorities_csv(path: str | Path) -> Path:
    """Write ``sor_priorities.csv`` (UTF-8, ``\\n`` line ends, no index) to ``path``; return it.

    The output depends only on :data:`PRIORITIES`, so it is byte-identical on every run.
    """
    path = Path(path)
    frame = pd.DataFrame([p._asdict() for p in PRIORITIES], columns=list(COLUMNS))
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


def read_priorities_csv(path: str | Path) -> pd.DataFrame:
    """Read a ``sor_priorities.csv`` written by :func:`write_priorities_csv`.

    Empty ``notes`` stay empty strings (not NaN), so ``.str.contains`` works on every text column.
    """
    return pd.read_csv(path, dtype=SOR_PRIORITIES_DTYPES, keep_default_na=False)
