"""Container health check: GET /healthz (which also checks the database) on this container.

Sent with a Host from ALLOWED_HOSTS, as the proxy in front would send it, and marked as
forwarded over HTTPS, so neither host validation nor the SSL redirect turns it away.
Exit 0 when healthy, 1 otherwise (Docker's convention).
"""

import http.client
import os
import sys


def allowed_host() -> str:
    for host in os.environ.get("ALLOWED_HOSTS", "localhost").split(","):
        host = host.strip().lstrip(".")
        if host and "*" not in host:
            return host
    return "localhost"


def main() -> int:
    connection = http.client.HTTPConnection("127.0.0.1", int(os.environ.get("HEALTHCHECK_PORT", "8000")), timeout=4)
    try:
        connection.request("GET", "/healthz", headers={"Host": allowed_host(), "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
    except OSError as exc:
        print(f"unhealthy: {exc}")
        return 1
    body = response.read(300).decode("utf-8", "replace")
    print(f"{response.status} {body}")
    return 0 if response.status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
