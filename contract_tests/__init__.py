"""The contract suite: the same checks against the fake in-process, over a socket, or a real deployment."""
