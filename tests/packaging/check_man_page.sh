#!/usr/bin/env bash
# Checks packaging/tessera-cli.1 against the program it describes: every
# command of `tessera-cli --help` and every option that a command's --help
# prints must appear in the man page, and groff must read it without warnings.
# Usage: check_man_page.sh TESSERA_CLI MAN_PAGE
set -euo pipefail
cli=$1
man_page=$2

# The man page's text with roff's escaped hyphens as plain ones.
text=$(sed 's/\\-/-/g' "$man_page")
missing=()

commands=$("$cli" --help | sed -n '/^Commands:/,/^$/p' | awk '/^  [a-z]/ {print $1}' | sort -u)
[[ -n "$commands" ]] || { echo "check_man_page: no commands in '$cli --help'" >&2; exit 1; }
for command in $commands; do
  grep -q "^\.SS \"$command" <<<"$text" || missing+=("command $command")
  for option in $("$cli" "$command" --help | grep -o -- '--[a-z0-9][a-z0-9-]*' | sort -u); do
    grep -q -- "$option\\b" <<<"$text" || missing+=("$command $option")
  done
done
for option in --help --version; do
  grep -q -- "$option\\b" <<<"$text" || missing+=("$option")
done

if ((${#missing[@]})); then
  echo "check_man_page: $man_page lacks: ${missing[*]}" >&2
  exit 1
fi

if command -v groff >/dev/null; then
  warnings=$(groff -man -Tutf8 -ww -z "$man_page" 2>&1)
  [[ -z "$warnings" ]] || { echo "check_man_page: groff warns about $man_page: $warnings" >&2; exit 1; }
fi
echo "check_man_page: $(wc -w <<<"$commands") commands and their options are in $man_page"
