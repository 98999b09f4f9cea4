"""``python -m report_index`` and the ``report-index`` command (``run``).

``run`` is the first of this project's code that a command runs: before it loads anything else
it makes SIGTERM end the command as Ctrl-C does (``errors.Terminated``, a KeyboardInterrupt),
and it turns an interrupt that comes while the command is still loading, or after it has
finished, into one line and the exit code (130 for Ctrl-C, 143 for SIGTERM), never a traceback.
A signal that lands in a callback Python cannot raise from (a module lock's weakref callback
during an import) is raised again once the callback is done. The command's own handling
(``cli._Group``) covers everything in between: an ingest stopped
keeps what it committed, and a commit under way completes first. A signal that comes while
Python itself is starting, before this module runs, is Python's: SIGTERM ends the process as
the system does, and Ctrl-C while Python imports its ``site`` module (the environment's
``.pth`` files) makes CPython print "Fatal Python error: init_import_site" with a traceback of
its own start-up, which no code of a program can prevent.
"""

import sys

EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


def run() -> None:
    """The ``report-index`` command."""
    try:  # first: nothing of the project's runs before this (but the import of sys, always loaded)
        import signal  # here, not above: making its enums takes a few ms that a Ctrl-C can land in

        from .errors import Terminated  # before the handler: it must not import while a signal lands

        def terminate(_signum, _frame) -> None:
            raise Terminated

        signal.signal(signal.SIGTERM, terminate)
        _deliver_unraisable_interrupts(signal, Terminated)
        from .cli import main

        main()
    except BaseException as raised:
        stopped = None if isinstance(raised, SystemExit) else _interrupt_in(raised)
        if stopped is None:  # the command's own exit (an interrupt it handled included), or a bug
            raise
        if type(stopped).__name__ == "Terminated":  # errors.Terminated, raised by ``terminate``
            _leave("Terminated.", EXIT_TERMINATED)
        _leave("Interrupted.", EXIT_INTERRUPTED)


def _deliver_unraisable_interrupts(signal, terminated: type) -> None:
    """A signal that lands while Python runs a callback it cannot raise from (the weakref
    callback of a module's import lock, a finaliser) would be printed as "Exception ignored in
    ..." with a traceback, and lost: it is raised again a few milliseconds later (a one-shot
    timer, SIGALRM, which nothing else here uses), once the callback is done."""
    previous = sys.unraisablehook

    def hook(unraisable) -> None:
        exception = unraisable.exc_value
        if not isinstance(exception, KeyboardInterrupt) or not hasattr(signal, "setitimer"):  # (no timers on Windows)
            previous(unraisable)
            return

        def again(_signum, _frame) -> None:
            raise terminated() if isinstance(exception, terminated) else KeyboardInterrupt

        signal.signal(signal.SIGALRM, again)
        signal.setitimer(signal.ITIMER_REAL, 0.005)

    sys.unraisablehook = hook


def _interrupt_in(raised: BaseException) -> BaseException | None:
    """The KeyboardInterrupt ``raised`` is, or was caused by: Python wraps one that lands while
    a class is being made (a dataclass's fields, on import) in a RuntimeError."""
    seen = 0
    while raised is not None and seen < 10:
        if isinstance(raised, KeyboardInterrupt):
            return raised
        raised, seen = raised.__cause__ or raised.__context__, seen + 1
    return None


def _leave(message: str, code: int) -> None:
    """One line and the exit code, with any further signal ignored on the way out."""
    signal = sys.modules.get("signal")  # not there when the interrupt came while it was loading
    if signal is not None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)
    try:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    raise SystemExit(code)


if __name__ == "__main__":  # not when a worker process of an ingest imports this module
    run()
