"""Helpers shared by the tests, importable as `support.<module>` (`tests/` is on the test path).

Pure helpers live here: builders of requests, bodies, sessions and files, clients and servers as
classes and context managers. Set-up that a test asks for by name — a running upstream server,
mitmdump, a temporary session, a required system tool, a recorded session — is a pytest fixture
in `tests/conftest.py` (or the `conftest.py` of the one subtree that uses it).

    compare   the bundled recording scripts, run for real (`record_sample`, `record_steps`)
    dashboard finding rows, sessions on disk and Textual helpers for the dashboard tests
    decode    records and hand-made protobuf/JWT/compressed bodies for the decoders
    detect    SDK fixtures, synthetic requests (`detect_request`) for detection
    fs        small tmpfs mounts, full and read-only disks
    fuzz      hostile session folders (`tests/e2e/test_fuzz_sessions.py`; also a script)
    hooks     Frida agents, the JVM test programs and hook-event readers
    mmdb      a MaxMind DB writer for --ip-db tests
    net       real TLS servers, mitmdump, curl/Python/HTTP/2/WebSocket clients on loopback
    pcap      tcpdump captures, PCAPdroid trailers, QUIC exchanges
    readers   flow files and HAR builders
    report    the synthetic report session, hostile payloads, headless Chromium
    study     generated study inputs
    tools     system tools a test needs: skip, or fail under PHONEHOME_REQUIRE_ALL=1
    webprobe  the page probe's page server and Chromium DevTools client
"""
