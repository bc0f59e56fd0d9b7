"""Domain errors raised by services; one handler renders them for the API and the web."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status_code = 400

    def __init__(
        self,
        message: Any,
        *,
        errors: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.errors = errors or {}
        self.extra = extra or {}

    def __str__(self) -> str:
        if not self.errors:
            return str(self.message)
        details = "; ".join(
            f"{key}: {' '.join(map(str, msgs))}" for key, msgs in self.errors.items()
        )
        return f"{self.message} ({details})"


class ValidationFailed(DomainError):
    status_code = 400


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409
