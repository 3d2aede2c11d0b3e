from mockserver.auth.authenticator import Authenticator, Identity

__all__ = ["Authenticator", "Identity"]
