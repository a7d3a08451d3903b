# Rules no SQL target converts: the reason per rule and in the summary; exit 1.
$RDX convert -t sqlite tests/convert/rules/not_convertible.yml
