"""test/container: the `container_engine` fixture runs .ci/container-up once per session (cold: about a
minute and a half on a fresh machine; warm: under a second) and yields the registry address, host:port.
Nothing has to run before pytest: the fixture installs and starts whatever is missing."""

from collections.abc import Iterator

import pytest
from engine import ENV_OVERRIDES, EngineError, up


@pytest.fixture(scope="session")
def container_engine(request: pytest.FixtureRequest) -> Iterator[str]:
    capture = request.config.pluginmanager.getplugin("capturemanager")
    # Progress shows live: a cold start installs packages and makes the base image.
    with capture.global_and_fixture_disabled():
        print(flush=True)  # off the line pytest's progress is on
        try:
            address, seconds = up(echo=lambda line: print(line, flush=True))
        except EngineError as err:
            pytest.fail(str(err), pytrace=False)
        print(f"container-up: ready in {seconds:.1f} s", flush=True)
    with pytest.MonkeyPatch.context() as patch:
        # `make build` and the like, run by the tests, use the builder docker() uses.
        for name, value in ENV_OVERRIDES.items():
            patch.setenv(name, value)
        yield address
