"""The ``channels:`` and ``notifier:`` sections: where alerts go and how they are sent."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from advisorywatch.model import Severity
from advisorywatch.redaction import register_url_secrets
from advisorywatch.rules.places.where import PlaceKeys
from advisorywatch.schema import Secret, Strict, parse_duration


class DigestConfig(Strict):
    """Alerts below ``below`` severity are collected and sent ``every`` hour or day."""

    below: Severity = "warning"
    every: Literal["hourly", "daily"] = "hourly"


class ChannelConfig(PlaceKeys):
    """A named destination group; each URL is an Apprise URL (``${ENV}`` allowed), or they are
    read from ``urls_file`` (one per line; ``file:PATH`` entries in ``urls`` work too), so that
    secrets can live in e.g. ``/run/secrets``. ``countries``/``places``: a region's team."""

    urls: list[Annotated[str, Secret]] = []
    urls_file: str | None = None
    min_severity: Severity = "info"
    format: Literal["text", "markdown", "html"] = "text"
    title_template: str | None = None
    body_template: str | None = None
    digest: DigestConfig | None = None

    @model_validator(mode="after")
    def _has_urls(self) -> ChannelConfig:
        if not self.urls and not self.urls_file:
            raise ValueError("a channel needs 'urls' or 'urls_file'")
        for url in self.urls:  # masked in every log line from now on
            register_url_secrets(url)
        return self


class NotifierConfig(Strict):
    max_attempts: int = Field(default=8, ge=1)
    retry_base_seconds: float = Field(default=30, gt=0)
    timeout_seconds: float = Field(default=20, gt=0)
    lease_seconds: float = Field(default=300, gt=0)
    fallback: str | None = None
    baseline: bool = False
    storm_max: int = Field(default=10, ge=1)
    storm_window: timedelta = timedelta(minutes=10)
    # Severities the storm brake never holds: a critical alert goes out even in a storm.
    storm_exempt: list[Severity] = ["critical"]
    incident_window: timedelta = timedelta(hours=6)
    incident_similarity: float = Field(default=0.6, gt=0, le=1)

    @field_validator("storm_window", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> Any:
        return v if isinstance(v, timedelta) else parse_duration(v)

    @model_validator(mode="after")
    def _lease_outlasts_sending(self) -> NotifierConfig:
        if self.lease_seconds < 2 * self.timeout_seconds:
            raise ValueError(
                f"lease_seconds ({self.lease_seconds:g}) must be at least twice timeout_seconds "
                f"({self.timeout_seconds:g}): a message still being sent when its lease ends "
                "would be sent again"
            )
        return self

    @field_validator("incident_window", mode="before")
    @classmethod
    def _incident_window(cls, v: Any) -> Any:  # 0 turns incidents off
        return v if isinstance(v, timedelta) else parse_duration(v, allow_zero=True)
