"""mrkg: the mutual-recognition knowledge graph for carbon markets."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mrkg")
except PackageNotFoundError:  # running from a checkout that was not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
