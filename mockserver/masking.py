"""How a credential may be shown to people (journal, reports, hints, banners): never whole."""

# Above this length a credential's first four characters may be shown (at most a third of it);
# a shorter one is shown as "…" alone.
HINT_MIN_LENGTH = 12


def mask(secret: str) -> str:
    """`team…` for `team-secret-123`, `…` for a short one."""
    return f"{secret[:4]}…" if len(secret) >= HINT_MIN_LENGTH else "…"


def mask_header(value: str) -> str:
    """An Authorization (or admin token) header's value: `Bearer team…`, `Token …`."""
    keyword, _, secret = value.strip().partition(" ")
    if not secret.strip():
        return mask(keyword)
    return f"{keyword} {mask(secret.strip())}"
