"""A local fake of Mobizon.kz's SMS API over real HTTP (http.server on 127.0.0.1, a free port):
it records each request and answers with the replies a test queues, as Mobizon does (HTTP 200
and a JSON body whose "code" is 0 on success)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

OK = (200, {"code": 0, "data": {"campaignId": "1759377", "messageId": "12111324", "status": 1}, "message": ""})
REFUSED = (200, {"code": 1, "data": {"recipient": "invalid"}, "message": "Recipient is invalid"})
DOWN = (503, {"code": 999, "message": "Service unavailable"})


class FakeMobizon:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.replies: list[tuple[int, dict]] = []  # answered in order; OK when none is left
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode()
                url = urlsplit(self.path)
                fake.requests.append(
                    {
                        "path": url.path,
                        "query": {k: v[0] for k, v in parse_qs(url.query).items()},
                        "form": {k: v[0] for k, v in parse_qs(body).items()},
                    }
                )
                status, reply = fake.replies.pop(0) if fake.replies else OK
                payload = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format, *args) -> None:  # noqa: A002 (the base class's name)
                pass  # quiet: the request line would carry the API key

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeMobizon:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
