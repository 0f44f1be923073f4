"""One schema per upload type: the single source for validation, templates, storage and docs."""

from __future__ import annotations

from enum import StrEnum
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, model_validator

from metrics.periods import PeriodType


class ColumnType(StrEnum):
    text = "text"
    category = "category"  # one of `allowed`
    yes_no = "yes_no"
    date = "date"
    integer = "integer"
    number = "number"
    period = "period"  # a period label, e.g. 2024/25


class Column(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    type: ColumnType
    description: str
    required: bool = True
    allowed: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    unique: bool = False
    max_length: int = 200
    future_ok: bool = False  # a date that may lie ahead (a due date); others cannot
    example: str = ""
    # A file may leave the whole column out (stored values are then kept, never blanked); any
    # other column, required or not, must be in the file even where its cells are blank.
    may_be_left_out: bool = False

    @model_validator(mode="after")
    def _allowed_matches_type(self) -> Column:
        if self.type is ColumnType.category and not self.allowed:
            raise ValueError(f"category column {self.name} needs allowed values")
        return self

    @property
    def allowed_values(self) -> tuple[str, ...]:
        return ("yes", "no") if self.type is ColumnType.yes_no else self.allowed


class Dataset(BaseModel):
    """An upload type: its columns and how its rows fall into reporting periods."""

    model_config = ConfigDict(frozen=True)

    name: str
    title: str
    description: str
    shape: str = Field(pattern="^(record|aggregate)$")
    columns: tuple[Column, ...]
    # The date column that places a row in a period, and the period type used to
    # decide which earlier rows a re-upload supersedes.
    period_column: str
    period_type: PeriodType | None = None  # None: the period column holds labels already
    # Columns that together identify a row inside one upload.
    key: tuple[str, ...] = ()
    # Columns whose values go in front of the period in the key a re-upload supersedes by, so
    # that a file replaces only its own values' rows in its periods (one survey's answers do
    # not replace another survey's, of other questions or other respondents, in the same year).
    period_key_columns: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _references_exist(self) -> Dataset:
        names = [c.name for c in self.columns]
        refs = (self.period_column, *self.key, *self.period_key_columns)
        missing = [n for n in refs if n not in names]
        if missing:
            raise ValueError(f"dataset {self.name} refers to unknown columns {missing}")
        return self

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"dataset {self.name} has no column {name}")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


YES_NO = ("yes", "no")
SEX = ("female", "male", "other", "not_known")
ETHNIC_GROUP = ("white", "mixed", "asian", "black", "chinese", "any_other", "not_known")
GLOBAL_MAJORITY = ("mixed", "asian", "black", "chinese", "any_other")
PRIMARY_NEED = (
    "SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "DS", "OTH",
    "NSA",
)  # fmt: skip
PRIMARY_NEED_WORDS = {
    "SPLD": "Specific learning difficulty",
    "MLD": "Moderate learning difficulty",
    "SLD": "Severe learning difficulty",
    "PMLD": "Profound and multiple learning difficulty",
    "SEMH": "Social, emotional and mental health",
    "SLCN": "Speech, language and communication needs",
    "HI": "Hearing impairment",
    "VI": "Visual impairment",
    "MSI": "Multi-sensory impairment",
    "PD": "Physical disability",
    "ASD": "Autistic spectrum disorder",
    "DS": "Down syndrome",
    "OTH": "Other difficulty or disability",
    "NSA": "SEN support but no specialist assessment of type of need",
}
SURVEY_RESPONSES = (
    "strongly_agree",
    "agree",
    "neither",
    "disagree",
    "strongly_disagree",
    "dont_know",
)
RESPONDENT_GROUPS = ("parent_carer", "young_person", "professional", "family")


def _ref(name: str, what: str, example: str) -> Column:
    return Column(
        name=name,
        type=ColumnType.text,
        unique=True,
        max_length=40,
        example=example,
        description=(
            f"Pseudonymous reference for the {what}, unique in the file. Never a name, "
            "UPN, ULN or NHS number: use the reference your case system generates."
        ),
    )


def _date(
    name: str, description: str, required: bool = True, example: str = "", future_ok: bool = False
) -> Column:
    return Column(
        name=name,
        type=ColumnType.date,
        required=required,
        example=example,
        future_ok=future_ok,
        description=description + " As dd/mm/yyyy or yyyy-mm-dd.",
    )


def _yes_no(
    name: str, description: str, required: bool = True, example: str = "no",
    may_be_left_out: bool = False,
) -> Column:  # fmt: skip
    return Column(
        name=name, type=ColumnType.yes_no, required=required, example=example,
        description=description + " yes or no.", may_be_left_out=may_be_left_out,
    )  # fmt: skip


