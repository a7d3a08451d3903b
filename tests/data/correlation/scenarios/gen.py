#!/usr/bin/env python3
"""Realistic correlation scenarios as JSON Lines (events.a.jsonl, events.b.jsonl).

Each attack is surrounded by noise that must not fire; the events of one
attack are split across both files, and each file is written out of time
order, so only an event-time correlator finds them.  Deterministic: the
same bytes every run (tests compare them).  Expected: each correlation of
rules.yml fires exactly once.
"""
import json, os, random

rng = random.Random(10)
T0 = 1714557600  # 2024-05-01T10:00:00Z
events = []

def at(sec):
    s = T0 + sec
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(s))) + ".%07dZ" % int(round((s % 1) * 1e7))

def ev(sec, channel, eid, host, **data):
    events.append(dict(UtcTime=at(sec), Channel=channel, EventID=eid, Computer=host, **data))

# 1. Password spraying: 12 accounts from one address in 3 minutes; noise:
#    one user mistyping from another address.
for i in range(12):
    ev(10 + i * 15, "Security", 4625, "dc01", TargetUserName="user%02d" % i, IpAddress="203.0.113.7")
for i in range(3):
    ev(40 + i * 20, "Security", 4625, "dc01", TargetUserName="dave", IpAddress="10.0.0.44")

# 2. Brute force then success for admin; noise: bob fails 6 times, never
#    succeeds; carol succeeds, then fails 5 times (wrong order).
for i in range(7):
    ev(1000 + i * 20, "Security", 4625, "dc02", TargetUserName="admin", IpAddress="198.51.100.9")
ev(1200, "Security", 4624, "dc02", TargetUserName="admin", IpAddress="198.51.100.9")
for i in range(6):
    ev(1000 + i * 30, "Security", 4625, "dc02", TargetUserName="bob", IpAddress="10.0.0.8")
ev(1000, "Security", 4624, "dc02", TargetUserName="carol", IpAddress="10.0.0.9")
for i in range(5):
    ev(1010 + i * 10, "Security", 4625, "dc02", TargetUserName="carol", IpAddress="10.0.0.9")

# 3. Lateral movement: one service on four hosts within 40 s; noise: a
#    legitimate agent on two hosts, and the same name on a third host
#    ten minutes later.
for i, host in enumerate(["ws11", "ws12", "ws13", "ws14"]):
    ev(2000 + i * 10, "System", 7045, host, ServiceName="PSEXESVC", ImagePath="C:\\Windows\\PSEXESVC.exe")
for host in ["ws11", "ws12"]:
    ev(2005, "System", 7045, host, ServiceName="UpdateAgent", ImagePath="C:\\Program Files\\UA\\ua.exe")
ev(2600, "System", 7045, "ws15", ServiceName="UpdateAgent", ImagePath="C:\\Program Files\\UA\\ua.exe")

# 4. A download then its execution on ws21; noise: a download never run,
#    and a run of a file downloaded on another host.
dl = "C:\\Users\\eve\\Downloads\\invoice.exe"
ev(3000, "Microsoft-Windows-Sysmon/Operational", 11, "ws21", TargetFilename=dl, User="eve")
ev(3050, "Microsoft-Windows-Sysmon/Operational", 1, "ws21", Image=dl, User="eve")
ev(3010, "Microsoft-Windows-Sysmon/Operational", 11, "ws22",
   TargetFilename="C:\\Users\\fay\\Downloads\\report.pdf", User="fay")
ev(3060, "Microsoft-Windows-Sysmon/Operational", 1, "ws23", Image=dl, User="gus")

# 5. Exfiltration: 150 MB in 40 uploads by one user; noise: ordinary users.
for i in range(40):
    ev(4000 + i * 30, "Microsoft-Windows-Sysmon/Operational", 3, "ws31", User="mallory",
       Initiated="true", SentBytes=3750000 + i)
for u in ["ann", "ben"]:
    for i in range(20):
        ev(4000 + i * 60, "Microsoft-Windows-Sysmon/Operational", 3, "ws32", User=u,
           Initiated="true", SentBytes=rng.randint(1000, 200000))

# Split: every other event to each file, each file shuffled (a collector's
# arrival order, not time order).
here = os.path.dirname(os.path.abspath(__file__))
for name, part in (("events.a.jsonl", events[0::2]), ("events.b.jsonl", events[1::2])):
    rng.shuffle(part)
    with open(os.path.join(here, name), "w") as f:
        for e in part:
            f.write(json.dumps(e, sort_keys=True) + "\n")
