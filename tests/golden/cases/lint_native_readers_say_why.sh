# the non-Sigma readers never load nothing silently: text that is no KQL,
# files without a rule, a second YAML document, a search beginning with OR
"$RDX" lint --color never kusto:tests/data/golden/native_broken/kusto splunk:tests/data/golden/native_broken/splunk chronicle:tests/data/golden/native_broken/chronicle
