"""Operations: what an operator runs beside the application (``comptoir backup``, ``comptoir
restore``); no models, no pages (docs/decisions/0011-operations-package.md)."""
