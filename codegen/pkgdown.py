"""The pkgdown reference index, one section per family (``python -m codegen families``).

The docs site groups wrappers by the same families that link them in the Rd
pages, so the grouping has one source.
"""

from __future__ import annotations

import yaml

from codegen.pipeline import SpecSet


def reference_index(spec_set: SpecSet) -> str:
    sections = []
    for family in spec_set.families.values():  # registry order is the intended page order
        members = sorted(spec.r_name for spec in spec_set.specs if spec.family == family.id)
        if members:
            sections.append({"title": family.pkgdown_title, "contents": members})
    return yaml.safe_dump({"reference": sections}, sort_keys=False, allow_unicode=True)
