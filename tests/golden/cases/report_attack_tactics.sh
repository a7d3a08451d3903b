# Tactics from ATT&CK data (--attack): a rule tagged with technique T1574
# and the tactic execution gets T1574's tactics too, named and ordered as in
# the matrix (Execution, Privilege Escalation, Defense Evasion); without the
# data, only the tactic its tags name.
R=tests/data/report/attack/technique_only.yml
"$RDX" hunt -q -f csv --attack tests/data/report/attack/mini-attack.json -r $R tests/data/report/events | cut -d, -f6,9,10
"$RDX" hunt -q -f csv -r $R tests/data/report/events | cut -d, -f6,9,10
"$RDX" hunt -q -f timesketch --attack tests/data/report/attack/mini-attack.json -r $R tests/data/report/events | head -1 | grep -o '"tactics":"[^"]*"'
"$RDX" hunt -q -f csv --attack tests/data/report/no-such-bundle.json -r $R tests/data/report/events
echo "status $?"
