"""newscli: a command-line archive for news articles."""

__version__ = "0.1.0"
