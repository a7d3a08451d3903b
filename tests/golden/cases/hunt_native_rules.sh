# A KQL query and a Splunk tstats detection run in hunt like Sigma rules:
# their fields are mapped through data/fields.yml (FileName and
# Processes.process_name → Image as a basename, ProcessCommandLine and
# Processes.process → CommandLine) and the Defender table / CIM datamodel
# route them to process creation events.
d=$TMPDIR_CASE
printf 'DeviceProcessEvents\n| where FileName =~ "whoami.exe" and ProcessCommandLine has "priv"\n' > "$d/q.kql"
printf "name: Whoami\nsearch: '| tstats count from datamodel=Endpoint.Processes where Processes.process_name=whoami.exe Processes.process=*/priv* by Processes.dest'\n" > "$d/s.yml"
"$RDX" hunt -q -r "kusto:$d/q.kql" -r "splunk:$d/s.yml" examples/events | sed "s#$d#TMP#g"
echo "status $?"
