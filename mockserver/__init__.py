"""A stateful, spec-bound fake of the Akinon OMS address setup and Datawiz relocate-documents APIs."""

__version__ = "0.1.0"
