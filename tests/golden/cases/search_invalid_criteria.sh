# Each refused criterion is named, with a column inside it where there is one; exit 2.
"$RDX" search -e 'Image|containz: mimikatz' examples/events
echo "status $?"
"$RDX" search -e 'Image: [a, b' -e 'CommandLine|contains: x' examples/events
echo "status $?"
"$RDX" search -e 'Image' examples/events
echo "status $?"
"$RDX" search -e "$(printf 'Image: x\n  condition: 1 of them')" examples/events
echo "status $?"
"$RDX" search -e 'DestinationIp|cidr: 10.0.0.0/40' examples/events
echo "status $?"
"$RDX" search --regex '(unclosed' examples/events
echo "status $?"
"$RDX" search --regex "$(head -c 70000 /dev/zero | tr '\0' a)" examples/events
echo "status $?"
"$RDX" search --regex "$(head -c 30000 /dev/zero | tr '\0' '(')" examples/events
echo "status $?"
"$RDX" search --logsource 'product=windows;rm' -k x examples/events
echo "status $?"
"$RDX" search --logsource 'os=windows' -k x examples/events
echo "status $?"
"$RDX" search -k '' examples/events
echo "status $?"
"$RDX" search -e "Image|expand: '%tools%'" examples/events
echo "status $?"
"$RDX" search -e 'Image: &a [*a]' examples/events
echo "status $?"
"$RDX" search -e 'CommandLine|windash|contains: -a -b -c -d -e -f -g -h -i -j' examples/events
echo "status $?"
