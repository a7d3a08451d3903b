"$RDX" show 00000000-0000-0000-0000-000000000000 -r examples/rules --no-attack
