"""`python -m bench`: the fake's speed against a bare Starlette endpoint measured in the same run."""
