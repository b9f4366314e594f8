"""Run the simulator: ``python -m simulator --port 8124`` (``--help`` lists the options)."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Sequence
import contextlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal
import logging
from pathlib import Path
from ssl import SSLContext
import tempfile

from aiohttp import web

from .account import SENDER_STATUSES, parse_answer_delay
from .api import API_PATH, OvhApiSimulator
from .http2sms import ENDPOINT_PATH
from .keys import DEFAULT_RULES
from .phone import check_url
from .readiness import AccountReadiness
from .server import OvhSimulator
from .tls import server_context
from .virtual_numbers import DEFAULT_VIRTUAL_NUMBER


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Read the account, credit and address the simulator serves."""
    simulator = OvhSimulator()
    api = simulator.api
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8124)
    parser.add_argument(
        "--page-port",
        type=int,
        default=None,
        help="a port serving the page even while it refuses connections (default: --port + 1)",
    )
    parser.add_argument(
        "--tls",
        action="store_true",
        help="serve https, with a self-signed certificate made at start (for node-ovh)",
    )
    parser.add_argument(
        "--certificate",
        type=Path,
        default=Path(tempfile.gettempdir()) / "ovh_sms_simulator.pem",
        metavar="FILE",
        help="where --tls writes its certificate, for clients to trust (default: %(default)s)",
    )
    parser.add_argument("--account", default=simulator.account)
    parser.add_argument("--login", default=simulator.login)
    parser.add_argument("--password", default=simulator.password)
    parser.add_argument(
        "--sender",
        action="append",
        type=_sender,
        metavar="NAME[:STATUS]",
        help=(
            f"a declared sender, enabled unless STATUS is one of {', '.join(SENDER_STATUSES[1:])}"
            f" (default {simulator.senders[0]})"
        ),
    )
    parser.add_argument("--credits", type=Decimal, default=simulator.credits)
    parser.add_argument("--credit-per-segment", type=Decimal, default=simulator.credit_per_segment)
    parser.add_argument("--unauthorized", action="store_true", help="answer 401 to everything")
    parser.add_argument(
        "--answer-delay",
        type=_seconds,
        default=simulator.answer_delay,
        metavar="SECONDS",
        help="wait this long before answering each request, like a slow OVH (default 0)",
    )
    parser.add_argument("--application-key", default=api.application_key)
    parser.add_argument("--application-secret", default=api.application_secret)
    parser.add_argument(
        "--consumer-key",
        default=api.consumer_key,
        help="a consumer key of the application, validated from the start",
    )
    parser.add_argument(
        "--time-skew",
        type=int,
        default=api.time_skew,
        metavar="SECONDS",
        help="set the API's clock (GET /auth/time) this far from the real one (default 0)",
    )
    parser.add_argument(
        "--deliver-after",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help=(
            "deliver every SMS by itself: accepted by the operator (ptt 3) at once, delivered"
            " (ptt 4) this long after it left (default: never, the page marks it)"
        ),
    )
    parser.add_argument(
        "--callback-url",
        type=_url("callBack"),
        default="",
        metavar="URL",
        help="the account's callBack: OVH calls it (GET) with each delivery report",
    )
    parser.add_argument(
        "--reply-url",
        type=_url("cgiUrl"),
        default="",
        metavar="URL",
        help="the account's smsResponse cgiUrl: OVH calls it (GET) with each reply",
    )
    parser.add_argument(
        "--virtual-number",
        action="append",
        metavar="NUMBER",
        help=(
            "a virtual number of the account, as OVH lists it (33644000001), repeatable"
            f" (default {DEFAULT_VIRTUAL_NUMBER}); the page texts it from a phone"
        ),
    )
    parser.add_argument(
        "--service-status",
        default="ok",
        help="the service's status in serviceInfos (ok, expired, unPaid, pendingDebt, ...)",
    )
    parser.add_argument(
        "--expires-in",
        type=int,
        default=None,
        metavar="DAYS",
        help="the service expires this many days from today (default: never)",
    )
    parser.add_argument(
        "--stop",
        action="append",
        default=[],
        metavar="NUMBER",
        help="a number on the STOP list (repeat for more); a reply STOP puts one there too",
    )
    return parser.parse_args(argv)


