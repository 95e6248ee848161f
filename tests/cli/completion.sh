# SPDX-License-Identifier: MIT
# The shell completions, written at build time from the option tables
# (gendocs), as each shell runs them: option names (every long option
# --help lists), the values of an option that has them, directories after
# -o, files and directories as operands, and compare's own options after
# `imgbatch compare`. bash always; zsh and fish where installed (CI has
# them).
. "$(dirname "$0")/lib.sh"
doc=$(dirname "$IMGBATCH")/doc
for f in imgbatch.bash _imgbatch imgbatch.fish; do expect_file "$doc/$f"; done

# A folder to complete operands in: a file and a directory.
mkdir -p "$T/here/photos" "$T/home"
: > "$T/here/a.jpg"
cd "$T/here"
export HOME=$T/home

# bash_complete LINE: the candidates bash's completion function sets for
# LINE, one a line, sorted (the words split as bash splits them, '=' too).
bash_complete() {
    bash --norc --noprofile -c '
        source "$1" || exit 1
        spec=$(complete -p imgbatch) || exit 1
        fn=${spec#*-F } fn=${fn%% *}
        line=${2//=/ = }
        read -ra COMP_WORDS <<< "$line"
        [[ $line == *" " ]] && COMP_WORDS+=("")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) COMP_LINE=$2 COMP_POINT=${#2}
        "$fn" imgbatch "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        printf "%s\n" "${COMPREPLY[@]}"' _ "$doc/imgbatch.bash" "$1" | sort -u
}

# fish_complete LINE: what `complete -C` prints for LINE, without the
# descriptions, a directory's slash, or the "--name=" fish repeats before
# each value of the word it completes.
fish_complete() {
    LINE=$1 fish --no-config -c "source '$doc/imgbatch.fish'; complete -C \"\$LINE\"" |
        cut -f1 | sed 's|/$||; s|^--[a-z0-9-]*=||' | sort -u
}

# zsh_complete LINE: the candidates zsh's completion system offers after
# LINE and a tab, in a zsh on a pseudo-terminal (zpty) whose compadd also
# prints what it is given.
cat > "$T/capture.zsh" <<'ZSH'
zmodload zsh/zpty zsh/datetime
zpty z zsh -f -i
zpty -w z "PROMPT='' RPROMPT=''"
zpty -w z "fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z 'compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a hits; builtin compadd -A hits "$@"
  (( $#hits )) && print -rl -- "<h""it>"${^hits}
  builtin compadd "$@"
}'
zpty -w z '_capture_done() { print -r -- "<do""ne>"; exit }; comppostfuncs=(_capture_done)'
zpty -w z "bindkey '^I' complete-word"
zpty -w z "$2"$'\t'
# The markers are split in the commands above, so their echo is no match.
local out= chunk
float end=$(( EPOCHREALTIME + 20 ))
while (( EPOCHREALTIME < end )); do
  if zpty -rt z chunk; then
    out+=$chunk
    [[ $out == *'<done>'* ]] && break
  else
    sleep 0.05
  fi
done
zpty -d z
[[ $out == *'<done>'* ]] || { print -u2 "no completion came"; exit 1 }
for line in "${(@f)out}"; do
  line=${line%$'\r'}
  [[ $line == *'<hit>'* ]] && print -r -- ${line#*<hit>}
done
exit 0
ZSH
zsh_complete() { zsh -f "$T/capture.zsh" "$doc" "$1" | sort -u; }

# expect_offers SHELL LINE CANDIDATE...: SHELL offers exactly these.
expect_offers() {
    local shell=$1 line=$2 got want
    shift 2
    got=$("${shell}_complete" "$line" 2> "$T/stderr" | paste -sd' ') ||
        fail "$shell: completing '$line' failed"
    want=$(printf '%s\n' "$@" | sort -u | paste -sd' ')
    [ "$got" = "$want" ] || fail "$shell: '$line' offers '$got', expected '$want'"
}

help_options() {
    "$IMGBATCH" "$@" --help | sed -nE 's/^  (-[^ ], |    )(--[a-z0-9-]+).*/\2/p'
}
mapfile -t options < <(help_options)
mapfile -t compare_options < <(help_options compare)

shells=(bash)
for shell in zsh fish; do
    if command -v "$shell" > /dev/null; then
        [ "$shell" = zsh ] && { zsh -n "$doc/_imgbatch" 2> "$T/stderr" || fail "zsh -n _imgbatch"; }
        [ "$shell" = fish ] && { fish -n "$doc/imgbatch.fish" 2> "$T/stderr" || fail "fish -n imgbatch.fish"; }
        shells+=("$shell")
    elif [ "${CI:-}" = true ]; then
        fail "$shell missing under CI=true"
    else
        echo "$shell not installed: its completion is not checked"
    fi
done

for shell in "${shells[@]}"; do
    expect_offers "$shell" "imgbatch --crop " none centre attention entropy
    expect_offers "$shell" "imgbatch --crop=" none centre attention entropy
    expect_offers "$shell" "imgbatch -f " jpg png webp avif tif gif jxl heic
    expect_offers "$shell" "imgbatch --intent " perceptual relative saturation absolute
    expect_offers "$shell" "imgbatch --jpeg-subsample " auto on off
    expect_offers "$shell" "imgbatch --progress " auto always never
    expect_offers "$shell" "imgbatch --background " white black grey gray red green blue
    expect_offers "$shell" "imgbatch --form" --format
    expect_offers "$shell" "imgbatch compare --max" --max-diff --max-fraction
    expect_offers "$shell" "imgbatch --" "${options[@]}"
    expect_offers "$shell" "imgbatch compare --" "${compare_options[@]}"
    expect_offers "$shell" "imgbatch -o " photos
    expect_offers "$shell" "imgbatch " compare a.jpg photos
    expect_offers "$shell" "imgbatch -r " a.jpg photos
    expect_offers "$shell" "imgbatch --report " a.jpg photos
    expect_offers "$shell" "imgbatch compare " a.jpg photos
    expect_offers "$shell" "imgbatch -s "
done
echo "completions checked in: ${shells[*]}"
