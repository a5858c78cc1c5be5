"""``config.yaml``: the root schema, assembled from the sections the packages own, and its
loading. Import :class:`Config` and :func:`load_config` from here."""

from advisorywatch.config.load import ConfigError, default_config_path, load_config, parse_config
from advisorywatch.config.schema import Config

__all__ = ["Config", "ConfigError", "default_config_path", "load_config", "parse_config"]
