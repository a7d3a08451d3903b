# The CSV timeline orders by true instant to the 100 ns: C and B fall in the
# same microsecond, C 100 ns earlier although it comes later in the input and
# its text (an offset) sorts after; A and D are the same instant and keep
# their input order.  An impossible --to date is refused.
ev() { printf '{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"%s","TimeCreated":{"#attributes":{"SystemTime":"%s"}}},"EventData":{"Image":"C:\\\\Windows\\\\System32\\\\whoami.exe","OriginalFileName":"whoami.exe","CommandLine":"whoami /priv"}}}\n' "$1" "$2"; }
{ ev A 2026-11-20T09:12:01.0000000Z
  ev B 2026-11-20T09:12:00.1234568Z
  ev C 2026-11-20T10:12:00.1234567+01:00
  ev D 2026-11-20T09:12:01Z
} | "$RDX" hunt -q -f csv -r examples/rules/proc_creation_win_whoami_recon.yml - | cut -d, -f1,2
"$RDX" hunt --to 2026-02-30 -r examples/rules examples/events 2>&1 | head -1
