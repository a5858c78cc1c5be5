"""advisorywatch: learn within minutes that an embassy closed, an advisory was raised or news
reports an air strike, in whatever language it was written."""

__version__ = "0.1.0"
