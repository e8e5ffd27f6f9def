"""A backend that is not Node asking the auth server about an access token.

Usage: python3 introspect.py AUTH_SERVER_URL ACCESS_TOKEN
Prints one JSON line: {"status": <http status>, "body": <the answer>}.
Standard library only (urllib), as a Python backend would do it.
"""
import json
import sys
import urllib.error
import urllib.request


def introspect(base_url, access_token):
    request = urllib.request.Request(
        base_url + "/auth/session/introspect",
        data=json.dumps({"accessToken": access_token}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


if __name__ == "__main__":
    status, body = introspect(sys.argv[1], sys.argv[2])
    print(json.dumps({"status": status, "body": body}))