def _cat(
    name: str, allowed: tuple[str, ...], description: str, example: str, **kw: object
) -> Column:
    return Column(
        name=name, type=ColumnType.category, allowed=allowed, example=example,
        description=description, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def _priority(description: str, example: str) -> Column:
    """A strategy priority: one of the ids the registry in force gives its priorities."""
    return Column(
        name="priority", type=ColumnType.text, max_length=20, example=example,
        description=f"{description}: one of the priority ids in the indicator registry "
        f"(for example {example}).",
    )  # fmt: skip


_SEX = _cat("sex", SEX, "Sex as recorded in the case system.", "male")
_ETHNIC = _cat(
    "ethnic_group", ETHNIC_GROUP,
    "DfE major ethnic group. Global majority = mixed, asian, black, chinese, any_other.", "asian",
)  # fmt: skip
_NEED = _cat(
    "primary_need", PRIMARY_NEED,
    "Primary type of need, as the SEN2 return codes it (e.g. ASD = autistic spectrum disorder).",
    "ASD",
)  # fmt: skip


DATASETS: tuple[Dataset, ...] = (
    Dataset(
        name="ehc_requests",
        title="EHC needs assessment requests",
        description=(
            "One row per request for an Education, Health and Care (EHC) needs assessment, "
            "aligned with the DfE SEN2 return. Gives the 20-week timeliness, 6-week decision "
            "and support-while-waiting measures."
        ),
        shape="record",
        period_column="request_received_date",
        period_type=PeriodType.calendar_year,
        key=("case_ref",),
        columns=(
            _ref("case_ref", "request", "REQ-0001"),
            _date(
                "request_received_date",
                "Date the local authority received the request.",
                example="2024-02-05",
            ),
            _date(
                "request_decision_date",
                "Date of the decision whether to assess.",
                required=False,
                example="2024-03-11",
            ),
            _cat(
                "request_outcome",
                ("assess", "not_assess", "withdrawn", "pending"),
                "Decision on the request.",
                "assess",
            ),
            _cat(
                "assessment_outcome",
                ("plan_issued", "not_issued", "withdrawn", "pending"),
                "Outcome of the assessment: pending if not yet decided; blank when the request "
                "was not assessed (request_outcome not_assess or withdrawn).",
                "plan_issued",
                required=False,
            ),
            _date(
                "plan_issued_date",
                "Date the final EHC plan was issued, if it was.",
                required=False,
                example="2024-06-14",
            ),
            _yes_no(
                "exception_20_weeks",
                "A permitted exception to the 20-week timescale applies (SEND Regulations 2014, "
                "regulation 13(3)).",
            ),
            _yes_no("mediation_or_tribunal", "The case went to mediation or the SEND Tribunal."),
            Column(
                name="age_at_request",
                type=ColumnType.integer,
                minimum=0,
                maximum=25,
                example="7",
                description="Age in whole years when the request was received, 0-25.",
            ),
            _SEX,
            _ETHNIC,
            _NEED,
            _yes_no(
                "waiting_support_offered",
                "The family was offered information and support while waiting for the assessment."
                " The column may be left out of a file: the values already stored are kept.",
                example="yes",
                may_be_left_out=True,
            ),
        ),
    ),
    Dataset(
        name="ehc_plans",
        title="Active EHC plans (snapshot)",
        description=(
            "One row per active EHC plan at a snapshot date (for example the January census). "
            "Gives the SEND population profile: plans over time, need, sex, ethnicity, age, "
            "short breaks and annual reviews."
        ),
        shape="record",
        period_column="snapshot_date",
        period_type=PeriodType.month,
        # A file may hold several snapshots (a history): a plan appears once in each.
        key=("case_ref", "snapshot_date"),
        columns=(
            Column(
                name="case_ref",
                type=ColumnType.text,
                max_length=40,
                example="PLAN-0001",
                description=(
                    "Pseudonymous reference for the child or young person's plan: once per "
                    "snapshot date, and the same in every snapshot. Never a name, UPN, ULN or "
                    "NHS number: use the reference your case system generates."
                ),
            ),
            _date(
                "snapshot_date",
                "The date the snapshot describes (e.g. the census date).",
                example="2025-01-16",
            ),
            Column(
                name="age",
                type=ColumnType.integer,
                minimum=0,
                maximum=25,
                example="9",
                description="Age in whole years at the snapshot date, 0-25.",
            ),
            _SEX,
            _ETHNIC,
            _NEED,
            _yes_no(
                "short_breaks",
                "The child or young person receives short breaks provision. The column may be "
                "left out of a file: the values already stored are kept.",
                example="yes",
                may_be_left_out=True,
            ),
            _yes_no(
                "annual_review_held",
                "An annual review was held in the 12 months before the snapshot. The column "
                "may be left out of a file: the values already stored are kept.",
                example="yes",
                may_be_left_out=True,
            ),
            _yes_no(
                "cyp_involved_in_review",
                "The child or young person was actively involved in that annual review. The "
                "column may be left out of a file: the values already stored are kept.",
                required=False,
                example="yes",
                may_be_left_out=True,
            ),
        ),
    ),
    Dataset(
        name="ap_placements",
        title="Alternative provision placements",
        description=(
            "One row per placement of a child or young person of the area in alternative "
            "provision, by the local authority or by a school."
        ),
        shape="record",
        period_column="start_date",
        period_type=PeriodType.academic_year,
        key=("placement_ref",),
        columns=(
            _ref("placement_ref", "placement", "AP-0001"),
            Column(
                name="child_ref",
                type=ColumnType.text,
                max_length=40,
                example="CYP-0001",
                description="Pseudonymous reference for the child (the same child may have "
                "several placements). Never a name, UPN or NHS number.",
            ),
            _date("start_date", "Date the placement started.", example="2024-11-04"),
            _date(
                "end_date",
                "Date the placement ended; blank if it continues.",
                required=False,
                example="",
            ),
            _cat(
                "placed_by", ("local_authority", "school"), "Who arranged the placement.", "school"
            ),
            _yes_no(
                "notified_to_la",
                "The placing school told the local authority about the placement "
                "(for school placements).",
                example="yes",
            ),
            _yes_no(
                "provider_quality_assured",
                "The provider is quality assured by the local authority where it is located "
                "or by this authority.",
                example="yes",
            ),
            _cat(
                "panel_quality_rating",
                ("high", "adequate", "low", "not_rated"),
                "Quality of the placement as reported at the SEND and AP Panel.",
                "high",
            ),
            _cat(
                "sen_status",
                ("ehc_plan", "sen_support", "none"),
                "The child's SEN status at the start of the placement.",
                "sen_support",
            ),
        ),
    ),
    Dataset(
        name="work_opportunities",
        title="Apprenticeships and supported internships",
        description=(
            "One row per apprenticeship, supported internship or traineeship offered to a young "
            "person with SEND, and whether it was taken up."
        ),
        shape="record",
        period_column="offered_date",
        period_type=PeriodType.academic_year,
        key=("opportunity_ref",),
        columns=(
            _ref("opportunity_ref", "opportunity", "WO-0001"),
            _cat(
                "opportunity_type",
                ("apprenticeship", "supported_internship", "traineeship"),
                "Kind of opportunity.",
                "supported_internship",
            ),
            _date("offered_date", "Date the opportunity was offered.", example="2024-09-16"),
            _yes_no("taken_up", "The young person started the opportunity.", example="yes"),
            _cat(
                "sen_status",
                ("ehc_plan", "sen_support"),
                "The young person's SEN status.",
                "ehc_plan",
            ),
        ),
    ),
    Dataset(
        name="survey_responses",
        title="Survey responses",
        description=(
            "One row per answer to one survey question, from parent carers, young people, "
            "families or professionals. The question codes are listed in the indicator registry."
        ),
        shape="record",
        period_column="response_date",
        period_type=PeriodType.financial_year,
        key=("response_ref", "question"),
        period_key_columns=("question", "respondent_group"),
        columns=(
            Column(
                name="response_ref",
                type=ColumnType.text,
                max_length=40,
                example="S25-001",
                description="Pseudonymous reference for the respondent's survey return; the "
                "same respondent answers several questions. Never a name or email address.",
            ),
            _date("response_date", "Date the response was given.", example="2025-03-03"),
            _cat("respondent_group", RESPONDENT_GROUPS, "Who answered.", "parent_carer"),
            Column(
                name="question",
                type=ColumnType.text,
                max_length=60,
                example="iag_offer_good",
                description="Question code, as listed for each survey measure in the registry.",
            ),
            _cat(
                "response",
                SURVEY_RESPONSES,
                "The answer on the five-point agreement scale, or dont_know.",
                "agree",
            ),
        ),
    ),
    Dataset(
        name="codesign_activities",
        title="Co-designed services and activities",
        description=(
            "One row per service or activity co-designed with children, young people or parent "
            "carers, with the three tests of real co-design."
        ),
        shape="record",
        period_column="start_date",
        period_type=PeriodType.financial_year,
        key=("activity_ref",),
        columns=(
            _ref("activity_ref", "activity", "CD-001"),
            Column(
                name="title",
                type=ColumnType.text,
                max_length=120,
                example="Inclusive play session design",
                description="Short name of the service or activity (no personal details).",
            ),
            _priority("The strategy priority it serves", "4"),
            _date("start_date", "Date the co-design started.", example="2025-05-01"),
            _date(
                "completed_date",
                "Date the service or activity was delivered; blank if not yet.",
                required=False,
                example="2025-10-20",
            ),
            _yes_no(
                "involved_from_start",
                "Young people and/or parent carers were involved from the start.",
                example="yes",
            ),
            _yes_no(
                "feedback_given", "Participants received feedback on what changed.", example="yes"
            ),
            _yes_no(
                "reported_feeling_heard", "Participants reported feeling heard.", example="yes"
            ),
        ),
    ),
    Dataset(
        name="panel_requests",
        title="SEND and AP Panel request quality",
        description=(
            "One row per request considered at the SEND and Alternative Provision Panel, with the "
            "Panel's rating of its quality."
        ),
        shape="record",
        period_column="panel_date",
        period_type=PeriodType.financial_year,
        key=("request_ref",),
        columns=(
            _ref("request_ref", "Panel request", "PR-0001"),
            _date("panel_date", "Date of the Panel meeting.", example="2025-01-22"),
            _cat(
                "request_type",
                ("ehc_needs_assessment", "alternative_provision", "other"),
                "What the request was for.",
                "ehc_needs_assessment",
            ),
            _cat(
                "quality_rating",
                ("high", "adequate", "low"),
                "The Panel's rating of the request's quality.",
                "high",
            ),
        ),
    ),
    Dataset(
        name="milestones",
        title="Action Plan milestones",
        description=(
            "One row per Action Plan milestone at a status date: lead, due date, status and "
            "evidence. Upload the whole plan each time its status is reviewed."
        ),
        shape="record",
        period_column="status_date",
        period_type=PeriodType.quarter,
        key=("milestone_id", "status_date"),
        columns=(
            Column(
                name="milestone_id",
                type=ColumnType.text,
                max_length=60,
                example="p1_local_offer_review",
                description="Milestone code; those behind measures of success are listed in "
                "the registry.",
            ),
            _priority("The strategy priority the action belongs to", "1"),
            Column(
                name="action",
                type=ColumnType.text,
                max_length=300,
                example="Review the Local Offer with the Parent Carer Forum",
                description="The key action, as the Action Plan words it.",
            ),
            Column(
                name="lead",
                type=ColumnType.text,
                max_length=120,
                example="Head of SEND",
                description="Lead role or team (a role, not a person's name).",
            ),
            _date("due_date", "Date the milestone is due.", example="2026-03-31", future_ok=True),
            _cat(
                "status",
                ("not_started", "in_progress", "at_risk", "delayed", "complete"),
                "Progress at the status date.",
                "in_progress",
            ),
            _date(
                "completed_date",
                "Date it was completed; blank if not yet.",
                required=False,
                example="",
            ),
            _date("status_date", "Date this status was reviewed.", example="2025-09-30"),
            Column(
                name="evidence",
                type=ColumnType.text,
                required=False,
                may_be_left_out=True,
                max_length=500,
                example="Draft reviewed at CPCF meeting",
                description="Short note of the evidence for the status.",
            ),
        ),
    ),
    Dataset(
        name="indicator_values",
        title="Counted values (aggregate)",
        description=(
            "One row per indicator per period for measures that arrive already counted, such as "
            "Local Offer website hits or SEN Support numbers: a count, or a numerator and "
            "denominator."
        ),
        shape="aggregate",
        period_column="period",
        period_type=None,
        key=("indicator_id", "period", "breakdown", "breakdown_group"),
        columns=(
            Column(
                name="indicator_id",
                type=ColumnType.text,
                max_length=60,
                example="local_offer_hits",
                description="Indicator id from the registry (aggregate indicators only).",
            ),
            Column(
                name="period",
                type=ColumnType.period,
                example="2024-03",
                description="Period label in the indicator's period type: 2024 (calendar "
                "year), 2024/25 (academic), 2024-25 (financial), 2024-Q1, 2024-03 (month).",
            ),
            Column(
                name="breakdown",
                type=ColumnType.text,
                required=False,
                may_be_left_out=True,
                max_length=60,
                example="",
                description="Breakdown dimension, blank for the headline value.",
            ),
            Column(
                name="breakdown_group",
                type=ColumnType.text,
                required=False,
                may_be_left_out=True,
                max_length=60,
                example="",
                description="Group within the breakdown, blank for the headline.",
            ),
            Column(
                name="count",
                type=ColumnType.number,
                required=False,
                may_be_left_out=True,
                minimum=0,
                example="1520",
                description="The count, for count indicators.",
            ),
            Column(
                name="numerator",
                type=ColumnType.number,
                required=False,
                may_be_left_out=True,
                minimum=0,
                example="",
                description="Numerator, for rate indicators.",
            ),
            Column(
                name="denominator",
                type=ColumnType.number,
                required=False,
                may_be_left_out=True,
                minimum=0,
                example="",
                description="Denominator, for rate indicators.",
            ),
        ),
    ),
    Dataset(
        name="official_values",
        title="Official statistics to compare with",
        description=(
            "Published Department for Education figures for England, the regions and every "
            "local authority, one row per indicator, period and area. They are not typed in: "
            "`python -m metrics import-official FILE` turns an Explore Education Statistics or "
            "LAIT file into these rows, using the comparators the registry names."
        ),
        shape="aggregate",
        period_column="period",
        period_type=None,
        key=("indicator_id", "period", "source", "geographic_level", "area_code", "area"),
        columns=(
            Column(
                name="indicator_id",
                type=ColumnType.text,
                max_length=60,
                example="ehc_20wk_excl_exceptions",
                description="Indicator id from the registry that this figure is a comparator for.",
            ),
            Column(
                name="period",
                type=ColumnType.period,
                example="2024",
                description="Period label in the indicator's period type (2024, 2024/25, "
                "2025-01 for a January census).",
            ),
            _cat(
                "source",
                ("ees", "lait"),
                "The kind of official file: ees (Explore Education Statistics) or lait (the "
                "Local Authority Interactive Tool).",
                "ees",
            ),
            _cat(
                "geographic_level",
                ("national", "regional", "local_authority"),
                "Whether the figure is for England, a region or one local authority.",
                "national",
            ),
            Column(
                name="area_code",
                type=ColumnType.text,
                required=False,
                max_length=12,
                example="E92000001",
                description="The area's ONS code (E92000001 England, E12… a region, E06… to "
                "E10… a local authority); blank where the file gives none.",
            ),
            Column(
                name="area",
                type=ColumnType.text,
                max_length=100,
                example="England",
                description="The area, as the file names it.",
            ),
            Column(
                name="old_la_code",
                type=ColumnType.text,
                required=False,
                max_length=5,
                example="",
                description="The DfE three-digit local authority number (for example 330, "
                "Birmingham); blank for England and the regions.",
            ),
            Column(
                name="breakdown",
                type=ColumnType.text,
                required=False,
                max_length=120,
                example="All EHC plans issued",
                description="The file's breakdown the figure belongs to, as published.",
            ),
            Column(
                name="numerator",
                type=ColumnType.number,
                required=False,
                minimum=0,
                example="39407",
                description="The published numerator, for a rate (blank if not published).",
            ),
            Column(
                name="denominator",
                type=ColumnType.number,
                required=False,
                minimum=0,
                example="84866",
                description="The published denominator, for a rate (blank if not published).",
            ),
            Column(
                name="value",
                type=ColumnType.number,
                required=False,
                example="46.4",
                description="The published figure: a percentage for a rate, a number for a "
                "count. Blank when it was not published; `symbol` says why.",
            ),
            Column(
                name="symbol",
                type=ColumnType.text,
                required=False,
                max_length=10,
                example="",
                description="The Government Statistical Service symbol published instead of "
                "the figure (x not available, z not applicable, c confidential, low rounds to "
                "zero, u low reliability; older files : and ~).",
            ),
            Column(
                name="source_file",
                type=ColumnType.text,
                required=False,
                max_length=200,
                example="timeliness_20_week.csv",
                description="The official file the figure was read from.",
            ),
        ),
    ),
)

# Datasets filled by importing published statistics rather than by officers' own uploads; the
# synthetic demo data has no file for them.
OFFICIAL_DATASETS: frozenset[str] = frozenset({"official_values"})


@cache
def by_name() -> dict[str, Dataset]:
    return {d.name: d for d in DATASETS}


def get(name: str) -> Dataset:
    try:
        return by_name()[name]
    except KeyError:
        known = ", ".join(sorted(by_name()))
        raise KeyError(f"There is no dataset called '{name}'. The datasets are: {known}.") from None
