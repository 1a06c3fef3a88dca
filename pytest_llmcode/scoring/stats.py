"""Statistics over repeated samples: pass@k, a confidence interval on the pass rate, and
consistency across samples."""

from __future__ import annotations

import math
from typing import Iterable, Mapping

Z_95 = 1.959963984540054  # two-sided 95% normal quantile


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased estimator of pass@k (Chen et al. 2021): the chance that at least one of k
    answers drawn without replacement from n samples, c of them correct, passes:
    1 - C(n-c, k) / C(n, k)."""
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError(f"pass@k needs 0 <= c <= n and 1 <= k <= n (n={n}, c={c}, k={k})")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def mean_pass_at_k(per_case: Mapping[str, tuple[int, int]], k: int) -> float | None:
    """pass@k averaged over the cases that have at least k graded samples; per_case maps a
    case to (n graded, c passed)."""
    values = [pass_at_k(n, c, k) for n, c in per_case.values() if n >= k]
    return sum(values) / len(values) if values else None


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson score interval for a binomial proportion; None without trials."""
    if n <= 0:
        return None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def disagreeing(per_case: Mapping[str, Iterable[bool]]) -> list[str]:
    """Cases whose graded samples did not all end the same way, sorted."""
    out = []
    for case, outcomes in per_case.items():
        seen = set(outcomes)
        if len(seen) > 1:
            out.append(case)
    return sorted(out)
