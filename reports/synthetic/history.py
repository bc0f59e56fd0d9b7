"""Assessment histories of synthetic enterprises, stored as submission and review store
them (assessments.services.assessments): answers frozen into ``answers_snapshot``, the
engine's result with its figures, the status and confirmed level the review rules give,
Answer rows and the ReviewDecision trail.

An enterprise joins in one of the last eight quarters and assesses on the framework that
fits its size (the SME digital level for small firms, the smart-factory gradient for
large ones, sometimes both). Its answers come from an AnswerTrajectory, so a later
assessment answers better than an earlier one.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from assessments import scoring
from assessments.models import Answer, Assessment, ReviewDecision
from assessments.services.rescoring import stored_result
from assessments.synthetic import AnswerTrajectory

from . import profile
from .population import EnterpriseProfile
from .writer import TableRows

SME_FRAMEWORK = "sme-digital-level-2024"
SMART_FACTORY_FRAMEWORK = "smart-factory-gradient"
FRAMEWORK_CODES = (SME_FRAMEWORK, SMART_FACTORY_FRAMEWORK)
QUARTERS = 8
QUARTER_DAYS = 91.3
# Later quarters bring more newcomers (the platform grows).
JOIN_WEIGHTS = (8, 9, 10, 11, 12, 14, 16, 20)
# Chance that the smart-factory gradient is an enterprise's main framework, by size.
SMART_FACTORY_MAIN = {"micro": 0.005, "small": 0.02, "medium": 0.3, "large": 0.8, "anchor": 0.9}
# Share of an enterprise's assessments on its other framework, by size.
OTHER_FRAMEWORK_SHARE = {"micro": 0.01, "small": 0.03, "medium": 0.2, "large": 0.25, "anchor": 0.15}
DRAFT_SHARE = 0.05  # the latest assessment on a framework is still a draft
RETURN_SHARE = 0.06  # a reviewed assessment (not the latest) was returned for changes
CONFIRM_LOWER_SHARE = 0.1  # a reviewer confirmed one level lower


# How a framework reads an enterprise's maturity. The smart-factory gradient asks more
# than the SME index: positions are pulled down and together, so that applicants form
# a pyramid (基础级 more often than 先进级, 卓越级 rare). Offsets (AnswerTrajectory):
# the basic requirements are met by nearly every applicant, and most have a CMMM level
# of 2 or more; a CDO, a 5G factory listing and a five-star cloud rating are
# distinctions. Firms below designated size (small and micro) miss the first
# requirement, which is why few of them try this framework.
@dataclass(frozen=True)
class AnswerShape:
    shift: float = 0.0
    compress: float = 1.0
    offsets: dict[str, float] = field(default_factory=dict)

    def maturity(self, maturity: float) -> float:
        return 0.5 + self.compress * (maturity - 0.5) + self.shift


ANSWER_SHAPES = {
    SME_FRAMEWORK: AnswerShape(),
    SMART_FACTORY_FRAMEWORK: AnswerShape(
        shift=-0.2,
        compress=0.7,
        offsets={
            "bq_sound_operations": 0.35,
            "bq_no_major_incident": 0.35,
            "bq_secure_controllable": 0.35,
            "bq_organisation": 0.35,
            "bq_talent": 0.35,
            "bq_cmmm_level": 0.25,
            "gv_cdo": -0.3,
            "nw_5g_directory": -0.3,
            "cl_five_star": -0.4,
        },
    ),
}

ASSESSMENT_FIELDS = (
    "id",
    "enterprise",
    "framework",
    "framework_version",
    "status",
    "created_by",
    "created_at",
    "updated_at",
    "submitted_at",
    "submitted_by",
    "pledge_accepted_at",
    "answers_snapshot",
    "result",
    "engine_version",
    "total",
    "level_code",
    "confirmed_level_code",
    "returned_from",
)
ANSWER_FIELDS = ("assessment", "question_key", "value", "revision", "updated_by", "updated_at")
DECISION_FIELDS = ("assessment", "decision", "level_code", "comment", "user", "created_at")

encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@dataclass(frozen=True)
class FrameworkInfo:
    """A framework's latest published version, compiled, and its levels' confirmation."""

    code: str
    framework_id: int
    version_id: int
    fw: scoring.Framework
    confirmation: dict[str, str]
    level_codes: tuple[str, ...]


@dataclass(frozen=True)
class Timeline:
    """The eight calendar quarters (in the site's time zone) up to ``as_of``, exclusive."""

    as_of: datetime
    quarter_starts: tuple[datetime, ...]

    @classmethod
    def ending(cls, as_of: date) -> Timeline:
        tz = timezone.get_current_timezone()
        end = datetime.combine(as_of, time.min, tzinfo=tz)
        last_day = as_of - timedelta(days=1)
        year, month = last_day.year, 3 * ((last_day.month - 1) // 3) + 1
        starts = []
        for _ in range(QUARTERS):
            starts.append(datetime(year, month, 1, tzinfo=tz))
            month -= 3
            if month < 1:
                month += 12
                year -= 1
        return cls(as_of=end, quarter_starts=tuple(reversed(starts)))

    def moment(self, rng: random.Random, start: datetime, end: datetime) -> datetime:
        """A whole second in [start, end)."""
        seconds = max(0, int((end - start).total_seconds()) - 1)
        return start + timedelta(seconds=int(rng.random() * seconds))


@dataclass
class _Planned:
    framework: FrameworkInfo
    moment: datetime  # submission, or the last edit of a draft
    created_at: datetime = field(init=False)
    review_at: datetime = field(init=False)  # when a reviewer would decide
    draft: bool = False


class ValueCodec:
    """JSON encodings of answer values, cached (most values repeat endlessly)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[Any, ...], str] = {}

    def encode(self, value: Any) -> str:
        if isinstance(value, str) and len(value) > 24:  # free text: rarely repeats
            return encode_json(value)
        key = (list, *value) if isinstance(value, list) else (type(value), value)
        text = self._cache.get(key)
        if text is None:
            text = self._cache[key] = encode_json(value)
        return text


@dataclass
class HistoryRows:
    """The rows one batch of histories adds."""

    assessments: TableRows = field(default_factory=lambda: TableRows(Assessment, ASSESSMENT_FIELDS))
    answers: TableRows = field(default_factory=lambda: TableRows(Answer, ANSWER_FIELDS))
    decisions: TableRows = field(default_factory=lambda: TableRows(ReviewDecision, DECISION_FIELDS))


def _frameworks_for(enterprise: EnterpriseProfile, count: int, rng: random.Random) -> list[str]:
    size = "anchor" if enterprise.anchor else enterprise.size_class
    main, other = FRAMEWORK_CODES
    if rng.random() < SMART_FACTORY_MAIN[size]:
        main, other = other, main
    share = OTHER_FRAMEWORK_SHARE[size]
    return [other if rng.random() < share else main for _ in range(count)]


def plan_history(
    enterprise: EnterpriseProfile,
    count: int,
    frameworks: dict[str, FrameworkInfo],
    timeline: Timeline,
    rng: random.Random,
) -> tuple[datetime, list[list[_Planned]]]:
    """When the enterprise registered, and its assessments per framework, oldest first,
    with creation, submission and review times that the services' rules allow: a new
    assessment starts only after the previous one on the framework was submitted and,
    where the level needs review, reviewed."""
    codes = _frameworks_for(enterprise, count, rng)
    per_framework = {code: codes.count(code) for code in FRAMEWORK_CODES if code in codes}
    longest = max(per_framework.values(), default=1)
    latest_join = max(0, QUARTERS - longest)
    join = rng.choices(range(latest_join + 1), weights=JOIN_WEIGHTS[: latest_join + 1])[0]
    start = timeline.quarter_starts[join]
    end = timeline.as_of
    sequences = []
    for code, how_many in per_framework.items():
        # One moment per equal stretch of the window (its middle 80 %), so that two
        # assessments are never on top of each other.
        stretch = (end - start) / how_many
        planned = [
            _Planned(
                framework=frameworks[code],
                moment=timeline.moment(
                    rng, start + stretch * (n + 0.1), start + stretch * (n + 0.9)
                ),
            )
            for n in range(how_many)
        ]
        previous_end = start
        for n, item in enumerate(planned):
            drafting = timedelta(days=rng.uniform(0.5, 30))
            item.created_at = max(
                item.moment - drafting, previous_end + (item.moment - previous_end) / 2
            )
            if n + 1 < len(planned):
                following = planned[n + 1].moment
                gap = (following - item.moment) / 2
                item.review_at = item.moment + gap * rng.uniform(0.1, 0.9)
            else:
                item.review_at = item.moment + timedelta(days=rng.uniform(3, 40))
                item.draft = rng.random() < DRAFT_SHARE
            previous_end = item.review_at
        sequences.append(planned)
    first = min((s[0].created_at for s in sequences), default=None)
    if first is None:
        join_end = timeline.quarter_starts[join + 1] if join + 1 < QUARTERS else timeline.as_of
        registered = timeline.moment(rng, start, join_end)
    else:
        registered = first - timedelta(days=rng.uniform(1, 60))
    return registered, sequences


def history_rows(
    enterprise: EnterpriseProfile,
    enterprise_id: int,
    sequences: list[list[_Planned]],
    ids: Iterator[int],
    timeline: Timeline,
    rng: random.Random,
    rows: HistoryRows,
    codec: ValueCodec,
) -> int:
    """Add the rows of one enterprise's planned assessments; return how many."""
    written = 0
    facts = {
        "bq_above_designated_size": enterprise.above_designated_size,
        "bq_industry_type": enterprise.industry_type,
    }
    for planned in sequences:
        info = planned[0].framework
        shape = ANSWER_SHAPES.get(info.code, AnswerShape())
        trajectory = AnswerTrajectory(
            info.fw,
            rng,
            maturity=shape.maturity(enterprise.maturity),
            growth=enterprise.growth,
            fixed=facts,
            offsets=shape.offsets,
        )
        origin = planned[0].moment
        assessment_ids = [next(ids) for _ in planned]
        returned_from: int | None = None
        for n, item in enumerate(planned):
            pk = assessment_ids[n]
            last = n + 1 == len(planned)
            quarters = (item.moment - origin).total_seconds() / 86400 / QUARTER_DAYS
            answers = trajectory.answers_at(quarters, rng)
            if item.draft:
                keep = max(1, int(len(answers) * rng.uniform(0.2, 0.9)))
                answers = dict(list(answers.items())[:keep])
                _draft_row(rows, pk, enterprise_id, info, item, returned_from)
                _answer_rows(rows, pk, answers, item.moment, codec)
                written += 1
                continue
            computed = stored_result(info.fw, answers)
            review_at = item.review_at
            confirmed = computed.level_code
            status = Assessment.Status.SUBMITTED
            decision: tuple[str, str, str] | None = None
            if info.confirmation.get(computed.level_code) == "review":
                if last and review_at >= timeline.as_of:
                    status, confirmed = Assessment.Status.PENDING_REVIEW, ""
                elif not last and rng.random() < RETURN_SHARE:
                    status, confirmed = Assessment.Status.RETURNED, ""
                    decision = (
                        ReviewDecision.Decision.RETURN,
                        computed.level_code,
                        rng.choice(profile.REVIEW_RETURN_COMMENTS),
                    )
                    planned[n + 1].created_at = review_at
                else:
                    status = Assessment.Status.CONFIRMED
                    below = info.level_codes.index(computed.level_code) - 1
                    if below >= 0 and rng.random() < CONFIRM_LOWER_SHARE:
                        confirmed = info.level_codes[below]
                        decision = (
                            ReviewDecision.Decision.CONFIRM_LOWER,
                            confirmed,
                            rng.choice(profile.REVIEW_LOWER_COMMENTS),
                        )
                    else:
                        decision = (ReviewDecision.Decision.CONFIRM, confirmed, "")
            updated_at = review_at if decision else item.moment
            rows.assessments.add(
                (
                    pk,
                    enterprise_id,
                    info.framework_id,
                    info.version_id,
                    status,
                    None,
                    item.created_at,
                    updated_at,
                    item.moment,
                    None,
                    item.moment,
                    encode_json(answers),
                    encode_json(computed.result),
                    computed.engine_version,
                    computed.total,
                    computed.level_code,
                    confirmed,
                    returned_from,
                )
            )
            _answer_rows(
                rows, pk, answers, item.created_at + (item.moment - item.created_at) * 0.8, codec
            )
            rows.decisions.add(
                (pk, ReviewDecision.Decision.SUBMITTED, computed.level_code, "", None, item.moment)
            )
            if decision:
                rows.decisions.add((pk, decision[0], decision[1], decision[2], None, review_at))
            returned_from = pk if status == Assessment.Status.RETURNED else None
            written += 1
    return written


def _draft_row(
    rows: HistoryRows,
    pk: int,
    enterprise_id: int,
    info: FrameworkInfo,
    item: _Planned,
    returned_from: int | None,
) -> None:
    rows.assessments.add(
        (
            pk,
            enterprise_id,
            info.framework_id,
            info.version_id,
            Assessment.Status.DRAFT,
            None,
            item.created_at,
            item.moment,
            None,
            None,
            None,
            None,
            None,
            "",
            None,
            "",
            "",
            returned_from,
        )
    )


def _answer_rows(
    rows: HistoryRows, pk: int, answers: dict[str, Any], at: datetime, codec: ValueCodec
) -> None:
    add = rows.answers.add
    for key, value in answers.items():
        add((pk, key, codec.encode(value), 1, None, at))
