"""Akinon OMS address setup: Omnitron and OMS address catalogues and the setup task."""
