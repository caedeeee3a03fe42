"""Run the ipgraph service as its own process, configured only by ``IPGRAPH_*`` variables (host and port included).

The fault tests start this file with the interpreter, kill it with SIGKILL, and start it again on the same data
directory, exactly as a process supervisor (systemd ``Restart=always``, docs/operations.md) would.
"""

from __future__ import annotations

import faulthandler
import signal

import uvicorn

from ipgraph.api import create_app
from ipgraph.settings import Settings


def main() -> None:
    """Serve until killed; the store is opened (and the project loaded on a first start) in the app's lifespan."""
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # `kill -USR1 <pid>`: every thread's stack, to the log
    settings = Settings.from_env()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
