"""Standard Webhooks oracle: checks cxsched's signatures with the `standardwebhooks` package.

Modes:
  check   reads JSON Lines on stdin, each {"id", "timestamp", "body", "signature",
          "verify": bool}; the secret comes from the WEBHOOK_SECRET environment variable.
          Prints one JSON line per case: {"signature": what the package computes,
          "verified": true/false (null when "verify" is false: old timestamps fail the
          package's freshness check by design)}.
  serve   an HTTP receiver on 127.0.0.1 (port from --port, default any). Prints
          "listening on http://127.0.0.1:PORT" first, then one JSON line per request:
          {"id", "verified"}; answers 204 when the signature verifies, 401 otherwise.
"""

import json
import os
import sys
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer

from standardwebhooks.webhooks import Webhook


def webhook() -> Webhook:
    secret = os.environ.get("WEBHOOK_SECRET")
    if not secret:
        sys.exit("webhook_oracle.py: set WEBHOOK_SECRET")
    return Webhook(secret)


def check() -> None:
    wh = webhook()
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        ts = datetime.fromtimestamp(int(case["timestamp"]), tz=timezone.utc)
        signature = wh.sign(case["id"], ts, case["body"])
        verified = None
        if case.get("verify"):
            headers = {
                "webhook-id": case["id"],
                "webhook-timestamp": str(case["timestamp"]),
                "webhook-signature": case["signature"],
            }
            try:
                wh.verify(case["body"], headers)
                verified = True
            except Exception:  # the package raises WebhookVerificationError
                verified = False
        print(json.dumps({"signature": signature, "verified": verified}), flush=True)


def serve(port: int) -> None:
    wh = webhook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                wh.verify(body.decode("utf-8"), headers)
                ok = True
            except Exception:
                ok = False
            print(json.dumps({"id": headers.get("webhook-id"), "verified": ok}), flush=True)
            self.send_response(204 if ok else 401)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", port), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in ("check", "serve"):
        sys.exit("usage: webhook_oracle.py check < cases.jsonl | serve [--port N]")
    if sys.argv[1] == "check":
        check()
    else:
        port = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == "--port" else 0
        serve(port)


if __name__ == "__main__":
    main()
