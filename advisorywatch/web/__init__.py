"""``advisorywatch web``: the pages, feeds and API the ops team opens, a process of its own
beside the daemon on the same database."""
