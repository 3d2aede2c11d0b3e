"""`mockserver proxy`: forwards real traffic to a deployment, checks every exchange against the
specs and the documented behaviours without sending a request of its own, reports violations,
and can record what it saw into a state file the fake loads."""
