"""The entry's repair issues: what only the user can fix, at OVH or in Home Assistant.

One issue of each kind per entry, created where the problem is seen and
deleted when it is gone, or with the entry.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN, ENTRY_ISSUES, ISSUE_CREDIT_EXHAUSTED, entry_issue_id

# A low credit is a warning: the SMS still go out until it runs out.
_WARNINGS = frozenset({ISSUE_CREDIT_EXHAUSTED})


@callback
def async_create_entry_issue(
    hass: HomeAssistant,
    entry_id: str,
    issue: str,
    placeholders: dict[str, str],
    *,
    fixable: bool = False,
    translation_key: str | None = None,
) -> None:
    """Create (or update) one of the entry's issues; its text is the translation named issue.

    A fixable one is repaired by the flow of repairs.py, which gets the entry's id;
    translation_key names its text when it differs from issue (a fix flow's text
    lives in the flow, hassfest refuses a description beside it).
    """
    ir.async_create_issue(
        hass,
        DOMAIN,
        entry_issue_id(issue, entry_id),
        is_fixable=fixable,
        data={"entry_id": entry_id} if fixable else None,
        severity=ir.IssueSeverity.WARNING if issue in _WARNINGS else ir.IssueSeverity.ERROR,
        translation_key=translation_key or issue,
        translation_placeholders=placeholders,
    )


@callback
def async_delete_entry_issue(hass: HomeAssistant, entry_id: str, *issues: str) -> None:
    """Delete these issues of the entry, every one of them when none is named."""
    for issue in issues or ENTRY_ISSUES:
        ir.async_delete_issue(hass, DOMAIN, entry_issue_id(issue, entry_id))
