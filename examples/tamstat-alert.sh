#!/bin/sh
# Alert when a process's committed memory passes PERCENT % of RAM.  Checks
# every SECONDS (default 1); exits 0 after the alert, 1 if the process
# exits first, 2 for bad arguments.
#
#   tamstat-alert.sh PID PERCENT [SECONDS]
[ $# -ge 2 ] || { echo "usage: tamstat-alert.sh PID PERCENT [SECONDS]" >&2; exit 2; }
pid=$1 limit=$2
case $limit in
''|.|*[!0-9.]*|*.*.*) echo "tamstat-alert.sh: PERCENT must be a number" >&2; exit 2 ;;
esac
tamstat -p "$pid" -o ram%,committed --mib -n -s "${3:-1}" | {
	while read -r pct mib; do
		if awk -v p="$pct" -v l="$limit" 'BEGIN { exit !(p >= l) }'; then
			echo "ALERT: PID $pid has $mib MiB committed, $pct% of RAM (limit $limit%)"
			exit 0
		fi
	done
	exit 1
}
