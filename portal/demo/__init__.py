"""The city's demo: the data (:mod:`portal.demo.data` and the services' rows), their texts
in every site language (:mod:`portal.demo.texts`), the search keywords
(:mod:`portal.demo.keywords`), the dossiers (:mod:`portal.demo.dossiers`) and the loader
behind ``flask demo`` (:mod:`portal.demo.loader`).

The loader's entry points are importable from here, as they were from the old module.
"""

from __future__ import annotations

from .loader import DemoSummary, load_demo, regular_week_needs

__all__ = ["DemoSummary", "load_demo", "regular_week_needs"]
