"""``python -m kit.workshop.launch``: Voila as ``kit workshop`` serves it, with the kit's own handlers.

The same command line as ``python -m voila`` (see :func:`kit.workshop.server.voila_command`); the
difference is in the handlers: the kernel websocket goes through
:class:`kit.workshop.guard.GuardedKernelWebsocketHandler`, and the kit's extra routes
(:func:`extra_handlers`) are added in front of Voila's.
"""

from __future__ import annotations

__all__ = ["KitVoila", "extra_handlers", "main"]


def extra_handlers(server_url: str) -> list:
    """Routes the kit adds to Voila's: the light participant pages and the presenter view."""
    from kit.workshop.light import handlers

    return handlers(server_url)


def _kit_voila():
    from voila.app import Voila
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

    from kit.workshop.guard import GuardedKernelWebsocketHandler

    class KitVoila(Voila):
        """Voila with the websocket guard in place of its kernel websocket handler."""

        def init_handlers(self):
            handlers = []
            for route in super().init_handlers():
                if len(route) > 1 and route[1] is VoilaKernelWebsocketHandler:
                    route = (route[0], GuardedKernelWebsocketHandler, *route[2:])
                handlers.append(route)
            return extra_handlers(self.server_url or self.base_url or "/") + handlers

    return KitVoila


def __getattr__(name):
    if name == "KitVoila":
        return _kit_voila()
    raise AttributeError(name)


def main(argv=None) -> None:
    """Start the guarded Voila (arguments as for ``voila``)."""
    _kit_voila().launch_instance(argv=argv)


if __name__ == "__main__":
    main()
