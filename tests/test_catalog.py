from __future__ import annotations

from pathlib import Path

import pytest

from pytest_llmcode.catalog import BUILTIN, Catalog, CatalogError

PUBLISHED = {
    "deepseek-v4-flash": 0.25, "deepseek-coder": 0.25, "qwen3-coder-30b": 0.35,
    "deepseek-v4-pro": 0.78, "deepseek-r1": 2.50, "kimi-k2.5": 3.00, "glm-5": 1.92,
    "qwen3-32b": 0.28, "hunyuan-turbo": 0.57, "ga-standard": 0.20,
}


def test_catalog_holds_the_published_prices_and_no_input_prices() -> None:
    catalog = Catalog()
    for model_id, price in PUBLISHED.items():
        model = catalog.get(model_id)
        assert model.output_per_m == price
        assert model.input_per_m is None
    assert len(BUILTIN) == len(PUBLISHED) + 1  # plus the reference pseudo-model


def test_cost_counts_output_tokens_only_without_an_input_price() -> None:
    model = Catalog().get("deepseek-v4-flash")
    assert model.cost(prompt_tokens=1000, completion_tokens=2_000_000) == pytest.approx(0.50)


def test_unknown_model_has_unknown_cost_until_priced() -> None:
    catalog = Catalog()
    assert catalog.get("mystery").cost(10, 10) is None
    catalog.apply_price_line("mystery=2/1")
    assert catalog.get("mystery").cost(1_000_000, 1_000_000) == pytest.approx(3.0)


def test_reference_costs_nothing() -> None:
    assert Catalog().get("reference").cost(100, 100) == 0.0


def test_catalog_file_overrides(tmp_path: Path) -> None:
    path = tmp_path / "models.yaml"
    path.write_text("- id: glm-5\n  output_per_m: 1.0\n- id: local\n  name: Local\n  output_per_m: 0\n")
    catalog = Catalog()
    catalog.load_file(path)
    assert catalog.get("glm-5").output_per_m == 1.0
    assert catalog.get("glm-5").name == "GLM-5"
    assert catalog.get("local").cost(5, 5) == 0.0


@pytest.mark.parametrize(
    "text, message",
    [("- name: x\n", "needs a string `id`"), ("- id: x\n  price: 1\n", "unknown field"),
     ("- id: x\n  output_per_m: -1\n", "cannot be negative"), ("a: 1\n", "expected a list")],
)
def test_bad_catalog_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "models.yaml"
    path.write_text(text)
    with pytest.raises(CatalogError, match=message):
        Catalog().load_file(path)
