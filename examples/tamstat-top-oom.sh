#!/bin/sh
# The processes the OOM killer would pick first: the N (default 5) highest
# OOM scores, with the committed memory behind them.
#
#   tamstat-top-oom.sh [N]
exec tamstat --sort oom_score -r --top "${1:-5}" \
	-o pid,command,oom_score,oom_adj,committed,ram%
