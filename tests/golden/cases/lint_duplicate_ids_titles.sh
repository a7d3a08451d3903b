# Two files share an id and a title; a third rule has no id (issue #15 item 5).
cd "$TMPDIR_CASE"
mkdir -p r
printf 'title: Same\nid: 5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel:\n    Image|endswith: a.exe\n  condition: sel\n' > r/a.yml
printf 'title: Same\nid: 5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel:\n    Image|endswith: b.exe\n  condition: sel\n' > r/b.yml
printf 'title: Other\nlogsource: {product: windows, category: process_creation}\ndetection:\n  sel:\n    Image|endswith: c.exe\n  condition: sel\n' > r/c.yml
"$RDX" lint --no-attack r
echo "status $?"
"$RDX" lint --no-checks r
