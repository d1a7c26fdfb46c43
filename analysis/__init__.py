"""The offline pipeline: decode -> extract fields -> detect data categories -> attribute destinations -> findings."""
