#!/bin/sh
# selftest.sh: mdbsim driven the way vendd will drive it, with a tiny
# client on its pty (raw, one line per request) and its control socket.
# Adapter, changer (setup, coins in, DISPENSE, jam, reset mid-payout,
# unexpected poll code, alternative payout, manual payout), validator
# (escrow stacked and returned), cashless reader (approved, denied,
# failed), the faults of the bus, malformed lines; then the account line
# and the JSON must add up to the minor unit.
#
#   tests/mdb/selftest.sh [MDBSIM]	(default build/mdbsim)
#
# Prints "ok N - ..." or "not ok N - ..." per check, then
# "mdbsim selftest: N passed, N failed"; exits 1 if any failed. Needs
# python3 (the client); no root, no VM.
set -eu

mdbsim=${1:-build/mdbsim}
if [ ! -x "$mdbsim" ]; then
	echo "selftest: $mdbsim missing (make build/mdbsim)" >&2
	exit 2
fi
command -v python3 >/dev/null || {
	echo "selftest: python3 missing" >&2
	exit 2
}

exec python3 - "$mdbsim" <<'EOF'
import json, os, re, select, shutil, socket, subprocess, sys, tempfile, time, tty

MDBSIM = sys.argv[1]
COIN_MS = 100
tmp = tempfile.mkdtemp(prefix="mdbsim-selftest.")
PTY, CTL, JSONF, LOG = (os.path.join(tmp, n) for n in
                        ("pty", "ctl", "account.json", "mdbsim.log"))
passed = failed = 0


