"""Config flow: an SMS user or API keys, reauth, reconfigure, options, recipients.

An SMS user (http2sms) cannot be checked without sending, so a test SMS is
offered. API keys are checked for free: the flow gets a consumer key limited to
the rules the integration needs (or takes one made elsewhere), waits for OVH to
report it validated, then lets the user pick the SMS account and the sender.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, override

import voluptuous as vol

from homeassistant.components import webhook
from homeassistant.components.notify.const import DOMAIN as NOTIFY_DOMAIN
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlowWithReload,
    SubentryFlowResult,
)
from homeassistant.const import CONF_NAME, CONF_PASSWORD
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import section
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.util import dt as dt_util, slugify

from .account import api_client
from .command_options import (
    COMMANDS_FORM,
    commands_form_errors,
    pin_change,
    recipient_command_data,
    recipient_form,
    without_saved_pin,
)
from .const import (
    CONF_ACCOUNT,
    CONF_APPLICATION_KEY,
    CONF_APPLICATION_SECRET,
    CONF_CLOUDHOOK,
    CONF_COMMANDS,
    CONF_CONSUMER_KEY,
    CONF_DELETE_REPLIES,
    CONF_DRILL,
    CONF_ENDPOINT,
    CONF_HOURLY_LIMIT,
    CONF_LOGIN,
    CONF_MODE,
    CONF_PHONE_NUMBER,
    CONF_PUSH,
    CONF_READINESS,
    CONF_REPLIES,
    CONF_SENDER,
    CONF_SERVICE_NAME,
    CONF_WEBHOOK_ID,
    DEFAULT_SERVICE_NAME,
    DOMAIN,
    LOGGER,
    MODE_API,
    MODE_HTTP2SMS,
    SECTION_CONNECTION,
    SUBENTRY_RECIPIENT,
    account_unique_id,
    api_unique_id,
    cleaned_account_data,
    entry_mode,
    entry_options,
    entry_title,
    is_own_entry,
)
from .drill_options import drill_form, drill_form_errors
from .errors import CONSUMER_KEY_ERRORS, flow_error
from .failover import CONF_FALLBACKS, CONF_PREFER_DUPLICATE
from .ledger import async_remember_setup_send
from .ovhsms import (
    ACCESS_RULES,
    CREATE_APP_URL,
    CREATE_TOKEN_URL,
    DEFAULT_API_ENDPOINT,
    DEFAULT_ENDPOINT,
    ApiKeys,
    ApplicationKeyError,
    AuthenticationError,
    ConsumerKeyError,
    Credentials,
    CredentialState,
    EndpointCredentialsError,
    Http2SmsClient,
    InsecureEndpointError,
    MultipleNumbersError,
    NationalNumberWithoutCountryError,
    OvhApiClient,
    OvhSmsError,
    Sender,
    SenderNotFoundError,
    SenderStatus,
    SmsValidationError,
    build_sms,
    load_metadata,
    normalize_number,
    validate_account,
    validate_endpoint,
    validate_sender,
)
from .push import async_delete_cloudhook, async_push_url
from .readiness import readiness_section
from .sms_options import DEFAULTS_FORM, SMS_DEFAULTS, defaults_form_errors
from .spending import SPENDING_SECTION
from .validation import EXTERNAL_STEP, async_validated_url
from .virtual_numbers import async_forget_numbers, async_numbers_section, sender_numbers

CONF_TEST_NUMBER = "test_number"
TEST_MESSAGE = "Home Assistant: OVH SMS is set up and can reach this phone."

_TEXT = TextSelector()
_PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_PHONE = TextSelector(TextSelectorConfig(type=TextSelectorType.TEL))
_URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))


def _account_schema(*, password_required: bool) -> vol.Schema:
    password = vol.Required if password_required else vol.Optional
    return vol.Schema(
        {
            vol.Required(CONF_ACCOUNT): _TEXT,
            vol.Required(CONF_LOGIN): _TEXT,
            password(CONF_PASSWORD): _PASSWORD,
            vol.Optional(CONF_SENDER): _TEXT,
            vol.Required(SECTION_CONNECTION): section(
                vol.Schema({vol.Required(CONF_ENDPOINT, default=DEFAULT_ENDPOINT): _URL}),
                {"collapsed": True},
            ),
        }
    )


def _entry_data(user_input: dict[str, Any]) -> dict[str, Any]:
    """Give the entry's data from the account form, cleaned."""
    return cleaned_account_data(
        {
            CONF_ACCOUNT: user_input[CONF_ACCOUNT],
            CONF_LOGIN: user_input[CONF_LOGIN],
            CONF_PASSWORD: user_input[CONF_PASSWORD],
            CONF_SENDER: user_input.get(CONF_SENDER),
            CONF_ENDPOINT: user_input[SECTION_CONNECTION][CONF_ENDPOINT],
        }
    )


