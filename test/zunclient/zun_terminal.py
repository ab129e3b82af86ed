"""Runs a `zun` shell command (python-zunclient 5.5.0's own parser and do_*
functions, unchanged) in a real pseudo-terminal, as a user at a terminal would.

Only Keystone login is bypassed: the client is built with a token and the
Berth endpoint, as test_zunclient.py does.
"""

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time

from zunclient import api_versions
from zunclient import client as zun_client
from zunclient import shell as zun_shell

API_VERSION = "1.40"


def zun(api_url, token):
    return zun_client.Client(API_VERSION, endpoint_override=f"{api_url}/v1", auth_token=token)


class ZunTerminal:
    """`zun <argv>` in a child process whose stdin/stdout are a pty; this side types and reads."""

    def __init__(self, api_url, token, argv, rows=24, cols=80):
        self.output = b""
        pid, master = pty.fork()
        if pid == 0:
            # A fresh interpreter, as the `zun` command would be: nothing of the test's process (its capture) leaks in.
            os.execv(sys.executable, [sys.executable, __file__, api_url, token, *argv])
        self.pid = pid
        self.master = master
        self.resize(rows, cols)
        self.exit_code = None

    def resize(self, rows, cols):
        """The kernel sends SIGWINCH to the child, as a terminal emulator's resize would."""
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def wait_raw(self, timeout=15.0):
        """Waits until zun has put its terminal in raw mode: what is typed before that, it flushes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not termios.tcgetattr(self.master)[3] & termios.ICANON:
                return
            self.read_some(0.05)
        raise AssertionError("zun never put the terminal in raw mode")

    def type(self, text):
        for character in text:
            os.write(self.master, character.encode())
            time.sleep(0.01)

    def read_some(self, timeout):
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError:
            return None
        if not chunk:
            return None
        self.output += chunk
        return True

    def expect(self, text, timeout=15.0):
        """Reads until `text` is in the output since the last expect; returns that output."""
        deadline = time.monotonic() + timeout
        start = getattr(self, "_mark", 0)
        while time.monotonic() < deadline:
            found = self.output.find(text.encode(), start)
            if found >= 0:
                self._mark = found + len(text)
                return self.output[start:self._mark].decode(errors="replace")
            if self.read_some(0.2) is None:
                break
        raise AssertionError(f"did not see {text!r} within {timeout} s; output so far:\n{self.output.decode(errors='replace')}")

    def wait(self, timeout=15.0):
        """Waits for the command to end (draining its output); returns its exit code."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.read_some(0.1)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.exit_code = os.waitstatus_to_exitcode(status)
                os.close(self.master)
                return self.exit_code
        raise AssertionError(f"zun did not exit within {timeout} s; output:\n{self.output.decode(errors='replace')}")

    def kill(self):
        if self.exit_code is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                os.close(self.master)
            except OSError:
                pass
            self.exit_code = -9


def run_zun(api_url, token, argv):
    """What `zun <argv>` does once authenticated: its own parser, its own do_* function."""
    parser = zun_shell.OpenStackZunShell().get_subcommand_parser(api_versions.APIVersion(API_VERSION))
    args = parser.parse_args(argv)
    code = args.func(zun(api_url, token), args)
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(run_zun(sys.argv[1], sys.argv[2], sys.argv[3:]))
