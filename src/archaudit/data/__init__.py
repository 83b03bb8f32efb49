"""Curated data files (package catalogues) read by the detectors."""
