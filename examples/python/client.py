#!/usr/bin/env python3
"""A Python caller of arabic.text.v1.TextAnalysisService.

Generates the stubs from proto/ with grpcio-tools at run time (into a temporary
directory: nothing generated is committed), analyses a text and prints its
entities with UTF-16 offsets, then sends a request with a bad gazetteer entry
and prints the google.rpc.BadRequest field violations the server answers with.

    pip install -r examples/python/requirements.txt
    ARABIC_TEXT_ADDR=127.0.0.1:50051 python3 examples/python/client.py "نص عربي"
    python3 examples/python/client.py --check   # CI: exits 1 on any surprise
"""

import argparse
import atexit
import importlib
import os
import pathlib
import shutil
import sys
import tempfile

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

PROTO_ROOT = pathlib.Path(__file__).resolve().parents[2] / "proto"
PROTO_FILE = "arabic/text/v1/text_analysis.proto"
SAMPLE = "أعلنت وزارة الصحة في ﺑﻐﺪﺍﺩ يوم 3 مايو 2024 أن الوزير نزار حيدر سيزور القاهرة."


def load_stubs():
    """Compiles proto/ with grpcio-tools into a temporary directory and imports it."""
    from grpc_tools import protoc

    out = tempfile.mkdtemp(prefix="arabic-text-stubs-")
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    include = pathlib.Path(protoc.__file__).parent / "_proto"
    rc = protoc.main([
        "grpc_tools.protoc",
        f"-I{PROTO_ROOT}",
        f"-I{include}",
        f"--python_out={out}",
        f"--grpc_python_out={out}",
        str(PROTO_ROOT / PROTO_FILE),
    ])
    if rc != 0:
        sys.exit(f"protoc failed ({rc}) on {PROTO_ROOT / PROTO_FILE}")
    sys.path.insert(0, out)
    pb2 = importlib.import_module("arabic.text.v1.text_analysis_pb2")
    pb2_grpc = importlib.import_module("arabic.text.v1.text_analysis_pb2_grpc")
    return pb2, pb2_grpc


def bad_request(error: grpc.RpcError):
    """The google.rpc.BadRequest in the error's details, or None."""
    status = rpc_status.from_call(error)
    if status is None:
        return None
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            return bad
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("text", nargs="*", help="the text (default: a sample sentence)")
    parser.add_argument("--addr", default=os.environ.get("ARABIC_TEXT_ADDR", "127.0.0.1:50051"))
    parser.add_argument("--check", action="store_true", help="assert the expected answers (CI)")
    args = parser.parse_args()
    text = " ".join(args.text) or SAMPLE
    pb2, pb2_grpc = load_stubs()

    failures = []

    def expect(ok, what):
        if not ok:
            failures.append(what)
            print(f"FAIL: {what}", file=sys.stderr)

    with grpc.insecure_channel(args.addr) as channel:
        stub = pb2_grpc.TextAnalysisServiceStub(channel)
        request = pb2.AnalyzeRequest(
            document=pb2.Document(content=text, language_code="ar"),
            offset_encoding=pb2.OFFSET_ENCODING_UTF16,
            entities=pb2.EntityOptions(gazetteer=[
                pb2.GazetteerEntry(phrase="وزارة الصحة", type=pb2.ENTITY_TYPE_ORGANIZATION),
            ]),
        )
        # Always set a deadline: the server stops work nobody waits for.
        response = stub.Analyze(request, timeout=10)
        print(f"{len(response.sentences)} sentences, {len(response.tokens)} tokens")
        utf16 = text.encode("utf-16-le")
        found = {}
        for entity in response.entities:
            kind = pb2.EntityType.Name(entity.type).removeprefix("ENTITY_TYPE_")
            for m in entity.mentions:
                # UTF-16 offsets, as Java and JavaScript count; Python slices code points.
                surface = utf16[2 * m.span.start:2 * m.span.end].decode("utf-16-le")
                found.setdefault(kind, []).append(surface)
                print(f"{kind:<13} {surface}  [{m.span.start}, {m.span.end})")
        if args.check and text == SAMPLE:
            expect("وزارة الصحة" in found.get("ORGANIZATION", []), "the gazetteer phrase")
            expect("ﺑﻐﺪﺍﺩ" in found.get("LOCATION", []), "ﺑﻐﺪﺍﺩ (presentation forms) as LOCATION")
            expect("القاهرة" in found.get("LOCATION", []), "القاهرة as LOCATION")

        # A bad request: the server answers INVALID_ARGUMENT with a BadRequest
        # naming each field (here: a phrase of tatweel only, an unknown type).
        try:
            stub.ExtractEntities(pb2.ExtractEntitiesRequest(
                document=pb2.Document(content=text),
                options=pb2.EntityOptions(gazetteer=[
                    pb2.GazetteerEntry(phrase="ـــ", type=pb2.ENTITY_TYPE_LOCATION),
                    pb2.GazetteerEntry(phrase="بغداد", type=pb2.ENTITY_TYPE_DATE),
                ]),
            ), timeout=10)
            expect(False, "a bad request must fail")
        except grpc.RpcError as error:
            print(f"{error.code().name}: {error.details()}")
            bad = bad_request(error)
            fields = [v.field for v in bad.field_violations] if bad else []
            for v in bad.field_violations if bad else []:
                print(f"  {v.field}: {v.description}")
            if args.check:
                expect(error.code() == grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT")
                expect(fields == ["options.gazetteer[0].phrase", "options.gazetteer[1].type"],
                       f"BadRequest fields {fields}")
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
