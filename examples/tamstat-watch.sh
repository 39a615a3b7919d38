#!/bin/sh
# Watch a process's committed memory (VmRSS) grow while it writes pages.
# With no PID, start "tamdemo -s 4M -d 1000" (a page every millisecond or so)
# and watch it until it exits.
#
#   tamstat-watch.sh [PID [SECONDS]]
interval=${2:-0.25}
if [ -n "${1:-}" ]; then
	pid=$1
else
	tamdemo -s 4M -d 1000 >/dev/null &
	pid=$!
fi
echo "committed memory of PID $pid every ${interval}s"
echo " COMMITTED(KiB)  RAM%"
# tamstat exits with status 3 once the process is gone.
tamstat -p "$pid" -o committed,ram% --kib -n -s "$interval" 2>/dev/null
rc=$?
[ $rc = 3 ] || exit $rc
echo "PID $pid has exited"