def check(cond, what, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok %d - %s" % (passed + failed, what))
    else:
        failed += 1
        print("not ok %d - %s%s" % (passed + failed, what,
                                     ": " + detail if detail else ""))
    return cond


class Adapter:
    """The pty as vendd sees it: one request line, one reply line."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)
        self.buf = b""

    def req(self, line, end="\n", timeout=3.0):
        os.write(self.fd, (line + end).encode())
        limit = time.monotonic() + timeout
        while b"\n" not in self.buf and time.monotonic() < limit:
            r, _, _ = select.select([self.fd], [], [], 0.05)
            if r:
                self.buf += os.read(self.fd, 4096)
        line, _, self.buf = self.buf.partition(b"\n")
        return line.decode().rstrip("\r")

    def data(self, line):
        """The reply's bytes ([] for ACK, None for NACK or other)."""
        r = self.req(line)
        if r == "p,ACK":
            return []
        if r.startswith("p,") and r != "p,NACK":
            return list(bytes.fromhex(r[2:]))
        return None


def ctl(cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(CTL)
    s.sendall((cmd + "\n").encode())
    buf = b""
    while b"\n" not in buf:
        chunk = s.recv(4096)
        if not chunk:
            break
        buf += chunk
    s.close()
    return buf.decode().strip()


def wait_for(paths, timeout=5.0):
    limit = time.monotonic() + timeout
    while time.monotonic() < limit:
        if all(os.path.exists(p) for p in paths):
            return True
        time.sleep(0.02)
    return False


def poll_until_idle(a, cmd, busy, timeout=5.0):
    """Poll until the busy byte is gone; every byte seen, busy seen?"""
    seen, was_busy = [], False
    limit = time.monotonic() + timeout
    while time.monotonic() < limit:
        d = a.data(cmd) or []
        seen += d
        if busy in d:
            was_busy = True
        else:
            return seen, was_busy
        time.sleep(0.03)
    return seen, was_busy


def tubes(a):
    d = a.data("R,0A")
    return d[2:] if d and len(d) == 18 else None


log = open(LOG, "w")
sim = subprocess.Popen([MDBSIM, "-l", PTY, "-c", CTL, "-j", JSONF,
                        "-p", str(COIN_MS), "-e", "1000"],
                       stdout=subprocess.PIPE, stderr=log, text=True)
first = sim.stdout.readline().strip()
check(first.startswith("/dev/") and wait_for([PTY, CTL]),
      "mdbsim prints the pty slave, makes the link and the socket", first)
a = Adapter(PTY)
errors = 0                      # protocol errors this test commits

# ---- the adapter ---------------------------------------------------------
check(a.req("V").startswith("v,"), "V answers v,<version>")
check(a.req("R,0B") == "p,NACK", "R before M,1: p,NACK (nothing on the bus)")
errors += 1
check(a.req("M,1") == "m,ACK", "M,1: m,ACK")
check(a.req("R,RESET") == "p,ACK", "R,RESET: p,ACK")
check(a.req("R,88") == "p,NACK", "an address nobody has: p,NACK")

# ---- changer: start-up ---------------------------------------------------
seen = []
for _ in range(10):
    seen.append(a.data("R,0B"))
    if seen[-1] == [0x0B]:
        break
check(seen[-1] == [0x0B], "changer POLL reports just reset (0B)", str(seen))
check(a.data("R,0B") == [], "... once: the next POLL is ACK")
s = a.data("R,09")
check(s is not None and len(s) == 23 and s[0] == 3 and s[1:3] == [0x19, 0x78]
      and s[3] == 5 and s[4] == 2, "SETUP: level 3, 1978, scaling 5, 2 dec.",
      str(s))
check(s is not None and s[5:7] == [0x00, 0x1F] and
      s[7:13] == [1, 2, 4, 10, 20, 40] and s[13:] == [0] * 10,
      "SETUP: routing 001F, credits 1 2 4 10 20 40", str(s))
ident = a.data("R,0F00")
check(ident is not None and len(ident) == 33 and ident[29:] == [0, 0, 0, 3],
      "IDENTIFICATION: 33 bytes, alt. payout and diagnostics", str(ident))
check(a.data("R,0F05") is None, "diagnostics before FEATURE ENABLE: NACK")
errors += 1
check(a.req("R,0F,0100000003") == "p,ACK", "FEATURE ENABLE: ACK")
check(a.data("R,0F05") == [0x06, 0x00], "diagnostic status: 06 00 inhibited")
t = tubes(a)
check(t == [40] * 5 + [0] * 11, "TUBE STATUS: 40 coins in tubes 0-4", str(t))
check(a.req("R,0C,003F003F") == "p,ACK", "COIN TYPE: ACK")
check(a.data("R,0F05") == [0x03, 0x00], "diagnostic status: 03 00 OK")

# ---- changer: coins in ---------------------------------------------------
check(ctl("coin 3").startswith("ok"), "control: coin 3")
check(a.data("R,0B") == [0x53, 41], "POLL: 53 29, a 0.50 to its tube (41)")
ctl("coin 5")
check(a.req("R,0B\r", end="\n") == "p,4500",
      "POLL: 45 00, a 2.00 to the cash box (CR LF accepted)")
a.req("R,0C,0037003F")
check("returned" in ctl("coin 3"), "a 0.50 of a disabled type: returned")
check(a.data("R,0B") == [0x73, 41], "POLL: 73 29, routing 11 (reject)")
a.req("R,0C,003F003F")

# ---- changer: DISPENSE -------------------------------------------------
check(a.req("R,0D,32") == "p,ACK", "DISPENSE 3 x 0.20: ACK")
check(a.data("R,0B") == [0x02], "POLL: 02 payout busy")
check(a.data("R,0F03") == [], "PAYOUT STATUS while busy: ACK only")
seen, busy = poll_until_idle(a, "R,0B", 0x02)
check(busy and seen.count(0x02) >= 2, "payout busy for a while", str(seen))
st = a.data("R,0F03")
check(st == [0, 0, 3] + [0] * 13, "PAYOUT STATUS: 3 coins of type 2", str(st))
check(a.data("R,0F03") == [0] * 16, "PAYOUT STATUS again: zeros (once)")
t = tubes(a)
check(t is not None and t[2] == 37 and t[3] == 41,
      "TUBE STATUS: tube 2 fell 40 -> 37", str(t))
paid = 3 * 20

# ---- changer: faults during payouts ---------------------------------------
ctl("fault jam-payout 1")
check(a.req("R,0D22") == "p,ACK", "DISPENSE 2 x 0.20 (no comma): ACK")
seen, _ = poll_until_idle(a, "R,0B", 0x02)
check(0x07 in seen, "jam after 1 coin: POLL reports 07 tube jam", str(seen))
check(a.data("R,0F03") == [0, 0, 1] + [0] * 13, "PAYOUT STATUS: 1 coin paid")
paid += 20

ctl("fault reset-during-payout 1")
a.req("R,0D,21")
seen, _ = poll_until_idle(a, "R,0B", 0x02)
check(seen and seen[-1] == 0x0B, "reset during payout: POLL says 0B", str(seen))
check(a.data("R,0F03") is None, "... features are off after it (NACK)")
errors += 1
a.req("R,0F,0100000003")
a.req("R,0C,003F003F")
check(a.data("R,0F03") == [0] * 16, "... PAYOUT STATUS lost with the reset")
t = tubes(a)
check(t is not None and t[1] == 39, "... TUBE STATUS shows 1 coin paid", str(t))
paid += 10

ctl("fault unexpected 1F")
a.req("R,0D,20")                # 2 x 0.05
seen, busy = poll_until_idle(a, "R,0B", 0x02)
check(busy and 0x1F in seen, "unexpected code 1F during the payout", str(seen))
a.data("R,0F03")
paid += 2 * 5

check(a.req("R,0F020E") == "p,ACK", "ALTERNATIVE PAYOUT of 14 x 5 = 0.70")
values, busy = [], False
for _ in range(100):
    d = a.data("R,0F04")
    if d == []:
        break
    busy = True
    values += d
    time.sleep(0.03)
check(busy and sum(values) == 14, "PAYOUT VALUE POLL sums to 14, then ACK",
      str(values))
check(a.data("R,0F03") == [0, 0, 1, 1] + [0] * 12,
      "PAYOUT STATUS: a 0.50 and a 0.20")
a.data("R,0B")
paid += 70

a.req("R,0C,003F0000")
check(ctl("manual 4 2").startswith("err"),
      "manual payout refused while not enabled for the type")
a.req("R,0C,003F0010")
check(ctl("manual 4 2").startswith("ok"), "manual payout of 2 x 1.00")
check(a.data("R,0B") == [0xA4, 38], "POLL: A4 26, coins dispensed manually")
check(ctl("tubes 0=10").startswith("ok"), "control: tubes 0=10")
t = tubes(a)
check(t is not None and t[0] == 10, "TUBE STATUS: tube 0 holds 10", str(t))
filled = -140 + (80 - t[3]) * 50
ctl("tubes 3=80")
check(ctl("coin 3") == "ok cash box", "a 0.50 with its tube full: cash box")
check(a.data("R,0B") == [0x43, 80], "POLL: 43 50, routing 00, tube at 80")
d = a.data("R,0A")
check(d is not None and d[0:2] == [0x00, 0x08], "TUBE STATUS: tube 3 full",
      str(d))
ctl("fault tube-sensor 1 on")
d = a.data("R,0A")
check(d is not None and d[0:2] == [0x00, 0x0A] and d[3] == 0,
      "fault tube-sensor 1: full with 0 coins", str(d))
ctl("fault clear")

# ---- validator -----------------------------------------------------------
check(a.req("R,30") == "p,ACK", "validator RESET: ACK")
check(a.data("R,33") == [0x06, 0x09], "POLL: 06 just reset, 09 disabled")
s = a.data("R,31")
check(s is not None and len(s) == 27 and s[3:5] == [0, 100] and s[10] == 0xFF
      and s[11:15] == [5, 10, 20, 50], "SETUP: scaling 100, escrow, 5 10 20 50",
      str(s))
check(a.req("R,34,000F000F") == "p,ACK", "BILL TYPE: ACK")
check(a.data("R,33") == [], "POLL: ACK (enabled, idle)")
check(ctl("note 1") == "ok in escrow", "control: note 1 (10.00)")
check(a.data("R,33") == [0x91], "POLL: 91 escrow position")
check(ctl("note 0").startswith("err"), "a second note is refused at the slot")
a.req("R,35,01")
seen, busy = poll_until_idle(a, "R,33", 0x03)
check(busy and seen[-1:] == [0x81], "ESCROW stack: 03 busy, then 81 stacked",
      str(seen))
check(a.data("R,36") == [0x00, 0x01], "STACKER: 1 note, not full")
ctl("note 0")
a.data("R,33")
a.req("R,35,00")
seen, _ = poll_until_idle(a, "R,33", 0x03)
check(seen[-1:] == [0xA0], "ESCROW return: A0 returned", str(seen))
a.req("R,35,01")
check(a.data("R,33") == [0x0A], "ESCROW with no note: 0A invalid escrow")
errors += 1
ctl("note 2")
a.data("R,33")
a.req("R,30")
check(a.data("R,33") == [0x06, 0x09], "RESET with a note in escrow")
a.req("R,34,000F000F")
ctl("stacker-full on")
check(a.data("R,36") == [0x80, 0x01], "STACKER: full flag")
check(a.data("R,33") == [0x09], "POLL: 09 disabled while full")
check(ctl("note 2").startswith("err"), "a note is refused while full")
ctl("stacker-full off")

# ---- cashless ------------------------------------------------------------
check(a.req("R,10") == "p,ACK", "cashless RESET: ACK")
check(a.data("R,12") == [0x00], "POLL: 00 just reset")
c = a.data("R,11,0001000000")
check(c == [0x01, 0x01, 0x19, 0x78, 0x01, 0x02, 0x05, 0x01],
      "SETUP config: 01, level 1, 1978, scale 1, 2 decimals", str(c))
check(a.req("R,11,01FFFF0000") == "p,ACK", "SETUP max/min prices: ACK")
check(a.req("R,14,01") == "p,ACK", "READER ENABLE: ACK")


def vend(funds, price, settle):
    ctl("card %d" % funds)
    begin = a.data("R,12")
    a.req("R,13,00%04X0007" % price)
    answer = []
    for _ in range(50):
        answer = a.data("R,12")
        if answer:
            break
        time.sleep(0.03)
    if settle:
        a.req(settle)
    end = a.data("R,13,04")
    return begin, answer, end


b, r, e = vend(300, 150, "R,13,020007")
check(b == [0x03, 0x01, 0x2C], "card 3.00: 03 begin session, funds", str(b))
check(r == [0x05, 0x00, 0x96], "vend 1.50: 05 approved 1.50", str(r))
check(e == [0x07], "SESSION COMPLETE: 07 end session", str(e))
b, r, e = vend(100, 150, None)
check(r == [0x06], "vend 1.50 on 1.00 of funds: 06 denied", str(r))
b, r, e = vend(500, 100, "R,13,03")
check(r == [0x05, 0x00, 0x64] and e == [0x07], "vend 1.00 approved, then "
      "VEND FAILURE: refunded", str(r))
ctl("card 200")
a.data("R,12")
time.sleep(1.1)
check(a.data("R,12") == [0x04], "a session idle for -e 1000 ms: 04 cancel "
      "request")
check(a.data("R,13,04") == [0x07], "... SESSION COMPLETE ends it: 07")
ctl("card 200")
a.data("R,12")
a.req("R,13,0000C80009")
for _ in range(50):
    r = a.data("R,12")
    if r:
        break
    time.sleep(0.03)
check(r == [0x05, 0x00, 0xC8], "vend 2.00 approved", str(r))
a.req("R,10")
check(a.data("R,12") == [0x00], "RESET before VEND SUCCESS: the vend is void")

# ---- the bus's faults and malformed lines -------------------------------
ctl("fault nack validator on")
check(a.req("R,33") == "p,NACK", "fault nack validator: p,NACK")
ctl("fault nack validator off")
check(a.req("R,33") == "p,ACK", "... and back")
ctl("fault slow 300")
t0 = time.monotonic()
r = a.req("R,0B")
check(r == "p,ACK" and time.monotonic() - t0 >= 0.29,
      "fault slow 300: the answer is 300 ms late")
ctl("fault clear")
check(a.req("R,0G") == "e,MALFORMED", "bad hex: e,MALFORMED")
check(a.req("HELLO") == "e,UNKNOWN", "unknown command: e,UNKNOWN")
check(a.req("R,0D") == "p,NACK", "DISPENSE without its byte: p,NACK")
errors += 3

# ---- the account ---------------------------------------------------------
line = ctl("account")
check(line.startswith("ok mdbsim: coins_in="), "control: account", line)
check(ctl("exit").startswith("ok"), "control: exit")
out, _ = sim.communicate(timeout=5)
check(sim.returncode == 0, "mdbsim exits 0")
lines = [l for l in out.splitlines() if l.startswith("mdbsim: ")]
acc = dict((k, int(v)) for k, v in
           re.findall(r"(\w+)=(-?\d+)", lines[-1] if lines else ""))
print("# " + (lines[-1] if lines else "no account line"))
check(list(acc)[:9] == ["coins_in", "tubes", "cashbox", "paid_out", "returned",
                        "notes_stacked", "notes_returned", "cashless_captured",
                        "cashless_refunded"], "account line: the nine fields")
check(acc.get("coins_in") == 300 and acc.get("cashbox") == 250 and
      acc.get("returned") == 50, "coins in 3.00 (0.50 tube, 2.50 box), "
      "0.50 returned")
check(acc.get("paid_out") == paid, "paid out %d" % paid, str(acc))
check(acc.get("manual") == 200 and acc.get("filled") == filled,
      "manual 2.00, filled %d (tube 0: 38 -> 10, tube 3 -> 80)" % filled)
check(acc.get("tubes_start", 0) + acc.get("filled", 0) + acc.get("coins_in", 0)
      == acc.get("tubes", 0) + acc.get("cashbox", 0) + acc.get("paid_out", 0)
      + acc.get("manual", 0), "coins add up: start + filled + in = tubes + "
      "cash box + paid out + manual")
check(acc.get("notes_stacked") == 1000 and acc.get("notes_returned") == 2500
      and acc.get("notes_escrow") == 0, "notes: 10.00 stacked, 25.00 returned")
check(acc.get("cashless_approved") == 450 and
      acc.get("cashless_captured") == 150 and
      acc.get("cashless_refunded") == 300 and
      acc.get("cashless_denied") == 150 and acc.get("cashless_pending") == 0,
      "cashless: 4.50 approved = 1.50 captured + 3.00 refunded (1.00 "
      "failed, 2.00 void); 1.50 denied")
check(acc.get("protocol_errors") == errors,
      "protocol errors: the %d this test made" % errors,
      str(acc.get("protocol_errors")))
try:
    j = json.load(open(JSONF))
    check(j["account"] == acc, "the JSON account matches the line")
    ch = {c["type"]: c for c in j["changer"]["types"]}
    check(sum((c["tube"]) * c["value"] for c in ch.values()) == acc["tubes"],
          "JSON: tube counts times values make the tubes' value")
except (OSError, ValueError, KeyError) as e:
    check(False, "the JSON account", str(e))
check(not os.path.exists(PTY) and not os.path.exists(CTL),
      "the link and the socket are gone")

log.close()
if failed:
    print("# mdbsim's log: " + LOG)
else:
    shutil.rmtree(tmp)
print("mdbsim selftest: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
EOF
