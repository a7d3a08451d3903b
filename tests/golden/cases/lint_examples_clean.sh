"$RDX" lint examples/rules
