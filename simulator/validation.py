"""OVH's page where the user validates or refuses a consumer key, as the simulator serves it.

POST /auth/credential answers a validationUrl to /auth/validate on this server:
the page shows the application, the rights it asks for on the account, and lets
the user validate them (for a validity) or refuse them, then goes back to the
key's redirection.
"""

from __future__ import annotations

from dataclasses import dataclass
import html

from aiohttp import web

from .account import SimulatedAccount
from .keys import VALIDITIES, ApiKeys, Credential, CredentialStatus


@dataclass
class ValidationPage:
    """The validation page of one account's API keys."""

    account: SimulatedAccount
    keys: ApiKeys

    def add_routes(self, app: web.Application) -> None:
        """Serve the page and its answer at /auth/validate."""
        app.router.add_get("/auth/validate", self._page)
        app.router.add_post("/auth/validate", self._answer)

    async def _page(self, request: web.Request) -> web.Response:
        credential = self.keys.credential_for_token(request.query.get("credentialToken", ""))
        if credential is None:
            return _html_page(
                "Unknown credential token", "<p>No consumer key has this token.</p>", 404
            )
        return _html_page("Validate a consumer key", self._form(credential))

    def _form(self, credential: Credential) -> str:
        application = self.keys.applications[credential.application_key]
        rules = "".join(f"<li>{html.escape(str(rule))}</li>" for rule in credential.rules)
        status = credential.status_at(self.keys.now())
        head = (
            f"<p>Application <b>{html.escape(application.name)}</b> asks for these rights "
            f"on account <b>{html.escape(self.account.account)}</b>:</p><ul>{rules}</ul>"
            f"<p>Consumer key {credential.credential_id}: <b id=status>{status}</b></p>"
        )
        if status is not CredentialStatus.PENDING:
            return head
        validities = "".join(
            f"<option value={seconds}>{html.escape(label)}</option>"
            for label, seconds in VALIDITIES.items()
        )
        return (
            f"{head}<form method=post action=/auth/validate>"
            f"<input type=hidden name=credentialToken value={html.escape(credential.token)}>"
            f"Validity <select name=validity>{validities}</select> "
            "<button name=action value=validate>Validate</button> "
            "<button name=action value=refuse>Refuse</button></form>"
        )

    async def _answer(self, request: web.Request) -> web.Response:
        form = await request.post()
        credential = self.keys.credential_for_token(str(form.get("credentialToken", "")))
        if credential is None:
            raise web.HTTPNotFound(text="No consumer key has this token.")
        action = str(form.get("action", ""))
        validity = str(form.get("validity", "0"))
        if action not in {"validate", "refuse"} or not validity.isdecimal():
            raise web.HTTPBadRequest(text="Validate or refuse, for a number of seconds.")
        try:
            if action == "validate":
                self.keys.validate(credential.consumer_key, int(validity))
            else:
                self.keys.refuse(credential.consumer_key)
        except ValueError as error:
            raise web.HTTPBadRequest(text=str(error)) from None
        raise web.HTTPSeeOther(credential.redirection or "/")


def _html_page(title: str, body: str, status: int = 200) -> web.Response:
    return web.Response(
        status=status,
        content_type="text/html",
        text=f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em}}</style></head><body>
<h1>{html.escape(title)}</h1>
{body}
</body></html>
""",
    )
