"""Operations: what an operator runs beside the application (``comptoir backup``, ``comptoir
restore``); no models, no pages (docs/decisions/0012-operations-package.md)."""
