"$RDX" lint --color never tests/data/golden/rules_broken
