"""Supply-chain reads: what an anchor firm (or a supplier) may know of supplier links.

``facts`` loads, in a fixed number of queries, each link's consent-filtered facts
(attested results, stages, certificates, requirement checks and status); ``dashboard``
and ``export`` turn them into the anchor's numbers and rows; ``received`` is the
supplier's side (what is asked of it, and the level its plan should target).
"""
