"""Settings: dev defaults, and the start-up guard against missing or default secrets outside dev."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from config import DEV_RMS_API_TOKEN, ConfigError, Settings

PROD = dict(
    _env_file=None,
    environment="production",
    database_url="postgresql://db/x",
    temporal_address="temporal:7233",
    mozrest_pos_webhook_url="https://example.invalid/rms",
    mozrest_webhook_token="m" * 32,
    rms_api_token="r" * 32,
    mozrest_api_key="k" * 32,
)


def test_dev_mode_fills_in_public_dev_tokens() -> None:
    s = Settings(_env_file=None, environment="dev")
    assert s.rms_api_token is not None and s.rms_api_token.get_secret_value() == DEV_RMS_API_TOKEN
    s.check_secrets()  # no error in dev


def test_production_settings_pass() -> None:
    Settings(**PROD).check_secrets()


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"rms_api_token": None}, "RMS_API_TOKEN is required"),
        ({"mozrest_api_key": ""}, "MOZREST_API_KEY is required"),
        (
            {"mozrest_webhook_token": "dev-mozrest-webhook-token"},
            "MOZREST_WEBHOOK_TOKEN still has the public dev value",
        ),
        ({"rms_api_token": "m" * 32}, "must differ"),
        ({"database_url": None}, "DATABASE_URL is required"),
        ({"temporal_address": None}, "TEMPORAL_ADDRESS is required"),
        ({"mozrest_pos_webhook_url": None}, "MOZREST_POS_WEBHOOK_URL is required"),
    ],
)
def test_production_refuses_missing_or_default_secrets(override: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings(**{**PROD, **override}).check_secrets()


def test_worker_refuses_to_start_with_one_line(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    env = {"PATH": "/usr/bin:/bin", "ENVIRONMENT": "production", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "worker.py"], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: MOZREST_WEBHOOK_TOKEN is required when ENVIRONMENT=production"
    ]
