# Runs inside a private mount namespace (the test starts it with `unshare -m`): a 3 MiB tmpfs holds the vault,
# the disk is filled, then room is given back 4 KiB at a time while secrets are added, so writes fail at every
# point: in SQLite, in its WAL, in the audit log. Prints one line per outcome for the test to judge.
set -u
dir=$1 vault=$2
mount -t tmpfs -o size=3m,mode=0700 tmpfs "$dir" || exit 99
export VAULT_HOME=$dir/v
"$vault" init --kdf interactive >/dev/null 2>&1 || { echo "init failed"; exit 98; }
printf one | "$vault" add s/one >/dev/null 2>&1
for i in $(seq 1 32); do dd if=/dev/zero of="$dir/pad$i" bs=4k count=1 2>/dev/null; done
dd if=/dev/zero of="$dir/fill" bs=4k 2>/dev/null
for i in $(seq 1 32); do
  rm -f "$dir/pad$i"
  printf "value-%s" "$i" | "$vault" add "s/x$i" >/dev/null 2>/tmp/full-disk-err.$$; status=$?
  echo "add s/x$i $status $(tr '\n' ' ' < /tmp/full-disk-err.$$)"
done
rm -f "$dir/fill" /tmp/full-disk-err.$$
"$vault" audit verify >/dev/null 2>&1; echo "verify $?"
"$vault" list 2>/dev/null | awk 'NR > 1 { print "listed " $1 }'
