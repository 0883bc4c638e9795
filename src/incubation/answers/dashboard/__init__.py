"""The dashboard: the plan's progress as static pages, rebuilt at every publish.

``site`` writes ``<data home>/dashboard/`` (the district page, a page per zone and per
responsible unit) and each unit's own page into its outbox; ``queries`` reads the figures
from the warehouse models (and a unit's page from that unit's export alone); ``render`` turns
them into HTML with the charts drawn by plotly.js, which ships with the pages.
"""
