"""A loopback fake of the MISP REST API for the tests (python3 stdlib):
POST /events/add, /events/edit/UUID and /events/restSearch as MISP
documents them, checking the Authorization key, the Accept header and the
event's shape (what MISP would refuse in the core format), holding the
events by uuid and every request seen. Misp.fail_next > 0 makes that many
event adds/edits answer 500 (an instance that is down or broken), for the
retry tests."""
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEY = "k3yOfTheMispInstance0123456789abcdefABCD"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
FILE_TEMPLATE = "688c46fb-5edb-40a3-8273-1af7923e2215"


class Misp:
    """The instance's state: events by uuid, and every request seen."""
    events = {}
    seen = []
    fail_next = 0
    lock = threading.Lock()


def event_shape_errors(ev):
    """What MISP would refuse in an event it is given (core format)."""
    errs = []
    e = ev.get("Event") if isinstance(ev, dict) else None
    if not isinstance(e, dict):
        return ["no Event"]
    for k in ("uuid", "info", "date", "threat_level_id", "analysis", "distribution", "timestamp"):
        if not isinstance(e.get(k), str):
            errs.append("Event.%s" % k)
    if not UUID.match(e.get("uuid", "")):
        errs.append("Event.uuid format")
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", e.get("date", "")):
        errs.append("Event.date")
    for a in e.get("Attribute", []) + [a for o in e.get("Object", []) for a in o.get("Attribute", [])]:
        if not UUID.match(a.get("uuid", "")) or not a.get("type") or not a.get("category") \
                or not isinstance(a.get("value"), str) or not re.match(r"^\d+$", a.get("timestamp", "")):
            errs.append("Attribute %r" % a)
    for o in e.get("Object", []):
        if not UUID.match(o.get("uuid", "")) or not o.get("name") or not o.get("template_uuid"):
            errs.append("Object %r" % o.get("uuid"))
    return errs


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def answer(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        with Misp.lock:
            Misp.seen.append((self.path, self.headers.get("Authorization"), body))
        if self.headers.get("Authorization") != KEY:
            return self.answer(403, {"name": "Authentication failed.", "message": "Authentication failed.",
                                     "url": self.path})
        if self.headers.get("Accept") != "application/json":
            return self.answer(406, {"message": "Accept: application/json expected"})
        try:
            doc = json.loads(body)
        except ValueError:
            return self.answer(400, {"message": "not JSON"})
        if self.path in ("/events/add", "/events") or self.path.startswith("/events/edit/"):
            with Misp.lock:
                failing = Misp.fail_next > 0
                if failing:
                    Misp.fail_next -= 1
            if failing:
                return self.answer(500, {"message": "Internal error (the test made it fail)"})
            errs = event_shape_errors(doc)
            if errs:
                return self.answer(400, {"message": "Event could not be saved.", "errors": errs})
            uuid = doc["Event"]["uuid"]
            with Misp.lock:
                if self.path.startswith("/events/edit/"):
                    if self.path.rsplit("/", 1)[1] not in Misp.events:
                        return self.answer(404, {"message": "Invalid event"})
                elif uuid in Misp.events:
                    return self.answer(403, {"name": "Event already exists, if you would like to edit it, use the url in the location header.",
                                             "message": "Event already exists, if you would like to edit it, use the url in the location header.",
                                             "url": "/events/add"})
                Misp.events[uuid] = doc["Event"]
            return self.answer(200, {"Event": dict(doc["Event"], id=str(len(Misp.events)))})
        if self.path == "/events/restSearch":
            since = int(doc.get("timestamp") or 0)
            with Misp.lock:
                out = []
                for e in Misp.events.values():
                    if int(e["timestamp"]) < since:
                        continue
                    e2 = dict(e)
                    if doc.get("to_ids"):
                        e2["Attribute"] = [a for a in e["Attribute"] if a.get("to_ids")]
                    out.append({"Event": e2})
            return self.answer(200, {"response": out})
        return self.answer(404, {"message": "not found"})




def start_misp():
    """Starts the fake on a free loopback port: (httpd, base URL)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, "http://127.0.0.1:%d" % httpd.server_address[1]
