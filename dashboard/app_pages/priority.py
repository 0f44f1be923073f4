"""A priority of the strategy: one file for every priority the registry lists, each at its own
address (`priority-<id>`), drawn by the shared priority template."""

from dashboard.app_pages import current_priority_id
from dashboard.app_pages.priority_template import show

show(current_priority_id())
