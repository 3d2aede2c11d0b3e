from mockserver.auth.authenticator import Authenticator

__all__ = ["Authenticator"]
