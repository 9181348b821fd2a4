"""The build's one error type, shared by every build step."""


class BuildError(RuntimeError):
    """The build stopped; the published site was not changed."""
