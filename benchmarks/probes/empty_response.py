"""Probe for benchmarks/live_parts.py: a script addon whose `response` hook does nothing."""


class EmptyResponse:
    def response(self, flow: object) -> None:
        pass


addons = [EmptyResponse()]
