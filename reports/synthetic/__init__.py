"""A synthetic Jiangsu population for benchmarks and demos at scale.

    synthetic_population_generate(enterprises=50_000, seed=1)   # 200,000 assessments
    synthetic_enterprises()                                     # what it wrote
    synthetic_population_delete()

Modules: profile (the weights), population (who the n-th enterprise is), history (its
assessments), supply (anchors' supplier trees and requirements), writer (COPY and friends), generate
(batches, workers, the service functions).
"""

from .generate import (
    GenerationError,
    GenerationReport,
    SyntheticDataPresent,
    synthetic_enterprises,
    synthetic_population_delete,
    synthetic_population_generate,
)
from .population import SYNTHETIC_TAG

__all__ = [
    "SYNTHETIC_TAG",
    "GenerationError",
    "GenerationReport",
    "SyntheticDataPresent",
    "synthetic_enterprises",
    "synthetic_population_delete",
    "synthetic_population_generate",
]
