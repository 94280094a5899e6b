"""One place for configuration: environment variables (and an optional `.env`).

The variable names are part of the product (see ../shared/CONVENTIONS.md) and must stay stable.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Fixed, public development values. They are printed by `make dev` and refused outside dev mode.
DEV_MOZREST_WEBHOOK_TOKEN = "dev-mozrest-webhook-token"
DEV_RMS_API_TOKEN = "dev-rms-api-token"
DEV_MOZREST_API_KEY = "dev-mozrest-api-key"
DEV_SECRETS = {DEV_MOZREST_WEBHOOK_TOKEN, DEV_RMS_API_TOKEN, DEV_MOZREST_API_KEY}


class ConfigError(RuntimeError):
    """A configuration problem, explained in one line."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    # `dev` turns on the embedded defaults; anything else is production-like and needs real secrets.
    environment: Literal["dev", "test", "production"] = "production"

    database_url: str | None = None
    temporal_address: str | None = None
    temporal_namespace: str = "default"
    temporal_task_queue: str = "mozrest-sync"

    api_host: str = "127.0.0.1"
    api_port: int = Field(8000, ge=0, le=65535)
    temporal_port: int = Field(7233, ge=1, le=65535)
    temporal_ui_port: int = Field(8233, ge=1, le=65535)
    data_dir: str = ".data"
    # Dev runner only: 0 picks a free port.
    embedded_pg_port: int = Field(0, ge=0, le=65535)
    fake_mozrest_port: int = Field(8099, ge=0, le=65535)

    mozrest_webhook_token: SecretStr | None = None
    rms_api_token: SecretStr | None = None
    mozrest_pos_webhook_url: str | None = None
    mozrest_api_key: SecretStr | None = None

    # Matching checks without a bookingId to a seated booking (minutes around the check's openedAt).
    match_window_before_minutes: int = Field(240, ge=0)
    match_window_after_minutes: int = Field(30, ge=0)
    # A finished booking's workflow lingers this long for late POS events before it completes.
    booking_idle_grace_seconds: int = Field(7200, ge=0)
    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    # Signal-with-starts in flight at once; past that the API answers 503 + Retry-After (load shedding).
    max_inflight_signals: int = Field(256, ge=0)

    # Outbound sync to Mozrest.
    sync_debounce_ms: int = Field(500, ge=0, le=60_000)
    sync_request_timeout_seconds: float = Field(10, gt=0, le=300)
    # Transient failures for this long make a booking's sync `failed` (seconds, or ISO 8601 like PT24H).
    sync_give_up_after: timedelta = timedelta(hours=24)
    sync_retry_initial_seconds: float = Field(1, gt=0)
    sync_retry_max_seconds: float = Field(300, gt=0)

    @model_validator(mode="after")
    def _dev_defaults(self) -> Settings:
        if self.environment == "dev":
            self.mozrest_webhook_token = self.mozrest_webhook_token or SecretStr(DEV_MOZREST_WEBHOOK_TOKEN)
            self.rms_api_token = self.rms_api_token or SecretStr(DEV_RMS_API_TOKEN)
            self.mozrest_api_key = self.mozrest_api_key or SecretStr(DEV_MOZREST_API_KEY)
        return self

    def check_secrets(self) -> None:
        """Outside dev mode a missing or default secret is a startup error with a one-line reason."""
        if self.environment == "dev":
            return
        for name in ("mozrest_webhook_token", "rms_api_token", "mozrest_api_key"):
            value: SecretStr | None = getattr(self, name)
            if value is None or not value.get_secret_value():
                raise ConfigError(f"{name.upper()} is required when ENVIRONMENT={self.environment}")
            if value.get_secret_value() in DEV_SECRETS:
                raise ConfigError(f"{name.upper()} still has the public dev value; set a real secret")
        if self.mozrest_webhook_token == self.rms_api_token:
            raise ConfigError("MOZREST_WEBHOOK_TOKEN and RMS_API_TOKEN must differ: they grant different roles")
        if not self.database_url:
            raise ConfigError(f"DATABASE_URL is required when ENVIRONMENT={self.environment}")
        if not self.temporal_address:
            raise ConfigError(f"TEMPORAL_ADDRESS is required when ENVIRONMENT={self.environment}")
        if not self.mozrest_pos_webhook_url:
            raise ConfigError(f"MOZREST_POS_WEBHOOK_URL is required when ENVIRONMENT={self.environment}")

    def sync_policy(self):  # noqa: ANN201 - domain.messages.SyncPolicy (imported late: config stays light)
        from domain.messages import SyncPolicy

        return SyncPolicy(
            debounce_ms=self.sync_debounce_ms,
            give_up_seconds=int(self.sync_give_up_after.total_seconds()),
            request_timeout_seconds=self.sync_request_timeout_seconds,
        )

    @property
    def temporal_target(self) -> str:
        return self.temporal_address or f"127.0.0.1:{self.temporal_port}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
