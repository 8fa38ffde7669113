"""A local fake of the Telegram Bot API over real HTTP (http.server on 127.0.0.1, a free port):
getUpdates hands out the updates a test queued, sendMessage records what the bot said,
setWebhook and deleteWebhook record their calls."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "123456:TEST-token"
BLOCKED = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}


class FakeBotApi:
    def __init__(self) -> None:
        self.updates: list[dict] = []
        self.sent: list[dict] = []
        self.failures: list[dict] = []  # answered to the next sendMessage calls, in order
        self.webhooks: list[dict] = []  # setWebhook and deleteWebhook calls, with their payloads
        self._next_update_id = 1000
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", 0))
                payload = json.loads(self.rfile.read(length) or b"{}")
                prefix = f"/bot{TOKEN}/"
                if not self.path.startswith(prefix):
                    return self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                method = self.path.removeprefix(prefix)
                if method == "getUpdates":
                    offset = payload.get("offset", 0)
                    ready = [u for u in fake.updates if u["update_id"] >= offset]
                    fake.updates = ready
                    return self._reply(200, {"ok": True, "result": ready})
                if method == "sendMessage":
                    if fake.failures:
                        failure = fake.failures.pop(0)
                        return self._reply(failure["error_code"], failure)
                    fake.sent.append(payload)
                    result = {"message_id": len(fake.sent), "chat": {"id": payload["chat_id"]}}
                    return self._reply(200, {"ok": True, "result": result})
                if method in ("setWebhook", "deleteWebhook"):
                    fake.webhooks.append({"method": method, **payload})
                    return self._reply(200, {"ok": True, "result": True})
                return self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})

            def _reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format, *args) -> None:  # noqa: A002 (the base class's name)
                pass  # the request line carries the token

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def says(self, chat_id: int, text: str) -> None:
        """Queue a private message from `chat_id` to the bot."""
        self._next_update_id += 1
        self.updates.append(
            {
                "update_id": self._next_update_id,
                "message": {"message_id": self._next_update_id, "chat": {"id": chat_id, "type": "private"}, "text": text},
            }
        )

    def __enter__(self) -> FakeBotApi:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
