"""The keys a config section allows, found by following a location through the schema's
types (for "did you mean" on a key that is not one of them)."""

from __future__ import annotations

import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from advisorywatch.crawler.sources.registry import SOURCE_TYPES


def field_names(model: Any, loc: tuple[str | int, ...]) -> list[str]:
    """The field names of the model at ``loc`` under ``model`` (empty when there is none)."""
    while get_origin(model) is Annotated:
        model = get_args(model)[0]
    origin = get_origin(model)
    if origin in (Union, types.UnionType):
        if loc and isinstance(loc[0], str) and loc[0] in SOURCE_TYPES:  # a discriminator tag
            return field_names(SOURCE_TYPES[loc[0]].config_model, loc[1:])
        for member in get_args(model):
            found = field_names(member, loc)
            if found:
                return found
        return []
    is_model = isinstance(model, type) and issubclass(model, BaseModel)
    if not loc:
        return list(model.model_fields) if is_model else []
    part, rest = loc[0], loc[1:]
    if is_model:
        field = model.model_fields.get(str(part))
        return [] if field is None else field_names(field.annotation, rest)
    if origin is list:
        return field_names(get_args(model)[0], rest)
    if origin is dict:
        return field_names(get_args(model)[1], rest)
    return []
