"""The model catalog: which models exist, what they are called and what their output costs.

Prices come from the published comparison (output USD per million tokens; no input prices
were published). A model outside the catalog has an unknown cost until the user supplies
one; nothing here ever guesses a price.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

REFERENCE_MODEL = "reference"


@dataclass(frozen=True)
class Model:
    id: str
    name: str
    provider: str = "unknown"
    category: str = "unknown"
    output_per_m: float | None = None
    input_per_m: float | None = None

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
        any of name, provider, category, output_per_m, input_per_m."""
        import yaml

        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise CatalogError(f"cannot read model catalog {path}: {exc}") from exc
        entries = data.get("models") if isinstance(data, dict) else data
        if not isinstance(entries, list):
            raise CatalogError(f"{path}: expected a list of models (or a `models:` list)")
        allowed = {"name", "provider", "category", "output_per_m", "input_per_m"}
        for number, entry in enumerate(entries, 1):
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise CatalogError(f"{path}: model #{number} needs a string `id`")
            unknown = set(entry) - allowed - {"id"}
            if unknown:
                raise CatalogError(
                    f"{path}: model {entry['id']!r} has unknown field(s) {sorted(unknown)}; "
                    f"allowed: id, {', '.join(sorted(allowed))}"
                )
            fields = {k: v for k, v in entry.items() if k != "id"}
            for key in ("output_per_m", "input_per_m"):
                if key in fields:
                    fields[key] = _price(fields[key], f"{path}: model {entry['id']!r} {key}")
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
