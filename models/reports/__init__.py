"""Report builders (data for a report, access-checked; the renderers to PDF/CSV live in top-level `reports/`)."""
