"""A real S3-compatible server for the evidence storage tests: moto's server mode.

``s3_endpoint`` (session fixture) starts ``moto_server`` from the project's virtualenv on a
free local port, waits until it answers, and stops it at the end by its process id (never
by name). ``evidence_backend`` (parametrised "local" / "s3") points ``STORAGES["evidence"]``
at a fresh local folder or a fresh bucket, so one test runs against both.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ACCESS_KEY = "testing"
SECRET_KEY = "testing"
REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _moto_server() -> str:
    candidate = Path(sys.executable).with_name("moto_server")
    if candidate.exists():
        return str(candidate)
    return str(Path("/work/main/.venv/bin/moto_server"))


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own virtualenv's program
            [_moto_server(), "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env={
                **os.environ,
                "AWS_ACCESS_KEY_ID": ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            },
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"moto_server ended: {log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not answer within 30 s") from None
                time.sleep(0.2)
        yield endpoint
    finally:
        process.terminate()  # by its own pid
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def s3_client(endpoint: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )


def s3_storage_config(endpoint: str, bucket: str) -> dict:
    """The same options settings.py builds from the RENAKSI_EVIDENCE_S3_* variables."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": REGION,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "location": "",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


@pytest.fixture(params=["local", "s3"])
def evidence_backend(request, settings, tmp_path):
    """``STORAGES["evidence"]`` on a fresh local folder, then on a fresh S3 bucket."""
    if request.param == "local":
        config = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence"), "base_url": None},
        }
    else:
        endpoint = request.getfixturevalue("s3_endpoint")
        bucket = f"bukti-{uuid.uuid4().hex[:12]}"
        s3_client(endpoint).create_bucket(Bucket=bucket)
        config = s3_storage_config(endpoint, bucket)
    settings.STORAGES = {**settings.STORAGES, "evidence": config}
    return request.param


def stored_names(storage) -> set[str]:
    """Every file name in a storage (walking its folders)."""
    names: set[str] = set()

    def walk(folder: str) -> None:
        directories, files = storage.listdir(folder)
        for name in files:
            names.add(f"{folder}/{name}" if folder else name)
        for directory in directories:
            walk(f"{folder}/{directory}" if folder else directory)

    with contextlib.suppress(FileNotFoundError):
        walk("")
    return names
