"""The SparkSession that dbt's `spark` target uses, for Python code that shares its catalog.

dbt-spark's `method: session` builds `SparkSession.builder.enableHiveSupport()` with the
output's `server_side_parameters`. The loader must open the very same Hive metastore and
warehouse directory so that a later dbt process sees the tables it wrote; this module reads
those parameters from profiles/profiles.yml (rendering its `env_var()` calls from the
environment) instead of repeating them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - imports for type hints only
    from pyspark.sql import SparkSession

PROFILE_NAME = "datong"
SPARK_OUTPUT = "spark"
# dbt-spark 1.11 sets this on every connection, whatever the profile says
# (SparkCredentials.__post_init__), so that models behave alike on Spark 3 and 4. Views are
# evaluated by the session that reads them: other readers must use the same setting.
DBT_SPARK_FORCED = {"spark.sql.ansi.enabled": "false"}


class ProfileError(Exception):
    """The profiles file is missing or has no usable Spark output."""


def profiles_path() -> Path:
    """profiles.yml in $DBT_PROFILES_DIR, else ./profiles (the project's own)."""
    directory = os.environ.get("DBT_PROFILES_DIR") or "profiles"
    return Path(directory) / "profiles.yml"


def _env_var(name: str, default: Any = None) -> str:
    if name in os.environ:
        return os.environ[name]
    if default is None:
        raise ProfileError(f"environment variable {name} is required by the profile")
    return str(default)


def render(value: Any) -> Any:
    """Render a profile value the way dbt does for `env_var()` (other Jinja is plain Jinja)."""
    if not isinstance(value, str) or "{" not in value:
        return value
    import jinja2

    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    return environment.from_string(value).render(env_var=_env_var)


def spark_settings(path: Path | None = None) -> dict[str, str]:
    """The rendered `server_side_parameters` of the `spark` output, as dbt-spark applies them."""
    import yaml

    path = path or profiles_path()
    try:
        profiles = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"cannot read {path}: {exc}") from exc
    try:
        output = profiles[PROFILE_NAME]["outputs"][SPARK_OUTPUT]
    except (KeyError, TypeError) as exc:
        raise ProfileError(f"{path} has no {PROFILE_NAME}.outputs.{SPARK_OUTPUT}") from exc
    if render(output.get("method")) != "session":
        raise ProfileError(f"{path}: the {SPARK_OUTPUT} output must use method: session")
    parameters = output.get("server_side_parameters") or {}
    settings = {str(key): str(render(value)) for key, value in parameters.items()}
    return settings | DBT_SPARK_FORCED


def spark_session(settings: dict[str, str] | None = None) -> SparkSession:
    """Build the session exactly as dbt-spark's session method does."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in (settings if settings is not None else spark_settings()).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
