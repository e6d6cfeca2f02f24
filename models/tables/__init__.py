"""Every table of the domain, one module per area. `models/__init__.py` exports them all."""
