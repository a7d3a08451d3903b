"$RDX" hunt --color never --from 2026-11-20T09:14 --to 2026-11-21 -r examples/rules examples/events
