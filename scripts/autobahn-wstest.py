#!/usr/bin/env python3
"""Runs the Autobahn|Testsuite's wstest with a faster UTF-8 validator, without changing the suite's files.

    python3 scripts/autobahn-wstest.py [wstest arguments...]     # what scripts/autobahn.sh runs
    python3 scripts/autobahn-wstest.py --self-test               # compares the two validators, then exits

The suite checks every text message it receives with autobahn's Utf8Validator: wsaccel's (Debian's python3-autobahn
depends on python3-wsaccel) or, without it, a pure-Python one. Both walk the payload a byte at a time in the
interpreter's objects: about 0.35 and 0.8 s per MiB here, which is most of the time of sections 6, 9 (messages up to
16 MiB) and 12. This launcher replaces that class, before autobahn's protocol module imports it, with one that lets
CPython's own UTF-8 decoder (C, strict RFC 3629, like the suite's DFA) check the bytes, and returns exactly what the
suite's validator returns: (valid, ends on a code point, index in this chunk, index in the message), with the index
of the first byte that no valid UTF-8 can continue. Only when a chunk is invalid does it walk that chunk a byte at a
time to find that index.

The suite must be importable (PYTHONPATH holds its package; scripts/autobahn.sh sets it). Standard library only.
"""
import codecs
import random
import sys

UTF8_ACCEPT = 0  # the suite's state numbers: 0 accepts, 1 rejects, anything else waits for more bytes
UTF8_REJECT = 1
UTF8_MORE = 2


def first_invalid(data, start=0):
    """The index of the first byte of data (from start) that no valid UTF-8 continues, or -1 (RFC 3629 §4)."""
    need, lo, hi = 0, 0x80, 0xBF
    for i in range(start, len(data)):
        b = data[i]
        if need == 0:
            if b < 0x80:
                continue
            if 0xC2 <= b <= 0xDF:
                need = 1
            elif b == 0xE0:
                need, lo = 2, 0xA0  # no overlong three-byte forms
            elif 0xE1 <= b <= 0xEC or 0xEE <= b <= 0xEF:
                need = 2
            elif b == 0xED:
                need, hi = 2, 0x9F  # no surrogates
            elif b == 0xF0:
                need, lo = 3, 0x90  # no overlong four-byte forms
            elif 0xF1 <= b <= 0xF3:
                need = 3
            elif b == 0xF4:
                need, hi = 3, 0x8F  # nothing above U+10FFFF
            else:
                return i  # 80-C1, F5-FF never start a character
        elif lo <= b <= hi:
            need, lo, hi = need - 1, 0x80, 0xBF
        else:
            return i
    return -1


class FastUtf8Validator:
    """Incremental UTF-8 validation with the interface of autobahn's Utf8Validator (validate, reset, decode)."""

    __slots__ = ("_decoder", "_index", "_rejected")

    def __init__(self):
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.reset()

    def reset(self):
        self._decoder.reset()
        self._index = 0
        self._rejected = False

    def validate(self, ba):
        if self._rejected:
            # the suite's DFA stays in its reject state: the first byte fails again, an empty chunk "passes"
            return (True, False, 0, self._index) if len(ba) == 0 else (False, False, 0, self._index)
        pending = self._decoder.getstate()[0]  # the bytes of an unfinished character from the chunk before
        try:
            self._decoder.decode(ba, False)
            tail = self._decoder.getstate()[0]
            # CPython's decoder waits for the third byte of a surrogate (ED A0-BF) before it fails: check the tail
            ok = not tail or first_invalid(tail) < 0
        except UnicodeDecodeError:
            ok = False
        if not ok:
            bad = first_invalid(pending + bytes(ba)) - len(pending)
            if bad < 0:  # cannot happen: the decoder and RFC 3629 disagree; fail loudly rather than misreport
                raise AssertionError("UTF-8 decoder rejected what RFC 3629 accepts: %r" % bytes(ba[:64]))
            self._rejected = True
            self._index += bad
            return False, False, bad, self._index
        self._index += len(ba)
        return True, not tail, len(ba), self._index

    def decode(self, b):
        """One byte: the suite's state number (0 on a character's end, 1 invalid, another number: more to come)."""
        valid, ends, _, _ = self.validate(bytes((b,)))
        return UTF8_ACCEPT if ends else UTF8_MORE if valid else UTF8_REJECT


def install():
    """Makes autobahn (and so the suite) use FastUtf8Validator; must run before autobahn's protocol is imported."""
    import autobahn.websocket.utf8validator as validator_module
    if "autobahn.websocket.protocol" in sys.modules:
        raise RuntimeError("autobahn.websocket.protocol was imported before the validator could be replaced")
    validator_module.Utf8Validator = FastUtf8Validator


def self_test(cases=20000, seed=1):
    """Compares FastUtf8Validator with the suite's own validator on tricky byte strings cut into random chunks."""
    import autobahn.websocket.utf8validator as validator_module
    slow_class = validator_module.Utf8Validator
    rng = random.Random(seed)
    interesting = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC,
                   0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
    valid = "aé€😀\u07ff\uffff\U0010ffff".encode("utf-8")
    for n in range(cases):
        if n % 2:
            data = bytes(rng.choice(interesting) for _ in range(rng.randint(0, 8)))
        else:
            data = bytearray(valid * rng.randint(0, 3))
            for _ in range(rng.randint(0, 2)):
                if data:
                    data[rng.randrange(len(data))] = rng.choice(interesting)
            data = bytes(data)
        cuts = sorted(rng.randint(0, len(data)) for _ in range(rng.randint(0, 3)))
        chunks = [data[a:b] for a, b in zip([0] + cuts, cuts + [len(data)])]
        fast, slow = FastUtf8Validator(), slow_class()
        for chunk in chunks:
            want, got = slow.validate(chunk), fast.validate(chunk)
            if want != got:
                sys.exit("self-test failed (seed %d): %r in chunks %r: suite %r, fast %r"
                         % (seed, data, chunks, want, got))
    print("autobahn-wstest: %d byte strings, split at random, agree with %s" % (cases, slow_class))


def main(argv):
    if argv[:1] == ["--self-test"]:
        self_test()
        return
    install()
    sys.argv = ["wstest"] + argv
    from autobahntestsuite import wstest
    wstest.run()


if __name__ == "__main__":
    main(sys.argv[1:])
