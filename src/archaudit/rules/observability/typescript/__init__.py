"""Observability rules reading TypeScript / JavaScript."""
