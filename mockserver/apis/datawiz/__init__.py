"""Datawiz: relocate documents, the products and shops they reference, OAuth2 tokens."""
