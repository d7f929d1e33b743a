# A gzip file cut in half.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/gzip/truncated.csv.gz
tests/bad-input/gzip/truncated.csv.gz: error: invalid gzip data: unexpected end of file
[exit 2]
# Only the gzip magic bytes.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/gzip/magic_only.csv.gz
tests/bad-input/gzip/magic_only.csv.gz: error: invalid gzip data: unexpected end of file
[exit 2]
# Random bytes after the gzip magic.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/gzip/garbage_after_magic.csv.gz
tests/bad-input/gzip/garbage_after_magic.csv.gz: error: invalid gzip data: unknown compression method
[exit 2]
# A gzip file whose CRC is wrong.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/gzip/bad_crc.csv.gz
tests/bad-input/gzip/bad_crc.csv.gz: error: invalid gzip data: incorrect data check
[exit 2]
# A ragged row inside a gzip file: the line is still named.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/gzip/ragged_inside.csv.gz
tests/bad-input/gzip/ragged_inside.csv.gz:4: error: expected 5 fields as in the header, found 2
[exit 2]
# Garbage after a complete gzip member.
$ hunch eval tests/bad-input/data/rules.yaml tests/bad-input/gzip/trailing_garbage.csv.gz
tests/bad-input/gzip/trailing_garbage.csv.gz: error: invalid gzip data: incorrect header check
[exit 2]
