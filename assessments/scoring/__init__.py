"""The pure scoring engine: framework documents and answers in, results out.

Plain data only: no Django, no ORM, no clock, no I/O. See
``assessments/frameworks/FORMAT.md`` for the document format.

    fw = load_definition(yaml.safe_load(source))   # raises DefinitionError
    problems = validate_answers(fw, answers)        # {} when every value is valid
    result = score(fw, answers)                     # frozen Result, Decimal scores
    payload = result.to_dict()                      # JSON-safe
"""

from .answers import (
    MAX_TEXT_LENGTH,
    missing_required,
    validate_answer,
    validate_answers,
    visible_questions,
)
from .bilingual import Message, Text, format_number, text
from .definition_schema import DEFINITION_SCHEMA, GATE_TYPES, QUESTION_TYPES
from .engine import ENGINE_VERSION, percent, score
from .loader import load_definition
from .model import (
    Area,
    Band,
    Dimension,
    EvidenceField,
    Framework,
    Gate,
    Level,
    Option,
    Question,
    ShowIf,
)
from .result import (
    AreaScore,
    DimensionScore,
    GateResult,
    LevelEvaluation,
    LevelRef,
    QuestionScore,
    Result,
)
from .schema import DefinitionError, validate_definition

__all__ = [
    "DEFINITION_SCHEMA",
    "ENGINE_VERSION",
    "GATE_TYPES",
    "MAX_TEXT_LENGTH",
    "QUESTION_TYPES",
    "Area",
    "AreaScore",
    "Band",
    "DefinitionError",
    "Dimension",
    "DimensionScore",
    "EvidenceField",
    "Framework",
    "Gate",
    "GateResult",
    "Level",
    "LevelEvaluation",
    "LevelRef",
    "Message",
    "Option",
    "Question",
    "QuestionScore",
    "Result",
    "ShowIf",
    "Text",
    "format_number",
    "load_definition",
    "missing_required",
    "percent",
    "score",
    "text",
    "validate_answer",
    "validate_answers",
    "validate_definition",
    "visible_questions",
]
