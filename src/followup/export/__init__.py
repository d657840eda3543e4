"""Exporters: each turns a `Schedule` into the text or bytes of one output format."""
