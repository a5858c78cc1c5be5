"""Routing: which deliveries an alert gets, decided in the transaction that stores it.

For each channel of the rule that accepts the alert's severity (its ``min_severity``), one row
per destination, with a status saying what happens to it. The stages of
:data:`advisorywatch.notifier.route.router.STAGES` decide it, in this order; the first that
decides wins:

1. ``silenced`` (:mod:`.silences`): an active silence covers the rule, source or channel;
   stored, never sent.
2. ``suppressed`` (:mod:`.baseline`): the source's first crawl, when ``notifier.baseline`` is
   on: a new source's back catalogue must not page anyone.
3. ``attached`` (:mod:`.incidents`): a later report of an incident that already pinged.
4. ``batched`` (:mod:`.digest`): the channel collects alerts below a severity into a digest.
5. ``batched`` (:mod:`.storm`): the channel already had ``storm_max`` messages within
   ``storm_window``; further ones go into a storm summary (severities in ``storm_exempt``
   excepted).
6. ``pending``: no stage decided; the outbox sends it.

An item's alerts are routed together: on each channel the most severe pending one carries
the message and the item's other pending or batched ones become ``merged`` rows of it
(:mod:`.grouping`). Every alert held back is logged once, with what holds it.

Batched rows name their summary (``summary_id``), which is rendered and sent once when it
falls due (:mod:`.summaries`). What routing reads or creates within a transaction is kept in
a :class:`~advisorywatch.notifier.route.context.Routing`, not in the session.
"""
