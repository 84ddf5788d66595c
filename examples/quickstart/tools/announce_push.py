#!/usr/bin/env python3
"""Announces the repository's current commit to `steward serve` the way GitHub does: a `push`
webhook delivery signed with HMAC-SHA256 (`X-Hub-Signature-256`) using the webhook secret.

    python3 tools/announce_push.py --secret-file .webhook-secret [--url http://127.0.0.1:8080/hooks/github]

Only the standard library; run it inside the git repository that `steward serve` follows.
"""
import argparse
import hashlib
import hmac
import json
import subprocess
import sys
import urllib.error
import urllib.request
import uuid


def git(*args):
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080/hooks/github")
    parser.add_argument("--secret-file", required=True)
    parser.add_argument("--repository", default="example/quickstart", help="owner/name as GitHub would send it")
    args = parser.parse_args()

    with open(args.secret_file, "rb") as f:
        secret = f.read().rstrip(b"\r\n")
    branch = git("symbolic-ref", "--short", "HEAD")
    body = json.dumps({
        "ref": f"refs/heads/{branch}",
        "before": git("rev-parse", "HEAD~1") if git("rev-list", "--count", "HEAD") != "1" else "0" * 40,
        "after": git("rev-parse", "HEAD"),
        "created": False,
        "deleted": False,
        "repository": {"full_name": args.repository, "clone_url": f"https://github.com/{args.repository}.git"},
        "head_commit": {"message": git("log", "-1", "--format=%s")},
    }).encode()
    signature = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(args.url, data=body, method="POST", headers={
        "Content-Type": "application/json",
        "X-GitHub-Event": "push",
        "X-GitHub-Delivery": str(uuid.uuid4()),
        "X-Hub-Signature-256": signature,
    })
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            print(response.status, response.read().decode().strip())
    except urllib.error.HTTPError as error:
        print(error.code, error.read().decode().strip(), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
