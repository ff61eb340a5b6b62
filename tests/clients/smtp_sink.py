#!/usr/bin/env python3
"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1:PORT, writing each
message it accepts into DIR as NNNN.json (envelope recipients, From,
Subject, and the plain-text and HTML parts decoded by Python's email
package). Prints READY once listening; stops when stdin closes.

    python3 tests/clients/smtp_sink.py PORT DIR
"""

import email
import email.policy
import itertools
import json
import os
import sys

from aiosmtpd.controller import Controller


class SaveEachMessage:
    def __init__(self, directory):
        self.directory = directory
        self.numbers = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        plain = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        saved = {
            "envelope_to": envelope.rcpt_tos,
            "from": str(message["From"]),
            "to": str(message["To"]),
            "subject": str(message["Subject"]),
            "content_type": message.get_content_type(),
            "text": plain.get_content() if plain is not None else None,
            "html": html.get_content() if html is not None else None,
        }
        path = os.path.join(self.directory, "%04d.json" % next(self.numbers))
        with open(path + ".part", "w") as out:
            json.dump(saved, out)
        # Renamed when complete, so a reader never sees half a file.
        os.rename(path + ".part", path)
        return "250 Message accepted for delivery"


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    controller = Controller(SaveEachMessage(directory), hostname="127.0.0.1", port=port)
    controller.start()
    print("READY", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
