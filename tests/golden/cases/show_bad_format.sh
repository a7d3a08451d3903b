"$RDX" show x --format pdf