def _validate_entry_data(data: Mapping[str, Any]) -> dict[str, str]:
    """Field errors of the cleaned account form, checked locally (nothing is sent)."""
    errors: dict[str, str] = {}
    try:
        validate_account(data[CONF_ACCOUNT])
    except OvhSmsError as err:
        errors[CONF_ACCOUNT] = flow_error(err).key
    if not data[CONF_LOGIN]:
        errors[CONF_LOGIN] = "invalid_login"
    if data[CONF_SENDER]:
        try:
            validate_sender(data[CONF_SENDER])
        except OvhSmsError as err:
            errors[CONF_SENDER] = flow_error(err).key
    try:
        validate_endpoint(data[CONF_ENDPOINT])
    except OvhSmsError as err:
        errors[SECTION_CONNECTION] = flow_error(err).key
    return errors


def _credentials(data: Mapping[str, Any]) -> Credentials:
    """Give the SMS user of the cleaned account form."""
    return Credentials(data[CONF_ACCOUNT], data[CONF_LOGIN], data[CONF_PASSWORD])


def _number_error(err: SmsValidationError) -> str:
    """Name a phone number field's error: several numbers, no country, or not a number."""
    if isinstance(err, (MultipleNumbersError, NationalNumberWithoutCountryError)):
        return flow_error(err).key
    return "invalid_phone_number"


def _notify_action_taken(hass: HomeAssistant, name: str, entry: ConfigEntry | None) -> bool:
    """Tell whether notify.<name> belongs to anything but this entry (or is another's option)."""
    own = getattr(entry, "runtime_data", None)
    if hass.services.has_service(NOTIFY_DOMAIN, name) and (
        own is None or own.gateway.notify_action != name
    ):
        return True
    return any(
        entry_options(other)[CONF_SERVICE_NAME] == name
        for other in hass.config_entries.async_entries(DOMAIN)
        if is_own_entry(other) and (entry is None or other.entry_id != entry.entry_id)
    )


def free_notify_action(hass: HomeAssistant) -> str:
    """Pick the first of ovh_sms, ovh_sms_2, ovh_sms_3... that nothing uses."""
    name, number = DEFAULT_SERVICE_NAME, 1
    while _notify_action_taken(hass, name, None):
        number += 1
        name = f"{DEFAULT_SERVICE_NAME}_{number}"
    return name


# The rights the consumer key asks, for the forms' text; code spans: Markdown would read
# the * of GET /sms/* as italics.
RULES = ", ".join(f"`{rule}`" for rule in ACCESS_RULES)

# The sender choice meaning "no sender: OVH's short number" (no sender name has an underscore).
SHORT_NUMBER = "short_number"


def _api_keys_schema(*, for_entry: bool) -> vol.Schema:
    """Give the API keys form; an entry's asks only for the keys, its secret optional.

    OVHcloud shows the secret once: an entry keeps it when the field is left empty.
    """
    secret = vol.Optional if for_entry else vol.Required
    fields: dict[vol.Marker, Any] = {
        vol.Required(CONF_APPLICATION_KEY): _TEXT,
        secret(CONF_APPLICATION_SECRET): _PASSWORD,
        vol.Optional(CONF_CONSUMER_KEY): _PASSWORD,
    }
    if not for_entry:
        fields[vol.Required(SECTION_CONNECTION)] = section(
            vol.Schema({vol.Required(CONF_ENDPOINT, default=DEFAULT_API_ENDPOINT): _URL}),
            {"collapsed": True},
        )
    return vol.Schema(fields)


def _api_keys(user_input: Mapping[str, Any], saved_secret: str = "") -> ApiKeys:
    """Give the keys typed in a keys form, stripped; an entry's saved secret if left empty."""
    return ApiKeys(
        user_input[CONF_APPLICATION_KEY].strip(),
        user_input.get(CONF_APPLICATION_SECRET, "").strip() or saved_secret,
        user_input.get(CONF_CONSUMER_KEY, "").strip(),
    )


def _sender_schema(
    senders: tuple[Sender, ...], current: str | None, numbers: tuple[str, ...] = ()
) -> vol.Schema:
    """Pick an enabled sender of the account, one of its virtual numbers, or the short number."""
    choices = [sender.name for sender in senders if sender.enabled]
    choices += [number for number in sender_numbers(numbers) if number not in choices]
    choices.append(SHORT_NUMBER)
    default = (current or SHORT_NUMBER) if current is not None else choices[0]
    return vol.Schema(
        {
            vol.Required(
                CONF_SENDER, default=default if default in choices else choices[0]
            ): SelectSelector(
                SelectSelectorConfig(
                    options=choices, translation_key=CONF_SENDER, mode=SelectSelectorMode.LIST
                )
            )
        }
    )


def _chosen_sender(user_input: Mapping[str, Any]) -> str:
    """Give the sender to store: empty for the short number."""
    sender: str = user_input[CONF_SENDER]
    return "" if sender == SHORT_NUMBER else sender


type _Step = Callable[[], Awaitable[ConfigFlowResult]]


@dataclass(frozen=True, slots=True)
class _KeysUse:
    """What the keys of a keys form are for: a new entry, or an entry's reauth or reconfigure.

    The step that asks for them says it; the validation steps, shared, follow it.
    """

    form: _Step  # the keys form again, when OVH refuses the application's keys at validation
    read: Callable[[], Awaitable[None]]  # fetch what comes next once validated; raise OvhSmsError
    validated: _Step  # go on with the validated keys and what was read


