from mockserver.spec.loader import ApiSpec, Operation, PathItem, load_spec

__all__ = ["ApiSpec", "Operation", "PathItem", "load_spec"]
