"""One response -> items, without Scrapy: the source-type contract (``base``), the types
(``types/``, one module each, found by ``registry``), presets (``presets/``) and the text
helpers every type uses (``text/``)."""
