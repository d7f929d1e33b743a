# Invalid UTF-8 in a rule name.
$ hunch check tests/bad-input/utf8/invalid_in_name.yaml
tests/bad-input/utf8/invalid_in_name.yaml:11:12: error: rule file is not valid UTF-8 (byte 0xFF): save it as UTF-8
   11 |   - name: rÿ1
      |            ^
1 error, 0 warnings
[exit 1]
# Invalid UTF-8 inside a string literal of a condition.
$ hunch check tests/bad-input/utf8/invalid_in_string_literal.yaml
tests/bad-input/utf8/invalid_in_string_literal.yaml:12:24: error: rule file is not valid UTF-8 (byte 0xE9): save it as UTF-8
   12 |     when: email == 'café'
      |                        ^
1 error, 0 warnings
[exit 1]
# Invalid UTF-8 in a YAML comment.
$ hunch check tests/bad-input/utf8/invalid_in_comment.yaml
tests/bad-input/utf8/invalid_in_comment.yaml:11:8: error: rule file is not valid UTF-8 (byte 0xE9): save it as UTF-8
   11 |   # café
      |        ^
1 error, 0 warnings
[exit 1]
# An overlong encoding of '/'.
$ hunch check tests/bad-input/utf8/overlong_slash.yaml
tests/bad-input/utf8/overlong_slash.yaml:12:22: error: rule file is not valid UTF-8 (byte 0xC0): save it as UTF-8
   12 |     when: email == 'aÀ¯b'
      |                      ^
1 error, 0 warnings
[exit 1]
# A UTF-8 encoded surrogate (CESU-8).
$ hunch check tests/bad-input/utf8/encoded_surrogate.yaml
tests/bad-input/utf8/encoded_surrogate.yaml:12:21: error: rule file is not valid UTF-8 (byte 0xED): save it as UTF-8
   12 |     when: email == 'í €'
      |                     ^
1 error, 0 warnings
[exit 1]
# A multi-byte sequence cut at the end of the file.
$ hunch check tests/bad-input/utf8/truncated_sequence.yaml
tests/bad-input/utf8/truncated_sequence.yaml:14:3: error: rule file is not valid UTF-8 (byte 0xE2): save it as UTF-8
   14 | # â‚
      |   ^
1 error, 0 warnings
[exit 1]
# A code point above U+10FFFF.
$ hunch check tests/bad-input/utf8/above_max_codepoint.yaml
tests/bad-input/utf8/above_max_codepoint.yaml:12:21: error: rule file is not valid UTF-8 (byte 0xF4): save it as UTF-8
   12 |     when: email == 'ô€€'
      |                     ^
1 error, 0 warnings
[exit 1]
# A Latin-1 file.
$ hunch check tests/bad-input/utf8/latin1_file.yaml
tests/bad-input/utf8/latin1_file.yaml:1:4: error: rule file is not valid UTF-8 (byte 0xE8): save it as UTF-8
    1 | # Règles
      |    ^
1 error, 0 warnings
[exit 1]
# Invalid UTF-8 in a class name.
$ hunch check tests/bad-input/utf8/invalid_in_class.yaml
tests/bad-input/utf8/invalid_in_class.yaml:3:16: error: rule file is not valid UTF-8 (byte 0xFF): save it as UTF-8
    3 | classes: [no, yÿes]
      |                ^
1 error, 0 warnings
[exit 1]
# Invalid UTF-8 in a column name in a condition.
$ hunch check tests/bad-input/utf8/invalid_in_column.yaml
tests/bad-input/utf8/invalid_in_column.yaml:12:13: error: rule file is not valid UTF-8 (byte 0xFF): save it as UTF-8
   12 |     when: amÿount > 1
      |             ^
1 error, 0 warnings
[exit 1]
# Invalid UTF-8 in a rule name. (--format json: the JSON stays valid)
$ hunch check tests/bad-input/utf8/invalid_in_name.yaml --format json | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin)[0]; print('{file}:{line}:{column}: error: {code}'.format(**d))"; exit 1
tests/bad-input/utf8/invalid_in_name.yaml:11:12: error: bad-encoding
[exit 1]
# Invalid UTF-8 inside a string literal of a condition. (--format json: the JSON stays valid)
$ hunch check tests/bad-input/utf8/invalid_in_string_literal.yaml --format json | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin)[0]; print('{file}:{line}:{column}: error: {code}'.format(**d))"; exit 1
tests/bad-input/utf8/invalid_in_string_literal.yaml:12:24: error: bad-encoding
[exit 1]
# Invalid UTF-8 in a YAML comment. (--format json: the JSON stays valid)
$ hunch check tests/bad-input/utf8/invalid_in_comment.yaml --format json | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin)[0]; print('{file}:{line}:{column}: error: {code}'.format(**d))"; exit 1
tests/bad-input/utf8/invalid_in_comment.yaml:11:8: error: bad-encoding
[exit 1]
