"""Fetching and parsing sources. Scrapy glue lives in :mod:`.spider`; source types, which know
nothing about Scrapy, live in :mod:`.sources`."""
