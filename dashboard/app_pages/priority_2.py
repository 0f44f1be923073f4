"""Priority 2 of the strategy, drawn by the shared priority template."""

from dashboard.app_pages.priority_template import show

show("2")
