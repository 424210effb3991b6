#!/usr/bin/env bash
# complete.bash SCRIPT WORD... — what the bash completion in SCRIPT offers
# for the command line WORD... (the last word is the one being completed;
# give "" to complete a new word), one candidate per line, sorted. Used by
# tests/cli/help.cases.
set -u
script=$1
shift
# shellcheck source=/dev/null
source "$script"
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
_payband
if [ "${#COMPREPLY[@]}" -gt 0 ]; then
    printf '%s\n' "${COMPREPLY[@]}" | sort
fi
