"""Record -> Decoded: every value an outgoing request or WebSocket message carries, unwrapped.

`decode_record(record, limits)` walks the URL (path segments, query), the headers, the cookies and
the body, and follows every encoding it recognises, to any depth, within `DecodeLimits`. It never
raises: garbage, truncated or hostile input gives fewer leaves and a note, not an exception.

The spec (output, location notation, what is decoded, limits) is docs/decode.md. Layout: `_api`
(the decoder protocol and registry), `_context` (limits, per-record state, location spelling),
`_record` (URL, headers, cookies, body), `_dispatch` (which decoder a value goes to), and one
module per format (`_json`, `_form`, `_multipart`, `_grpc`, `_protobuf` + `_wire`, `_packed`
for msgpack and CBOR, `_jwt`, `_opaque` for url/percent/base64/hex, `_compress` + `_decompress`,
`_socketio`, `_strings`), each registering its decoders.
"""

from __future__ import annotations

from ._api import Decoder, decoders
from ._context import DecodeLimits
from ._record import TRANSPORT_HEADERS, decode_record

__all__ = ["DecodeLimits", "decode_record", "TRANSPORT_HEADERS", "Decoder", "decoders"]