def _sender(text: str) -> tuple[str, str]:
    name, _, status = text.partition(":")
    status = status or SENDER_STATUSES[0]
    if not name or status not in SENDER_STATUSES:
        raise argparse.ArgumentTypeError(
            f"{text!r}: NAME or NAME:STATUS, STATUS one of {', '.join(SENDER_STATUSES)}"
        )
    return name, status


def _seconds(text: str) -> float:
    try:
        return parse_answer_delay(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _url(name: str) -> Callable[[str], str]:
    def read(text: str) -> str:
        try:
            return check_url(name, text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return read


def _readiness(args: argparse.Namespace) -> AccountReadiness:
    now = datetime.now(UTC)
    expiration = None if args.expires_in is None else (now + timedelta(days=args.expires_in))
    readiness = AccountReadiness(
        service_status=args.service_status,
        expiration=None if expiration is None else expiration.date(),
    )
    for number in args.stop:
        readiness.put_on_stop_list(number, now)
    return readiness


def simulator_from(args: argparse.Namespace) -> OvhSimulator:
    """Build the simulated account the arguments describe."""
    senders: list[tuple[str, str]] = args.sender or [
        (name, SENDER_STATUSES[0]) for name in OvhSimulator().senders
    ]
    return OvhSimulator(
        account=args.account,
        login=args.login,
        password=args.password,
        senders=tuple(name for name, _ in senders),
        sender_status={name: status for name, status in senders if status != SENDER_STATUSES[0]},
        credits=args.credits,
        credit_per_segment=args.credit_per_segment,
        unauthorized=args.unauthorized,
        answer_delay=args.answer_delay,
        api=OvhApiSimulator(
            application_key=args.application_key,
            application_secret=args.application_secret,
            consumer_key=args.consumer_key,
            time_skew=args.time_skew,
            deliver_after=args.deliver_after,
            callback_url=args.callback_url,
            reply_url=args.reply_url,
            virtual_numbers=tuple(args.virtual_number or (DEFAULT_VIRTUAL_NUMBER,)),
            readiness=_readiness(args),
        ),
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Serve until interrupted, logging each SMS."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="simulator: %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    context = server_context(args.host, args.certificate) if args.tls else None
    page_port = args.port + 1 if args.page_port is None else args.page_port
    scheme = "https" if args.tls else "http"
    base = f"{scheme}://{args.host}:{args.port}"
    print(  # noqa: T201
        f"simulator: http2sms endpoint {base}{ENDPOINT_PATH}, page {base}/ (also at"
        f" {scheme}://{args.host}:{page_port}/, open while it refuses connections)"
    )
    print(  # noqa: T201
        f"simulator: OVHcloud API endpoint {base}{API_PATH}, application key "
        f"{args.application_key}, application secret {args.application_secret}, consumer key "
        f"{args.consumer_key} (validated: {', '.join(map(str, DEFAULT_RULES))})"
    )
    delivery = "never" if args.deliver_after is None else f"after {args.deliver_after:g} s"
    print(  # noqa: T201
        f"simulator: the phone is the page: mark each SMS delivered, failed or expired, answer"
        f" the SMS sent from the short number, text the virtual numbers"
        f" ({', '.join(args.virtual_number or (DEFAULT_VIRTUAL_NUMBER,))});"
        f" automatic delivery: {delivery}; reports pushed"
        f" to {args.callback_url or 'nowhere'}, replies to {args.reply_url or 'nowhere'}"
    )
    if args.tls:
        print(  # noqa: T201
            f"simulator: https with a self-signed certificate, written to {args.certificate}"
        )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(simulator_from(args), args.host, args.port, page_port, context))


async def serve(
    simulator: OvhSimulator, host: str, port: int, page_port: int, context: SSLContext | None
) -> None:
    """Serve on both ports until cancelled (Ctrl+C)."""
    runner = web.AppRunner(simulator.application())
    await simulator.serve(host, port, page_port, runner, context)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    main()
