"""The GC service-inventory open-data format: schema, CSV reading and writing, validation and
indicators. Pure Python: no Django, no clock; returns codes and numbers."""
