# The one-off Sigma rule a search is: keywords escaped to be literal.
"$RDX" search --print-rule -k 'C:\Temp\*.exe' -k 'say "hi"' --regex '\d+' -i \
    -e 'Image|endswith: \mimikatz.exe' --logsource product=windows,category=process_creation
echo "status $?"
"$RDX" search --print-rule --any -k a -k b
