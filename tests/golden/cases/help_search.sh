"$RDX" search --help
echo "status $?"
"$RDX" search -h | head -1
