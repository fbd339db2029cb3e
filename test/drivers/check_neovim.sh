#!/usr/bin/env bash
# tool.editor.neovim: the Neovim configuration of docs/editors.md, taken
# from the page itself, in Debian's Neovim (0.7, no nvim-lspconfig) run
# headless on a small project: kara-clangd's kara diagnostics must reach
# vim.diagnostic.
#   check_neovim.sh <nvim> <kara-clangd> <docs/editors.md> <annotations include>
set -uo pipefail
nvim=$1 clangd=$2 doc=$3 inc=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/build" "$work/home"
# The first ```lua block of the Neovim section, with the installed path
# replaced by the binary under test.
awk '/^## Neovim/{s=1} s&&/^```lua/{f=1;next} f&&/^```/{exit} f' "$doc" \
  | sed "s|/opt/kara/bin/kara-clangd|$clangd|" > "$work/init.lua"
grep -q "vim.lsp" "$work/init.lua" || { echo "FAIL: no Neovim configuration in $doc"; exit 1; }
printf "Diagnostics:\n  ClangTidy:\n    Add: ['kara-*']\n    FastCheckFilter: None\n" > "$work/.clangd"
cat > "$work/t.cpp" <<'CPP'
#include <kara/annotations.hpp>
int Counter;
[[kara::reads(Config)]] int bump() { return ++Counter; }
CPP
printf '[{"directory": "%s", "file": "%s/t.cpp", "command": "clang++ -std=c++20 -I%s -c t.cpp"}]\n' \
  "$work" "$work" "$inc" > "$work/build/compile_commands.json"
cat > "$work/wait.lua" <<'LUA'
local ok = vim.wait(90000, function()
  for _, d in ipairs(vim.diagnostic.get(0)) do
    if d.code == 'kara-effect-contract' then return true end
  end
  return false
end, 200)
local out = io.open(vim.env.KARA_NVIM_OUT, 'w')
for _, d in ipairs(vim.diagnostic.get(0)) do
  out:write(string.format('%d:%d %s [%s]\n', d.lnum + 1, d.col + 1, d.message, tostring(d.code)))
end
out:close()
vim.cmd(ok and 'qa!' or 'cq!')
LUA
cd "$work" || exit 1
HOME=$work/home XDG_CONFIG_HOME=$work/home XDG_DATA_HOME=$work/home XDG_STATE_HOME=$work/home \
  XDG_CACHE_HOME=$work/home KARA_NVIM_OUT=$work/diagnostics.txt \
  timeout 150 "$nvim" --headless -u "$work/init.lua" t.cpp -c "luafile $work/wait.lua"
status=$?
cat "$work/diagnostics.txt" 2>/dev/null
if [ $status -ne 0 ] || ! grep -q "kara-effect-contract" "$work/diagnostics.txt"; then
  echo "FAIL: no kara diagnostic reached Neovim (exit $status)"
  cat "$work"/home/nvim/lsp.log "$work"/home/lsp.log 2>/dev/null | tail -20
  exit 1
fi
echo "PASS: docs/editors.md's Neovim setup shows kara diagnostics"