def _unusable_senders(senders: tuple[Sender, ...]) -> dict[str, str]:
    """List the senders OVH has yet to validate, and those it refused or disabled.

    The form's own sentences name each state, in the user's language.
    """
    waiting = [s.name for s in senders if s.status == SenderStatus.WAITING_VALIDATION]
    refused = [s.name for s in senders if not s.enabled and s.name not in waiting]
    return {"waiting": ", ".join(waiting) or "-", "refused": ", ".join(refused) or "-"}


class OvhSmsConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up one OVH SMS account (one SMS user of it)."""

    VERSION = 1
    # 2: account, login and sender stripped; the endpoint https (see async_migrate_entry).
    MINOR_VERSION = 2

    def __init__(self) -> None:
        """Nothing is known before the user step."""
        self._data: dict[str, Any] = {}
        # Set by the API keys steps before any step that reads OVH.
        self._api: OvhApiClient
        self._validation_url = ""
        # OVHcloud sends the browser back to this flow (see validation.py) after validation.
        self._sent_back = False
        self._senders: tuple[Sender, ...] = ()
        self._virtual_numbers: tuple[str, ...] = ()
        self._credits_left = ""
        self._accounts: tuple[str, ...] = ()
        # Set by the step that asks for keys, before the steps that validate them.
        self._keys_use: _KeysUse
        # OVH refused the application's keys at validation: the keys form says so.
        self._keys_refusal: ApplicationKeyError | None = None
        # OVH refused the SMS user of self._data, or its sender, at the test SMS.
        self._account_refusal: AuthenticationError | SenderNotFoundError | None = None

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OvhSmsOptionsFlow:
        """Edit the defaults of every SMS of the entry."""
        return OvhSmsOptionsFlow()

    @classmethod
    @callback
    @override
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Recipients are subentries."""
        return {SUBENTRY_RECIPIENT: RecipientSubentryFlow}

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose how to reach OVH: an SMS user, or API keys."""
        return self.async_show_menu(step_id="user", menu_options=list(_WAY_IN_FLOWS))

    async def async_step_http2sms(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the SMS user, checking its form locally; never again one OVH refused."""
        errors: dict[str, str] = {}
        refusal = flow_error(self._account_refusal) if self._account_refusal else None
        # A refused sender is the sender field's error; a refused SMS user, the form's.
        field = CONF_SENDER if isinstance(self._account_refusal, SenderNotFoundError) else "base"
        if user_input is not None:
            data = _entry_data(user_input)
            if not (errors := _validate_entry_data(data)):
                if refusal is None or not self._refused_again(data):
                    self._data = data
                    self._account_refusal = None
                    await self.async_set_unique_id(account_unique_id(data))
                    self._abort_if_unique_id_configured()
                    return await self.async_step_verify()
                errors[field] = refusal.key
        elif refusal is not None:  # back from the test SMS, the password cleared
            errors[field] = refusal.key
            user_input = {k: v for k, v in self._data.items() if k != CONF_PASSWORD} | {
                SECTION_CONNECTION: {CONF_ENDPOINT: self._data[CONF_ENDPOINT]}
            }
        return self.async_show_form(
            step_id=MODE_HTTP2SMS,
            data_schema=self.add_suggested_values_to_schema(
                _account_schema(password_required=True), user_input
            ),
            errors=errors,
            description_placeholders=refusal.placeholders if refusal else None,
        )

    def _refused_again(self, data: Mapping[str, Any]) -> bool:
        """Tell whether the form holds what the test SMS was refused for: SMS user, or sender."""
        refused = _credentials(data) == _credentials(self._data)
        if isinstance(self._account_refusal, SenderNotFoundError):
            return refused and data[CONF_SENDER] == self._data[CONF_SENDER]
        return refused

    async def async_step_api(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the application's key and secret, and a consumer key if the user has one."""
        placeholders = {"create_app_url": CREATE_APP_URL, "create_token_url": CREATE_TOKEN_URL}
        errors = self._take_keys_refusal(placeholders)
        if user_input is not None:
            endpoint = user_input[SECTION_CONNECTION][CONF_ENDPOINT].strip()
            try:
                validate_endpoint(endpoint)
            except InsecureEndpointError:
                errors[SECTION_CONNECTION] = "api_insecure_endpoint"  # a secret, no password
            except EndpointCredentialsError:
                errors[SECTION_CONNECTION] = "api_endpoint_credentials"
            except OvhSmsError as err:
                errors[SECTION_CONNECTION] = flow_error(err).key
            else:
                self._data = {CONF_MODE: MODE_API, CONF_ENDPOINT: endpoint}
                self._keys_use = _KeysUse(
                    self.async_step_api, self._async_read_accounts, self._async_step_account_choice
                )
                keys = _api_keys(user_input)
                if result := await self._async_step_keys_submitted(keys, errors, placeholders):
                    return result
        return self.async_show_form(
            step_id=MODE_API,
            data_schema=self.add_suggested_values_to_schema(
                _api_keys_schema(for_entry=False),
                {k: v for k, v in (user_input or {}).items() if k != CONF_APPLICATION_SECRET},
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def _async_step_keys_submitted(
        self, keys: ApiKeys, errors: dict[str, str], placeholders: dict[str, str]
    ) -> ConfigFlowResult | None:
        """Go on with the keys of a keys form, or give None and fill in the form's errors.

        Without a consumer key, one is requested, to be validated at OVH's link.
        """
        try:
            state = await self._async_read_keys(keys)
        except OvhSmsError as err:
            errors["base"], shown = flow_error(err)
            placeholders |= shown
        except Exception:
            LOGGER.exception("Unexpected exception")
            errors["base"] = "unknown"
        else:
            if state is None:
                if self._sent_back:
                    return await self.async_step_api_authorize()
                return await self.async_step_api_validate()
            if state is CredentialState.VALIDATED:
                return await self._async_step_keys_validated()
            errors["base"] = CONSUMER_KEY_ERRORS[state]
        return None

    async def _async_read_keys(self, keys: ApiKeys) -> CredentialState | None:
        """Request a consumer key (None), or read the pasted one's state; raise OvhSmsError.

        With a validated key, also read what the flow goes on with.
        """
        self._api = OvhApiClient(
            async_get_clientsession(self.hass), keys, endpoint=self._data[CONF_ENDPOINT]
        )
        if not keys.consumer_key:
            await self._async_request_consumer_key(keys)
            return None
        if (state := await self._async_credential_state()) is CredentialState.VALIDATED:
            await self._keys_use.read()
        return state

    async def _async_request_consumer_key(self, keys: ApiKeys) -> None:
        """Get a new consumer key from OVH, to be validated at its link; raise OvhSmsError."""
        redirection = async_validated_url(self.hass, self.flow_id)
        request = await self._api.request_consumer_key(redirection=redirection)
        self._api = OvhApiClient(
            async_get_clientsession(self.hass),
            ApiKeys(keys.application_key, keys.application_secret, request.consumer_key),
            endpoint=self._data[CONF_ENDPOINT],
        )
        self._validation_url = request.validation_url
        self._sent_back = redirection is not None

    def _take_keys_refusal(self, placeholders: dict[str, str]) -> dict[str, str]:
        """Give the keys form's errors: OVH's refusal of the keys, seen at validation, once."""
        if (refusal := self._keys_refusal) is None:
            return {}
        self._keys_refusal = None
        key, shown = flow_error(refusal)
        placeholders |= shown
        return {"base": key}

    async def _async_credential_state(self, *, just_requested: bool = False) -> CredentialState:
        """Ask OVH whether the consumer key is validated; raise OvhSmsError if it cannot tell.

        OVH refuses a key it has just issued until it is validated: then that
        refusal means "pending".
        """
        try:
            return await self._api.credential_state()
        except ConsumerKeyError:
            if just_requested:
                return CredentialState.PENDING
            raise

    async def async_step_api_authorize(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Open OVH's validation page; OVH sends the browser back to the view, which comes here."""
        if user_input is None:
            return self.async_external_step(
                step_id=EXTERNAL_STEP,
                url=self._validation_url,
                description_placeholders={"rules": RULES},
            )
        return self.async_external_step_done(next_step_id="api_check")

    async def async_step_api_check(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Back from OVH: check the key as the link's form does, which shows what is left."""
        return await self.async_step_api_validate({})

    async def async_step_api_validate(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show OVH's validation link; go on once OVH reports the key validated.

        The fallback of the external step, when OVH cannot send the browser back
        (no known URL), or once it did but the key is not validated.
        A wrong application secret only shows now (asking for a key is not
        signed): the keys form comes back, saying so.
        """
        errors: dict[str, str] = {}
        placeholders = {"rules": RULES}
        if user_input is not None:
            try:
                state = await self._async_credential_state(just_requested=True)
                if state is CredentialState.VALIDATED:
                    await self._keys_use.read()
                elif state is not CredentialState.PENDING:  # refused or expired: a new link
                    await self._async_request_consumer_key(self._api.keys)
            except ApplicationKeyError as err:
                self._keys_refusal = err
                return await self._keys_use.form()
            except OvhSmsError as err:
                errors["base"], shown = flow_error(err)
                placeholders |= shown
            except Exception:
                LOGGER.exception("Unexpected exception")
                errors["base"] = "unknown"
            else:
                if state is CredentialState.VALIDATED:
                    return await self._async_step_keys_validated()
                errors["base"] = CONSUMER_KEY_ERRORS[state]
        return self.async_show_form(
            step_id="api_validate",
            errors=errors,
            description_placeholders=placeholders | {"validation_url": self._validation_url},
        )

    async def _async_step_keys_validated(self) -> ConfigFlowResult:
        """Keep the validated keys; go on as the step that asked for them says."""
        keys = self._api.keys
        self._data |= {
            CONF_APPLICATION_KEY: keys.application_key,
            CONF_APPLICATION_SECRET: keys.application_secret,
            CONF_CONSUMER_KEY: keys.consumer_key,
        }
        return await self._keys_use.validated()

    async def _async_read_accounts(self) -> None:
        """List the SMS accounts the keys see; raise OvhSmsError."""
        self._accounts = await self._api.sms_accounts()

    async def _async_step_account_choice(self) -> ConfigFlowResult:
        """Take the one account the keys see, or let the user pick; none aborts."""
        if not self._accounts:
            return self.async_abort(reason="no_sms_account")
        if len(self._accounts) == 1:
            return await self.async_step_api_account({CONF_ACCOUNT: self._accounts[0]})
        return await self.async_step_api_account()

    async def async_step_api_account(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the SMS account among those the keys can see."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            account = user_input[CONF_ACCOUNT]
            await self.async_set_unique_id(api_unique_id(account))
            self._abort_if_unique_id_configured()
            try:
                await self._async_read_account(account)
            except OvhSmsError as err:
                errors["base"], placeholders = flow_error(err)
            except Exception:
                LOGGER.exception("Unexpected exception")
                errors["base"] = "unknown"
            else:
                self._data[CONF_ACCOUNT] = account
                return await self.async_step_api_sender()
        return self.async_show_form(
            step_id="api_account",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_ACCOUNT): SelectSelector(
                        SelectSelectorConfig(
                            options=list(self._accounts), mode=SelectSelectorMode.LIST
                        )
                    )
                }
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def _async_read_account(self, account: str) -> None:
        """Read the account's credit and senders; raise OvhSmsError."""
        info = await self._api.account(account)
        self._senders = await self._api.senders(account)
        self._virtual_numbers = await self._api.virtual_numbers(account)
        self._credits_left = str(info.credits_left)

    async def async_step_api_sender(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick an enabled sender of the account, or the short number; then create the entry."""
        if user_input is None:
            return self._show_senders("api_sender", None)
        self._data[CONF_SENDER] = _chosen_sender(user_input)
        return self.async_create_entry(
            title=entry_title(self._data),
            data=self._data,
            options={CONF_SERVICE_NAME: free_notify_action(self.hass)},
            description="api_ready",
            description_placeholders={"credits_left": self._credits_left},
        )

    def _show_senders(self, step_id: str, current: str | None) -> ConfigFlowResult:
        """Show the senders of the account just read; the current one first when reconfiguring."""
        return self.async_show_form(
            step_id=step_id,
            data_schema=_sender_schema(self._senders, current, self._virtual_numbers),
            description_placeholders={
                "account": self._data[CONF_ACCOUNT],
                "credits_left": self._credits_left,
            }
            | _unusable_senders(self._senders),
        )

    async def async_step_verify(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Optionally send a test SMS: http2sms cannot check credentials otherwise."""
        errors: dict[str, str] = {}
        placeholders = {"reason": ""}
        if user_input is not None:
            if not (number := user_input.get(CONF_TEST_NUMBER, "").strip()):
                return self._create_entry()
            client = Http2SmsClient(
                async_get_clientsession(self.hass),
                _credentials(self._data),
                endpoint=self._data[CONF_ENDPOINT],
            )
            await self.hass.async_add_import_executor_job(load_metadata)
            try:
                sms = build_sms(
                    [number],
                    TEST_MESSAGE,
                    now=dt_util.utcnow(),
                    sender=self._data[CONF_SENDER],
                    default_region=self.hass.config.country,
                )
                result = await client.send(sms)
            except SmsValidationError as err:
                errors[CONF_TEST_NUMBER] = _number_error(err)
            except (AuthenticationError, SenderNotFoundError) as err:
                self._account_refusal = err
                return await self.async_step_http2sms()
            except OvhSmsError as err:
                errors["base"], shown = flow_error(err)
                placeholders |= shown
            except Exception:
                LOGGER.exception("Unexpected exception")
                errors["base"] = "unknown_test_sms"  # it may have reached OVH
            else:
                async_remember_setup_send(self.hass, account_unique_id(self._data), result)
                return self.async_show_form(
                    step_id="verified",
                    description_placeholders={
                        "credits_left": str(result.credits_left),
                        "sms_ids": ", ".join(result.sms_ids),
                    },
                )
        return self.async_show_form(
            step_id="verify",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema({vol.Optional(CONF_TEST_NUMBER): _PHONE}), user_input
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_verified(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Create the entry once the test SMS went out."""
        return self._create_entry()

    def _create_entry(self) -> ConfigFlowResult:
        return self.async_create_entry(
            title=entry_title(self._data),
            data=self._data,
            options={CONF_SERVICE_NAME: free_notify_action(self.hass)},
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """OVH refused the credentials (or, with API keys, lacks an access rule)."""
        return await _WAY_IN_FLOWS[entry_mode(self._get_reauth_entry())].reauth(self)

    async def async_step_reauth_api(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the keys again: a new consumer key is requested unless one is pasted."""
        return await self._async_step_entry_keys(
            "reauth_api",
            self._get_reauth_entry(),
            user_input,
            _KeysUse(
                self.async_step_reauth_api, self._async_read_entry_account, self._async_save_keys
            ),
        )

    async def _async_read_entry_account(self) -> None:
        """Check that the keys see the entry's account, reading its senders; raise OvhSmsError."""
        await self._async_read_account(self._data[CONF_ACCOUNT])

    async def _async_save_keys(self) -> ConfigFlowResult:
        """Save the validated keys in the entry being reauthenticated."""
        return self.async_update_reload_and_abort(self._get_reauth_entry(), data_updates=self._data)

    async def _async_step_entry_keys(
        self,
        step_id: str,
        entry: ConfigEntry,
        user_input: dict[str, Any] | None,
        keys_use: _KeysUse,
    ) -> ConfigFlowResult:
        """Ask an entry's new keys, on its endpoint; an empty secret keeps the saved one."""
        placeholders = {
            "account": entry.data[CONF_ACCOUNT],
            "create_token_url": CREATE_TOKEN_URL,
        }
        errors = self._take_keys_refusal(placeholders)
        if user_input is not None:
            self._data = {
                CONF_ACCOUNT: entry.data[CONF_ACCOUNT],
                CONF_ENDPOINT: entry.data[CONF_ENDPOINT],
            }
            self._keys_use = keys_use
            keys = _api_keys(user_input, entry.data[CONF_APPLICATION_SECRET])
            if result := await self._async_step_keys_submitted(keys, errors, placeholders):
                return result
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                _api_keys_schema(for_entry=True),
                {CONF_APPLICATION_KEY: entry.data[CONF_APPLICATION_KEY]},
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the SMS user's new password."""
        entry = self._get_reauth_entry()
        if user_input is not None:
            return self.async_update_reload_and_abort(
                entry, data_updates={CONF_PASSWORD: user_input[CONF_PASSWORD]}
            )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema({vol.Required(CONF_PASSWORD): _PASSWORD}),
            description_placeholders={
                CONF_ACCOUNT: entry.data[CONF_ACCOUNT],
                CONF_LOGIN: entry.data[CONF_LOGIN],
            },
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the entry as its way in allows."""
        return await _WAY_IN_FLOWS[entry_mode(self._get_reconfigure_entry())].reconfigure(
            self, user_input
        )

    async def async_reconfigure_sms_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change login, password, sender or endpoint; never the account.

        The SMS user's reconfigure step: its form keeps the step id reconfigure.
        """
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = _entry_data(
                {CONF_PASSWORD: entry.data[CONF_PASSWORD], CONF_SENDER: ""} | user_input
            )
            if not (errors := _validate_entry_data(data)):
                if data[CONF_ACCOUNT] != entry.data[CONF_ACCOUNT]:
                    return self.async_abort(reason="account_mismatch")
                unique_id = account_unique_id(data)
                if unique_id != entry.unique_id:
                    await self.async_set_unique_id(unique_id)
                    self._abort_if_unique_id_configured()
                # A title the user chose stays; a generated one (or the bare account) follows.
                generated = entry.title in {entry.data[CONF_ACCOUNT], entry_title(entry.data)}
                return self.async_update_reload_and_abort(
                    entry,
                    unique_id=unique_id,
                    title=entry_title(data) if generated else entry.title,
                    data=data,
                )
        suggested = user_input or {
            **entry.data,
            SECTION_CONNECTION: {CONF_ENDPOINT: entry.data[CONF_ENDPOINT]},
        }
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                _account_schema(password_required=False),
                {k: v for k, v in suggested.items() if k != CONF_PASSWORD},
            ),
            errors=errors,
        )

    async def async_step_reconfigure_api(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer another sender of the account, or new API keys."""
        return self.async_show_menu(
            step_id="reconfigure_api",
            menu_options=["reconfigure_sender", "reconfigure_keys"],
            description_placeholders={"account": self._get_reconfigure_entry().data[CONF_ACCOUNT]},
        )

    async def async_step_reconfigure_keys(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Take new API keys, checked as at set-up; then the sender again."""
        return await self._async_step_entry_keys(
            "reconfigure_keys",
            self._get_reconfigure_entry(),
            user_input,
            _KeysUse(
                self.async_step_reconfigure_keys,
                self._async_read_entry_account,
                self._async_step_senders_again,
            ),
        )

    async def _async_step_senders_again(self) -> ConfigFlowResult:
        """Offer the account's senders, read with the new keys; the current one first."""
        return self._show_senders(
            "reconfigure_sender", self._get_reconfigure_entry().data[CONF_SENDER]
        )

    async def async_step_reconfigure_sender(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick another sender (with the new keys, if any); save."""
        entry = self._get_reconfigure_entry()
        if user_input is not None:
            return self.async_update_reload_and_abort(
                entry, data_updates=self._data | {CONF_SENDER: _chosen_sender(user_input)}
            )
        self._api = OvhApiClient(
            async_get_clientsession(self.hass),
            ApiKeys(
                entry.data[CONF_APPLICATION_KEY],
                entry.data[CONF_APPLICATION_SECRET],
                entry.data[CONF_CONSUMER_KEY],
            ),
            endpoint=entry.data[CONF_ENDPOINT],
        )
        self._data = {CONF_ACCOUNT: entry.data[CONF_ACCOUNT]}
        errors: dict[str, str] = {}
        placeholders = {"account": entry.data[CONF_ACCOUNT]}
        try:
            await self._async_read_account(entry.data[CONF_ACCOUNT])
        except OvhSmsError as err:
            errors["base"], shown = flow_error(err)
            placeholders |= shown
        except Exception:
            LOGGER.exception("Unexpected exception")
            errors["base"] = "unknown"
        else:
            return self._show_senders("reconfigure_sender", entry.data[CONF_SENDER])
        return self.async_show_form(
            step_id="reconfigure_unreadable", errors=errors, description_placeholders=placeholders
        )

    async def async_step_reconfigure_unreadable(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """OVH could not be read: try again."""
        return await self.async_step_reconfigure_sender()


@dataclass(frozen=True, slots=True, kw_only=True)
class _WayInFlow:
    """A way in's part of the flows; its set-up step is the menu option named by its mode."""

    reauth: Callable[[OvhSmsConfigFlow], Awaitable[ConfigFlowResult]]
    reconfigure: Callable[[OvhSmsConfigFlow, dict[str, Any] | None], Awaitable[ConfigFlowResult]]
    two_way_options: bool  # the options flow offers replies, their deletion and push


# Each way in, by the mode the entry's data names: its steps, and what its options offer.
_WAY_IN_FLOWS: Final[dict[str, _WayInFlow]] = {
    MODE_HTTP2SMS: _WayInFlow(
        reauth=OvhSmsConfigFlow.async_step_reauth_confirm,
        reconfigure=OvhSmsConfigFlow.async_reconfigure_sms_user,
        two_way_options=False,
    ),
    MODE_API: _WayInFlow(
        reauth=OvhSmsConfigFlow.async_step_reauth_api,
        reconfigure=OvhSmsConfigFlow.async_step_reconfigure_api,
        two_way_options=True,
    ),
}


def _fallback_choices(hass: HomeAssistant, entry: ConfigEntry) -> list[SelectOptionDict]:
    """Offer the other accounts of this integration, the notify actions and notify entities."""
    accounts = [
        SelectOptionDict(value=other.entry_id, label=other.title)
        for other in hass.config_entries.async_entries(DOMAIN)
        if other.entry_id != entry.entry_id and is_own_entry(other)
    ]
    actions = [
        f"{NOTIFY_DOMAIN}.{action}"
        for action in hass.services.async_services_for_domain(NOTIFY_DOMAIN)
        if action not in {"send_message", entry_options(entry)[CONF_SERVICE_NAME]}
    ]
    entities = hass.states.async_entity_ids(NOTIFY_DOMAIN)
    return accounts + [
        SelectOptionDict(value=name, label=name) for name in sorted({*actions, *entities})
    ]


class OvhSmsOptionsFlow(OptionsFlowWithReload):
    """Defaults of every SMS, the legacy action's name and the hourly safety limit.

    With API keys also: read replies, delete them once read, and push (a webhook
    whose URL the next step shows, to set at OVH). Replies come only to SMS sent
    from the short number: turning them on with a named sender warns first.
    """

    _options: dict[str, Any]
    _push_url: str
    # The PIN typed or removed at an earlier submit of the form (command_options.pin_change).
    _pin_change: tuple[str, bool] | None = None

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show and check the options."""
        errors: dict[str, str] = {}
        if user_input is not None:
            user_input[CONF_SERVICE_NAME] = slugify(user_input[CONF_SERVICE_NAME])
            self._pin_change = pin_change(user_input, self._pin_change)
            errors = defaults_form_errors(user_input) | commands_form_errors(
                user_input, self.config_entry
            )
            if not user_input[CONF_SERVICE_NAME] or _notify_action_taken(
                self.hass, user_input[CONF_SERVICE_NAME], self.config_entry
            ):
                errors[CONF_SERVICE_NAME] = "service_name_taken"
            errors = errors or drill_form_errors(self.config_entry, user_input)
            if not errors:
                user_input[CONF_HOURLY_LIMIT] = int(user_input[CONF_HOURLY_LIMIT])
                if not await self._async_find_push_url(user_input):
                    errors[CONF_PUSH] = "push_unreachable"
            if not errors:
                self._options = user_input
                if self._replies_turned_on_with_named_sender():
                    return await self.async_step_replies_sender()
                return await self._async_push_or_save()
        schema = vol.Schema(
            {
                **DEFAULTS_FORM,
                vol.Required(CONF_SERVICE_NAME): _TEXT,
                vol.Required(CONF_HOURLY_LIMIT): NumberSelector(
                    NumberSelectorConfig(min=0, max=10000, step=1, mode=NumberSelectorMode.BOX)
                ),
                vol.Optional(CONF_FALLBACKS): SelectSelector(
                    SelectSelectorConfig(
                        options=_fallback_choices(self.hass, self.config_entry),
                        multiple=True,
                        custom_value=True,
                        mode=SelectSelectorMode.DROPDOWN,
                    )
                ),
                vol.Optional(CONF_PREFER_DUPLICATE): BooleanSelector(),
                **SPENDING_SECTION,
                vol.Optional(CONF_READINESS): readiness_section(),
            }
        )
        two_way = _WAY_IN_FLOWS[entry_mode(self.config_entry)].two_way_options
        if two_way:
            schema = schema.extend(
                {
                    vol.Required(CONF_REPLIES): BooleanSelector(),
                    vol.Required(CONF_DELETE_REPLIES): BooleanSelector(),
                    vol.Required(CONF_PUSH): BooleanSelector(),
                    vol.Optional(CONF_COMMANDS): section(
                        vol.Schema(dict(COMMANDS_FORM)), {"collapsed": True}
                    ),
                    **await async_numbers_section(
                        api_client(self.hass, self.config_entry), self.config_entry
                    ),
                }
            )
        schema = schema.extend(
            {vol.Optional(CONF_DRILL): drill_form(self.config_entry, replies=two_way)}
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                schema,
                without_saved_pin(
                    user_input or {**SMS_DEFAULTS, **entry_options(self.config_entry)}
                ),
            ),
            errors=errors,
            description_placeholders={"account": self.config_entry.data[CONF_ACCOUNT]},
        )

    async def _async_find_push_url(self, options: dict[str, Any]) -> bool:
        """Keep the webhook's id (the URL set at OVH stays valid); with push on, find its URL.

        False when push is on and OVH cannot reach this Home Assistant.
        """
        if webhook_id := self.config_entry.options.get(CONF_WEBHOOK_ID):
            options[CONF_WEBHOOK_ID] = webhook_id
        if not options.get(CONF_PUSH):
            return True
        webhook_id = options.setdefault(CONF_WEBHOOK_ID, webhook.async_generate_id())
        if (push := await async_push_url(self.hass, webhook_id)) is None:
            return False
        self._push_url, options[CONF_CLOUDHOOK] = push
        return True

    def _replies_turned_on_with_named_sender(self) -> bool:
        """Tell whether replies are being turned on while the account sends from a name."""
        return bool(
            self._options.get(CONF_REPLIES)
            and not entry_options(self.config_entry)[CONF_REPLIES]
            and self.config_entry.data.get(CONF_SENDER)
        )

    async def async_step_replies_sender(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Warn that the account's named sender gets no replies; then go on."""
        if user_input is not None:
            return await self._async_push_or_save()
        return self.async_show_form(
            step_id="replies_sender",
            description_placeholders={"sender": self.config_entry.data[CONF_SENDER]},
        )

    async def _async_push_or_save(self) -> ConfigFlowResult:
        """Show the push URL when push is on; else save, and drop the cloudhook made for it."""
        if self._options.get(CONF_PUSH):
            return await self.async_step_push()
        await async_delete_cloudhook(self.hass, self.config_entry.options)
        return await self._async_save()

    async def _async_save(self) -> ConfigFlowResult:
        """Save the options; forget what the numbers no longer read saved, only now."""
        await async_forget_numbers(self.hass, self.config_entry, self._options)
        return self.async_create_entry(data=self._options)

    async def async_step_push(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show the webhook's URL to set at OVH; save the options."""
        if user_input is not None:
            if not self._options[CONF_CLOUDHOOK]:  # the external URL now: no cloudhook
                await async_delete_cloudhook(self.hass, self.config_entry.options)
            return await self._async_save()
        return self.async_show_form(
            step_id="push",
            description_placeholders={
                "url": self._push_url,
                "account": self.config_entry.data[CONF_ACCOUNT],
            },
        )


class RecipientSubentryFlow(ConfigSubentryFlow):
    """Add or edit a recipient: a name and a phone number."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Add a recipient."""
        return await self._async_step_recipient("user", user_input)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Edit a recipient."""
        return await self._async_step_recipient("reconfigure", user_input)

    async def _async_step_recipient(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> SubentryFlowResult:
        entry = self._get_entry()
        editing = self._get_reconfigure_subentry() if step_id == "reconfigure" else None
        errors: dict[str, str] = {}
        if user_input is not None:
            await self.hass.async_add_import_executor_job(load_metadata)
            try:
                number = normalize_number(user_input[CONF_PHONE_NUMBER], self.hass.config.country)
            except SmsValidationError as err:
                errors[CONF_PHONE_NUMBER] = _number_error(err)
            else:
                if any(
                    subentry.unique_id == number and subentry is not editing
                    for subentry in entry.subentries.values()
                ):
                    return self.async_abort(reason="already_configured")
                title = user_input[CONF_NAME].strip() or number
                saved = editing.data if editing else {}
                data = {
                    CONF_PHONE_NUMBER: number,
                    **recipient_command_data(entry, user_input, saved),
                }
                if editing is None:
                    return self.async_create_entry(title=title, data=data, unique_id=number)
                return self.async_update_reload_and_abort(
                    entry, editing, title=title, data=data, unique_id=number
                )
        suggested = user_input
        if suggested is None and editing is not None:
            suggested = {CONF_NAME: editing.title, **editing.data}
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(
                    {
                        vol.Required(CONF_NAME): _TEXT,
                        vol.Required(CONF_PHONE_NUMBER): _PHONE,
                        **recipient_form(entry),
                    }
                ),
                suggested,
            ),
            errors=errors,
        )
