"""The model catalog: which models exist, what they are called, what their output costs,
and (for entries a user adds) where they are served and how they are asked.

Prices come from the published comparison (output USD per million tokens; no input prices
were published). A model outside the catalog has an unknown cost until the user supplies
one; nothing here ever guesses a price.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

REFERENCE_MODEL = "reference"


@dataclass(frozen=True)
class Model:
    id: str
    name: str
    provider: str = "unknown"
    category: str = "unknown"
    output_per_m: float | None = None
    input_per_m: float | None = None
    # Where and how the model is asked; None: the run's own (--llm-base-url, ...).
    base_url: str | None = None
    api_key_env: str | None = None  # the variable holding the key for base_url
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)  # request body fields
    system_prompt: str | None = None
    concurrency: int | None = None  # requests in flight to its endpoint
    rpm: int | None = None  # requests per minute to its endpoint

    @property
    def is_reference(self) -> bool:
        return self.id == REFERENCE_MODEL

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float | None:
        """USD for one call, or None when the output price is unknown.

        Input tokens count only where the user supplied an input price.
        """
        if self.is_reference:
            return 0.0
        if self.output_per_m is None:
            return None
        total = completion_tokens * self.output_per_m
        if self.input_per_m is not None:
            total += prompt_tokens * self.input_per_m
        return total / 1_000_000


BUILTIN: tuple[Model, ...] = (
    Model("deepseek-v4-flash", "DeepSeek V4 Flash", "DeepSeek", "general, strong code", 0.25),
    Model("deepseek-coder", "DeepSeek Coder", "DeepSeek", "code-specialized", 0.25),
    Model("qwen3-coder-30b", "Qwen3-Coder-30B", "Qwen", "code-specialized", 0.35),
    Model("deepseek-v4-pro", "DeepSeek V4 Pro", "DeepSeek", "premium general", 0.78),
    Model("deepseek-r1", "DeepSeek-R1", "DeepSeek", "reasoning", 2.50),
    Model("kimi-k2.5", "Kimi K2.5", "Moonshot", "premium general", 3.00),
    Model("glm-5", "GLM-5", "Zhipu", "premium general", 1.92),
    Model("qwen3-32b", "Qwen3-32B", "Qwen", "general", 0.28),
    Model("hunyuan-turbo", "Hunyuan-Turbo", "Tencent", "general", 0.57),
    Model(
        "ga-standard",
        "Ga-Standard",
        "GA Routing",
        "smart routing (routes each request to another model)",
        0.20,
    ),
    Model(REFERENCE_MODEL, "Reference solutions", "pytest-llmcode", "built-in", 0.0, 0.0),
)


class CatalogError(ValueError):
    """A catalog file or price line the user wrote is malformed."""


class Catalog:
    def __init__(self, models: tuple[Model, ...] = BUILTIN) -> None:
        self._models = {m.id: m for m in models}

    def __contains__(self, model_id: object) -> bool:
        return model_id in self._models

    def get(self, model_id: str) -> Model:
        """The catalog entry, or an entry with unknown price for a model outside it."""
        return self._models.get(model_id) or Model(model_id, model_id)

    def models(self) -> list[Model]:
        return list(self._models.values())

    def override(self, model_id: str, **fields: Any) -> None:
        base = self.get(model_id)
        self._models[model_id] = replace(base, **fields)

    def load_file(self, path: Path) -> None:
        """Add or override models from a YAML/JSON file: a list of mappings with `id` and
        any of FIELDS."""
        import yaml

        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise CatalogError(f"cannot read model catalog {path}: {exc}") from exc
        entries = data.get("models") if isinstance(data, dict) else data
        if not isinstance(entries, list):
            raise CatalogError(f"{path}: expected a list of models (or a `models:` list)")
        for number, entry in enumerate(entries, 1):
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise CatalogError(f"{path}: model #{number} needs a string `id`")
            where = f"{path}: model {entry['id']!r}"
            unknown = set(entry) - set(FIELDS) - {"id"}
            if unknown:
                raise CatalogError(
                    f"{where} has unknown field(s) {sorted(unknown)}; "
                    f"allowed: id, {', '.join(sorted(FIELDS))}"
                )
            fields = {k: FIELDS[k](v, f"{where} {k}") for k, v in entry.items() if k != "id"}
            self.override(entry["id"], **fields)

    def apply_price_line(self, line: str) -> None:
        """`MODEL=OUTPUT` or `MODEL=OUTPUT/INPUT` (USD per million tokens)."""
        model_id, sep, prices = line.partition("=")
        if not sep or not model_id.strip():
            raise CatalogError(
                f"bad price {line!r}: write MODEL=OUTPUT_USD_PER_M or MODEL=OUTPUT/INPUT"
            )
        output, _, input_ = prices.partition("/")
        fields: dict[str, float] = {"output_per_m": _price(output, f"price of {model_id}")}
        if input_:
            fields["input_per_m"] = _price(input_, f"input price of {model_id}")
        self.override(model_id.strip(), **fields)


def _price(value: object, what: str) -> float:
    try:
        price = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise CatalogError(f"{what}: {value!r} is not a number") from None
    if price < 0:
        raise CatalogError(f"{what}: a price cannot be negative ({price})")
    return price


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CatalogError(f"{what}: expected a non-empty string, got {value!r}")
    return value


def _base_url(value: object, what: str) -> str:
    url = _text(value, what)
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise CatalogError(f"{what}: {url!r} is not an http(s) URL, e.g. "
                           "http://127.0.0.1:8080/v1")
    return url.rstrip("/")


def _variable(value: object, what: str) -> str:
    name = _text(value, what)
    if not name.replace("_", "").isalnum() or name[0].isdigit():
        raise CatalogError(f"{what}: {name!r} is not an environment variable name (write "
                           "its name, e.g. MY_PROVIDER_KEY, never the key itself)")
    return name


def _params(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise CatalogError(f"{what}: expected a mapping of request fields, e.g. "
                           "{max_tokens: 2048, top_p: 0.9}")
    reserved = sorted({"model", "messages", "stream"} & set(value))
    if reserved:
        raise CatalogError(f"{what}: {', '.join(reserved)} cannot be set here")
    return dict(value)


def _positive(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise CatalogError(f"{what}: expected a whole number of at least 1, got {value!r}")
    return value


FIELDS = {
    "name": _text,
    "provider": _text,
    "category": _text,
    "output_per_m": _price,
    "input_per_m": _price,
    "base_url": _base_url,
    "api_key_env": _variable,
    "params": _params,
    "system_prompt": _text,
    "concurrency": _positive,
    "rpm": _positive,
}
